"""Structure records, hand-checked against the corpus files (each expectation says where in the
source it was read), plus a synthetic document and .docx/.pdf tables.

Fast: extraction runs on the cleaned documents without any model or index."""

from __future__ import annotations

import functools
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer.guard import guard_answer
from assistant.answer.records import RecordAnswerer
from assistant.ingest.cleaning import clean_text
from assistant.ingest.corpus import list_source_files, load_documents
from assistant.ingest.loaders import load_bytes
from assistant.ingest.types import Document, DocumentMeta
from assistant.records.extract import extract_records
from assistant.records.store import read_records, write_records
from assistant.records.structures import split_units
from assistant.records.tables import table_rows
from assistant.records.types import (
    Conflict,
    Definition,
    DocumentFacts,
    ListItem,
    OutlineNode,
    Record,
    Responsibility,
    Supersedes,
    TableRow,
)
from assistant.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "corpus"


@functools.cache
def _docs() -> dict[str, Document]:
    return {d.meta.doc_id: d for d in load_documents(CORPUS)}


@functools.cache
def _records(doc_id: str) -> tuple[Record, ...]:
    return tuple(extract_records(_docs()[doc_id]))


def _of(doc_id: str, cls: type[Record]) -> list[Record]:
    return [r for r in _records(doc_id) if isinstance(r, cls)]


def test_every_record_quotes_its_span_exactly() -> None:
    for doc_id, doc in _docs().items():
        for r in _records(doc_id):
            assert doc.text[r.start : r.end] == r.quote, (doc_id, r.type, r.quote[:30])


# --- document facts (the 印发 notices at the head of the gazette's documents, file 004) --------


def _facts(doc_id: str) -> DocumentFacts:
    (facts,) = _of(doc_id, DocumentFacts)
    assert isinstance(facts, DocumentFacts)
    return facts


def test_road_safety_plan_states_its_number_issuer_date_and_what_it_repeals() -> None:
    # 004 line ~2197–2203: 晋市政办〔2025〕18号 … (晋市政办发〔2020〕12号)同时废止 … 2025年7月29日
    f = _facts("jc-road-safety-emergency")
    assert f.doc_number == "晋市政办〔2025〕18号"
    assert f.issuer == "晋城市人民政府办公室"
    assert f.issue_date == "2025年7月29日"
    assert f.repealed_numbers == ("晋市政办发〔2020〕12号",)
    assert f.title == "晋城市道路交通安全应急预案"
    assert f.effective == "发布之日"  # "本预案自发布之日起施行"


def test_construction_plan_repeals_the_2021_notice() -> None:
    # 004 line ~1588–1592: 晋市政办〔2025〕15号 … (晋市政办〔2021〕48号)同时废止
    f = _facts("jc-construction-emergency")
    assert f.doc_number == "晋市政办〔2025〕15号"
    assert f.repealed_numbers == ("晋市政办〔2021〕48号",)
    assert f.issue_date == "2025年7月10日"


def test_business_measures_state_their_validity_and_ascii_brackets_are_normalised() -> None:
    assert _facts("jc-business-environment").validity == "3年"  # 004 line ~2104 "有效期3年"
    # 004: the finance plan's number is printed with ASCII brackets, 晋市政办[2025]17号
    assert _facts("jc-finance-action").doc_number == "晋市政办〔2025〕17号"


# --- definitions and grades (004: 道路交通安全应急预案 1.5; 国土空间总体规划) -------------------


def test_accident_grades_are_definitions_with_their_level() -> None:
    defs = {
        d.level: d for d in _of("jc-road-safety-emergency", Definition) if isinstance(d, Definition)
    }
    assert set(defs) >= {"特别重大", "重大", "较大", "一般"}
    assert defs["较大"].scale == "事故"
    assert "3人以上10人以下死亡" in defs["较大"].definition


def test_plain_definition_in_the_territorial_plan() -> None:
    terms = {d.term: d for d in _of("jc-territorial-plan", Definition) if isinstance(d, Definition)}
    assert "高品质游憩空间" in terms["魅力空间"].definition  # 004 line ~588


# --- responsibilities (002: "牵头单位：…/配合单位：…" lines; 004: working groups) ------------


def test_lead_and_co_units_after_an_item() -> None:
    # 002 lines ~120–150: 1. 成立创建工作领导小组 … 牵头单位：市交通运输局 配合单位：市发改委、…
    resp = [
        r
        for r in _of("yq-transit-metropolis", Responsibility)
        if isinstance(r, Responsibility) and "成立创建工作领导小组" in r.action
    ]
    assert resp and resp[0].lead_units == ("市交通运输局",)
    assert "市发改委" in resp[0].co_units and "市工信局（市国资委）" in resp[0].co_units


def test_working_group_leads_in_the_road_safety_plan() -> None:
    # 004 line ~2285: 2.4.1 综合协调组 … 牵头单位:市公安局
    leads = {
        r.action: r.lead_units
        for r in _of("jc-road-safety-emergency", Responsibility)
        if isinstance(r, Responsibility)
    }
    assert leads["2.4.1 综合协调组"] == ("市公安局",)
    assert leads["2.4.2 抢险救援组"] == ("市公安局", "市消防救援支队")


def test_split_units_keeps_brackets_with_their_unit() -> None:
    assert split_units("市交通运输局、市工信局（市国资委）、各县(市、区)人民政府等相关单位") == (
        "市交通运输局",
        "市工信局（市国资委）",
        "各县(市、区)人民政府",
    )


# --- lists (000: top-level headings; 004: the four grades as an enumeration) -----------------


def test_a_sections_child_headings_are_a_list() -> None:
    # 000: "一、发展基础" has the sub-headings （一）…; the document's own top level is a list too
    outline = [n for n in _of("jc-transport-15th", OutlineNode) if isinstance(n, OutlineNode)]
    top = [n.path[-1] for n in outline if n.depth == 1]
    items = [
        i
        for i in _of("jc-transport-15th", ListItem)
        if isinstance(i, ListItem) and i.kind == "heading" and i.parent in top
    ]
    by_parent: dict[str, list[int]] = {}
    for i in items:
        by_parent.setdefault(i.parent, []).append(i.position)
    assert by_parent and all(p == list(range(1, len(p) + 1)) for p in by_parent.values())


def test_numbered_lines_under_a_heading_are_an_enumeration() -> None:
    # 004, 道路交通安全应急预案 1.5: (1)特别重大事故 … (4)一般事故
    items = [
        i
        for i in _of("jc-road-safety-emergency", ListItem)
        if isinstance(i, ListItem) and i.kind == "enumeration" and "分级" in i.parent
    ]
    assert [i.position for i in items[:4]] == [1, 2, 3, 4]
    assert items[2].text.startswith("较大事故")


# --- tables (001: 表1–表3 year tables; 002: 表3-1 indicator table) ---------------------------


def test_year_task_table_rows() -> None:
    rows = [r for r in _of("jc-transport-tourism-2023", TableRow) if isinstance(r, TableRow)]
    table1 = [r for r in rows if r.table.startswith("表 1")]
    # 001 lines ~60–70: 表 1 快进路网建设任务 — 2023 / 2024 / 2025
    assert [r.number for r in table1] == ["2023", "2024", "2025"]
    assert "太行山机场" in table1[0].cell("建设内容")
    assert {r.table.split()[1] for r in rows} == {"1", "2", "3"}


def test_indicator_table_rows_have_their_header_cells() -> None:
    rows = [
        r
        for r in _of("yq-transit-metropolis", TableRow)
        if isinstance(r, TableRow) and r.table.startswith("表 3-1")
    ]
    # 002 lines 49–53: 序号 指标名称 单位 2021 年 2025 年 / 1 城市公共交通机动化出行分担率 % 38.5 39
    first = rows[0]
    assert first.cells == (
        ("序号", "1"),
        ("指标名称", "城市公共交通机动化出行分担率"),
        ("单位", "%"),
        ("2021年", "38.5"),
        ("2025年", "39"),
    )


def _table(doc_id: str, title_start: str) -> list[TableRow]:
    return [
        r
        for r in _of(doc_id, TableRow)
        if isinstance(r, TableRow) and r.table.replace(" ", "").startswith(title_start)
    ]


def test_policy_table_rows_have_one_cell_per_column() -> None:
    rows = _table("yq-transit-metropolis", "表4-1")
    # 002 lines 233–300: 表 4-1 序号 类别 名称 牵头单位 配合单位; row 1's 类别 "政策法规类" is
    # printed vertically and merged over rows 1–7; every cell is broken over several lines.
    assert [r.number for r in rows] == [str(n) for n in range(1, 8)]
    assert rows[0].cells == (
        ("序号", "1"),
        ("类别", "政策法规类"),
        ("名称", "出台《阳泉市公交企业成本规制办法》"),
        ("牵头单位", "市交通运输局、市工信局（市国资委）"),
        ("配合单位", "市财政局、市公交公司"),
    )
    # 002 lines ~251–264: 2 出台《阳泉市公交财政补贴 / 管理办法》 / 市工信局（市国 / 资委）、市交通 /
    # 运输局、市财政 / 局 / 市公交公司
    assert rows[1].cells[1:] == (
        ("类别", "政策法规类"),
        ("名称", "出台《阳泉市公交财政补贴管理办法》"),
        ("牵头单位", "市工信局（市国资委）、市交通运输局、市财政局"),
        ("配合单位", "市公交公司"),
    )
    assert rows[1].lead_units == ("市工信局（市国资委）", "市交通运输局", "市财政局")
    # 002 lines ~290–300: 7 编制《阳泉市公交专用道规 / 划》 / 市交通运输局 / 市交警支队、市 …
    assert rows[6].cell("名称") == "编制《阳泉市公交专用道规划》"
    assert rows[6].lead_units == ("市交通运输局",)
    assert rows[6].co_units == ("市交警支队", "市住建局", "市公交公司", "华阳运输部")


def test_project_table_rows_and_its_total() -> None:
    rows = _table("yq-transit-metropolis", "表4-2")
    # 002 lines 652–672: 序号 项目名称 建设类型 长度（公 建设年限 / 1 新泉北路公交专用道 新建 1 2023
    # … 9 广阳路公交专用道 现状 6.4 现有 / 总计 30.3
    assert [r.number for r in rows] == [*(str(n) for n in range(1, 10)), "总计"]
    assert rows[1].cells == (
        ("序号", "2"),
        ("项目名称", "漾泉大道公交专用道"),
        ("建设类型", "新建"),
        ("长度（公", "7.1"),
        ("建设年限", "2024"),
    )
    assert rows[8].cell("建设年限") == "现有"
    assert rows[-1].cells == (("序号", "总计"), ("长度（公", "30.3"))


def test_indicator_rows_keep_their_explanations_across_a_repeated_header() -> None:
    rows = _table("yq-transit-metropolis", "表5-1")
    # 002 lines 1043–1300: 表 5-1, 21 rows; the header is repeated after rows 3 and 8 (page
    # breaks); row 3's unit is printed "人/百万" / "车公里".
    assert [r.number for r in rows] == [str(n) for n in range(1, 22)]
    third = dict(rows[2].cells)
    assert third["单位"] == "人/百万车公里" and third["2025年"] == "≤0.04"
    assert third["目标测算说明"].endswith("死亡率≤0.04人/百万车公里。")
    assert "指标名称" not in rows[2].cell("目标测算说明")


def test_year_table_with_projects_under_each_year() -> None:
    rows = _table("jc-transport-tourism-2023", "表2")
    # 001 lines ~79–103: 表 2 年度 项目 建设内容; 2023 / 国省干线 1.完成… / 旅游公路 建成…129 公里。
    # / 四好农村路 新建、改造四好农村路416 公里。 (the same three projects for 2024 and 2025)
    assert [(r.number, r.cell("项目")) for r in rows[:3]] == [
        ("2023", "国省干线"),
        ("2023", "旅游公路"),
        ("2023", "四好农村路"),
    ]
    assert len(rows) == 9
    assert rows[1].cell("建设内容") == "建成太行一号旅游公路支线、连接线129公里。"


def test_task_list_keyed_by_a_vertically_printed_task() -> None:
    rows = _table("yq-transit-metropolis", "创建国家公交都市各成员单位任务清单")
    # 002 lines 1414–1460 (附件): 工作任务 具体内容 牵头单位 配合单位 2023 年 2024 年 2025 年 /
    # （一） 体 制 / 机 制 / 完 善 / 行 动 / 成 立 / 创 建 / 工 作 / 领 导 / 小 组 / 成立由市长任组长…
    # 办公室设在市交通运输局。 / 市交通 / 运输局 / 市发改委、市财政局、… 等相关单位 / 已完成 / /
    first = dict(rows[0].cells)
    assert first["类别"] == "体制机制完善行动"  # the body's heading "（一） 体制机制完善行动"
    assert first["工作任务"] == "成立创建工作领导小组"
    assert first["具体内容"].endswith("办公室设在市交通运输局。")
    assert rows[0].lead_units == ("市交通运输局",)
    assert rows[0].co_units[:2] == ("市发改委", "市财政局")
    assert (first["2023年"], first["2024年"], first["2025年"]) == ("已完成", "/", "/")
    assert dict(rows[1].cells)["工作任务"] == "建立部门协调工作机制"
    # The body numbers 41 tasks under 二、; 33 of them come back as a row's 工作任务 word for word.
    # The others are worded differently in the list (推进合理优惠票价政策) or their vertical name is
    # interrupted by text the extraction printed across it (强 化 / 督导、绩 效考 评…, TOCC, MaaS),
    # so the row holds part of the name: a known limit of reading the text layer.
    doc = _docs()["yq-transit-metropolis"]
    body = {
        re.sub(r"^\d+\.\s*", "", s.path[-1])
        for s in doc.sections
        if len(s.path) == 3 and s.path[0].startswith("二、")
    }
    tasks = {dict(r.cells).get("工作任务") for r in rows}
    assert len(body) == 41 and len(body & tasks) >= 33


def _levels(doc_id: str) -> list[Definition]:
    return [r for r in _of(doc_id, Definition) if isinstance(r, Definition) and r.scale]


def test_response_levels_with_criteria_and_who_starts_them() -> None:
    levels = {
        (r.term, r.approver): r for r in _levels("jc-road-safety-emergency") if r.scale == "响应"
    }
    # 004, 道路交通安全应急预案 5.3.1 Ⅰ级响应: 启动条件 (1)… 启动程序 … 由市指挥部指挥长决定启动Ⅰ级
    # 响应。 响应措施 (1)市指挥部指挥长、副指挥长立即赶赴现场,组织协调成立现场指挥部
    first = levels[("Ⅰ级响应", "市指挥部指挥长")]
    assert first.level == "Ⅰ级"
    assert first.definition.startswith("(1)发生道路交通事故,造成10人以上失联、死亡")
    assert first.leader == "市指挥部指挥长、副指挥长"
    # 5.3.2 / 5.3.3: 由市指挥部指挥长或副指挥长决定启动Ⅱ级响应; 由市指挥部办公室主任启动Ⅲ级应急响应
    assert ("Ⅱ级响应", "市指挥部指挥长或副指挥长") in levels
    assert ("Ⅲ级响应", "市指挥部办公室主任") in levels


