"""The extractive answerer end to end on the real index."""

from __future__ import annotations

import re

import pytest

from assistant.answer.types import Answer
from assistant.errors import EmptyQuestionError, InvalidRequestError, QuestionTooLongError
from assistant.serve.service import Assistant
from tests.conftest import BACKENDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=BACKENDS)
def assistant(request: pytest.FixtureRequest, assistant: Assistant) -> Assistant:
    """Every test here on both index backends: the session's files, then PostgreSQL."""
    if request.param == "files":
        return assistant
    pg: Assistant = request.getfixturevalue("pg_assistant")
    return pg


MARKER = re.compile(r"\[(\d+)\]")


def _check_grounding(assistant: Assistant, answer: Answer) -> None:
    """Every marker resolves; every quote is in its passage and at its span in the document."""
    numbers = {c.n for c in answer.citations}
    assert {int(n) for n in MARKER.findall(answer.answer)} == numbers
    for c in answer.citations:
        assert c.quote in c.passage
        doc = assistant.index.documents[c.doc_id]
        assert doc.text[c.quote_start : c.quote_end] == c.quote
    # Every sentence of the answer ends with a citation marker.
    body = answer.answer.split("：", 1)[-1] if answer.status == "partial" else answer.answer
    assert body.endswith("]")


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("晋城市公路总里程是多少？", ["10030公里"]),
        ("吉林省2023年完成交通建设投资多少？", ["278亿元"]),
        ("阳泉市2025年城市公共交通站点500米覆盖率目标是多少？", ["95"]),
        ("晋城市国土空间总体规划的规划期限是哪年到哪年？", ["2021年至2035年"]),
    ],
)
def test_cited_quotes_contain_the_key_facts(
    assistant: Assistant, question: str, facts: list[str]
) -> None:
    answer = assistant.ask(question)
    assert answer.status != "not_found", answer.answer
    quotes = " ".join(c.quote for c in answer.citations)
    for fact in facts:
        assert fact in quotes and fact in answer.answer
    _check_grounding(assistant, answer)


def test_gazette_document_is_cited_by_its_own_title(assistant: Assistant) -> None:
    answer = assistant.ask("晋城市道路交通安全应急指挥部办公室设在哪里？")
    assert answer.status != "not_found"
    assert answer.citations[0].doc_title == "晋城市道路交通安全应急预案"
    assert answer.citations[0].doc_number == "晋市政办〔2025〕18号"
    _check_grounding(assistant, answer)


