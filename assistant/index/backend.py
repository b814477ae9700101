"""The index backend seam: where the index lives (files under ASSISTANT_HOME, the default, or
PostgreSQL + pgvector when ASSISTANT_DATABASE_URL is set) behind one protocol, so the service,
the CLI and the page never branch on it."""

from __future__ import annotations

from typing import Protocol

from assistant.errors import IndexMissingError, IndexStaleError
from assistant.index.build import BuildReport
from assistant.index.embedding import Embedder
from assistant.index.load import LoadedIndex, indexed_documents, load_index
from assistant.index.manifest import read_manifest, stale_reasons
from assistant.index.progress import Progress
from assistant.ingest.types import DocumentMeta
from assistant.settings import Settings


class IndexBackend(Protocol):
    settings: Settings

    def build(self, embedder: Embedder, progress: bool | Progress = True) -> BuildReport:
        """Build the corpus folder and make it the current index."""
        ...

    def load(self, check: bool = True) -> LoadedIndex:
        """The current index (checked for staleness unless ``check`` is False)."""
        ...

    def documents(self) -> dict[str, DocumentMeta]:
        """The current index's documents, without loading vectors or the model."""
        ...

    def stale_reasons(self) -> list[str]:
        """Why the start-up must build first (Chinese phrases); empty: serve what is there."""
        ...


class FileIndex:
    """The embedded default: FAISS, bm25s and SQLite files in ``ASSISTANT_HOME/index``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def build(self, embedder: Embedder, progress: bool | Progress = True) -> BuildReport:
        # Looked up at call time, like every caller of ``build_index`` before this seam (the
        # tests replace it to simulate a failed build).
        from assistant.index import build

        return build.build_index(self.settings, embedder, progress=progress)

    def load(self, check: bool = True) -> LoadedIndex:
        return load_index(self.settings, check)

    def documents(self) -> dict[str, DocumentMeta]:
        return indexed_documents(self.settings)

    def stale_reasons(self) -> list[str]:
        try:
            return stale_reasons(self.settings, read_manifest(self.settings.index_dir))
        except IndexMissingError:
            return ["首次启动，尚无索引"]
        except IndexStaleError:  # an unreadable index manifest
            return ["索引清单已损坏"]


def index_backend(settings: Settings) -> IndexBackend:
    if settings.database_url:
        from assistant.index.postgres import PgIndex

        return PgIndex(settings)
    return FileIndex(settings)
