"""Build eval/datasets/dev.jsonl by concatenating dev_part_a.jsonl and dev_part_b.jsonl, then
check the result against the corpus (evidence quotes, must_include, ids, lengths).

Usage: .venv/bin/python eval/build_dev.py [--no-check]
Exit code: 0 when built and clean, 1 when the check found problems, 2 when a part is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "eval" / "datasets"
PARTS = ("dev_part_a.jsonl", "dev_part_b.jsonl")
TARGET = "dev.jsonl"
CORPUS_FILES = ROOT / "corpus" / "files"


def build(datasets: Path = DATASETS) -> Path:
    """Concatenate the parts (in order, blank lines dropped) into ``datasets/dev.jsonl``."""
    lines: list[str] = []
    for name in PARTS:
        text = (datasets / name).read_text(encoding="utf-8-sig")
        lines += [line for line in text.splitlines() if line.strip()]
    target = datasets / TARGET
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    missing = [name for name in PARTS if not (DATASETS / name).is_file()]
    if missing:
        print(f"缺少数据集分片：{'、'.join(missing)}（目录 {DATASETS}）。", file=sys.stderr)
        return 2
    target = build()
    count = sum(1 for line in target.read_text(encoding="utf-8").splitlines() if line.strip())
    print(f"已生成 {target}（{count} 题）。")
    if "--no-check" in argv:
        return 0
    from assistant.evaluation.check_dataset import check_dataset

    problems = check_dataset(target, CORPUS_FILES)
    for problem in problems:
        print(problem)
    print("检查通过。" if not problems else f"检查发现 {len(problems)} 处问题。")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
