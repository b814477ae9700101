"""The one number parser: 1.8万 = 18000, 百分之九十五 = 95%, 三条 = 3.

Used by record extraction (values are stored normalised), by the fact query (a value asked in
the question), by the numeric guard and the LLM verifier (every number of an answer must occur in
a cited passage) and by the evaluation's unsupported-number metric, so the guard and the metric
can never disagree about what a number is."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from assistant.lang.patterns import PLAN_PERIOD_RE

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_CHARS = _CN_DIGITS + "十百千万亿"
UNITS = [
    "%",
    "‰",
    "万元",
    "亿元",
    "元",
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "公里",
    "千米",
    "米",
    "公顷",
    "亩",
    "千克",
    "公斤",
    "吨",
    "千瓦",
    "兆瓦",
    "标台",
    "辆",
    "台",
    "架",
    "艘",
    "个月",
    "个",
    "项",
    "条",
    "家",
    "座",
    "所",
    "处",
    "人次",
    "车次",
    "人",
    "名",
    "户",
    "年",
    "月",
    "日",
    "天",
    "周",
    "小时",
    "分钟",
    "秒",
    "次",
    "倍",
    "批",
    "类",
    "种",
    "级",
    "期",
    "件",
    "张",
    "篇",
    "部",
    "层",
    "道",
    "轮",
    "岁",
    "大",
    "方面",
    "班",
    "段",
    "片",
    "站",
    "场",
    "km",
    "个工作日",
    "工作日",
]
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_LATIN = re.compile(r"[A-Za-z]")
# Latin units a quantity may carry ("220kV", "100Mbps"); any other letter after a number makes
# it part of a name ("5G", "4K").
_LATIN_UNIT = re.compile(
    r"(?:kWh|kV|kW|MW|GW|km|kg|GB|TB|PB|[KMGT]bps|[kMG]?Hz|m[²³23]?)(?![A-Za-z])"
)
_MULTIPLIERS = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}
_NUMBER = re.compile(
    rf"百分之(?P<pct>\d+(?:\.\d+)?|[{_CN_CHARS}]+(?:点[{_CN_DIGITS}]+)?)"
    rf"|(?<![\d.])(?P<arabic>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])"
    rf"(?:[ \t]*(?P<mult>万亿|亿|万|千(?![米克瓦])))?(?:[ \t]*(?P<aunit>{_UNIT_PATTERN}))?"
    rf"|(?P<cn>[{_CN_DIGITS}十百千][{_CN_CHARS}]*(?:点[{_CN_DIGITS}]+)?)"
    rf"(?:[ \t]*(?P<cunit>{_UNIT_PATTERN}))?"
)
# Text that looks numeric but states no quantity: citation markers, list markers, book titles
# (their years and numbers belong to the title) and plan periods (“十四五” is not 145).
_CITATION_MARKER = re.compile(r"\[\d+(?:\s*[,，、\-–]\s*\d+)*\]")
_CIRCLED = re.compile("[\u2460-\u2473\u24f5-\u24fe\u2776-\u2793]")
_TITLE = re.compile(r"《[^《》]*》")
_LIST_MARKER = re.compile(
    r"(?m)^[ \t]*(?:[-*][ \t]*)?(?:[（(]\d{1,2}[)）]|\d{1,2}[.、)）](?!\d))|[（(]\d{1,2}[)）]"
)
_KEEP = "≤≥＜＞"


@dataclass(frozen=True)
class Mention:
    """A number in text: as written, its normalised value, the unit after it, and its span."""

    text: str
    value: Decimal
    unit: str
    start: int
    end: int


def fold(text: str) -> str:
    """NFKC (full-width to half-width) keeping ≤ ≥ ＜ ＞, and ％ as %. Length-preserving for the
    characters this corpus uses, so spans found in the folded text index the original."""
    return "".join(c if c in _KEEP else unicodedata.normalize("NFKC", c)[:1] or c for c in text)


def chinese_numeral(text: str) -> Decimal | None:
    """三 -> 3, 一万八千 -> 18000, 三点五 -> 3.5, 百 -> 100; None when not a numeral."""
    if not text:
        return None
    if text[0] in "百千万亿":
        text = "一" + text
    import cn2an  # lazy: loading its tables is not free

    try:
        return Decimal(str(cn2an.cn2an(text, "normal")))
    except (ValueError, KeyError, IndexError, TypeError, InvalidOperation):
        return None


def _blank(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def mentions(text: str, *, strict: bool = True) -> list[Mention]:
    """Numbers stated in ``text``. ``strict`` (for answers) takes Chinese numerals only with a
    unit and never a bare 一 (一批, 一体); the lenient mode (for cited passages) takes them all,
    so support is found generously."""
    prepared = _blank(_CIRCLED, text)
    prepared = fold(prepared)
    for pattern in (_CITATION_MARKER, _TITLE, PLAN_PERIOD_RE, _LIST_MARKER):
        prepared = _blank(pattern, prepared)
    found: list[Mention] = []
    for m in _NUMBER.finditer(prepared):
        written = re.sub(r"\s+", "", m.group(0))
        if m.group("pct") is not None:
            raw = m.group("pct")
            value = Decimal(raw) if raw[0].isdigit() else chinese_numeral(raw)
            if value is not None:
                found.append(Mention(written, value, "%", m.start(), m.end()))
        elif m.group("arabic") is not None:
            before = prepared[m.start() - 1 : m.start()]
            after = prepared[m.end("arabic") : m.end("arabic") + 1]
            if _LATIN.match(before) or (
                _LATIN.match(after)
                and not m.group("aunit")
                and not m.group("mult")
                and not _LATIN_UNIT.match(prepared, m.end("arabic"))
            ):
                continue  # a code or a name ("G207", "5G", "PM2.5", "4K"), not a quantity
            base = Decimal(m.group("arabic").replace(",", ""))
            mult = m.group("mult") or ""
            scale = _MULTIPLIERS.get(mult, Decimal(1000) if mult == "千" else Decimal(1))
            found.append(Mention(written, base * scale, m.group("aunit") or "", *m.span()))
        else:
            raw, unit = m.group("cn"), m.group("cunit") or ""
            if strict and (not unit or raw == "一"):
                continue
            value = chinese_numeral(raw)
            if value is not None:
                found.append(Mention(written, value, unit, *m.span()))
    return found


def parse_value(text: str) -> Decimal | None:
    """The value of one written number ("1.8万", "≤0.04", "百分之九十五", "三"), else None."""
    found = mentions(text.lstrip("≤≥<>＜＞约近超"), strict=False)
    return found[0].value if found else None


# A table's unit cell that scales the row's figures: "亿元", "万辆", "万人次" standing alone
# (after a space or at a line start), not attached to a number.
# A unit cell that scales the figures under it: "亿元" alone, or a header's bracket "（万个）".
_SCALING_UNIT = re.compile(
    r"(?:^|(?<=\s)|(?<=[（(])|(?<=单位[：:]))(万|亿)(?=[\u4e00-\u9fff]{0,3}(?:\s|$|[)）]))",
    re.MULTILINE,
)


def supported_values(texts: list[str]) -> set[Decimal]:
    """Every value the texts state, scaled and unscaled (1.8万 supports 1.8 and 18000). In a
    table row whose unit cell is 亿元/万辆… (or cited with a header or "单位：万元" line saying
    so), a bare figure also stands for its scaled value ("亿元 318 400" supports 400亿元)."""
    values: set[Decimal] = set()
    # A table's unit ("单位：万元" above its header, a header's "（万元）") scales the figures of
    # the row cited with it.
    scales = {
        _MULTIPLIERS[u] for text in texts for u in _SCALING_UNIT.findall(text) if u in _MULTIPLIERS
    }
    for text in texts:
        for m in mentions(text, strict=False):
            values.add(m.value)
            digits = re.match(r"\d+(?:\.\d+)?", m.text.replace(",", ""))
            if digits:
                values.add(Decimal(digits.group(0)))
                if m.value == Decimal(digits.group(0)):
                    values.update(m.value * scale for scale in scales)
    return values


def is_supported(mention: Mention, values: set[Decimal]) -> bool:
    # A table cell "95" under a % column, or 0.95, supports "95%".
    return mention.value in values or (mention.unit == "%" and mention.value / 100 in values)
