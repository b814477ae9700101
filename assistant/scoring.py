"""Lexical evidence scores shared by retrieval re-scoring and the answerer: question terms
weighted by how rare they are in the corpus, and how much of that weight a text covers."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from assistant.text import content_terms, normalise, synonym_groups

_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def synonyms_of(term: str) -> tuple[str, ...]:
    for group in synonym_groups():
        if term in group:
            return group
    return (term,)


class TermWeights:
    """Question terms weighted by inverse document frequency over the indexed passages.

    Document frequency counts passages containing the term or one of its synonyms as a substring,
    the same test ``coverage`` uses. A term the corpus never uses gets the highest weight: a
    question about 地铁 must not be "covered" by passages about 公交."""

    def __init__(self, passage_texts: Sequence[str]) -> None:
        self._texts = [normalise(t) for t in passage_texts]
        self._n = len(self._texts)

    def idf(self, term: str) -> float:
        variants = synonyms_of(term)
        df = sum(1 for t in self._texts if any(v in t for v in variants))
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def weigh(self, question: str) -> dict[str, float]:
        weights: dict[str, float] = {}
        top = self.idf("\x00")  # the weight of a term no passage contains
        for term, factor in content_terms(question):
            w = self.idf(term) * factor
            if _YEAR.match(term):
                w = top * 1.2  # a year is the one thing an answer must match
            weights[term] = w
        return weights


def coverage(weights: Mapping[str, float], text: str) -> float:
    """Share of the question's term weight found in ``text`` (directly or as a synonym)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    norm = normalise(text)
    got = sum(w for t, w in weights.items() if any(s in norm for s in synonyms_of(t)))
    return got / total
