"""Load test for a running page: N concurrent sessions, each asking M questions in a row.

Each session is a multi-turn conversation over POST /api/ask (the page's JSON API, the same
``ask`` path as the chat): its history grows with every answer, as in a browser session.
Optionally (--gradio) the same is done through the page's own Gradio event with gradio_client.
Reports errors and latency p50/p95/max. Not a timed test: run it by hand against `make run`.

    .venv/bin/python scripts/load_test.py --url http://127.0.0.1:7860 --sessions 20 --questions 10
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--gradio", action="store_true", help="use the Gradio event, not /api/ask")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

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
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    total = args.sessions * args.questions
    print(f"sessions={args.sessions} questions/session={args.questions} requests={total}")
    print(f"errors={len(errors)}")
    for e in errors[:10]:
        print("  ", e)
    if latencies:
        print(
            f"latency ms: p50={percentile(latencies, 50):.0f} p95={percentile(latencies, 95):.0f} "
            f"max={max(latencies):.0f} mean={statistics.mean(latencies):.0f}"
        )
    print(f"wall={wall:.1f}s throughput={len(latencies) / wall:.1f} answers/s")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
