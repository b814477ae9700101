"""Lexical evidence scores shared by retrieval re-scoring and the answerer: question terms
weighted by how rare they are in the corpus, and how much of that weight a text covers."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from assistant.lang.patterns import YEAR_TOKEN_RE
from assistant.lang.substrings import SubstringIndex
from assistant.lang.tokens import content_terms, normalise, synonym_groups

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_SPACE = re.compile(r"\s+")


def flat(text: str) -> str:
    """Normalised and without whitespace: extractions put spaces inside terms ("站点 500米")."""
    return _SPACE.sub("", normalise(text))


def flat_texts(texts: Sequence[str]) -> list[str]:
    """The texts as the term statistics see them (``SubstringIndex`` is built over these)."""
    return [flat(t) for t in texts]


@functools.cache
def _synonym_index() -> dict[str, tuple[str, ...]]:
    """Each synonym's group (the first group that lists it)."""
    index: dict[str, tuple[str, ...]] = {}
    for group in synonym_groups():
        for term in group:
            # A one-character synonym found as a substring says nothing ("路" is in 铁路 and
            # 路网): it stands for its group only when it is the term itself.
            index.setdefault(term, tuple(t for t in group if len(t) > 1 or t == term))
    return index


def synonyms_of(term: str) -> tuple[str, ...]:
    return _synonym_index().get(term, (term,))


class TermWeights:
    """Question terms weighted by inverse document frequency over the indexed passages.

    Document frequency counts passages containing the term or one of its synonyms as a substring,
    the same test ``coverage`` uses. A term the corpus never uses gets the highest weight: a
    question about 地铁 must not be "covered" by passages about 公交.

    The passages are found through a ``SubstringIndex`` (built here, or the one the index build
    saved), so weighing a new term does not scan the corpus."""

    def __init__(
        self,
        passage_texts: Sequence[str],
        absent_cap: float = 4.5,
        index: SubstringIndex | None = None,
    ) -> None:
        self._index = index or SubstringIndex.build(flat_texts(passage_texts))
        self._texts = self._index.texts
        self._n = len(self._texts)
        # Words the corpus never uses are as often colloquial wording ("那会儿", "办点") as
        # off-topic subjects; capping their weight keeps a paraphrase from looking unanswerable,
        # and the dense similarity catches the off-topic ones.
        self.absent_cap = absent_cap
        # Each question is weighed several times (retrieval, answerability, sentence choice):
        # remember the weights. The corpus is fixed for this object.
        self._idf: dict[str, float] = {}

    def known(self, term: str) -> bool:
        """Whether any passage uses ``term`` (or a synonym): the corpus's vocabulary."""
        return self.idf(term) < self._absent_idf()

    def _absent_idf(self) -> float:
        return math.log(1 + (self._n + 0.5) / 0.5)

    def containing(self, term: str) -> npt.NDArray[np.int32]:
        """Sorted ids of the texts containing ``term`` or one of its synonyms."""
        return containing_any(self._index, (term,))

    def coverages(self, weights: Mapping[str, float]) -> npt.NDArray[np.float64]:
        """``coverage(weights, text)`` of every text, from the postings."""
        return coverages(self._index, weights)

    def coverage_at(self, weights: Mapping[str, float], i: int) -> float:
        """``coverage(weights, text)`` of the ``i``-th text, without flattening it again."""
        return flat_coverage(weights, self._texts[i])

    def idf(self, term: str) -> float:
        if term not in self._idf:
            df = len(self.containing(term))
            self._idf[term] = math.log(1 + (self._n - df + 0.5) / (df + 0.5))
        return self._idf[term]

    def weigh(self, question: str, stress_years: bool = True) -> dict[str, float]:
        """Weight of each question term. With ``stress_years`` a year outweighs any word: a
        passage about another year does not answer the question, however similar."""
        weights: dict[str, float] = {}
        top = self.idf("\x00")  # the weight of a term no passage contains
        for term, factor in content_terms(question):
            w = min(self.idf(term), self.absent_cap) * factor
            if stress_years and YEAR_TOKEN_RE.match(term):
                w = top * 1.2
            weights[term] = w
        return weights


