"""Benchmark: index build time, index size, warm query latency and memory, on the real corpus or
on an N-times corpus made from it (``assistant bench --scale N``), so the growth curve is one
command per point. The figures in the README come from this command.

The build runs in this process, into a work folder (never the user's own index). Serving is
measured in a fresh child process that only loads the index and answers, so its memory is what
a server holding that corpus needs, not the build's."""

from __future__ import annotations

import json
import multiprocessing
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import InvalidRequestError
from assistant.evaluation.metrics import latency_summary
from assistant.index.embedding import Embedder, ModelInfo
from assistant.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


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


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc (Linux), in MB: ``VmRSS`` now, ``VmHWM`` its
    peak. (``ru_maxrss`` would not do for the serving child: Linux carries it across the exec
    that starts the child, so it would report the parent's build.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 0)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)


def _size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def serve_phase(settings: Settings, questions: list[str]) -> dict[str, Any]:
    """Load the index and the model, warm up, then time every question once (in the process
    that calls it: ``run_benchmark`` runs it in a fresh one)."""
    from assistant.serve.service import build_assistant

    started = time.perf_counter()
    assistant = build_assistant(settings)  # includes a warm-up question
    load_seconds = time.perf_counter() - started
    latencies = []
    for q in questions:
        t = time.perf_counter()
        assistant.ask(q)
        latencies.append((time.perf_counter() - t) * 1000)
    # The same percentile definition as the eval report's latency figures.
    summary = latency_summary(latencies)
    return {
        "load_seconds": round(load_seconds, 1),
        "query_ms": {
            "p50": round(summary["p50"] or 0.0, 1),
            "p95": round(summary["p95"] or 0.0, 1),
            "max": round(summary["max"] or 0.0, 1),
        },
        "rss_mb": _status_mb("VmRSS"),
        "peak_rss_mb": _status_mb("VmHWM"),
        "torch_imported": "torch" in sys.modules,
    }


class _TimedEmbedder:
    """The embedder, with the time spent embedding passages added up: the build's embedding
    throughput, apart from reading, chunking and writing."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.passages = 0

    @property
    def info(self) -> ModelInfo:
        return self.inner.info

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self.inner.embed_queries(texts)

    def embed_passages(
        self, texts: list[str], batch_size: int | None = None, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        started = time.perf_counter()
        try:
            return self.inner.embed_passages(texts, batch_size, progress)
        finally:
            self.seconds += time.perf_counter() - started
            self.passages += len(texts)


def _serve_in_child(settings: Settings, questions: list[str]) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        result: dict[str, Any] = pool.apply(serve_phase, (settings, questions))
    return result


def run_benchmark(
    settings: Settings,
    questions_path: Path,
    rebuild: bool = True,
    scale: int = 1,
    work_dir: Path | None = None,
) -> dict[str, Any]:
    """Build a ``scale``-times corpus (cold: an empty embedding cache, unless ``work_dir`` keeps
    one from an earlier run), then measure serving it. Without ``rebuild`` only serving of the
    configured index is measured."""
    from assistant.index.build import build_index
    from assistant.index.engines import default_embedder
    from assistant.ingest.synthetic import synthesise_corpus

    questions = _questions(questions_path)
    result: dict[str, Any] = {
        "machine": f"{platform.machine()} {platform.python_version()}",
        "questions": len(questions),
        "scale": scale,
    }
    if not rebuild:
        result["serving"] = _serve_in_child(settings, questions)
        return result
    started = time.perf_counter()
    embedder = _TimedEmbedder(default_embedder(settings))
    result["engine"] = type(embedder.inner).__name__
    embedder.embed_queries(["预热"])  # loads the model: the fixed cost of every start
    result["model_load_seconds"] = round(time.perf_counter() - started, 1)
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as tmp:
        work = work_dir or Path(tmp)
        home, corpus = work / f"home-x{scale}", work / f"corpus-x{scale}"
        if not corpus.exists():
            synthesise_corpus(settings.corpus_dir, corpus, scale)
        home.mkdir(parents=True, exist_ok=True)
        models = home / "models"
        if not models.exists() and settings.models_dir.exists():
            # The converted model and its ONNX export are shared, not redone.
            models.symlink_to(settings.models_dir.resolve(), target_is_directory=True)
        # Files in the work folder even with ASSISTANT_DATABASE_URL: a benchmark never replaces
        # the index the database's replicas serve.
        bench = settings.with_(home=home, corpus_dir=corpus, database_url="")
        report = build_index(bench, embedder, progress=False)
        result["documents"] = report.documents
        result["chunks"] = report.chunks
        result["build_seconds"] = round(report.seconds, 1)
        result["embedded"] = report.embedded
        if embedder.seconds:
            result["embed_passages_per_second"] = round(embedder.passages / embedder.seconds, 1)
        started = time.perf_counter()
        build_index(bench, embedder, progress=False)
        result["build_seconds_cached_embeddings"] = round(time.perf_counter() - started, 1)
        result["index_mb"] = _size_mb(bench.index_dir.resolve())
        result["build_peak_rss_mb"] = _status_mb("VmHWM")
        result["serving"] = _serve_in_child(bench, questions)
    return result
