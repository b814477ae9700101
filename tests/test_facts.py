"""Fact extraction on the real corpus, number normalisation, the fact query and the numeric guard.

The extraction tests need only the cleaned documents (no index, no model); the answer tests at the
end use the session's real index and are marked slow."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.answer.guard import guard_answer
from assistant.answer.texts import NOT_FOUND_TEXT, PARTIAL_PREFIX
from assistant.answer.types import Answer, Citation
from assistant.errors import InvalidFactQueryError
from assistant.ingest.corpus import load_documents
from assistant.ingest.types import Document
from assistant.lang.numbers import mentions, parse_value
from assistant.records.facts import KIND_CURRENT, KIND_TARGET, Fact, extract_facts
from assistant.records.store import FactQuery, FactStore, read_store, write_store
from tests.conftest import CORPUS, cli_env

if TYPE_CHECKING:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.index.build import BuildReport
    from assistant.serve.service import Assistant

# 表5-1 of the 阳泉 plan, read off the source document by hand: (row, 2021, 2025, unit).
TABLE_5_1 = [
    ("1", "38.5", "39", "%"),
    ("2", "84.2", "85", "%"),
    ("3", "0.04", "≤0.04", "人/百万车公里"),
    ("4", "86.2", "95", "%"),
    ("5", "73.89", "80", "%"),
    ("6", "92", "≤80", "%"),
    ("7", "17.8", "19", "公里/小时"),
    ("8", "100", "100", "%"),
    ("9", "100", "100", "%"),
    ("10", "15.96", "16", "标台/万人"),
    ("11", "100", "100", "%"),
    ("12", "0", "100", "%"),
    ("13", "4.7", "6.5", "%"),
    ("14", "12.3", "15", "%"),
    ("15", "95.28", "98", "%"),
    ("16", "0", "4.2", "%"),
    ("17", "54.33", "80", "%"),
    ("18", "42.1", "100", "%"),
    ("19", "71", "80", "%"),
    ("20", "0", "3", "条"),
    ("21", "0", "5", "个"),
]


@functools.cache
def _documents() -> dict[str, Document]:
    return {d.meta.doc_id: d for d in load_documents(CORPUS)}


@functools.cache
def _facts(doc_id: str) -> tuple[Fact, ...]:
    return tuple(extract_facts(_documents()[doc_id]))


def _table(doc_id: str, title_part: str) -> list[Fact]:
    return [f for f in _facts(doc_id) if f.source == "table" and title_part in f.table]


def _invented(raw: str, doc_id: str, title: str, date: str = "") -> Document:
    """An invented document, cleaned and parsed as an added file would be."""
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(raw)
    return Document(
        DocumentMeta(doc_id, title, f"{doc_id}.txt", date=date), text, parse_sections(text)
    )


def test_every_row_of_table_5_1_is_extracted_with_its_values_and_units() -> None:
    facts = _table("yq-transit-metropolis", "5-1")
    by_row = {(f.row, f.year): f for f in facts}
    assert {f.row for f in facts} == {row for row, *_ in TABLE_5_1}
    for row, base, target, unit in TABLE_5_1:
        current, goal = by_row[(row, 2021)], by_row[(row, 2025)]
        assert (current.value_text, current.kind) == (base, KIND_CURRENT), row
        assert (goal.value_text, goal.kind) == (target, KIND_TARGET), row
        assert current.unit == goal.unit == unit, row
    assert by_row[("3", 2025)].comparator == "≤"
    assert by_row[("3", 2025)].stated == "≤0.04人/百万车公里"
    # The notes column qualifies the target: "预计…正点率达到80%左右".
    assert by_row[("5", 2025)].stated == "80%左右"


def test_table_3_1_gives_the_same_values() -> None:
    t31 = {(f.row, f.year): f.value_text for f in _table("yq-transit-metropolis", "3-1")}
    t51 = {(f.row, f.year): f.value_text for f in _table("yq-transit-metropolis", "5-1")}
    assert len(t31) == 42
    assert t31 == t51


def test_row_quote_is_the_cleaned_text_at_its_span() -> None:
    doc = _documents()["yq-transit-metropolis"]
    for f in _facts("yq-transit-metropolis"):
        assert doc.text[f.start : f.end] == f.quote
        if f.context_start >= 0:
            assert doc.text[f.context_start : f.context_end] == f.context_quote
    row10 = next(f for f in _table("yq-transit-metropolis", "5-1") if f.row == "10")
    assert "15.96" in row10.quote and "2021" in row10.context_quote


def test_prose_figures_carry_year_kind_and_normalised_value() -> None:
    facts = _facts("jc-transport-15th")
    chargers = [f for f in facts if f.value == 18000 and f.unit == "个"]
    assert chargers and chargers[0].value_text == "1.8万"
    assert chargers[0].year == 2030 and chargers[0].kind == KIND_TARGET
    assert "十五五" in chargers[0].period
    roads = [f for f in facts if f.value == 10030]
    assert roads and roads[0].kind == KIND_CURRENT and "公路总里程" in roads[0].indicator
    planned = [f for f in facts if f.value == 10300]
    assert planned and planned[0].kind == KIND_TARGET


def test_task_table_figures_take_the_year_of_their_row() -> None:
    facts = [f for f in _facts("jc-transport-tourism-2023") if f.table and f.unit == "公里"]
    by_year = {(f.year, f.value, f.comparator) for f in facts}
    assert (2023, 416, "") in by_year
    assert (2024, 300, "以上") in by_year
    assert all(f.context_quote == str(f.year) for f in facts)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("建成1.8万个充电桩", Decimal(18000), "个"),
        ("百分之九十五", Decimal(95), "%"),
        ("开通三条线路", Decimal(3), "条"),
        ("一万八千个", Decimal(18000), "个"),
        ("10，300公里", None, "公里"),
    ],
)
def test_numbers_are_normalised(text: str, value: Decimal | None, unit: str) -> None:
    found = mentions(text)
    assert found and found[-1].unit == unit
    if value is not None:
        assert found[0].value == value


def test_parse_value_ignores_the_comparison_sign() -> None:
    assert parse_value("≤0.04") == Decimal("0.04")
    assert parse_value("1.8万") == Decimal(18000)
    assert parse_value("公交") is None


def test_store_round_trip_and_query(tmp_path: Path) -> None:
    facts = list(_facts("yq-transit-metropolis"))
    write_store(tmp_path / "facts.sqlite", facts)
    assert read_store(tmp_path / "facts.sqlite") == facts
    store = FactStore(
        facts, {"yq-transit-metropolis": "阳泉市国家公交都市建设示范工程创建实施方案"}
    )
    best = store.search(FactQuery(indicator="公交准点率", years=(2025,)))[0]
    assert best.fact.indicator == "城市公共交通正点率" and best.fact.value == 80
    hits = store.search(FactQuery(years=(2025,), value="百分之百", kind=KIND_TARGET))
    assert {h.fact.row for h in hits if h.fact.source == "table"} == {"8", "9", "11", "12", "18"}


def test_invalid_query_names_the_valid_fields() -> None:
    with pytest.raises(InvalidFactQueryError, match="indicator") as err:
        FactQuery.from_mapping({"indicatr": "公交分担率"})
    assert "未知字段" in err.value.message
    with pytest.raises(InvalidFactQueryError, match="kind"):
        FactQuery.from_mapping({"kind": "预测"})
    assert FactQuery.from_mapping({"indicator": "分担率", "years": ["2025"]}).years == (2025,)


def _citation(n: int, passage: str) -> Citation:
    return Citation(n, "c", "d", "某规划", "一、总体要求", passage, passage, 0, len(passage))


def test_guard_removes_a_planted_unsupported_number() -> None:
    cited = _citation(1, "全市公路总里程达10030公里，公路网密度提升至106.4公里/百平方公里。")
    text = "全市公路总里程达10030公里。[1]到2030年达到10300公里。[1]"
    guarded = guard_answer(text, "answered", [cited], NOT_FOUND_TEXT, PARTIAL_PREFIX)
    assert guarded.status == "partial"
    assert guarded.text == PARTIAL_PREFIX + "全市公路总里程达10030公里。[1]"
    assert guarded.report.removed == ("到2030年达到10300公里。[1]",)
    assert guarded.report.status_changed and guarded.report.checked == 3


def test_guard_accepts_normalised_support_and_degrades_to_not_found() -> None:
    cited = _citation(1, "至“十五五”期末，建成1.8万个充电桩，覆盖率达95%。")
    ok = guard_answer("建成18000个充电桩，覆盖率百分之九十五。[1]", "answered", [cited], "无", "")
    assert ok.status == "answered" and not ok.report.removed
    bad = guard_answer("建成2万个充电桩。[1]", "answered", [cited], "无", "")
    assert bad.status == "not_found" and bad.text == "无" and bad.citations == ()


def test_a_table_rows_unit_cell_scales_its_figures_for_the_guard() -> None:
    """ "产值 亿元 318 400" states 400亿元; a figure in another scale is still unsupported."""
    cited = _citation(1, "9 新能源产业产值 亿元 318 400 600 预期性")
    ok = guard_answer("产值目标值为400亿元，现状值为318亿元。[1]", "answered", [cited], "无", "")
    assert ok.status == "answered" and not ok.report.removed
    bad = guard_answer("产值目标值为400万元。[1]", "answered", [cited], "无", "")
    assert bad.status == "not_found"
    # A number with its own scale in the text does not make bare figures scaled.
    prose = _citation(1, "投资400万元，新建318个站点。")
    assert guard_answer("新建318亿个站点。[1]", "answered", [prose], "无", "").status == "not_found"


# ---------------------------------------------------------------------------------------------
# Answers from the store on the real index
# ---------------------------------------------------------------------------------------------

MARKER = re.compile(r"\[(\d+)\]")


def _grounded(assistant: Assistant, answer: Answer) -> None:
    assert {int(n) for n in MARKER.findall(answer.answer)} == {c.n for c in answer.citations}
    for c in answer.citations:
        assert assistant.index.documents[c.doc_id].text[c.quote_start : c.quote_end] == c.quote
        assert c.quote in c.passage


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "facts"),
    [
        (
            "到2025年，阳泉公交行车责任事故死亡率要控制在什么水平？",
            ["≤0.04人/百万车公里", "2021年现状值为0.04"],
        ),
        ("2021年阳泉每万人拥有多少标台公交车？", ["15.96标台/万人"]),
        ("阳泉市城市公共交通正点率2025年目标是多少？", ["80%左右", "73.89%"]),
        ("阳泉城市公共交通机动化出行分担率2021年和2025年分别是多少？", ["38.5%", "39%"]),
    ],
)
def test_numeric_questions_are_answered_from_table_rows(
    assistant: Assistant, question: str, facts: list[str]
) -> None:
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.answer
    for fact in facts:
        assert fact in answer.answer
    assert "fact_match" in answer.evidence
    assert re.match(r"\d+ ", answer.citations[0].quote)  # the row, starting with its number
    _grounded(assistant, answer)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "gap"),
    [
        ("阳泉市2030年公交分担率目标是多少？", "未提及2030年"),
        ("吉林省公路网密度是多少？", ""),
        ("太原市2025年公交分担率目标是多少？", "没有关于太原的文件"),
    ],
)
def test_uncovered_year_or_place_is_not_found(
    assistant: Assistant, question: str, gap: str
) -> None:
    answer = assistant.ask(question)
    assert answer.status == "not_found", answer.answer
    # A decline may quote the nearest text the documents do contain, but never one that states
    # the year or place asked as if it answered: another place's text is said to be another's.
    assert gap in answer.answer
    if "没有关于" in gap:
        assert not answer.citations or "但该文件不是关于" in answer.answer
    else:
        for year in re.findall(r"20\d\d", question):
            assert all(year not in c.quote for c in answer.citations)
    assert len(answer.citations) <= 1


@pytest.mark.slow
def test_filter_lists_the_indicators_with_that_target(assistant: Assistant) -> None:
    answer = assistant.ask("阳泉哪些指标2025年要达到100%？")
    assert answer.status == "answered"
    for name in ("城市公共交通投诉处理完结率", "城市公共交通运营补贴补偿到位率"):
        assert name in answer.answer
    assert "绿色出行比例" not in answer.answer
    _grounded(assistant, answer)


@pytest.mark.slow
def test_guard_is_reported_in_json(assistant: Assistant) -> None:
    data = assistant.ask("阳泉市城市公共交通站点500米覆盖率2025年的目标值是多少？").to_dict()
    assert data["guard"]["checked"] >= 2 and data["guard"]["removed"] == []
    assert data["guard"]["status_changed"] is False


@pytest.mark.slow
def test_index_holds_the_fact_store(assistant: Assistant) -> None:
    facts = assistant.index.facts
    assert assistant.index.manifest["facts"]["count"] == len(facts) > 100
    assert {f.doc_id for f in facts} >= {"yq-transit-metropolis", "jc-transport-15th"}


@pytest.mark.slow
def test_facts_command_writes_an_audit_csv(
    session_home: Path, built_index: BuildReport, tmp_path: Path
) -> None:
    out = tmp_path / "facts.csv"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.serve.cli",
            "facts",
            "--doc",
            "yq-transit-metropolis",
            "--csv",
            str(out),
        ],
        env=cli_env(session_home),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("doc_id,source,table")
    assert sum(1 for line in lines if ",table," in line and "5-1" in line) == 42
    bad = subprocess.run(
        [sys.executable, "-m", "assistant.serve.cli", "facts", "--doc", "nope"],
        env=cli_env(session_home),
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "可用的编号" in bad.stderr


def test_flattened_project_table_rows_keep_their_cells_under_column_names() -> None:
    # 表4-2 of the 阳泉 plan is one line: header, then nine numbered rows, glued numbers and all.
    rows = [f for f in _facts("yq-transit-metropolis") if f.source == "row"]
    assert [f.row for f in rows] == [str(n) for n in range(1, 10)]
    second = rows[1]
    assert second.indicator == "漾泉大道公交专用道"
    assert second.value_text == "7.1"
    # The header "长度（公" lost its second line: the unit is the one the document writes.
    assert second.note.endswith("长度：7.1公里；建设年限：2024年")
    assert second.quote == "2 漾泉大道公交专用道 新建 7.1 2024"
    # The table's total is not part of the last row.
    assert "总计" not in rows[-1].quote and rows[-1].note.endswith("现有")


def test_a_count_followed_by_half_an_hour_is_a_duration() -> None:
    facts = [f for f in _facts("jc-transport-15th") if "直达北京" in f.quote]
    assert any(f.stated == "3个半小时" for f in facts)


# An invented plan with a task table keyed by year, flattened as text extractions deliver it:
# the year on its own line, items numbered inside the cell and broken
# over lines, and a merged year above labelled sub-rows.
_TASK_PLAN = """一、重点任务
（一）码头建设工程
表 1 码头建设任务（2024-2026 年）
年度 项目 建设内容
2024
港口
1.办理北湾码头前期手续；2.开工建设西河
货运码头。
航道 疏浚东江航道 12 公里。
2025
港口
1.开工建设北湾码头；2.完成西河货运码头。
航道 持续养护工作。
2026
港口
1.完成北湾码头主体工程。
（二）保障措施
加强组织领导。
"""


def _task_plan() -> Document:
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_TASK_PLAN)
    meta = DocumentMeta(
        "harbour", "某市港航建设三年行动计划", "harbour.txt", period="2024—2026年", region="某市"
    )
    return Document(meta, text, parse_sections(text))


def test_task_table_items_are_facts_of_their_year_row() -> None:
    from assistant.records.facts import task_item_facts

    doc = _task_plan()
    items = task_item_facts(doc)
    # Read off the invented table by hand: (year, label, item without its number).
    assert [(f.year, f.row, f.indicator) for f in items] == [
        (2024, "港口", "办理北湾码头前期手续；"),
        (2024, "港口", "开工建设西河货运码头。"),
        (2024, "航道", "疏浚东江航道12公里。"),
        (2025, "港口", "开工建设北湾码头；"),
        (2025, "港口", "完成西河货运码头。"),
        (2025, "航道", "持续养护工作。"),
        (2026, "港口", "完成北湾码头主体工程。"),
    ]
    for f in items:
        # Each item cites its own text and the year key above it (merged over sub-rows).
        assert doc.text[f.start : f.end] == f.quote and f.source == "task"
        assert f.context_quote == str(f.year)
        assert doc.text[f.context_start : f.context_end] == str(f.year)
        assert f.value is None
    # The figure in a task item is still a prose fact with the row's year.
    assert any(f.source == "prose" and f.year == 2024 for f in extract_facts(doc))


@pytest.mark.parametrize(
    ("question", "year", "item"),
    [
        ("北湾码头哪一年开工建设？", "2025年", "开工建设北湾码头"),
        ("西河货运码头什么时候完成？", "2025年", "完成西河货运码头"),
        ("北湾码头主体工程安排在哪年完成？", "2026年", "完成北湾码头主体工程"),
    ],
)
def test_when_question_is_answered_with_the_year_row_of_the_item(
    question: str, year: str, item: str
) -> None:
    from assistant.answer.numeric import NumericAnswerer

    doc = _task_plan()
    store = FactStore(extract_facts(doc), {doc.meta.doc_id: doc.meta.title})
    answer = NumericAnswerer(store, {doc.meta.doc_id: doc}, []).answer(question, NOT_FOUND_TEXT)
    assert answer is not None and answer.status == "answered"
    assert f"{year}：{item}" in answer.text
    # The item and the year line are cited, and every number stated is in them.
    assert {c.quote for c in answer.citations} >= {year.removesuffix("年")}
    guarded = guard_answer(answer.text, answer.status, answer.citations, NOT_FOUND_TEXT)
    assert not guarded.report.removed


def test_when_question_about_an_item_no_table_schedules_is_left_to_retrieval() -> None:
    from assistant.answer.numeric import NumericAnswerer

    doc = _task_plan()
    store = FactStore(extract_facts(doc), {doc.meta.doc_id: doc.meta.title})
    answerer = NumericAnswerer(store, {doc.meta.doc_id: doc}, [])
    assert answerer.answer("南山机场哪一年通航？", NOT_FOUND_TEXT) is None
    # A task item is no answer to "how much": the figure question goes to the prose fact.
    figure = answerer.answer("2024年疏浚东江航道多少公里？", NOT_FOUND_TEXT)
    assert figure is not None and "12" in figure.text


def test_a_word_found_only_in_pieces_counts_in_part() -> None:
    from assistant.lang.terms import PIECE_FACTOR, piece_credit

    # Both halves of 工资水平 are in 工资收入水平: all four characters covered, at the discount.
    assert piece_credit("工资水平", "职工工资收入水平") == pytest.approx(PIECE_FACTOR)
    # 高峰 of 高峰期: two of three characters.
    assert piece_credit("高峰期", "早晚高峰时段拥挤度") == pytest.approx(PIECE_FACTOR * 2 / 3)
    assert piece_credit("拥挤度", "早晚高峰时段拥挤度") == 1.0
    # A two-character word has no pieces; a single shared character is no piece.
    assert piece_credit("司机", "职工工资收入水平") == 0.0
    assert piece_credit("资源库", "职工工资收入水平") == 0.0


def test_fact_search_ranks_a_paraphrased_indicator_by_its_pieces() -> None:
    from assistant.lang.terms import piecewise_coverage

    def fact(n: int, indicator: str) -> Fact:
        return Fact(
            fact_id=str(n), doc_id="d", region="", source="table", table="表 1", row=str(n),
            indicator=indicator, unit="%", year=2025, period="2025年", kind=KIND_TARGET,
            value_text="80", value=80.0, comparator="", note="", quote=indicator,
            start=n, end=n + 1,
        )  # fmt: skip

    facts = [
        fact(1, "企业职工工资收入水平"),
        fact(2, "早晚高峰时段车厢拥挤度"),
        fact(3, "车辆保有量"),
    ]
    store = FactStore(facts, {"d": "某方案"})
    matches = store.search(FactQuery(indicator="职工工资水平"))
    assert matches[0].fact.row == "1"
    # Facts the indicator does not match at all are not returned.
    assert all(m.score > 0 for m in matches) and len(matches) < len(facts)
    for m in matches:
        # The vectorised score is the per-text reference, exactly.
        weights = store._weights.weigh("职工工资水平", stress_years=False)
        assert m.score == piecewise_coverage(weights, store.match_text(m.fact))


# An invented plan with an indicator table (2022 baseline, 2026 target), a project table and a
# sentence restating a target, flattened as text extractions deliver them.
_GREEN_PLAN = """一、发展目标
到2026年，全市绿道总长度达到120公里，全市自行车道连通率达到75%。
表 1 某市慢行交通发展目标
序号 指标名称 单位 2022 年 2026 年
1 自行车道连通率 % 61.5 75
2 步行道无障碍改造比例 % 0 30
3 公共自行车租赁点 个 0 200
二、重点工程
表 2 绿道建设表
序号 项目名称 建设类型 长度（公里） 建设年限
1 滨河绿道 新建 12 2025
2 环山绿道 新建 8.5 2026
3 湖畔绿道 现状 6 现有
4 古城绿道 现状 3.2 现有
"""


def _green_answerer() -> NumericAnswerer:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_GREEN_PLAN)
    meta = DocumentMeta("green", "某市慢行交通发展规划", "green.txt", period="2022—2026年")
    doc = Document(meta, text, parse_sections(text))
    store = FactStore(extract_facts(doc), {doc.meta.doc_id: meta.title})
    return NumericAnswerer(store, {doc.meta.doc_id: doc}, [])


def _answered(question: str) -> str:
    answer = _green_answerer().answer(question, NOT_FOUND_TEXT)
    assert answer is not None and answer.status == "answered", question
    guarded = guard_answer(answer.text, answer.status, answer.citations, NOT_FOUND_TEXT)
    assert not guarded.report.removed, answer.text
    return answer.text


def test_which_indicators_have_a_bare_stated_value() -> None:
    # "值为0" states the value without a unit: the rows whose 2022 value is 0, and only those.
    text = _answered("2022年现状值为0的指标有哪些？")
    assert "步行道无障碍改造比例（2022年现状值0%）" in text
    assert "公共自行车租赁点（2022年现状值0个）" in text
    assert "自行车道连通率" not in text


def test_which_rows_lists_every_row_of_the_project_table_that_matches() -> None:
    text = _answered("现有的绿道有哪几条？")
    assert "湖畔绿道" in text and "古城绿道" in text
    assert "滨河绿道" not in text and "环山绿道" not in text


def test_a_value_named_in_the_question_points_to_its_row() -> None:
    text = _answered("自行车道连通率要从61.5%提高到多少？")
    assert "2026年目标值为75%" in text


def test_a_sentence_about_another_year_does_not_answer_a_year_question() -> None:
    # The 2026 sentence matches the wording better, but the question asks for 2022: the row.
    text = _answered("2022年全市自行车道连通率是多少？")
    assert "2022年现状值为61.5%" in text


def test_a_project_row_far_ahead_of_every_other_answers_despite_colloquial_words() -> None:
    # "原本就有的" is wording no document uses: it lowers the row's score below the usual
    # threshold, but no other row comes close, so the row answers.
    text = _answered("原本就有的湖畔绿道有多长？")
    assert "湖畔绿道" in text and "6" in text and "古城绿道" not in text
    # With more such wording the row is no longer close enough to answer from the store.
    assert _green_answerer().answer("湖畔绿道原本就有的那段有多长？", NOT_FOUND_TEXT) is None


_TASK_LIST = """附件
某市公共交通提升重点任务清单
序号 工作任务 牵头单位 完成时限
1 优化公交线网 市交通运输局 2025年底
2 建设公交场站 市住建局 2024年6月
3 推广电子站牌 市大数据局 长期
"""


def test_a_task_list_row_with_a_deadline_answers_when() -> None:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta
    from assistant.records.facts import list_table_facts

    text = clean_text(_TASK_LIST)
    meta = DocumentMeta("tasks", "某市公共交通提升行动方案", "tasks.txt")
    doc = Document(meta, text, parse_sections(text))
    # Rows without a figure are facts when their deadline names a year ("长期" does not).
    rows = list_table_facts(doc)
    assert [(f.indicator, f.value) for f in rows] == [
        ("优化公交线网", None),
        ("建设公交场站", None),
    ]
    assert rows[1].note.endswith("完成时限：2024年6月")
    answerer = NumericAnswerer(
        FactStore(extract_facts(doc), {"tasks": meta.title}), {"tasks": doc}, []
    )
    answer = answerer.answer("建设公交场站什么时候完成？", NOT_FOUND_TEXT)
    assert answer is not None and "完成时限：2024年6月" in answer.text
    assert "优化公交线网" not in answer.text
    guarded = guard_answer(answer.text, answer.status, answer.citations, NOT_FOUND_TEXT)
    assert not guarded.report.removed


def test_a_task_list_row_without_a_figure_does_not_answer_how_many() -> None:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_TASK_LIST)
    meta = DocumentMeta("tasks", "某市公共交通提升行动方案", "tasks.txt")
    doc = Document(meta, text, parse_sections(text))
    answerer = NumericAnswerer(
        FactStore(extract_facts(doc), {"tasks": meta.title}), {"tasks": doc}, []
    )
    assert answerer.answer("重点任务有哪几个？", NOT_FOUND_TEXT) is None


# An invented appendix table: rows named by district, one column per year and indicator, the
# header broken over lines with units in brackets.
_DISTRICT_TABLE = """三、保障措施
各区要按附表目标抓好落实。
附表
2026年各区水环境改善目标
区县2025年断面达标率
（%）
2026年断面达标率目标
（%）
2026年黑臭水体
消除数目标（个）
东城区 80.5 85 3
西城区 75 82.5 5
南湖区 90 92 1
"""


def test_matrix_table_cells_are_facts_named_by_row_and_column() -> None:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta
    from assistant.records.facts import matrix_table_facts

    text = clean_text(_DISTRICT_TABLE)
    meta = DocumentMeta("water", "某市2026年水环境工作要点", "water.txt", date="2026-01-10")
    doc = Document(meta, text, parse_sections(text))
    facts = matrix_table_facts(doc)
    # Read off the invented table by hand.
    assert [(f.indicator, f.year, f.kind, f.stated) for f in facts[3:6]] == [
        ("西城区断面达标率", 2025, KIND_CURRENT, "75%"),
        ("西城区断面达标率目标", 2026, KIND_TARGET, "82.5%"),
        ("西城区黑臭水体消除数目标", 2026, KIND_TARGET, "5个"),
    ]
    assert len(facts) == 9
    for f in facts:
        assert doc.text[f.start : f.end] == f.quote
        assert "断面达标率" in f.context_quote  # the header, cited for the year and unit
    store = FactStore(extract_facts(doc), {"water": meta.title})
    answer = NumericAnswerer(store, {"water": doc}, []).answer(
        "西城区断面达标率2026年目标是多少？", NOT_FOUND_TEXT
    )
    # Only the quantity asked, with its baseline: not the row's other cells of that year.
    assert answer is not None and "82.5%" in answer.text and "75%" in answer.text
    assert "5个" not in answer.text and "东城区" not in answer.text
    guarded = guard_answer(answer.text, answer.status, answer.citations, NOT_FOUND_TEXT)
    assert not guarded.report.removed


_INDICATOR_TABLE = """二、创建目标
表 1 主要指标
序号 指标名称 单位 2024年 2027年
1 城市公共交通机动化出行分担率 % 38.5 45
2 城市公共汽电车进场率 % 90.2 98
"""


def test_a_table_row_quoted_by_retrieval_is_stated_under_its_header() -> None:
    from assistant.answer.citations import cite
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_INDICATOR_TABLE)
    meta = DocumentMeta("bus", "某市公交都市创建方案", "bus.txt", date="2024-03-01")
    doc = Document(meta, text, parse_sections(text))
    store = FactStore(extract_facts(doc), {"bus": meta.title})
    answerer = NumericAnswerer(store, {"bus": doc}, [])
    line = "2 城市公共汽电车进场率 % 90.2 98"
    start = text.index(line)
    quoted = cite(1, doc_id="bus", quote=line, start=start, end=start + len(line), meta=meta)
    # The question's words are far from the row's name; the row is what retrieval found.
    row = answerer.row_quoted("夜里回场站停放的车占多少？", quoted, NOT_FOUND_TEXT)
    assert row is not None and row.status == "answered"
    assert row.text.startswith(
        "《某市公交都市创建方案》中，城市公共汽电车进场率2027年目标值为98%，2024年现状值为90.2%。"
    )
    # A quote holding two rows is no single row.
    both = text.index("1 城市公共交通")
    wide = cite(
        1, doc_id="bus", quote=text[both : start + len(line)], start=both, end=start + len(line)
    )
    assert answerer.row_quoted("分担率和进场率是多少？", wide, NOT_FOUND_TEXT) is None


def test_a_number_glued_to_latin_letters_is_a_name_not_a_quantity() -> None:
    said = {
        t: [m.text for m in mentions(t)]
        for t in ("新建5G基站1.5万个", "G207国道", "PM2.5浓度35微克")
    }
    assert said == {"新建5G基站1.5万个": ["1.5万个"], "G207国道": [], "PM2.5浓度35微克": ["35"]}
    # …unless the letters are a unit.
    assert [m.value for m in mentions("220kV变电站")] == [Decimal(220)]


def test_a_header_bracket_unit_scales_the_figures_under_it() -> None:
    from assistant.lang.numbers import supported_values

    assert Decimal(70000) in supported_values(["千兆光网端口数（万个）\n平潭综合实验区 200 1300 7"])
    # The row cited with its header lines: "单位：万元" above the header scales the row's figures.
    header = "附件2\n2026年补助资金分配表\n单位：万元\n序号 市（区） 补助资金 合计"
    assert Decimal(24000000) in supported_values(["7 东湖区 2400 120 2520", header])
    assert Decimal(24000000) not in supported_values(["7 东湖区 2400 120 2520"])


_PLACE_TASKS = """附件1
2025年各设区市5G基站建设任务
设区市
新建5G基站（个）
千兆光网端口数（万个）
东州市 3200 78
西州市 2800 64
海岛综合实验区 200 7
合计 6200 149
"""


def test_a_per_place_task_table_is_targets_and_a_place_named_picks_its_row() -> None:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    prose = "一、重点任务\n全年新建5G基站0.62万个，各设区市任务见附件1。\n"
    text = clean_text(prose + _PLACE_TASKS)
    meta = DocumentMeta("work", "2025年全省数字经济工作要点", "work.txt", date="2025-03-01")
    doc = Document(meta, text, parse_sections(text))
    store = FactStore(extract_facts(doc), {"work": meta.title})
    from assistant.ingest.chunking import chunk_document

    # With the indexed passages: a citation shows the row with its header, as in the app.
    answerer = NumericAnswerer(store, {"work": doc}, chunk_document(doc))
    answer = answerer.answer(
        "西州市2025年新建5G基站任务是多少个？",
        NOT_FOUND_TEXT,
    )
    # The row of the place named, a target for the year of a task table, with the header's
    # (万个) read as a unit — not the province's total in prose.
    assert answer is not None and answer.status == "answered"
    assert "西州市新建5G基站2025年目标值为2800个" in answer.text
    assert "0.62万" not in answer.text
    # Only the quantity asked of the row, not its other column.
    assert "千兆光网端口数" not in answer.text
    guarded = guard_answer(answer.text, answer.status, answer.citations, NOT_FOUND_TEXT)
    assert not guarded.report.removed
    # Naming no place of the table, the question asks for no one place's row: the whole's
    # (the 合计 row or the prose total), never the first place's.
    whole = answerer.answer("2025年全省新建5G基站任务是多少个？", NOT_FOUND_TEXT)
    assert whole is not None and whole.status == "answered", whole
    assert "东州市" not in whole.text and "3200" not in whole.text, whole.text
    ports = answerer.answer("西州市2025年千兆光网端口数任务是多少？", NOT_FOUND_TEXT)
    assert ports is not None and "千兆光网端口数2025年目标值为64万个" in ports.text
    assert "5G基站" not in ports.text
    guarded = guard_answer(ports.text, ports.status, ports.citations, NOT_FOUND_TEXT)
    assert not guarded.report.removed


def test_the_rows_of_a_per_place_table_the_question_names() -> None:
    from assistant.answer.numeric import _FactColumns
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text("一、重点任务\n全年新建5G基站0.62万个。\n" + _PLACE_TASKS)
    meta = DocumentMeta("work", "2025年全省数字经济工作要点", "work.txt", date="2025-03-01")
    facts = extract_facts(Document(meta, text, parse_sections(text)))
    columns = _FactColumns(facts)

    def named(question: str) -> set[str]:
        return {f.indicator for f, n in zip(facts, columns.named_rows(question), strict=True) if n}

    # By its full name, or without its suffix ("海岛" for 海岛综合实验区); the prose total and
    # the other places' rows are not named.
    assert named("西州市新建多少个？") == {"西州市新建5G基站", "西州市千兆光网端口数"}
    assert named("给海岛分了多少？") == {"海岛综合实验区新建5G基站", "海岛综合实验区千兆光网端口数"}
    assert named("全省新建多少个？") == set()


def test_a_sentence_of_several_figures_is_answered_with_the_clause_asked_first() -> None:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.answer.texts import SUPPORT_LEAD
    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(
        "一、发展基础\n公交体系持续优化，累计开通线路505条，公共交通机动化分担率达33.4%，"
        "城区居民绿色出行比例达71%，位居全省前列。\n"
    )
    meta = DocumentMeta("plan", "某市综合交通运输规划", "plan.txt", date="2022-05-01")
    doc = Document(meta, text, parse_sections(text))
    store = FactStore(extract_facts(doc), {"plan": meta.title})
    answerer = NumericAnswerer(store, {"plan": doc}, chunk_document(doc))
    for question, clause in (
        ("城区居民绿色出行比例是多少？", "城区居民绿色出行比例达71%"),
        ("公共交通机动化分担率是多少？", "公共交通机动化分担率达33.4%"),
    ):
        answer = answerer.answer(question, NOT_FOUND_TEXT)
        assert answer is not None and answer.text.startswith(f"{clause}[1]。{SUPPORT_LEAD}")


def test_a_quantity_asked_year_by_year_lists_each_year_the_table_states() -> None:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_INDICATOR_TABLE)
    meta = DocumentMeta("bus", "某市公交都市创建方案", "bus.txt", date="2024-03-01")
    doc = Document(meta, text, parse_sections(text))
    store = FactStore(extract_facts(doc), {"bus": meta.title})
    answerer = NumericAnswerer(store, {"bus": doc}, chunk_document(doc))
    answer = answerer.answer("城市公共汽电车进场率每年分别是多少？", NOT_FOUND_TEXT)
    assert answer is not None and answer.status == "answered"
    said = re.sub(r"\[\d+\]", "", answer.text)
    assert said == "2024年：城市公共汽电车进场率90.2%；2027年：城市公共汽电车进场率98%。"


_FLEET_PLAN = """一、发展目标
表 1 某市公交发展指标
序号 指标名称 单位 2022 年 2026 年
1 万人公交车保有量 标台/万人 12.5 14
2 公交站点覆盖率 % 80 95
"""


def test_a_rate_of_the_unit_asked_is_no_total() -> None:
    """ "一共有多少标台" counts 标台: the row stating 标台/万人 is a rate, so the question is
    declined with the unit it counts in; asked per 万人 (or as the row names it), it answers."""
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_FLEET_PLAN)
    meta = DocumentMeta("fleet", "某市公交优先实施方案", "fleet.txt", period="2022—2026年")
    doc = Document(meta, text, parse_sections(text))
    store = FactStore(extract_facts(doc), {doc.meta.doc_id: meta.title})
    answerer = NumericAnswerer(store, {doc.meta.doc_id: doc}, [])
    total = answerer.answer("2022年全市公交车一共有多少标台？", NOT_FOUND_TEXT)
    assert total is not None and total.status == "not_found" and total.rate_only == "标台"
    for question in ("2022年每万人有多少标台公交车？", "2022年万人公交车保有量是多少？"):
        found = answerer.answer(question, NOT_FOUND_TEXT)
        assert found is not None and found.status == "answered", question
        assert "12.5标台/万人" in found.text, question


def test_a_figure_closing_a_series_broken_over_lines_quotes_the_whole_series() -> None:
    """A year table's item broken at the cell's width after "、" (blank line between, as the
    extraction prints it): the figure's sentence is the whole item, not its last line."""
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta
    from assistant.records.facts import prose_facts

    text = (
        "临州市交旅融合行动计划\n表 3 集散中心建设任务（2025-2027年）\n年份 建设内容\n2025\n"
        "1.建设临州东站、云岭客运站、\n\n临河古镇 3个市级集散中心；\n\n"
        "2.建设两个县级集散中心。\n"
    )
    doc = Document(
        DocumentMeta("tour", "临州市交旅融合行动计划", "t.txt"), text, parse_sections(text)
    )
    (fact,) = [f for f in prose_facts(doc, []) if f.value == 3]
    assert fact.quote.startswith("1.建设临州东站、云岭客运站、")
    assert fact.quote.endswith("3个市级集散中心；") and fact.year == 2025


