"""Administering documents without a browser, in the fast tier: editing an upload's metadata
(stored in the corpus manifest, applied by an incremental rebuild of the live assistant) and
the delete list labelled by titles, grouped by file. Real corpus files, real index, the
hashing embedder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from assistant.errors import AssistantError, InvalidRequestError, NotFoundError
from assistant.ingest.corpus import format_manifest, update_document_meta
from assistant.serve.live import LiveAssistant
from assistant.settings import PROJECT_ROOT
from tests.hashing_embedder import HashingEmbedder
from tests.tiny import TINY, tiny_settings

NEW = {
    "title": "临河市防汛应急预案（2025年修订）",
    "issuer": "临河市人民政府办公室",
    "date": "2025-06-01",
    "doc_number": "临政办发〔2025〕9号",
    "region": "临河市",
}


class CountingEmbedder(HashingEmbedder):
    """Counts the passages it is asked to embed, to see what a rebuild recomputes."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_passages(
        self, texts: list[str], batch_size: int | None = None, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        self.embedded += len(texts)
        return super().embed_passages(texts, batch_size, progress)


@pytest.fixture
def live(tmp_path: Path) -> LiveAssistant:
    return LiveAssistant(tiny_settings(tmp_path), embedder=CountingEmbedder()).start(progress=False)


def _flood(live: LiveAssistant) -> str:
    return next(d for d, m in live.documents.items() if "防汛" in m.title)


def test_the_repository_manifest_keeps_its_layout_when_rewritten() -> None:
    text = (PROJECT_ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8")
    assert format_manifest(json.loads(text)) == text


def test_editing_an_upload_stores_it_and_rebuilds_only_what_changed(live: LiveAssistant) -> None:
    embedder = live.embedder
    assert isinstance(embedder, CountingEmbedder)
    doc_id = _flood(live)
    before = embedder.embedded
    steps: list[float] = []
    result = live.update_metadata(doc_id, NEW, lambda f, m: steps.append(f))
    assert steps == sorted(steps) and steps[-1] == 1.0
    # The title is part of what is embedded: that document's passages, and no others.
    flood_chunks = sum(1 for c in live.assistant.index.chunks if c.doc_id == doc_id)
    assert embedder.embedded - before == flood_chunks < len(live.assistant.index.chunks)
    (meta,) = result.documents
    assert (meta.doc_id, meta.title, meta.doc_number) == (doc_id, NEW["title"], NEW["doc_number"])

    # Stored in the manifest under the same id, so the file keeps its documents' ids.
    manifest = json.loads(live.settings.corpus_manifest.read_text(encoding="utf-8"))
    (entry,) = [e for e in manifest["files"] if e["file"] == "flood_plan.txt"]
    assert entry["documents"] == [{"doc_id": doc_id, **NEW}]
    row = next(r for r in live.document_rows() if r.doc_id == doc_id)
    assert (row.title, row.issuer, row.date, row.doc_number) == (
        NEW["title"],
        NEW["issuer"],
        NEW["date"],
        NEW["doc_number"],
    )
    # The live assistant was reloaded: passages carry the new title.
    top = live.ask("防汛指挥部办公室设在哪里？").retrieved[0].chunk
    assert (top.doc_id, top.doc_title) == (doc_id, NEW["title"])

    # Metadata that is not embedded (the issuer) changes without embedding anything.
    before = embedder.embedded
    live.update_metadata(doc_id, {"issuer": "临河市应急管理局"})
    assert embedder.embedded == before
    assert live.documents[doc_id].issuer == "临河市应急管理局"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"date": "2025年6月"}, InvalidRequestError, "格式不对"),
        ({"date": "2025-02-30"}, InvalidRequestError, "不存在"),
        ({"title": "  "}, InvalidRequestError, "标题不能为空"),
        ({"title": "长" * 101}, InvalidRequestError, "标题过长"),
        ({"doc_id": "new-id"}, InvalidRequestError, "不能修改的字段"),
    ],
)
def test_bad_metadata_changes_nothing(
    live: LiveAssistant, changes: dict[str, str], error: type[Exception], message: str
) -> None:
    manifest = live.settings.corpus_manifest
    with pytest.raises(error, match=message):
        live.update_metadata(_flood(live), changes)
    assert not manifest.exists()  # the tiny corpus has none, and still has none


