"""The shared patterns of the genre: years, five-year plan periods (十四五 → 2021–2025, computed)
and place names. Every module that looks for a year or a plan period takes it from here."""

from __future__ import annotations

import functools
import re

from assistant.lang import DATA_DIR

# A calendar year as the documents write it (1900–2099), as a regex fragment to embed.
YEAR = r"(?:19|20)\d{2}"
# A year standing alone (not part of a longer number).
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
# A whole token that is a year.
YEAR_TOKEN_RE = re.compile(rf"^{YEAR}$")
# A sentence that opens with its time ("2025年，全省…", "截至2025年底，"): the paragraph's later
# sentences that name no year of their own speak of that year too.
_OPENING_YEAR = re.compile(rf"\s*(?:到|至|截至|截止)?\s*({YEAR})\s*年(?:底|末|以来)?\s*[，,]")


def opening_year(sentence: str) -> int | None:
    """The year ``sentence`` opens with as its time ("2025年，…"), else None."""
    m = _OPENING_YEAR.match(sentence)
    return int(m.group(1)) if m else None


# A question's words asking what a term means ("是怎么界定的", "如何认定", "的定义是什么",
# "是指什么"): the kind of answer asked, no part of what the answer must be about. A bare 界定
# is not ("按死亡多少人界定" asks a number).
ASKS_DEFINITION_RE = re.compile(
    r"(?:是)?(?:怎么|如何|怎样)(?:来)?(?:界定|定义|认定)(?:的)?|的(?:定义|界定)(?:是什么|是)?"
    r"|是指什么|是指|指的是|什么是"
)


_CN_ORDINAL = "一二三四五六七八九"
# A five-year plan period: 十三五, 十四五, 十五五 … (the Nth plan is written 十N五 for N = 11–19).
PLAN_PERIOD = rf"十[{_CN_ORDINAL}]五"
PLAN_PERIOD_RE = re.compile(PLAN_PERIOD)

# A grade or warning level as the genre writes it: 特别重大/重大/较大/一般 (事故, 响应),
# Ⅰ–Ⅴ级 and 一–五级, and the warning colours. 一般 counts only before 事故/事件/火灾/级/响应/预警… (it is
# also the everyday word "general"); "一级一级往上报" (step by step) is no level.
LEVEL = (
    r"特别重大|重大|较大|一般(?=事故|事件|火灾|灾害|险情|突发|[级响应预警])|[ⅠⅡⅢⅣⅤ]+级"
    r"|(?<![一二三四五]级)[一二三四五]级(?![一二三四五]级)|红色|橙色|黄色|蓝色"
    # Any other colour named as a warning ("紫色预警") is a level too — one no plan may have.
    r"|[\u4e00-\u9fff]色(?=预警|警报|信号)"
)
LEVEL_RE = re.compile(LEVEL)
# A list item's own number opening a quoted sentence ("26.全年建设…", "3、"): the list's, not a
# figure (a decimal "2.5万" is none).
ITEM_NUMBER_RE = re.compile(r"^\s*\d{1,2}[.．、](?!\d)\s*")
# A place name's administrative ending ("沁水县", "喀喇沁旗", "锡林郭勒盟", "城关街道").
ADMIN_END_RE = re.compile(r"(?:自治州|自治县|自治旗|新区|市|县|区|省|州|旗|盟|镇|乡|村|街道)$")
# A level with its alias in brackets ("二级(橙色)", "Ⅲ级（较大）"): one level, two names.
LEVEL_GROUP_RE = re.compile(rf"(?:{LEVEL})(?:\s*[（(](?:{LEVEL})[)）])?")


_LATIN_LEVEL = re.compile(r"(?<![A-Za-z])(IV|V|I{1,3})\s*级")
_CN_LEVEL = re.compile(r"([一二三四五])级")
_ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ"}
_CN_ROMAN = dict(zip("一二三四五", "ⅠⅡⅢⅣⅤ", strict=True))


def normalise_levels(text: str) -> str:
    """Numbered levels in one spelling: "I 级", "Ⅰ级" and "一级" are the same level (documents
    of the genre use all three)."""
    text = _LATIN_LEVEL.sub(lambda m: _ROMAN[m.group(1)] + "级", text)
    return _CN_LEVEL.sub(lambda m: _CN_ROMAN[m.group(1)] + "级", text)


def mentions_level(level: str, text: str) -> bool:
    """Whether ``text`` names ``level`` as a level of its own: "特别重大" does not name 重大."""
    level, text = normalise_levels(level), normalise_levels(text)
    if LEVEL_RE.fullmatch(level):
        return any(m.group(0) == level for m in LEVEL_RE.finditer(text))
    return level in text


def level_fit(asked: tuple[str, ...] | list[str], text: str) -> int:
    """Whether ``text`` is about an asked level: 1 when every level it names is an asked one (or
    its alias), -1 when it names only other levels, 0 when it names none or several (an
    enumeration such as "分为一级、二级和三级" is about the scale, not one level)."""
    if not asked:
        return 0
    wanted = {normalise_levels(a) for a in asked}
    text = normalise_levels(text)
    groups = [set(LEVEL_RE.findall(m.group(0))) for m in LEVEL_GROUP_RE.finditer(text)]
    hit = sum(1 for g in groups if g & wanted)
    other = len(groups) - hit
    if hit and not other:
        return 1
    if other and not hit:
        return -1
    return 0


