"""Hardening of the server against bad requests, as an attacker or a clumsy client would send
them: the real server (``tests.tiny_server``: the app with the hashing embedder over the tiny
corpus) in a subprocess, driven over HTTP only: the JSON API, Gradio's upload endpoint and the
page's own events (the queue protocol the browser uses)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.answer.request import MAX_ANSWER_TURN_CHARS, MAX_HISTORY_CHARS, MAX_HISTORY_TURNS
from assistant.serve.http_limits import MAX_BODY_BYTES

from .servers import PageSession, Server, start, tiny_corpus

PASSWORD = "管理员-test-pw"
PARKING = "某县智慧停车管理办法\n\n第一条 到2027年，全县新增公共停车泊位1200个。\n"
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("hardening")
    srv = start(
        root / "home",
        tiny_corpus(root),
        env={
            "ASSISTANT_ADMIN_PASSWORD": PASSWORD,
            "ASSISTANT_LOGIN_MAX_FAILURES": "3",
            "ASSISTANT_LOGIN_LOCKOUT_SECONDS": "600",
        },
    )
    yield srv
    srv.stop()


def _ask(server: Server, body: Any, **kwargs: Any) -> httpx.Response:
    if isinstance(body, bytes):
        return httpx.post(
            server.url + "/api/ask",
            content=body,
            headers={"content-type": "application/json"},
            timeout=60,
            **kwargs,
        )
    return httpx.post(server.url + "/api/ask", json=body, timeout=60, **kwargs)


def _chinese_error(response: httpx.Response) -> str:
    data = response.json()
    assert set(data) == {"error"}, data  # never FastAPI's {"detail": …}
    assert re.search(r"[\u4e00-\u9fff]", data["error"]), data
    return str(data["error"])


def _files(server: Server) -> list[str]:
    return sorted(p.name for p in (server.corpus / "files").iterdir())


def _uploads_dir(server: Server) -> Path:
    (pid_dir,) = [p for p in (server.home / ".uploads").iterdir() if p.name.isdigit()]
    return pid_dir


def _stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


# ----------------------------------------------------------------------------- request limits


def _history(turns: int, user_chars: int, answer_chars: int) -> list[dict[str, str]]:
    return [
        {"role": "user", "content": "问" * user_chars}
        if i % 2 == 0
        else {"role": "assistant", "content": "答" * answer_chars}
        for i in range(turns)
    ]


@pytest.mark.parametrize(
    ("history", "doc_ids", "message"),
    [
        (_history(MAX_HISTORY_TURNS + 1, 10, 10), None, "共 21 条"),
        (_history(2, 10, MAX_ANSWER_TURN_CHARS + 1), None, "第 2 条"),
        (_history(2, 501, 10), None, "第 1 条"),
        (_history(12, 100, MAX_HISTORY_CHARS // 6), None, f"合计超过 {MAX_HISTORY_CHARS}"),
        ([], ["bus"] * 101, "文档筛选过长"),
    ],
)
def test_history_and_filter_over_the_limits_are_413(
    server: Server, history: list[dict[str, str]], doc_ids: list[str] | None, message: str
) -> None:
    r = _ask(server, {"question": "公交专用道", "history": history, "doc_ids": doc_ids})
    assert r.status_code == 413
    assert message in _chinese_error(r)


def test_largest_accepted_request_is_answered(server: Server) -> None:
    """At every limit at once (20 turns, the total character budget) the request is answered."""
    per_turn = MAX_HISTORY_CHARS // MAX_HISTORY_TURNS
    history = _history(MAX_HISTORY_TURNS, min(per_turn, 500), per_turn)
    r = _ask(server, {"question": "公" * 500, "history": history})
    assert r.status_code == 200, r.text
    assert r.json()["status"] in {"answered", "partial", "not_found"}


def test_body_over_the_limit_is_refused_before_it_is_read(server: Server) -> None:
    big = json.dumps({"question": "公交", "pad": "x" * MAX_BODY_BYTES}).encode()
    r = _ask(server, big)
    assert r.status_code == 413 and "请求过大" in _chinese_error(r)

    def chunks() -> Iterator[bytes]:  # no Content-Length: read only up to the limit
        yield b'{"question": "\xe5\x85\xac\xe4\xba\xa4", "pad": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    r = httpx.post(
        server.url + "/api/ask",
        content=chunks(),
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert r.status_code == 413 and "请求过大" in _chinese_error(r)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b'{"question": "\xff\xfe\xe5\x85\xac"}', 400, "UTF-8"),
        (b"[" * 200_000, 400, "嵌套层数过多"),
        (b'{"question": "\\ud800\xe5\x85\xac\xe4\xba\xa4"}', 400, "无法识别的字符"),
        ('{"question": "\u200b\u200d\ufeff \u2060"}'.encode(), 400, "问题为空"),
        (b'{"question": "\\u0000\\u0007\\u001b"}', 400, "问题为空"),
        (b"", 400, "请求体为空"),
        (b'{"question": ', 400, "不是合法的 JSON"),
    ],
)
def test_malformed_bodies_get_a_chinese_error(
    server: Server, body: bytes, status: int, message: str
) -> None:
    r = _ask(server, body)
    assert r.status_code == status
    assert message in _chinese_error(r)


def test_control_and_invisible_characters_do_not_change_the_answer(server: Server) -> None:
    clean = _ask(server, {"question": "公交专用道里程是多少？"}).json()
    dirty = _ask(server, {"question": "公交\u200b专用道\x00里程\u202e是\x1b多少？\ufeff"}).json()
    assert dirty["question"] == clean["question"] == "公交专用道里程是多少？"
    assert dirty["answer"] == clean["answer"]


def test_a_broken_character_in_the_history_is_replaced(server: Server) -> None:
    body = (
        '{"question": "那2030年呢？", "history": ['
        '{"role": "user", "content": "公交专用道\\udc80里程是多少？"}]}'
    ).encode()
    r = _ask(server, body)
    assert r.status_code == 200, r.text


# ----------------------------------------------------------------------------- uploads


def test_upload_endpoint_refuses_other_sites(server: Server, tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(PARKING, encoding="utf-8")
    page = PageSession(server.url)
    before = _stored_files(_uploads_dir(server))
    for headers in (
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
    ):
        r = page.upload(doc, headers)
        assert r.status_code == 403, headers
        assert "只能从本系统的页面上传" in _chinese_error(r)
    assert _stored_files(_uploads_dir(server)) == before
    own = page.upload(doc, {"origin": server.url, "sec-fetch-site": "same-origin"})
    assert own.status_code == 200 and own.json()[0].startswith(str(_uploads_dir(server)))


def test_upload_endpoint_refuses_oversize_and_unsized_bodies(server: Server) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    # Declared 60 MB, nothing sent: refused from the header alone.
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(
            b"POST /gradio_api/upload HTTP/1.1\r\nHost: " + f"{host}:{port}".encode() + b"\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 60000000\r\nConnection: close\r\n\r\n"
        )
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "单个文件上限为 50 MB" in json.loads(body)["error"]

    def chunks() -> Iterator[bytes]:
        yield b"--x\r\nContent-Disposition: form-data; name=files; filename=a.txt\r\n\r\nabc\r\n--x--\r\n"

    r = httpx.post(
        server.url + "/gradio_api/upload",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 400 and "Content-Length" in _chinese_error(r)


def _admin_page(server: Server) -> PageSession:
    """A logged-in tab. It connects from 127.0.0.3, so the lockout test (which locks 127.0.0.1
    out) does not depend on running last."""
    page = PageSession(
        server.url,
        httpx.Client(
            base_url=server.url,
            timeout=120,
            transport=httpx.HTTPTransport(local_address="127.0.0.3"),
        ),
    )
    _login(page)
    return page


def _login(page: PageSession) -> None:
    result = page.call("admin-login", [PASSWORD])
    assert result.success and not result.notices, result.notice_text
    assert result.outputs[1].get("visible") is True


def _upload_event(page: PageSession, path: str, name: str) -> Any:
    return page.call("upload", [None, PageSession.file_data(path, name)])


def test_only_files_uploaded_to_this_process_are_accepted(server: Server, tmp_path: Path) -> None:
    page = _admin_page(server)
    secret = tmp_path / "secret.txt"  # a readable server file outside the upload folder
    secret.write_text("内部资料：某县停车场收费标准为每小时5元。\n", encoding="utf-8")
    link = _uploads_dir(server) / "link.txt"
    link.symlink_to(secret)
    before = _files(server)
    for path in (
        str(secret),
        str(link),
        str(_uploads_dir(server)),
        "/etc/hostname",
        "https://example.com/doc.txt",
    ):
        result = _upload_event(page, path, "secret.txt")
        assert result.status == 403 and "只能添加通过本页面上传的文件" in str(result.error), path
    assert _files(server) == before
    assert not [p for p in _stored_files(_uploads_dir(server)) if p.name == "secret.txt"]
    link.unlink()


def test_upload_attempts_leave_no_temporary_files(server: Server, tmp_path: Path) -> None:
    page = _admin_page(server)
    fake = tmp_path / "规划.pdf"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("a.txt", "hello")
    good = tmp_path / "停车办法.md"
    good.write_text("# " + PARKING, encoding="utf-8")
    before = _files(server)

    stored = page.upload(fake).json()[0]
    assert Path(stored).is_file()
    assert "ZIP 压缩包" in _upload_event(page, stored, fake.name).notice_text
    assert not Path(stored).exists() and _files(server) == before

    stored = page.upload(good).json()[0]
    result = _upload_event(page, stored, good.name)
    assert result.success and not result.notices, result.notice_text
    assert "已添加 《某县智慧停车管理办法》" in result.outputs[0]  # the Markdown title lost its #
    assert not Path(stored).exists()
    assert _files(server) == sorted([*before, "停车办法.md"])
    # Nor the empty placeholder Gradio's File component leaves behind for each event.
    assert not [p for p in _stored_files(_uploads_dir(server)) if p.stat().st_size == 0]

    delete = page.call("delete", [None, "停车办法.md", True])
    assert delete.success and not delete.notices, delete.notice_text
    assert _files(server) == before


def test_duplicate_upload_is_refused_naming_the_existing_document(
    server: Server, tmp_path: Path
) -> None:
    page = _admin_page(server)
    before = _files(server)
    same_bytes = tmp_path / "公交方案副本.txt"
    shutil.copyfile(server.corpus / "files" / "bus_plan.txt", same_bytes)
    same_text = tmp_path / "防汛预案-GBK.txt"  # another encoding: other bytes, the same text
    text = (server.corpus / "files" / "flood_plan.txt").read_text(encoding="utf-8")
    same_text.write_bytes(text.encode("gb18030"))
    for path, title in (
        (same_bytes, "《临河市公交优先发展实施方案》"),
        (same_text, "《临河市防汛应急预案》"),
    ):
        stored = page.upload(path).json()[0]
        notice = _upload_event(page, stored, path.name).notice_text
        assert "内容相同" in notice and title in notice, notice
    assert _files(server) == before


# ----------------------------------------------------------------------------- login


def test_login_backs_off_then_locks_out_one_client_and_logs_without_the_password(
    server: Server,
) -> None:
    attacker = PageSession(server.url)
    guesses = ["guess-one-x7", "guess-two-x7", "guess-three-x7"]
    assert "再失败 2 次" in attacker.call("admin-login", [guesses[0]]).notice_text
    # Inside the back-off the password is not even looked at (and it does not count).
    assert "尝试过于频繁" in attacker.call("admin-login", [PASSWORD]).notice_text
    time.sleep(1.2)
    assert "再失败 1 次" in attacker.call("admin-login", [guesses[1]]).notice_text
    time.sleep(2.2)
    assert "已锁定" in attacker.call("admin-login", [guesses[2]]).notice_text
    # Locked: even the right password is refused (the lockout, not the back-off, says so).
    locked = attacker.call("admin-login", [PASSWORD])
    assert "已锁定：请在 10 分钟后再试" in locked.notice_text
    assert locked.outputs[1] == {"__type__": "update"}  # the admin panel stays hidden

    # Another client (another loopback source address) is not affected.
    other = httpx.Client(
        base_url=server.url,
        timeout=60,
        transport=httpx.HTTPTransport(local_address="127.0.0.2"),
    )
    admin = PageSession(server.url, other)
    result = admin.call("admin-login", [PASSWORD])
    assert result.success and not result.notices
    assert result.outputs[1].get("visible") is True  # the admin panel opens

    log = server.log_text()
    assert log.count("admin login failed: client 127.0.0.1") >= 3
    assert "locked out" in log and "admin login succeeded: client 127.0.0.2" in log
    for secret in [*guesses, PASSWORD]:
        assert secret not in log


# ----------------------------------------------------------------------------- page


def test_admin_lists_are_read_live_and_nothing_is_preselected(
    server: Server, tmp_path: Path
) -> None:
    second = _admin_page(server)  # a tab opened before the upload
    assert second.component("delete-file")["props"].get("value") in (None, [])
    first = _admin_page(server)
    doc = tmp_path / "停车管理.txt"
    doc.write_text(PARKING, encoding="utf-8")
    added = _upload_event(first, first.upload(doc).json()[0], doc.name)
    assert added.success and not added.notices, added.notice_text

    refreshed = second.call("admin-tab", [None], event="select")
    table, _, choices = refreshed.outputs
    assert any("停车管理.txt" in row for row in table["value"]["data"])
    assert choices["value"] is None
    # the delete list shows the documents' titles, its value is the file
    assert ["《某县智慧停车管理办法》", "停车管理.txt"] in choices["choices"]
    # The second tab deletes the upload; the first tab's stale list then gets a Chinese notice.
    deleted = second.call("delete", [None, "停车管理.txt", True])
    assert deleted.success and not deleted.notices, deleted.notice_text
    again = first.call("delete", [None, "停车管理.txt", True])
    assert "文档库中没有文件“停车管理.txt”" in again.notice_text


def test_a_filter_on_a_deleted_document_is_a_chinese_notice(server: Server) -> None:
    page = PageSession(server.url)
    result = page.call("send", ["公交专用道", [], None, ["deleted-doc-id"]])
    assert "未知的文档编号" in result.notice_text


def test_buttons_and_texts_are_emoji_free_and_errors_hidden(server: Server) -> None:
    config = PageSession(server.url).config
    assert config["show_error"] is False
    texts = json.dumps([c.get("props", {}) for c in config["components"]], ensure_ascii=False)
    assert not EMOJI.findall(texts)


def test_internal_errors_show_a_reference_and_leak_nothing(server: Server) -> None:
    page = PageSession(server.url)
    answered = page.call("send", ["公交专用道里程是多少？", [], None, []])
    assert answered.success
    # A crafted like event (an index the chat cannot have) fails inside the handler: the user
    # sees a Chinese sentence with a reference that the log holds with the traceback.
    fn = page.fn_index("chatbot", "like")
    crafted = {"index": {"bad": 1}, "value": "x", "liked": True}
    message = page.call_fn(fn, [None, ""], None, crafted)
    error = str(message.error or "")
    ref = re.search(r"错误编号 ([0-9a-f]{8})", error)
    assert ref, error
    assert "Traceback" not in error and "0x" not in error
    assert f"[{ref.group(1)}]" in server.log_text()

    # Gradio's own failure on a malformed payload shows nothing of its internals.
    bad = page.call("send", [{"not": "text"}, "not-a-chat", 7, "x"])
    assert not bad.success
    assert "0x" not in str(bad.error or "") and "Traceback" not in str(bad.error or "")