def test_unknown_document_and_no_change(live: LiveAssistant) -> None:
    with pytest.raises(NotFoundError, match="没有编号"):
        live.update_metadata("no-such-doc", {"issuer": "x"})
    title = live.documents[_flood(live)].title
    with pytest.raises(InvalidRequestError, match="没有变化"):
        live.update_metadata(_flood(live), {"title": title})


def test_a_failed_rebuild_puts_the_manifest_back(
    live: LiveAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.index.build

    doc_id = _flood(live)
    live.update_metadata(doc_id, {"issuer": "甲"})
    saved = live.settings.corpus_manifest.read_bytes()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise AssistantError("模拟的索引构建失败。")

    monkeypatch.setattr(assistant.index.build, "build_index", broken)
    with pytest.raises(AssistantError, match="模拟"):
        live.update_metadata(doc_id, {"issuer": "乙"})
    assert live.settings.corpus_manifest.read_bytes() == saved
    assert live.documents[doc_id].issuer == "甲"


def test_update_document_meta_on_a_file_with_several_documents(tmp_path: Path) -> None:
    corpus = _gazette_corpus(tmp_path)
    before, after = update_document_meta(corpus, "flood", {"doc_number": "临政发〔2025〕1号"})
    assert before.doc_number == "" and after.doc_number == "临政发〔2025〕1号"
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    docs = manifest["files"][0]["documents"]
    assert [d.get("doc_number", "") for d in docs] == ["", "临政发〔2025〕1号"]
    assert docs[1]["start"] == "临河市防汛应急预案"  # what locates it in the file is kept


def _gazette_corpus(root: Path) -> Path:
    """One file holding both tiny documents, as a gazette issue holds several."""
    corpus = root / "gazette"
    (corpus / "files").mkdir(parents=True)
    text = "".join(
        (TINY / "files" / name).read_text(encoding="utf-8")
        for name in ("bus_plan.txt", "flood_plan.txt")
    )
    (corpus / "files" / "gazette.txt").write_text(text, encoding="utf-8")
    manifest = {
        "version": 1,
        "files": [
            {
                "file": "gazette.txt",
                "container": "临河市人民政府公报 2025年第1期",
                "documents": [
                    {
                        "doc_id": "bus",
                        "title": "临河市公交优先发展实施方案",
                        "start": "临河市公交优先",
                    },
                    {
                        "doc_id": "flood",
                        "title": "临河市防汛应急预案",
                        "start": "临河市防汛应急预案",
                    },
                ],
            }
        ],
    }
    (corpus / "manifest.json").write_text(format_manifest(manifest), encoding="utf-8")
    return corpus


def test_delete_list_shows_titles_grouped_by_file(tmp_path: Path) -> None:
    from assistant.serve.page.common import file_choices

    corpus = _gazette_corpus(tmp_path)
    shutil.copy(TINY / "files" / "bus_plan.txt", corpus / "files" / "upload.txt")
    settings = tiny_settings(tmp_path).with_(corpus_dir=corpus)
    live = LiveAssistant(settings, embedder=HashingEmbedder())
    assert file_choices(live) == []  # still loading: nothing to offer yet
    live.start(progress=False)
    assert dict((value, label) for label, value in file_choices(live)) == {
        "gazette.txt": "临河市人民政府公报 2025年第1期（2 个文档）："
        "《临河市公交优先发展实施方案》、《临河市防汛应急预案》",
        "upload.txt": "《临河市公交优先发展实施方案》",
    }
