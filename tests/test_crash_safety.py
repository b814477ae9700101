"""Corpus changes and index builds survive being killed at any point.

A subprocess runs the real code (``LiveAssistant.add_upload`` / ``delete_file`` /
``build_index``, over the tiny corpus with the hashing embedder) and is killed with SIGKILL,
either by itself at a named step (``POLICY_ASSISTANT_CRASH_AT``, see ``assistant.index.layout``)
or by the test after a random delay. The next start (``LiveAssistant.start``) must find corpus
and index exactly as they were before the change, with nothing left behind."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.index.build import build_index
from assistant.index.journal import JOURNAL_FILE
from assistant.index.layout import CRASH_ENV, VERSIONS_DIR
from assistant.index.load import load_index
from assistant.serve.live import LiveAssistant
from assistant.settings import PROJECT_ROOT, Settings
from tests.hashing_embedder import HashingEmbedder

from .servers import tiny_corpus

PARKING = "某县智慧停车管理办法\n\n第一条 到2027年，全县新增公共停车泊位1200个。\n"

SCRIPT = """
import sys
from pathlib import Path
from assistant.index.build import build_index
from assistant.serve.live import LiveAssistant
from assistant.settings import Settings
from tests.hashing_embedder import HashingEmbedder

op, arg, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
settings = Settings.from_env()
if op == "build":
    build_index(settings, HashingEmbedder(), progress=False)
    sys.exit(0)
live = LiveAssistant(settings, HashingEmbedder()).start()
if op == "cycle" and "停车办法.txt" in live.source_files():
    # The previous run was killed after an add was committed: the cycle starts with a delete.
    live.delete_file("停车办法.txt")
for _ in range(rounds):
    if op in ("add", "cycle"):
        live.add_upload(Path(arg), "停车办法.txt")
    if op in ("delete", "cycle"):
        live.delete_file("停车办法.txt" if op == "cycle" else arg)
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crash-base")
    corpus = tiny_corpus(root)
    build_index(_settings(root / "home", corpus), HashingEmbedder(), progress=False)
    (root / "停车办法.txt").write_text(PARKING, encoding="utf-8")
    return root


def _settings(home: Path, corpus: Path) -> Settings:
    return Settings.from_env({"ASSISTANT_HOME": str(home), "ASSISTANT_CORPUS_DIR": str(corpus)})


@pytest.fixture
def site(base: Path, tmp_path: Path) -> Settings:
    """A private copy of the built home and corpus (the index link copied as a link)."""
    shutil.copytree(base, tmp_path / "site", symlinks=True)
    return _settings(tmp_path / "site" / "home", tmp_path / "site" / "corpus")


def _run(settings: Settings, op: str, arg: str, crash: str | None, rounds: int = 1) -> Any:
    env = dict(os.environ)
    env.update(
        ASSISTANT_HOME=str(settings.home),
        ASSISTANT_CORPUS_DIR=str(settings.corpus_dir),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    env.pop(CRASH_ENV, None)
    if crash:
        env[CRASH_ENV] = crash
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, op, arg, str(rounds)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _state(settings: Settings) -> dict[str, Any]:
    """Everything a change may touch: corpus files (with contents) and the current index."""
    files = settings.corpus_dir / "files"
    return {
        "files": {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files.iterdir())
        },
        "manifest": (settings.index_dir / "manifest.json").read_text(encoding="utf-8"),
    }


def _assert_clean(settings: Settings) -> None:
    """Nothing a killed run left behind survives the next start."""
    home = settings.home
    assert not (home / JOURNAL_FILE).exists()
    assert not [p.name for p in home.iterdir() if p.name.startswith(".index-")]
    assert not [p.name for p in (settings.corpus_dir / "files").iterdir() if p.name.startswith(".")]
    versions = sorted(p.name for p in (home / VERSIONS_DIR).iterdir())
    assert settings.index_dir.resolve().name in versions and len(versions) <= 2, versions


def _next_start(settings: Settings) -> LiveAssistant:
    return LiveAssistant(settings, HashingEmbedder()).start()


# Each kill costs a few seconds (a process start, an index load): the fast tier kills an upload
# before, at and after the index flip; the slow tier kills it at every step.
SLOW = pytest.mark.slow
ADD_POINTS = [
    pytest.param("change-journaled", marks=SLOW),
    "change-staged",
    pytest.param("build-written", marks=SLOW),
    pytest.param("change-built", marks=SLOW),
    "change-activated",
    pytest.param("change-moved", marks=SLOW),
    "change-loaded",
]


