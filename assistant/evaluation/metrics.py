"""Evaluation metrics as plain functions over id-keyed dicts.

Nothing here knows about the assistant or the dataset file: every function takes strings,
lists and dicts keyed by item id, so each metric can be unit-tested on hand-checkable data.
Rates return ``None`` when there is nothing to measure (an empty denominator).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from assistant.lang.numbers import (
    Mention,
    chinese_numeral,
    is_supported,
    mentions,
    supported_values,
)

# ---------------------------------------------------------------------------------------------
# Text normalisation
# ---------------------------------------------------------------------------------------------

# Characters NFKC would fold that the spec wants kept as they are (＜ ＞ would become < >).
_KEEP_AS_IS = "≤≥＜＞"
_KEEP_SPLIT = re.compile(f"([{_KEEP_AS_IS}])")
_WHITESPACE = re.compile(r"\s+")


def fold_width(text: str) -> str:
    """Full-width -> half-width (NFKC) except for ≤ ≥ ＜ ＞; ``％`` -> ``%``. Keeps whitespace."""
    parts = _KEEP_SPLIT.split(text)
    folded = "".join(
        part if part and part in _KEEP_AS_IS else unicodedata.normalize("NFKC", part)
        for part in parts
    )
    return folded.replace("％", "%")


def remove_whitespace(text: str) -> str:
    return _WHITESPACE.sub("", text)


def normalise_answer_text(text: str) -> str:
    """The normal form used to compare answers with ``must_include`` strings and quotes with
    passages: all whitespace removed, full-width folded to half-width (keeping ≤ ≥ ＜ ＞)."""
    return remove_whitespace(fold_width(text))


# ---------------------------------------------------------------------------------------------
# Answer accuracy
# ---------------------------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def missing_strings(answer: str, must_include: Sequence[str]) -> list[str]:
    """The ``must_include`` strings that do not occur in ``answer`` after normalisation."""
    normal = normalise_answer_text(answer)
    return [m for m in must_include if normalise_answer_text(m) not in normal]


def answer_correct(answer: str, must_include: Sequence[str]) -> bool:
    return not missing_strings(answer, must_include)


def answer_accuracy(
    answers: Mapping[str, str], must_include: Mapping[str, Sequence[str]]
) -> float | None:
    """Share of items (the keys of ``must_include``; pass answerable items only) whose answer
    contains every ``must_include`` string. An item without an answer counts as wrong."""
    correct = sum(
        1
        for item_id, strings in must_include.items()
        if item_id in answers and answer_correct(answers[item_id], strings)
    )
    return _ratio(correct, len(must_include))


# ---------------------------------------------------------------------------------------------
# Abstention
# ---------------------------------------------------------------------------------------------

UNANSWERABLE = "unanswerable"
NOT_FOUND = "not_found"
ANSWERED = "answered"
PARTIAL = "partial"


@dataclass(frozen=True)
class AbstentionScores:
    """``precision``: share of not_found answers given to unanswerable items; ``recall``: share
    of unanswerable items answered not_found; ``false_refusal_rate``: share of answerable items
    answered not_found."""

    precision: float | None
    recall: float | None
    false_refusal_rate: float | None
    n_refused: int
    n_unanswerable: int
    n_answerable: int

    def to_dict(self) -> dict[str, float | int | None]:
        return dict(self.__dict__)


def abstention_scores(status: Mapping[str, str], types: Mapping[str, str]) -> AbstentionScores:
    """``status``: item id -> answer status; ``types``: item id -> item type (all items)."""
    refused = {item_id for item_id, s in status.items() if s == NOT_FOUND and item_id in types}
    unanswerable = {item_id for item_id, t in types.items() if t == UNANSWERABLE}
    answerable = set(types) - unanswerable
    return AbstentionScores(
        precision=_ratio(len(refused & unanswerable), len(refused)),
        recall=_ratio(len(refused & unanswerable), len(unanswerable)),
        false_refusal_rate=_ratio(len(refused & answerable), len(answerable)),
        n_refused=len(refused),
        n_unanswerable=len(unanswerable),
        n_answerable=len(answerable),
    )


@dataclass(frozen=True)
class StatusScores:
    """What the status label tells a reader. ``answered_precision``: share of items labelled
    answered whose answer is right (an unanswerable item labelled answered is wrong);
    ``partial_share`` / ``answered_share`` / ``not_found_share``: shares of all items."""

    answered_precision: float | None
    answered_share: float | None
    partial_share: float | None
    not_found_share: float | None
    n_answered: int
    n_partial: int

    def to_dict(self) -> dict[str, float | int | None]:
        return dict(self.__dict__)


def status_scores(status: Mapping[str, str], correct: Mapping[str, bool]) -> StatusScores:
    """``status``: item id -> answer status; ``correct``: item id -> whether it was scored right."""
    answered = [i for i, s in status.items() if s == ANSWERED]
    partial = [i for i, s in status.items() if s == PARTIAL]
    refused = [i for i, s in status.items() if s == NOT_FOUND]
    return StatusScores(
        answered_precision=_ratio(sum(1 for i in answered if correct.get(i)), len(answered)),
        answered_share=_ratio(len(answered), len(status)),
        partial_share=_ratio(len(partial), len(status)),
        not_found_share=_ratio(len(refused), len(status)),
        n_answered=len(answered),
        n_partial=len(partial),
    )


# ---------------------------------------------------------------------------------------------
# Evidence matching and retrieval
# ---------------------------------------------------------------------------------------------

EVIDENCE_MATCH_CHARS = 20


def _has_common_substring(short: str, long: str, length: int) -> bool:
    if length == 0:
        return True
    return any(short[i : i + length] in long for i in range(len(short) - length + 1))


def longest_common_substring_len(a: str, b: str) -> int:
    """Length of the longest common substring of ``a`` and ``b`` (as given; no normalisation).

    Binary search on the length: if the strings share a substring of length n they share one of
    every shorter length, and each probe is a handful of fast ``in`` searches."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    low, high = 0, len(short)
    while low < high:
        mid = (low + high + 1) // 2
        if _has_common_substring(short, long, mid):
            low = mid
        else:
            high = mid - 1
    return low