def test_warning_levels_with_who_approves_and_who_issues() -> None:
    issued = {
        r.level: r for r in _levels("jc-road-safety-emergency") if r.scale == "预警" and r.publisher
    }
    # 004, 4.4.1 发布权限: 一级(红色)预警,报省人民政府或者省人民政府授权的省有关部门批准后,由市指挥部
    # 办公室发布。 二级(橙色)预警,…经市指挥部指挥长批准后,由市指挥部办公室发布… 三级(黄色)预警,
    # …经市指挥部副指挥长批准后,由市指挥部办公室发布。
    assert {k: (v.approver, v.publisher) for k, v in issued.items()} == {
        "一级": ("省人民政府或者省人民政府授权的省有关部门", "市指挥部办公室"),
        "二级": ("市指挥部指挥长", "市指挥部办公室"),
        "三级": ("市指挥部副指挥长", "市指挥部办公室"),
    }
    # 4.3.1 一级(红色)预警 with its criteria (1)(2)
    (red,) = [
        r
        for r in _levels("jc-road-safety-emergency")
        if r.term == "一级(红色)预警" and r.definition
    ]
    assert "能见度 ≤ 10 米的浓雾" in red.definition


def test_construction_response_levels_ascii_numeral_is_the_same_grade() -> None:
    # 004, 建设工程事故应急预案 4.3.3 I级响应 (ASCII "I"): 由市指挥部指挥长立即启动 I 级响应
    levels = {r.level: r for r in _levels("jc-construction-emergency") if r.scale == "响应"}
    assert set(levels) == {"Ⅰ级", "Ⅱ级", "Ⅲ级"}
    assert levels["Ⅰ级"].approver == "市指挥部指挥长"
    assert levels["Ⅲ级"].approver == "市指挥部办公室主任"  # 由市指挥部办公室主任宣布启动
    assert levels["Ⅱ级"].definition.startswith("①发生较大事故")


# --- the store --------------------------------------------------------------------------------


def test_records_round_trip_through_sqlite(tmp_path: Path) -> None:
    records = list(_records("jc-road-safety-emergency"))
    path = tmp_path / "store.sqlite"
    write_records(path, records)
    assert read_records(path) == records


# --- a synthetic document of the genre, and the same table as .txt, .docx and .pdf ------------

SYNTHETIC = """临州市人民政府办公室关于印发临州市城市内涝防治实施方案的通知
临政办发〔2026〕5号
各县（市、区）人民政府，市直各单位：
《临州市城市内涝防治实施方案》已经市政府同意，现印发给你们，请认真贯彻执行。《临州市人民政府办公室关于印发临州市排水防涝工作方案的通知》（临政办发〔2019〕33号）同时废止。
临州市人民政府办公室
2026年3月2日
临州市城市内涝防治实施方案
一、事件分级
（一）较大内涝，是指城区积水深度超过30厘米且持续6小时以上的内涝。
（二）一般内涝，是指城区积水深度超过15厘米的内涝。
二、重点任务
（一）改造易涝点
完成30处易涝点改造。
牵头单位：市住建局
配合单位：市水务局、市财政局
（二）建设排水管网
新建雨水管网120公里（责任单位：市水务局）。
表 1 重点任务清单
序号 工作任务 牵头单位 完成时限
1 改造易涝点 市住建局 2026年底
2 建设排水管网 市水务局 2027年6月
三、分级响应
（一）响应分级
内涝应急响应由高到低分为Ⅰ级、Ⅱ级两个等级。Ⅰ级响应由市防汛指挥部报请市人民政府决定启动；Ⅱ级响应由市防汛指挥部指挥长决定启动。
表 2 内涝分级响应表
响应级别 启动条件 批准 负责指挥
Ⅰ级 城区积水深度超过50厘米且
持续12小时以上
市人民政府
市防汛指挥部指挥长
Ⅱ级 城区积水深度超过30厘米
市防汛指挥部
指挥长
市防汛指挥部办公室
（二）预警发布
预警级别分为一级、二级，分别用红色、橙色标示。红色预警由市防汛指挥部报请市人民政府批准后发布；橙色预警由市防汛指挥部指挥长批准，市防汛指挥部办公室发布。
四、保障措施
本方案自印发之日起施行，有效期5年。
"""

TABLE = [
    ["序号", "工作任务", "牵头单位", "完成时限"],
    ["1", "优化公交线网", "市交通运输局", "2025年底"],
    ["2", "建设公交场站", "市住建局", "2024年6月"],
]


def _doc_from_text(raw: str, doc_id: str = "synthetic") -> Document:
    from assistant.ingest.structure import parse_sections

    text = clean_text(raw)
    return Document(DocumentMeta(doc_id, "t", f"{doc_id}.txt"), text, parse_sections(text))


def _answerer_for(raw: str, title: str) -> tuple[Document, RecordAnswerer]:
    """An invented document with its title, and the record answerer over its records."""
    doc = _doc_from_text(raw)
    doc = replace(doc, meta=replace(doc.meta, title=title))
    return doc, RecordAnswerer(extract_records(doc), {doc.meta.doc_id: doc})


def _titled_doc(raw: str, doc_id: str, title: str, short: str) -> Document:
    """An invented document with its title and short name, as an added file would get them."""
    from assistant.ingest.structure import parse_sections

    text = clean_text(raw)
    return Document(DocumentMeta(doc_id, title, f"{doc_id}.txt", short), text, parse_sections(text))


def test_synthetic_document_without_manifest_gets_its_metadata_and_records(
    tmp_path: Path,
) -> None:
    files = tmp_path / "corpus" / "files"
    files.mkdir(parents=True)
    (files / "neilao.txt").write_text(SYNTHETIC, encoding="utf-8")
    (source,) = list_source_files(tmp_path / "corpus")
    ((meta, _),) = source.documents
    assert meta.title == "临州市城市内涝防治实施方案"
    assert meta.doc_number == "临政办发〔2026〕5号"
    assert meta.issuer == "临州市人民政府办公室"
    assert meta.date == "2026-03-02"
    assert meta.region == "临州市"
    assert meta.doc_type == "实施方案"
    (doc,) = load_documents(tmp_path / "corpus")
    records = extract_records(doc)
    facts = next(r for r in records if isinstance(r, DocumentFacts))
    assert facts.repealed_numbers == ("临政办发〔2019〕33号",)
    assert facts.validity == "5年"
    levels = {r.level: r for r in records if isinstance(r, Definition)}
    assert "30厘米" in levels["较大"].definition and levels["较大"].scale == "内涝"
    leads = {r.action: r for r in records if isinstance(r, Responsibility)}
    assert leads["（一）改造易涝点"].lead_units == ("市住建局",)
    assert leads["（一）改造易涝点"].co_units == ("市水务局", "市财政局")
    inline = next(r for r in records if isinstance(r, Responsibility) and "雨水管网" in r.action)
    assert inline.lead_units == ("市水务局",)
    rows = [r for r in records if isinstance(r, TableRow) and r.table.startswith("表 1")]
    assert [(r.cell("工作任务"), r.lead_units, r.deadline) for r in rows] == [
        ("改造易涝点", ("市住建局",), "2026年底"),
        ("建设排水管网", ("市水务局",), "2027年6月"),
    ]
    # The level table (cells broken over lines, one cell after another) and the level prose.
    table = [
        (r.term, r.definition, r.approver, r.leader)
        for r in records
        if (isinstance(r, Definition) and r.scale == "响应" and r.quote.startswith("Ⅰ级 "))
        or (isinstance(r, Definition) and r.scale == "响应" and r.quote.startswith("Ⅱ级 "))
    ]
    assert table == [
        ("Ⅰ级响应", "城区积水深度超过50厘米且持续12小时以上", "市人民政府", "市防汛指挥部指挥长"),
        ("Ⅱ级响应", "城区积水深度超过30厘米", "市防汛指挥部指挥长", "市防汛指挥部办公室"),
    ]
    prose = {
        r.term: r
        for r in records
        if isinstance(r, Definition)
        and r.quote.startswith(("Ⅰ级响应由", "Ⅱ级响应由", "红色", "橙色"))
    }
    assert prose["Ⅰ级响应"].approver == "市人民政府"  # "报请市人民政府决定启动"
    assert prose["Ⅱ级响应"].approver == "市防汛指挥部指挥长"
    assert (prose["红色预警"].level, prose["红色预警"].approver) == ("一级", "市人民政府")
    assert prose["红色预警"].publisher == "市防汛指挥部"  # "由市防汛指挥部报请…批准后发布"
    assert (prose["橙色预警"].approver, prose["橙色预警"].publisher) == (
        "市防汛指挥部指挥长",
        "市防汛指挥部办公室",
    )


def _cells(rows: list[TableRow]) -> list[tuple[tuple[str, str], ...]]:
    return [r.cells for r in rows]


def _text_rows() -> list[TableRow]:
    raw = "表 1 重点任务清单\n" + "\n".join(" ".join(r) for r in TABLE) + "\n以上任务按时完成。\n"
    return [r for r in table_rows(_doc_from_text(raw)) if isinstance(r, TableRow)]


def test_docx_table_yields_the_same_rows_as_its_text() -> None:
    from docx import Document as Docx

    doc = Docx()
    doc.add_paragraph("表 1 重点任务清单")
    table = doc.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for i, row in enumerate(TABLE):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    doc.add_paragraph("以上任务按时完成。")
    buf = io.BytesIO()
    doc.save(buf)
    rows = table_rows(_doc_from_text(load_bytes(buf.getvalue(), "t.docx")))
    expected = _text_rows()
    assert len(expected) == 2
    assert _cells([r for r in rows if isinstance(r, TableRow)]) == _cells(expected)
    assert [r.lead_units for r in rows if isinstance(r, TableRow)] == [
        ("市交通运输局",),
        ("市住建局",),
    ]


def test_pdf_table_found_by_pdfplumber_yields_the_same_rows_as_its_text() -> None:
    reportlab = pytest.importorskip("reportlab")
    assert reportlab
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=10)
    grid = Table(TABLE)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(
        [Paragraph("表 1 重点任务清单", style), grid, Paragraph("以上任务按时完成。", style)]
    )
    rows = table_rows(_doc_from_text(load_bytes(buf.getvalue(), "t.pdf")))
    assert _cells([r for r in rows if isinstance(r, TableRow)]) == _cells(_text_rows())


# --- currency: a repealed document and two documents that disagree -----------------------------

OLD_PLAN = """临州市人民政府办公室关于印发临州市公交发展方案的通知
临政办发〔2021〕7号
临州市人民政府办公室
2021年4月1日
临州市公交发展方案
表 1 主要指标
序号 指标名称 单位 2021 年 2025 年
1 公交站点500米覆盖率 % 80 90
"""
NEW_PLAN = """临州市人民政府办公室关于印发临州市公交优先实施方案的通知
临政办发〔2024〕3号
《临州市公交优先实施方案》已经市政府同意，现印发给你们。《临州市人民政府办公室关于印发临州市公交发展方案的通知》（临政办发〔2021〕7号）同时废止。
临州市人民政府办公室
2024年5月6日
临州市公交优先实施方案
表 1 主要指标
序号 指标名称 单位 2021 年 2025 年
1 公交站点500米覆盖率 % 80 95
"""


def test_the_store_knows_which_document_is_newer(tmp_path: Path) -> None:
    from assistant.records.currency import currency_records
    from assistant.records.facts import extract_facts
    from assistant.records.types import Conflict, Supersedes

    files = tmp_path / "corpus" / "files"
    files.mkdir(parents=True)
    (files / "old.txt").write_text(OLD_PLAN, encoding="utf-8")
    (files / "new.txt").write_text(NEW_PLAN, encoding="utf-8")
    docs = {d.meta.doc_id: d for d in load_documents(tmp_path / "corpus")}
    new_id = next(i for i, d in docs.items() if d.meta.doc_number == "临政办发〔2024〕3号")
    old_id = next(i for i in docs if i != new_id)
    records = [r for d in docs.values() for r in extract_records(d)]
    facts = [f for d in docs.values() for f in extract_facts(d)]
    current = currency_records(docs, records, facts)
    (repeal,) = [r for r in current if isinstance(r, Supersedes)]
    assert (repeal.doc_id, repeal.repealed_number, repeal.repealed_doc_id) == (
        new_id,
        "临政办发〔2021〕7号",
        old_id,
    )
    (conflict,) = [r for r in current if isinstance(r, Conflict)]
    assert conflict.year == 2025 and conflict.newer_doc_id == new_id
    assert [v[1] for v in conflict.values] == ["90%", "95%"]  # oldest first
    assert docs[new_id].text[conflict.start : conflict.end] == conflict.quote


# --- lists and outline on every file (the documents' own top-level headings, in order) ---------


@pytest.mark.parametrize(
    ("doc_id", "parent", "first_items"),
    [
        ("jc-transport-tourism-2023", "", ["一、指导思想", "二、基本原则", "三、发展目标"]),  # 001
        ("yq-transit-metropolis", "", ["一、公交都市创建总体思路和目标"]),  # 002
        # 003: the work points are the notice's 附件, so they are the list under "附件"
        ("jl-transport-2023", "附件", ["一、全面加强新时代党的建设", "二、着力加快交通项目建设"]),
        ("jc-territorial-plan", "", ["第一章 总 则", "第二章 规划基础与风险挑战"]),  # 004
        ("jc-construction-emergency", "", ["1 总则", "2 应急组织机构与体系", "3 监测预警"]),
        ("jc-business-environment", "", ["一、回应企业需求“可感可及”"]),  # 004
        ("jc-finance-action", "", ["一、加强金融要素供给", "二、强化重点领域金融保障"]),  # 004
    ],
)
def test_headings_are_an_ordered_list(doc_id: str, parent: str, first_items: list[str]) -> None:
    parent = parent or _docs()[doc_id].meta.title
    listed = sorted(
        (
            i
            for i in _of(doc_id, ListItem)
            if isinstance(i, ListItem) and i.kind == "heading" and i.parent == parent
        ),
        key=lambda i: i.position,
    )
    assert [i.text for i in listed][: len(first_items)] == first_items
    assert [i.position for i in listed] == list(range(1, len(listed) + 1))


def test_responsibilities_in_the_business_measures() -> None:
    # 004, 营商环境 一、2. 畅通政企交流 …（责任单位：市委统战部、市工信局、市工商联、…各县(市、区)政府）
    leads = {
        r.action: r.lead_units
        for r in _of("jc-business-environment", Responsibility)
        if isinstance(r, Responsibility)
    }
    units = leads["2. 畅通政企交流"]
    assert units[:3] == ("市委统战部", "市工信局", "市工商联")
    assert all("〕" not in u and "〔" not in u for u in units)


