"""What keeps a question's cost flat as the corpus grows, checked against the plain computation it
replaces: substring postings against scanning every text, top-k selection against a full stable
sort, the vectorised fact search against a loop over every fact, the HNSW graph against exact
search, the ONNX engine against torch; and the N-times corpus the scale benchmark builds.

The model-free tests use the real corpus's cleaned documents; the ones marked slow use the real
model and the session's index."""

from __future__ import annotations

import functools
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from assistant.index.dense import DenseSearch, make_dense_index, top_indices
from assistant.index.manifest import indexed_text
from assistant.ingest.chunking import chunk_document
from assistant.ingest.corpus import load_documents
from assistant.ingest.synthetic import copy_mark, synthesise_corpus
from assistant.lang.substrings import SubstringIndex
from assistant.lang.terms import (
    TermWeights,
    containing_any,
    coverages,
    flat,
    flat_coverage,
    flat_texts,
    piecewise_coverage,
    synonyms_of,
)
from assistant.lang.tokens import content_terms
from assistant.records.facts import extract_facts
from assistant.records.store import FactQuery, FactStore, Match
from tests.conftest import CORPUS, cli_env

if TYPE_CHECKING:
    from assistant.answer.types import Answer
    from assistant.index.build import BuildReport
    from assistant.index.embedding import Embedder
    from assistant.ingest.types import Document
    from assistant.records.types import Record
    from assistant.serve.service import Assistant
    from assistant.settings import Settings

DEV = Path(__file__).resolve().parent.parent / "eval" / "datasets" / "dev.jsonl"


@functools.cache
def _documents() -> tuple[Document, ...]:
    return tuple(load_documents(CORPUS))


@functools.cache
def _passages() -> tuple[str, ...]:
    docs = _documents()
    metas = {d.meta.doc_id: d.meta for d in docs}
    return tuple(indexed_text(c, metas[c.doc_id]) for d in docs for c in chunk_document(d, 300))


@functools.cache
def _questions() -> tuple[str, ...]:
    return tuple(json.loads(line)["question"] for line in DEV.read_text("utf-8").splitlines())


def _probe_terms(flat: list[str]) -> list[str]:
    """Every question term of the dev set, plus random substrings (1–6 characters) of the
    passages and strings no passage holds."""
    terms = {t for q in _questions() for t, _ in content_terms(q)}
    rnd = random.Random(7)
    for _ in range(400):
        text = rnd.choice(flat)
        start = rnd.randrange(len(text))
        terms.add(text[start : start + rnd.randint(1, 6)])
    terms |= {"\x00", "地铁轻轨磁悬浮", "zz", "。"}
    return sorted(terms)


def test_substring_postings_find_exactly_the_texts_a_scan_finds(tmp_path: Path) -> None:
    flat = flat_texts(_passages())
    built = SubstringIndex.build(flat)
    built.save(tmp_path / "terms")
    loaded = SubstringIndex.load(tmp_path / "terms", flat)
    for term in _probe_terms(flat):
        expected = [i for i, t in enumerate(flat) if term in t]
        assert built.containing(term).tolist() == expected, term
        assert loaded.containing(term).tolist() == expected, term


def test_saved_postings_of_other_texts_are_refused(tmp_path: Path) -> None:
    flat = flat_texts(_passages())
    SubstringIndex.build(flat).save(tmp_path / "terms")
    with pytest.raises(ValueError):
        SubstringIndex.load(tmp_path / "terms", flat[:10])


def test_term_weights_equal_the_idf_of_a_full_scan() -> None:
    passages = _passages()
    flat = flat_texts(passages)
    weights = TermWeights(passages)
    n = len(flat)
    for term in _probe_terms(flat)[:300]:
        df = sum(1 for t in flat if any(v in t for v in synonyms_of(term)))
        assert weights.idf(term) == pytest.approx(np.log(1 + (n - df + 0.5) / (df + 0.5)))


def test_top_indices_equal_a_stable_full_sort() -> None:
    rnd = np.random.default_rng(3)
    for _ in range(200):
        n = int(rnd.integers(1, 300))
        # Few distinct values, so ties are everywhere; some -inf as for masked-out passages.
        scores = rnd.integers(0, 6, n).astype(np.float32)
        scores[rnd.random(n) < 0.2] = -np.inf
        k = int(rnd.integers(1, 60))
        expected = np.argsort(-scores, kind="stable")[:k]
        assert top_indices(scores, k).tolist() == expected.tolist()


