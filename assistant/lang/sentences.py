"""The sentence splitters, in one place: sentences of a document (spans, for chunking, quoting
and record extraction) and sentences of an answer with the citation markers that close them (for
the numeric guard and the LLM verifier)."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A sentence ends at a full stop (plus any closing quotes/brackets) or at the end of a line,
# unless the line ends inside a series ("…王莽岭、" / "蟒河、历山7个…": a table cell's line break).
_SENTENCE = re.compile(r"(?:[^。！？；!?;\n]|(?<=[、，,])\n+)*(?:[。！？；!?;]+[”’」』）)]*|\n|$)")
# A run of an answer up to and including the citation markers that close it ("…。[1][2]").
CITED_RUN = re.compile(r"(?P<body>[^\[]*?)(?P<marks>(?:\[\d+\])+)")
MARKER = re.compile(r"\[(\d+)\]")
MARKS = re.compile(r"(?:\s*\[\d+\])+")
TERMINAL = "。！？!?；;"


def split_sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int]]:
    """Spans (absolute, using ``offset``) of the non-blank sentences of ``text``."""
    for m in _SENTENCE.finditer(text):
        start, end = m.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield offset + start, offset + end


def split_answer(text: str) -> list[str]:
    """Sentences of a generated answer, each with the markers that follow it ("…。[1]" and
    "…[1]。" both belong to one sentence)."""
    out: list[str] = []
    buf = ""
    i = 0
    while i < len(text):
        m = MARKS.match(text, i)
        if m and buf.strip():
            buf += m.group(0)
            i = m.end()
            if i < len(text) and text[i] in TERMINAL:
                buf += text[i]
                i += 1
            out.append(buf)
            buf = ""
            continue
        c = text[i]
        buf += c
        i += 1
        if c in TERMINAL or c == "\n":
            m = MARKS.match(text, i)
            if m:
                buf += m.group(0)
                i = m.end()
            out.append(buf)
            buf = ""
    out.append(buf)
    return [s.strip() for s in out if s.strip() and s.strip().strip(TERMINAL)]