def test_a_post_held_by_a_person_is_not_a_lead_unit() -> None:
    # 004, 建设工程事故应急预案: "副指挥长由市有关部门负责同志…担任" names posts, not units
    assert not any(
        "负责同志" in u
        for r in _of("jc-construction-emergency", Responsibility)
        if isinstance(r, Responsibility)
        for u in r.lead_units
    )


def test_issuer_and_date_of_the_tourism_plan() -> None:
    # 001 lines ~1–10: 晋城市人民政府办公室 … 2023年10月13日
    f = _facts("jc-transport-tourism-2023")
    assert (f.issuer, f.issue_date) == ("晋城市人民政府办公室", "2023年10月13日")


def test_flattened_table_with_a_vertical_merged_category_and_a_total() -> None:
    # The same layout as 表4-1/表4-2 of the 阳泉 plan, in a table written for this test.
    raw = "\n\n".join(
        [
            "表 2 排水管网建设表",
            "序号 类别 项目名称 长度（公 建设年限",
            "1",
            "新",
            "建",
            "类",
            "城东雨水管网 12.5 2026",
            "2 城西雨水管网 8 2027",
            "合计 20.5",
            "牵头单位：市水务局",
        ]
    )
    rows = [r for r in table_rows(_doc_from_text(raw)) if isinstance(r, TableRow)]
    assert [r.cells for r in rows] == [
        (
            ("序号", "1"),
            ("类别", "新建类"),
            ("项目名称", "城东雨水管网"),
            ("长度（公", "12.5"),
            ("建设年限", "2026"),
        ),
        (
            ("序号", "2"),
            ("类别", "新建类"),  # merged over both rows: the row above's
            ("项目名称", "城西雨水管网"),
            ("长度（公", "8"),
            ("建设年限", "2027"),
        ),
        (("序号", "合计"), ("长度（公", "20.5")),
    ]


def test_a_task_stated_as_a_long_sentence_is_named_by_its_heading() -> None:
    """The lead answer quotes only the 责任单位 line: a task sentence with its own figures would
    be an uncited number, so the task is named by its heading (an invented document)."""
    from assistant.answer.guard import guard_answer

    text = (
        "三、培育企业\n5. 强化科技企业培育\n新认定12家市级以上科技创新平台，新立项30个市级以上"
        "科技计划项目。\n责任单位:市科技局\n"
    )
    meta = DocumentMeta("d", "临州市优化营商环境若干措施", "d.txt", region="临州市")
    doc = Document(meta, text, ())
    line = "责任单位:市科技局"
    start = text.index(line)
    action = "新认定12家市级以上科技创新平台，新立项30个市级以上科技计划项目。"
    record = Responsibility(
        doc_id="d",
        section="三、培育企业 > 5. 强化科技企业培育",
        quote=line,
        start=start,
        end=start + len(line),
        action=action,
        lead_units=("市科技局",),
    )
    found = RecordAnswerer([record], {"d": doc}).answer("临州科技企业培育谁负责？")
    assert found is not None
    assert "“强化科技企业培育”的牵头单位为市科技局[1]" in found.text
    assert not guard_answer(found.text, found.status, found.citations, "").report.removed
    # Who supports, asked: said first.
    helped = replace(record, co_units=("市财政局",))
    found = RecordAnswerer([helped], {"d": doc}).answer("临州科技企业培育的配合单位是哪个？")
    assert found is not None
    assert "的配合单位为市财政局，牵头单位为市科技局[1]" in found.text


def _answerer_with_two_plans() -> tuple[RecordAnswerer, dict[str, Document]]:
    """An older and a newer invented plan; the newer repeals the older and states another value
    for the same indicator and year."""
    old_text = "临州市公交发展规划\n到2025年，公交分担率达到35%。\n"
    new_text = (
        "临州市公交优先实施方案\n到2025年，公交分担率达到40%。\n"
        "《临州市公交发展规划》（临政发〔2020〕3号）同时废止。\n"
    )
    docs = {
        "old": Document(
            DocumentMeta("old", "临州市公交发展规划", "old.txt", date="2020-03-01"), old_text, ()
        ),
        "new": Document(
            DocumentMeta("new", "临州市公交优先实施方案", "new.txt", date="2024-05-01"),
            new_text,
            (),
        ),
    }
    clause = "《临州市公交发展规划》（临政发〔2020〕3号）同时废止"
    c0 = new_text.index(clause)
    stated = "到2025年，公交分担率达到40%。"
    s0 = new_text.index(stated)
    records = [
        Supersedes(
            doc_id="new",
            section="",
            quote=clause,
            start=c0,
            end=c0 + len(clause),
            repealed_title="临州市公交发展规划",
            repealed_number="临政发〔2020〕3号",
            repealed_doc_id="old",
        ),
        Conflict(
            doc_id="new",
            section="",
            quote=stated,
            start=s0,
            end=s0 + len(stated),
            indicator="公交分担率",
            year=2025,
            kind="目标",
            values=(("old", "35%", "2020-03-01"), ("new", "40%", "2024-05-01")),
            newer_doc_id="new",
        ),
    ]
    return RecordAnswerer(records, docs), docs


def test_an_answer_citing_a_repealed_or_contradicted_document_says_so() -> None:
    from assistant.answer.citations import cite
    from assistant.answer.guard import guard_answer

    answerer, docs = _answerer_with_two_plans()
    text = docs["old"].text
    quote = "到2025年，公交分担率达到35%。"
    at = text.index(quote)
    cited = [
        cite(1, doc_id="old", quote=quote, start=at, end=at + len(quote), meta=docs["old"].meta)
    ]
    note, extra = answerer.notes(cited, "临州2025年公交分担率目标是多少？", 2)
    assert "《临州市公交发展规划》已被《临州市公交优先实施方案》废止[2]" in note
    assert "较新的《临州市公交优先实施方案》" in note and "40%" in note and "[3]" in note
    assert [c.n for c in extra] == [2, 3] and all(c.doc_id == "new" for c in extra)
    answer = "到2025年，公交分担率达到35%。[1]" + note
    checked = guard_answer(answer, "answered", (*cited, *extra), "")
    assert not checked.report.removed  # every figure of the note is in its citation
    # An answer about something else in the older plan gets the repeal note only.
    title = "临州市公交发展规划"
    first = [cite(1, doc_id="old", quote=title, start=0, end=len(title), meta=docs["old"].meta)]
    other, _ = answerer.notes(first, "临州公交发展规划是哪年印发的？", 2)
    assert "废止[2]" in other and "说法不同" not in other
    # Citing only the newer plan: nothing to add.
    assert answerer.notes([extra[0]], "临州2025年公交分担率目标是多少？", 2) == ("", ())


def test_the_list_whose_own_heading_names_the_focus_wins_over_a_nested_one() -> None:
    """ "重点任务分为哪几个方面" names the section's own heading; a list nested under one of its
    items shares the title's words (新能源汽车) but is not what was asked (invented document)."""
    text = (
        "临州市新能源汽车推广方案\n二、重点任务\n（一）扩大车辆应用\n（二）壮大新能源汽车产业\n"
        "1.支持整车企业\n2.强化零部件配套\n"
    )
    meta = DocumentMeta("d", "临州市新能源汽车推广方案", "d.txt", region="临州市")
    doc = Document(meta, text, ())

    def item(parent: str, section: str, position: int, words: str) -> ListItem:
        at = text.index(words)
        return ListItem(
            doc_id="d",
            section=section,
            quote=words,
            start=at,
            end=at + len(words),
            parent=parent,
            position=position,
            text=words,
            kind="heading",
        )

    records = [
        item("二、重点任务", "二、重点任务", 1, "（一）扩大车辆应用"),
        item("二、重点任务", "二、重点任务", 2, "（二）壮大新能源汽车产业"),
        item(
            "（二）壮大新能源汽车产业",
            "二、重点任务 > （二）壮大新能源汽车产业",
            1,
            "1.支持整车企业",
        ),
        item(
            "（二）壮大新能源汽车产业",
            "二、重点任务 > （二）壮大新能源汽车产业",
            2,
            "2.强化零部件配套",
        ),
    ]
    found = RecordAnswerer(records, {"d": doc}).answer(
        "临州新能源汽车推广方案的重点任务分为哪几个方面？"
    )
    assert found is not None
    assert "“重点任务”包括：扩大车辆应用；壮大新能源汽车产业[1]" in found.text


def test_a_heading_named_in_quotes_answers_with_its_children_or_its_own_text() -> None:
    # A follow-up on a list names an item in quotes ("第二项具体是什么？" → “…”具体是什么):
    # the item's child headings when it has them, else the first sentences under it.
    from assistant.ingest.structure import parse_sections

    text = (
        "临州市新能源汽车推广方案\n二、重点任务\n（一）扩大车辆应用。推动公交车、出租车\n"
        "全面电动化。新增新能源公交车200辆。鼓励私人购买新能源汽车。完善售后服务。\n"
        "（二）壮大新能源汽车产业\n1.支持整车企业。引进整车项目。\n2.强化零部件配套。建设电池产业园。\n"
        "三、保障措施\n加强组织领导。\n"
    )
    meta = DocumentMeta("d", "临州市新能源汽车推广方案", "d.txt", region="临州市")
    doc = Document(meta, text, parse_sections(text))
    answerer = RecordAnswerer(extract_records(doc), {"d": doc})
    found = answerer.answer("临州新能源汽车推广方案中“壮大新能源汽车产业”具体是什么？")
    assert found is not None
    # "具体是什么": each child heading with the first sentence under it.
    assert "包括：支持整车企业：引进整车项目；强化零部件配套：建设电池产业园[1]" in found.text
    body = answerer.answer("临州新能源汽车推广方案中“扩大车辆应用”具体是什么？")
    assert body is not None
    assert body.text.endswith(
        "“扩大车辆应用”的内容为：推动公交车、出租车全面电动化。新增新能源公交车200辆。"
        "鼓励私人购买新能源汽车[1]。"
    )
    quote = body.citations[0].quote
    assert "完善售后服务" not in quote and quote.startswith("推动公交车")
    # A quoted name that is no heading is left to the other answerers.
    assert answerer.answer("临州新能源汽车推广方案中“充电桩”具体是什么？") is None


def test_a_numbered_list_whose_items_are_also_headings_is_answered_whole() -> None:
    # "（1）综合组。由…牵头" lines are read both as list items and as subsection headings: the
    # list is still the run of items under its lead-in, named by the lead-in's last clause.
    from assistant.ingest.structure import parse_sections

    text = clean_text(
        "临州市森林火灾应急预案\n2 组织体系\n2.3 现场指挥部\n发生较大森林火灾时，市指挥部设立现场"
        "指挥部，由副市长担任指挥长。现场指挥部下设3个工作组：\n（1）综合组。由市林业局牵头，负责"
        "协调。\n（2）扑救组。由市消防救援支队牵头，负责扑救。\n（3）保障组。由市应急局牵头，负责"
        "物资保障。\n2.4 专家组\n专家组负责技术支撑。\n"
    )
    meta = DocumentMeta("d", "临州市森林火灾应急预案", "d.txt", region="临州市")
    doc = Document(meta, text, parse_sections(text))
    found = RecordAnswerer(extract_records(doc), {"d": doc}).answer(
        "临州森林火灾应急预案中现场指挥部下设哪些工作组？"
    )
    assert found is not None
    assert "“现场指挥部下设3个工作组”包括：综合组；扑救组；保障组[1]" in found.text


def test_paragraphs_led_by_a_short_sentence_and_an_inline_series_are_lists() -> None:
    doc = _doc_from_text(
        "临州市国土空间总体规划\n第二章 目标定位\n第5条 战略定位\n"
        "绿色转型的示范城市。对标转型综合改革示范区，构建现代产业体系。\n"
        "能源革命的领跑城市。推进能源供给侧结构性改革，建设现代能源体系。\n"
        "文旅康养的样板城市。推进古堡申遗，加快文旅康养融合发展。\n"
        "第6条 村庄分类\n顺应乡村发展规律，将村庄划分为集聚提升类、城郊融合类、特色保护类、"
        "搬迁撤并类等四种类型，分类推进乡村振兴。\n"
    )
    items = [r for r in extract_records(doc) if isinstance(r, ListItem) and r.kind == "enumeration"]
    by_parent: dict[str, list[str]] = {}
    for r in sorted(items, key=lambda r: r.position):
        by_parent.setdefault(r.parent, []).append(r.text)
    assert by_parent["第5条 战略定位"] == [
        "绿色转型的示范城市",
        "能源革命的领跑城市",
        "文旅康养的样板城市",
    ]
    assert by_parent["将村庄划分为"] == ["集聚提升类", "城郊融合类", "特色保护类", "搬迁撤并类"]
    for r in items:
        assert doc.text[r.start : r.end].startswith(r.text)  # each item quotes its own words


def test_a_list_of_the_count_asked_and_the_heading_nearest_the_focus_win_ties() -> None:
    _doc, answerer = _answerer_for(
        "临州市国土空间总体规划\n第二章 目标定位与空间战略\n第5条 战略定位\n"
        "绿色转型的示范城市。对标转型综合改革示范区，构建现代产业体系。\n"
        "能源革命的领跑城市。推进能源供给侧结构性改革，建设现代能源体系。\n"
        "文旅康养的样板城市。推进古堡申遗，加快文旅康养融合发展。\n"
        "第6条 城市性质\n区域性中心城市。\n",
        "临州市国土空间总体规划",
    )
    for question in (
        "临州国土空间规划的三个战略定位是什么？",
        "临州国土空间规划的战略定位有哪些？",
    ):
        found = answerer.answer(question, hint="list")
        assert found is not None, question
        assert "包括：绿色转型的示范城市；能源革命的领跑城市；文旅康养的样板城市[1]" in found.text


def test_an_inline_series_joined_by_he_and_the_rest_of_a_list_after_part_was_said() -> None:
    # "下设A、B、C和D": a body that sets up parts names a list; its last two are joined by 和.
    doc = _doc_from_text(
        "临州市地震应急预案\n2 组织体系\n2.2 现场指挥部\n现场指挥部下设综合协调组、抢险救援组、"
        "医疗救治组和善后处置组，分别由相关部门组成。\n2.3 专家组\n专家组负责技术支撑。\n"
    )
    items = [r for r in extract_records(doc) if isinstance(r, ListItem) and r.kind == "enumeration"]
    assert [r.text for r in sorted(items, key=lambda r: r.position)] == [
        "综合协调组",
        "抢险救援组",
        "医疗救治组",
        "善后处置组",
    ]
    doc = replace(doc, meta=replace(doc.meta, title="临州市地震应急预案"))
    answerer = RecordAnswerer(extract_records(doc), {doc.meta.doc_id: doc})
    question = "临州地震应急预案的现场指挥部下设哪些组？"
    whole = answerer.answer(question, hint="list")
    assert whole is not None and "综合协调组；抢险救援组；医疗救治组；善后处置组[1]" in whole.text
    # "还有呢" after the first two were said: only the other two, still cited.
    rest = answerer.answer(question, hint="list", said="综合协调组；抢险救援组[1]。")
    assert rest is not None
    assert "还包括：医疗救治组；善后处置组[1]" in rest.text and "综合协调组" not in rest.text
    # …and after all of them: the list is complete.
    done = answerer.answer(question, hint="list", said=whole.text)
    assert done is not None and done.text.startswith("上一回答已列出全部内容")


