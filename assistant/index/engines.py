"""Which engine embeds: ONNX Runtime by default when it can run the model (faster, identical
vectors, no torch at serving time), sentence-transformers on torch otherwise."""

from __future__ import annotations

from assistant.index.embedding import Embedder, SentenceTransformerEmbedder, resolve_model_dir
from assistant.index.onnx_embedding import OnnxEmbedder, onnxruntime_available, pooling_mode
from assistant.index.progress import Progress
from assistant.settings import Settings


def default_embedder(settings: Settings, progress: Progress | None = None) -> Embedder:
    """The embedder ``ASSISTANT_EMBEDDING_ENGINE`` asks for (``auto``: ONNX when possible)."""
    engine = settings.embedding_engine
    if engine == "auto":
        use_onnx = onnxruntime_available() and (
            pooling_mode(resolve_model_dir(settings, progress)) is not None
        )
        engine = "onnx" if use_onnx else "torch"
    if engine == "onnx":
        return OnnxEmbedder(settings, progress)
    return SentenceTransformerEmbedder(settings, progress)