def _store() -> FactStore:
    docs = _documents()
    facts = [f for d in docs for f in extract_facts(d)]
    return FactStore(facts, {d.meta.doc_id: d.meta.title for d in docs})


def _scan(store: FactStore, query: FactQuery) -> list[Match]:
    """The fact search as a loop over every fact (what ``FactStore.search`` replaced)."""
    from assistant.lang.numbers import parse_value

    weights = store._weights.weigh(query.indicator, stress_years=False) if query.indicator else {}
    wanted = parse_value(query.value) if query.value else None
    out = []
    for fact in store.facts:
        if query.doc_ids and fact.doc_id not in query.doc_ids:
            continue
        if query.regions and not any(r in fact.region for r in query.regions):
            continue
        if query.years and fact.year not in query.years:
            continue
        if query.kind and fact.kind != query.kind:
            continue
        if wanted is not None and (fact.value is None or abs(fact.value - float(wanted)) > 1e-9):
            continue
        score = piecewise_coverage(weights, store.match_text(fact)) if weights else 1.0
        out.append(Match(fact, score))
    out.sort(key=lambda m: (-m.score, m.fact.source == "prose", m.fact.start))
    # With an indicator asked, only the facts it matches at all (when any does).
    matching = [m for m in out if m.score > 0]
    return matching if weights and matching else out


def test_fact_search_equals_a_loop_over_every_fact() -> None:
    store = _store()
    docs = sorted({f.doc_id for f in store.facts})
    regions = sorted({f.region for f in store.facts if f.region})
    years = sorted({f.year for f in store.facts if f.year})
    values = sorted({f.value_text for f in store.facts if f.value is not None})
    rnd = random.Random(11)
    queries = [FactQuery(indicator=q) for q in _questions()[:80]]
    for q in _questions()[:80]:
        queries.append(
            FactQuery(
                indicator=q,
                regions=tuple(rnd.sample(regions, 1)) if rnd.random() < 0.4 else (),
                doc_ids=tuple(rnd.sample(docs, 2)) if rnd.random() < 0.3 else (),
                years=tuple(rnd.sample(years, 2)) if rnd.random() < 0.4 else (),
                kind=rnd.choice(["", "现状", "目标"]),
            )
        )
    queries += [FactQuery(years=(y,), value=v) for y in years[:4] for v in values[:10]]
    for query in queries:
        assert store.search(query) == _scan(store, query), query
    for doc_id in docs:
        facts = [f for f in store.facts if f.doc_id == doc_id]
        assert store.facts_of(doc_id) == facts
        assert store.years_of(doc_id) == {f.year for f in facts if f.year}


def test_synthetic_corpus_copies_every_document_with_distinct_passages(tmp_path: Path) -> None:
    documents = synthesise_corpus(CORPUS, tmp_path / "x3", 3)
    docs = load_documents(tmp_path / "x3")
    original = _documents()
    assert documents == len(docs) == 3 * len(original)
    # Copy 0 is the real corpus itself.
    by_id = {d.meta.doc_id: d for d in docs}
    for d in original:
        assert by_id[d.meta.doc_id].text == d.text
        for copy in (1, 2):
            twin = by_id[f"{d.meta.doc_id}-copy{copy:04d}"]
            assert copy_mark(copy) in twin.meta.title
            assert twin.meta.region == d.meta.region
            # The same sections: the mark never turns a heading into body text.
            assert [s.path for s in twin.sections] == [s.path for s in d.sections]
    metas = {d.meta.doc_id: d.meta for d in docs}
    texts = [indexed_text(c, metas[c.doc_id]) for d in docs for c in chunk_document(d, 300)]
    assert len(set(texts)) == len(texts)  # nothing for the embedding cache to share
    # The copies keep the documents' figures (a mark inside a clause may hide one).
    real = sum(len(extract_facts(d)) for d in original)
    for suffix in ("-copy0001", "-copy0002"):
        copied = sum(len(extract_facts(d)) for d in docs if d.meta.doc_id.endswith(suffix))
        assert 0.99 * real <= copied <= real


