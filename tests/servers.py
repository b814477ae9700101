"""Start the real server as a subprocess on a free 127.0.0.1 port, and talk to its page's
Gradio events over plain HTTP (the queue protocol the browser uses), so tests can drive the admin
events, uploads and logins exactly as a browser or an attacker would."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assistant.settings import PROJECT_ROOT

TINY = Path(__file__).resolve().parent / "data" / "tiny_corpus"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    home: Path
    corpus: Path
    log: Path

    def log_text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)

    def wait_exit(self, timeout: float = 120) -> int:
        return self.proc.wait(timeout=timeout)


def tiny_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    shutil.copytree(TINY, corpus)
    return corpus


def launch(
    home: Path,
    corpus: Path,
    *,
    tiny: bool = True,
    env: dict[str, str] | None = None,
    log_name: str = "server.log",
) -> Server:
    """Start ``python -m tests.tiny_server`` (hashing embedder) or ``app.py`` (the real model);
    returns at once (see ``wait_ready``)."""
    port = free_port()
    full = dict(os.environ)
    full.update(
        ASSISTANT_HOME=str(home),
        ASSISTANT_CORPUS_DIR=str(corpus),
        ASSISTANT_PORT=str(port),
        ASSISTANT_HOST="127.0.0.1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    full.pop("GRADIO_TEMP_DIR", None)
    full.update(env or {})
    home.mkdir(parents=True, exist_ok=True)
    log = home.parent / f"{home.name}-{log_name}"
    cmd = (
        [sys.executable, "-m", "tests.tiny_server"]
        if tiny
        else [sys.executable, str(PROJECT_ROOT / "app.py")]
    )
    with open(log, "ab") as fh:
        proc = subprocess.Popen(
            cmd, env=full, stdout=fh, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT
        )
    return Server(f"http://127.0.0.1:{port}", proc, home, corpus, log)


def wait_ready(server: Server, timeout: float = 240) -> Server:
    """Until /api/health answers; fails with the server's log if it exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + "/api/health", timeout=2).status_code == 200:
                return server
        if server.proc.poll() is not None:
            break
        time.sleep(0.3)
    server.stop()
    raise AssertionError("server did not start:\n" + server.log_text())


def start(home: Path, corpus: Path, **kwargs: Any) -> Server:
    return wait_ready(launch(home, corpus, **kwargs))


# ----------------------------------------------------------------------------- Gradio events


class EventIncomplete(Exception):
    """The event's stream ended without a result."""


@dataclass
class EventResult:
    success: bool
    outputs: list[Any]
    notices: list[dict[str, Any]] = field(default_factory=list)  # gr.Warning / gr.Info
    error: str | None = None
    raw: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200

    @property
    def notice_text(self) -> str:
        return "\n".join(str(n.get("log", "")) for n in self.notices)


class PageSession:
    """One browser tab: its own session (so its own gr.State, e.g. the admin login)."""

    def __init__(self, url: str, client: httpx.Client | None = None) -> None:
        self.http = client or httpx.Client(base_url=url, timeout=120)
        self.session_hash = uuid.uuid4().hex[:11]
        self.config: dict[str, Any] = self.http.get("/config").json()
        self._components = {c["id"]: c for c in self.config["components"]}

    def component(self, elem_id: str) -> dict[str, Any]:
        for c in self.config["components"]:
            if c.get("props", {}).get("elem_id") == elem_id:
                return dict(c)
        raise KeyError(elem_id)

    def fn_index(self, elem_id: str, event: str = "click") -> int:
        cid = self.component(elem_id)["id"]
        for dep in self.config["dependencies"]:
            if [cid, event] in [list(t) for t in dep["targets"]]:
                return int(dep["id"])
        raise KeyError(f"{elem_id}.{event}")

    def call(self, elem_id: str, data: list[Any], event: str = "click") -> EventResult:
        fn = self.fn_index(elem_id, event)
        cid = self.component(elem_id)["id"]
        return self.call_fn(fn, data, cid)

    def call_fn(
        self,
        fn: int,
        data: list[Any],
        trigger: int | None = None,
        event_data: dict[str, Any] | None = None,
    ) -> EventResult:
        joined = self.http.post(
            "/gradio_api/queue/join",
            json={
                "data": data,
                "fn_index": fn,
                "session_hash": self.session_hash,
                "event_data": event_data,
                "trigger_id": trigger,
            },
        )
        if joined.status_code != 200:  # refused before the event ran (request limits)
            return EventResult(
                False, [], error=str(joined.json().get("error")), status=joined.status_code
            )
        event_id = joined.json()["event_id"]
        notices: list[dict[str, Any]] = []
        raw: list[dict[str, Any]] = []
        url = f"/gradio_api/queue/data?session_hash={self.session_hash}"
        with self.http.stream("GET", url) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") != event_id:
                    continue
                raw.append(msg)
                if msg.get("msg") == "log":
                    notices.append(msg)
                if msg.get("msg") == "process_completed":
                    output = msg.get("output") or {}
                    return EventResult(
                        bool(msg.get("success")),
                        list(output.get("data") or []),
                        notices,
                        output.get("error"),
                        raw,
                    )
        raise EventIncomplete(f"event {fn} did not complete (the server went away?): {raw}")

    def upload(self, path: Path, headers: dict[str, str] | None = None) -> httpx.Response:
        with open(path, "rb") as fh:
            return self.http.post(
                "/gradio_api/upload",
                files={"files": (path.name, fh, "application/octet-stream")},
                headers=headers or {},
            )

    @staticmethod
    def file_data(path: str, name: str) -> dict[str, Any]:
        return {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}
