"""What a first start tells the person waiting (fast tier): a Chinese line per build stage, the
embedding count as a bar on a terminal or as a few lines in a log, why a build is needed without
telling them to run a build that is already running, and what the live service reports (and
answers) while it is not ready yet. The running app's first start is in test_first_start.py."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import IndexMissingError
from assistant.index.build import build_index
from assistant.index.progress import ConsoleProgress
from assistant.serve.live import LiveAssistant, ensure_index
from assistant.settings import PROJECT_ROOT
from tests.app_process import free_port
from tests.hashing_embedder import HashingEmbedder
from tests.tiny import TINY, tiny_settings


class Recorder:
    """A ``Progress`` that keeps what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int, int] | str] = []

    def stage(self, text: str) -> None:
        self.events.append(text)

    def advance(self, done: int, total: int) -> None:
        self.events.append(("count", done, total))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_build_reports_each_stage_and_the_embedding_count(tmp_path: Path) -> None:
    settings = tiny_settings(tmp_path).with_(embed_batch_size=1)  # a slice per 8 passages
    first = Recorder()
    build_index(settings, HashingEmbedder(), progress=first)
    stages = [e for e in first.events if isinstance(e, str)]
    assert stages[0] == "正在读取并清洗文档…"
    assert stages[1].startswith("共 2 个文档、")
    assert stages[2].startswith("正在计算向量：") and "已缓存" not in stages[2]
    assert stages[3].startswith("正在写入索引") and stages[4].startswith("索引已写入")
    counts = [e for e in first.events if isinstance(e, tuple)]
    total = counts[-1][2]
    assert counts[0] == ("count", 0, total) and counts[-1] == ("count", total, total)
    assert len(counts) > 2 and [c[1] for c in counts] == sorted(c[1] for c in counts)

    again = Recorder()
    build_index(settings, HashingEmbedder(), progress=again)
    assert any("均已缓存" in e for e in again.events if isinstance(e, str))
    assert not any(isinstance(e, tuple) for e in again.events)


def test_console_draws_a_bar_on_a_terminal_and_a_few_lines_in_a_log() -> None:
    tty = Terminal()
    bar = ConsoleProgress(tty)
    bar.stage("正在计算向量：100 个段落…")
    for done in range(0, 101, 10):
        bar.advance(done, 100)
    bar.stage("正在写入索引…")
    out = tty.getvalue()
    assert out.startswith("正在计算向量：100 个段落…\n") and "\r" in out
    assert "100/100（100%）\n正在写入索引…\n" in out

    log = io.StringIO()
    plain = ConsoleProgress(log)
    for done in range(0, 101, 10):
        plain.advance(done, 100)
    lines = log.getvalue().splitlines()
    assert (
        "\r" not in log.getvalue()
        and 3 <= len(lines) <= 6
        and lines[-1].endswith("100/100（100%）")
    )


def test_ensure_index_says_why_without_asking_for_a_build(tmp_path: Path) -> None:
    settings = tiny_settings(tmp_path)
    first = Recorder()
    assert ensure_index(settings, HashingEmbedder(), first) is True
    assert first.events[0] == "需要建立索引（首次启动，尚无索引），开始构建…"
    assert ensure_index(settings, HashingEmbedder(), Recorder()) is False
    (settings.corpus_dir / "files" / "copy.txt").write_text(
        (TINY / "files" / "bus_plan.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    stale = Recorder()
    assert ensure_index(settings, HashingEmbedder(), stale) is True
    assert "新增了文件 files/copy.txt" in str(stale.events[0])
    everything = " ".join(str(e) for e in first.events + stale.events)
    assert "assistant build" not in everything and "请先运行" not in everything


def test_a_live_assistant_that_is_not_ready_says_what_it_is_doing(tmp_path: Path) -> None:
    live = LiveAssistant(tiny_settings(tmp_path), embedder=HashingEmbedder())
    assert not live.ready and live.status == "正在启动"
    with pytest.raises(IndexMissingError, match="正在建立索引（正在启动）"):
        live.ask("防汛指挥部办公室设在哪里？")
    seen: list[str] = []

    class Watcher(Recorder):
        def advance(self, done: int, total: int) -> None:
            seen.append(live.status)  # what a page polling meanwhile would show

    live.start(progress=Watcher())
    assert live.ready and any(s.startswith("正在计算向量") and "/" in s for s in seen)
    assert live.ask("防汛指挥部办公室设在哪里？").answer


def _app(env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "app.py")],
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
    )


def test_a_failed_start_stops_the_server_with_the_error_and_its_exit_code(tmp_path: Path) -> None:
    """The start-up runs in a thread beside the server; when it fails (here: no such model
    directory) the process still ends with the usual Chinese error and its exit code."""
    missing = tmp_path / "no-model"
    proc = _app(
        {
            "ASSISTANT_HOME": str(tmp_path / "home"),
            "ASSISTANT_CORPUS_DIR": str(TINY),
            "ASSISTANT_EMBEDDING_MODEL": str(missing),
            "ASSISTANT_PORT": str(free_port()),
        }
    )
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "正在启动" in proc.stdout
    assert f"错误：未找到向量模型目录 {missing}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_port_in_use_is_a_chinese_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = _app({"ASSISTANT_HOME": str(tmp_path), "ASSISTANT_PORT": str(port)})
    assert proc.returncode == 2
    assert f"错误：127.0.0.1:{port} 已被其他程序占用" in proc.stderr
