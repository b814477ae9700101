"""Benchmark: index build time (no embedding cache), warm query latency, peak memory.

Run with ``assistant bench``; the figures in the README come from this command."""

from __future__ import annotations

import json
import platform
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.errors import InvalidRequestError
from assistant.evaluation.metrics import latency_summary
from assistant.settings import Settings


def _questions(path: Path) -> list[str]:
    if not path.exists():
        raise InvalidRequestError(f"未找到基准问题文件 {path}。")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if not item.get("history"):
                out.append(str(item["question"]))
    if len(out) < 50:
        raise InvalidRequestError(f"基准测试至少需要 50 个问题，{path} 只有 {len(out)} 个。")
    return out


def run_benchmark(settings: Settings, questions_path: Path, rebuild: bool = True) -> dict[str, Any]:
    from assistant.index.backend import index_backend
    from assistant.index.build import build_index
    from assistant.index.embedding import SentenceTransformerEmbedder
    from assistant.serve.service import build_assistant

    questions = _questions(questions_path)
    result: dict[str, Any] = {
        "machine": f"{platform.machine()} {platform.python_version()}",
        "questions": len(questions),
    }
    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder(settings)
    embedder.info  # noqa: B018 - loads torch and the model: the fixed cost of every start
    result["model_load_seconds"] = round(time.perf_counter() - started, 1)
    if rebuild:
        # Cold build: an empty embedding cache, so every passage is embedded as on first install.
        # The embedder is already bound to the configured model; only the index and the
        # embedding cache move to the empty directory.
        with tempfile.TemporaryDirectory() as tmp:
            # Files in the temporary home even with ASSISTANT_DATABASE_URL: a benchmark never
            # replaces the index the database's replicas serve.
            cold = settings.with_(home=Path(tmp), database_url="")
            report = build_index(cold, embedder, progress=False)
        result["build_seconds_cold"] = round(report.seconds, 1)
        result["chunks"] = report.chunks
        started = time.perf_counter()
        index_backend(settings).build(embedder, progress=False)
        result["build_seconds_cached_embeddings"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    assistant = build_assistant(settings, embedder=embedder)
    assistant.ask(questions[0])  # warm-up: jieba dictionary, first forward pass
    result["index_load_seconds"] = round(time.perf_counter() - started, 1)
    latencies = []
    for q in questions:
        t = time.perf_counter()
        assistant.ask(q)
        latencies.append((time.perf_counter() - t) * 1000)
    # The same percentile definition as the eval report's latency figures.
    summary = latency_summary(latencies)
    result["query_ms"] = {
        "p50": round(summary["p50"] or 0.0, 1),
        "p95": round(summary["p95"] or 0.0, 1),
        "max": round(summary["max"] or 0.0, 1),
    }
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
    return result
