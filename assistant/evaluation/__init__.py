"""Evaluation of the assistant against a JSON Lines question set.

``run_eval`` (in ``runner``) is the entry point used by ``assistant eval``; ``metrics`` holds the
metric functions, ``dataset`` the dataset format, ``check_dataset`` the dataset quality checks.
Importing this package is cheap: matplotlib, tqdm and the assistant itself load on use.
"""

from __future__ import annotations

from assistant.evaluation.dataset import load_dataset
from assistant.evaluation.runner import run_eval
from assistant.evaluation.types import EvalItem, EvalReport, ItemRecord

__all__ = ["EvalItem", "EvalReport", "ItemRecord", "load_dataset", "run_eval"]
