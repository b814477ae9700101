"""Quality checks of an evaluation dataset against the corpus source files.

``check_dataset`` returns every problem it finds (Chinese messages naming line and id) instead of
stopping at the first, so a dataset author can fix them all in one pass.
"""

from __future__ import annotations

from pathlib import Path

from assistant.errors import InvalidRequestError
from assistant.evaluation.dataset import read_dataset
from assistant.evaluation.metrics import normalise_answer_text, remove_whitespace

EVIDENCE_MIN_CHARS = 10
EVIDENCE_MAX_CHARS = 120


def load_corpus_text(corpus_files_dir: Path | str) -> dict[str, str]:
    """File name -> text with all whitespace removed, for every ``*.txt`` in the folder."""
    folder = Path(corpus_files_dir)
    return {
        path.name: remove_whitespace(path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted(folder.glob("*.txt"))
    }


def check_dataset(path: Path | str, corpus_files_dir: Path | str) -> list[str]:
    """Problems of the dataset at ``path`` (empty list: all good). Checks: every line parses,
    ids are unique, every evidence quote is 10–120 characters (whitespace removed) and occurs in
    the corpus text (whitespace removed), every ``must_include`` (normalised) occurs in the
    reference answer or an evidence quote, answerable items have evidence and must_include,
    unanswerable items have neither, and follow-up items have a history."""
    try:
        items, problems = read_dataset(path)
    except InvalidRequestError as exc:
        return [exc.message]
    corpus = load_corpus_text(corpus_files_dir)
    if not corpus:
        problems.append(f"语料目录 {corpus_files_dir} 中没有 .txt 文件，无法核对证据原文。")
    for item in items:
        where = f"第 {item.line} 行（id {item.id}）"
        for quote in item.evidence:
            compact = remove_whitespace(quote)
            if not EVIDENCE_MIN_CHARS <= len(compact) <= EVIDENCE_MAX_CHARS:
                problems.append(
                    f"{where}：证据“{_short(quote)}”去空白后长 {len(compact)} 字，"
                    f"应为 {EVIDENCE_MIN_CHARS}–{EVIDENCE_MAX_CHARS} 字。"
                )
            if corpus and not any(compact in text for text in corpus.values()):
                problems.append(
                    f"{where}：证据“{_short(quote)}”在语料原文中找不到（已去除空白比对）。"
                )
        sources = [normalise_answer_text(item.answer)] + [
            normalise_answer_text(q) for q in item.evidence
        ]
        for needed in item.must_include:
            normal = normalise_answer_text(needed)
            if not normal:
                problems.append(f"{where}：must_include 中有空字符串。")
            elif not any(normal in source for source in sources):
                problems.append(f"{where}：must_include“{needed}”既不在参考答案中，也不在证据中。")
        if item.pending_review:
            problems.append(
                f"{where}：待审核（needs_review），请填写 must_include；评测时暂时跳过。"
            )
        elif item.answerable:
            if not item.evidence:
                problems.append(f"{where}：可回答的题目缺少 evidence。")
            if not item.must_include:
                problems.append(f"{where}：可回答的题目缺少 must_include。")
        elif item.evidence or item.must_include:
            problems.append(f"{where}：unanswerable 题目的 evidence 和 must_include 应为空。")
        if item.type == "followup" and not item.history:
            problems.append(f"{where}：followup 题目缺少 history。")
    return problems


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
