"""The PostgreSQL + pgvector backend on a real server the suite starts (``tests/pg.py``): the same
scores as the embedded backend, builds invisible until committed, a killed build or change leaves
the previous corpus serving, feedback in the shared table, and two app processes on one database.
Over the tiny corpus with the hashing embedder; the real model runs in the slow retrieval and
answer tests (parametrised over both backends) and the dense-recall check below."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import psycopg
import pytest

from assistant.errors import DatabaseError, IndexMissingError
from assistant.index import postgres
from assistant.index.backend import index_backend
from assistant.index.embedding import Embedder
from assistant.index.layout import CRASH_ENV
from assistant.index.pgconn import PgVersions, database
from assistant.index.postgres import PgIndex
from assistant.retrieve.hybrid import CANDIDATES, BM25Retriever, DenseRetriever
from assistant.serve.feedback import FeedbackStore, export_eval_items
from assistant.serve.feedback_db import PgFeedbackStore, open_feedback_store
from assistant.serve.live import LiveAssistant
from assistant.serve.service import Assistant, build_assistant
from assistant.settings import PROJECT_ROOT, Settings, SettingsError
from tests.hashing_embedder import HashingEmbedder
from tests.tiny import tiny_policy, tiny_settings

PARKING = "某县智慧停车管理办法\n\n第一条 到2027年，全县新增公共停车泊位1200个。\n"
QUESTIONS = (
    "防汛指挥部办公室设在哪里？",
    "到2025年临河公交正点率要达到多少？",
    "优化公交线网由哪个部门牵头？",
    "公交站点500米覆盖率",
    "如何办理护照？",
    "那2021年呢？",
)


def _pair(root: Path, url: str) -> tuple[Assistant, Assistant]:
    """The tiny corpus built on both backends (same home, same vectors)."""
    files = tiny_settings(root)
    pg = files.with_(database_url=url)
    embedder = HashingEmbedder()
    index_backend(files).build(embedder, progress=False)
    index_backend(pg).build(embedder, progress=False)
    policy = tiny_policy()
    return (
        build_assistant(files, embedder=embedder, policy=policy),
        build_assistant(pg, embedder=embedder, policy=policy),
    )


def _versions(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM assistant.versions ORDER BY name")]


def _schemas(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'assistant_v%' ORDER BY 1"
        )
        return [r[0] for r in rows]


# ----------------------------------------------------------------------------- same ranking


def test_bm25_in_the_database_scores_like_bm25s(tmp_path: Path, pg_url: str) -> None:
    files, pg = _pair(tmp_path, pg_url)
    assert isinstance(pg.retriever, postgres_retriever_type())
    bm25 = BM25Retriever(files.index)
    dense = DenseRetriever(files.index, HashingEmbedder())
    store = PgIndex(pg.settings)
    db = pg.index.manifest["database"]
    from assistant.lang.tokens import expand_query_tokens, tokenize

    for question in QUESTIONS:
        vector = HashingEmbedder().embed_queries([question])[0]
        tokens = expand_query_tokens(tokenize(question))
        found = store.search(db["schema"], db["bm25_dims"], vector, tokens, CANDIDATES)
        lexical = bm25.scores(question)
        exact = _exact_scores(dense, question, len(pg.index.chunks))
        for i, (d, b) in found.scores.items():
            assert b == pytest.approx(float(lexical[i]), rel=1e-5, abs=1e-5)
            assert d == pytest.approx(float(exact[i]), abs=1e-5)
        # The candidate lists are bm25s's and exact search's top 50, in their order.
        expected_lex = [int(i) for i in np.argsort(-lexical, kind="stable") if lexical[i] > 0]
        assert found.lexical == expected_lex[:CANDIDATES]
        # Near-ties (to 1e-6) in position order, as both backends sort them.
        ranked = np.argsort(-np.round(exact, 6), kind="stable")
        assert found.dense == [int(i) for i in ranked[:CANDIDATES]]


def postgres_retriever_type() -> type:
    from assistant.retrieve.pg import PgHybridRetriever

    return PgHybridRetriever


def test_both_backends_retrieve_and_answer_alike(tmp_path: Path, pg_url: str) -> None:
    files, pg = _pair(tmp_path, pg_url)
    assert pg.documents == files.documents
    assert pg.index.chunks == files.index.chunks
    assert pg.index.facts == files.index.facts
    assert pg.index.records == files.index.records
    flood = next(d for d, m in files.documents.items() if "防汛" in m.title)
    for question in QUESTIONS:
        for doc_ids in (None, [flood]):
            a = files.retriever.retrieve(question, 8, doc_ids)
            b = pg.retriever.retrieve(question, 8, doc_ids)
            assert [p.chunk for p in a] == [p.chunk for p in b]
            assert [p.score for p in a] == pytest.approx([p.score for p in b], abs=1e-6)
        x, y = files.ask(question), pg.ask(question)
        assert (x.status, x.answer, x.citations) == (y.status, y.answer, y.citations)


def test_concurrent_queries_share_the_pool_safely(tmp_path: Path, pg_url: str) -> None:
    """Retrieval from many threads at once (no answer lock around it) gives the sequential
    results: each query borrows its own pooled connection."""
    from concurrent.futures import ThreadPoolExecutor

    _, pg = _pair(tmp_path, pg_url)
    sequential = {q: [p.chunk.chunk_id for p in pg.retriever.retrieve(q, 8)] for q in QUESTIONS}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(
                lambda q: (q, [p.chunk.chunk_id for p in pg.retriever.retrieve(q, 8)]),
                list(QUESTIONS) * 8,
            )
        )
    assert all(ids == sequential[q] for q, ids in results)


# ----------------------------------------------------------------------------- transactions


def test_a_build_is_invisible_until_it_commits(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tiny_settings(tmp_path, ASSISTANT_DATABASE_URL=pg_url)
    first = build_assistant_pg(settings)
    before_versions, before_schemas = _versions(pg_url), _schemas(pg_url)
    written, release = threading.Event(), threading.Event()

    def pause(name: str) -> None:
        if name == "build-written":  # everything written, the transaction still open
            written.set()
            assert release.wait(60)

    monkeypatch.setattr(postgres, "crash_point", pause)
    (settings.corpus_dir / "files" / "停车办法.txt").write_text(PARKING, encoding="utf-8")
    builder = threading.Thread(
        target=lambda: index_backend(settings).build(HashingEmbedder(), progress=False)
    )
    builder.start()
    try:
        assert written.wait(60)
        # Another session sees neither the new version nor its schema; the old one serves.
        assert _versions(pg_url) == before_versions
        assert _schemas(pg_url) == before_schemas
        reader = build_assistant(settings, embedder=HashingEmbedder(), policy=tiny_policy())
        assert reader.index.manifest == first.index.manifest
        assert "停车" not in reader.ask("全县新增公共停车泊位多少个？").answer
    finally:
        release.set()
        builder.join(60)
    after = build_assistant(settings, embedder=HashingEmbedder(), policy=tiny_policy())
    assert after.index.manifest["database"] != first.index.manifest["database"]
    assert "1200个" in after.ask("全县新增公共停车泊位多少个？").answer


def build_assistant_pg(settings: Settings) -> Assistant:
    index_backend(settings).build(HashingEmbedder(), progress=False)
    return build_assistant(settings, embedder=HashingEmbedder(), policy=tiny_policy())


SCRIPT = """
import sys
from pathlib import Path
from assistant.index.backend import index_backend
from assistant.index.embedding import Embedder
from assistant.serve.live import LiveAssistant
from assistant.settings import Settings
from tests.hashing_embedder import HashingEmbedder

