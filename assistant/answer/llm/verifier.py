"""The grounding verifier: what an LLM wrote becomes an answer only sentence by sentence, and only
where the sentence is backed by what it cites.

A sentence is kept when it cites at least one passage, every number it cites exists, every number
it states passes the numeric guard against the passages it cites (the question's own numbers are
no support), and most of its wording occurs in those passages (an instruction smuggled into a
document or a question produces text the passages do not back). Failing sentences are dropped; when
nothing, or less than half, survives the caller falls back to the extractive answer. Kept sentences
get citations like the extractive ones: the cited passage's closest sentence as the quote, with its
span in the cleaned document, renumbered in order of appearance."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.answer.citations import cite
from assistant.answer.types import Citation
from assistant.ingest.types import DocumentMeta
from assistant.lang.numbers import is_supported, mentions, supported_values
from assistant.lang.sentences import MARKER, MARKS, TERMINAL, split_answer, split_sentences
from assistant.retrieve.types import Passage

_WORD_CHAR = re.compile(r"[\w%]")
# Share of a sentence's character bigrams that must occur in the passages it cites. Chinese
# paraphrase of policy text keeps most bigrams; invented content keeps few.
MIN_OVERLAP = 0.3

REASON_NO_CITATION = "未标注引用"
REASON_BAD_CITATION = "引用编号不存在"
REASON_NUMBER = "数字在所引段落中找不到"
REASON_UNSUPPORTED = "内容与所引段落不符"


@dataclass(frozen=True)
class Dropped:
    sentence: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"sentence": self.sentence, "reason": self.reason}


@dataclass(frozen=True)
class Verified:
    text: str  # kept sentences, each closed by its renumbered [n] markers
    citations: tuple[Citation, ...]
    kept: int
    dropped: tuple[Dropped, ...]

    @property
    def total(self) -> int:
        return self.kept + len(self.dropped)


def _bigrams(text: str) -> set[str]:
    chars = "".join(_WORD_CHAR.findall(text))
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def overlap(sentence: str, support: str) -> float:
    grams = _bigrams(sentence)
    if len(grams) < 2:
        return 1.0
    have = _bigrams(support)
    return len(grams & have) / len(grams)


def _closest_sentence(body: str, passage: Passage) -> tuple[int, int]:
    """The span (within the chunk text) of the passage sentence closest to ``body``."""
    text = passage.chunk.text
    spans = list(split_sentences(text)) or [(0, len(text))]
    return max(spans, key=lambda span: overlap(body, text[span[0] : span[1]]))


def verify(
    text: str,
    passages: Sequence[Passage],
    metas: Mapping[str, DocumentMeta],
) -> Verified:
    """Check a generated answer against the passages it was given, numbered from 1."""
    kept_parts: list[tuple[str, list[int]]] = []
    dropped: list[Dropped] = []
    for sentence in split_answer(text):
        body = MARKS.sub("", sentence).strip()
        numbers = [int(n) for n in MARKER.findall(sentence)]
        if not numbers:
            dropped.append(Dropped(sentence, REASON_NO_CITATION))
            continue
        if any(n < 1 or n > len(passages) for n in numbers):
            dropped.append(Dropped(sentence, REASON_BAD_CITATION))
            continue
        cited = [passages[n - 1] for n in dict.fromkeys(numbers)]
        support = [
            t for p in cited for t in (p.chunk.text, p.chunk.doc_title, p.chunk.section_path)
        ]
        values = supported_values(support)
        if any(not is_supported(m, values) for m in mentions(body, strict=True)):
            dropped.append(Dropped(sentence, REASON_NUMBER))
            continue
        if overlap(body, " ".join(support)) < MIN_OVERLAP:
            dropped.append(Dropped(sentence, REASON_UNSUPPORTED))
            continue
        kept_parts.append((body, list(dict.fromkeys(numbers))))

    citations: list[Citation] = []
    key_to_n: dict[tuple[str, int, int], int] = {}
    parts: list[str] = []
    for body, numbers in kept_parts:
        marks = []
        for n in numbers:
            p = passages[n - 1]
            s, e = _closest_sentence(body, p)
            key = (p.chunk.chunk_id, s, e)
            if key not in key_to_n:
                key_to_n[key] = len(citations) + 1
                citations.append(
                    cite(
                        key_to_n[key],
                        doc_id=p.chunk.doc_id,
                        quote=p.chunk.text[s:e],
                        start=p.chunk.start + s,
                        end=p.chunk.start + e,
                        chunk=p.chunk,
                        meta=metas.get(p.chunk.doc_id),
                    )
                )
            marks.append(f"[{key_to_n[key]}]")
        closed = body if body[-1] in TERMINAL else body + "。"
        parts.append(closed + "".join(dict.fromkeys(marks)))
    return Verified("".join(parts), tuple(citations), len(kept_parts), tuple(dropped))
