"""The command line against bad input and awkward homes, as a subprocess, without the model:
an index of the tiny corpus is built with the hashing embedder, and ASSISTANT_EMBEDDING_MODEL
points at a folder that does not exist, so any step that loaded the model would fail with a
model error instead of the message under test."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.index.build import build_index
from assistant.serve.feedback import FeedbackStore
from assistant.settings import PROJECT_ROOT, Settings
from tests.hashing_embedder import HashingEmbedder

from .servers import tiny_corpus

NO_MODEL = "/nonexistent/model-dir"


def _env(home: Path, corpus: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ASSISTANT_HOME=str(home),
        ASSISTANT_CORPUS_DIR=str(corpus),
        ASSISTANT_EMBEDDING_MODEL=NO_MODEL,
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return env


def _cli(
    args: list[str | bytes], env: dict[str, str], prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*(prefix or []), sys.executable, "-m", "assistant.serve.cli", *args],
        env=env,
        capture_output=True,
        timeout=120,
        cwd=PROJECT_ROOT,
    )
    return subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def _no_english_os_text(stderr: str) -> None:
    assert "Traceback" not in stderr
    for english in ("No such file", "Permission denied", "Read-only", "Errno"):
        assert english not in stderr, stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    # "#", "?", "%" and a space in the home: the facts store must still open, and nothing may be
    # created outside the home.
    root = tmp_path_factory.mktemp("cli")
    corpus = tiny_corpus(root)
    home = root / "home #1?x=y%20 z"
    settings = Settings.from_env({"ASSISTANT_HOME": str(home), "ASSISTANT_CORPUS_DIR": str(corpus)})
    build_index(settings, HashingEmbedder(), progress=False)
    return home, corpus


def test_unknown_doc_is_reported_before_the_model_loads(site: tuple[Path, Path]) -> None:
    proc = _cli(["ask", "公交专用道有多长？", "--doc", "no-such-doc"], _env(*site))
    assert proc.returncode == 2, proc.stderr
    assert "未知的文档编号：no-such-doc" in proc.stderr and "向量模型" not in proc.stderr


def test_unknown_doc_in_batch_mode_too(site: tuple[Path, Path], tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": 1, "question": "公交专用道"}\n', encoding="utf-8")
    proc = _cli(["ask", "--batch", str(batch), "--doc", "nope"], _env(*site))
    assert proc.returncode == 2 and "未知的文档编号" in proc.stderr


def test_invalid_bytes_and_invisible_questions_on_the_command_line(
    site: tuple[Path, Path],
) -> None:
    proc = _cli(["ask", b"\xff\xfe\xe5\x85\xac"], _env(*site))
    assert proc.returncode == 2 and "无法识别的字符" in proc.stderr
    _no_english_os_text(proc.stderr)
    proc = _cli(["ask", "\u200b\u200d\ufeff"], _env(*site))
    assert proc.returncode == 2 and "问题为空" in proc.stderr


def test_batch_file_errors_are_chinese(site: tuple[Path, Path], tmp_path: Path) -> None:
    proc = _cli(["ask", "--batch", str(tmp_path / "missing.jsonl")], _env(*site))
    assert proc.returncode == 2 and "文件或目录不存在" in proc.stderr
    _no_english_os_text(proc.stderr)
    proc = _cli(["ask", "--batch", str(tmp_path)], _env(*site))
    assert proc.returncode == 2 and "这是一个目录" in proc.stderr
    _no_english_os_text(proc.stderr)


def test_every_bad_batch_line_gets_its_own_error_object(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    """Lines that cannot be asked are reported one by one (no good line here, so the model is
    not needed; tests/test_cli.py answers good lines between bad ones)."""
    batch = tmp_path / "bad.jsonl"
    batch.write_bytes(
        b'{"id": "json", "question": \n'
        b'{"id": "bytes", "question": "\xff\xfe"}\n'
        b"\n"
        + b"[" * 5000
        + b"\n"
        + b'{"id": "no-question"}\n'
        + '{"id": "surrogate", "question": "\\ud800公交"}\n'.encode()
        + '{"id": "empty", "question": "\u200b"}\n'.encode()
    )
    proc = _cli(["ask", "--batch", str(batch), "--json"], _env(*site))
    assert proc.returncode == 1, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 2, 4, 5, 6, 7]
    assert [o["id"] for o in out] == [None, None, None, "no-question", "surrogate", "empty"]
    messages = [o["error"] for o in out]
    assert "不是合法的 JSON" in messages[0] and "UTF-8" in messages[1]
    assert "嵌套层数过多" in messages[2] and "缺少 question" in messages[3]
    assert "无法识别的字符" in messages[4] and "问题为空" in messages[5]


def test_facts_store_opens_under_a_home_with_uri_characters(site: tuple[Path, Path]) -> None:
    home, corpus = site
    before = sorted(p.name for p in home.parent.iterdir())
    proc = _cli(["facts"], _env(home, corpus))
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) > 5  # header plus the tiny corpus's figures
    assert sorted(p.name for p in home.parent.iterdir()) == before  # no stray database


# ----------------------------------------------------------------------------- read-only home


def _read_only_prefix() -> list[str]:
    """Run the CLI so that file permissions bind it: as root, without the capabilities that
    override them (setpriv); as any other user, as is."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be simulated")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


@pytest.fixture
def read_only_home() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="ro-home-"))
    try:
        yield home
    finally:
        for path in [home, *home.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(home)


def test_feedback_export_works_from_a_read_only_home_and_reports_unwritable_output(
    read_only_home: Path, site: tuple[Path, Path]
) -> None:
    store = FeedbackStore(read_only_home / "feedback.sqlite3")
    answer = {"question": "公交专用道有多长？", "answer": "全市公交专用道达到120公里。[1]"}
    store.record("up", {**answer, "status": "answered", "citations": []})
    store.record("down", {**answer, "status": "answered", "citations": []}, comment="数字不对")
    conn = sqlite3.connect(read_only_home / "feedback.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    files = sorted(p.name for p in read_only_home.iterdir())
    read_only_home.chmod(0o555)
    env = _env(read_only_home, site[1])
    prefix = _read_only_prefix()

    proc = _cli(["feedback", "export"], env, prefix)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["feedback"] for line in proc.stdout.splitlines()] == ["up", "down"]
    assert sorted(p.name for p in read_only_home.iterdir()) == files

    proc = _cli(["feedback", "export", "--out", str(read_only_home / "out.jsonl")], env, prefix)
    assert proc.returncode == 6 and "无法写入" in proc.stderr and "没有访问权限" in proc.stderr
    _no_english_os_text(proc.stderr)
