"""Normalisation and limits of questions, history and document filters at the library boundary
(assistant/answer/request.py), which the page, the HTTP API and the CLI all go through."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from assistant.answer.request import (
    MAX_ANSWER_TURN_CHARS,
    MAX_DOC_IDS,
    MAX_HISTORY_CHARS,
    MAX_HISTORY_TURNS,
    coerce_doc_ids,
    coerce_history,
    normalize_text,
    recent_history,
    validate_question,
)
from assistant.answer.types import Turn
from assistant.errors import (
    EmptyQuestionError,
    InvalidQuestionError,
    InvalidRequestError,
    QuestionTooLongError,
    RequestTooLargeError,
)

LIMIT = 500


def test_every_format_and_control_character_is_removed() -> None:
    """The stripped set is written out by hand in request.py; check it against Unicode itself."""
    missed = [
        f"U+{cp:04X}"
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in ("Cf", "Cc")
        and not chr(cp).isspace()
        and normalize_text(f"a{chr(cp)}b") != "ab"
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("晋城\u200b市\u200d公路\ufeff总里程", "晋城市公路总里程"),
        ("公交\x00分担率\x1b[31m", "公交分担率[31m"),
        ("  公路\t\n总里程\u3000是多少？ ", "公路 总里程 是多少？"),
        ("\u202e是多少\u202c", "是多少"),
    ],
)
def test_questions_are_normalised(raw: str, clean: str) -> None:
    assert validate_question(raw, LIMIT) == clean
    assert validate_question(clean, LIMIT) == clean  # idempotent


@pytest.mark.parametrize(
    "raw", ["", "   ", "\u200b\u200c\u200d\ufeff", "\x00\x01\x7f", "\u2060 \u00ad"]
)
def test_invisible_only_questions_are_empty(raw: str) -> None:
    with pytest.raises(EmptyQuestionError):
        validate_question(raw, LIMIT)


def test_undecodable_characters_in_a_question_are_rejected() -> None:
    with pytest.raises(InvalidQuestionError, match="无法识别的字符"):
        validate_question("公交\ud800分担率", LIMIT)
    with pytest.raises(InvalidQuestionError, match="无法识别的字符"):
        validate_question(b"\xff\xfe".decode("utf-8", "surrogateescape"), LIMIT)


def test_length_is_checked_after_normalisation_and_bounded_before() -> None:
    assert validate_question("问" * LIMIT + "\u200b" * 10, LIMIT) == "问" * LIMIT
    with pytest.raises(QuestionTooLongError):
        validate_question("问" * (LIMIT + 1), LIMIT)
    with pytest.raises(QuestionTooLongError):  # not even normalised
        validate_question(" " * (LIMIT * 100), LIMIT)


def test_history_is_normalised_and_broken_characters_replaced() -> None:
    turns = coerce_history(
        [
            {"role": "user", "content": "公路\u200b总里程\ud800？"},
            Turn("assistant", "全市公路\x00总里程10300公里。[1]"),
        ],
        LIMIT,
    )
    assert turns == (
        Turn("user", "公路总里程\ufffd？"),
        Turn("assistant", "全市公路总里程10300公里。[1]"),
    )


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([{"role": "user", "content": "q"}] * (MAX_HISTORY_TURNS + 1), "共 21 条"),
        ([{"role": "user", "content": "问" * (LIMIT + 1)}], "第 1 条"),
        ([{"role": "assistant", "content": "答" * (MAX_ANSWER_TURN_CHARS + 1)}], "第 1 条"),
        (
            [{"role": "assistant", "content": "答" * MAX_ANSWER_TURN_CHARS}] * 6,
            f"合计超过 {MAX_HISTORY_CHARS}",
        ),
    ],
)
def test_history_over_a_limit_is_too_large(history: list[dict[str, str]], message: str) -> None:
    with pytest.raises(RequestTooLargeError, match=message) as info:
        coerce_history(history, LIMIT)
    assert info.value.http_status == 413


@pytest.mark.parametrize(
    "history",
    ["not a list", [{"role": "robot", "content": "x"}], [{"role": "user", "content": 5}], [3]],
)
def test_malformed_history_is_a_bad_request(history: object) -> None:
    with pytest.raises(InvalidRequestError, match="对话历史"):
        coerce_history(history, LIMIT)  # type: ignore[arg-type]  # what a JSON client may send


def test_recent_history_keeps_the_latest_turns_within_the_limits() -> None:
    long_session = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"{i}" + "字" * 3000}
        for i in range(40)
    ]
    kept = recent_history(long_session, LIMIT)
    assert kept[-1]["content"].startswith("39")  # newest kept, oldest dropped
    assert len(kept) <= MAX_HISTORY_TURNS
    coerce_history(kept, LIMIT)  # what the page sends is always accepted


def test_document_filter_is_bounded() -> None:
    assert coerce_doc_ids([]) is None and coerce_doc_ids(None) is None
    assert coerce_doc_ids(["a", "b"]) == ("a", "b")
    with pytest.raises(RequestTooLargeError):
        coerce_doc_ids(["a"] * (MAX_DOC_IDS + 1))
    with pytest.raises(InvalidRequestError):
        coerce_doc_ids("jc-transport-15th")
