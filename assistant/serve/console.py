"""What the entry points (``app.py``, the CLI) print: the assistant's own Chinese lines, and from
third-party libraries only real warnings and errors, no DEBUG chatter or progress bars."""

from __future__ import annotations

import logging
import os


def quiet_third_party() -> None:
    """Call first thing in an entry point, before torch, transformers or gradio are imported."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # "Loading weights" bars
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # Some libraries (bm25s) set their own logger to DEBUG; a root handler that passes
    # everything would print those records. The level on the handler filters them out.
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
