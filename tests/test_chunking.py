"""Chunks: stable ids, exact spans, section boundaries, sizes."""

from __future__ import annotations

import pytest

from assistant.ingest.chunking import chunk_document
from assistant.ingest.corpus import load_documents
from assistant.ingest.types import Document
from assistant.lang.sentences import split_sentences

from .conftest import CORPUS


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return load_documents(CORPUS)


def test_chunk_ids_are_stable_and_unique(docs: list[Document]) -> None:
    first = [c.chunk_id for d in docs for c in chunk_document(d)]
    second = [c.chunk_id for d in load_documents(CORPUS) for c in chunk_document(d)]
    assert first == second
    assert len(set(first)) == len(first)


def test_spans_point_into_the_cleaned_text(docs: list[Document]) -> None:
    for doc in docs:
        for chunk in chunk_document(doc):
            assert doc.text[chunk.start : chunk.end] == chunk.text


def test_chunks_stay_inside_one_section(docs: list[Document]) -> None:
    for doc in docs:
        for chunk in chunk_document(doc):
            owners = [s for s in doc.sections if s.start <= chunk.start and chunk.end <= s.end]
            assert owners and owners[0].path == chunk.section


def test_chunk_size_is_bounded(docs: list[Document]) -> None:
    sizes = [len(c.text) for d in docs for c in chunk_document(d, size=300)]
    assert max(sizes) <= 300
    assert 100 <= sum(sizes) / len(sizes) <= 300


def test_split_sentences_keeps_closing_quotes() -> None:
    text = "到2030年建成“交通强市”。”后续。最后一句"
    spans = list(split_sentences(text))
    assert [text[s:e] for s, e in spans] == ["到2030年建成“交通强市”。”", "后续。", "最后一句"]


def test_a_line_ending_inside_a_series_does_not_end_the_sentence() -> None:
    # A table cell's line break after "、" (the extraction's blank line between): one item.
    text = "1.建设临河东站、云岭南站、\n\n临州北站 3个集散中心；\n\n2.建设两个停车场。\n下一行\n再下一行。"
    spans = [text[a:b] for a, b in split_sentences(text)]
    assert spans == [
        "1.建设临河东站、云岭南站、\n\n临州北站 3个集散中心；",
        "2.建设两个停车场。",
        "下一行",
        "再下一行。",
    ]
