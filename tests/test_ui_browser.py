"""The web page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

One app process (``python app.py`` on a free port) serves an isolated copy of the session's
index and corpus, so uploading changes nothing the other tests see. Screenshots are written to
artifacts/screenshots/ for a human to look at."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import PROJECT_ROOT

from .conftest import copy_home

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
PASSWORD = "test-admin-密码"
PARKING = (
    "晋城市智慧停车管理办法\n\n第一章 总则\n\n"
    "第一条 为规范城市停车管理，缓解停车难问题，制定本办法。\n\n"
    "第二条 到2027年，全市新增公共停车泊位12000个，智慧停车平台接入率达到90%。\n\n"
    "第三条 市城市管理局负责全市停车设施的统筹管理和监督考核。\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(session_home: Path, built_index: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    home, corpus = copy_home(session_home, tmp_path_factory.mktemp("ui"))
    port = _free_port()
    env = dict(os.environ)
    env.update(
        ASSISTANT_HOME=str(home),
        ASSISTANT_CORPUS_DIR=str(corpus),
        ASSISTANT_PORT=str(port),
        ASSISTANT_HOST="127.0.0.1",
        ASSISTANT_ADMIN_PASSWORD=PASSWORD,
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    log = open(home / "app.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "app.py")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(url + "api/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("app.py did not start:\n" + (home / "app.log").read_text("utf-8"))
            time.sleep(0.5)
        yield {"url": url, "home": home, "corpus": corpus}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def page(server: dict[str, Any]) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            "未找到 /usr/bin/chromium：请运行 make test（会自动安装），或 apt-get install chromium。"
        )
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        pg = context.new_page()
        pg.goto(server["url"], wait_until="domcontentloaded")
        pg.locator("#question textarea").wait_for()
        yield pg
        context.close()
        browser.close()


def _ask(page: Any, question: str) -> None:
    before = page.locator("#sources details.turn").count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        f"document.querySelectorAll('#sources details.turn').length > {before}", timeout=60_000
    )


def _toasts(page: Any) -> str:
    return "\n".join(page.locator(".toast-body").all_inner_texts())


def _close_toasts(page: Any) -> None:
    """Dismiss notices (they would cover buttons); one that is already closing is ignored."""
    for button in page.locator(".toast-close").all():
        with contextlib.suppress(Exception):
            button.click(timeout=2_000)
    page.wait_for_timeout(300)


def _messages(page: Any) -> int:
    return int(page.locator("#chatbot .message-row").count())


def test_1_ask_see_citation_and_highlighted_source(page: Any) -> None:
    _ask(page, "晋城市道路交通安全应急预案的指挥部办公室设在哪里？")
    bot = page.locator("#chatbot .message-row").last
    assert bot.locator("a.cite").count() >= 1, bot.inner_html()
    assert bot.locator(".status-badge").inner_text() in {"已找到", "部分找到"}
    source = page.locator("#sources details.turn[open] .source").first
    assert "《晋城市道路交通安全应急预案》" in source.inner_text()
    assert source.locator("mark").inner_text().strip()
    # The marker links to its source in the panel.
    target = bot.locator("a.cite").first.get_attribute("href")
    assert target and page.locator(target).count() == 1
    bot.locator("a.cite").first.click()
    page.screenshot(path=str(SHOTS / "01-answer-with-sources.png"), full_page=True)


def test_2_follow_up_uses_the_history(page: Any) -> None:
    _ask(page, "晋城市公路总里程是多少？")
    _ask(page, "那2030年呢？")
    assert page.locator("#sources details.turn").count() == 3
    assert "2030" in page.locator("#sources details.turn[open] summary").inner_text()


def test_3_reply_draft_mode(page: Any) -> None:
    page.get_by_label("答复草稿").check()
    draft = page.locator("#draft textarea")
    draft.wait_for()
    page.wait_for_function(
        "document.querySelector('#draft textarea').value.includes('依据')", timeout=10_000
    )
    text = draft.input_value()
    assert text.startswith("您好！") and "感谢您对我们工作的关注和支持" in text
    # 依据 lists every document the latest answer cites, by its full title.
    cited = page.locator("#sources details.turn[open] .source .src-title").all_inner_texts()
    titles = {t.split("《", 1)[1].split("》", 1)[0] for t in cited}
    assert titles and all(f"《{t}》" in text.split("依据：", 1)[1] for t in titles)
    assert page.locator("#draft button").count() >= 1  # the copy button
    page.screenshot(path=str(SHOTS / "02-reply-draft.png"), full_page=True)
    page.get_by_label("问答", exact=True).check()


def test_4_feedback_is_stored(page: Any, server: dict[str, Any]) -> None:
    page.locator("#comment textarea").fill("应给出2030年目标的原文")
    page.locator("#thumbs-down").click()
    page.get_by_text("已记录您的评价").wait_for()
    with sqlite3.connect(server["home"] / "feedback.sqlite3") as conn:
        rows = conn.execute("SELECT rating, comment, question, answer, citations FROM feedback")
        rating, comment, question, answer, citations = rows.fetchall()[-1]
    assert (rating, comment, question) == ("down", "应给出2030年目标的原文", "那2030年呢？")
    assert answer and citations.startswith("[")


def test_4b_ordinal_reference_and_topic_shift(page: Any) -> None:
    """理解为 shows how a follow-up was read: an ordinal names the item of the previous list
    answer; a complete question about another place starts a new thread (nothing inherited);
    an off-topic question after them is not answered."""
    _ask(page, "晋城“十五五”综合交通规划提出了哪些重点任务？")
    listed = page.locator("#chatbot .message-row").last.inner_text()
    assert "包括：" in listed, listed
    items = listed.split("包括：", 1)[1].split("[", 1)[0].split("；")
    assert len(items) >= 2, listed
    _ask(page, "第二项具体是什么？")
    bot = page.locator("#chatbot .message-row").last
    understood = bot.locator(".understood").inner_text()
    assert understood.startswith("理解为：") and items[1].strip() in understood, understood
    assert "第二项" not in understood
    _ask(page, "阳泉城市公共交通正点率2025年的目标是多少？")
    bot = page.locator("#chatbot .message-row").last
    assert bot.locator(".understood").count() == 0  # asked as typed: nothing carried over
    assert bot.locator(".status-badge").inner_text() == "已找到"
    cited = page.locator("#sources details.turn[open] .source .src-title").all_inner_texts()
    assert cited and all("阳泉" in t for t in cited), cited
    _ask(page, "如何办理护照？")
    bot = page.locator("#chatbot .message-row").last
    assert bot.locator(".status-badge").inner_text() == "未找到"
    page.screenshot(path=str(SHOTS / "02b-ordinal-and-topic-shift.png"), full_page=True)


def test_5_bad_input_shows_a_message_and_changes_nothing(page: Any) -> None:
    count = _messages(page)
    turns = page.locator("#sources details.turn").count()
    page.locator("#question textarea").fill("   ")
    page.locator("#send").click()
    page.get_by_text("问题为空").first.wait_for()
    page.locator("#question textarea").fill("问" * 20000)
    page.locator("#send").click()
    page.get_by_text("问题过长").first.wait_for()
    # Notices are titled in Chinese (this Gradio titles them "Warning" by itself).
    titles = page.locator(".toast-title").all_inner_texts()
    assert titles and all(t.strip().startswith("提示") for t in titles), titles
    assert "Warning" not in page.locator(".toast-body").first.inner_text()
    page.screenshot(path=str(SHOTS / "03-bad-input.png"), full_page=True)
    assert _messages(page) == count
    assert page.locator("#sources details.turn").count() == turns
    _close_toasts(page)


def _choose_file(page: Any, path: Path) -> None:
    _close_toasts(page)  # a toast can cover the file box's clear button
    clear = page.locator(
        "#upload-file button[aria-label='清除'], #upload-file button[aria-label='Clear']"
    )
    if clear.count():
        clear.first.click()
    page.locator("#upload-file input[type=file]").set_input_files(str(path))
    try:
        page.wait_for_function(
            f"document.querySelector('#upload-file').innerText.includes({path.name!r})"
        )
    except Exception:
        page.screenshot(path=str(SHOTS / "failed-choose-file.png"), full_page=True)
        raise


def test_6_admin_upload_then_ask_about_it(
    page: Any, server: dict[str, Any], tmp_path: Path
) -> None:
    page.get_by_role("tab", name="文档管理（管理员）").click()
    page.locator("#admin-password input").fill("wrong")
    page.locator("#admin-login").click()
    page.get_by_text("管理员密码不正确").wait_for()
    page.wait_for_timeout(1200)  # the back-off after one failure is 1 s
    _close_toasts(page)
    page.locator("#admin-password input").fill(PASSWORD)
    page.locator("#admin-login").click()
    page.locator("#docs-table").wait_for()
    assert "晋城市道路交通安全应急预案" in page.locator("#docs-table").inner_text()

    files = server["corpus"] / "files"
    before = sorted(p.name for p in files.iterdir())
    fake = tmp_path / "规划.pdf"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("a.txt", "hello")
    _choose_file(page, fake)
    page.locator("#upload").click()
    page.get_by_text("ZIP 压缩包").first.wait_for()
    assert sorted(p.name for p in files.iterdir()) == before
    _close_toasts(page)

    doc = tmp_path / "智慧停车管理办法.txt"
    doc.write_text(PARKING, encoding="utf-8")
    _choose_file(page, doc)
    page.locator("#upload").click()
    page.locator("#admin-note").get_by_text("已添加").wait_for(timeout=120_000)
    assert "智慧停车管理办法.txt" in [p.name for p in files.iterdir()]
    assert "晋城市智慧停车管理办法" in page.locator("#docs-table").inner_text()
    page.screenshot(path=str(SHOTS / "04-documents-after-upload.png"), full_page=True)

    page.get_by_role("tab", name="问答").click()
    _ask(page, "智慧停车平台接入率要达到多少？")
    bot = page.locator("#chatbot .message-row").last
    assert "90%" in bot.inner_text()
    assert "晋城市智慧停车管理办法" in page.locator("#sources details.turn[open]").inner_text()
    page.screenshot(path=str(SHOTS / "05-answer-from-uploaded-document.png"), full_page=True)


def test_7_admin_edits_metadata_and_deletes_by_title(page: Any, server: dict[str, Any]) -> None:
    # Each tab once, by its own name, also after switching (a gr.State directly under gr.Tabs
    # made Gradio 6.31 label both tabs 问答, then draw the admin tab twice).
    assert page.get_by_role("tab").all_inner_texts() == ["问答", "文档管理（管理员）"]
    page.get_by_role("tab", name="文档管理（管理员）").click()
    # The delete list names documents by title, a file with several under its gazette issue.
    page.locator("#delete-file input").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    labels = options.all_inner_texts()
    page.keyboard.press("Escape")
    assert "《晋城市智慧停车管理办法》" in labels
    assert any(
        label.startswith("晋城市人民政府公报") and "（5 个文档）" in label for label in labels
    )
    assert not any(label.endswith(".txt") for label in labels)

    page.get_by_text("修改文档信息").click()
    page.locator("#meta-doc input").click()
    page.get_by_role("option", name="晋城市智慧停车管理办法").click()
    page.wait_for_function(
        "document.querySelector('#meta-title textarea, #meta-title input').value"
        ".includes('智慧停车')"
    )
    page.locator("#meta-issuer textarea, #meta-issuer input").first.fill("晋城市城市管理局")
    page.locator("#meta-date textarea, #meta-date input").first.fill("2025-08-01")
    page.locator("#meta-doc-number textarea, #meta-doc-number input").first.fill(
        "晋市城管发〔2025〕3号"
    )
    page.locator("#meta-save").click()
    page.locator("#meta-note").get_by_text("已保存").wait_for(timeout=120_000)
    table = page.locator("#docs-table").inner_text()
    assert "晋市城管发〔2025〕3号" in table and "晋城市城市管理局" in table
    manifest = (server["corpus"] / "manifest.json").read_text(encoding="utf-8")
    assert "晋市城管发〔2025〕3号" in manifest
    page.screenshot(path=str(SHOTS / "10-document-metadata.png"), full_page=True)

    # The answer now cites the document with its 文号.
    page.get_by_role("tab", name="问答").click()
    _ask(page, "智慧停车平台接入率要达到多少？")
    assert "晋市城管发〔2025〕3号" in page.locator("#sources details.turn[open]").inner_text()


def test_8_oversize_file_and_tabs_are_chinese(
    page: Any, server: dict[str, Any], tmp_path: Path
) -> None:
    """The page checks the file size itself before uploading; its message is Chinese too, and
    both tabs carry their own names."""
    assert page.get_by_role("tab").all_inner_texts() == ["问答", "文档管理（管理员）"]
    page.get_by_role("tab", name="文档管理（管理员）").click()
    files = server["corpus"] / "files"
    before = sorted(p.name for p in files.iterdir())
    big = tmp_path / "超大文件.txt"
    with open(big, "wb") as fh:  # sparse: over the limit without writing 51 MB
        fh.truncate(51 * 1024 * 1024)
    _close_toasts(page)
    page.locator("#upload-file input[type=file]").set_input_files(str(big))
    page.get_by_text("单个文件上限为 50 MB").first.wait_for()
    toasts = _toasts(page)
    assert "超大文件.txt" in toasts and "exceed" not in toasts and "Error" not in toasts
    page.screenshot(path=str(SHOTS / "06-oversize-file.png"), full_page=True)
    assert sorted(p.name for p in files.iterdir()) == before