# Whether a sentence of a plan states where things stand (现状) or where they are to be (目标).
# A plan's "发展基础/现状" section states the first, its "发展目标" section the second; within a
# sentence, the cues below decide.
_TARGET_CUES = re.compile(
    r"目标|力争|(?:到|(?<!截)至)\s*(?:19|20)\d{2}\s*年|预计|预测|将(?:达到|实现|建成|新增|形成)|计划(?:新|建|到)"
)
_CURRENT_CUES = re.compile(
    r"现状|截至|截止|已经|已(?:建成|完成|达|实现|形成)|增至|累计(?:建成|完成|开通)"
    r"|较“?十[一二三四五六七八九]五”?(?:期|末)"
)
_TARGET_HEADING = re.compile(r"目标|展望|愿景")
_CURRENT_HEADING = re.compile(r"现状|基础|成效|成就|回顾|形势")


def stance_of(sentence: str, heading: str = "") -> str:
    """ "target", "current" or "" (not said): from the sentence's own cues, else its heading."""
    target, current = _TARGET_CUES.search(sentence), _CURRENT_CUES.search(sentence)
    if target and not current:
        return "target"
    if current and not target:
        return "current"
    if target and current:
        return ""
    if _TARGET_HEADING.search(heading):
        return "target"
    if _CURRENT_HEADING.search(heading):
        return "current"
    return ""


# The third plan started in 1966 after the 1963–65 adjustment years; every plan since is five
# years long, so the Nth (N ≥ 3) covers 1966 + 5(N − 3) … + 4.
_THIRD_PLAN_START = 1966


def plan_period_years(name: str) -> tuple[int, int] | None:
    """First and last year of a plan period named 十N五 (``"十四五"`` → (2021, 2025))."""
    m = re.search(rf"十([{_CN_ORDINAL}])五", name)
    if m is None:
        return None
    n = 10 + _CN_ORDINAL.index(m.group(1)) + 1
    start = _THIRD_PLAN_START + 5 * (n - 3)
    return start, start + 4


@functools.cache
def known_regions() -> tuple[str, ...]:
    """Place names a question may be anchored to, longest first (``data/regions.txt``)."""
    raw = (DATA_DIR / "regions.txt").read_text(encoding="utf-8")
    names = {w for line in raw.splitlines() if not line.startswith("#") for w in line.split()}
    return tuple(sorted(names, key=len, reverse=True))


# A question about the moment of asking: a day named relative to it ("今天", "明天", "今晚") or
# the time of day ("现在几点"). What holds then (the weather, a ticket, the time) is live
# information, which a policy document, dated when it was issued, never states. "今年", "目前",
# "现在" alone are different: documents speak of the current year and the present state.
# Who holds a post is asked ("由谁担任组长", "谁来当指挥长", "由谁任主任"): a person or office,
# not the unit that leads a task.
ASKS_POST_RE = re.compile(r"(?:由谁|谁)来?(?:担任|出任|兼任|当|任)")
LIVE_RE = re.compile(r"今天|明天|后天|昨天|今晚|明晚|今早|明早|此刻|这会儿|现在几点|几点了|几点钟")


# A short name a document defines for a body it names: "盱眙县防汛抗旱指挥部（以下简称县防指）",
# "成立市建设工程事故应急救援指挥部(以下简称“市指挥部”)". The text then says only the short name.
_SHORT_NAME = re.compile(
    r"[（(]\s*以下简称\s*[“\"]?(?P<short>[^”\"（）()，,。]{2,10}?)[”\"]?\s*[）)]"
)
# What introduces the named body in its clause ("设立…", "成立…"): not part of the name.
_INTRODUCED = re.compile(r".*(?:设立|成立|组建|建立|设置|组成|为|是|由)")
# A place or administrative level before a body's name ("盱眙县", "市"): questions often omit it.
_PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{0,4}?(?:省|市|县|区))?")


def without_place(name: str) -> str:
    """A body's name without the place or administrative level before it ("盱眙县防汛抗旱指挥部"
    → "防汛抗旱指挥部", "市排涝指挥部" → "排涝指挥部")."""
    return _PLACE_PREFIX.sub("", name)


# A short name that keeps no more than a bare head noun of the full one ("市指挥部" of
# "建设工程事故应急救援指挥部") names any body of its kind: it says nothing about which.
_MIN_CUT = 4


def short_names(text: str) -> list[tuple[str, str]]:
    """(full name without its place prefix, short name) for each "（以下简称…）" in ``text``:
    an abbreviation ("县防指") or a cut of the full name that keeps more than its head noun
    ("市排涝指挥部" of "城市防汛排涝指挥部"). Self-references ("本规划", "本预案") are no body's
    short name."""
    found: list[tuple[str, str]] = []
    for m in _SHORT_NAME.finditer(text):
        short = m.group("short").strip()
        if short.startswith("本"):
            continue
        clause = re.split(r"[，,。；;：:\n、和与及]", text[max(0, m.start() - 40) : m.start()])[-1]
        core = without_place(_INTRODUCED.sub("", clause).strip())
        cut = without_place(short)
        if len(core) >= 4 and cut != core and (cut not in core or len(cut) >= _MIN_CUT):
            found.append((core, short))
    return found