# An invented appendix printed one cell a line, as PDF extractions of narrow tables come: a
# title, a unit line, the header one cell a line, then each row's name and figures, a page break
# (page number) inside one row, and a second table whose columns are no years.
_ONE_CELL_A_LINE = """七、保障措施
各县要按附表落实。
附表
各县区农村供水保障率目标
单位：%
县区
2025年
2028年
2030年
临河县
81.5
86

— 9 —

90
云岭县
77
83
88
湖滨区
92.4
95
98
表3 重点项目及投资
项目类别
项目数（个）
投资（亿元）
水源工程建设
12
8.5
管网延伸工程
30
4.25
水厂改造提升工程
9
3.1
合计
51
15.85
"""


def test_a_table_printed_one_cell_a_line_is_read_row_by_row() -> None:
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_ONE_CELL_A_LINE)
    # Rows and headers are lines again; the page break inside 临河县's row is gone.
    assert "县区 2025年 2028年 2030年\n临河县 81.5 86 90\n云岭县 77 83 88\n" in text
    assert "项目类别 项目数（个） 投资（亿元）\n水源工程建设 12 8.5\n" in text
    meta = DocumentMeta("water", "某市农村供水保障规划", "water.txt", date="2026-02-01")
    doc = Document(meta, text, parse_sections(text))
    facts = extract_facts(doc)
    by_cell = {(f.indicator, f.year): (f.kind, f.stated) for f in facts if f.source == "table"}
    # Read off the invented tables by hand: year columns are named by the table's title, the
    # unit comes from the 单位 line; columns that are no year's keep their own name and unit.
    assert by_cell[("云岭县农村供水保障率", 2025)] == (KIND_CURRENT, "77%")
    assert by_cell[("云岭县农村供水保障率", 2030)] == (KIND_TARGET, "88%")
    assert by_cell[("管网延伸工程项目数", None)] == ("", "30个")
    assert by_cell[("管网延伸工程投资", None)] == ("", "4.25亿元")
    from assistant.ingest.chunking import chunk_document

    store = FactStore(facts, {"water": meta.title})
    # With the indexed passages, so a citation carries the header's (亿元) for the guard.
    answerer = NumericAnswerer(store, {"water": doc}, chunk_document(doc))
    answer = answerer.answer("管网延伸工程有多少个项目，投资多少？", NOT_FOUND_TEXT)
    assert answer is not None and answer.status == "answered"
    assert "30个" in answer.text and "4.25亿元" in answer.text and "年" not in answer.text
    guarded = guard_answer(answer.text, answer.status, answer.citations, NOT_FOUND_TEXT)
    assert not guarded.report.removed


