"""Cleaning and structure on the real corpus documents."""

from __future__ import annotations

import itertools
import re

import pytest

from assistant.ingest.cleaning import clean_text, drop_page_furniture, join_broken_lines
from assistant.ingest.corpus import load_documents
from assistant.ingest.structure import (
    heading_kind,
    heading_title,
    parse_sections,
    table_header_cells,
)
from assistant.ingest.types import Document

from .conftest import CORPUS


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {d.meta.doc_id: d for d in load_documents(CORPUS)}


def test_no_bookmarks_or_page_numbers_survive(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        assert "[bookmark:" not in doc.text, doc.meta.doc_id
        lines = doc.text.split("\n")
        for k, line in enumerate(lines):
            # A bare number right under a table's header is its first row number, kept.
            under_header = k > 0 and table_header_cells(lines[k - 1]) is not None
            assert not re.fullmatch(r"[-—–\s]*\d{1,3}[-—–\s]*", line) or not line or under_header, (
                doc.meta.doc_id,
                line,
            )
            assert not re.fullmatch(r"—\s*\d+\s*—", line)


def test_running_page_header_is_dropped(docs: dict[str, Document]) -> None:
    # In the source this title is printed as a page header above a page number, mid-sentence.
    text = docs["yq-transit-metropolis"].text
    assert (
        "国家公交都市评价指标体系要求，本次实施方案制定了与之相适应的阳泉市公交都市创建目标" in text
    )


@pytest.mark.parametrize(
    ("doc_id", "sentence"),
    [
        # 001 breaks every line at the page width, with blank lines between.
        (
            "jc-transport-tourism-2023",
            "为全面贯彻落实《晋城市国民经济和社会发展第十四个五年规划和2035年远景目标纲要》，推动交通运输与文化旅游融合高质量发展",
        ),
        (
            "jc-transport-tourism-2023",
            "坚持融合创新。大力拓展发展空间，构建文旅康养产业集聚群，发展共享经济，提升发展品质。",
        ),
        # 002 breaks mid-sentence and across a page boundary.
        (
            "yq-transit-metropolis",
            "加快提升集约化出行的吸引力和竞争力，充分发挥城市公共交通对经济社会特别是城市发展的支撑引领作用。",
        ),
        # 004 (gazette) breaks some paragraphs mid-word with a blank line.
        (
            "jc-territorial-plan",
            "是编制下位国土空间总体规划、详细规划、相关专项规划和开展各类开发保护建设活动、实施国土空间用途管制的基本依据。",
        ),
    ],
)
def test_broken_sentences_are_joined(docs: dict[str, Document], doc_id: str, sentence: str) -> None:
    lines = docs[doc_id].text.split("\n")
    assert any(sentence in line for line in lines), sentence


def test_table_rows_stay_on_their_own_lines(docs: dict[str, Document]) -> None:
    lines = docs["yq-transit-metropolis"].text.split("\n")
    assert "13 城市公交专用道设置比率 % 4.7 6.5" in lines
    assert "1 城市公共交通机动化出行分担率 % 38.5 39" in lines


def test_headings_and_section_paths(docs: dict[str, Document]) -> None:
    paths = {s.path for s in docs["jc-road-safety-emergency"].sections}
    assert ("1 总则", "1.1 编制目的") in paths
    assert ("2 组织体系与职责", "2.4 现场指挥部及应急工作组职责", "2.4.1 综合协调组") in paths
    plan = {s.path for s in docs["jc-territorial-plan"].sections}
    assert ("第一章 总 则", "第4条 规划期限") in plan
    work = {s.path for s in docs["jl-transport-2023"].sections}
    assert ("附件", "二、着力加快交通项目建设", "5.加快高速公路建设") in work


def test_section_spans_cover_the_text(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        spans = [(s.start, s.end) for s in doc.sections]
        assert spans[0][0] == 0 and spans[-1][1] == len(doc.text)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize(
    ("line", "rank"),
    [
        ("第一章 总 则", 2),
        ("第12条 交通体系", 4),
        ("一、发展基础", 5),
        ("（二） 创建目标", 6),
        ("1. 总体目标", 7),
        ("(3)应急准备", 8),
        ("2.4.1 综合协调组", 7),
        ("5.3.1 Ⅰ级响应", 7),
        ("二、着力加快交通项目建设。完成交通建设投资278亿元、增长8%。", 5),
        ("(2)重大事故，是指造成10人以上30人以下死亡，或者50人以上100人以下重伤", None),
        ("20 红色公交专线 条 0 3", None),
        ("0.04 ≤0.04", None),
        ("全市公路总里程达10030公里。", None),
        # A cell's sentence cut by the layout runs on to the next line: no title.
        ("1.建设临州东站、临州客运站、云岭南站、", None),
        ("一、", 5),
    ],
)
def test_heading_kind(line: str, rank: float | None) -> None:
    assert heading_kind(line) == rank


def test_items_a_cell_runs_together_are_no_headings() -> None:
    # A task cell's list wraps: "1.…" goes on in the next line, which starts item 2 after a
    # stop. Its place names (临河) must not become a section path of the rows below.
    text = (
        "（二）路网工程\n表 2 任务\n1.完成 G999 临河至云岭段改造、省道临云线\n"
        "灾后重建项目；2.开工建设 G998 甲段\n四好农村路 新建300 公里以上。\n"
        "1.坚持规划引领\n各地要按规划推进。\n"
    )
    paths = [s.path for s in parse_sections(text)]
    assert ("（二）路网工程",) in paths
    assert not any(any("临河" in title for title in p) for p in paths)
    # The same cell on one line: its sibling follows a stop in that line.
    one_line = "（二）路网工程\n1.加大临河督导力度。建立考核评价。2.加强安全保障。\n"
    assert not any(len(s.path) > 1 for s in parse_sections(one_line))
    # A numbered line followed by its body is still a heading.
    assert ("（二）路网工程", "1.坚持规划引领") in paths


def test_heading_title_takes_text_before_full_stop() -> None:
    assert (
        heading_title("1.坚持把党的政治建设摆在首位。深入学习贯彻党的二十大精神")
        == "1.坚持把党的政治建设摆在首位"
    )


def test_generic_rules_on_a_new_document() -> None:
    raw = (
        "[bookmark: _Toc1]一、总体要求\n\n到2027年，全市新建充电桩\n\n2000个，实现乡镇全覆盖。\n\n"
        "某某市实施方案\n\n— 3 —\n\n（一）工作目标\n某某市实施方案\n\n— 4 —\n"
    )
    text = clean_text(raw)
    assert "到2027年，全市新建充电桩2000个，实现乡镇全覆盖。" in text.split("\n")
    assert "— 3 —" not in text and "某某市实施方案" not in text and "bookmark" not in text
    sections = parse_sections(text)
    assert sections[-1].path == ("一、总体要求", "（一）工作目标")


def test_repeated_content_line_is_not_mistaken_for_a_header() -> None:
    lines = ["牵头单位：市交通运输局", "", "正文一。", "牵头单位：市交通运输局", "", "正文二。"]
    assert drop_page_furniture(lines).count("牵头单位：市交通运输局") == 2


def test_join_keeps_headings_apart() -> None:
    assert join_broken_lines(["一、指导思想", "以习近平新时代中国特色社会主义思想为指导，"]) == [
        "一、指导思想",
        "以习近平新时代中国特色社会主义思想为指导，",
    ]


def test_a_flattened_table_keeps_its_title_header_and_rows_apart() -> None:
    # As pypdf flattens a table: blank lines between every line, the title and a header cell cut
    # inside its brackets, row 1's number alone under the header, its category printed vertically,
    # a total after the last row.
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
    assert clean_text(raw).split("\n")[:7] == [
        "表 2 排水管网建设表",
        "序号 类别 项目名称 长度（公 建设年限",
        "1",
        "新建类",
        "城东雨水管网 12.5 2026",
        "2 城西雨水管网 8 2027",
        "合计20.5",
    ]


def test_a_header_row_broken_over_lines_is_one_line() -> None:
    lines = [
        "序号 指标名称 单位 2024年（基",
        "期）",
        "2025年 2027年 属性",
        "1 公交站点覆盖率 % 80 90 95 预期性",
    ]
    assert join_broken_lines(lines)[:2] == [
        "序号 指标名称 单位 2024年（基期） 2025年 2027年 属性",
        "1 公交站点覆盖率 % 80 90 95 预期性",
    ]


def test_a_table_cell_next_to_a_few_page_breaks_is_not_a_running_header() -> None:
    lines: list[str] = []
    for page in range(1, 11):
        cell = "约束性" if page in (2, 3) else f"其他{page}"
        lines += ["临州市人民政府公报", f"正文第{page}页的内容。", cell, f"- {page} -", "\f"]
    out = drop_page_furniture(lines)
    # The header printed at every break goes (the first page's, before any break, stays)…
    assert out.count("临州市人民政府公报") == 1
    # …the cell that repeats down its column next to two of ten breaks stays.
    assert out.count("约束性") == 2
    assert not any(line.startswith("- ") for line in out)  # page numbers


def test_an_empty_cell_mark_keeps_the_cells_around_it_apart() -> None:
    # A task list's cells as the extraction leaves them: a unit list wrapped over lines (its
    # pauses would join a sentence's pieces), then the empty year cells ("/") and the next row's
    # task printed vertically. Joined, the whole run would read as one cell.
    lines = [
        "云岭区交通局、云岭区住建",
        "局、云岭区城管局",
        "/",
        "发布《云岭区停车管理办法》",
        "/ /",
        "推 进",
        "公 交",
    ]
    assert join_broken_lines(lines) == [
        "云岭区交通局、云岭区住建局、云岭区城管局",
        "/",
        "发布《云岭区停车管理办法》",
        "/ /",
        "推 进",
        "公 交",
    ]
