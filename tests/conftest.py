"""Shared fixtures: one real index over the real corpus, built once per test session into an
isolated ASSISTANT_HOME (so a developer's own index/ is never touched)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from assistant.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from assistant.index.build import BuildReport
    from assistant.index.embedding import Embedder
    from assistant.serve.service import Assistant

CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture(scope="session")
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assistant-home")


@pytest.fixture(scope="session")
def settings(session_home: Path) -> Settings:
    return Settings.from_env(
        {"ASSISTANT_HOME": str(session_home), "ASSISTANT_CORPUS_DIR": str(CORPUS)}
    )


@pytest.fixture(scope="session")
def embedder(settings: Settings) -> Embedder:
    from assistant.index.engines import default_embedder

    return default_embedder(settings)


@pytest.fixture(scope="session")
def built_index(settings: Settings, embedder: Embedder) -> BuildReport:
    from assistant.index.build import build_index

    return build_index(settings, embedder, progress=False)


@pytest.fixture(scope="session")
def assistant(settings: Settings, embedder: Embedder, built_index: BuildReport) -> Assistant:
    from assistant.serve.service import build_assistant

    return build_assistant(settings, embedder=embedder)


# The two index backends the retrieval and answer tests run on: the embedded files (the default)
# and PostgreSQL + pgvector (ASSISTANT_DATABASE_URL), on a real server the suite starts itself.
BACKENDS = ("files", "postgres")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    from tests.pg import postgres_server

    with postgres_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: Any) -> str:
    """A fresh, empty database on the session's server."""
    from tests.pg import new_database

    return new_database(pg_server)


@pytest.fixture(scope="session")
def pg_assistant(
    settings: Settings, embedder: Embedder, built_index: BuildReport, pg_server: Any
) -> Assistant:
    """The real corpus and model on the PostgreSQL backend (vectors from the session's cache)."""
    from assistant.index.backend import index_backend
    from assistant.serve.service import build_assistant
    from tests.pg import new_database

    pg_settings = settings.with_(database_url=new_database(pg_server))
    index_backend(pg_settings).build(embedder, progress=False)
    return build_assistant(pg_settings, embedder=embedder)


@pytest.fixture
def env_home(session_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Environment for CLI subprocesses that should see the session's index."""
    monkeypatch.setenv("ASSISTANT_HOME", str(session_home))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    yield session_home


def cli_env(home: Path, corpus: Path = CORPUS) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"ASSISTANT_HOME": str(home), "ASSISTANT_CORPUS_DIR": str(corpus)})
    return env


def copy_home(session_home: Path, target: Path) -> tuple[Path, Path]:
    """An isolated ASSISTANT_HOME and corpus that start from the session's built index.

    For tests that change the corpus (uploads, deletes): the index and the embedding cache are
    copied (so a rebuild embeds only new passages), the converted model is linked, and the
    corpus is a copy, so the session's index stays fresh for every other test."""
    import shutil

    home, corpus = target / "home", target / "corpus"
    home.mkdir(parents=True)
    shutil.copytree(session_home / "index", home / "index")
    if (session_home / "cache").exists():
        shutil.copytree(session_home / "cache", home / "cache")
    if (session_home / "models").exists():
        (home / "models").symlink_to(session_home / "models", target_is_directory=True)
    shutil.copytree(CORPUS, corpus)
    return home, corpus
