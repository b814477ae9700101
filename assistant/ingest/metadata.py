"""A document's metadata read from its own text, for files that arrive without a manifest entry:
title, 文号, issuing body, issue date, region and type, by the conventions every 政府公文 follows
(the 印发 notice's "关于印发《X》的通知", "X〔2025〕12号", the issuer line above the date, the
region that opens the title). No place or document name is listed here."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Issuer abbreviation + year in 〔〕 (or look-alike brackets) + serial: 晋市政办〔2025〕18号.
DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]］】)）]"
    r"\s*(?P<serial>\d{1,4})\s*号"
)
DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
ORG_TAIL = (
    r"(?:人民政府|政府|办公室|办公厅|委员会|管委会|委|局|厅|办|中心|公司|集团|支队|大队|总队|部|院"
    r"|所|站|队|银行|协会|领导小组|指挥部)"
)
_ISSUER_LINE = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,40}}{ORG_TAIL}$")
_PARENTHESISED = re.compile(r"[（(][^（）()]*[）)]")
# The title inside 《》 may hold quotes of its own (《…“十五五”规划》): it runs to the 》.
NOTICE_TITLE = re.compile(r"关于印发\s*[《“]?(?P<title>[^《》]{2,80}?)[》”]?的\s*通知")
_REGION = re.compile(
    r"^(?P<region>[\u4e00-\u9fff]{2,7}?(?:自治区|自治州|省|市|县|区|盟|旗))"
    r"(?!政府|人民政府)"
)
# Document kinds by the word the title ends with (the genre's own names).
DOC_TYPES = (
    "应急预案",
    "实施方案",
    "行动方案",
    "行动计划",
    "工作要点",
    "规划",
    "通知",
    "意见",
    "办法",
    "举措",
    "方案",
)
_HEAD_CHARS = 1500
# Words an issuer abbreviation never contains: they belong to the notice's title glued before it.
_NOT_IN_PREFIX = re.compile(r".*(?:通知|的|知)")
_FULL_BODY = re.compile(r"办公室|办公厅|委员会|人民政府|管委会")


@dataclass(frozen=True)
class InferredMeta:
    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    date: str = ""
    region: str = ""
    doc_type: str = ""


def own_doc_number(head: str) -> tuple[str, tuple[int, int]]:
    """This document's 文号 in its header, and its span; a number cited in brackets or one that
    is repealed ("（…号）同时废止") belongs to another document."""
    for m in DOC_NUMBER.finditer(head):
        before = head[max(0, m.start() - 1) : m.start()]
        after = head[m.end() : m.end() + 6]
        if before in "（(《" or "废止" in after:
            continue
        prefix = _NOT_IN_PREFIX.sub("", m.group("prefix"))
        # The issuer's full name glued before its abbreviation ("…办公室闽数经办"): the full
        # name ends with a body word the abbreviation does not spell out.
        tail = _FULL_BODY.split(prefix)[-1]
        if len(tail) >= 2:
            prefix = tail
        if not prefix:
            continue
        start = m.start("prefix") + (len(m.group("prefix")) - len(prefix))
        return f"{prefix}〔{m.group('year')}〕{m.group('serial')}号", (start, m.end())
    return "", (0, 0)


def issue_date_and_issuer(head: str) -> tuple[str, str, tuple[int, int]]:
    """The date line of the notice (a line that is only a date) and the issuer line above it."""
    pos = 0
    previous = ""
    for line in head.split("\n"):
        stripped = line.strip()
        if DATE.fullmatch(stripped):
            issuer = previous if _ISSUER_LINE.match(previous) else ""
            start = pos + line.find(stripped)
            return stripped, issuer, (start, start + len(stripped))
        # "（福建省发展和改革委员会代章）" under the issuer's name qualifies the seal, not the issuer.
        if stripped and not _PARENTHESISED.fullmatch(stripped):
            previous = stripped
        pos += len(line) + 1
    return "", "", (0, 0)


def signed_date_and_issuer(text: str, head: str) -> tuple[str, str, tuple[int, int]]:
    """The date and issuer in the document's header, else in its signature block: a notice
    signed at the end of its body ("湖滨省水利厅" / "2026年3月18日" before its attachments),
    an issuer line right above a date line."""
    found = issue_date_and_issuer(head)
    if found[0]:
        return found
    signed = issue_date_and_issuer(text)
    return signed if signed[1] else found


def is_issuer_line(line: str) -> bool:
    """A line naming only an issuing body ("临州市人民政府办公室"), as 红头 documents open."""
    return bool(_ISSUER_LINE.match(line))


def document_kind(line: str) -> str:
    """The document kind ``line`` ends with ("…实施方案", "…规划（2026—2030年）"), else ""."""
    return next((t for t in DOC_TYPES if re.search(rf"{t}(?:（[^）]*）)?$", line)), "")


def names_document(line: str) -> bool:
    return bool(document_kind(line))


def _iso(date: str) -> str:
    m = DATE.fullmatch(date)
    return f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}" if m else ""


def infer_meta(text: str, fallback_title: str) -> InferredMeta:
    """Metadata of a cleaned document from its own text; ``fallback_title`` when none is found."""
    head = text[:_HEAD_CHARS]
    notice = NOTICE_TITLE.search(head)
    title = re.sub(r"\s+", "", notice.group("title")) if notice else fallback_title
    number, _ = own_doc_number(head)
    date, issuer, _ = signed_date_and_issuer(text, head)
    region_match = _REGION.match(title) or _REGION.match(issuer)
    doc_type = document_kind(title)
    return InferredMeta(
        title=title,
        doc_number=number,
        issuer=issuer,
        date=_iso(date),
        region=region_match.group("region") if region_match else "",
        doc_type=doc_type,
    )