_CATEGORY_TABLE = """表1 主要指标
序号 类别 指标 单位 基期值（2025年） 2030年 属性
1 水环境 城市黑臭水体消除比例 % 88 100 约束性
2 水环境 出水COD浓度不高于30毫克/升的
污水厂占比 ％ 40 65 预期性
注：基期值为2025年数据。
"""


def test_an_indicator_table_with_a_category_column_names_rows_by_the_indicator() -> None:
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta
    from assistant.records.tables import iter_rows, table_rows

    text = clean_text(_CATEGORY_TABLE)
    meta = DocumentMeta("plan", "某省水环境规划", "plan.txt", date="2026-02-01")
    doc = Document(meta, text, parse_sections(text))
    named = {(f.indicator, f.year, f.stated) for f in extract_facts(doc) if f.source == "table"}
    # The 类别 cell is not part of the name; "毫克/升" inside a name is no unit; ％ is.
    assert ("城市黑臭水体消除比例", 2030, "100%") in named
    assert ("出水COD浓度不高于30毫克/升的污水厂占比", 2025, "40％") in named
    rows = list(iter_rows(table_rows(doc)))
    # A header cell's bracketed year does not make it too long; the 注 line ends the table.
    assert [r.cell("属性") for r in rows] == ["约束性", "预期性"]
    assert rows[0].cell("基期值") == "88"


