"""The page's HTTP API (POST /api/ask) and the live assistant's corpus changes, against the
session's real index. Corpus changes run on an isolated copy (conftest.copy_home)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import AssistantError, DocumentLoadError
from assistant.serve.feedback import FeedbackStore
from assistant.serve.live import LiveAssistant
from assistant.settings import Settings

from .conftest import copy_home

pytestmark = pytest.mark.slow

PARKING = (
    "晋城市智慧停车管理办法\n\n第一章 总则\n\n"
    "第一条 为规范城市停车管理，缓解停车难问题，制定本办法。\n\n"
    "第二条 到2027年，全市新增公共停车泊位12000个，智慧停车平台接入率达到90%。\n\n"
    "第三条 市城市管理局负责全市停车设施的统筹管理和监督考核。\n"
)


@pytest.fixture(scope="module")
def client(settings: Settings, embedder: Any, assistant: Any, tmp_path_factory: Any) -> Any:
    from fastapi.testclient import TestClient

    from assistant.serve import api as page

    live = LiveAssistant(settings, embedder, assistant)
    store = FeedbackStore(tmp_path_factory.mktemp("fb") / "feedback.sqlite3")
    with TestClient(page.create_app(live, store)) as c:
        yield c


def _post(client: Any, **body: Any) -> Any:
    return client.post("/api/ask", json=body)


def test_ask_returns_the_cli_json_schema(client: Any, assistant: Any) -> None:
    q = "晋城市道路交通安全应急预案的指挥部办公室设在哪里？"
    r = _post(client, question=q)
    assert r.status_code == 200
    data = r.json()
    expected = assistant.ask(q).to_dict()
    assert set(data) == set(expected)
    assert data["status"] == expected["status"] and data["answer"] == expected["answer"]
    assert data["citations"] and data["citations"][0]["doc_title"]


def test_ask_with_history_and_doc_filter(client: Any) -> None:
    history = [
        {"role": "user", "content": "晋城市公路总里程是多少？"},
        {"role": "assistant", "content": "全市公路总里程达10300公里。[1]"},
    ]
    r = _post(client, question="那2030年呢？", history=history, doc_ids=["jc-transport-15th"])
    assert r.status_code == 200
    data = r.json()
    assert data["resolved_question"] != data["question"]
    assert all(c["doc_id"] == "jc-transport-15th" for c in data["citations"])


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": "   "}, 400, "问题为空"),
        ({"question": "问" * 20000}, 400, "问题过长"),
        ({"question": "公路里程", "doc_ids": ["no-such-doc"]}, 404, "未知的文档编号"),
        ({"question": "公路里程", "history": [{"role": "robot", "content": "x"}]}, 400, "对话历史"),
        ({"history": []}, 400, "请求格式错误"),
        ({"question": 123}, 400, "请求格式错误"),
    ],
)
def test_bad_requests_get_a_chinese_message(
    client: Any, body: dict[str, Any], status: int, message: str
) -> None:
    r = client.post("/api/ask", json=body)
    assert r.status_code == status
    assert message in r.json()["error"]


def test_non_json_body_is_400(client: Any) -> None:
    r = client.post("/api/ask", content=b"not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "请求格式错误" in r.json()["error"]


def test_documents_and_page(client: Any) -> None:
    docs = client.get("/api/documents").json()
    assert len(docs) >= 9 and all(d["chunks"] > 0 for d in docs)
    page = client.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower()


# ----------------------------------------------------------------------------- corpus changes
# (A rebuild that fails or is killed midway: tests/test_crash_safety.py, with real kills.)


@pytest.fixture(scope="module")
def live_copy(
    session_home: Path, built_index: Any, embedder: Any, tmp_path_factory: Any
) -> Iterator[LiveAssistant]:
    home, corpus = copy_home(session_home, tmp_path_factory.mktemp("live"))
    settings = Settings.from_env({"ASSISTANT_HOME": str(home), "ASSISTANT_CORPUS_DIR": str(corpus)})
    yield LiveAssistant(settings, embedder).start()


def _snapshot(live: LiveAssistant) -> tuple[list[str], str]:
    files = sorted(p.name for p in (live.settings.corpus_dir / "files").iterdir())
    manifest = (live.settings.index_dir / "manifest.json").read_text(encoding="utf-8")
    return files, manifest


def _bad_uploads(tmp: Path) -> list[tuple[Path, str]]:
    fake_pdf = tmp / "规划.pdf"
    with zipfile.ZipFile(fake_pdf, "w") as z:
        z.writestr("a.txt", "hello")
    exe = tmp / "tool.exe"
    exe.write_bytes(b"MZ\x90\x00\x03\x00binary")
    png = tmp / "scan.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    big = tmp / "big.txt"
    with open(big, "wb") as fh:  # sparse: over the limit without writing 50 MB
        fh.truncate(51 * 1024 * 1024)
    empty = tmp / "empty.md"
    empty.write_bytes(b"")
    return [
        (fake_pdf, "ZIP 压缩包"),
        (exe, "不支持的文件类型"),
        (png, "PNG 图片"),
        (big, "过大"),
        (empty, "文件为空"),
    ]


def test_bad_uploads_change_nothing(live_copy: LiveAssistant, tmp_path: Path) -> None:
    before = _snapshot(live_copy)
    for path, message in _bad_uploads(tmp_path):
        with pytest.raises(DocumentLoadError, match=message):
            live_copy.add_upload(path, path.name)
        assert _snapshot(live_copy) == before, path.name


def test_upload_then_delete_updates_the_live_assistant(
    live_copy: LiveAssistant, tmp_path: Path
) -> None:
    doc = tmp_path / "upload.bin"  # the temporary name does not matter: the user's name is used
    doc.write_text(PARKING, encoding="utf-8")
    steps: list[float] = []
    result = live_copy.add_upload(doc, "../../智慧停车 管理办法.txt", lambda f, m: steps.append(f))
    assert result.file_name == "智慧停车_管理办法.txt"  # a safe name inside the corpus folder
    assert [m.title for m in result.documents] == ["晋城市智慧停车管理办法"]
    assert steps == sorted(steps) and steps[-1] == 1.0
    answer = live_copy.ask("智慧停车平台接入率要达到多少？")
    assert "90%" in answer.answer
    assert answer.citations[0].doc_title == "晋城市智慧停车管理办法"
    assert any(
        r.title == "晋城市智慧停车管理办法" and r.chunks > 0 for r in live_copy.document_rows()
    )

    with pytest.raises(AssistantError, match="已有同名文件"):
        live_copy.add_upload(doc, "智慧停车 管理办法.txt")

    removed = live_copy.delete_file(result.file_name)
    assert [m.title for m in removed.documents] == ["晋城市智慧停车管理办法"]
    assert not (live_copy.settings.corpus_dir / "files" / result.file_name).exists()
    assert "晋城市智慧停车管理办法" not in {m.title for m in live_copy.documents.values()}
    with pytest.raises(AssistantError, match="没有文件"):
        live_copy.delete_file("../manifest.json")
    assert os.listdir(live_copy.settings.corpus_dir / "files")  # nothing else touched