@pytest.mark.slow
def test_hnsw_recall_against_exact_search(
    settings: Settings, embedder: Embedder, built_index: BuildReport
) -> None:
    import faiss

    exact = DenseSearch(faiss.read_index(str(settings.index_dir / "dense.faiss")))
    assert exact.exact
    n = len(exact)
    stored = np.array(exact.vectors)
    graph = DenseSearch(make_dense_index(stored, stored.shape[1], hnsw_min=0))
    assert not graph.exact
    queries = embedder.embed_queries(list(_questions()))
    hits = total = top1 = 0
    for q in queries:
        want, _ = exact.search(q, 50)
        got, _ = graph.search(q, 50)
        hits += len(set(want.tolist()) & set(got.tolist()))
        total += len(want)
        top1 += int(want[0] == got[0])
    assert hits / total >= 0.98
    assert top1 / len(queries) >= 0.99
    # A document filter is searched exactly over the allowed passages, on both kinds of index.
    allowed = np.arange(0, n, 3, dtype=np.int64)
    for q in queries[:20]:
        sims = stored[allowed] @ q
        expected = allowed[np.argsort(-sims, kind="stable")[:8]]
        assert graph.search(q, 8, allowed)[0].tolist() == expected.tolist()


@pytest.mark.slow
def test_onnx_engine_gives_the_torch_vectors(settings: Settings, embedder: Embedder) -> None:
    from assistant.index.embedding import SentenceTransformerEmbedder
    from assistant.index.onnx_embedding import OnnxEmbedder

    assert isinstance(embedder, OnnxEmbedder)  # the default when onnxruntime is installed
    torch_engine = SentenceTransformerEmbedder(settings)
    assert embedder.info == torch_engine.info  # same manifest entry, same embedding cache
    passages = list(_passages()[::12])
    questions = list(_questions()[:40])
    for texts, onnx_fn, torch_fn in (
        (passages, embedder.embed_passages, torch_engine.embed_passages),
        (questions, embedder.embed_queries, torch_engine.embed_queries),
    ):
        cosine = (onnx_fn(texts) * torch_fn(texts)).sum(axis=1)
        assert cosine.min() >= 0.9999


@pytest.mark.slow
def test_serving_with_onnx_never_imports_torch(settings: Settings, embedder: Embedder) -> None:
    embedder.embed_queries(["预热"])  # the export exists
    code = (
        "import sys\n"
        "from assistant.settings import Settings\n"
        "from assistant.index.engines import default_embedder\n"
        "e = default_embedder(Settings.from_env())\n"
        "v = e.embed_queries(['晋城市公路总里程是多少？'])\n"
        "assert v.shape == (1, e.info.dimension), v.shape\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
    )
    env = cli_env(settings.home)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_concurrent_answers_equal_answers_one_at_a_time(assistant: Assistant) -> None:
    """No lock around an answer: questions answered from eight threads at once get exactly the
    answers they get one by one."""
    from concurrent.futures import ThreadPoolExecutor

    def key(question: str) -> str:
        data = assistant.ask(question).to_dict()
        data.pop("timings_ms", None)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    questions = list(_questions()[:48])
    alone = [key(q) for q in questions]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(key, questions))
    assert together == alone


@pytest.mark.slow
def test_answer_workers_answer_like_the_service_and_follow_a_corpus_change(
    tmp_path: Path, settings: Settings, embedder: Embedder
) -> None:
    """ASSISTANT_ANSWER_WORKERS=2: answers come from worker processes, equal to the service's
    own, and after a delete the workers answer from the new index without being told."""
    from assistant.serve.live import LiveAssistant
    from tests.tiny import tiny_settings

    embedder.embed_queries(["预热"])  # the ONNX export exists before the workers look for it
    tiny = tiny_settings(tmp_path, ASSISTANT_ANSWER_WORKERS="2")
    tiny.home.mkdir(parents=True)
    (tiny.home / "models").symlink_to(settings.models_dir, target_is_directory=True)
    live = LiveAssistant(tiny).start(progress=False)
    try:
        assert live._workers is not None
        question = "防汛指挥部办公室设在哪里？"

        def key(answer: Answer) -> str:
            data = answer.to_dict()
            data.pop("timings_ms", None)
            return json.dumps(data, ensure_ascii=False, sort_keys=True)

        assert key(live.ask(question)) == key(live.assistant.ask(question))
        flood = next(m for m in live.documents.values() if "防汛" in m.title)
        live.delete_file(flood.source_file)
        after = live.ask(question)
        assert all(c.doc_id != flood.doc_id for c in after.citations)
        assert all(p.chunk.doc_id != flood.doc_id for p in after.retrieved)
        assert key(after) == key(live.assistant.ask(question))
    finally:
        live.close()