op, arg = sys.argv[1], sys.argv[2]
settings = Settings.from_env()
if op == "build":
    index_backend(settings).build(HashingEmbedder(), progress=False)
else:
    LiveAssistant(settings, HashingEmbedder()).start().add_upload(Path(arg), "停车办法.txt")
"""


def _killed(settings: Settings, op: str, arg: str, crash: str) -> None:
    env = dict(os.environ)
    env.update(
        ASSISTANT_HOME=str(settings.home),
        ASSISTANT_CORPUS_DIR=str(settings.corpus_dir),
        ASSISTANT_DATABASE_URL=settings.database_url,
        PYTHONPATH=str(PROJECT_ROOT),
        **{CRASH_ENV: crash},
    )
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, op, arg],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=180,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode(errors="replace")


@pytest.mark.parametrize("point", ["build-written", "build-published"])
def test_kill_9_during_a_build_leaves_the_previous_corpus_serving(
    tmp_path: Path, pg_url: str, point: str
) -> None:
    settings = tiny_settings(tmp_path, ASSISTANT_DATABASE_URL=pg_url)
    first = build_assistant_pg(settings)
    current = first.index.manifest["database"]["version"]
    (settings.corpus_dir / "files" / "停车办法.txt").write_text(PARKING, encoding="utf-8")
    _killed(settings, "build", "", point)  # SIGKILL inside the transaction, or just after it
    assert PgVersions(database(settings)).current_name() == current
    serving = build_assistant(settings, embedder=HashingEmbedder(), policy=tiny_policy())
    assert serving.documents == first.documents
    assert serving.ask("防汛指挥部办公室设在哪里？").status != "not_found"
    # Killed inside the transaction, nothing of it exists; killed after it, its version waits
    # unused until the next build removes it.
    assert len(_versions(pg_url)) == (1 if point == "build-written" else 2)
    assert len(_schemas(pg_url)) == len(_versions(pg_url))
    rebuilt = build_assistant_pg(settings)
    assert "1200个" in rebuilt.ask("全县新增公共停车泊位多少个？").answer
    assert len(_versions(pg_url)) == 2 == len(_schemas(pg_url))  # the current and the one before


@pytest.mark.parametrize("point", ["change-built", "change-activated", "change-loaded"])
def test_an_upload_killed_midway_is_undone_at_the_next_start(
    tmp_path: Path, pg_url: str, point: str
) -> None:
    settings = tiny_settings(tmp_path, ASSISTANT_DATABASE_URL=pg_url)
    first = build_assistant_pg(settings)
    upload = tmp_path / "停车办法.txt"
    upload.write_text(PARKING, encoding="utf-8")
    files_before = sorted(p.name for p in (settings.corpus_dir / "files").iterdir())
    _killed(settings, "add", str(upload), point)
    live = LiveAssistant(settings, HashingEmbedder()).start(progress=False)
    try:
        assert (
            PgVersions(database(settings)).current_name()
            == (first.index.manifest["database"]["version"])
        )
        assert sorted(p.name for p in (settings.corpus_dir / "files").iterdir()) == files_before
        assert live.documents == first.documents
        assert len(_versions(pg_url)) == 1 == len(_schemas(pg_url))
        # The same upload then goes through.
        result = live.add_upload(upload, "停车办法.txt")
        assert [m.title for m in result.documents] == ["某县智慧停车管理办法"]
        assert "1200个" in live.ask("全县新增公共停车泊位多少个？").answer
    finally:
        live.close()


# ----------------------------------------------------------------------------- errors, feedback


def test_database_url_is_checked_and_never_echoed() -> None:
    with pytest.raises(SettingsError, match="ASSISTANT_DATABASE_URL") as caught:
        Settings.from_env({"ASSISTANT_DATABASE_URL": "mysql://u:secret@h/db"})
    assert "secret" not in str(caught.value)
    assert "secret" not in repr(
        Settings.from_env({"ASSISTANT_DATABASE_URL": "postgresql://u:secret@h/db"})
    )


def test_unreachable_database_is_a_chinese_error(tmp_path: Path) -> None:
    url = f"postgresql://postgres@/postgres?host={tmp_path}"  # no server listens there
    settings = tiny_settings(tmp_path, ASSISTANT_DATABASE_URL=url)
    with pytest.raises(DatabaseError, match="无法使用 PostgreSQL 数据库（连接失败）") as caught:
        index_backend(settings).load()
    assert "ASSISTANT_DATABASE_URL" in caught.value.message


def test_an_empty_database_has_no_index_yet(tmp_path: Path, pg_url: str) -> None:
    settings = tiny_settings(tmp_path, ASSISTANT_DATABASE_URL=pg_url)
    with pytest.raises(IndexMissingError, match="数据库中尚无索引"):
        index_backend(settings).load()
    assert index_backend(settings).stale_reasons() == ["数据库中尚无索引"]


def test_feedback_goes_to_the_shared_table(tmp_path: Path, pg_url: str) -> None:
    settings = tiny_settings(tmp_path, ASSISTANT_DATABASE_URL=pg_url)
    store = open_feedback_store(settings)
    assert isinstance(store, PgFeedbackStore)
    assert isinstance(open_feedback_store(settings.with_(database_url="")), FeedbackStore)
    answer = {
        "question": "防汛指挥部办公室设在哪里？",
        "answer": "指挥部办公室设在市水务局。[1]",
        "status": "answered",
        "citations": [{"n": 1, "doc_id": "d", "quote": "指挥部办公室设在市水务局"}],
    }
    history = [{"role": "user", "content": "防汛"}]
    first = store.record("up", answer, history, " 很好 ", ["d"])
    second = open_feedback_store(settings).record("down", answer, comment="缺少电话")
    assert second > first
    rows = store.rows()
    assert [(r.rating, r.comment) for r in rows] == [("up", "很好"), ("down", "缺少电话")]
    assert rows[0].history == history and rows[0].doc_ids == ["d"]
    assert rows[0].citations[0]["quote"] == "指挥部办公室设在市水务局"
    import io

    out = io.StringIO()
    assert export_eval_items(store, out) == 2
    assert "needs_review" in out.getvalue()


# ----------------------------------------------------------------------------- replicas


@pytest.mark.slow
def test_two_app_processes_on_one_database_upload_on_one_ask_the_other(
    tmp_path: Path, pg_url: str
) -> None:
    """Two servers (each its own home and corpus folder) on one database: the second builds
    nothing, and a document uploaded through the first one's page is answered by the second."""
    from .servers import PageSession, start, tiny_corpus

    env = {"ASSISTANT_DATABASE_URL": pg_url, "ASSISTANT_ADMIN_PASSWORD": "pw-replica"}
    writer = start(tmp_path / "a-home", tiny_corpus(tmp_path / "a"), env=env)
    try:
        # The second replica builds nothing: it serves the version the first one committed.
        reader = start(tmp_path / "b-home", tiny_corpus(tmp_path / "b"), env=env)
        try:
            assert "开始构建" not in reader.log_text()
            question = {"question": "全县新增公共停车泊位多少个？"}
            before = httpx.post(reader.url + "/api/ask", json=question, timeout=60).json()
            assert "1200" not in before["answer"]

            doc = tmp_path / "停车办法.txt"
            doc.write_text(PARKING, encoding="utf-8")
            page = PageSession(writer.url)
            assert page.call("admin-login", ["pw-replica"]).outputs[1].get("visible") is True
            stored = page.upload(doc).json()[0]
            result = page.call("upload", [None, PageSession.file_data(stored, doc.name)])
            assert result.success, result

            titles: list[str] = []
            deadline = time.monotonic() + 60
            while "某县智慧停车管理办法" not in titles and time.monotonic() < deadline:
                time.sleep(0.5)
                docs = httpx.get(reader.url + "/api/documents", timeout=10).json()
                titles = [d["title"] for d in docs]
            assert "某县智慧停车管理办法" in titles, reader.log_text()
            answer = httpx.post(reader.url + "/api/ask", json=question, timeout=60).json()
            assert "1200个" in answer["answer"]
            assert answer["citations"][0]["doc_title"] == "某县智慧停车管理办法"
        finally:
            reader.stop()
    finally:
        writer.stop()