def test_full_width_numbers_and_a_seal_line_under_the_issuer(tmp_path: Path) -> None:
    # "（…代章）" under the issuer's name qualifies the seal; "〔２０２６〕５号" is 〔2026〕5号.
    files = tmp_path / "corpus" / "files"
    files.mkdir(parents=True)
    head = (
        "临江省数据发展联席会议办公室\n\n临数办〔２０２６〕５号\n\n"
        "关于印发《2026年全省数据工作要点》的通知\n\n各设区市：\n现将《2026年全省数据工作要点》"
        "印发给你们。\n\n临江省数据发展联席会议办公室\n（临江省发展和改革委员会代章）\n2026年3月2日\n\n"
        "2026年全省数据工作要点\n一、建设数据基础设施\n新建５Ｇ基站１２０００个。\n"
    )
    # A body wrapped at the page width, as extractions are: the header lines are shorter.
    body = "".join(
        f"推进第{n}项数据工作，完善数据资源体系，提升数据治理能力和公共数据开放水平，"
        "加快数据要素市场化配置改革。"
        for n in range(1, 13)
    )
    head += "".join(body[i : i + 38] + "\n" for i in range(0, len(body), 38))
    (files / "points.txt").write_text(head, encoding="utf-8")
    (source,) = list_source_files(tmp_path / "corpus")
    ((meta, _),) = source.documents
    assert meta.doc_number == "临数办〔2026〕5号"
    assert meta.issuer == "临江省数据发展联席会议办公室"
    assert meta.region == "临江省"
    (doc,) = load_documents(tmp_path / "corpus")
    assert "新建5G基站12000个" in doc.text


def test_the_level_started_by_a_graded_condition_is_read_from_the_criteria() -> None:
    # The accident's grade (较大) is not the response's (Ⅱ级): it is found in the criteria.
    _doc, answerer = _answerer_for(
        "临州市危险化学品事故应急预案\n4 应急响应\n4.1 Ⅲ级响应\n符合下列情形之一，即可启动Ⅲ级响应：\n"
        "①发生一般事故；\n②造成3人以下被困的事故。\n4.2 Ⅱ级响应\n符合下列情形之一，即可启动Ⅱ级响应：\n"
        "①发生较大事故；\n②造成3人以上10人以下被困的事故。\n4.3 Ⅰ级响应\n"
        "符合下列情形之一，即可启动Ⅰ级响应：\n①发生重大和特别重大事故；\n②造成10人以上被困的事故。\n",
        "临州市危险化学品事故应急预案",
    )
    for grade, level in (("一般", "Ⅲ级"), ("较大", "Ⅱ级"), ("重大", "Ⅰ级")):
        found = answerer.answer(f"发生{grade}事故启动几级响应？")
        assert found is not None, grade
        assert found.text.startswith(f"{level}响应："), found.text
        quote = found.citations[0].quote
        assert f"启动{level}响应" in quote and f"发生{grade}" in quote
    # A grade no criteria name is left to the other answerers (which decline it).
    assert answerer.answer("发生特别严重事故启动几级响应？") is None


def test_table_rows_answer_a_column_asked_of_a_row_and_the_rows_holding_a_value() -> None:
    doc, answerer = _answerer_for(
        "临州市城市更新行动方案\n三、重点任务\n表 1 重点任务清单\n序号 工作任务 牵头单位 配合单位 完成时限\n"
        "1 改造易涝点 市住建局 市水务局 2026年底\n2 建设排水管网 市水务局 市财政局 2027年6月\n"
        "3 整治背街小巷 市城管局 市住建局、各区政府 2026年6月\n四、保障措施\n成立领导小组，由市长任组长。\n",
        "临州市城市更新行动方案",
    )
    title = "《临州市城市更新行动方案》"
    expected = {
        # a row named, its columns asked (who leads comes with who supports, as the row says)
        "建设排水管网的牵头单位是哪个？": f"{title}中，“建设排水管网”的牵头单位为市水务局，"
        "配合单位为市财政局[1]。",
        "建设排水管网什么时候完成？": f"{title}中，“建设排水管网”的完成时限为2027年6月[1]。",
        # a unit named, the rows it leads or supports asked (one unit among a cell's units)
        "市住建局牵头的有哪几项？": f"{title}“表 1 重点任务清单”中牵头单位为市住建局的有：改造易涝点[1]。",
        "市住建局配合的有哪几项？": f"{title}“表 1 重点任务清单”中配合单位为市住建局的有：整治背街小巷[1]。",
    }
    for question, text in expected.items():
        found = answerer.answer(question)
        assert found is not None and found.text == text, question
        (citation,) = found.citations
        assert citation.quote in doc.text
    # Who holds a post is not a task's lead unit.
    assert answerer.answer("领导小组由谁任组长？") is None
    # A row named, a post asked of it: the row's lead unit is not who holds the post.
    assert answerer.answer("改造易涝点由谁当组长？") is None
    assert answerer.answer("建设排水管网谁来担任组长？") is None
    # "哪个部门" asks for the unit of a row named by a word of its own, not for rows.
    from assistant.answer.table_rows import _ASKS_ROWS

    assert not _ASKS_ROWS.search("TOCC是哪个部门牵头？")
    assert not _ASKS_ROWS.search("由哪些单位配合？")
    assert _ASKS_ROWS.search("市住建局牵头的有哪几项？") and _ASKS_ROWS.search("哪个项目最长？")


def test_a_definition_asked_with_its_document_named_first_finds_the_grade() -> None:
    # "公报里的…预案，“较大事故”是怎么界定的": the frame names the document (the scope); its words
    # ("公报") are no word of the grade's record, and 界定 asks for the definition.
    doc, answerer = _answerer_for(
        "临州市道路交通安全应急预案\n1 总则\n1.5 事故分级\n(1)较大事故，是指造成3人以上10人以下死亡的事故。\n"
        "(2)一般事故，是指造成1人以上3人以下死亡的事故。\n2 组织体系\n市政府成立指挥部。\n",
        "临州市道路交通安全应急预案",
    )
    scope = [doc.meta.doc_id]
    for question in (
        "公报里的临州道路交通应急预案，“较大事故”是怎么界定的？",
        "公报里的临州道路交通应急预案中，较大事故如何认定？",
        "临州道路交通应急预案里较大事故的定义是什么？",
    ):
        found = answerer.answer(question, scope)
        assert found is not None and "3人以上10人以下死亡" in found.text, question


def test_an_inline_duty_label_answers_for_its_whole_item() -> None:
    # "(责任单位:…)" closes an item whose first sentences say what it is about; the action is only
    # its last sentence, so the item's earlier sentences must count when a lead is asked.
    _doc, answerer = _answerer_for(
        "临州市营商环境提升举措\n六、维护企业权益\n25. 推行包容免罚。督促当事人积极整改。"
        "(责任单位:市市场监管局)\n26. 精准提供法律服务。为新设民营企业提供为期6个月的免费“法律托管”服务。"
        "深化律企结对服务,助力民营企业健康发展。(责任单位:市司法局)\n"
        "27. 强化组织保障。各部门要细化措施,推进工作落实落地,形成合力。(责任单位:市审批局)\n",
        "临州市营商环境提升举措",
    )
    found = answerer.answer("新设民营企业的免费“法律托管”由哪个部门负责？")
    assert found is not None
    # With the label the document uses (责任单位, not 牵头单位).
    assert "的责任单位为市司法局[1]" in found.text, found.text
    # Cited with the sentence the inline label closes, not the bare label.
    (quote,) = [c.quote for c in found.citations]
    assert quote.startswith("深化律企结对服务") and quote.endswith("责任单位:市司法局"), quote
    # "负责落实" asks who leads: it is no word of a task (the 落实 of item 27's body).
    found = answerer.answer("“法律托管”由哪些单位负责落实？")
    assert found is not None and "市司法局" in found.text, "负责落实"
    # The previous item's body is not this one's: its own words still find it.
    found = answerer.answer("推行包容免罚由哪个部门负责？")
    assert found is not None and "责任单位为市市场监管局" in found.text, "包容免罚"


def test_a_header_printed_one_cell_a_line_is_one_header_line() -> None:
    text = clean_text(
        "表 2 主要指标\n序号\n指标名称\n单位\n2024 年\n现状\n2026 年\n目标\n1 公交分担率 % 30 35\n"
    )
    # 现状/目标 under a year is that year's column, not a column of its own.
    assert "序号 指标名称 单位 2024 年现状 2026 年目标\n1 公交分担率 % 30 35" in text
    # Inside a table whose header is read, short lines are a row's cells broken over lines.
    levels = clean_text(
        "表 3 分级响应\n响应级别 启动条件 批准 负责指挥\nⅡ级 城区积水深度超过30厘米\n市防汛指挥部\n"
        "指挥长\n市防汛指挥部办公室\n（二）预警发布\n"
    )
    assert "市防汛指挥部 指挥长" not in levels and "\n（二）预警发布" in levels


def test_a_tasks_own_paragraph_tells_apart_two_tasks_named_alike() -> None:
    _doc, answerer = _answerer_for(
        "临州市公交提速实施方案\n（一）公交提速行动\n1. 加快公交专用道建设\n计划新建公交专用道8公里。\n"
        "牵头单位：市公安交警支队\n配合单位：市住建局\n2. 加强公交专用道使用管理\n出台处罚考核办法。\n"
        "牵头单位：市交通运输局\n配合单位：市城管局\n",
        "临州市公交提速实施方案",
    )
    found = answerer.answer("临州公交专用道新建由谁牵头？")
    assert found is not None and "“加快公交专用道建设”的牵头单位为市公安交警支队" in found.text
    found = answerer.answer("临州公交专用道处罚考核办法由谁牵头？")
    assert found is not None and "牵头单位为市交通运输局" in found.text


def test_the_list_whose_items_are_the_kind_asked_wins_over_a_sublist() -> None:
    _doc, answerer = _answerer_for(
        "临州市文旅融合三年行动计划\n四、重点任务\n（一）快进路网建设工程\n1.建设旅游公路。\n2.建设高速连接线。\n"
        "（二）慢游路网提升工程\n1.改造农村公路。\n2.建设绿道。\n（三）旅游集散提效工程\n"
        "1.建设集散中心。\n2.建设客运站。\n五、保障措施\n加强组织领导。\n",
        "临州市文旅融合三年行动计划",
    )
    found = answerer.answer("临州文旅融合三年行动计划有哪些重点工程？", hint="list")
    assert found is not None
    assert "包括：快进路网建设工程；慢游路网提升工程；旅游集散提效工程[1]" in found.text


def test_a_leaf_heading_named_in_the_question_answers_what_it_is() -> None:
    _doc, answerer = _answerer_for(
        "临州市国土空间总体规划\n第二章 目标定位\n第10条 城市性质\n"
        "区域性能源基地，链接两大城市群的门户城市。\n第11条 目标愿景\n到2035年，建成美丽临州。\n",
        "临州市国土空间总体规划",
    )
    found = answerer.answer("临州国土空间规划确定的城市性质是什么？")
    assert found is not None
    assert "“城市性质”的内容为：区域性能源基地，链接两大城市群的门户城市[1]" in found.text
    assert "建成美丽临州" not in found.text
    # Named without its article number, which the cited body does not contain.
    from assistant.answer.guard import guard_answer

    assert not guard_answer(found.text, found.status, found.citations, "").report.removed
    # A list question is answered by its text too (no list record holds its items); a
    # heading with subheadings is not this mechanism's.
    listed = answerer._leaf_named("临州国土空间规划的城市性质有哪些？", None)
    assert listed is not None and "链接两大城市群的门户城市" in listed.text
    assert answerer._leaf_named("临州规划第二章目标定位是什么？", None) is None


def test_whether_the_old_version_still_applies_is_answered_by_what_the_new_one_repeals(
    tmp_path: Path,
) -> None:
    files = tmp_path / "corpus" / "files"
    files.mkdir(parents=True)
    (files / "neilao.txt").write_text(SYNTHETIC, encoding="utf-8")
    (doc,) = load_documents(tmp_path / "corpus")
    answerer = RecordAnswerer(extract_records(doc), {doc.meta.doc_id: doc})
    # The plan's scope names the document (by its place); the wording names neither its title
    # nor 废止.
    found = answerer.answer("临州那个内涝方案出台后，原来的方案还管用吗？", {doc.meta.doc_id})
    assert found is not None
    assert "同时废止" in found.text and "临政办发〔2019〕33号" in found.text
    assert "临政办发〔2019〕33号" in found.citations[0].quote
    # Its validity, asked plainly, is a document fact too.
    assert answerer.asks_document("临州内涝方案管多长时间？")
    validity = answerer.answer("临州内涝方案管多长时间？", {doc.meta.doc_id})
    assert validity is not None and "有效期5年" in validity.text
    # "哪天发的" asks when it was issued, as plainly.
    assert answerer.asks_document("临州内涝方案是哪天发的？")


def test_who_issues_or_approves_a_level_is_answered_with_that_role_only() -> None:
    _doc, answerer = _answerer_for(
        "临州市防汛应急预案\n4 预警\n4.1 预警分级\n预警分为一级、二级、三级，分别用红色、橙色、黄色标示。\n"
        "4.2 发布权限\n二级(橙色)预警，经市防汛指挥部指挥长批准后，由市防汛指挥部办公室发布。\n"
        "三级(黄色)预警，经市防汛指挥部副指挥长批准后，由市防汛指挥部办公室发布。\n",
        "临州市防汛应急预案",
    )
    # A level named by its colour; only the role asked (who issues it with who approves it).
    issued = answerer.answer("临州防汛应急预案的黄色预警由谁发布？")
    assert issued is not None and issued.text.endswith(
        "三级(黄色)预警，由市防汛指挥部副指挥长批准或决定，由市防汛指挥部办公室发布[1]。"
    )
    approved = answerer.answer("临州防汛应急预案的橙色预警由谁批准？")
    assert approved is not None
    assert approved.text.endswith("二级(橙色)预警，由市防汛指挥部指挥长批准或决定[1]。")


def test_a_short_list_asked_for_specifics_gives_each_item_with_its_first_sentence() -> None:
    _doc, answerer = _answerer_for(
        "临州市营商环境提升举措\n四、柔性监管\n17. 设立“企业安静期”。对重点企业每月设置20天“企业安静期”，"
        "不得入企检查。（责任单位：市司法局）\n18. 开展联合监管。在餐饮、药品等领域实施综合监管。\n"
        "五、保障措施\n加强组织领导。\n",
        "临州市营商环境提升举措",
    )
    found = answerer.answer("临州营商环境提升举措中“柔性监管”有哪些具体举措？", hint="list")
    assert found is not None
    assert (
        "包括：设立“企业安静期”：对重点企业每月设置20天“企业安静期”，不得入企检查；"
        "开展联合监管：在餐饮、药品等领域实施综合监管[1]。"
    ) in found.text
    from assistant.answer.guard import guard_answer

    assert not guard_answer(found.text, found.status, found.citations, "").report.removed
    # Without "具体", the items' names only.
    names = answerer.answer("临州营商环境提升举措中“柔性监管”有哪些举措？", hint="list")
    assert names is not None and "包括：设立“企业安静期”；开展联合监管[1]" in names.text