def test_engine_and_worker_settings_are_checked_in_chinese(tmp_path: Path) -> None:
    from assistant.settings import Settings, SettingsError

    base = {"ASSISTANT_HOME": str(tmp_path), "ASSISTANT_CORPUS_DIR": str(CORPUS)}
    assert Settings.from_env(base).embedding_engine == "auto"
    assert Settings.from_env(base).answer_workers == 1
    with pytest.raises(SettingsError, match=r"ASSISTANT_EMBEDDING_ENGINE.*应为 auto、onnx、torch"):
        Settings.from_env({**base, "ASSISTANT_EMBEDDING_ENGINE": "gpu"})
    with pytest.raises(SettingsError, match=r"ASSISTANT_ANSWER_WORKERS.*应不小于 1"):
        Settings.from_env({**base, "ASSISTANT_ANSWER_WORKERS": "0"})


def test_a_model_the_onnx_engine_cannot_reproduce_runs_on_torch(tmp_path: Path) -> None:
    """A sentence-transformers directory with a module the ONNX engine does not redo (here a
    Dense layer after pooling) goes to the torch engine under ``auto``."""
    from assistant.index.embedding import SentenceTransformerEmbedder
    from assistant.index.engines import default_embedder
    from assistant.index.onnx_embedding import pooling_mode
    from assistant.settings import Settings

    model = tmp_path / "model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "tokenizer.json").write_text("{}", encoding="utf-8")
    (model / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True}),
        encoding="utf-8",
    )
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
    ]
    (model / "modules.json").write_text(json.dumps(modules), encoding="utf-8")
    assert pooling_mode(model) == "mean"
    modules.append(
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}
    )
    (model / "modules.json").write_text(json.dumps(modules), encoding="utf-8")
    assert pooling_mode(model) is None
    settings = Settings.from_env(
        {
            "ASSISTANT_HOME": str(tmp_path / "home"),
            "ASSISTANT_CORPUS_DIR": str(CORPUS),
            "ASSISTANT_EMBEDDING_MODEL": str(model),
        }
    )
    assert isinstance(default_embedder(settings), SentenceTransformerEmbedder)


class _CountingEmbedder:
    """The hashing embedder, counting its calls and the texts it embedded."""

    def __init__(self) -> None:
        from tests.hashing_embedder import HashingEmbedder

        self.inner = HashingEmbedder()
        self.calls: list[list[str]] = []

    @property
    def info(self) -> object:
        return self.inner.info

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.embed_queries(texts)


def test_query_vectors_embed_a_questions_sides_in_one_call_and_never_twice() -> None:
    from assistant.index.embedding import QueryVectors

    counting = _CountingEmbedder()
    vectors = QueryVectors(counting, size=3)  # type: ignore[arg-type]
    vectors.prefetch(["临河公交分担率", "云岭公交分担率", "临河公交分担率"])
    assert counting.calls == [["临河公交分担率", "云岭公交分担率"]]
    alone = counting.inner.embed_queries(["云岭公交分担率"])[0]
    assert np.array_equal(vectors.get("云岭公交分担率"), alone)
    vectors.get("临河公交分担率")
    assert len(counting.calls) == 1  # both came from the cache
    vectors.get("临州公交场站")  # a new text: embedded alone
    assert counting.calls[-1] == ["临州公交场站"]
    vectors.prefetch(["云岭应急预案", "临河一号线"])  # four texts: the least recent one goes
    vectors.get("临河公交分担率")
    assert counting.calls[-1] == ["临河公交分担率"]


@pytest.mark.slow
def test_onnx_queries_embedded_together_equal_each_embedded_alone(embedder: Embedder) -> None:
    """No padding between queries of one call: the sides of a question get exactly the vector
    each would get alone, so batching them changes no ranking."""
    questions = list(_questions()[:6])
    together = embedder.embed_queries(questions)
    for q, vector in zip(questions, together, strict=True):
        assert np.array_equal(embedder.embed_queries([q])[0], vector)


# -- per-question costs of the answerers, against the plain computation they replace ----------


@functools.cache
def _records() -> tuple[Record, ...]:
    from assistant.records.extract import extract_records

    return tuple(r for d in _documents() for r in extract_records(d))


def _question_weights(weights: TermWeights) -> list[dict[str, float]]:
    return [weights.weigh(q, stress_years=False) for q in _questions()[:80]]


def test_coverage_from_postings_equals_matching_every_text() -> None:
    texts = flat_texts(_passages())
    index = SubstringIndex.build(texts)
    for weights in _question_weights(TermWeights(_passages(), index=index)):
        expected = [flat_coverage(weights, t) for t in texts]
        assert coverages(index, weights).tolist() == expected
        # Every text outside the postings of the question's terms covers none of them.
        holding = set(containing_any(index, list(weights)).tolist())
        assert all(expected[i] == 0 for i in range(len(texts)) if i not in holding)