# ----------------------------------------------------------------------------- real model


@pytest.mark.slow
def test_hnsw_candidates_equal_exact_search_on_the_real_corpus(
    assistant: Assistant, pg_assistant: Assistant, embedder: Embedder
) -> None:
    """The approximate index returns the exact top 50 for the dev questions (recall ≥ 99 %)."""
    import json

    questions = [
        json.loads(line)["question"]
        for line in (PROJECT_ROOT / "eval" / "datasets" / "dev.jsonl")
        .read_text("utf-8")
        .splitlines()
        if line.strip()
    ][:40]
    exact = DenseRetriever(assistant.index, embedder)
    store = PgIndex(pg_assistant.settings)
    db = pg_assistant.index.manifest["database"]
    found = total = 0
    for q in questions:
        vector = embedder.embed_queries([q])[0]
        got = store.search(db["schema"], db["bm25_dims"], vector, [], CANDIDATES).dense
        scores = _exact_scores(exact, q, len(assistant.index.chunks))
        want = [int(i) for i in np.argsort(-scores, kind="stable")[:CANDIDATES]]
        found += len(set(got) & set(want))
        total += len(want)
    assert found / total >= 0.99


def _exact_scores(dense: DenseRetriever, question: str, n: int) -> np.ndarray:
    """Similarity of ``question`` to every passage, by position (the embedded backend's search
    asked for all ``n``: exact below its ANN threshold)."""
    scores = np.full(n, -np.inf)
    for i, s in dense.ranked(dense.query_vector(question), n, None):
        scores[i] = s
    return scores
