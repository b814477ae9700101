"""The evaluation dataset: JSON Lines, one question per line, validated with line numbers.

Fields: ``id`` (str), ``type`` (see ``ITEM_TYPES``), ``question``, ``history`` (list of
{"role": "user"|"assistant", "content"}), ``answer`` (reference), ``must_include`` (list of str),
``evidence`` (list of exact source quotes), ``doc`` (list of file names, informational),
``paraphrased`` (bool), ``needs_review`` (bool: a case waiting for a reviewer; skipped while its
``must_include`` is empty). ``history``, ``doc``, ``paraphrased`` and ``needs_review`` may be left
out; unknown extra fields are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from assistant.answer.types import Turn
from assistant.errors import InvalidRequestError
from assistant.evaluation.types import ITEM_TYPES, REQUIRED_FIELDS, EvalItem, ItemType


class _LineError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _string(obj: Mapping[str, Any], name: str, *, allow_empty: bool = False) -> str:
    value = obj[name]
    if not isinstance(value, str):
        raise _LineError(f"字段“{name}”应为字符串，实际为 {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise _LineError(f"字段“{name}”不能为空")
    return value


def _string_list(obj: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = obj.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _LineError(f"字段“{name}”应为字符串列表")
    return tuple(cast(list[str], value))


def _history(obj: Mapping[str, Any]) -> tuple[Turn, ...]:
    raw = obj.get("history", [])
    if not isinstance(raw, list):
        raise _LineError('字段“history”应为列表，每项形如 {"role": "user", "content": "…"}')
    turns: list[Turn] = []
    for i, turn in enumerate(raw, start=1):
        if not isinstance(turn, dict):
            raise _LineError(f"history 第 {i} 项应为对象")
        role, content = turn.get("role"), turn.get("content")
        if role not in ("user", "assistant"):
            raise _LineError(f"history 第 {i} 项的 role 应为 user 或 assistant，实际为“{role}”")
        if not isinstance(content, str):
            raise _LineError(f"history 第 {i} 项的 content 应为字符串")
        turns.append(Turn(role=role, content=content))
    return tuple(turns)


def _parse_line(text: str, line: int) -> EvalItem:
    """One dataset line -> ``EvalItem``; raises ``_LineError`` with a Chinese message."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _LineError(f"不是合法的 JSON（{exc.msg}，第 {exc.colno} 列）") from None
    if not isinstance(obj, dict):
        raise _LineError("应为 JSON 对象（{…}）")
    missing = [name for name in REQUIRED_FIELDS if name not in obj]
    if missing:
        raise _LineError("缺少必填字段：" + "、".join(f"“{m}”" for m in missing))
    item_type = _string(obj, "type")
    if item_type not in ITEM_TYPES:
        raise _LineError(f"未知的题型“{item_type}”，应为 {'、'.join(ITEM_TYPES)} 之一")
    paraphrased = obj.get("paraphrased", False)
    if not isinstance(paraphrased, bool):
        raise _LineError("字段“paraphrased”应为 true 或 false")
    needs_review = obj.get("needs_review", False)
    if not isinstance(needs_review, bool):
        raise _LineError("字段“needs_review”应为 true 或 false")
    return EvalItem(
        id=_string(obj, "id"),
        type=cast(ItemType, item_type),
        question=_string(obj, "question"),
        history=_history(obj),
        answer=_string(obj, "answer", allow_empty=True),
        must_include=_string_list(obj, "must_include"),
        evidence=_string_list(obj, "evidence"),
        doc=_string_list(obj, "doc"),
        paraphrased=paraphrased,
        line=line,
        needs_review=needs_review,
    )


def read_dataset(path: Path | str) -> tuple[list[EvalItem], list[str]]:
    """All items that parse, and a Chinese problem message (naming the line) for each line that
    does not or that repeats an id. Raises ``InvalidRequestError`` if the file cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise InvalidRequestError(f"找不到评测数据集文件：{path}。请检查 --dataset 参数的路径。")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise InvalidRequestError(
            f"评测数据集 {path} 不是 UTF-8 编码（第 {exc.start} 字节处无法解码），"
            "请另存为 UTF-8 后重试。"
        ) from None
    except OSError as exc:
        raise InvalidRequestError(f"无法读取评测数据集 {path}：{exc.strerror}。") from None
    items: list[EvalItem] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            item = _parse_line(text, number)
        except _LineError as exc:
            problems.append(f"评测数据集 {path} 第 {number} 行：{exc.message}。")
            continue
        if item.id in first_line:
            earlier = first_line[item.id]
            problems.append(
                f"评测数据集 {path} 第 {number} 行：id“{item.id}”与第 {earlier} 行重复。"
            )
            continue
        first_line[item.id] = number
        items.append(item)
    return items, problems


def load_dataset(path: Path | str) -> list[EvalItem]:
    """Read and validate a dataset; any bad line raises ``InvalidRequestError`` naming it."""
    items, problems = read_dataset(path)
    if problems:
        more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        raise InvalidRequestError(problems[0] + more)
    if not items:
        raise InvalidRequestError(f"评测数据集 {path} 中没有任何题目。")
    return items