# A few lines of hard-wrapped prose, so the cleaner learns the page width as in a real file.
_PROSE_TEXT = (
    "为持续改善空气质量，推动经济社会发展全面绿色转型，结合本市实际，制定本方案。各区要加强组织"
    "领导，明确责任分工，细化工作措施，确保各项目标任务如期完成，并按季度报送工作进展情况，年底前"
    "报送全年工作总结，重大问题及时向市领导小组报告，不得迟报漏报，对工作推进不力的区，市政府将采"
    "取约谈等方式督促整改落实，相关部门要加强指导服务，协调解决工作推进中的困难和问题，形成工作合"
    "力，推动空气质量持续改善，为建设美丽临河作出积极贡献，各有关单位要认真抓好贯彻落实工作。"
)
_PROSE = "".join(_PROSE_TEXT[k : k + 36] + "\n" for k in range(0, len(_PROSE_TEXT), 36))


# An invented double-spaced PDF extraction (a blank line after every line, as some converters
# write): pages numbered "— N —" with a running header, a numbered table whose row numbers stand
# alone between blank lines, and a per-district table whose row a page break cut in two.
_DOUBLE_SPACED = "\n\n".join(
    [
        "临河市大气治理三年行动方案（2026—2028年）",
        *_PROSE.splitlines(),
        "附件1",
        "重点任务分年度安排表",
        "序号 任务 单位 2026年 2027年 2028年 合计",
        "1 淘汰老旧柴油货车",
        "辆",
        "500",
        "400",
        "300 1200",
        "— 7 —",
        "临河市大气治理三年行动方案（2026—2028年）",
        "2 新增新能源公交车",
        "辆",
        "90",
        "100",
        "110 300",
        "附件2",
        "各区PM2.5年均浓度目标",
        "单位：微克/立方米",
        "区 2025年（基期值） 2026年 2027年 2028年",
        "东城区 34.2 33.4 32.3 31.0",
        "西城区 35.0 34.1",
        "— 8 —",
        "临河市大气治理三年行动方案（2026—2028年）",
        "32.9 31.6",
        "南湖区 32.4 31.8 30.7 29.6",
        "— 9 —",
        "临河市大气治理三年行动方案（2026—2028年）",
        "正文完。",
    ]
)


