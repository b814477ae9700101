"""The eval's memory across runs: every report written also appends one line to
``history.jsonl`` beside it (when, which dataset, accuracy overall and per question type), so
the report can plot the trend of the last runs. A folder with reports from before the history
existed starts it from its last report.json."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.types import UNANSWERABLE, EvalReport

HISTORY_FILE = "history.jsonl"
TREND_RUNS = 10


def accuracy_by_type(by_type: Mapping[str, Mapping[str, Any]]) -> dict[str, float | None]:
    """Per type the share answered right; for unanswerable questions the share refused."""
    return {
        t: s["abstention"]["recall"] if t == UNANSWERABLE else s["answer_accuracy"]
        for t, s in by_type.items()
    }


def run_entry(report: EvalReport) -> dict[str, Any]:
    return {
        "created_at": report.created_at,
        "dataset": Path(report.dataset).name,
        "limit": report.limit,
        "n_items": report.summary["n_items"],
        "answer_accuracy": report.summary["answer_accuracy"],
        "by_type": accuracy_by_type(report.by_type),
    }


def read_history(out_dir: Path) -> list[dict[str, Any]]:
    path = out_dir / HISTORY_FILE
    if not path.exists():
        return _from_last_report(out_dir / "report.json")
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a damaged line costs one point of the trend, not the report
        if isinstance(entry, dict) and isinstance(entry.get("by_type"), dict):
            entries.append(entry)
    return entries


def _from_last_report(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            {
                "created_at": data["created_at"],
                "dataset": Path(data["dataset"]).name,
                "limit": None,
                "n_items": data["summary"]["n_items"],
                "answer_accuracy": data["summary"]["answer_accuracy"],
                "by_type": accuracy_by_type(data["by_type"]),
            }
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def trend_runs(
    history: Sequence[Mapping[str, Any]], current: Mapping[str, Any], runs: int = TREND_RUNS
) -> list[Mapping[str, Any]]:
    """The last ``runs`` runs comparable with ``current`` (same dataset, same --limit), oldest
    first, ending with ``current``."""
    same = [
        e
        for e in history
        if e.get("dataset") == current["dataset"] and e.get("limit") == current["limit"]
    ]
    return [*same, current][-runs:]


def append_runs(out_dir: Path, entries: Sequence[Mapping[str, Any]]) -> None:
    with open(out_dir / HISTORY_FILE, "a", encoding="utf-8") as fh:
        for entry in entries:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
