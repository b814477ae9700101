"""Follow-up resolution check: the dev set's follow-up items asked WITH their history (the
assistant resolves them) against the same items asked as hand-written standalone questions
(eval/datasets/followup_standalone.jsonl, keyed by id). Both are scored like `assistant eval`
(the answer must contain every must_include string). The two accuracies should be within
5 points of each other: resolution should lose (almost) nothing against a perfect rewrite.

    ASSISTANT_HOME=<home with a built index> .venv/bin/python eval/followup_check.py [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.dataset import load_dataset  # noqa: E402
from assistant.evaluation.metrics import answer_correct  # noqa: E402
from assistant.serve.service import build_assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

DATASET = ROOT / "eval" / "datasets" / "dev.jsonl"
STANDALONE = ROOT / "eval" / "datasets" / "followup_standalone.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default=str(DATASET))
    parser.add_argument("--standalone", default=str(STANDALONE))
    parser.add_argument("--json", default=None, help="write per-item results here")
    args = parser.parse_args(argv)

    standalone = {
        row["id"]: row["standalone"]
        for row in (
            json.loads(line)
            for line in Path(args.standalone).read_text("utf-8").splitlines()
            if line.strip()
        )
    }
    items = [i for i in load_dataset(Path(args.dataset)) if i.type == "followup"]
    missing = [i.id for i in items if i.id not in standalone]
    if missing:
        print(f"缺少独立问法：{'、'.join(missing)}", file=sys.stderr)
        return 2
    assistant = build_assistant(Settings.from_env())
    rows = []
    for item in items:
        with_history = assistant.ask(item.question, item.history)
        alone = assistant.ask(standalone[item.id], [])
        rows.append(
            {
                "id": item.id,
                "question": item.question,
                "resolved": with_history.resolved_question,
                "standalone": standalone[item.id],
                "history_correct": answer_correct(with_history.answer, item.must_include),
                "standalone_correct": answer_correct(alone.answer, item.must_include),
            }
        )
    n = len(rows)
    acc_history = sum(r["history_correct"] for r in rows) / n
    acc_alone = sum(r["standalone_correct"] for r in rows) / n
    for r in rows:
        if r["history_correct"] != r["standalone_correct"]:
            mark = "仅独立问法正确" if r["standalone_correct"] else "仅带历史正确"
            print(f"{r['id']} {mark}：{r['question']} → {r['resolved']} | {r['standalone']}")
    print(
        f"追问题 {n} 道：带历史准确率 {acc_history:.1%}，独立问法准确率 {acc_alone:.1%}，"
        f"差 {abs(acc_history - acc_alone) * 100:.1f} 个百分点。"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"history_accuracy": acc_history, "standalone_accuracy": acc_alone, "items": rows},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0 if abs(acc_history - acc_alone) <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