def test_a_double_spaced_table_keeps_its_row_numbers_and_rejoins_a_row_cut_by_a_page() -> None:
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_DOUBLE_SPACED)
    # The pages are numbered "— N —": a bare "2" between blank lines is a row number, kept.
    assert "\n2 新增新能源公交车" in text
    assert "— 7 —" not in text and text.count("临河市大气治理三年行动方案") == 1
    meta = DocumentMeta(
        "air", "临河市大气治理三年行动方案（2026—2028年）", "air.txt", date="2026-03-01"
    )
    doc = Document(meta, text, parse_sections(text))
    cells = {(f.indicator, f.year): (f.kind, f.stated) for f in extract_facts(doc)}
    # A task table from the year the document speaks from sets targets in every year column.
    assert cells[("新增新能源公交车", 2026)] == (KIND_TARGET, "90辆")
    # The row the page break cut: its four figures under the four years; 基期值 is no unit.
    assert cells[("西城区PM2.5年均浓度", 2027)] == (KIND_TARGET, "32.9微克/立方米")
    assert cells[("西城区PM2.5年均浓度", 2025)] == (KIND_CURRENT, "35.0微克/立方米")


# An invented appendix with a two-level header (indicator groups over the same sub-columns) and
# one whose column labels carry their years, a stance-only label naming the indicator before it.
_GROUPED = """附表
各区2026年空气质量目标
区
PM2.5平均浓度（微克/立方米）
优良天数比例（%） 基期值（2025年） 目标值 基期值（2025年） 目标值
东城区 28 ≤27 90.1 ≥90.5
西城区 27 ≤26 92.3 ≥92.5
南湖区 12 ≤13 99.2 ≥98.5
各区2026年农村整治任务
区
污水治理率基期值（2025年，%）
2026年目标（%）
新增整治行政村（个）
东城区 45.6 48 22
西城区 33.8 37 38
南湖区 28.4 31 16
"""