@pytest.mark.parametrize("point", ADD_POINTS)
def test_upload_killed_at_any_step_is_undone_at_the_next_start(
    site: Settings, base: Path, point: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _state(site)
    proc = _run(site, "add", str(base / "停车办法.txt"), point)
    assert proc.wait(timeout=120) == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    live = _next_start(site)
    assert _state(site) == before
    assert "某县智慧停车管理办法" not in {m.title for m in live.documents.values()}
    _assert_clean(site)
    if point != "change-journaled":  # the journal was written: the start says what it undid
        assert "上次未完成的上传（停车办法.txt）已撤销" in capsys.readouterr().err
    # The same upload then goes through.
    result = live.add_upload(base / "停车办法.txt", "停车办法.txt")
    assert [m.title for m in result.documents] == ["某县智慧停车管理办法"]
    assert "停车办法.txt" in _state(site)["files"]


@SLOW
@pytest.mark.parametrize(
    "point",
    ["change-journaled", "change-built", "change-activated", "change-moved", "change-loaded"],
)
def test_delete_killed_at_any_step_is_undone_at_the_next_start(site: Settings, point: str) -> None:
    before = _state(site)
    proc = _run(site, "delete", "flood_plan.txt", point)
    assert proc.wait(timeout=120) == -signal.SIGKILL
    live = _next_start(site)
    assert _state(site) == before
    assert "临河市防汛应急预案" in {m.title for m in live.documents.values()}
    _assert_clean(site)


@pytest.mark.parametrize("point", [pytest.param("build-written", marks=SLOW), "build-published"])
def test_killed_build_leaves_the_index_and_its_leftovers_go_at_the_next_build(
    site: Settings, point: str
) -> None:
    before = _state(site)
    proc = _run(site, "build", "", point)
    assert proc.wait(timeout=120) == -signal.SIGKILL
    assert _state(site) == before
    load_index(site)  # the previous index is whole and current
    leftovers = [p.name for p in site.home.iterdir() if p.name.startswith(".index-build-")]
    leftovers += [p.name for p in (site.home / VERSIONS_DIR).iterdir()]
    assert len(leftovers) >= 2  # the killed build's folder (or its unpublished version) is there
    build_index(site, HashingEmbedder(), progress=False)
    _assert_clean(site)
    assert not [p for p in site.home.iterdir() if p.name.startswith(".index-build-")]


def test_index_of_an_earlier_release_is_migrated_even_if_killed_midway(site: Settings) -> None:
    """``index`` as a plain folder (earlier layout, or a copy) becomes a version behind the link;
    a kill between moving it and linking it is repaired at the next start."""
    current = site.index_dir.resolve()
    site.index_dir.unlink()
    shutil.copytree(current, site.index_dir)
    shutil.rmtree(site.home / VERSIONS_DIR)
    before = _state(site)
    proc = _run(site, "build", "", "legacy-moved")
    assert proc.wait(timeout=120) == -signal.SIGKILL
    assert not site.index_dir.exists()  # the one window of the one-time migration
    _next_start(site)
    assert _state(site) == before and site.index_dir.is_symlink()
    _assert_clean(site)


@SLOW
def test_random_kills_during_uploads_and_deletes_never_leave_corpus_and_index_apart(
    site: Settings, base: Path
) -> None:
    rng = random.Random(20261122)
    for _ in range(4):
        proc = _run(site, "cycle", str(base / "停车办法.txt"), None, rounds=50)
        time.sleep(rng.uniform(1.5, 4.0))  # start-up takes about a second, then add/delete loop
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        live = _next_start(site)  # check_fresh inside: the index matches the corpus
        files = _state(site)["files"]
        titles = {m.title for m in live.documents.values()}
        assert ("停车办法.txt" in files) == ("某县智慧停车管理办法" in titles)
        _assert_clean(site)


def test_readers_never_find_the_index_missing_during_builds(site: Settings) -> None:
    manifest = site.index_dir / "manifest.json"
    missing: list[float] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            if not manifest.is_file():
                missing.append(time.monotonic())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(8):
            build_index(site, HashingEmbedder(), progress=False)
    finally:
        done.set()
        reader.join()
    assert missing == []
    _assert_clean(site)


@SLOW
def test_upload_through_the_page_killed_then_restarted(
    session_home: Path, built_index: Any, tmp_path: Path
) -> None:
    """End to end with the real app (app.py, the real model): an admin uploads through the page
    and the server is killed mid-upload; the restarted server has the corpus and the index of
    before and says what it undid; then the upload succeeds and the document is answerable."""
    import httpx

    from .conftest import copy_home
    from .servers import EventIncomplete, PageSession, launch, wait_ready

    home, corpus = copy_home(session_home, tmp_path)
    settings = _settings(home, corpus)
    doc = tmp_path / "智慧停车管理办法.txt"
    doc.write_text(
        "晋城市智慧停车管理办法\n\n第一条 到2027年，全市新增公共停车泊位12000个，"
        "智慧停车平台接入率达到90%。\n",
        encoding="utf-8",
    )
    password = {"ASSISTANT_ADMIN_PASSWORD": "pw-crash-test"}

    def upload(server: Any) -> Any:
        page = PageSession(server.url)
        assert page.call("admin-login", ["pw-crash-test"]).outputs[1].get("visible") is True
        stored = page.upload(doc).json()[0]
        return page.call("upload", [None, PageSession.file_data(stored, doc.name)])

    server = wait_ready(
        launch(home, corpus, tiny=False, env={**password, CRASH_ENV: "change-built"})
    )
    before = _state(settings)
    with pytest.raises((httpx.HTTPError, EventIncomplete)):  # the server dies mid-event
        upload(server)
    assert server.wait_exit() == -signal.SIGKILL

    server = wait_ready(
        launch(home, corpus, tiny=False, env={**password, CRASH_ENV: "change-moved"})
    )
    assert _state(settings) == before
    assert "上次未完成的上传（智慧停车管理办法.txt）已撤销" in server.log_text()
    with pytest.raises((httpx.HTTPError, EventIncomplete)):
        upload(server)
    assert server.wait_exit() == -signal.SIGKILL

    server = wait_ready(launch(home, corpus, tiny=False, env=password))
    try:
        assert _state(settings) == before
        _assert_clean(settings)
        titles = [d["title"] for d in httpx.get(server.url + "/api/documents").json()]
        assert "晋城市智慧停车管理办法" not in titles
        result = upload(server)
        assert result.success and "已添加 《晋城市智慧停车管理办法》" in result.outputs[0]
        answer = httpx.post(
            server.url + "/api/ask", json={"question": "智慧停车平台接入率要达到多少？"}, timeout=60
        ).json()
        assert "90%" in answer["answer"]
    finally:
        server.stop()