def holds(passage: str, quote: str) -> bool:
    """Whether ``passage`` holds the evidence ``quote``: with whitespace removed (and full-width
    folded on both sides) their longest common substring is ≥ min(len(quote), 20) characters."""
    return _holds_compact(normalise_answer_text(passage), normalise_answer_text(quote))


def _holds_compact(passage: str, quote: str) -> bool:
    if not quote:
        return False
    return _has_common_substring(quote, passage, min(len(quote), EVIDENCE_MATCH_CHARS))


def found_rank(
    passages: Sequence[str], quotes: Sequence[str], *, require_all: bool = True
) -> int | None:
    """The smallest k such that the passages ranked ≤ k (1-based) hold all ``quotes``
    (``require_all``) or at least one of them; ``None`` when never, or when there are no quotes."""
    if not quotes:
        return None
    compact = [normalise_answer_text(p) for p in passages]
    first_ranks: list[int | None] = []
    for quote in quotes:
        compact_quote = normalise_answer_text(quote)
        rank = next(
            (i + 1 for i, text in enumerate(compact) if _holds_compact(text, compact_quote)), None
        )
        first_ranks.append(rank)
    found = [r for r in first_ranks if r is not None]
    if require_all:
        return max(found) if len(found) == len(first_ranks) else None
    return min(found) if found else None


def found_ranks(
    retrieved: Mapping[str, Sequence[str]],
    evidence: Mapping[str, Sequence[str]],
    *,
    require_all: bool = True,
) -> dict[str, int | None]:
    """``found_rank`` for every item that has evidence (items without evidence are left out)."""
    return {
        item_id: found_rank(retrieved.get(item_id, ()), quotes, require_all=require_all)
        for item_id, quotes in evidence.items()
        if quotes
    }


def recall_at_k_from_ranks(ranks: Mapping[str, int | None], k: int) -> float | None:
    return _ratio(sum(1 for r in ranks.values() if r is not None and r <= k), len(ranks))


def mrr_at_k_from_ranks(ranks: Mapping[str, int | None], k: int) -> float | None:
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks.values() if r is not None and r <= k) / len(ranks)


def retrieval_recall_at_k(
    retrieved: Mapping[str, Sequence[str]],
    evidence: Mapping[str, Sequence[str]],
    k: int,
    *,
    require_all: bool = True,
) -> float | None:
    """Share of items with evidence found at rank ≤ k. ``retrieved``: item id -> ranked passage
    texts; ``evidence``: item id -> quotes. ``require_all=False`` gives the any-quote variant."""
    return recall_at_k_from_ranks(found_ranks(retrieved, evidence, require_all=require_all), k)