def test_grouped_and_year_labelled_headers_name_each_column() -> None:
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta
    from assistant.records.facts import matrix_table_facts

    text = clean_text(_PROSE + _GROUPED)
    meta = DocumentMeta("eco", "2026年全省生态环境工作要点", "eco.txt", date="2026-02-12")
    doc = Document(meta, text, parse_sections(text))
    cells = {(f.indicator, f.year): (f.kind, f.stated) for f in matrix_table_facts(doc)}
    assert cells[("西城区PM2.5平均浓度基期值", 2025)] == (KIND_CURRENT, "27微克/立方米")
    assert cells[("西城区PM2.5平均浓度目标值", 2026)] == (KIND_TARGET, "≤26微克/立方米")
    assert cells[("南湖区优良天数比例目标值", 2026)] == (KIND_TARGET, "≥98.5%")
    assert cells[("西城区污水治理率目标", 2026)] == (KIND_TARGET, "37%")
    assert cells[("西城区新增整治行政村", 2026)] == (KIND_TARGET, "38个")


def test_a_row_cell_is_stated_with_its_headers_unit() -> None:
    from assistant.records.facts import cell_said, units_used

    def _cell_said(header: str, value: str, units: list[str]) -> str:
        return "：".join(cell_said(header, value, units))  # as a fact's note states it

    units = units_used("新建绿道12公里，改造3.5公里，栽植乔木2000株，绿化面积30公顷。")
    assert units[0] == "公里"
    assert _cell_said("投资（亿元）", "2.5", units) == "投资：2.5亿元"
    # The extraction cut the header's bracket: the unit is the one the document writes most
    # that begins with what is left of it.
    assert _cell_said("长度（公", "7.1", units) == "长度：7.1公里"
    assert _cell_said("面积（平", "3", units) == "面积：3"  # no unit of the document begins so
    assert _cell_said("建设年限", "2024", units) == "建设年限：2024年"
    assert _cell_said("建设年限", "现有", units) == "建设年限：现有"
    assert _cell_said("建设类型", "新建", units) == "建设类型：新建"
    # Not a figure: the cell as printed.
    assert _cell_said("长度（公里）", "约7公里", units) == "长度（公里）：约7公里"