def test_a_task_row_keeps_figures_inside_its_sentences_and_splits_a_unit_list_run_into_one() -> (
    None
):
    """A flattened task row of a year-by-year task list (invented text): the extraction put
    spaces around the figures inside the cells' sentences ("建设 60 处"), ran the co-unit list
    into the 2027 cell's sentence, and cut a word at a line ("充电" / "枪"). Each cell holds its
    own sentence, with its figure and measure word."""
    from assistant.records.tables import assemble_cells

    pieces = [
        "整合",
        "“临河公交APP”，在中心城区建设",
        "60",
        "处电子站牌，到",
        "2028年，站牌总数达到",
        "90",
        "处。",
        "市交通运输局",
        "市公交集团、云岭运输公司在场站配套建设充电桩/充电枪",
        "40",
        "个。",
        "在场站配套建设充电桩/充电",
        "枪20个。",
        "/",
    ]
    columns = ["具体内容", "牵头单位", "配合单位", "2027年", "2028年", "2029年"]
    cells = dict(zip(columns, assemble_cells(pieces, len(columns)), strict=True))
    assert cells["具体内容"] == (
        "整合“临河公交APP”，在中心城区建设60处电子站牌，到2028年，站牌总数达到90处。"
    )
    assert cells["牵头单位"] == "市交通运输局"
    assert cells["配合单位"] == "市公交集团、云岭运输公司"
    assert cells["2027年"] == "在场站配套建设充电桩/充电枪40个。"
    assert cells["2028年"] == "在场站配套建设充电桩/充电枪20个。"
    assert cells["2029年"] == "/"
    # A lead unit's other name in brackets, wrapped over narrow lines, goes on the lead cell;
    # the co-operating unit after it is a cell of its own, not the next cell's first words.
    # (The line joining ran the rest of the lead cell, the co unit and the next cell together.)
    narrow = [
        "研究无人驾驶线路的可能性，推进示范线路建设。",
        "市工信局",
        "（市国资委）、市大数据局、高新区管委会市交通运输局研究无人驾驶线路的可能性，推进示范线路建设。",
        "/",
        "/",
    ]
    columns = ["具体内容", "牵头单位", "配合单位", "2027年", "2028年", "2029年"]
    cells = dict(zip(columns, assemble_cells(narrow, len(columns)), strict=True))
    assert cells["牵头单位"] == "市工信局（市国资委）、市大数据局、高新区管委会"
    assert cells["配合单位"] == "市交通运输局"
    assert cells["2027年"] == "研究无人驾驶线路的可能性，推进示范线路建设。"
    # An indicator row is unchanged: figures between a unit and other figures stay cells, and a
    # short grade cell before a figure is no clause.
    assert assemble_cells(["公交分担率", "%", "38.5", "45"], 4) == ["公交分担率", "%", "38.5", "45"]
    assert assemble_cells(["较大", "1万户以上居民停水", "市指挥部"], 3) == [
        "较大",
        "1万户以上居民停水",
        "市指挥部",
    ]
    # A deadline cell after an open clause stays a cell; "等相关单位" closes a unit list.
    assert assemble_cells(["完善公交场站建设", "2027年12月底前"], 2) == [
        "完善公交场站建设",
        "2027年12月底前",
    ]
    assert assemble_cells(["市交通运输局", "市公交集团、市城管局等相关单位做好年报编制。"], 3) == [
        "市交通运输局",
        "市公交集团、市城管局等相关单位",
        "做好年报编制。",
    ]


def test_a_year_column_asked_of_a_task_row_named_by_its_cells_cites_the_header_line() -> None:
    """A year-by-year task list (invented): the question names the row by the words of the
    year cell it asks ("2027年…建设多少处站牌"), not by the task's name; the year comes from the
    header, which is cited too, so the numeric guard finds every figure in the cited text."""
    _doc, answerer = _answerer_for(
        "临州市公交优先实施方案\n附件\n任务清单及进度安排\n"
        "序号 工作任务 具体内容 牵头单位 2027年 2028年\n"
        "1 提升出行信息服务 推广电子站牌，创建期间建设150处电子站牌。 市交通运输局 "
        "在中心城区建设90处电子站牌。 在中心城区建设60处电子站牌。\n"
        "2 推进场站建设 新建公交场站5个。 市住建局 新建公交场站3个。 新建公交场站2个。\n"
        "3 建设智能调度平台 建成智能调度平台1个。 市大数据局 建成智能调度平台1个。 /\n",
        "临州市公交优先实施方案",
    )
    found = answerer.row_answer("2028年要在中心城区建设多少处电子站牌？")
    assert found is not None
    assert found.text == (
        "《临州市公交优先实施方案》中，“提升出行信息服务”的2028年为在中心城区建设60处电子站牌[1][2]。"
    )
    row, header = found.citations
    assert "60处" in row.quote.replace(" ", "")
    assert header.quote.startswith("序号 工作任务") and "2028年" in header.quote
    checked = guard_answer(found.text, "answered", found.citations, "未找到")
    assert not checked.report.removed
    # Without the header cited, the guard would drop the sentence (2028 is in no cell).
    assert guard_answer(found.text, "answered", (row,), "未找到").report.removed
    # A cell of numbered items is said as its items (their numbers are no figures of it).
    from assistant.answer.table_rows import _as_clause

    assert _as_clause("1.推出出行APP。2.建设90处站牌。") == "推出出行APP；建设90处站牌"
    assert _as_clause("新建专用道7.1公里。") == "新建专用道7.1公里"
    # An empty cell ("/") answers nothing.
    assert answerer.row_answer("智能调度平台2028年建成几个？") is None
    assert answerer.row_answer("智能调度平台2027年建成几个？") is not None


def test_a_gloss_in_brackets_after_the_section_named_does_not_pick_another_list() -> None:
    # "重点任务（三大工程）": the gloss's 工程 would match the sub-list of 工程 under one task.
    _doc, answerer = _answerer_for(
        "临州市交通行动计划\n三、重点任务\n（一）快速路建设工程。建设快速路30公里。\n"
        "（二）公交提升工程。主要包括以下工程：\n1.新建场站工程。\n2.更新车辆工程。\n3.智能调度工程。\n"
        "（三）慢行系统工程。建设绿道。\n四、保障措施\n（一）加强组织领导\n（二）加强资金保障\n",
        "临州市交通行动计划",
    )
    expected = (
        "《临州市交通行动计划》中“重点任务”包括：快速路建设工程；公交提升工程；慢行系统工程[1]。"
    )
    for question in ("临州市交通行动计划的重点任务（三大工程）包括哪些？", "重点任务包括哪些？"):
        found = answerer.answer(question, None, "list")
        assert found is not None and found.text == expected, question


def test_a_bare_figure_asked_of_a_row_takes_the_rows_unit_cell() -> None:
    _doc, answerer = _answerer_for(
        "临州市公交优先实施方案\n表 1 主要指标\n序号 指标名称 单位 2024年 2026年\n"
        "1 公交分担率 % 30 35\n2 公交线网长度 公里 420 500\n",
        "临州市公交优先实施方案",
    )
    found = answerer.row_answer("公交分担率2026年是多少？")
    assert found is not None
    assert found.text == "《临州市公交优先实施方案》中，“公交分担率”的2026年为35%[1][2]。"
    found = answerer.row_answer("公交线网长度2024年是多少？")
    assert found is not None and "的2024年为420公里[1][2]" in found.text


def test_a_header_asked_without_its_bracketed_qualifier_is_a_column_asked() -> None:
    # "基期值" asks for the column "基期值（2025年）"; the row answers every column named.
    _doc, answerer = _answerer_for(
        "临州市排水规划\n表1 主要指标\n序号 指标 单位 基期值（2025年） 2030年 属性\n"
        "1 雨水管网密度 公里/平方公里 8.2 10 预期性\n2 污水集中收集率 % 70 80 约束性\n",
        "临州市排水规划",
    )
    found = answerer.row_answer("污水集中收集率的基期值、2030年目标和属性分别是什么？")
    assert found is not None
    assert found.text.startswith(
        "《临州市排水规划》中，“污水集中收集率”的基期值（2025年）为70%，2030年为80%，属性为约束性"
    )
    # A header whose bracket the extraction cut ("长度（公") is asked and named by its word.
    # Its unit is the one the document writes that begins so; a year column's cell is a year.
    _lanes, answerer = _answerer_for(
        "临州市公交方案\n到2025年，公交专用道总长度达到30公里。\n"
        "表 4 公交专用道建设表\n序号 项目名称 建设类型 长度（公 建设年限\n"
        "1 滨河路公交专用道 新建 3.5 2024\n2 建设路公交专用道 改建 2 2025\n",
        "临州市公交方案",
    )
    found = answerer.row_answer("滨河路公交专用道的建设类型、长度和建设年限是什么？")
    assert found is not None and "（公" not in found.text
    assert "长度为3.5公里，建设年限为2024年" in found.text


def test_a_cell_value_that_is_a_word_of_the_documents_title_filters_no_rows() -> None:
    _doc, answerer = _answerer_for(
        "临州市排水防涝规划\n表1 主要指标\n序号 类别 指标 单位 2025年 2030年\n"
        "1 排水防涝 易涝积水点消除比例 % 70 100\n2 污水处理 污水集中收集率 % 70 80\n",
        "临州市排水防涝规划",
    )
    rows = answerer._rows  # the table-row reader, on its own
    # 排水防涝 names the document here, not the rows of that category.
    found = rows.answer("临州排水防涝规划里点名的缺水城市有哪些？")
    assert found is None or "类别为" not in found.text
    found = rows.answer("哪些指标的类别是污水处理？")
    assert found is not None and "类别为污水处理的有：污水集中收集率" in found.text


def test_a_command_roster_with_one_holder_a_line_is_a_list_under_its_post() -> None:
    doc = _doc_from_text(
        "临州市防汛应急预案\n2 组织体系\n2.1 市指挥部\n成立市防汛指挥部。\n"
        "指挥长：分管水利工作的副市长\n副指挥长：市政府协管副秘书长\n市水务局局长\n"
        "市应急管理局局长\n成员单位：市水务局、市应急管理局、市气象局。\n"
        "2.2 现场指挥部\n副指挥长由事发地县级人民政府负责同志担任。\n"
    )
    doc = replace(doc, meta=replace(doc.meta, title="临州市防汛应急预案"))
    items = [r for r in extract_records(doc) if isinstance(r, ListItem) and r.parent == "副指挥长"]
    assert [i.text for i in items] == ["市政府协管副秘书长", "市水务局局长", "市应急管理局局长"]
    assert all(doc.text[i.start : i.end] == i.quote for i in items)
    # One holder is no list; the members' line (with its colon) ends the roster.
    assert not [r for r in extract_records(doc) if isinstance(r, ListItem) and r.parent == "指挥长"]
    answerer = RecordAnswerer(extract_records(doc), {doc.meta.doc_id: doc})
    found = answerer.answer("市指挥部的副指挥长由哪些人担任？", None, "list")
    assert found is not None and "市政府协管副秘书长；市水务局局长；市应急管理局局长" in found.text
    # The holders on the post's own line, apart by "，".
    one_line = _doc_from_text(
        "临州市地灾应急预案\n2.1 市指挥部\n副指挥长：市政府副秘书长，市应急管理局局长，"
        "临州军分区副司令员。\n成员单位：市水务局。\n"
    )
    holders = [r.text for r in extract_records(one_line) if isinstance(r, ListItem)]
    assert holders[:3] == ["市政府副秘书长", "市应急管理局局长", "临州军分区副司令员"]


def test_a_series_after_tuijin_is_a_list_named_by_its_section_and_its_lead_is_its_own() -> None:
    # "推进A、B、C的实施": the verb alone names no list, the task heading does; the last item runs
    # over a line break into "的实施". Two tasks mention 城市道路 in their paragraphs; the one whose
    # own heading names it answers who leads.
    doc = _doc_from_text(
        "临州市公交优先实施方案\n二、主要任务\n1. 加快推进智慧交通平台建设\n"
        "建成智慧交通平台，覆盖城市道路和公交线网。\n牵头单位：市大数据局\n"
        "2. 推进城市道路网建设\n2026-2028年，推进临河路南延工程、云岭路北延工程、"
        "站前街拓宽改造工程的实\n施。\n牵头单位：市住建局\n配合单位：市交通运输局\n"
        "3. 加强安全管理\n压茬推进道路运输、水上交通、公路运营等领域隐患整治。\n"
        "4. 规范金融组织\n推进全市担保公司、典当行、小贷机构三类组织规范整治。\n"
    )
    doc = replace(doc, meta=replace(doc.meta, title="临州市公交优先实施方案"))
    records = extract_records(doc)
    # Fields of work after 推进 share no ending: no list of them; a series its count closes is.
    assert not [r for r in records if isinstance(r, ListItem) and r.text == "水上交通"]
    # A series its count closes is named by that count ("三类组织规范整治"), its section kept.
    counted = [r for r in records if isinstance(r, ListItem) and r.parent == "三类组织规范整治"]
    assert [r.text for r in counted] == ["全市担保公司", "典当行", "小贷机构"]
    assert all(r.section.endswith("4. 规范金融组织") for r in counted)
    answerer = RecordAnswerer(records, {doc.meta.doc_id: doc})
    found = answerer.answer("推进城市道路网建设具体有哪些道路工程？", None, "list")
    assert found is not None and found.text == (
        "《临州市公交优先实施方案》中“推进城市道路网建设”包括：临河路南延工程；云岭路北延工程；"
        "站前街拓宽改造工程[1]。"
    )
    lead = answerer.answer("推进城市道路网建设由谁牵头？")
    assert lead is not None and "牵头单位为市住建局" in lead.text


def test_a_counted_series_after_shishi_is_a_list_named_by_its_count() -> None:
    # "以实施A、B、C三项工程为主线": 实施 introduces the names only because their count closes
    # them; "实施道路改造、桥梁加固、隧道整治等工作" (no count, no common ending) is no list.
    doc = _titled_doc(
        "湖滨省2024年水运工作要点\n一、总体要求\n围绕“三个着力”，以实施航道提级、港口提效、"
        "服务提质三项工程为主线，推进水运高质量发展。\n二、重点任务\n"
        "实施航道疏浚、码头改造、船闸维护等工作。\n",
        "water",
        "湖滨省2024年水运工作要点",
        "湖滨水运要点",
    )
    records = list(extract_records(doc))
    items = [r for r in records if isinstance(r, ListItem) and r.kind == "enumeration"]
    assert [(r.parent, r.text) for r in items] == [
        ("三项工程为主线", "航道提级"),
        ("三项工程为主线", "港口提效"),
        ("三项工程为主线", "服务提质"),
    ]
    found = RecordAnswerer(records, {"water": doc}).answer(
        "湖滨水运要点以哪三项工程为主线？", None, "list"
    )
    assert found is not None and "航道提级；港口提效；服务提质" in found.text, found


