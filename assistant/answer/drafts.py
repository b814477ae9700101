"""Reply drafts (答复草稿) for help-desk staff: a formal reply built from an Answer.

The body is the composed answer (the direct answer first, then the quotes it rests on), with
each [n] turned into a pointer to its document in the 依据 list; the answer has passed the
numeric guard, so every figure in it is in a cited text. The greeting and closing are fixed text
without numbers, and the question is not restated (it may contain a year or figure the documents
do not support)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.answer.texts import SUPPORT_LEAD
from assistant.answer.types import Answer, Citation
from assistant.ingest.types import DocumentMeta
from assistant.lang.sentences import MARKER

_MARKS = re.compile(r"(?:\[\d+\])+")

GREETING = "您好！"
OPENING = {
    "answered": "感谢您的来信（来电）。您所咨询的问题，经查阅相关政策文件，现答复如下：",
    "partial": (
        "感谢您的来信（来电）。经查阅相关政策文件，您所咨询的问题中，文件有规定的部分答复如下，"
        "未见规定的部分已予注明："
    ),
}
NOT_FOUND_BODY = (
    "感谢您的来信（来电）。经查阅目前已收录的政策文件，未找到与您所咨询问题直接相关的规定或表述，"
    "暂无法依据文件给予明确答复。建议您向相关主管部门进一步咨询，或关注后续发布的政策文件。"
)
CLOSING = "以上答复依据所列文件原文整理，具体以正式发布的文件为准。感谢您对我们工作的关注和支持！"


@dataclass(frozen=True)
class Basis:
    """One cited document in the 依据 list."""

    doc_id: str
    title: str
    doc_number: str
    sections: tuple[str, ...]

    def line(self, no: int) -> str:
        number = f"（{self.doc_number}）" if self.doc_number else ""
        sections = f"，{'；'.join(self.sections)}" if self.sections else ""
        return f"{no}. 《{self.title}》{number}{sections}"


def _bases(
    citations: tuple[Citation, ...], documents: Mapping[str, DocumentMeta] | None
) -> list[Basis]:
    """Cited documents in order of first citation, each with its cited sections."""
    order: list[str] = []
    sections: dict[str, list[str]] = {}
    first: dict[str, Citation] = {}
    for c in citations:
        if c.doc_id not in first:
            order.append(c.doc_id)
            first[c.doc_id] = c
            sections[c.doc_id] = []
        if c.section and c.section not in sections[c.doc_id]:
            sections[c.doc_id].append(c.section)
    bases = []
    for doc_id in order:
        c = first[doc_id]
        meta = (documents or {}).get(doc_id)
        # The full title from the document's metadata; a citation's own title as fallback.
        title = meta.title if meta else c.doc_title
        doc_number = c.doc_number or (meta.doc_number if meta else "")
        bases.append(Basis(doc_id, title, doc_number, tuple(sections[doc_id])))
    return bases


def _sentence(quote: str) -> str:
    quote = quote.strip()
    return quote if quote.endswith(("。", "！", "？", "；", "”")) else quote + "。"


def compose_reply(answer: Answer, documents: Mapping[str, DocumentMeta] | None = None) -> str:
    """The reply draft for ``answer``; ``documents`` (doc_id → metadata) supplies full titles."""
    if answer.status == "not_found" or not answer.citations:
        return "\n\n".join([GREETING, NOT_FOUND_BODY, CLOSING])
    bases = _bases(answer.citations, documents)
    basis_no = {b.doc_id: i for i, b in enumerate(bases, start=1)}
    by_n = {c.n: c for c in answer.citations}

    def pointer(m: re.Match[str]) -> str:
        numbers = [int(n) for n in MARKER.findall(m.group(0)) if int(n) in by_n]
        docs = dict.fromkeys(basis_no[by_n[n].doc_id] for n in numbers)
        return "（见依据" + "、".join(str(d) for d in docs) + "）" if docs else ""

    body = _MARKS.sub(pointer, answer.answer).replace(SUPPORT_LEAD, "\n原文：")
    lines = [GREETING, OPENING[answer.status], body.strip()]
    lines.append("依据：\n" + "\n".join(b.line(i) for i, b in enumerate(bases, start=1)))
    lines.append(CLOSING)
    return "\n\n".join(lines)
