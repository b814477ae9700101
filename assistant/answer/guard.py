"""The numeric guard: every number an answer states must occur, normalised, in a passage it
cites. It runs on every answer, whoever wrote it (the extractive answerer, the fact store, a
future LLM), and removes the sentences that fail; its decision is reported with the answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.types import Citation, Status
from assistant.lang.numbers import is_supported, mentions, supported_values
from assistant.lang.sentences import CITED_RUN, MARKER


@dataclass(frozen=True)
class GuardReport:
    checked: int
    removed: tuple[str, ...]
    status_changed: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "removed": list(self.removed),
            "status_changed": self.status_changed,
        }


@dataclass(frozen=True)
class Guarded:
    text: str
    status: Status
    citations: tuple[Citation, ...]
    report: GuardReport


def _support(citations: Sequence[Citation]) -> list[str]:
    # The cited passage and, as the evaluation does, the title and section the citation shows.
    return [t for c in citations for t in (c.passage, c.quote, c.doc_title, c.section)]


def guard_answer(
    text: str,
    status: Status,
    citations: Sequence[Citation],
    not_found_text: str,
    prefix: str = "",
) -> Guarded:
    """Check ``text`` (sentences each ending with [n] markers, after an optional ``prefix``)
    against its ``citations``. Failing sentences are removed and the answer becomes partial;
    when nothing is left it becomes not_found."""
    if status == "not_found":
        return Guarded(text, status, tuple(citations), GuardReport(0, (), False))
    by_n = {c.n: c for c in citations}
    head = prefix if prefix and text.startswith(prefix) else ""
    body = text[len(head) :]
    kept: list[str] = []
    removed: list[str] = []
    checked = 0
    consumed = 0
    for m in CITED_RUN.finditer(body):
        consumed = m.end()
        cited = [by_n[int(n)] for n in MARKER.findall(m.group("marks")) if int(n) in by_n]
        values = supported_values(_support(cited))
        numbers = mentions(m.group("body"), strict=True)
        checked += len(numbers)
        if any(not is_supported(x, values) for x in numbers):
            removed.append(m.group(0))
        else:
            kept.append(m.group(0))
    tail = body[consumed:]
    if tail.strip():
        # Text after the last marker cites nothing: any number in it is unsupported.
        numbers = mentions(tail, strict=True)
        checked += len(numbers)
        if numbers:
            removed.append(tail)
            tail = ""
    if not removed:
        return Guarded(text, status, tuple(citations), GuardReport(checked, (), False))
    if not kept:
        report = GuardReport(checked, tuple(removed), True)
        return Guarded(not_found_text, "not_found", (), report)
    used = {int(n) for s in kept for n in MARKER.findall(s)}
    new_status: Status = "partial"
    new_prefix = head or (prefix if prefix else "")
    report = GuardReport(checked, tuple(removed), new_status != status)
    return Guarded(
        new_prefix + "".join(kept) + tail,
        new_status,
        tuple(c for c in citations if c.n in used),
        report,
    )
