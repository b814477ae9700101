"""The question, history and document filter as the answer layer accepts them: normalised and
checked once, at the boundary of the library, whoever calls (page, HTTP API, CLI, Python).

Every text is normalised the same way before any check: characters that cannot be encoded
(lone surrogates, which is what invalid bytes become in Python) are rejected in a question and
replaced in a history turn, control and invisible format characters (zero-width spaces, bidi
marks, BOM) are removed, and whitespace is collapsed. Only then is a question "empty".

The limits bound the work one request can cause: the question (``max_question_chars``), the
history (``MAX_HISTORY_TURNS`` turns, a user turn no longer than a question, an assistant turn
at most ``MAX_ANSWER_TURN_CHARS``, ``MAX_HISTORY_CHARS`` in all) and the document filter
(``MAX_DOC_IDS``). A request over a limit is an error (HTTP 413), never silently cut; callers that
own their history (the page, the terminal chat) pass it through ``recent_history`` first."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from assistant.answer.types import Turn
from assistant.errors import (
    EmptyQuestionError,
    InvalidQuestionError,
    InvalidRequestError,
    NotFoundError,
    QuestionTooLongError,
    RequestTooLargeError,
)

MAX_HISTORY_TURNS = 20
MAX_ANSWER_TURN_CHARS = 4000
MAX_HISTORY_CHARS = 20000
MAX_DOC_IDS = 100
MAX_DOC_ID_CHARS = 200
# A text this many times over its limit is rejected before it is normalised, so the
# normalisation itself is bounded (whitespace collapsing may shorten a text, never by this much
# in a real question).
_RAW_FACTOR = 4

# Control characters (C0 and C1 except the whitespace that collapsing handles) and every format
# character (Unicode category Cf: zero-width space/joiners, bidi marks and isolates, word joiner,
# soft hyphen, BOM, interlinear annotation, tags …). None of them is visible or carries meaning
# in a question; left in, they change the tokens and so the answer.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# What invalid input becomes in a Python string: bytes decoded with "surrogateescape" (command
# line arguments) and unpaired \\ud800-style escapes in JSON.
_SURROGATE = re.compile("[\ud800-\udfff]")

INVALID_CHARACTERS = (
    "问题中含有无法识别的字符（可能是编码错误或复制时带入的乱码）。"
    "请删除这些字符，或以 UTF-8 编码重新输入问题。"
)


def normalize_text(text: str) -> str:
    """``text`` with invalid characters replaced by U+FFFD, invisible ones removed and
    whitespace collapsed to single spaces."""
    text = _SURROGATE.sub("\ufffd", text)
    return " ".join(_INVISIBLE.sub("", text).split())


def validate_question(question: str, limit: int) -> str:
    """The question normalised; empty, undecodable or over ``limit`` characters is an error."""
    if not isinstance(question, str):
        raise EmptyQuestionError()
    if len(question) > limit * _RAW_FACTOR:
        raise QuestionTooLongError(len(question), limit)
    if _SURROGATE.search(question):
        raise InvalidQuestionError(INVALID_CHARACTERS)
    q = normalize_text(question)
    if not q:
        raise EmptyQuestionError()
    if len(q) > limit:
        raise QuestionTooLongError(len(q), limit)
    return q


def _turn_limit(role: str, question_limit: int) -> int:
    return question_limit if role == "user" else MAX_ANSWER_TURN_CHARS


def _too_large(problem: str) -> RequestTooLargeError:
    return RequestTooLargeError(
        f"对话历史过长：{problem}。请只发送最近的 {MAX_HISTORY_TURNS} 条、"
        f"合计不超过 {MAX_HISTORY_CHARS} 个字符的对话，或开始新对话。"
    )


def coerce_history(
    history: Sequence[Turn | dict[str, str]] | None, question_limit: int
) -> tuple[Turn, ...]:
    """Accept Turn objects or ``{"role", "content"}`` dicts (the JSON form), normalised.

    Over ``MAX_HISTORY_TURNS`` turns, a turn over its length limit or more than
    ``MAX_HISTORY_CHARS`` in all is a ``RequestTooLargeError``; the count is checked before any
    turn is looked at, so the work stays bounded whatever was sent."""
    if history is None:
        return ()
    if not isinstance(history, Sequence) or isinstance(history, str | bytes):
        raise InvalidRequestError('对话历史格式错误：应为列表 [{"role": …, "content": …}, …]。')
    if len(history) > MAX_HISTORY_TURNS:
        raise _too_large(f"共 {len(history)} 条，上限为 {MAX_HISTORY_TURNS} 条")
    turns: list[Turn] = []
    total = 0
    for i, t in enumerate(history):
        role: object = t.role if isinstance(t, Turn) else None
        content: object = t.content if isinstance(t, Turn) else None
        if isinstance(t, dict):
            role, content = t.get("role"), t.get("content", "")
        if role not in ("user", "assistant") or not isinstance(content, str):
            raise InvalidRequestError(
                f'对话历史第 {i + 1} 条格式错误：应为 {{"role": "user"|"assistant", "content": "…"}}。'
            )
        limit = _turn_limit(str(role), question_limit)
        if len(content) > limit * _RAW_FACTOR:
            raise _too_large(f"第 {i + 1} 条有 {len(content)} 个字符，上限为 {limit} 个字符")
        text = normalize_text(content)
        if len(text) > limit:
            raise _too_large(f"第 {i + 1} 条有 {len(text)} 个字符，上限为 {limit} 个字符")
        total += len(text)
        if total > MAX_HISTORY_CHARS:
            raise _too_large(f"合计超过 {MAX_HISTORY_CHARS} 个字符")
        turns.append(Turn(role="user" if role == "user" else "assistant", content=text))
    return tuple(turns)


def recent_history(
    history: Sequence[Turn | dict[str, str]], question_limit: int
) -> list[dict[str, str]]:
    """For a caller that owns its conversation (the page, the terminal chat): the most recent
    turns that fit the limits, each cut to its length limit, oldest dropped first."""
    kept: list[dict[str, str]] = []
    total = 0
    for t in reversed(history):
        role, content = (t.role, t.content) if isinstance(t, Turn) else (t["role"], t["content"])
        text = normalize_text(content[: _turn_limit(role, question_limit) * _RAW_FACTOR])
        text = text[: _turn_limit(role, question_limit)]
        if len(kept) == MAX_HISTORY_TURNS or total + len(text) > MAX_HISTORY_CHARS:
            break
        kept.append({"role": role, "content": text})
        total += len(text)
    return kept[::-1]


def coerce_doc_ids(doc_ids: Collection[str] | None) -> tuple[str, ...] | None:
    """The document filter as a tuple (None: no filter), bounded in size."""
    if not doc_ids:
        return None
    if isinstance(doc_ids, str | bytes) or not isinstance(doc_ids, Collection):
        raise InvalidRequestError(
            '文档筛选格式错误：应为文档编号的列表，例如 ["jc-transport-15th"]。'
        )
    if len(doc_ids) > MAX_DOC_IDS:
        raise RequestTooLargeError(
            f"文档筛选过长：共 {len(doc_ids)} 项，上限为 {MAX_DOC_IDS} 项。"
            "不选文档即可在全部文件中查找。"
        )
    ids = []
    for d in doc_ids:
        if not isinstance(d, str) or not d or len(d) > MAX_DOC_ID_CHARS:
            raise InvalidRequestError("文档筛选中有无效的文档编号：请从文档列表中选择。")
        ids.append(d)
    return tuple(ids)


def check_doc_filter(doc_ids: Collection[str] | None, known: Collection[str]) -> None:
    """Every filtered document must exist; the message lists the valid ids."""
    if not doc_ids:
        return
    unknown = sorted(set(doc_ids) - set(known))
    if unknown:
        valid = "、".join(sorted(known))
        raise NotFoundError(f"未知的文档编号：{'、'.join(unknown)}。可用的编号：{valid}。")