def test_a_list_named_among_the_askings_verbs_is_found_by_its_nouns() -> None:
    # "靠哪些保障措施来落实": 靠 and 落实 are the asking's words, not the list's heading's.
    doc = _titled_doc(
        "临州市内河航运发展规划\n一、发展基础\n航道里程达到820公里。\n"
        "二、保障措施\n（一）坚持党的领导\n把党的领导贯穿航运发展全过程。\n"
        "（二）加强组织协调\n建立联席会议制度。\n（三）强化要素保障\n统筹用地用海。\n",
        "river",
        "临州市内河航运发展规划",
        "临州内河航运规划",
    )
    found = RecordAnswerer(list(extract_records(doc)), {"river": doc}).answer(
        "临州内河航运规划靠哪些保障措施来落实？", None, "list"
    )
    assert found is not None
    assert "坚持党的领导；加强组织协调；强化要素保障" in found.text


def test_a_working_groups_member_units_are_its_supporting_units() -> None:
    doc = _titled_doc(
        "云岭市森林火灾应急预案\n2.4 工作组\n2.4.1 医疗救护组\n牵头单位:市卫生健康委员会\n\n"
        "成员单位:市民政局、市红十字会及各医疗机构\n\n主要职责:负责伤员救治。\n",
        "fire",
        "云岭市森林火灾应急预案",
        "云岭森林火灾预案",
    )
    records = list(extract_records(doc))
    (group,) = [r for r in records if isinstance(r, Responsibility)]
    assert group.lead_units == ("市卫生健康委员会",)
    assert group.co_units == ("市民政局", "市红十字会及各医疗机构")
    assert group.co_label == "成员单位"
    found = RecordAnswerer(records, {"fire": doc}).answer("云岭森林火灾预案的医疗救护组由谁牵头？")
    assert found is not None
    assert "牵头单位为市卫生健康委员会，成员单位为市民政局、市红十字会及各医疗机构" in found.text


def test_a_list_question_naming_one_item_is_answered_with_that_items_text() -> None:
    doc = _titled_doc(
        "临州市公交都市创建实施方案\n三、主要任务\n（一）公交线网优化行动\n1. 打造三级公交线网结构\n"
        "构建干线、支线、微循环线三级公交线网，形成与城市布局相适应的网络格局。\n"
        "牵头单位：市交通运输局\n2. 提升公交运行效率\n优化调整公交线路，提升运行效率。\n"
        "牵头单位：市交通运输局\n3. 发展定制公交服务\n开通通勤定制公交线路。\n",
        "bus",
        "临州市公交都市创建实施方案",
        "临州公交都市方案",
    )
    answerer = RecordAnswerer(list(extract_records(doc)), {"bus": doc})
    lists = [r for r in answerer.records if isinstance(r, ListItem)]
    focus = "临州公交都市方案 打造 三级公交线网 哪三级"
    inside = answerer._item_named(answerer._weights.weigh(focus, stress_years=False), lists[0])
    assert inside is not None and "打造三级公交线网结构" in inside.text
    found = answerer._item_answer(inside, 1.0)
    assert found is not None
    assert "“打造三级公交线网结构”：构建干线、支线、微循环线三级公交线网" in found.text
    assert "牵头单位" not in found.text
    (cite,) = found.citations
    assert doc.text[cite.quote_start : cite.quote_end] == cite.quote
    # A word every item says ("分为哪几个阶段") names none of them.
    steps = _titled_doc(
        "临州市公交都市创建实施方案\n五、实施步骤\n（一）启动部署阶段（2026年3月前）\n制定方案。\n"
        "（二）全面实施阶段（2026年4月至2027年12月）\n推进建设。\n（三）总结验收阶段（2028年）\n组织验收。\n",
        "bus",
        "临州市公交都市创建实施方案",
        "临州公交都市方案",
    )
    staged = RecordAnswerer(list(extract_records(steps)), {"bus": steps})
    first = next(r for r in staged.records if isinstance(r, ListItem))
    alike = staged._weights.weigh("临州公交都市方案 实施 阶段", stress_years=False)
    assert staged._item_named(alike, first) is None
    # The list itself asked: its items.
    listed = answerer.answer("临州公交都市方案的公交线网优化行动有哪些？", None, "list")
    assert listed is not None and "打造三级公交线网结构；提升公交运行效率" in listed.text


def test_a_grades_criteria_asked_as_conditions_are_its_definition_not_its_issuer() -> None:
    doc = _titled_doc(
        "云岭市森林火灾应急预案\n4 监测预警\n4.3 预警分级\n4.3.1 一级(红色)预警\n"
        "(1)连续3天以上出现极高火险天气的情形。\n(2)发生重大以上森林火灾的情形。\n"
        "4.3.2 二级(橙色)预警\n(1)连续2天出现高火险天气的情形。\n(2)发生较大森林火灾的情形。\n"
        "4.4 预警发布\n一级(红色)预警，由市指挥部报请市政府批准后发布。\n"
        "二级(橙色)预警，由市指挥部指挥长批准后发布。\n",
        "fire",
        "云岭市森林火灾应急预案",
        "云岭森林火灾预案",
    )
    answerer = RecordAnswerer(list(extract_records(doc)), {"fire": doc})
    found = answerer.answer("云岭森林火灾预案里，橙色预警对应什么情形？")
    assert found is not None
    assert "连续2天出现高火险天气" in found.text and "发生较大森林火灾" in found.text
    assert "批准" not in found.text


def test_who_holds_a_post_is_read_from_the_roster_line() -> None:
    doc = _titled_doc(
        "云岭市防汛应急预案\n2 组织体系\n2.1 市防汛指挥部\n指挥长：市政府分管水利工作的副市长\n"
        # The extraction ran the deputies' posts together on one line.
        "副指挥长：市政府协管副秘书长市水利局局长市应急管理局局长\n"
        "成员单位：市发展改革委、市公安局、市财政局。\n"
        "3 应急响应\n现场指挥长由市指挥部指挥长担任。\n",
        "flood",
        "云岭市防汛应急预案",
        "云岭防汛预案",
    )
    records = list(extract_records(doc))
    posts = {
        r.action: r.lead_units
        for r in records
        if isinstance(r, Responsibility) and r.lead_label == "担任"
    }
    assert posts == {
        "指挥长": ("市政府分管水利工作的副市长",),
        "副指挥长": ("市政府协管副秘书长", "市水利局局长", "市应急管理局局长"),
    }
    answerer = RecordAnswerer(records, {"flood": doc})
    chief = answerer.answer("云岭防汛预案的指挥长由谁担任？")
    assert chief is not None and chief.text == (
        "《云岭市防汛应急预案》中，指挥长由市政府分管水利工作的副市长担任[1]。"
    )
    deputy = answerer.answer("云岭防汛预案的副指挥长由谁担任？")
    assert deputy is not None and "副指挥长由市政府协管副秘书长、市水利局局长" in deputy.text
    # Asked with the post after the asking ("谁当指挥长"), the same.
    spoken = answerer.answer("云岭防汛预案里，市指挥部谁当指挥长？")
    assert spoken is not None and spoken.text == chief.text


def test_how_a_document_is_divided_is_its_top_headings() -> None:
    doc = _titled_doc(
        "2026年临州市水运工作要点\n一、加快港口建设\n新建泊位3个。\n二、提升航道等级\n整治航道20公里。\n"
        "三、强化安全监管\n开展隐患排查。\n",
        "water",
        "2026年临州市水运工作要点",
        "临州水运工作要点",
    )
    answerer = RecordAnswerer(list(extract_records(doc)), {"water": doc})
    found = answerer.answer("临州2026年水运工作要点分成哪几大板块？", None, "list")
    assert found is not None
    assert "加快港口建设；提升航道等级；强化安全监管" in found.text


def test_a_roster_table_row_and_a_counted_series_after_a_colon_are_lists() -> None:
    doc = _doc_from_text(
        "云岭县森林火灾应急预案\n2 组织体系\n2.1 县指挥部\n县指挥部组成如下：\n"
        "总指挥 县人民政府县长\n"
        "副总指挥 县人民政府分管林业工作的副县长 县应急管理局局长 县林业局局长\n"
        "成员单位：县公安局、县林业局。\n"
        "2.2 工作组\n前线指挥部下设3个工作组：综合协调组（县应急管理局牵头）、"
        "抢险救援组（县消防救援大队牵头）、后勤保障组（县发展改革局牵头）。\n"
    )
    records = extract_records(doc)
    deputies = [r for r in records if isinstance(r, ListItem) and r.parent == "副总指挥"]
    assert [i.text for i in deputies] == [
        "县人民政府分管林业工作的副县长",
        "县应急管理局局长",
        "县林业局局长",
    ]
    head = [r for r in records if isinstance(r, Responsibility) and r.action == "总指挥"]
    assert head and head[0].lead_units == ("县人民政府县长",)
    groups = [r for r in records if isinstance(r, ListItem) and "前线指挥部下设" in r.parent]
    assert [g.quote for g in groups] == [
        "综合协调组（县应急管理局牵头）",
        "抢险救援组（县消防救援大队牵头）",
        "后勤保障组（县发展改革局牵头）",
    ]
    assert all(doc.text[r.start : r.end] == r.quote for r in deputies + groups)


def test_a_bracket_closing_a_task_names_the_units_that_answer_for_it() -> None:
    doc = _doc_from_text(
        "临州市金融服务行动方案\n一、加强金融供给\n"
        "(一)扩大信贷投放。引导信贷资源向重点领域倾斜。(人行临州分行、各相关金融机构按职责分工负责)\n"
        "(二)规范地方金融组织。推进小额贷款公司规范整治。(市政府办公室负责)\n"
    )
    doc = replace(doc, meta=replace(doc.meta, title="临州市金融服务行动方案"))
    duties = [r for r in extract_records(doc) if isinstance(r, Responsibility)]
    assert [(r.action, r.lead_units) for r in duties] == [
        ("(一)扩大信贷投放", ("人行临州分行", "各相关金融机构")),
        ("(二)规范地方金融组织", ("市政府办公室",)),
    ]
    answerer = RecordAnswerer(extract_records(doc), {doc.meta.doc_id: doc})
    found = answerer.answer("小额贷款公司规范整治归哪个部门管？", None, None)
    assert found is not None
    assert found.text == "《临州市金融服务行动方案》中，“规范地方金融组织”由市政府办公室负责[1]。"


def test_a_term_a_heading_quotes_is_answered_with_that_headings_text() -> None:
    _doc, answerer = _answerer_for(
        "临州市营商环境若干举措\n一、柔性监管\n"
        "1. 设立“企业静默期”。对重点企业每月设置15天静默期，行政执法部门不得入企检查。"
        "(责任单位:市司法局)\n2. 推行联合检查。同一时间开展联合检查。(责任单位:市市场监管局)\n",
        "临州市营商环境若干举措",
    )
    found = answerer.answer("营商环境举措里的“企业静默期”是怎么规定的？")
    assert found is not None and "每月设置15天静默期" in found.text
    assert "市司法局" in found.text and "联合检查" not in found.text


def test_rows_filtered_by_a_value_name_a_dated_caption_without_its_year() -> None:
    _doc, answerer = _answerer_for(
        "临州市生态环境工作要点\n表1 2026年主要指标\n序号 指标 单位 2026年目标值 牵头处室\n"
        "1 氨氮减排量 吨 180 综合处\n2 优良天数比例 % 90 大气处\n3 氮氧化物减排量 吨 2300 综合处\n",
        "临州市生态环境工作要点",
    )
    found = answerer._rows.answer("由综合处牵头的指标有哪些？")
    assert found is not None
    assert found.text == (
        "《临州市生态环境工作要点》表中牵头处室为综合处的有：氨氮减排量[1]；氮氧化物减排量[2]。"
    )
    # No year the cited rows do not hold: the guard keeps it.
    assert not guard_answer(found.text, "answered", found.citations, "未找到").report.removed


def test_a_task_lists_year_cells_answer_a_breakdown_by_year() -> None:
    _doc, answerer = _answerer_for(
        "临州市公交优先实施方案\n附件\n任务清单及进度安排\n"
        "序号 工作任务 具体内容 牵头单位 2026年 2027年\n"
        "1 提升出行信息服务 推广电子站牌，创建期间建设150处电子站牌。 市交通运输局 "
        "在中心城区建设90处电子站牌。 推出出行APP；在中心城区建设60处电子站牌。\n"
        "2 推进场站建设 新建公交场站5个。 市住建局 新建公交场站3个。 新建公交场站2个。\n",
        "临州市公交优先实施方案",
    )
    found = answerer._rows.answer("创建期间要建电子站牌每年分别是多少？")
    assert found is not None
    # Each year's cell, its item about the thing asked when the cell lists several.
    assert "2026年：在中心城区建设90处电子站牌" in found.text
    assert "2027年：在中心城区建设60处电子站牌" in found.text and "APP" not in found.text
    assert not guard_answer(found.text, "answered", found.citations, "未找到").report.removed


def test_the_year_a_task_is_done_in_is_the_year_column_that_says_it() -> None:
    _doc, answerer = _answerer_for(
        "临州市公交优先实施方案\n附件\n任务清单及进度安排\n"
        "序号 工作任务 具体内容 牵头单位 2026年 2027年\n"
        "1 提升出行信息服务 推广电子站牌，创建期间建设150处电子站牌。 市交通运输局 "
        "在中心城区建设90处电子站牌。 推出“临州行”APP；在中心城区建设60处电子站牌。\n"
        "2 推进场站建设 新建公交场站5个。 市住建局 新建公交场站3个。 新建公交场站2个。\n",
        "临州市公交优先实施方案",
    )
    found = answerer._rows.answer("“临州行”APP计划哪一年推出？")
    assert found is not None
    assert "2027年" in found.text and "临州行" in found.text and "2026年" not in found.text
    # The year is cited where it is printed (the header line), with the row.
    assert not guard_answer(found.text, "answered", found.citations, "未找到").report.removed
    # A thing said in every year's cell alike has no one year.
    assert answerer._rows._year_of_task("公交场站哪一年新建？", answerer._rows.rows) is None


