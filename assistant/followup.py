"""Resolve a follow-up question against the conversation into a standalone question, without an
LLM: carry over the previous question's subject, swapping the year or region the new one names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.types import Turn

_YEAR = re.compile(r"(?:19|20)\d{2}(?:年)?")
_REGION = re.compile(r"(晋城|阳泉|吉林|山西|太原|长治)(?:市|省)?")
_LEAD = re.compile(r"^(?:那么?|那个|还有|另外|再问一下|请问|那请问|和|与|跟)")
_TRAIL = re.compile(r"(?:呢|吗|啊|呀)?[？?。！!]*$")
_PRONOUN = re.compile(r"^(?:它|其|该|这个|这项|这|那个|此)")
_ELLIPTICAL = re.compile(r"^(?:那|还有|它|其|该|这|此|和|与|跟|另外)|呢[？?]?$")


def is_elliptical(question: str) -> bool:
    q = question.strip()
    return len(q) <= 8 or bool(_ELLIPTICAL.search(q))


def resolve_question(question: str, history: Sequence[Turn]) -> str:
    """The question to retrieve with. Unchanged when it stands on its own or there is no history."""
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous or not is_elliptical(question):
        return question
    base = previous[-1].strip()
    rest = _TRAIL.sub("", _LEAD.sub("", question.strip()))
    years = _YEAR.findall(rest)
    if years and _YEAR.search(base):
        base = _YEAR.sub(years[0] if years[0].endswith("年") else years[0] + "年", base, count=1)
        rest = _YEAR.sub("", rest, count=1)
    regions = _REGION.findall(rest)
    if regions and _REGION.search(base):
        base = _REGION.sub(regions[0], base, count=1)
        rest = _REGION.sub("", rest, count=1)
    rest = _PRONOUN.sub("", rest).strip()
    base = _TRAIL.sub("", base)
    return f"{base} {rest}".strip() if rest else base