def test_record_scores_from_postings_equal_each_records_coverage() -> None:
    from assistant.answer.records import RecordAnswerer
    from assistant.lang.terms import coverage

    docs = {d.meta.doc_id: d for d in _documents()}
    answerer = RecordAnswerer(_records(), docs)
    for weights in _question_weights(answerer._weights):
        for kind in ("lead", "list", "definition", "document"):
            scores = answerer._coverages(kind, weights)
            for i in answerer._of_kind[kind]:
                context = answerer._context[i]
                if kind == "lead" and answerer._task_body[i]:
                    context = f"{context} {answerer._task_body[i]}"
                assert scores[i] == coverage(weights, context), (kind, i)


def test_table_rows_a_question_cannot_cover_and_the_cells_it_names_equal_a_scan() -> None:
    from assistant.answer.records import RecordAnswerer
    from assistant.answer.table_rows import _FIGURE, _KEY_HEADER, _MIN_VALUE, name_column
    from assistant.lang.terms import coverage

    docs = {d.meta.doc_id: d for d in _documents()}
    rows = RecordAnswerer(_records(), docs)._rows
    assert len(rows.rows) > 50
    for weights in _question_weights(rows.weights):
        holding = rows._holding(weights)
        for n, r in enumerate(rows.rows):
            if n in holding:
                continue
            values = [v for _, v in r.cells]
            # No join of its cells, in any order the answerer builds, covers any of it.
            assert coverage(weights, " ".join(values)) == 0
            assert all(coverage(weights, f"{a} {b}") == 0 for a in values for b in values)
    for n, r in enumerate(rows.rows):
        # The flattened cells and context the row scoring joins equal flattening the joined text.
        for h, _ in r.cells:
            assert rows._flat_cells[n][h] == flat(r.cell(h))
        assert rows._flat_context[n] + flat("公交 站台") == flat(rows._context(r, "公交 站台"))
    for question in _questions():
        expected = []
        for r in rows.rows:
            headers = [h for h, _ in r.cells]
            name = name_column(headers)
            doc = docs[r.doc_id]
            titled = f"{doc.meta.title} {doc.meta.short_title}"
            for h, v in r.cells:
                if h == name or _KEY_HEADER.search(h) or not v or _FIGURE.match(v):
                    continue
                for value in rows._values(h, v):
                    if len(value) >= _MIN_VALUE and value in question and value not in titled:
                        expected.append((r, h, value))
        assert rows.named_cells(question) == expected, question


def test_weak_fact_matches_never_decide_a_numeric_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The numeric answerer makes no ``Match`` of a fact scoring below ``_DECIDING_SCORE``; with
    every match kept, every dev and calibration question gets the same answer."""
    import assistant.answer.numeric as numeric
    from assistant.answer.texts import NOT_FOUND_TEXT

    docs = _documents()
    answerer = numeric.NumericAnswerer(_store(), {d.meta.doc_id: d for d in docs}, [])
    calibration = DEV.parent / "calibration.jsonl"
    questions = list(_questions()) + [
        json.loads(line)["question"] for line in calibration.read_text("utf-8").splitlines()
    ]
    cut = [answerer.answer(q, NOT_FOUND_TEXT) for q in questions]
    monkeypatch.setattr(numeric, "_DECIDING_SCORE", -1.0)
    every = [answerer.answer(q, NOT_FOUND_TEXT) for q in questions]
    assert sum(a is not None for a in cut) > 20
    assert cut == every


def test_dense_scores_of_consecutive_runs_equal_gathered_ones() -> None:
    rnd = np.random.default_rng(5)
    vectors = rnd.standard_normal((3000, 48)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    search = DenseSearch(make_dense_index(vectors, 48))
    query = vectors[17]
    for runs in ([(0, 3000)], [(100, 900), (1500, 2400)], [(5, 300), (301, 700), (2900, 3000)]):
        ids = np.concatenate([np.arange(a, b) for a, b in runs]).astype(np.int64)
        got = search.similarities(query, ids)
        assert np.allclose(got, vectors[ids] @ query, rtol=0, atol=1e-6)
        assert (
            search.search(query, 20, ids)[0].tolist()
            == ids[np.argsort(-(vectors[ids] @ query), kind="stable")[:20]].tolist()
        )
