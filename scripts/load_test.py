"""Load test for a running page: N concurrent sessions, each asking M questions in a row.

Each session is a multi-turn conversation over POST /api/ask (the page's JSON API, the same
``ask`` path as the chat): its history grows with every answer, as in a browser session.
Optionally (--gradio) the same is done through the page's own Gradio event with gradio_client.
Reports errors and latency p50/p95/max. Not a timed test: run it by hand against `make run`.

    .venv/bin/python scripts/load_test.py --url http://127.0.0.1:7860 --sessions 20 --questions 10

With ``--heavy-clients K`` K more clients send maximum-size requests back to back while the
sessions run: ``--heavy accepted`` the largest request the server answers (a question at
ASSISTANT_MAX_QUESTION_CHARS, 20 history turns filling the history budget), ``--heavy oversize``
a body just over the request limit (refused with 413), ``both`` alternates. ``--compare`` runs
the sessions once quiet and once with the heavy clients and prints the ratio of the p95s.

    .venv/bin/python scripts/load_test.py --sessions 20 --questions 10 \
        --heavy-clients 1 --heavy both --compare
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the limits are read from the package itself
DATASET = ROOT / "eval" / "datasets" / "dev.jsonl"


def load_questions(path: Path) -> list[str]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if not item.get("history"):
                questions.append(item["question"])
    return questions


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def run_http_session(
    url: str, questions: list[str], latencies: list[float], errors: list[str], lock: threading.Lock
) -> None:
    history: list[dict[str, str]] = []
    with httpx.Client(base_url=url, timeout=120) as client:
        for q in questions:
            started = time.perf_counter()
            try:
                r = client.post("/api/ask", json={"question": q, "history": history})
                elapsed = (time.perf_counter() - started) * 1000
                if r.status_code != 200:
                    raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
                data = r.json()
                if data.get("status") not in ("answered", "partial", "not_found"):
                    raise RuntimeError(f"bad response: {str(data)[:200]}")
            except Exception as exc:
                with lock:
                    errors.append(f"{q}: {exc}")
                continue
            with lock:
                latencies.append(elapsed)
            history += [
                {"role": "user", "content": q},
                {"role": "assistant", "content": data["answer"]},
            ]


def run_gradio_session(
    url: str, questions: list[str], latencies: list[float], errors: list[str], lock: threading.Lock
) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    chat: list[Any] = []
    for q in questions:
        started = time.perf_counter()
        try:
            # The page's "chat" event; outputs: chat, (state), sources, draft, textbox.
            result = client.predict(q, chat, [], api_name="/chat")
            elapsed = (time.perf_counter() - started) * 1000
            chat = result[0]
            if not chat or chat[-1]["role"] != "assistant":
                raise RuntimeError(f"no answer in {str(result)[:200]}")
        except Exception as exc:
            with lock:
                errors.append(f"{q}: {exc}")
            continue
        with lock:
            latencies.append(elapsed)


def heavy_bodies(kind: str, question_chars: int) -> list[bytes]:
    """The maximum-size requests: what the server still answers, and what it must refuse."""
    from assistant.answer.request import MAX_HISTORY_CHARS, MAX_HISTORY_TURNS
    from assistant.serve.http_limits import MAX_BODY_BYTES

    text = "".join(load_questions(DATASET))  # real words, so retrieval does real work
    while len(text) < MAX_HISTORY_CHARS:
        text += text

    def cut(n: int, offset: int) -> str:
        return (text[offset:] + text)[:n]

    per_answer = (MAX_HISTORY_CHARS - question_chars * MAX_HISTORY_TURNS // 2) // (
        MAX_HISTORY_TURNS // 2
    )
    history = [
        {"role": "user", "content": cut(question_chars, i * 37)}
        if i % 2 == 0
        else {"role": "assistant", "content": cut(per_answer, i * 53)}
        for i in range(MAX_HISTORY_TURNS)
    ]
    accepted = json.dumps(
        {"question": cut(question_chars, 11), "history": history}, ensure_ascii=False
    ).encode()
    oversize = json.dumps({"question": "公路", "pad": "x" * MAX_BODY_BYTES}).encode()
    return {"accepted": [accepted], "oversize": [oversize], "both": [accepted, oversize]}[kind]


def run_heavy_client(
    url: str, bodies: list[bytes], stop: threading.Event, stats: dict[str, Any]
) -> None:
    with httpx.Client(base_url=url, timeout=300) as client:
        i = 0
        while not stop.is_set():
            body = bodies[i % len(bodies)]
            i += 1
            started = time.perf_counter()
            try:
                r = client.post(
                    "/api/ask", content=body, headers={"content-type": "application/json"}
                )
                code = str(r.status_code)
            except httpx.HTTPError as exc:
                code = type(exc).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with stats["lock"]:
                stats["codes"][code] = stats["codes"].get(code, 0) + 1
                stats["latencies"].setdefault(len(body), []).append(elapsed)


def run_round(args: argparse.Namespace, heavy: int) -> tuple[list[float], list[str], float]:
    pool = load_questions(DATASET)
    rng = random.Random(args.seed)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    target = run_gradio_session if args.gradio else run_http_session
    threads = [
        threading.Thread(
            target=target,
            args=(args.url, rng.sample(pool, args.questions), latencies, errors, lock),
        )
        for _ in range(args.sessions)
    ]
    stop = threading.Event()
    stats: dict[str, Any] = {"lock": threading.Lock(), "codes": {}, "latencies": {}}
    bodies = heavy_bodies(args.heavy, args.question_chars) if heavy else []
    heavies = [
        threading.Thread(target=run_heavy_client, args=(args.url, bodies, stop, stats))
        for _ in range(heavy)
    ]
    for t in heavies:
        t.start()
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    stop.set()
    for t in heavies:
        t.join()
    total = args.sessions * args.questions
    label = f"with {heavy} heavy client(s) ({args.heavy})" if heavy else "quiet"
    print(f"[{label}] sessions={args.sessions} questions/session={args.questions} requests={total}")
    print(f"errors={len(errors)}")
    for e in errors[:10]:
        print("  ", e)
    if latencies:
        print(
            f"latency ms: p50={percentile(latencies, 50):.0f} p95={percentile(latencies, 95):.0f} "
            f"max={max(latencies):.0f} mean={statistics.mean(latencies):.0f}"
        )
    print(f"wall={wall:.1f}s throughput={len(latencies) / wall:.1f} answers/s")
    if heavy:
        print(f"heavy requests by status: {dict(sorted(stats['codes'].items()))}")
        for size, values in sorted(stats["latencies"].items()):
            print(
                f"  body {size / 1024:.0f} KB: n={len(values)} "
                f"p50={percentile(values, 50):.0f} ms max={max(values):.0f} ms"
            )
    return latencies, errors, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--gradio", action="store_true", help="use the Gradio event, not /api/ask")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--heavy-clients", type=int, default=0)
    parser.add_argument("--heavy", choices=["accepted", "oversize", "both"], default="both")
    parser.add_argument(
        "--question-chars", type=int, default=500, help="the server's ASSISTANT_MAX_QUESTION_CHARS"
    )
    parser.add_argument("--compare", action="store_true", help="run quiet first, then heavy")
    args = parser.parse_args()

    failed = False
    quiet: list[float] = []
    if args.compare or not args.heavy_clients:
        quiet, errors, _ = run_round(args, 0)
        failed |= bool(errors)
    if args.heavy_clients:
        loaded, errors, _ = run_round(args, args.heavy_clients)
        failed |= bool(errors)
        if quiet and loaded:
            ratio = percentile(loaded, 95) / percentile(quiet, 95)
            print(f"p95 with heavy clients / quiet p95 = {ratio:.2f} (target ≤ 2)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