@pytest.mark.parametrize(
    "question", ["今天北京的天气怎么样？", "如何申请美国签证？", "推荐一部好看的电影"]
)
def test_off_topic_question_is_not_found(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.status == "not_found"
    # A question about today is declined as live information; the others as not found.
    assert answer.answer.startswith(("未在已收录文件中找到", "已收录的是政策文件，不含天气"))
    assert answer.citations == ()
    assert answer.retrieved  # the nearest passages are still listed


def test_json_schema(assistant: Assistant) -> None:
    data = assistant.ask("阳泉公交都市创建的牵头单位是谁？").to_dict()
    assert {"question", "status", "answer", "citations", "retrieved", "timings_ms"} <= set(data)
    assert {"n", "doc_title", "section", "quote", "passage", "chunk_id"} <= set(
        data["citations"][0]
    )
    assert {"chunk_id", "doc_title", "text", "score"} <= set(data["retrieved"][0])
    assert data["timings_ms"]["total"] > 0


def test_doc_filter_and_unknown_doc(assistant: Assistant) -> None:
    answer = assistant.ask("指挥部办公室设在哪里？", doc_ids=["jc-construction-emergency"])
    assert {c.doc_id for c in answer.citations} <= {"jc-construction-emergency"}
    with pytest.raises(InvalidRequestError, match="未知的文档编号"):
        assistant.ask("指挥部办公室设在哪里？", doc_ids=["no-such-doc"])


def test_bad_questions(assistant: Assistant) -> None:
    with pytest.raises(EmptyQuestionError):
        assistant.ask("   \n ")
    with pytest.raises(QuestionTooLongError, match="问题过长"):
        assistant.ask("问" * 20_000)


def test_follow_up_uses_history(assistant: Assistant) -> None:
    history = [
        {"role": "user", "content": "阳泉市2025年城市公共交通正点率目标是多少？"},
        {"role": "assistant", "content": "预计达到80%左右。[1]"},
    ]
    answer = assistant.ask("那2021年呢？", history)
    assert "2021" in answer.resolved_question and "正点率" in answer.resolved_question
    assert "73.89" in " ".join(p.chunk.text for p in answer.retrieved[:5])


def test_the_readme_example_gives_the_short_answer_first_with_its_stance(
    assistant: Assistant,
) -> None:
    """README's first example: 10030 km (现状) and 10300 km (目标) first, each cited, [1] being
    the sentence the first value comes from (not the railway sentence next to it)."""
    answer = assistant.ask("晋城市公路总里程是多少？")
    lead = answer.answer.split("依据原文：", 1)[0]
    assert lead.startswith("全市公路总里程达10030公里[1]（现状")
    assert "10300公里[2]（目标" in lead
    assert "10030公里" in answer.citations[0].quote
    _check_grounding(assistant, answer)


def test_off_topic_follow_up_after_an_on_topic_turn_is_not_found(assistant: Assistant) -> None:
    history = [
        {"role": "user", "content": "吉林省2023年交通建设投资计划完成多少？"},
        {"role": "assistant", "content": "完成交通建设投资278亿元、增长8%。[1]"},
    ]
    answer = assistant.ask("如何办理护照？", history)
    assert answer.resolved_question == "如何办理护照？" and answer.status == "not_found"


def test_a_share_asked_is_not_answered_by_the_cheng_of_a_word(assistant: Assistant) -> None:
    """ "比例是多少" asks a share (%, 百分之, 八成): the 成 of "完全成本保险" is none, so the
    sentence naming that insurance (and no share of it) does not answer it."""
    answer = assistant.ask("晋城金融行动方案里，完全成本保险的财政补贴比例是多少？")
    assert answer.status == "not_found", answer.answer
    assert "完全成本保险" in answer.answer  # the nearest text is quoted


def test_a_quoted_figure_term_is_answered_by_the_brackets_after_its_noun(
    assistant: Assistant,
) -> None:
    """ "“9073”养老服务格局指什么": a quoted figure is no heading's name (it once matched a
    heading whose name is only a number, and answered with an empty “”), and the brackets after
    the term's noun ("养老服务格局(90%居家养老、…)") say what it consists of: no decline."""
    answer = assistant.ask("国土空间规划提到的“9073”养老服务格局具体指什么？")
    assert answer.status != "not_found", answer.answer
    assert "“”" not in answer.answer
    assert "90%居家养老" in answer.answer


def test_members_asked_by_count_are_the_things_named(assistant: Assistant) -> None:
    """ "哪几处城市广场": the fact store's list of sports grounds ending in 街头体育广场 names no
    城市广场; the 城市广场 article lists the new ones."""
    answer = assistant.ask("国土空间规划里中心城区准备新增哪几处城市广场？")
    assert answer.status == "answered", answer.answer
    assert "霍秀广场" in answer.answer.split("[1]")[0]


def test_a_side_declined_for_its_place_is_not_answered_by_the_whole_question(
    assistant: Assistant,
) -> None:
    """阳泉's plan gives the 500米覆盖率 of the whole city only: the side asking 矿区 is
    declined, and the whole question's answer (the city's row) does not fill it."""
    answer = assistant.ask("阳泉矿区和郊区各自的公交站点500米覆盖率是多少？")
    assert answer.status != "answered", answer.answer
    assert "矿区" in answer.answer


def test_a_level_asked_is_said_by_the_figures_sentence(assistant: Assistant) -> None:
    """The fact store's "核实事故信息,必须在30分钟内报告" names no level: it is no reporting time
    of 一般事故, which the 报送时限 article gives (1小时以内), nor of 较大以上 (30分钟以内)."""
    answer = assistant.ask(
        "建设工程事故发生后，一般事故和较大以上事故分别要在多长时间内报市委市政府？"
    )
    first, _, second = answer.answer.partition("（二）")
    assert "1小时以内" in first and "30分钟以内" in second, answer.answer
