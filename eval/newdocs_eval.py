"""Accuracy on documents the team has never seen: copy the corpus into a temporary home, add
each file of eval/datasets/newdocs/files/ with `assistant add` (no manifest entry, exactly as an
official would), then run `assistant eval` on eval/datasets/newdocs/questions.jsonl.

    .venv/bin/python eval/newdocs_eval.py [--set DIR] [--out DIR] [--home DIR]

``--set eval/datasets/newdocs_dev`` runs the tuning set of new documents (written, like the
held-out one, by a helper who had not read the code) instead of the held-out newdocs set.

The embedding cache and converted model of ASSISTANT_HOME (if set) are copied into the
temporary home so only the new documents' passages are embedded."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWDOCS = ROOT / "eval" / "datasets" / "newdocs"


def _cli(env: dict[str, str], *args: str) -> None:
    cmd = [sys.executable, "-m", "assistant.serve.cli", *args]
    subprocess.run(cmd, env=env, check=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=None, help="report directory")
    parser.add_argument("--home", default=None, help="work directory (default: a temporary one)")
    parser.add_argument(
        "--set", default=str(NEWDOCS), help="directory with files/ and questions.jsonl"
    )
    args = parser.parse_args(argv)
    newdocs = Path(args.set).resolve()
    work = Path(args.home or tempfile.mkdtemp(prefix="newdocs-"))
    home, corpus = work / "home", work / "corpus"
    home.mkdir(parents=True, exist_ok=True)
    if corpus.exists():
        shutil.rmtree(corpus)
    shutil.copytree(ROOT / "corpus", corpus)
    source_home = os.environ.get("ASSISTANT_HOME")
    if source_home:
        for name in ("models", "cache"):
            src = Path(source_home) / name
            if src.exists() and not (home / name).exists():
                shutil.copytree(src, home / name)
    env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_CORPUS_DIR": str(corpus)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    for path in sorted((newdocs / "files").iterdir()):
        _cli(env, "add", str(path), "--quiet")
    out = args.out or str(work / "report")
    _cli(env, "eval", "--dataset", str(newdocs / "questions.jsonl"), "--out", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