def test_a_year_keyed_tables_rows_answer_what_a_year_holds() -> None:
    # Invented: a table keyed by year, its year printed once above the year's rows.
    _doc, answerer = _answerer_for(
        "临州市文旅交通三年行动计划（2026—2028年）\n"
        "一、重点任务\n"
        "（一）干线提速工程。加快建设城际铁路，开工建设临州机场。\n"
        "表 1 干线提速建设任务（2026-2028年）\n"
        "年度 建设内容\n"
        "2026\n1.办理临州机场前期手续；2.续建湖滨高速公路。\n"
        "2027\n1.开工建设临州机场；2.建成湖滨高速公路。\n"
        "（二）绿道提升工程。建设环湖绿道。\n"
        "表 2 绿道建设任务（2026-2028年）\n"
        "年度 项目 建设内容\n"
        "2026\n环湖绿道 新建环湖绿道42公里。\n"
        "滨河绿道 改造滨河绿道18公里。\n"
        "2027\n环湖绿道 持续养护工作。\n",
        "临州市文旅交通三年行动计划（2026—2028年）",
    )
    found = answerer._rows.answer("干线提速建设任务中，2027年要做哪些事？")
    assert found is not None
    assert "2027年" in found.text and "开工建设临州机场；建成湖滨高速公路" in found.text
    # Asked colloquially ("干哪几件事"), the same; "干线" stays a word of the table's name.
    spoken = answerer._rows.answer("干线提速那张表，2027年要干哪几件事？")
    assert spoken is not None and spoken.text == found.text
    # The table called a 任务表 is named by its caption's other words.
    called = answerer._rows.answer("文旅交通计划的干线提速任务表里，2027年要干哪几件事？")
    assert called is not None and called.text == found.text
    assert "2026" not in found.text.replace("2026—2028", "")
    assert not guard_answer(found.text, "answered", found.citations, "未找到").report.removed
    # Several rows of a year, each a name and its content; the year cited where it is printed.
    trails = answerer._rows.answer("绿道建设任务2026年安排了什么？")
    assert trails is not None
    assert "环湖绿道：新建环湖绿道42公里" in trails.text
    assert "滨河绿道：改造滨河绿道18公里" in trails.text
    assert not guard_answer(trails.text, "answered", trails.citations, "未找到").report.removed
    # A year no table row holds, or a caption the question does not name: not this answer.
    assert (
        answerer._rows._year_rows("干线提速建设任务中2030年要做哪些事？", answerer._rows.rows)
        is None
    )
    assert answerer._rows._year_rows("2027年要做哪些事？", answerer._rows.rows) is None


def test_tasks_are_listed_by_the_unit_or_deadline_they_share() -> None:
    # Invented: tasks each ending with their units and deadline.
    _doc, answerer = _answerer_for(
        "临州市河湖治理三年行动方案\n"
        "一、重点任务\n"
        "1.开展入河排污口排查。全面排查入河排污口。（责任单位：市生态环境局、市水利局；"
        "完成时限：2026年12月底前）\n"
        "2.推进河道清淤疏浚。实施主要河道清淤。（责任单位：市水利局；完成时限：长期坚持）\n"
        "3.加强岸线管控。清理违法占用岸线。（责任单位：市自然资源局、市水利局；"
        "完成时限：长期坚持）\n",
        "临州市河湖治理三年行动方案",
    )
    found = answerer.answer("哪些任务的完成时限是“长期坚持”？")
    assert found is not None
    assert "河道清淤" in found.text and "岸线" in found.text
    assert "排污口" not in found.text
    assert not guard_answer(found.text, "answered", found.citations, "未找到").report.removed
    units = answerer.answer("市水利局负责的任务有哪几项？")
    assert units is not None and all(t in units.text for t in ("排污口", "河道清淤", "岸线"))
    # Both named: only the tasks with both.
    both = answerer.answer("市自然资源局负责、长期坚持的任务有哪些？")
    assert both is not None and "岸线" in both.text and "河道清淤" not in both.text
    # Who leads is asked, not which tasks: not this answer.
    who = answerer.answer("长期坚持的河道清淤由哪个单位负责？")
    assert who is None or "的任务有" not in who.text


def test_a_list_whose_items_are_the_kind_asked_is_not_narrowed_to_one_item() -> None:
    _doc, answerer = _answerer_for(
        "临州市扬尘治理行动方案\n"
        "一、工作目标\n到2027年，建筑工地扬尘治理达标率达到95%。\n"
        "二、实施步骤\n"
        "（一）动员部署阶段（2026年3月—2026年5月）。制定实施计划。\n"
        "（二）集中实施阶段（2026年6月—2027年6月）。全面推进各项任务。\n"
        "（三）总结评估阶段（2027年7月—2027年12月）。开展全面评估。\n",
        "临州市扬尘治理行动方案",
    )
    # "实施" and "阶段" are both words of the second item; the question asks for every 阶段.
    found = answerer.answer("临州扬尘治理方案的实施分为哪几个阶段？", hint="list")
    assert found is not None
    for stage in ("动员部署阶段", "集中实施阶段", "总结评估阶段"):
        assert stage in found.text


def test_a_count_written_after_a_lists_items_is_said_with_them() -> None:
    _doc, answerer = _answerer_for(
        "云岭市森林火灾应急预案\n"
        "三、组织指挥体系\n"
        "现场指挥部下设综合协调组、扑救组、后勤保障组3个工作组，由现场总指挥统一指挥。\n",
        "云岭市森林火灾应急预案",
    )
    found = answerer.answer("现场指挥部下设了哪些组？", hint="list")
    assert found is not None
    assert "综合协调组；扑救组；后勤保障组（共3个工作组）" in found.text
    assert not guard_answer(found.text, "answered", found.citations, "未找到").report.removed


def test_an_item_the_question_names_whole_is_answered_by_its_own_text() -> None:
    _doc, answerer = _answerer_for(
        "临州市城市绿化提升方案\n"
        "二、重点工程\n"
        "（一）绿道提升工程。建设环湖绿道30公里。\n"
        "（二）公园建设工程。新建口袋公园10个，改造社区公园5个。\n"
        "（三）行道树补植工程。补植行道树2000株。\n",
        "临州市城市绿化提升方案",
    )
    whole = answerer.answer("临州绿化提升方案有哪些重点工程？", hint="list")
    assert whole is not None and all(
        w in whole.text for w in ("绿道提升工程", "公园建设工程", "行道树补植工程")
    )
    one = answerer.answer("临州绿化提升方案要推进哪些公园建设工程？", hint="list")
    assert one is not None and "口袋公园" in one.text and "行道树" not in one.text


def test_a_long_header_label_and_a_caption_glued_before_the_header_are_read() -> None:
    from assistant.records.tables import iter_rows, table_rows

    # A header cell a long label with bracketed qualifiers; the caption printed one line, then
    # the header one cell a line (joined into one line with the caption by the cleaning).
    doc = _doc_from_text(
        "附件2\n各区污水设施建设任务表\n"
        "序号 县（市、区） 污水站基期值（2025年，个） 2026年目标（个） 2027年目标（个） "
        "需新建乡镇（街道）污水处理站（座）\n"
        "1 东湖区 120 150 180 3\n2 西山区 90 120 150 2\n3 南岸区 60 80 100 4\n"
        "附件3\n重点任务分年度安排表\n序号\n任务\n单位\n2026年\n2027年\n合计\n责任单位\n"
        "1 新建污水管网\n公里\n30\n40\n70 市水务局\n"
        "2 改造雨污合流管\n公里\n10\n20\n30 市住建局\n"
    )
    rows = list(iter_rows(table_rows(doc)))
    south = next(r for r in rows if r.cell("县（市、区）") == "南岸区")
    assert south.cell("需新建乡镇（街道）污水处理站（座）") == "4"
    assert south.table == "各区污水设施建设任务表"
    pipes = next(r for r in rows if r.cell("任务") == "新建污水管网")
    assert pipes.table == "重点任务分年度安排表"
    assert pipes.cell("2027年") == "40" and pipes.cell("责任单位") == "市水务局"


def test_a_red_header_notice_signed_at_the_end_gets_its_title_date_and_issuer(
    tmp_path: Path,
) -> None:
    files = tmp_path / "corpus" / "files"
    files.mkdir(parents=True)
    body = "全省农村供水工作取得明显成效，各地要进一步压实责任，确保供水安全。" * 3
    (files / "notice.txt").write_text(
        "湖滨省水利厅文件\n湖水发〔2026〕3号\n湖滨省水利厅关于做好2026年农村供水保障工作的通知\n"
        "各设区市水利局，厅属有关\n单位：\n"
        + "\n".join(body[i : i + 30] for i in range(0, len(body), 30))
        + "\n湖滨省水利厅\n2026年3月18日\n附件：1.任务分解表\n",
        encoding="utf-8",
    )
    (source,) = list_source_files(tmp_path / "corpus")
    ((meta, _),) = source.documents
    assert meta.title == "湖滨省水利厅关于做好2026年农村供水保障工作的通知"
    assert meta.doc_number == "湖水发〔2026〕3号"
    assert meta.issuer == "湖滨省水利厅" and meta.date == "2026-03-18"
    from assistant.ingest.corpus import load_documents

    (doc,) = load_documents(tmp_path / "corpus")
    (facts,) = [r for r in extract_records(doc) if isinstance(r, DocumentFacts)]
    assert facts.issue_date == "2026年3月18日" and facts.issuer == "湖滨省水利厅"
    # A title longer than a line, wrapped and run on into its addressees, is still the title.
    long_title = "湖滨省住房和城乡建设厅关于开展2026年城镇老旧小区改造“提质扩面”专项行动的通知"
    (files / "notice.txt").write_text(
        "湖滨省住房和城乡建设厅文件\n湖住建发〔2026〕11号\n"
        + long_title[:30] + "\n" + long_title[30:] + "\n各市住房和城乡建设局：\n" + body + "\n",
        encoding="utf-8",
    )  # fmt: skip
    (source,) = list_source_files(tmp_path / "corpus")
    ((meta, _),) = source.documents
    assert meta.title == long_title


def test_a_task_table_with_cells_wrapped_over_lines_is_read_row_by_row() -> None:
    from assistant.records.tables import iter_rows, table_rows

    # Invented: a PDF task table printed one cell a line, long cells wrapped at their width.
    doc = _doc_from_text(
        "附件1\n重点任务分工表\n序号\n任务\n牵头单位\n配合单位\n完成时限\n"
        "1\n中心城区公共充电服务半径\n缩小至1公里以内\n市发展改革委\n"
        "市自然资源和规划局\n、东湖区人民政府\n2028年12月底\n前\n"
        "2\n每个县（市、区）县城建成\n1座集中式公共充电站\n各县（市、区）\n人民政府\n"
        "市发展改革委\n2026年12月底\n前\n"
        "3\n建成车网互动试点项目3个\n临州供电公\n司\n市发展改革委\n2026年12月底\n前\n"
        "4\n机关单位内部停车场充电设施\n配建比例不低于15%\n市机关事务服务\n中心\n市国资委\n"
        "2027年12月底\n前\n"
    )
    rows = {r.number: dict(r.cells) for r in iter_rows(table_rows(doc))}
    assert rows["1"]["任务"] == "中心城区公共充电服务半径缩小至1公里以内"
    assert rows["1"]["配合单位"] == "市自然资源和规划局、东湖区人民政府"
    assert rows["1"]["完成时限"] == "2028年12月底前"
    assert rows["2"]["任务"] == "每个县（市、区）县城建成1座集中式公共充电站"
    assert rows["2"]["牵头单位"] == "各县（市、区）人民政府"
    assert rows["3"]["牵头单位"] == "临州供电公司"
    assert rows["4"]["任务"] == "机关单位内部停车场充电设施配建比例不低于15%"
    assert rows["4"]["牵头单位"] == "市机关事务服务中心" and rows["4"]["配合单位"] == "市国资委"


def test_where_a_body_sits_is_not_asked_as_who_leads() -> None:
    _doc, answerer = _answerer_for(
        "云岭市森林火灾应急预案\n二、组织指挥体系\n"
        "市指挥部下设办公室，办公室设在市应急管理局，办公室主任由市应急管理局局长兼任。\n"
        "三、信息发布\n由市指挥部牵头发布信息，市指挥部办公室协助做好相关工作。\n",
        "云岭市森林火灾应急预案",
    )
    found = answerer.answer("云岭森林火灾应急预案的市指挥部办公室设在哪个单位？")
    assert found is None or "设在市应急管理局" in found.text
    lead = answerer.answer("云岭森林火灾应急预案的信息发布由哪个单位牵头？")
    assert lead is not None and "市指挥部" in lead.text


def test_a_heading_asked_about_something_further_down_is_quoted_from_there() -> None:
    doc, answerer = _answerer_for(
        "临河市交旅融合行动计划\n三、重点任务\n（一）慢行网络提升工程。\n（二）旅游客运提升工程。巩固提高。"
        "城乡公交市域全覆盖，旅游公交实现市区到主要景区直通，稳定运营现有的12条旅游公交直通车。"
        "新增路线。增加临河东站至云岭山、湖滨站至东湖3条旅游公交专线。打造精品。推出5条精品旅游线路。\n"
        "（三）数字平台优化工程。建设智慧旅游平台。\n",
        "临河市交旅融合行动计划",
    )
    found = answerer.answer("临河交旅计划中“旅游客运提升工程”里要新增哪些旅游公交专线？")
    assert found is not None
    assert "新增路线。增加临河东站至云岭山、湖滨站至东湖3条旅游公交专线" in found.text
    # From the run-in label of the part asked, without the next part's label.
    assert "巩固提高" not in found.text and "打造精品" not in found.text
    (citation,) = found.citations
    assert citation.quote in doc.text
    # Asked what the heading holds, its text is quoted from the start as before.
    whole = answerer.answer("临河交旅计划中“旅游客运提升工程”的内容是什么？")
    assert whole is not None and "巩固提高。城乡公交市域全覆盖" in whole.text


def test_a_header_whose_last_cells_are_printed_one_a_line_is_one_header() -> None:
    # The extraction put the first cells on one line and the rest one a line (cleaning joins
    # only cells it reads as header words; "警戒（汛限）水位（米）" is not one); the rows follow,
    # each cell on a line of its own.
    doc = _doc_from_text(
        "附件2\n重点防洪工程一览表\n序号 工程名称 所在镇（街道）\n警戒（汛限）水位（米）\n防汛行政责任人\n"
        "技术责任单位\n1 东湖水库（中型）\n东湖镇\n18.80\n东湖镇镇长\n县水务局\n"
        "2 西岭水库（中型）\n西岭镇\n24.50\n西岭镇镇长\n县水务局\n"
    )
    rows = [r for r in table_rows(doc) if isinstance(r, TableRow)]
    assert [dict(r.cells).get("警戒（汛限）水位（米）") for r in rows] == ["18.80", "24.50"]
    assert dict(rows[0].cells)["工程名称"] == "东湖水库（中型）"
    assert dict(rows[1].cells)["技术责任单位"] == "县水务局"
    assert rows[0].table == "重点防洪工程一览表"


