"""The extractive answerer: pick the sentences of the retrieved passages that answer the question
and cite each one. It never writes a fact of its own, so every number it shows is in the quoted
sentence by construction.

Confidence combines how much of the question's weighted vocabulary the best passage and the best
sentence cover with the dense similarity of the top passage; the thresholds that turn it into a
status are calibrated on the dev set (``eval/calibrate.py``), not guessed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.chunking import split_sentences
from assistant.scoring import coverage
from assistant.types import Citation, DocumentMeta, Passage, Status

NOT_FOUND_TEXT = (
    "未在已收录文件中找到能回答该问题的内容。下方列出最接近的段落，仅供参考，请勿作为答复依据。"
)
PARTIAL_PREFIX = "文件中只找到部分相关内容，请核对原文："

_ASKS_NUMBER = re.compile(
    r"多少|几|比例|比率|率|目标|达到|数量|规模|里程|面积|金额|投资|时限|多长|多久"
)
_ASKS_LIST = re.compile(r"哪些|有什么|包括|包含|都有|分别|几类|几个方面|哪几")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class AnswerPolicy:
    """Calibrated thresholds (see eval/calibrate.py and eval/README.md for how they were set)."""

    not_found_below: float = 0.42
    answered_from: float = 0.55
    max_sentences: int = 3
    max_list_sentences: int = 5
    max_chars: int = 420
    passages_considered: int = 5


@dataclass(frozen=True)
class Candidate:
    passage_rank: int
    passage: Passage
    text: str
    start: int  # absolute span in the cleaned document
    end: int
    coverage: float
    score: float


@dataclass(frozen=True)
class Drafted:
    status: Status
    text: str
    citations: tuple[Citation, ...]
    confidence: float


def _candidates(
    question: str,
    passages: Sequence[Passage],
    weights: Mapping[str, float],
    policy: AnswerPolicy,
) -> list[Candidate]:
    wants_number = bool(_ASKS_NUMBER.search(question))
    out: list[Candidate] = []
    for rank, p in enumerate(passages[: policy.passages_considered]):
        prior = 1.0 / (1.0 + 0.5 * rank)
        for s, e in split_sentences(p.chunk.text):
            text = p.chunk.text[s:e]
            if len(text) < 4:
                continue
            cov = coverage(weights, text)
            number = 0.1 if wants_number and _DIGIT.search(text) else 0.0
            score = 0.65 * cov + 0.25 * prior + number
            out.append(Candidate(rank, p, text, p.chunk.start + s, p.chunk.start + e, cov, score))
    return out


def _select(candidates: list[Candidate], question: str, policy: AnswerPolicy) -> list[Candidate]:
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda c: -c.score)
    best = ranked[0]
    limit = policy.max_list_sentences if _ASKS_LIST.search(question) else policy.max_sentences
    chosen = [best]
    # A heading-like lead ("主要措施如下：") is useless alone: take the sentences that follow it.
    same = [c for c in candidates if c.passage is best.passage and c.start > best.start]
    if best.text.endswith(("：", ":")) or len(best.text) < 20:
        chosen.extend(same[: limit - 1])
    for c in ranked[1:]:
        if len(chosen) >= limit:
            break
        if c in chosen or c.score < 0.8 * best.score or c.coverage < 0.5 * best.coverage:
            continue
        if any(c.text == o.text for o in chosen):
            continue
        chosen.append(c)
    total = 0
    kept: list[Candidate] = []
    for c in chosen:
        if kept and total + len(c.text) > policy.max_chars:
            break
        kept.append(c)
        total += len(c.text)
    # Read in document order within a passage, passages in rank order.
    return sorted(kept, key=lambda c: (c.passage_rank, c.start))


def confidence(weights: Mapping[str, float], passages: Sequence[Passage], best: float) -> float:
    """0–1 score of "the documents answer this"; see AnswerPolicy for the calibrated cut-offs."""
    if not passages:
        return 0.0
    top = passages[0]
    context = " ".join([top.chunk.doc_title, *top.chunk.section, top.chunk.text])
    passage_cov = max(
        coverage(weights, " ".join([p.chunk.doc_title, *p.chunk.section, p.chunk.text]))
        for p in passages[:3]
    )
    passage_cov = max(passage_cov, coverage(weights, context))
    dense = top.dense_score if top.dense_score is not None else 0.0
    # e5 cosines of related Chinese text sit between ~0.78 and ~0.92: stretch that range to 0–1.
    dense_n = min(1.0, max(0.0, (dense - 0.78) / 0.14))
    return 0.45 * passage_cov + 0.35 * best + 0.2 * dense_n


def draft_answer(
    question: str,
    passages: Sequence[Passage],
    metas: Mapping[str, DocumentMeta],
    weights: Mapping[str, float],
    policy: AnswerPolicy,
) -> Drafted:
    candidates = _candidates(question, passages, weights, policy)
    chosen = _select(candidates, question, policy)
    best_cov = max((c.coverage for c in chosen), default=0.0)
    conf = confidence(weights, passages, best_cov)
    if not chosen or conf < policy.not_found_below:
        return Drafted("not_found", NOT_FOUND_TEXT, (), conf)
    citations: list[Citation] = []
    parts: list[str] = []
    for n, c in enumerate(chosen, start=1):
        chunk = c.passage.chunk
        meta = metas.get(chunk.doc_id)
        citations.append(
            Citation(
                n=n,
                chunk_id=chunk.chunk_id,
                doc_id=chunk.doc_id,
                doc_title=chunk.doc_title,
                section=chunk.section_path,
                quote=c.text,
                passage=chunk.text,
                quote_start=c.start,
                quote_end=c.end,
                doc_number=meta.doc_number if meta else "",
            )
        )
        sentence = c.text if c.text[-1] in "。！？；;!?”）)" else c.text + "。"
        parts.append(f"{sentence}[{n}]")
    status: Status = "answered" if conf >= policy.answered_from else "partial"
    text = "".join(parts)
    if status == "partial":
        text = PARTIAL_PREFIX + text
    return Drafted(status, text, tuple(citations), conf)
