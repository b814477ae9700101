"""Chinese word segmentation (jieba with the domain dictionary) and query expansion.

jieba loads its dictionary lazily on first use (about a second), never at import time."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from typing import Any

from assistant.lang import DATA_DIR
from assistant.lang.patterns import plan_period_years

_KEEP = re.compile(r"[\w%％.．]+")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
# Function words and question words that carry no topic.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "为",
        "对",
        "把",
        "被",
        "将",
        "等",
        "中",
        "上",
        "下",
        "有",
        "个",
        "之",
        "其",
        "该",
        "这",
        "那",
        "这个",
        "那个",
        "哪",
        "哪些",
        "哪个",
        "什么",
        "多少",
        "几",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "请问",
        "请",
        "问",
        "一下",
        "如何",
        "怎么",
        "怎样",
        "怎么样",
        "是否",
        "是不是",
        "有没有",
        "多",
        "少",
        "要",
        "会",
        "能",
        "可以",
        "应",
        "应该",
        "需要",
        "进行",
        "开展",
        "通过",
        "关于",
        "根据",
        "按照",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "它",
        "他们",
        "以及",
        "并",
        "并且",
        "而",
        "而且",
        "也",
        "都",
        "还",
        "就",
        "又",
        "再",
        "从",
        "到",
        "由",
        "向",
        "至",
        "于",
        "以",
        "所",
        "给",
        "让",
        "年",
        "月",
        "日",
        "方面",
        "情况",
        "工作",
        "相关",
        "有关",
        "具体",
        "主要",
        "呢",
        "么",
    ]
)


def normalise(text: str) -> str:
    """NFKC (full-width digits/letters to half-width) and lower case, for matching only."""
    return unicodedata.normalize("NFKC", text).lower()


@functools.cache
def _tokenizer() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    tok.load_userdict(str(DATA_DIR / "userdict.txt"))
    return tok


@functools.cache
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    raw = (DATA_DIR / "synonyms.txt").read_text(encoding="utf-8")
    groups = []
    for line in raw.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append(tuple(normalise(t) for t in line.split()))
    # A five-year plan period is searched with its first and last year (十五五 → 2026, 2030).
    for n in "一二三四五六七八九":
        name = f"十{n}五"
        years = plan_period_years(name)
        if years:
            groups.append((name, str(years[0]), str(years[1])))
    return tuple(groups)


def tokenize(text: str) -> list[str]:
    """Search-mode tokens (words plus their sub-words), without stopwords and punctuation."""
    tokens = []
    for tok in _tokenizer().cut_for_search(normalise(text)):
        tok = tok.strip()
        if not tok or tok in STOPWORDS or not _KEEP.fullmatch(tok):
            continue
        tokens.append(tok)
    return tokens


@functools.cache
def _pos_tokenizer() -> Any:
    from jieba import posseg

    return posseg.POSTokenizer(_tokenizer())


# How much a word of each part of speech (jieba's tag set) says about a question's topic: nouns,
# numbers and names carry it; verbs and adjectives somewhat; time words, adverbs, pronouns,
# measure and direction words ("现在", "一共", "里") hardly.
_POS_FACTOR = {"n": 1.0, "m": 1.0, "e": 1.0, "j": 1.0, "v": 0.6, "a": 0.6, "l": 0.8, "i": 0.8}
_POS_DEFAULT = 0.3


def content_terms(text: str) -> list[tuple[str, float]]:
    """Distinct topic words of a question in order, each with a part-of-speech factor."""
    return list(_content_terms(text))


def place_names(text: str) -> list[str]:
    """The words of ``text`` the tagger reads as place names ("盂县", "日本")."""
    return [
        w for w, flag in _tagged(text) if flag == "ns" and len(w) >= 2 and not _GLUED_PLACE.match(w)
    ]


def split_place_names(text: str) -> list[str]:
    """Names the tagger cuts before their ending: a noun followed by a lone "市" or "县"
    ("神木" + "市"). Also common nouns ("试点" + "市"): a caller tells them apart by whether
    the corpus knows the stem."""
    tagged = list(_tagged(text))
    return [
        w + end
        for (w, flag), (end, _) in itertools.pairwise(tagged)
        if end in ("市", "县")
        and flag in ("n", "nr", "nz", "ns")
        and len(w) >= 2
        and re.fullmatch(r"[\u4e00-\u9fff]+", w)
    ]


# "《…预案》中市指挥部" is tagged "中市": a postposition or conjunction glued to 市/县/区/省.
_GLUED_PLACE = re.compile(r"^[中内里在和与及的]{1}[市县区省]$")


def words(text: str) -> list[str]:
    """``text`` cut into words (jieba's default mode, each character in exactly one word)."""
    return [w for w, _ in _tagged(text)]


def word_starts(text: str) -> set[int]:
    """Offsets in ``text`` where the tagger starts a word."""
    starts, at = set(), 0
    for w in words(text):
        found = text.find(w, at)
        if found < 0:
            continue  # a mark the tagger writes otherwise ("，" as ","): it holds no word
        starts.add(found)
        at = found + len(w)
    return starts


def without_verbs(text: str) -> str:
    """``text`` without its plain verbs, adjectives, adverbs, prepositions and particles
    (jieba's v, a, d, p, u*): what remains names things ("靠哪些措施来落实" → "哪些措施")."""
    return "".join(
        w
        for w, flag in _tagged(text)
        if flag not in ("v", "a", "d", "p") and not flag.startswith("u")
    )


def nouns(text: str) -> list[str]:
    """The words of ``text`` the tagger reads as nouns of two characters or more."""
    return [w for w, flag in _tagged(text) if flag.startswith("n") and len(w) >= 2]


def noun_phrase(text: str, word: str, after: bool = False) -> str:
    """``word`` with the nouns and noun modifiers (jieba's n*, b) written right before it in
    ``text`` (and, with ``after``, right after it): "公共汽电车" for "汽电车", "高新技术企业"
    for "企业" (or, with ``after``, for "高新技术"). ``word`` itself when ``text`` does not cut
    it out as one word."""
    tagged = _tagged(text)

    def part(k: int) -> bool:
        # A place or person name is not part of the thing's name.
        flag = tagged[k][1]
        return (flag.startswith("n") or flag == "b") and flag not in ("ns", "nr")

    for i, (w, _) in enumerate(tagged):
        if w != word:
            continue
        j, k = i, i
        while j > 0 and part(j - 1):
            j -= 1
        while after and k + 1 < len(tagged) and part(k + 1):
            k += 1
        return "".join(x for x, _ in tagged[j : k + 1])
    return word


# Words that may make up a thing's name: nouns (a place too), verbal nouns, noun modifiers,
# Latin words (PM2.5), two-character adjectives ("平均"), and brackets ("地铁（轨道交通）").
def _in_phrase(word: str, flag: str) -> bool:
    return (
        flag.startswith("n")
        or flag in ("vn", "b", "eng")
        or (flag == "a" and len(word) >= 2)
        or word in ("(", ")", "（", "）")
    )


def _ends_phrase(flag: str) -> bool:
    return flag.startswith("n") or flag == "vn"  # "建设投资": a verbal noun names a quantity


def phrase_tokens(text: str, word: str) -> tuple[tuple[str, str], ...]:
    """The tagged words of the noun phrase of ``text`` that ends with the word holding
    ``word`` or runs on after it (to its last noun): ("公路", "n"), ("总里程", "n") for
    "里程" in "…公路总里程达到…". Empty when no word of ``text`` holds ``word``."""
    tagged = _tagged(text)
    for i, (w, _) in enumerate(tagged):
        if word not in w:
            continue
        j, k = i, i
        while j > 0 and _in_phrase(*tagged[j - 1]):
            j -= 1
        while k + 1 < len(tagged) and _in_phrase(*tagged[k + 1]):
            k += 1
        while k > i and not _ends_phrase(tagged[k][1]):
            k -= 1  # the phrase ends with a noun
        return tuple(x for x in tagged[j : k + 1] if x[0] not in ("(", ")", "（", "）"))
    return ()


def noun_runs(text: str) -> list[tuple[tuple[str, str], ...]]:
    """Every noun phrase of ``text`` (maximal runs of the words ``phrase_tokens`` joins, each
    ending with a noun), brackets left out."""
    tagged = _tagged(text)
    runs: list[tuple[tuple[str, str], ...]] = []
    i = 0
    while i < len(tagged):
        if not _in_phrase(*tagged[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(tagged) and _in_phrase(*tagged[j + 1]):
            j += 1
        k = j
        while k >= i and not _ends_phrase(tagged[k][1]):
            k -= 1
        run = tuple(x for x in tagged[i : k + 1] if x[0] not in ("(", ")", "（", "）"))
        if run:
            runs.append(run)
        i = j + 1
    return runs


def pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    """The words of ``text`` with their part-of-speech tags (jieba's: "n", "v", "f", …)."""
    return _tagged(text)


# Part-of-speech tagging (jieba's HMM) costs ~5 ms a text, and answering one question weighs
# the same few texts a dozen times over; the tokenizer's dictionary never changes after loading.
@functools.lru_cache(maxsize=4096)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((p.word.strip(), p.flag or "x") for p in _pos_tokenizer().lcut(normalise(text)))


# Words of the asking, not of the topic: a question word with its measure word ("哪几个", "几张",
# "多少个"), the words that point at the document's text rather than say what is in it ("列出",
# "提到", "…部分"), and the frame of a plan period ("“十四五”时期": the period itself is a
# constraint the reader checks; "创建期间" is kept, the documents say it of their own tasks).
# The tagger keeps them as words; an answer need not say them.
_ASKING_WORD = re.compile(
    r"(?:哪|几|多少)[几一]?[个张条项类种级块方大座家名所批次位处件份]?"
    r"|列出|列了|列明|提到|提及|写到|写了|讲到|讲了|说到|说了|部分|时期"
)


@functools.lru_cache(maxsize=4096)
def _content_terms(text: str) -> tuple[tuple[str, float], ...]:
    seen: dict[str, float] = {}
    for tok, flag in _tagged(text):
        if _ASKING_WORD.fullmatch(tok):
            continue
        if tok and tok not in STOPWORDS and _KEEP.fullmatch(tok) and tok not in seen:
            factor = _POS_FACTOR.get("n" if flag == "vn" else flag[0], _POS_DEFAULT)
            if flag == "eng" or is_number(tok):
                factor = 1.0
            seen[tok] = factor
    return tuple(seen.items())


def expand_query_tokens(tokens: list[str]) -> list[str]:
    """Add the domain synonyms of the query's words, so "公交" also searches "城市公共交通"."""
    extra: list[str] = []
    present = set(tokens)
    joined = "".join(tokens)
    for group in synonym_groups():
        if any(term in present or (len(term) >= 2 and term in joined) for term in group):
            for term in group:
                if term not in present:
                    extra.extend(t for t in tokenize(term) if t not in present)
    return tokens + list(dict.fromkeys(extra))


def is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))