def containing_any(index: SubstringIndex, terms: Sequence[str]) -> npt.NDArray[np.int32]:
    """Sorted ids of ``index``'s texts holding one of ``terms`` or a synonym of one: the same
    test ``flat_coverage`` makes, so every other text covers none of the terms' weight."""
    import numpy as np

    found = [index.containing(v) for t in terms for v in synonyms_of(t)]
    if not found:
        return np.zeros(0, dtype=np.int32)
    if len(found) == 1:
        return found[0]
    # A mask, not ``np.unique`` of the concatenation: common words hold most texts of a large
    # corpus, and sorting them all again cost more than the look-ups.
    mask = np.zeros(len(index.texts), dtype=bool)
    for ids in found:
        mask[ids] = True
    return np.flatnonzero(mask).astype(np.int32)


def coverages(index: SubstringIndex, weights: Mapping[str, float]) -> npt.NDArray[np.float64]:
    """``flat_coverage(weights, text)`` of every text of ``index``, summed term by term in the
    same order (so the same floating-point figures), from the terms' postings."""
    import numpy as np

    got = np.zeros(len(index.texts))
    total = sum(weights.values())
    if total <= 0:
        return got
    for term, w in weights.items():
        got[containing_any(index, (term,))] += w
    return got / total


def coverage(weights: Mapping[str, float], text: str) -> float:
    """Share of the question's term weight found in ``text`` (directly or as a synonym)."""
    return flat_coverage(weights, flat(text))


def flat_coverage(weights: Mapping[str, float], norm: str) -> float:
    """``coverage`` of a text already flattened (``flat_texts``)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    got = sum(w for t, w in weights.items() if any(s in norm for s in synonyms_of(t)))
    return got / total


# A word of the question found only in pieces ("工资水平" where the text says 工资收入水平,
# "高峰期" where it says 高峰时段) counts for the share of its characters the pieces cover, at
# this discount: a paraphrase never outweighs the wording itself.
PIECE_FACTOR = 0.8
_CJK_TERM = re.compile(r"^[\u4e00-\u9fff]{3,}$")


def term_pieces(term: str) -> list[tuple[int, int]]:
    """The spans of the pieces a word may be found in: every substring of two characters or
    more, shorter than the word. Only Chinese words of three characters or more have pieces
    (one character says nothing; numbers and years must match whole)."""
    if not _CJK_TERM.match(term):
        return []
    n = len(term)
    return [(i, j) for i in range(n) for j in range(i + 2, n + 1) if j - i < n]


def deciding_pieces(term: str) -> list[tuple[int, int]]:
    """The pieces (``term_pieces``) whose presence decides which characters a text covers:
    the two-character ones, and longer ones with synonyms. A longer piece found as itself holds
    each of its two-character pieces, which cover the same characters."""
    return [
        (i, j) for i, j in term_pieces(term) if j - i == 2 or synonyms_of(term[i:j]) != (term[i:j],)
    ]


def piece_credit(term: str, norm: str) -> float:
    """How much of ``term`` a flattened text covers: 1 when it contains the word (or a synonym),
    else ``PIECE_FACTOR`` times the share of the word's characters inside pieces it contains."""
    if any(s in norm for s in synonyms_of(term)):
        return 1.0
    covered = [False] * len(term)
    for i, j in term_pieces(term):
        if any(s in norm for s in synonyms_of(term[i:j])):
            covered[i:j] = [True] * (j - i)
    return PIECE_FACTOR * sum(covered) / len(term)


def piecewise_coverage(weights: Mapping[str, float], text: str) -> float:
    """``coverage`` with partial credit for words found only in pieces (``piece_credit``)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    norm = flat(text)
    return sum(w * piece_credit(t, norm) for t, w in weights.items()) / total


def uncovered_share(weights: Mapping[str, float], text: str) -> float:
    """The largest single share of question weight that ``text`` does not cover: one missing
    key term (地铁, 2030, 票价) matters more than several missing minor ones."""
    total = sum(weights.values())
    if total <= 0:
        return 1.0
    norm = flat(text)
    missing = [w for t, w in weights.items() if not any(s in norm for s in synonyms_of(t))]
    return max(missing, default=0.0) / total
