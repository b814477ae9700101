"""The corpus manifest, gazette splitting, and loading of new files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import list_source_files, load_documents, split_documents

from .conftest import CORPUS

GAZETTE_TITLES = {
    "晋城市国土空间总体规划（2021-2035年）",
    "晋城市建设工程事故应急预案",
    "晋城市营商环境创优提升若干举措",
    "晋城市金融业提质增效行动方案",
    "晋城市道路交通安全应急预案",
}


def test_corpus_has_nine_citable_documents() -> None:
    docs = load_documents(CORPUS)
    assert len(docs) == 9
    gazette = [d for d in docs if d.meta.source_file.startswith("004_")]
    assert {d.meta.title for d in gazette} == GAZETTE_TITLES
    for d in gazette:
        assert d.meta.doc_number.startswith("晋市政")
        assert d.meta.container.startswith("晋城市人民政府公报")


def test_gazette_documents_hold_their_own_text() -> None:
    docs = {d.meta.doc_id: d for d in load_documents(CORPUS)}
    road = docs["jc-road-safety-emergency"].text
    assert road.startswith("晋城市人民政府办公室 关于印发晋城市道路交通安全应急预案")
    assert "市指挥部下设办公室,办公室设在市公安局交通警察支队" in road
    assert "建设工程事故应急救援指挥部" not in road
    finance = docs["jc-finance-action"].text
    assert "晋市政办〔2025〕17号" in finance or "晋市政办[2025]17号" in finance
    # The cover and table of contents belong to no document.
    assert all("JINCHENGSHI RENMIN" not in d.text for d in docs.values())


def test_split_documents_uses_last_occurrence_before_next() -> None:
    raw = "目录\nA 的通知\nB 的通知\n正文\nA 的通知\n甲\nB 的通知\n乙"
    parts = split_documents(raw, ["A 的通知", "B 的通知"], "x.txt")
    assert parts == ["A 的通知\n甲", "B 的通知\n乙"]


def test_missing_start_marker_is_a_clear_error() -> None:
    with pytest.raises(CorpusError, match="找不到文档起始行"):
        split_documents("正文", ["不存在的标题"], "x.txt")


def _corpus_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


def test_gbk_file_without_manifest_entry_loads(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "files").mkdir(parents=True)
    text = "某市充电设施建设实施方案\n\n一、工作目标\n到2027年，全市建成公共充电桩3000个，\n实现乡镇全覆盖。\n"
    (corpus / "files" / "plan.txt").write_bytes(text.encode("gbk"))
    docs = load_documents(corpus)
    assert len(docs) == 1
    assert docs[0].meta.title == "某市充电设施建设实施方案"
    assert "到2027年，全市建成公共充电桩3000个，实现乡镇全覆盖。" in docs[0].text


@pytest.mark.parametrize(
    "first_line",
    [
        "# 某市充电设施建设实施方案",
        "## 某市充电设施建设实施方案 ##",
        "**某市充电设施建设实施方案**",
    ],
)
def test_markdown_title_loses_its_marks(tmp_path: Path, first_line: str) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "files").mkdir(parents=True)
    text = f"{first_line}\n\n## 一、工作目标\n\n到2027年，全市建成公共充电桩3000个。\n"
    (corpus / "files" / "plan.md").write_text(text, encoding="utf-8")
    (doc,) = load_documents(corpus)
    assert doc.meta.title == "某市充电设施建设实施方案"


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # A red-header document: the issuing bodies' lines come first, the notice's 《》 title
        # holds quotes of its own and starts on the line after "关于印发".
        (
            "临州市水务局\n云岭市发展和改革委员会\n\n临水发〔2026〕5号\n\n"
            "临州市水务局关于印发\n《临州市城镇供水“十五五”规划》的通知\n",
            "临州市城镇供水“十五五”规划",
        ),
        # No notice: the first line naming a document kind, not the issuer's line before it.
        ("临州市水务局文件\n\n临州市城乡供水一体化实施方案\n", "临州市城乡供水一体化实施方案"),
    ],
)
def test_a_red_header_documents_title_is_its_own_not_its_issuers(
    tmp_path: Path, head: str, title: str
) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "files").mkdir(parents=True)
    text = f"{head}\n一、工作目标\n到2027年，城乡供水普及率达到99%。\n"
    (corpus / "files" / "water.txt").write_text(text, encoding="utf-8")
    (doc,) = load_documents(corpus)
    assert doc.meta.title == title


def test_broken_manifest_is_reported(tmp_path: Path) -> None:
    corpus = _corpus_copy(tmp_path)
    (corpus / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="格式错误"):
        list_source_files(corpus)


def test_duplicate_doc_ids_are_rejected(tmp_path: Path) -> None:
    corpus = _corpus_copy(tmp_path)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][1]["documents"][0]["doc_id"] = manifest["files"][0]["documents"][0]["doc_id"]
    (corpus / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False), encoding="utf-8"
    )
    with pytest.raises(CorpusError, match="文档编号重复"):
        list_source_files(corpus)
