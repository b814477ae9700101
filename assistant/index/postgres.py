"""The index in PostgreSQL + pgvector (``ASSISTANT_DATABASE_URL``): the second backend beside the
embedded files, holding the same things (passages, vectors, BM25, documents, facts, records), so
any number of stateless app replicas serve one corpus.

Versions: every build writes a new schema ``assistant_v<name>`` (tables ``passages`` with a
pgvector HNSW index, ``terms``, ``documents``, ``facts``, ``records``) and registers it in
``assistant.versions``, all in one transaction: a build killed at any moment leaves nothing
visible. ``assistant.current`` names the version replicas serve; switching it is one UPDATE, so
a reader sees the old corpus or the new one, never a mix. The previous version is kept (a
replica may still be reading it) and older ones dropped, as with the files' ``index.versions``.

BM25 is computed inside the database, the way bm25s (the embedded backend, method "lucene")
computes it: each passage stores a ``sparsevec`` of term-frequency components
``tf / (tf + k1 (1 - b + b dl/avgdl))`` and ``terms`` the idf ``log(1 + (N - df + .5)/(df + .5))``;
a query is the sparse vector of idf × count over its known tokens, and the score is the inner
product, so both backends give the same scores to float precision."""

from __future__ import annotations

import json
import math
import time
import uuid
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.errors import IndexMissingError, IndexStaleError
from assistant.index.build import (
    BuildReport,
    PreparedBuild,
    chunk_to_dict,
    document_to_dict,
    extract_store,
    manifest_data,
    prepare_build,
)
from assistant.index.embedding import Embedder
from assistant.index.journal import recover_locked
from assistant.index.layout import crash_point, home_lock
from assistant.index.load import LoadedIndex, chunk_from_dict, document_from_dict
from assistant.index.manifest import BUILD_COMMAND, check_fresh, stale_reasons
from assistant.index.pgconn import BASE_SCHEMA, Database, PgVersions, database
from assistant.index.progress import Progress, as_progress
from assistant.ingest.corpus import NO_CHANGE, CorpusView
from assistant.ingest.types import Document, DocumentMeta
from assistant.lang.tokens import tokenize
from assistant.records.facts import Fact
from assistant.records.types import Record, record_from_row
from assistant.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import psycopg

# bm25s's defaults, so the two backends rank alike.
BM25_K1 = 1.5
BM25_B = 0.75
# HNSW search breadth: well above the retriever's 50 candidates, so the approximate top 50 is the
# exact one on corpora of this size (checked against exact search in the tests).
EF_SEARCH = 200
SCHEMA_PREFIX = "assistant_v"


def _vector_literal(vector: Sequence[float]) -> str:
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


def _sparse_literal(weights: dict[int, float], dims: int) -> str:
    """pgvector's text form: 1-based indices, ``{i:w,...}/dims``."""
    body = ",".join(f"{i + 1}:{w!r}" for i, w in sorted(weights.items()) if w)
    return f"{{{body}}}/{max(dims, 1)}"


@dataclass(frozen=True)
class Bm25Table:
    """The BM25 statistics of one build: term ids and idf, and each passage's tf components."""

    vocab: dict[str, int]
    df: list[int]
    idf: list[float]
    passages: list[dict[int, float]]

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]]) -> Bm25Table:
        vocab: dict[str, int] = {}
        counts = []
        for tokens in token_lists:
            c = Counter(tokens)
            for term in c:
                vocab.setdefault(term, len(vocab))
            counts.append(c)
        n = len(token_lists)
        lengths = [len(t) for t in token_lists]
        avgdl = (sum(lengths) / n) if n else 1.0
        df = [0] * len(vocab)
        for c in counts:
            for term in c:
                df[vocab[term]] += 1
        idf = [math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in df]
        passages = []
        for c, dl in zip(counts, lengths, strict=True):
            norm = BM25_K1 * ((1 - BM25_B) + BM25_B * dl / (avgdl or 1.0))
            passages.append({vocab[t]: tf / (tf + norm) for t, tf in c.items()})
        return cls(vocab, df, idf, passages)


@dataclass(frozen=True)
class Candidates:
    """What the database returns for one query: the BM25 and the dense top-n (passage positions,
    best first) and both scores of every passage in either list."""

    lexical: list[int]
    dense: list[int]
    scores: dict[int, tuple[float, float]]  # position -> (dense, lexical)