def test_a_question_naming_no_one_row_of_a_project_table_gets_no_row() -> None:
    # Every row is a 绿道: "绿道原来有多长" names none of them, and the first is no answer.
    answer = _green_answerer().answer("新建的绿道有多少公里？", NOT_FOUND_TEXT)
    assert answer is None or "滨河绿道" not in answer.text
    # Named, the row answers, its length stated in the header's unit.
    text = _answered("环山绿道有多长？")
    assert "长度：8.5公里" in text and "建设年限：2026年" in text


def test_where_a_row_stands_is_said_first_then_where_it_is_to_be() -> None:
    text = _answered("自行车道连通率现在是多少？")
    assert "2022年现状值为61.5%，2026年目标值为75%" in text


def test_a_numbered_place_table_with_a_year_and_unit_in_one_bracket() -> None:
    from assistant.records.facts import matrix_table_facts

    doc = _invented(
        "附件2\n各县（市、区）污水处理站建设任务表\n"
        "序号 县（市、区） 污水处理站基期值（2025年，座） 2026年目标（座） 2028年目标（座）\n"
        "1 东湖区 12 15 20\n2 西山区 8 10 14\n3 南岸区 5 9 12\n合计 25 34 46\n",
        "water",
        "临州市污水治理三年实施方案",
        "2026-02-12",
    )
    cells = {(f.indicator, f.year): (f.kind, f.stated) for f in matrix_table_facts(doc)}
    # The running number is no figure; the base year and unit share a bracket; a year's 目标
    # is of the quantity the column before names.
    assert cells[("南岸区污水处理站基期值", 2025)] == (KIND_CURRENT, "5座")
    assert cells[("南岸区污水处理站目标", 2028)] == (KIND_TARGET, "12座")
    assert cells[("合计污水处理站目标", 2026)] == (KIND_TARGET, "34座")


