"""A first start of the running app (``python app.py`` as a subprocess) over a fresh
ASSISTANT_HOME: no index yet, so it builds one. The server answers at once; the page, opened
meanwhile in Debian's chromium, says 正在建立索引… with the stage and then becomes usable by
itself; the log has one Chinese line per stage and none of the libraries' DEBUG lines, progress
bars or the misleading "please run assistant build".

The converted default model is linked from the session's home (its conversion is tested in
test_embedding_convert.py); the corpus is the tiny one plus one real plan, so the build takes a
little while."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.app_process import running_app
from tests.tiny import TINY

from .conftest import CORPUS
from .test_ui_browser import CHROMIUM, CHROMIUM_ARGS, SHOTS

pytestmark = pytest.mark.slow

PLAN = "000_d01ecd0f699716d1.txt"  # 晋城市交通运输“十五五”发展规划


def _health(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url + "api/health", timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_first_start_shows_its_progress(
    session_home: Path, built_index: Any, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.fail("未找到 /usr/bin/chromium：请运行 make test（会自动安装）。")
    from playwright.sync_api import sync_playwright

    home, corpus = tmp_path / "home", tmp_path / "corpus"
    home.mkdir()
    (home / "models").symlink_to(session_home / "models", target_is_directory=True)
    shutil.copytree(TINY, corpus)
    shutil.copy(CORPUS / "files" / PLAN, corpus / "files" / PLAN)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        # The browser is up before the app, so the page is opened while the index is built.
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
        page.set_default_timeout(30_000)
        env = {"ASSISTANT_CORPUS_DIR": str(corpus)}
        with running_app(home, env, timeout=300, wait_ready=False) as url:
            status, body = _health(url)
            assert status == 503 and "正在建立索引" in body["error"], body
            page.goto(url, wait_until="domcontentloaded")
            page.locator("#index-status").get_by_text("正在建立索引").wait_for()
            page.screenshot(path=str(SHOTS / "08-first-start-building.png"))
            # The page notices by itself when the index is ready.
            page.wait_for_function(
                "!document.querySelector('#index-status').innerText.includes('正在建立索引')",
                timeout=300_000,
            )
            assert _health(url)[0] == 200
            page.locator("#question textarea").fill("防汛指挥部办公室设在哪里？")
            page.locator("#send").click()
            page.locator("#sources details.turn").first.wait_for(timeout=60_000)
            assert "市水务局" in page.locator("#chatbot .message-row").last.inner_text()
            page.screenshot(path=str(SHOTS / "09-first-start-ready.png"))
        browser.close()

    log = (home / "app.log").read_text(encoding="utf-8")
    stages = [
        "正在启动",
        "需要建立索引（首次启动，尚无索引），开始构建…",
        "正在读取并清洗文档…",
        "正在加载向量模型…",
        "正在计算向量：",
        "正在写入索引",
        "索引已写入",
        "正在加载索引并预热…",
        "已就绪",
    ]
    positions = [log.find(s) for s in stages]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), log
    # Not a terminal: the count is a few plain lines, never a bar redrawn with \r.
    assert "\r" not in log and "/" in log.split("正在计算向量：", 1)[1].split("\n", 2)[1]
    for noise in ("DEBUG", "assistant build", "请先运行", "Loading weights", "Batches", "it/s"):
        assert noise not in log, noise