def _ident(name: str) -> Any:
    from psycopg import sql

    return sql.Identifier(name)


class PgIndex:
    """The index versions in one database. Light: connects on first use."""

    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        self.settings = settings
        self.db = db or database(settings)
        self.versions = PgVersions(self.db)

    # ---------------------------------------------------------------- versions

    def _manifest(self, conn: psycopg.Connection[Any], name: str) -> dict[str, Any]:
        row = conn.execute(
            f"SELECT manifest FROM {BASE_SCHEMA}.versions WHERE name = %s", (name,)
        ).fetchone()
        if row is None:
            raise IndexStaleError(
                f"数据库中的当前索引版本“{name}”已不存在。请运行 `{BUILD_COMMAND}` 重新构建。"
            )
        manifest: dict[str, Any] = row[0]
        return manifest

    def current_manifest(self) -> dict[str, Any]:
        with self.db.connection() as conn:
            name = self._current(conn)
            return self._manifest(conn, name)

    def _current(self, conn: psycopg.Connection[Any]) -> str:
        row = conn.execute(f"SELECT name FROM {BASE_SCHEMA}.current").fetchone()
        if row is None:
            raise IndexMissingError(
                f"数据库中尚无索引。请先运行 `{BUILD_COMMAND}` 构建索引（约 1–2 分钟）。"
            )
        return str(row[0])

    def build_version(
        self,
        embedder: Embedder,
        progress: bool | Progress = True,
        documents: list[Document] | None = None,
        view: CorpusView = NO_CHANGE,
    ) -> tuple[BuildReport, str]:
        """Build a complete version in one transaction; registered, not yet current. Hold
        ``home_lock`` (which takes the database's writer lock too)."""
        built = prepare_build(self.settings, embedder, progress, documents, view)
        as_progress(progress).stage("正在写入数据库（向量、关键词、数值表、结构记录）…")
        facts, records = extract_store(built.docs)
        stamp = time.strftime("%Y%m%dt%H%M%S")
        name = f"{stamp}_{time.time_ns() % 10**9:09d}_{uuid.uuid4().hex[:6]}"
        schema = SCHEMA_PREFIX + name
        manifest = manifest_data(
            self.settings,
            embedder.info,
            built.fingerprint,
            built.docs,
            built.chunks,
            len(facts),
            len(records),
        )
        # The vocabulary size is the dimension of every BM25 sparse vector (queries included).
        bm25 = Bm25Table.build([tokenize(t) for t in built.texts])
        manifest["database"] = {
            "version": name,
            "schema": schema,
            "bm25_dims": max(len(bm25.vocab), 1),
        }
        with self.db.connection() as conn, conn.transaction():
            self._write(conn, schema, built, bm25, facts, records, embedder.info.dimension)
            conn.execute(
                f"INSERT INTO {BASE_SCHEMA}.versions (name, schema_name, manifest) "
                "VALUES (%s, %s, %s)",
                (name, schema, _jsonb(manifest)),
            )
            # The kill tests stop the process here: everything is written but not committed.
            crash_point("build-written")
        return built.report(self.settings.index_dir), name

    def _write(
        self,
        conn: psycopg.Connection[Any],
        schema: str,
        built: PreparedBuild,
        bm25: Bm25Table,
        facts: list[Fact],
        records: list[Record],
        dimension: int,
    ) -> None:
        from psycopg import sql

        dims = len(bm25.vocab)
        s = _ident(schema)
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(s))
        conn.execute(
            sql.SQL(
                "CREATE TABLE {}.passages (idx integer PRIMARY KEY, chunk jsonb NOT NULL, "
                "doc_id text NOT NULL, embedding vector({}) NOT NULL, bm25 sparsevec({}) NOT NULL)"
            ).format(s, sql.Literal(dimension), sql.Literal(max(dims, 1)))
        )
        with conn.cursor().copy(
            sql.SQL("COPY {}.passages (idx, chunk, doc_id, embedding, bm25) FROM STDIN").format(s)
        ) as copy:
            for i, (chunk, vector, weights) in enumerate(
                zip(built.chunks, built.vectors, bm25.passages, strict=True)
            ):
                copy.write_row(
                    (
                        i,
                        json.dumps(chunk_to_dict(chunk), ensure_ascii=False),
                        chunk.doc_id,
                        _vector_literal(vector.tolist()),
                        _sparse_literal(weights, dims),
                    )
                )
        # Inner product on normalised vectors is the embedded FAISS IndexFlatIP's score.
        conn.execute(
            sql.SQL("CREATE INDEX ON {}.passages USING hnsw (embedding vector_ip_ops)").format(s)
        )
        conn.execute(sql.SQL("CREATE INDEX ON {}.passages (doc_id)").format(s))
        conn.execute(
            sql.SQL(
                "CREATE TABLE {}.terms (term text PRIMARY KEY, term_id integer NOT NULL, "
                "df integer NOT NULL, idf double precision NOT NULL)"
            ).format(s)
        )
        with conn.cursor().copy(
            sql.SQL("COPY {}.terms (term, term_id, df, idf) FROM STDIN").format(s)
        ) as copy:
            for term, term_id in bm25.vocab.items():
                copy.write_row((term, term_id, bm25.df[term_id], bm25.idf[term_id]))
        tables = (
            (
                "documents",
                "doc_id text NOT NULL",
                [(d.meta.doc_id, document_to_dict(d)) for d in built.docs],
            ),
            ("facts", "doc_id text NOT NULL", [(f.doc_id, f.to_dict()) for f in facts]),
            ("records", "doc_id text NOT NULL", [(r.doc_id, r.to_row()) for r in records]),
        )
        for table, key, rows in tables:
            t = sql.Identifier(schema, table)
            conn.execute(
                sql.SQL(
                    "CREATE TABLE {} (position integer PRIMARY KEY, {}, body jsonb NOT NULL)"
                ).format(t, sql.SQL(key))
            )
            with conn.cursor().copy(
                sql.SQL("COPY {} (position, doc_id, body) FROM STDIN").format(t)
            ) as copy:
                for i, (doc_id, body) in enumerate(rows):
                    copy.write_row((i, doc_id, json.dumps(body, ensure_ascii=False)))
            conn.execute(sql.SQL("CREATE INDEX ON {} (doc_id)").format(t))

    def build(self, embedder: Embedder, progress: bool | Progress = True) -> BuildReport:
        """Build the corpus folder into a new version and make it current for every replica;
        undo what a killed change left first (``assistant build`` and the start-up)."""
        with home_lock(self.settings):  # also the database's writer lock
            recover_locked(self.settings)
            report, name = self.build_version(embedder, progress)
            crash_point("build-published")
            self.versions.activate(name)
            self.versions.cleanup()
        as_progress(progress).stage(
            f"索引已写入数据库（版本 {name}，用时 {report.seconds:.1f} 秒）。"
        )
        return report

    def stale_reasons(self) -> list[str]:
        """Why the start-up must build (Chinese phrases); empty when the database's version can
        be served. The corpus folder is not compared (see ``load``)."""
        try:
            return stale_reasons(self.settings, self.current_manifest(), corpus=False)
        except IndexMissingError:
            return ["数据库中尚无索引"]

    # ---------------------------------------------------------------- reading

    def load(self, check: bool = True) -> LoadedIndex:
        """The current version's passages, documents, facts and records (the vectors and BM25
        stay in the database: ``search`` queries them)."""
        from psycopg import sql

        with self.db.connection() as conn, conn.transaction():
            name = self._current(conn)
            manifest = self._manifest(conn, name)
            if check:
                # The corpus folder belongs to whichever replica builds; the database is what
                # every replica serves, so only the code, format and chunking are compared.
                check_fresh(self.settings, manifest, corpus=False)
            schema = manifest["database"]["schema"]

            def bodies(table: str) -> Iterator[Any]:
                query = sql.SQL("SELECT body FROM {} ORDER BY position").format(
                    sql.Identifier(schema, table)
                )
                return (r[0] for r in conn.execute(query))

            chunk_query = sql.SQL("SELECT chunk FROM {}.passages ORDER BY idx").format(
                _ident(schema)
            )
            chunks = tuple(chunk_from_dict(r[0]) for r in conn.execute(chunk_query))
            documents = {}
            for body in bodies("documents"):
                doc = document_from_dict(body)
                documents[doc.meta.doc_id] = doc
            facts = tuple(Fact(**body) for body in bodies("facts"))
            records = tuple(record_from_row(body) for body in bodies("records"))
        counts = manifest["counts"]
        if (
            len(chunks) != counts["chunks"]
            or len(facts) != manifest["facts"]["count"]
            or len(records) != manifest["records"]["count"]
        ):
            raise IndexStaleError(f"数据库中的索引不一致。请运行 `{BUILD_COMMAND}` 重新构建。")
        return LoadedIndex(manifest, chunks, documents, None, None, facts, records)

    def documents(self) -> dict[str, DocumentMeta]:
        """The current version's documents, without loading passages or the model."""
        from psycopg import sql

        with self.db.connection() as conn:
            name = self._current(conn)
            manifest = self._manifest(conn, name)
            check_fresh(self.settings, manifest, corpus=False)
            query = sql.SQL("SELECT body->'meta' FROM {} ORDER BY position").format(
                sql.Identifier(manifest["database"]["schema"], "documents")
            )
            metas = [DocumentMeta(**r[0]) for r in conn.execute(query)]
        return {m.doc_id: m for m in metas}

    def search(
        self,
        schema: str,
        dims: int,
        vector: npt.NDArray[np.float32],
        tokens: Sequence[str],
        limit: int,
        doc_ids: Collection[str] | None = None,
    ) -> Candidates:
        """BM25 and dense top-``limit`` of the passages (of ``doc_ids`` only, when given), and
        both scores of each, in one round of queries on one connection."""
        from psycopg import sql

        passages = sql.SQL("{}.passages").format(_ident(schema))
        where = sql.SQL("WHERE doc_id = ANY(%(docs)s)" if doc_ids else "")
        params: dict[str, Any] = {
            "v": _vector_literal(vector.tolist()),
            "docs": list(doc_ids or ()),
            "n": limit,
        }
        with self.db.connection() as conn, conn.transaction():
            terms = conn.execute(
                sql.SQL("SELECT term, term_id, idf FROM {}.terms WHERE term = ANY(%s)").format(
                    _ident(schema)
                ),
                (list(set(tokens)),),
            ).fetchall()
            known = {t: (int(i), float(w)) for t, i, w in terms}
            counts = Counter(t for t in tokens if t in known)
            # Each occurrence of a query token counts, as in bm25s.
            query = {known[t][0]: known[t][1] * c for t, c in counts.items()}
            params["q"] = _sparse_literal(query, dims)
            lexical: list[int] = []
            if query:
                rows = conn.execute(
                    sql.SQL(
                        "SELECT idx, -(bm25 <#> %(q)s::sparsevec) AS s FROM {} {} "
                        "ORDER BY bm25 <#> %(q)s::sparsevec, idx LIMIT %(n)s"
                    ).format(passages, where),
                    params,
                ).fetchall()
                lexical = [int(i) for i, s in rows if s > 0]
            conn.execute(sql.SQL("SET LOCAL hnsw.ef_search = {}").format(sql.Literal(EF_SEARCH)))
            # With a document filter the index keeps scanning until enough rows pass it.
            conn.execute("SET LOCAL hnsw.iterative_scan = strict_order")
            rows = conn.execute(
                sql.SQL(
                    "SELECT idx FROM {} {} ORDER BY embedding <#> %(v)s::vector LIMIT %(n)s"
                ).format(passages, where),
                params,
            ).fetchall()
            dense = [int(r[0]) for r in rows]
            wanted = sorted(set(lexical) | set(dense))
            rows = conn.execute(
                sql.SQL(
                    "SELECT idx, -(embedding <#> %(v)s::vector), -(bm25 <#> %(q)s::sparsevec) "
                    "FROM {} WHERE idx = ANY(%(ids)s)"
                ).format(passages),
                {**params, "ids": wanted},
            ).fetchall()
        scores = {int(i): (float(d), float(b)) for i, d, b in rows}
        # HNSW returns its approximate order; ties and near-ties are put in the exact order.
        dense.sort(key=lambda i: (-round(scores[i][0], 6), i))
        return Candidates(lexical, dense, scores)


def _jsonb(value: Any) -> Any:
    from psycopg.types.json import Jsonb

    return Jsonb(value)