def test_a_matrix_rows_quantity_asked_is_given_alone() -> None:
    from assistant.answer.numeric import NumericAnswerer

    doc = _invented(
        "附件1\n2026年各市农村供水主要任务分解表\n"
        "市 自来水普及率（%） 建设投资（亿元） 新建工程（处）\n"
        "东湖市 95 3.5 12\n西山市 92 2.8 10\n南岸市 90 4.1 15\n全省 94 35.0 120\n",
        "water",
        "湖滨省农村供水保障工作通知",
        "2026-03-18",
    )
    store = FactStore(extract_facts(doc), {doc.meta.doc_id: doc.meta.title})
    answer = NumericAnswerer(store, {"water": doc}, []).answer(
        "2026年西山市建设投资是多少？", NOT_FOUND_TEXT
    )
    assert answer is not None and "2.8亿元" in answer.text
    assert "普及率" not in answer.text and "新建工程" not in answer.text
    # Two quantities asked at once: both stated.
    both = NumericAnswerer(store, {"water": doc}, []).answer(
        "2026年西山市建设投资和新建工程各是多少？", NOT_FOUND_TEXT
    )
    assert both is not None and "2.8亿元" in both.text and "10处" in both.text
    assert "普及率" not in both.text  # the row's third quantity is not asked
    # A word that only holds a conjunction's character ("普及率") asks one quantity.
    rate = NumericAnswerer(store, {"water": doc}, []).answer(
        "2026年西山市自来水普及率要达到多少？", NOT_FOUND_TEXT
    )
    assert rate is not None and "92%" in rate.text and "建设投资" not in rate.text


_TRAILS = """二、重点工程
表 2 绿道建设表
序号 项目名称 建设类型 长度（公里） 建设年限
1 滨河绿道 新建 12 2025
2 环山绿道 新建 8.5 2026
3 湖畔绿道 新建 6 2026
4 古城绿道 现状 3.2 现有
"""


def test_a_year_asked_of_a_quoted_project_row_brings_every_row_of_that_year() -> None:
    from assistant.answer.citations import cite
    from assistant.answer.numeric import NumericAnswerer
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(_TRAILS)
    meta = DocumentMeta("trails", "某市绿道建设方案", "trails.txt", date="2025-03-01")
    doc = Document(meta, text, parse_sections(text))
    answerer = NumericAnswerer(
        FactStore(extract_facts(doc), {"trails": meta.title}), {"trails": doc}, []
    )
    line = "2 环山绿道 新建 8.5 2026"
    start = text.index(line)
    quoted = cite(1, doc_id="trails", quote=line, start=start, end=start + len(line), meta=meta)
    row = answerer.row_quoted("2026年绿道的建设安排是什么？", quoted, NOT_FOUND_TEXT)
    assert row is not None and row.status == "answered"
    assert "环山绿道" in row.text and "湖畔绿道" in row.text, row.text
    assert "滨河绿道" not in row.text and "古城绿道" not in row.text
    guarded = guard_answer(row.text, row.status, row.citations, NOT_FOUND_TEXT)
    assert not guarded.report.removed
    # No year asked (or another one): the quoted row alone.
    alone = answerer.row_quoted("环山绿道的建设安排是什么？", quoted, NOT_FOUND_TEXT)
    assert alone is not None and "湖畔绿道" not in alone.text


def test_a_sentence_without_a_year_speaks_of_the_year_its_paragraph_opened_with() -> None:
    from assistant.ingest.cleaning import clean_text
    from assistant.ingest.structure import parse_sections
    from assistant.ingest.types import DocumentMeta

    text = clean_text(
        "关于做好2026年农村供水工作的通知\n"
        "一、工作基础\n"
        "2025年，全省农村自来水普及率达到93.2%。分区域看，北部地区普及率达到97.1%，南部地区达到91.4%。\n"
        "二、目标任务\n"
        "全省农村自来水普及率达到94%以上。\n"
    )
    meta = DocumentMeta("water", "关于做好2026年农村供水工作的通知", "water.txt", period="2026年")
    facts = {f.value: f for f in extract_facts(Document(meta, text, parse_sections(text)))}
    # The regional figures go on from "2025年，": 2025's, achieved, not the notice's 2026 targets.
    assert facts[97.1].year == 2025 and facts[97.1].kind == KIND_CURRENT
    assert facts[91.4].year == 2025
    # A paragraph that opens with no year gives its figures none of another paragraph's.
    assert facts[94].year != 2025


def test_a_row_name_said_by_the_question_ends_at_the_place() -> None:
    from assistant.answer.numeric import _own_share

    asked = "马江镇林地有多少、生态护林员配了几个人？"
    # "马江镇" is the row's name; "林地面积" is the quantity, which the question names in part.
    assert _own_share("马江镇林地面积", asked) > 0
    assert _own_share("马江镇瞭望台", asked) == 0
    assert _own_share("全省建设投资", "全省建设投资是多少？") == 1.0