def test_a_lead_or_co_cell_names_only_whole_unit_names() -> None:
    """A question names a row by a unit of its lead/co cell ("市交通运输局牵头的有哪些");
    a wrapped or shifted cell's piece ("输局" of 交通运\\n输局, "创建期间" of a sentence) is no
    unit, so a question saying 交通运输局 or 创建期间 does not filter the table by it."""
    from assistant.answer.table_rows import TableRowAnswerer

    values = TableRowAnswerer._values
    assert values("配合单位", "市交通运输局、市住建局、各区政府等相关单位") == (
        "市交通运输局",
        "市住建局",
        "各区政府",
    )
    assert values("牵头单位", "市工信局（市国资委）、市委") == ("市工信局（市国资委）", "市委")
    assert values("配合单位", "输局") == ()
    assert values("牵头单位", "创建期间") == ()
    assert values("属性", "约束性") == ("约束性",)


def test_a_title_cited_in_a_mis_assembled_task_row_is_not_read_as_its_lead_unit() -> None:
    from assistant.records.tables import iter_rows, table_rows

    # Invented: a task list's merged task whose sub-rows run into its cells, so the lead unit
    # is read from the row's text; the titles it cites end like a unit's name ("…考核办法").
    doc = _doc_from_text(
        "附件：云岭区公交发展任务清单\n"
        "工作任务 具体内容 牵头单位 配合单位 2026 年 2027 年\n"
        "完 善\n政 策\n"
        "体系编制《云岭区公交服务质量考核办法》修编《云岭区公交专项规划》"
        "市交通运输局市财政局、市住建局、市城管局等\n"
        "发布《云岭区停车管理办法》市交警大队市交通运输局、市住建局\n/\n"
        "发布《云岭区停车管理办法》\n/\n"
        "1.编制《云岭区公交服务质量考核办法》；2.修编《云岭区公交专项规划》。\n/ /\n"
        "优 化\n线 网\n"
        "开展公交线网优化调整工作。\n市交通运输局\n市公交公司\n开展线网优化。\n/\n"
    )
    first = next(r for r in iter_rows(table_rows(doc)) if r.cell("工作任务") == "完善政策")
    assert first.lead_units == ("市交通运输局",)


def test_a_year_cell_run_on_over_empty_cells_answers_no_year() -> None:
    from assistant.answer.table_rows import _runs_cells

    # The extraction ran a row's cells and the next rows into one year cell: the empty cells
    # ("//") inside it show it; a cell's own slash ("充电桩/充电枪") does not.
    assert _runs_cells("联合出台《临州公交成本规制办法》//联合出台《临州公交补贴办法》")
    assert _runs_cells("市住建局/ /发布《临州停车管理办法》")
    assert not _runs_cells("在公交场站配套建设充电桩/充电枪40个（把）。")
    _doc, answerer = _answerer_for(
        "临州市公交优先实施方案\n附件\n任务清单及进度安排\n"
        "序号 工作任务 具体内容 牵头单位 2026年 2027年\n"
        "1 完善政策体系 出台公交管理办法。 市交通运输局 "
        "/ 联合出台《临州公交成本规制办法》//联合出台《临州公交补贴办法》\n"
        "2 推进场站建设 新建公交场站5个。 市住建局 新建公交场站3个。 新建公交场站2个。\n",
        "临州市公交优先实施方案",
    )
    assert answerer._rows._year_of_task("公交补贴办法哪一年出台？", answerer._rows.rows) is None


def test_a_run_in_heading_asked_for_its_kind_of_items_answers_with_its_text() -> None:
    # Invented: a numbered task whose heading runs into its text, its measures one clause each.
    _doc, answerer = _answerer_for(
        "临州市文旅融合三年行动计划\n四、重点任务\n"
        "（七）低空旅游建设工程。发展通用航空旅游，开展空中游览。\n"
        "（八）监管协同提升工程。建立联席会议制度，相关部门定期召开会议；实行联合执法制度；"
        "健全投诉机制，畅通12345热线。\n五、保障措施\n加强组织领导。\n",
        "临州市文旅融合三年行动计划",
    )
    found = answerer._leaf_named("文旅计划第（八）项监管协同提升工程具体有哪些措施？", None)
    assert found is not None and "建立联席会议制度" in found.text and "空中游览" not in found.text


def test_a_tasks_rows_after_a_page_break_are_rows_of_their_own() -> None:
    from assistant.records.tables import iter_rows, table_rows

    # Invented: a task list whose merged task cell runs on over a page break; the header is
    # printed again and each row after it has its own lead unit and year cells.
    doc = _doc_from_text(
        "附件：云岭区公交发展任务清单\n"
        "工作任务 具体内容 牵头单位 配合单位 2026 年 2027 年 2028 年\n"
        "完 善\n政 策\n体 系\n"
        "编制《云岭区公交专项规划》\n区交通局\n区财政局、区住建局\n编制《云岭区公交专项规划》\n/ /\n"
        "工作任务 具体内容 牵头单位 配合单位 2026 年 2027 年 2028 年\n"
        "发布《云岭区公交专用道管理办法》\n区交警支队\n区交通局、区住建\n局、区城管局\n/\n"
        "发布《云岭区公交专用道管理办\n法》\n/\n"
        "联合出台《云岭区公交财政补贴办法》\n区工信局、区交通局\n区公交公司\n"
        "联合出台《云岭区公交财政补贴\n办法》\n/ /\n"
        "优 化\n线 网\n"
        "开展公交线网优化调整工作。\n区交通局\n区公交公司\n开展线网优化。\n/ /\n"
    )
    rows = [r for r in iter_rows(table_rows(doc)) if r.cell("工作任务") == "完善政策体系"]
    assert [r.cell("具体内容") for r in rows] == [
        "编制《云岭区公交专项规划》",
        "发布《云岭区公交专用道管理办法》",
        "联合出台《云岭区公交财政补贴办法》",
    ]
    lane, subsidy = rows[1], rows[2]
    assert lane.lead_units == ("区交警支队",) and lane.cell("2027年").startswith("发布")
    assert lane.cell("2026年") == "/" and lane.cell("2028年") == "/"
    assert (
        subsidy.lead_units == ("区工信局", "区交通局") and subsidy.cell("配合单位") == "区公交公司"
    )
    assert subsidy.cell("2026年").startswith("联合出台")


def test_a_period_asked_names_no_row_by_its_years() -> None:
    # A task's content dated "2022-2025年" is not named by a question asking what is done in
    # that period: the years say which column or period, not which row.
    docs = _docs()
    answerer = RecordAnswerer([r for d in docs for r in _records(d)], docs)
    found = answerer._rows.answer(
        "2022-2025年阳泉要实施哪些城市道路工程？", ["yq-transit-metropolis"]
    )
    assert found is None or "微公交" not in found.text


def test_a_vertical_task_with_a_latin_word_and_units_with_other_names_is_one_row() -> None:
    from assistant.records.tables import iter_rows, table_rows

    # Invented: the task printed vertically takes its Latin word on a line of its own; the
    # co-units (one with its other name in brackets) run into the next cell's sentence.
    doc = _doc_from_text(
        "附件：云岭区智慧交通任务清单\n"
        "工作任务 具体内容 牵头单位 配合单位 2026 年 2027 年 2028 年\n"
        "加 快\n推 进\nTOCC\n建 设\n"
        "建成运营云岭区交通运行指挥中心（TOCC），用数据实现交通精准治理。\n"
        "区大数据局\n"
        "区发改委、区工信局（区国资委）、区交通局建成运营云岭区交通运行指挥中心(TOCC)。\n/ /\n"
        "优 化\n线 网\n"
        "开展公交线网优化调整工作。\n区交通局\n区公交公司\n开展线网优化。\n/ /\n"
    )
    rows = {r.cell("工作任务"): r for r in iter_rows(table_rows(doc))}
    tocc = rows["加快推进TOCC建设"]
    assert tocc.lead_units == ("区大数据局",)
    assert tocc.cell("配合单位") == "区发改委、区工信局（区国资委）、区交通局"
    assert tocc.cell("2026年").startswith("建成运营")


def test_a_heading_named_in_other_word_order_answers_with_its_text() -> None:
    _doc, answerer = _answerer_for(
        "临州市公交都市创建实施方案\n（五）基础设施建设行动\n"
        "1. 推进公交场站建设\n结合城市用地条件，推进甲山公交枢纽站、东城停保场等场站建设。\n"
        "2. 推进城市道路网建设\n推进甲路南延工程、乙街拓宽工程的实施。\n",
        "临州市公交都市创建实施方案",
    )
    found = answerer._leaf_named("临州要推进建设的公交场站有哪几个？", None)
    assert found is not None and "甲山公交枢纽站" in found.text and "甲路" not in found.text
    # Words of a short heading said here and there name nothing.
    assert answerer._leaf_named("临州城市道路怎么建设？", None) is None


def test_a_tasks_rows_on_one_page_are_rows_of_their_own() -> None:
    from assistant.records.tables import iter_rows, table_rows

    # Invented: one task printed vertically over two rows of its own (each with its units and
    # years), then the next task.
    doc = _doc_from_text(
        "附件：云岭区公交发展任务清单\n"
        "工作任务 具体内容 牵头单位 配合单位 2026 年 2027 年 2028 年\n"
        "推 进\n场 站\n建 设\n"
        "建设甲山公交枢纽站。\n区交通局\n区住建局、区财政局\n建设甲山公交枢纽站。\n/ /\n"
        "新改建港湾式停靠站13个。\n区住建局\n区交通局\n/\n新改建港湾式停靠站8个。\n"
        "新改建港湾式停靠站5个。\n"
        "优 化\n线 网\n"
        "开展公交线网优化调整工作。\n区交通局\n区公交公司\n开展线网优化。\n/ /\n"
    )
    rows = [r for r in iter_rows(table_rows(doc)) if r.cell("工作任务") == "推进场站建设"]
    assert [r.cell("具体内容") for r in rows] == [
        "建设甲山公交枢纽站。",
        "新改建港湾式停靠站13个。",
    ]
    assert rows[0].lead_units == ("区交通局",) and rows[0].cell("2026年") == "建设甲山公交枢纽站。"
    bays = rows[1]
    assert bays.lead_units == ("区住建局",) and bays.cell("2026年") == "/"
    assert bays.cell("2027年") == "新改建港湾式停靠站8个。"
    assert bays.cell("2028年") == "新改建港湾式停靠站5个。"


def test_a_span_of_years_asks_no_year_column() -> None:
    # "2025到2027年要推进哪些道路工程" asks the period: the 2027 column of whichever task the
    # words touch is no answer; a year asked alone, its column is.
    _doc, answerer = _answerer_for(
        "临州市公交优先实施方案\n附件\n任务清单及进度安排\n"
        "序号 工作任务 具体内容 牵头单位 2026年 2027年\n"
        "1 推进公交场站建设 结合城市用地条件，推进城市公交场站工程建设。 市交通运输局 "
        "建设甲站。 新改建港湾式停靠站5个。\n",
        "临州市公交优先实施方案",
    )
    assert answerer._rows.answer("临州2025到2027年要推进哪些城市道路工程？") is None
    one = answerer._rows.answer("临州公交场站2027年建设什么？")
    assert one is not None and "港湾式停靠站5个" in one.text


def test_unit_lists_run_into_the_next_cell_are_cut_where_they_end() -> None:
    from assistant.records.tables import assemble_cells

    # The co-units run into the year cell's sentence, which lists things with 、 of its own.
    cells = assemble_cells(
        ["推进场站建设。", "区交通局", "区规自局、区公交公司推进甲站、乙站等场站建设。", "/", "/"],
        6,
    )
    assert cells == [
        "推进场站建设。",
        "区交通局",
        "区规自局、区公交公司",
        "推进甲站、乙站等场站建设。",
        "/",
        "/",
    ]
    # The lead units run into the co-units without a pause (the line joining ran them on).
    cells = assemble_cells(
        ["拓宽融资渠道。", "区工信局（区国资委）、区交通局区财政局、区公交公司", "/"], 4
    )
    assert cells == [
        "拓宽融资渠道。",
        "区工信局（区国资委）、区交通局",
        "区财政局、区公交公司",
        "/",
    ]
    # A unit's branch ("省公路局云岭分局") is one unit, not two run together.
    cells = assemble_cells(
        ["建设充电桩。", "区交通局", "区交警支队、省公路局云岭分局、区公交公司"], 4
    )
    assert cells[2] == "区交警支队、省公路局云岭分局、区公交公司"


def test_a_quoted_term_the_first_sentences_say_keeps_the_answer_there() -> None:
    # A heading's first sentences say the term the question quotes (“打捆”): the answer starts
    # there, not at a later sentence (of the next item) that shares more of the question's words.
    docs = _docs()
    answerer = RecordAnswerer([r for d in docs for r in _records(d)], docs)
    found = answerer.answer("环评“打捆”审批针对哪些行业的项目？", None, "list")
    assert found is not None and "玻璃器皿" in found.text


def test_a_cell_value_said_only_inside_a_longer_name_filters_no_rows() -> None:
    # "云岭一号旅游公路" is a road the text names; the rows whose 项目 is 旅游公路 are not it.
    _doc, answerer = _answerer_for(
        "临州市交旅融合行动计划\n一、发展基础\n云岭一号旅游公路建成主线300公里。\n二、重点任务\n"
        "表 2 路网建设任务\n年度 项目 建设内容\n2023 旅游公路 建成支线40公里。\n"
        "2024 旅游公路 持续养护工作。\n",
        "临州市交旅融合行动计划",
    )
    assert answerer._rows.answer("云岭一号旅游公路已经建成了哪些线路？") is None
    found = answerer._rows.answer("项目为旅游公路的有哪些？")
    assert found is not None and "建成支线40公里" in found.text


_LEAD_AND_ANNEX = """临州市城市内涝防治实施方案
一、重点任务
（一）改造易涝点
完成30处易涝点改造。
牵头单位：市住建局、市水务局
配合单位：市财政局
（二）建设排水管网
新建雨水管网120公里。
牵头单位：市水务局
配合单位：市住建局
二、保障措施
各单位按职责分工落实。
表 1 重点任务清单
序号 工作任务 牵头单位 配合单位
1 改造易涝点 市住建局、市水务局 市财政局
2 建设排水管网 市水务局（市河长办） 市住建局
"""


def test_a_lead_is_the_texts_own_line_when_its_annex_row_names_the_same_units() -> None:
    # The annex table's cell adds an aside ("（市河长办）"); the task's "牵头单位：" line in the
    # text says the same units as the document's own sentence, and is what is cited.
    _, answerer = _answerer_for(_LEAD_AND_ANNEX, "临州市城市内涝防治实施方案")
    lead = answerer.answer("建设排水管网由哪个单位牵头？")
    assert lead is not None and "牵头单位为市水务局，配合单位为市住建局" in lead.text
    assert "市河长办" not in lead.text
    assert lead.citations[0].quote.startswith("牵头单位：市水务局")
    # "由哪几个单位牵头" asks who leads, as "由哪些单位牵头" does.
    several = answerer.answer("改造易涝点由哪几个单位牵头？")
    assert several is not None and "牵头单位为市住建局、市水务局" in several.text
