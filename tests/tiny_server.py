"""The real server (``assistant.serve.app.main``: recovery, index build, FastAPI + Gradio,
uvicorn) with the fast tier's hashing embedder instead of the neural model, for HTTP tests
that need no model: ``python -m tests.tiny_server`` with ASSISTANT_HOME, ASSISTANT_CORPUS_DIR
and ASSISTANT_PORT set, like ``app.py``."""

from __future__ import annotations

import sys

from assistant.serve.app import main
from tests.hashing_embedder import HashingEmbedder

if __name__ == "__main__":
    sys.exit(main(HashingEmbedder()))