def mrr_at_k(
    retrieved: Mapping[str, Sequence[str]],
    evidence: Mapping[str, Sequence[str]],
    k: int = 10,
    *,
    require_all: bool = True,
) -> float | None:
    """Mean of 1/rank (0 when not found within k) over items with evidence."""
    return mrr_at_k_from_ranks(found_ranks(retrieved, evidence, require_all=require_all), k)


# ---------------------------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------------------------


def citation_flags(
    cited: Mapping[str, Sequence[str]], evidence: Mapping[str, Sequence[str]]
) -> dict[str, list[bool]]:
    """For every item in ``evidence``: one flag per cited passage, whether it holds any of the
    item's evidence quotes."""
    return {
        item_id: [any(holds(passage, q) for q in quotes) for passage in cited.get(item_id, ())]
        for item_id, quotes in evidence.items()
    }


def citation_hit_from_flags(flags: Mapping[str, Sequence[bool]]) -> float | None:
    return _ratio(sum(1 for item_flags in flags.values() if any(item_flags)), len(flags))


def citation_precision_from_flags(flags: Mapping[str, Sequence[bool]]) -> float | None:
    all_flags = [flag for item_flags in flags.values() for flag in item_flags]
    return _ratio(sum(all_flags), len(all_flags))


def citation_hit(
    cited: Mapping[str, Sequence[str]], evidence: Mapping[str, Sequence[str]]
) -> float | None:
    """Share of items (the keys of ``evidence``; pass answerable items) where at least one cited
    passage holds an evidence quote. ``cited``: item id -> cited passage texts."""
    return citation_hit_from_flags(citation_flags(cited, evidence))


def citation_precision(
    cited: Mapping[str, Sequence[str]], evidence: Mapping[str, Sequence[str]]
) -> float | None:
    """Share of all citations of the items in ``evidence`` that hold an evidence quote of their
    own item."""
    return citation_precision_from_flags(citation_flags(cited, evidence))


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------


def _display(mention: Mention) -> str:
    """How a number is listed in the report: 百分之九十五 as 95%, anything else as written."""
    if mention.text.startswith("百分之"):
        return f"{format(mention.value.normalize(), 'f')}%"
    return mention.text


def chinese_numeral_value(text: str) -> Decimal | None:
    """三 -> 3, 一万八千 -> 18000, 三点五 -> 3.5, 百 -> 100, 二〇二五 -> 2025; None if invalid."""
    return chinese_numeral(text)


def extract_numbers(text: str) -> list[Mention]:
    """Numbers stated in ``text`` (an answer), parsed by the library's one number parser
    (``assistant.lang.numbers``): Arabic with 万/亿 applied (1.8万 -> 18000), 百分之N as N%, and
    Chinese numerals followed by a unit (三条 -> 3). Citation markers [n], list markers
    (1. / （2） / ①), book titles 《…》 and plan names (十四五) are ignored."""
    return [replace(m, text=_display(m)) for m in mentions(text, strict=True)]


def number_values(text: str) -> set[Decimal]:
    """Every numeric value a passage states, generously: scaled and unscaled values of
    Arabic numbers, and all Chinese numerals whether or not a unit follows."""
    return supported_values([text])


def unsupported_numbers(
    answer: str, cited_passages: Iterable[str], question: str = ""
) -> list[str]:
    """The numbers of ``answer`` (deduplicated, in order) whose value occurs in none of
    ``cited_passages``. A table cell "95" in a % column supports "95%"; "1.8万" and "18000"
    support each other. Numbers the ``question`` states (e.g. the year asked about) are the
    user's, not claims of the answer, and are not counted."""
    values = supported_values([*cited_passages, *([question] if question else [])])
    result: list[str] = []
    for mention in extract_numbers(answer):
        if not is_supported(mention, values) and mention.text not in result:
            result.append(mention.text)
    return result


# ---------------------------------------------------------------------------------------------
# Latency
# ---------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (the numpy
    default); ``None`` for no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be in [0, 100], got {q}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def latency_summary(values: Sequence[float]) -> dict[str, float | int | None]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else None,
        "mean": sum(values) / len(values) if values else None,
    }
