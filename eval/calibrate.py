"""Fit the answerability model and its cut-offs on the calibration sets, and store them.

    .venv/bin/python eval/calibrate.py [--dataset eval/datasets/calibration.jsonl ...]

By default the three calibration sets (calibration.jsonl, 64 items; calibration2.jsonl, 130
items, and calibration3.jsonl, 150 items, both written blind like the validation set) are fitted
on together.

The calibration set is written separately from the dev set (no shared questions), so the dev-set
numbers in eval/README.md are measured on questions the thresholds never saw. The model is a
logistic regression over the evidence features the answerer reports (``Answer.evidence``).

The not_found cut-off is set for a target false-refusal rate on the answerable calibration items
(default 5 %): refusing a question the documents do answer costs an official more than a
"partial" answer that shows the nearest passage with a warning. The answered/partial cut-off is
the lowest score above which at least 90 % of calibration items are answerable (kept for the
optional LLM path; the reader no longer hedges extractive answers with it). The reader's focus
rule (``min_focus``, ``dense_floor``) is fitted on the same run within the same false-refusal
budget.

``confirm_from`` is the cut-off on the confidence of a side drafted from retrieved sentences (no
table fact or record states it) below which the answer is labelled partial with a note, and
``confirm_missing`` the share of the focus's heavy words its quotes may leave out: the pair that
leaves the calibration items still labelled answered most often right while moving at most
``--max-partial`` (default 10 %) of all items to partial. ``confirm_unsaid``, the share of the
focus's weight in all its terms (light ones included) the quotes may leave out, is fitted after
that pair and given it, within the same budget: with few wrong answers left in a calibration
set, a joint fit of three cut-offs follows single items. ``--only-confirm`` fits just these and
keeps the stored model; ``--only-unsaid`` fits only ``confirm_unsaid`` and keeps the stored
pair."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

from assistant.answer.extractive import FEATURES, POLICY_FILE
from assistant.evaluation.dataset import load_dataset
from assistant.evaluation.metrics import answer_correct
from assistant.serve.service import build_assistant
from assistant.settings import Settings


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 0.003, steps: int = 50_000
) -> tuple[np.ndarray, float]:
    """Class-balanced logistic regression by batch gradient descent (features are on a 0–1
    scale). Balancing keeps the few unanswerable items from being outvoted."""
    w = np.zeros(x.shape[1])
    b = 0.0
    lr = 5.0
    sample = np.where(y == 1, 0.5 / max(1, int(y.sum())), 0.5 / max(1, int((1 - y).sum())))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        grad_w = x.T @ (sample * (p - y)) + l2 * w
        grad_b = float(np.sum(sample * (p - y)))
        w -= lr * grad_w
        b -= lr * grad_b
    return w, b


def refusal_cutoff(scores: np.ndarray, y: np.ndarray, max_false_refusal: float) -> float:
    """The highest cut-off that refuses at most ``max_false_refusal`` of the answerable items."""
    answerable = np.sort(scores[y == 1])
    k = int(np.floor(max_false_refusal * len(answerable)))
    return float(answerable[min(k, len(answerable) - 1)])


def balanced_accuracy(scores: np.ndarray, y: np.ndarray, cutoff: float) -> float:
    answered = float(np.mean(scores[y == 1] >= cutoff))
    refused = float(np.mean(scores[y == 0] < cutoff))
    return (answered + refused) / 2


def answered_cutoff(scores: np.ndarray, y: np.ndarray, floor: float, purity: float = 0.9) -> float:
    for t in sorted(set(scores.tolist())):
        if t < floor:
            continue
        above = y[scores >= t]
        if len(above) and above.mean() >= purity:
            return max(floor, t)
    return floor


def confirm_cutoffs(
    weakest: np.ndarray,
    missing: np.ndarray,
    answered: np.ndarray,
    correct: np.ndarray,
    max_partial: float,
) -> tuple[float, float]:
    """``confirm_from`` and ``confirm_missing`` together: a side drafted from passages is
    labelled partial when its confidence is below the first or the share of the focus's heavy
    words its quotes leave out is above the second. The pair that leaves the items still
    labelled answered most often right, moving at most ``max_partial`` of all items; ties go to
    the pair that moves fewer. ``missing``: each item's largest such share among its
    passage-drafted sides (0 when none)."""
    best, best_key = (0.0, 1.0), (-1.0, 0.0)
    froms = sorted({0.0, *weakest[answered].tolist()})
    # Loosest first: of equal pairs, the one that names fewer quotes as leaving words out.
    missings = sorted({1.0, *missing[answered].tolist()}, reverse=True)
    for cut in froms:
        low = weakest < cut
        for miss in missings:
            moved = answered & (low | (missing > miss))
            if np.mean(moved) > max_partial:
                continue
            kept = answered & ~moved
            if not kept.any():
                continue
            key = (round(float(np.mean(correct[kept])), 9), -float(np.mean(moved)))
            if key > best_key:
                best_key, best = key, (float(cut), float(miss))
    return best


def unsaid_cutoff(
    hedged: np.ndarray,
    unsaid: np.ndarray,
    answered: np.ndarray,
    correct: np.ndarray,
    max_partial: float,
) -> float:
    """``confirm_unsaid`` given the items the other cut-offs already label partial
    (``hedged``): the loosest cut-off above which labelling a side partial leaves the items
    still labelled answered most often right, moving at most ``max_partial`` of all items in
    all. 1.0 (labels nothing) when no cut-off helps."""
    best, best_key = 1.0, (-1.0, 0.0)
    for cut in sorted({1.0, *unsaid[answered].tolist()}, reverse=True):
        moved = answered & (hedged | (unsaid > cut))
        if np.mean(moved) > max_partial:
            break
        kept = answered & ~moved
        if not kept.any():
            continue
        key = (round(float(np.mean(correct[kept])), 9), -float(np.mean(moved)))
        if key > best_key:
            best_key, best = key, float(cut)
    return best


def focus_cutoffs(
    focus: np.ndarray,
    dense: np.ndarray,
    declined: np.ndarray,
    y: np.ndarray,
    max_false_refusal: float,
) -> tuple[float, float]:
    """The reader's focus rule declines when the cited text covers less than ``min_focus`` of
    the focus's term weight *and* the dense similarity is below ``dense_floor``. Pick the pair
    that declines the most unanswerable items while the false refusals of all declines together
    (``declined``: those for other reasons) stay within the budget; ties go to the pair that
    refuses fewer answerable items."""
    best = (0.0, 0.0)
    best_key = (-1.0, 0.0)
    for min_focus in np.arange(0.2, 0.81, 0.05):
        for dense_floor in np.arange(0.0, 1.01, 0.05):
            dec = declined | ((focus < min_focus) & (dense < dense_floor))
            false_refusal = float(np.mean(dec[y == 1]))
            if false_refusal > max_false_refusal:
                continue
            key = (float(np.mean(dec[y == 0])), -false_refusal)
            if key > best_key:
                best_key, best = key, (float(min_focus), float(dense_floor))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--dataset",
        nargs="+",
        default=[
            "eval/datasets/calibration.jsonl",
            "eval/datasets/calibration2.jsonl",
            "eval/datasets/calibration3.jsonl",
        ],
        help="one or more calibration sets, fitted on together",
    )
    parser.add_argument("--out", default=str(POLICY_FILE))
    parser.add_argument("--max-false-refusal", type=float, default=0.05)
    parser.add_argument(
        "--max-partial",
        type=float,
        default=0.10,
        help="share of items the confidence cut-off may move from answered to partial",
    )
    parser.add_argument(
        "--only-confirm",
        action="store_true",
        help="keep the stored model and cut-offs and fit only the confirm_* cut-offs",
    )
    parser.add_argument(
        "--only-unsaid",
        action="store_true",
        help="keep everything stored and fit only confirm_unsaid (given the stored pair)",
    )
    args = parser.parse_args(argv)
    items = [item for path in args.dataset for item in load_dataset(Path(path))]
    datasets = " ".join(args.dataset)
    assistant = build_assistant(Settings.from_env())
    rows, labels, focus, dense, declined = [], [], [], [], []
    weakest, missing, unsaid, answered, correct = [], [], [], [], []
    for item in items:
        answer = assistant.ask(item.question, item.history)
        # Labelled answered before any confidence hedge (a stored confirm_from may apply one).
        answered.append(answer.status == "answered" or bool(answer.evidence.get("unconfirmed")))
        weakest.append(answer.evidence.get("weakest_confidence", 1.0))
        missing.append(answer.evidence.get("weakest_missing", 0.0))
        unsaid.append(answer.evidence.get("weakest_unsaid", 0.0))
        correct.append(
            item.type != "unanswerable"
            and answer.status != "not_found"
            and answer_correct(answer.answer, item.must_include)
        )
        # A question declined before any draft (nothing asked, a place no document names) has
        # no draft features: it counts as no evidence.
        rows.append([answer.evidence.get(k, 0.0) for k in FEATURES])
        labels.append(0.0 if item.type == "unanswerable" else 1.0)
        focus.append(answer.evidence.get("focus_cov", 1.0))
        dense.append(answer.evidence.get("dense", 0.0))
        declined.append(answer.status == "not_found" and not answer.evidence.get("gap_focus"))
    confidences, missing_shares = np.array(weakest), np.array(missing)
    labelled, right = np.array(answered), np.array(correct)
    if args.only_unsaid:
        stored = json.loads(Path(args.out).read_text(encoding="utf-8"))
        confirm_from, confirm_missing = stored["confirm_from"], stored["confirm_missing"]
    else:
        confirm_from, confirm_missing = confirm_cutoffs(
            confidences, missing_shares, labelled, right, args.max_partial
        )
    confirm_unsaid = unsaid_cutoff(
        (confidences < confirm_from) | (missing_shares > confirm_missing),
        np.array(unsaid),
        labelled,
        right,
        args.max_partial,
    )
    if args.only_confirm or args.only_unsaid:
        stored = json.loads(Path(args.out).read_text(encoding="utf-8"))
        stored["confirm_from"] = round(confirm_from, 4)
        stored["confirm_missing"] = round(confirm_missing, 4)
        stored["confirm_unsaid"] = round(confirm_unsaid, 4)
        stored["fitted_on"]["max_partial"] = args.max_partial
        key = "unsaid_command" if args.only_unsaid else "confirm_command"
        flag = "--only-unsaid" if args.only_unsaid else "--only-confirm"
        stored["fitted_on"][key] = f"python eval/calibrate.py {flag} --dataset {datasets}"
        Path(args.out).write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n", "utf-8")
        json.dump(stored, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    x, y = np.array(rows), np.array(labels)
    min_focus, dense_floor = focus_cutoffs(
        np.array(focus), np.array(dense), np.array(declined), y, args.max_false_refusal
    )
    w, b = fit_logistic(x, y)
    scores = 1 / (1 + np.exp(-(x @ w + b)))
    not_found_below = refusal_cutoff(scores, y, args.max_false_refusal)
    balanced = balanced_accuracy(scores, y, not_found_below)
    answered_from = answered_cutoff(scores, y, not_found_below)
    policy = {
        "coef": {k: round(float(v), 4) for k, v in zip(FEATURES, w, strict=True)},
        "intercept": round(b, 4),
        "not_found_below": round(not_found_below, 4),
        "answered_from": round(answered_from, 4),
        "min_focus": round(min_focus, 2),
        "dense_floor": round(dense_floor, 2),
        "confirm_from": round(confirm_from, 4),
        "confirm_missing": round(confirm_missing, 4),
        "confirm_unsaid": round(confirm_unsaid, 4),
        "fitted_on": {
            "dataset": datasets,
            "items": len(items),
            "unanswerable": int((y == 0).sum()),
            "max_false_refusal": args.max_false_refusal,
            "max_partial": args.max_partial,
            "false_refusal": round(float(np.mean(scores[y == 1] < not_found_below)), 4),
            "unanswerable_refused": round(float(np.mean(scores[y == 0] < not_found_below)), 4),
            "balanced_accuracy": round(balanced, 4),
            "date": date.today().isoformat(),
            "command": "python eval/calibrate.py --dataset " + datasets,
        },
    }
    Path(args.out).write_text(json.dumps(policy, ensure_ascii=False, indent=2) + "\n", "utf-8")
    json.dump(policy, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
