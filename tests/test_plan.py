"""Hand-checked question plans and reader checks. The documents and wordings are invented for
these tests (none is an eval question); the expected plans were written by reading them."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.answer.plan import (
    DocumentName,
    Vocabulary,
    answer_type_of,
    asks_nothing,
    match_documents,
    plan_question,
    vocabulary_from,
)
from assistant.answer.reader import Gap, SubAnswer, check, compose, decline_text, unconfirmed_note
from assistant.answer.texts import MISSING_PART, NOTE_UNCONFIRMED, NOTE_UNCONFIRMED_PLAIN
from assistant.answer.types import Citation
from assistant.ingest.types import DocumentMeta

METAS = (
    DocumentMeta(
        "bus", "临河市公交优先发展实施方案", "bus.txt", "临河公交优先方案", region="临河市"
    ),
    DocumentMeta("fire", "云岭市森林火灾应急预案", "fire.txt", region="云岭市", period=""),
    DocumentMeta("flood", "云岭市防汛抗旱应急预案", "flood.txt", region="云岭市"),
    DocumentMeta("work", "2023年全省水运工作要点", "work.txt", region="湖滨省", period="2023年"),
)
VOCAB: Vocabulary = vocabulary_from(METAS, ["较大", "重大"])


def test_an_indicators_target_asked_without_a_question_word_for_numbers_is_a_number() -> None:
    for question in ("临河方案对公交站点覆盖率定了什么目标？", "临河公交正点率的目标值是什么？"):
        (sub,) = plan_question(question, VOCAB).subquestions
        assert sub.answer_type == "number", question
    # Targets of a field, not of one indicator, are a list.
    (sub,) = plan_question("临河公交优先方案有哪些目标？", VOCAB).subquestions
    assert sub.answer_type == "list"


def test_words_asking_what_a_term_means_are_the_answer_type_not_the_focus() -> None:
    for question in (
        "云岭森林火灾应急预案里，“较大火灾”是怎么界定的？",
        "云岭森林火灾应急预案里较大火灾如何认定？",
        "云岭森林火灾应急预案里较大火灾的定义是什么？",
    ):
        (sub,) = plan_question(question, VOCAB).subquestions
        assert sub.answer_type == "definition", question
        assert "火灾" in sub.focus, question
        assert not any(w in sub.focus for w in ("界定", "认定", "定义")), (question, sub.focus)


def test_a_later_clause_leans_on_the_noun_the_first_question_word_picks() -> None:
    sides = _sides("临河2022到2025年要推进哪些公交场站工程？牵头的是哪个部门？")
    assert len(sides) == 2
    assert "公交场站工程" in sides[1] and "2022" not in sides[1] and "到" not in sides[1][:4]


def _sides(question: str) -> list[str]:
    return [s.text for s in plan_question(question, VOCAB).subquestions]


def test_single_question_has_type_document_year_and_stance() -> None:
    plan = plan_question("临河公交优先方案里2025年公交正点率目标是多少？", VOCAB)
    (sub,) = plan.subquestions
    assert sub.answer_type == "number"
    assert sub.constraints.doc_ids == ("bus",)
    assert sub.constraints.years == (2025,)
    assert sub.constraints.stance == "target"
    assert "正点率" in sub.focus and "2025" not in sub.focus
    assert not plan.compare


def test_two_documents_asked_respectively_become_two_sides() -> None:
    plan = plan_question("森林火灾应急预案和防汛抗旱应急预案的指挥部办公室分别设在哪里？", VOCAB)
    assert plan.compare
    assert [s.constraints.doc_ids for s in plan.subquestions] == [("fire",), ("flood",)]
    assert all(s.answer_type == "place" for s in plan.subquestions)
    assert all("分别" not in s.text for s in plan.subquestions)


def test_two_regions_and_two_years_are_distributed() -> None:
    assert _sides("临河和云岭的公交分担率分别是多少？") == [
        "临河的公交分担率是多少",
        "云岭的公交分担率是多少",
    ]
    assert _sides("临河公交分担率2021年和2025年分别是多少？") == [
        "临河公交分担率2021年是多少",
        "临河公交分担率2025年是多少",
    ]
    # One value asked of two places is asked of each, "分别" or not; two years joined without
    # it may be one span, and stay one question.
    assert _sides("临河和云岭的公交分担率达到多少？") == [
        "临河的公交分担率达到多少",
        "云岭的公交分担率达到多少",
    ]
    assert len(_sides("临河公交2021年和2022年累计投资多少？")) == 1
    # The 年 said once after the second year is the first's too: "2023" alone is no year
    # the fact store reads as a column.
    assert _sides("临河公交场站2023和2024年各建多少？") == [
        "临河公交场站2023年建多少",
        "临河公交场站2024年建多少",
    ]
    # The topic said once before the comma is each side's.
    assert _sides("公交分担率，临河的2025年目标和云岭现在的水平，哪个高？") == [
        "公交分担率，临河的2025年目标是多少",
        "公交分担率，云岭现在的水平是多少",
    ]
    # Two years that end a longer list ("基期值、2027年和2030年目标") are columns of one row
    # asked together, not two sides.
    assert len(_sides("临河公交分担率的基期值、2027年和2030年目标分别是多少？")) == 1


def test_a_side_is_not_filled_with_another_years_row() -> None:
    # A row's answer names its year ("…的2024年为20个"); its cited header names every year,
    # so the side asking 2023 is checked on what the answer states.
    from assistant.answer.pipeline import _year_unstated

    side = plan_question("临河公交场站2023年建多少？", VOCAB).subquestions[0]
    stated = "《临河市公交场站建设方案（2023—2025年）》中，“建设公交场站”的2024年为20个"
    gap = _year_unstated(side, stated)
    assert gap is not None and gap.kind == "year" and gap.detail == "2023年"
    # The title's years are no year stated; the year asked, stated, fits.
    assert _year_unstated(side, stated.replace("2024年为", "2023年为")) is None
    assert _year_unstated(side, "《临河市公交场站建设方案（2023—2025年）》：建成8处") is None
    assert (
        _year_unstated(plan_question("临河公交场站建多少？", VOCAB).subquestions[0], stated) is None
    )


def test_a_table_header_line_is_told_from_a_row_and_a_sentence() -> None:
    # A draft that quotes a table's header line first states the row after it (never raw).
    from assistant.answer.pipeline import _header_like

    assert _header_like("县（市、区） 2026年 2027年 2028年 合计")
    assert _header_like("序号 指标名称 单位 2021 年 2025 年")
    assert not _header_like("甲县 3.6 3.8 4.1 11.5")
    assert not _header_like("2026年完成3.6万亩，2027年完成3.8万亩。")


def test_a_change_between_two_years_asks_for_both_values() -> None:
    plan = plan_question("临河公交分担率从2021年到2025年要提高多少？", VOCAB)
    assert plan.compare
    assert [s.constraints.years for s in plan.subquestions] == [(2021,), (2025,)]
    assert all("公交分担率" in s.text for s in plan.subquestions)


def test_a_short_second_question_leans_on_the_first_topic_without_splicing() -> None:
    sides = _sides("临河公交正点率现状是多少？2025年目标是多少？")
    assert len(sides) == 2
    assert sides[1] == "临河公交正点率，2025年目标是多少"
    # No fragment of the first question appears twice in the second.
    assert sides[1].count("正点率") == 1
    plan = plan_question("临河公交正点率现状是多少？2025年目标是多少？", VOCAB)
    assert plan.subquestions[1].constraints.regions == ("临河",)


def test_a_comparison_clause_is_not_a_sub_question() -> None:
    plan = plan_question("临河公交正点率现状是多少，2025年目标是多少？相差多少？", VOCAB)
    assert plan.compare
    assert len(plan.subquestions) == 2
    assert not any("相差" in s.text for s in plan.subquestions)


def test_a_year_in_a_document_name_is_not_a_year_constraint() -> None:
    (sub,) = plan_question("2023年全省水运工作要点提出新建多少个码头？", VOCAB).subquestions
    assert sub.constraints.doc_ids == ("work",)
    assert sub.constraints.years == ()


def test_region_from_an_uploaded_documents_own_metadata_is_known() -> None:
    # 临河 is in no gazetteer: it is known because a document's metadata names it.
    (sub,) = plan_question("临河的公交站点覆盖率是多少？", VOCAB).subquestions
    assert sub.constraints.regions == ("临河",)


def test_answer_types_from_question_words() -> None:
    assert answer_type_of("这项工作由谁牵头？") == "organisation"
    assert answer_type_of("应急响应分为哪几级？") == "list"
    assert answer_type_of("车站打算设哪几个？") == "list"
    assert answer_type_of("一天开几趟车？") == "number"
    assert answer_type_of("方案什么时候印发？") == "date"
    assert answer_type_of("审批时限是几个工作日？") == "duration"
    assert answer_type_of("较大事故是指什么？") == "definition"
    assert answer_type_of("是否设立专项资金？") == "yesno"
    assert answer_type_of("投资多少亿元？") == "number"


def _cite(n: int, quote: str, doc_id: str = "bus", section: str = "") -> Citation:
    meta = next(m for m in METAS if m.doc_id == doc_id)
    return Citation(n, "", doc_id, meta.title, section, quote, quote, 0, len(quote))


def _weigh(text: str) -> dict[str, float]:
    # Every two-character piece of the focus weighs the same: enough to test the check.
    return {text[i : i + 2]: 1.0 for i in range(0, len(text) - 1, 2) if text[i : i + 2].strip()}


METAS_BY_ID = {m.doc_id: m for m in METAS}


def test_check_finds_a_missing_year_value_and_unit() -> None:
    (sub,) = plan_question("临河2030年公交正点率目标是多少？", VOCAB).subquestions
    cited = [_cite(1, "到2025年，公交正点率达到85%。")]
    gap = check(sub, cited, METAS_BY_ID, _weigh, 0.0)
    assert gap is not None and gap.kind == "year" and gap.detail == "2030年"
    (sub,) = plan_question("临河公交场站建设投资多少亿元？", VOCAB).subquestions
    gap = check(sub, [_cite(1, "加快公交场站建设，新建场站12处。")], METAS_BY_ID, _weigh, 0.0)
    assert gap is not None and gap.kind == "value" and gap.detail == "金额"
    fits = check(sub, [_cite(1, "公交场站建设投资3.2亿元。")], METAS_BY_ID, _weigh, 0.0)
    assert fits is None


def test_a_score_asked_needs_a_score_in_the_text() -> None:
    (sub,) = plan_question("临河公交考核评为优秀要达到多少分？", VOCAB).subquestions
    assert sub.constraints.unit == "分"
    # "分为…四个等次" says 分 and a count, not a score.
    grades = _cite(1, "考核结果分为优秀、良好、合格、不合格四个等次。")
    gap = check(sub, [grades], METAS_BY_ID, _weigh, 0.0)
    assert gap is not None and gap.kind == "value" and gap.detail == "分值"
    scored = _cite(1, "考核结果分为优秀（90分及以上）、良好、合格、不合格四个等次。")
    assert check(sub, [scored], METAS_BY_ID, _weigh, 0.0) is None
    # Minutes are not scores.
    (minutes,) = plan_question("临河公交到站要等多少分钟？", VOCAB).subquestions
    assert minutes.constraints.unit == "分钟"


def test_the_value_a_question_gives_does_not_answer_it() -> None:
    (sub,) = plan_question("临河公交场站52.8亿元投资里，社会资本要出多少？", VOCAB).subquestions
    whole = _cite(1, "公交场站估算总投资52.8亿元，通过财政补助和社会资本等多渠道筹集。")
    gap = check(sub, [whole], METAS_BY_ID, _weigh, 0.0)
    assert gap is not None and gap.kind == "value"
    part = _cite(1, "公交场站估算总投资52.8亿元，其中社会资本12亿元。")
    assert check(sub, [part], METAS_BY_ID, _weigh, 0.0) is None
    # Checked on every answer, a stated fact's too (contrast runs whichever the source).
    from assistant.answer.reader import contrast

    gap = contrast(sub, [whole], METAS_BY_ID, _words, "公交场站估算总投资52.8亿元[1]。")
    assert gap is not None and gap.kind == "value"
    assert contrast(sub, [part], METAS_BY_ID, _words, "其中社会资本12亿元[1]。") is None
    # A numeral inside a name ("二次供水") gives no value: "2次" still answers.
    from assistant.answer.reader import _states_amount

    assert _states_amount("全年对二次供水设施开展检查2次。", "二次供水设施每年检查几次")
    # ... nor does a slogan's ("“4+2”产业", "“135”工程", "1+N体系"): no amount asked.
    (growth,) = plan_question("临河金融方案定的贷款余额增长目标是多少？", VOCAB).subquestions
    for label in ("“4+2”特色产业", "“135”工程", "1+N政策体系"):
        slogan = _cite(1, f"聚焦{label}，推动涉农贷款余额稳步提升。")
        assert check(growth, [slogan], METAS_BY_ID, _weigh, 0.0) == Gap("value", "数值"), label
        stated = _cite(1, f"聚焦{label}，推动涉农贷款余额增长10%以上。")
        assert check(growth, [stated], METAS_BY_ID, _weigh, 0.0) is None, label
    # A count that reads like a year ("2000家") is a value; a year asked is none.
    (count,) = plan_question("临河公交2025年为多少家企业提供诊断？", VOCAB).subquestions
    firms = _cite(1, "全年为2000家企业提供免费诊断。")
    assert (
        contrast(count, [firms], METAS_BY_ID, _words, "全年为2000家企业提供免费诊断[1]。") is None
    )


def test_an_undated_target_of_a_five_year_plan_is_for_its_last_year() -> None:
    metas = {"plan": DocumentMeta("plan", "临河市交通运输“十五五”发展规划", "plan.txt")}
    target = Citation(
        1,
        "",
        "plan",
        "临河市交通运输“十五五”发展规划",
        "",
        "公路总里程达到10300公里。",
        "公路总里程达到10300公里。",
        0,
        13,
    )
    (mid,) = plan_question("临河2027年公路总里程要达到多少？", VOCAB).subquestions
    gap = check(mid, [target], metas, _weigh, 0.0)
    assert gap is not None and gap.kind == "year" and gap.detail == "2027年"
    (end,) = plan_question("临河2030年公路总里程要达到多少？", VOCAB).subquestions
    assert check(end, [target], metas, _weigh, 0.0) is None


def test_a_one_year_document_answers_its_year_without_repeating_it() -> None:
    (sub,) = plan_question("湖滨省2023年新建多少个码头？", VOCAB).subquestions
    gap = check(sub, [_cite(1, "新建码头6个。", "work")], METAS_BY_ID, _weigh, 0.0)
    assert gap is None
    # A sentence that dates itself reviews another year: the document's own year is not its.
    review = _cite(1, "2022年，全省新建码头4个。", "work")
    gap = check(sub, [review], METAS_BY_ID, _weigh, 0.0)
    assert gap is not None and gap.kind == "year"


def test_decline_quotes_the_nearest_text_and_names_the_gap() -> None:
    (sub,) = plan_question("临河2030年公交正点率目标是多少？", VOCAB).subquestions
    nearest = _cite(1, "到2025年，公交正点率达到85%。")
    gap = check(sub, [nearest], METAS_BY_ID, _weigh, 0.0)
    assert gap is not None
    text = decline_text(gap, nearest)
    assert "到2025年，公交正点率达到85%" in text and "[1]" in text
    assert "未提及2030年" in text


def test_compose_numbers_each_side_and_names_the_missing_side() -> None:
    plan = plan_question("临河和云岭的公交分担率分别是多少？", VOCAB)
    first, second = plan.subquestions
    answered = SubAnswer(first, "answered", "分担率为40%。[1]", (_cite(1, "分担率为40%。"),))
    missing = SubAnswer(second, "not_found", "", ())
    status, text, cites = compose(plan, [answered, missing])
    assert status == "partial"
    assert text.startswith("（一）分担率为40%。[1]（二）")
    assert MISSING_PART.split("{")[0] in text
    # A side declined for a reason says what the documents do say, with its own quote.
    nearest = _cite(1, "到2025年，云岭公交分担率达到35%。")
    gap = Gap("year", "2030年")
    reasoned = SubAnswer(second, "not_found", decline_text(gap, nearest), (nearest,), gap=gap)
    status, text, cites = compose(plan, [answered, reasoned])
    assert status == "partial" and MISSING_PART.split("{")[0] not in text
    assert "（二）" in text and "未提及2030年" in text and "[2]" in text
    assert [c.n for c in cites] == [1, 2]
    both = SubAnswer(second, "answered", "分担率为35%。[1]", (_cite(1, "分担率为35%。"),))
    status, text, cites = compose(plan, [answered, both])
    assert status == "answered"
    assert "分担率为35%。[2]" in text and [c.n for c in cites] == [1, 2]


def test_a_side_labelled_partial_makes_the_whole_answer_partial() -> None:
    plan = plan_question("临河和云岭的公交分担率分别是多少？", VOCAB)
    first, second = plan.subquestions
    sure = SubAnswer(first, "answered", "分担率为40%。[1]", (_cite(1, "分担率为40%。"),))
    unsure = SubAnswer(second, "partial", "线路有12条。[1]", (_cite(1, "线路有12条。"),))
    status, text, _ = compose(plan, [sure, unsure])
    assert status == "partial"
    # Both sides are shown; no verdict is drawn from a side the reader is unsure of.
    assert "（二）线路有12条。[2]" in text and "比较" not in text


def test_the_unconfirmed_note_names_the_words_the_quotes_leave_out() -> None:
    note = unconfirmed_note(["分担率", "2030年目标"])
    assert note == NOTE_UNCONFIRMED.format(missing="分担率”“目标")
    # Nothing nameable: the plain note, still asking for a check.
    assert unconfirmed_note([]) == NOTE_UNCONFIRMED_PLAIN


def test_a_duration_in_years_is_a_value_and_a_calendar_year_is_not() -> None:
    (sub,) = plan_question("临河公交站亭延续使用最长能用多久？", VOCAB).subquestions
    assert sub.answer_type == "duration"
    assert check(sub, [_cite(1, "延续使用时间不超过2年。")], METAS_BY_ID, _weigh, 0.0) is None
    gap = check(sub, [_cite(1, "站亭于2025年完成更新。")], METAS_BY_ID, _weigh, 0.0)
    assert gap is not None and gap.kind == "value"


def test_a_level_record_without_criteria_is_phrased_from_who_decides() -> None:
    from assistant.answer.records import RecordAnswerer
    from assistant.ingest.types import Document
    from assistant.records.types import Definition

    # A 发布权限 clause written for this test: it states approver and publisher, no criteria.
    text = "4.4 发布权限\n红色预警由市指挥部报请市政府批准后，由市指挥部办公室发布。"
    meta = DocumentMeta("fire", "云岭市森林火灾应急预案", "fire.txt", region="云岭市")
    start = text.index("红色")
    record = Definition(
        "fire",
        "4.4 发布权限",
        text[start:],
        start,
        len(text),
        term="红色预警",
        level="红色",
        approver="市政府",
        publisher="市指挥部办公室",
    )
    answerer = RecordAnswerer([record], {"fire": Document(meta, text, ())})
    found = answerer.answer("森林火灾红色预警的标准是什么？")
    assert found is not None
    assert found.text == (
        "《云岭市森林火灾应急预案》规定：红色预警，由市政府批准或决定，由市指挥部办公室发布[1]。"
    )
    assert "是指" not in found.text


def test_a_sentence_states_where_things_stand_or_where_they_are_to_be() -> None:
    from assistant.lang.patterns import stance_of

    assert stance_of("全市渡口总数达120处，较“十四五”期增加8处。") == "current"
    assert stance_of("截至2024年底，已建成码头15座。") == "current"
    assert stance_of("到2030年，渡口总数力争达到150处。") == "target"
    # No cue of its own: the section heading decides; without one, nothing is said.
    assert stance_of("渡口总数达到150处。", "二、发展目标") == "target"
    assert stance_of("渡口总数达120处。", "一、发展基础") == "current"
    assert stance_of("渡口总数达120处。") == ""


def test_a_clause_asking_both_stances_constrains_neither() -> None:
    plan = plan_question("临河公交分担率的现状和2030年目标有什么不同？", VOCAB)
    assert all(s.constraints.stance == "" for s in plan.subquestions)
    plan = plan_question("临河公交分担率的目标是多少？", VOCAB)
    assert plan.subquestions[0].constraints.stance == "target"


def test_a_comparison_says_which_side_is_higher_without_a_new_figure() -> None:
    from assistant.answer.texts import COMPARE_FIRST_HIGHER, SUPPORT_LEAD

    plan = plan_question("临河和云岭的公交分担率哪个更高？", VOCAB)
    assert plan.compare and len(plan.subquestions) == 2
    first, second = plan.subquestions
    a = SubAnswer(
        first, "answered", f"分担率40%[1]。{SUPPORT_LEAD}到2025年分担率40%。[1]", (_cite(1, "x"),)
    )
    b = SubAnswer(
        second, "answered", f"分担率35%[1]。{SUPPORT_LEAD}到2025年分担率35%。[1]", (_cite(1, "y"),)
    )
    status, text, _ = compose(plan, [a, b])
    assert status == "answered" and text.endswith(COMPARE_FIRST_HIGHER)
    # A side stating two values (现状 and 目标) gives no verdict: which one would be compared?
    two = SubAnswer(
        second, "answered", f"现状30%，目标35%[1]。{SUPPORT_LEAD}…[1]", (_cite(1, "z"),)
    )
    assert not compose(plan, [a, two])[1].endswith("。比较")
    assert "比较" not in compose(plan, [a, two])[1]


def test_a_missing_side_is_named_with_its_place_and_focus_words_only() -> None:
    plan = plan_question("临河和云岭的公交分担率分别是多少？", VOCAB)
    first, second = plan.subquestions
    answered = SubAnswer(first, "answered", "分担率为40%。[1]", (_cite(1, "分担率为40%。"),))
    _, text, _ = compose(plan, [answered, SubAnswer(second, "not_found", "", ())])
    assert "（二）关于云岭“公交分担率”，未在已收录文件中找到答案。" in text


def test_a_title_spelled_out_names_its_document_among_titles_alike() -> None:
    # Two titles share their distinctive words ("数字经济"); the generic words and the year the
    # reference spells out decide, and a reference that fits both equally names neither.
    vocabulary = Vocabulary(
        (
            DocumentName(
                "yb", "临州市数字经济高质量发展三年行动计划（2025—2027年）", region="临州市"
            ),
            DocumentName("fj", "2025年全省数字经济工作要点"),
        )
    )
    named = match_documents("《2025年全省数字经济工作要点》中电子商务交易额是多少？", vocabulary)
    assert [d for _, d in named] == ["fj"]
    named = match_documents("临州数字经济三年行动计划里5G基站多少个？", vocabulary)
    assert [d for _, d in named] == ["yb"]


def test_a_day_named_relative_to_now_asks_for_live_information() -> None:
    # A place the documents cover does not make "what is it like today" answerable from them;
    # the current year and the present state of things are what documents do speak of.
    for question in ("临河明天会下雨吗？", "今晚云岭有什么活动？"):
        (sub,) = plan_question(question, VOCAB).subquestions
        assert asks_nothing(sub, _weigh), question
    for question in ("临河今年公交正点率目标是多少？", "临河现在公交正点率是多少？"):
        (sub,) = plan_question(question, VOCAB).subquestions
        assert not asks_nothing(sub, _weigh), question


def test_a_document_named_with_another_place_is_not_that_places_document() -> None:
    # 云岭 has documents, but not this one: the reference names no indexed document, and the
    # place stays a constraint (so the answer declines rather than quoting 临河's plan).
    (sub,) = plan_question("云岭市公交优先发展实施方案的目标是什么？", VOCAB).subquestions
    assert sub.constraints.doc_ids == () and sub.constraints.regions == ("云岭",)
    (sub,) = plan_question("临河市公交优先发展实施方案的目标是什么？", VOCAB).subquestions
    assert sub.constraints.doc_ids == ("bus",)


def test_two_whole_phrases_compared_are_asked_each_on_its_own() -> None:
    # Each side has its own place and its own words; the compare cue leaves both sides.
    assert _sides("临河公交分担率和云岭2023年的公交分担率一样吗？") == [
        "临河公交分担率是多少",
        "云岭2023年的公交分担率是多少",
    ]
    assert _sides("临河和云岭的公交分担率哪个高？") == [
        "临河的公交分担率是多少",
        "云岭的公交分担率是多少",
    ]
    # Not a quantity: what each says.
    assert _sides("云岭森林火灾应急预案和云岭防汛抗旱应急预案对演练的要求一样吗？") == [
        "云岭森林火灾应急预案对演练的要求是什么",
        "云岭防汛抗旱应急预案对演练的要求是什么",
    ]


def test_the_other_side_of_a_comparison_may_bring_its_own_year_and_stance() -> None:
    sides = _sides("临河公交分担率跟云岭2025年的目标比，哪个高？")
    assert sides == ["临河公交分担率是多少", "云岭2025年目标公交分担率是多少"]
    second = plan_question(sides[1], VOCAB).subquestions[0].constraints
    assert second.regions == ("云岭",) and second.years == (2025,) and second.stance == "target"


def test_a_side_stated_without_quotes_after_it_counts_for_the_verdict() -> None:
    from assistant.answer.texts import COMPARE_SAME

    plan = plan_question("临河和云岭的公交分担率一样吗？", VOCAB)
    first, second = plan.subquestions
    a = SubAnswer(
        first, "answered", "《临河》中，公交分担率2021年现状值为40%。[1]", (_cite(1, "x"),)
    )
    b = SubAnswer(
        second, "answered", "分担率达40%[1]。依据原文：…分担率达40%。[1]", (_cite(1, "y"),)
    )
    assert compose(plan, [a, b])[1].endswith(COMPARE_SAME)


def test_two_questions_asking_a_body_get_no_comparison_of_the_figures_their_quotes_carry() -> None:
    from assistant.answer.texts import COMPARE_SAME

    plan = plan_question("临河防汛指挥部办公室设在哪个单位？办公室主任由谁兼任？", VOCAB)
    first, second = plan.subquestions
    assert first.answer_type == second.answer_type == "organisation"
    a = SubAnswer(first, "answered", "办公室设在县水务局，1小时内报告。[1]", (_cite(1, "x"),))
    b = SubAnswer(second, "answered", "主任由副局长兼任，1小时内报告。[1]", (_cite(1, "y"),))
    status, text, _ = compose(plan, [a, b])
    assert status == "answered" and not text.endswith(COMPARE_SAME)
    assert "比较" not in text


def test_a_frame_before_the_topic_is_kept_with_it_for_a_later_clause() -> None:
    # "…表中，X2025年的目标值是多少？属于什么属性？": the later clause is about X, in that table.
    assert _sides("临河公交指标表中，公交分担率2025年的目标值是多少？属于什么属性？") == [
        "临河公交指标表中，公交分担率2025年的目标值是多少",
        "临河公交指标表中公交分担率，属于什么属性",
    ]


def test_two_levels_each_with_the_same_noun_are_asked_each() -> None:
    assert _sides("云岭市森林火灾应急预案中，Ⅱ级响应和Ⅳ级响应分别由谁决定启动？") == [
        "云岭市森林火灾应急预案中，Ⅱ级响应由谁决定启动",
        "云岭市森林火灾应急预案中，Ⅳ级响应由谁决定启动",
    ]


def test_two_quoted_grades_asked_where_the_line_is_drawn_are_asked_each() -> None:
    assert _sides("云岭防汛里“重大”和“较大”在受灾人数上是怎么划线的？") == [
        "云岭防汛里“重大”在受灾人数上是怎么划线的",
        "云岭防汛里“较大”在受灾人数上是怎么划线的",
    ]


def test_two_names_joined_before_what_is_compared_are_asked_each() -> None:
    # Names that are no place or document of the corpus ("主城区", "南村片区").
    assert _sides("云岭中心城区里主城区和南村片区的防洪标准一样吗？") == [
        "云岭中心城区里主城区的防洪标准是什么",
        "云岭中心城区里南村片区的防洪标准是什么",
    ]
    # "分别" asks each too; the 中 of "中心城区" is no frame word cutting the first name.
    assert _sides("云岭空间规划里，中心城区和南村片区的防洪标准分别是多少？") == [
        "云岭空间规划里，中心城区的防洪标准是什么",
        "云岭空间规划里，南村片区的防洪标准是什么",
    ]
    # "A和B，X哪个定得高": what is compared of both said after a comma, the cue loosely worded.
    assert _sides("临河的公交正点率和乘客满意度，2026年目标哪个定得高？") == [
        "临河的公交正点率2026年目标是多少",
        "临河的乘客满意度2026年目标是多少",
    ]
    # Two question words in one clause, each with what it counts: one side each.
    assert _sides("临州行动计划中，2026年要建几个市级中心、几个县级中心？") == [
        "临州行动计划中，2026年要建几个市级中心",
        "临州行动计划中，2026年要建几个县级中心",
    ]
    # Two places each with its own time: each side keeps its own; "哪个更严" only compares.
    assert _sides("临河今年和云岭“十五五”的公交正点率目标分别是多少？哪个更严？") == [
        "临河今年的公交正点率目标是多少",
        "云岭“十五五”的公交正点率目标是多少",
    ]
    # A later clause opening with the last word of a name the first said means that name.
    assert _sides("云岭防汛抗旱指挥部的总指挥由谁担任？指挥部办公室设在哪个部门？") == [
        "云岭防汛抗旱指挥部的总指挥由谁担任",
        "云岭防汛抗旱指挥部办公室设在哪个部门",
    ]
    # "A和B两条X的…": two names counted, each asked the rest; the kind is not said twice.
    assert _sides(
        "临州公交方案中，滨河路和建设路两条新建公交专用道的长度和建设年限分别是什么？"
    ) == [
        "临州公交方案中，滨河路新建公交专用道的长度和建设年限分别是什么",
        "临州公交方案中，建设路新建公交专用道的长度和建设年限分别是什么",
    ]
    assert _sides("2026年临州东站和临州北站两个站要建什么？") == [
        "2026年临州东站要建什么",
        "2026年临州北站要建什么",
    ]
    # "A和B分别占多少": what each is asked comes after 分别.
    assert _sides("临州空间规划中，居住用地和交通运输用地分别占多少比例？") == [
        "临州空间规划中，居住用地占多少比例",
        "临州空间规划中，交通运输用地占多少比例",
    ]
    # "X和云岭比，哪个高": each side asks for its own value, the cue left out.
    assert _sides("临河的公交分担率和云岭比，哪个高？") == [
        "临河的公交分担率是多少",
        "云岭的公交分担率是多少",
    ]


def test_a_place_spelled_with_its_suffix_is_still_one_side() -> None:
    # "临河市和云岭": the place's 市 is no part of what joins the two.
    assert _sides("临河市和云岭2023年公交分担率分别是多少？") == [
        "临河2023年公交分担率是多少",
        "云岭2023年公交分担率是多少",
    ]


def test_how_long_asks_a_length_and_how_long_a_time_does_not() -> None:
    from assistant.answer.plan import plan_question

    def unit(question: str) -> str:
        return plan_question(question, Vocabulary()).subquestions[0].constraints.unit

    assert unit("临河地铁一号线有多长？") == "长度"
    assert unit("从临河到云岭有多远？") == "长度"
    assert unit("审批要多长时间？") == ""
    assert unit("临河地铁一号线有多少公里？") == "公里"


def test_the_quantity_asked_implies_its_unit() -> None:
    from assistant.answer.plan import plan_question
    from assistant.answer.reader import _in_unit

    def unit(question: str) -> str:
        return plan_question(question, Vocabulary()).subquestions[0].constraints.unit

    # Money, a share and a speed are answered in their own units whatever the words around.
    assert unit("湖区改造计划投入多少资金？") == "元"
    assert unit("新城片区的总投资是多少？") == "元"
    assert unit("贷款余额增速定了多少的目标？") == "%"
    assert unit("财政支出占比是多少？") == "%"
    assert unit("货车在城区限速多少？") == "速度"
    # A count after the question word asks a count; 频率 is no share.
    assert unit("今年投资多少个项目？") == ""
    assert unit("演练频率是多少？") == ""
    # Not every 率 is a share ("死亡率" in 人/百万车公里): a rate is a share or a ratio, never a
    # plain amount; nor is a subsidy asked always an amount of money.
    assert unit("行车事故死亡率是多少？") == "率"
    assert _in_unit("率", "0.5人/百万车公里") and _in_unit("率", "92.5%")
    assert not _in_unit("率", "受害森林面积超过10公顷")
    assert unit("运营补贴到位了多少？") == ""
    assert not _in_unit("元", "完成5家水运企业老旧船舶更新") and _in_unit("元", "投资12亿元")
    assert _in_unit("速度", "限速60公里/小时") and not _in_unit("速度", "3人以上5人以下")


def test_a_number_of_years_is_not_a_calendar_year() -> None:
    from assistant.answer.reader import _in_unit

    assert _in_unit("年", "有效期3年") and _in_unit("年", "期限为五年")
    assert not _in_unit("年", "2025年目标值为19公里/小时")
    assert _in_unit("长度", "长度（公：6.4") and not _in_unit("长度", "设置率为6.5%")


def test_a_level_word_naming_a_thing_no_document_grades_is_no_level() -> None:
    from assistant.answer.pipeline import _grades

    scales = {"事故", "响应", "预警"}
    assert not _grades("临河三级集散中心2024年建什么", "三级", scales)
    assert not _grades("一级公路有多长", "一级", scales)
    for text, level in (
        ("一级红色预警的降雨标准", "一级"),
        ("Ⅰ级应急响应由谁启动", "Ⅰ级"),
        ("较大以上事故多久报告", "较大"),
        ("那二级的呢", "二级"),
        ("一般事故的标准", "一般"),
        # An event graded whose scale no definition record caught: still a grade.
        ("较大城市内涝灾害的死亡人数标准", "较大"),
        ("重大道路交通安全突发事件多久报告", "重大"),
    ):
        assert _grades(text, level, scales), text


def test_a_title_in_brackets_that_names_no_document_held_is_absent() -> None:
    from assistant.answer.plan import absent_documents

    # Same place and kind as a held plan, another subject: not held.
    quake = "《云岭市地质灾害应急预案》的响应分几级？"
    assert absent_documents(quake, VOCAB) == ["《云岭市地质灾害应急预案》"]
    (sub,) = plan_question(quake, VOCAB).subquestions
    assert sub.constraints.absent_docs == ("《云岭市地质灾害应急预案》",)
    assert not sub.constraints.doc_ids
    # A held plan spelled loosely is that plan.
    for loose, doc in (
        ("《云岭市防汛应急预案》的响应分几级？", "flood"),
        ("《临河市公交优先实施方案》里正点率目标是多少？", "bus"),
    ):
        assert absent_documents(loose, VOCAB) == []
        assert plan_question(loose, VOCAB).subquestions[0].constraints.doc_ids == (doc,)
    # Another kind of document on the same subject is another document (a 办法 the plan says
    # will be drawn up, a 条例 beside a 方案) unless the title is otherwise nearly the same.
    for other in (
        "《临河市公交优先管理办法》有哪些规定？",
        "《临河市公交优先发展条例》怎么规定的？",
    ):
        assert absent_documents(other, VOCAB) == [other[: other.index("》") + 1]], other
        (sub,) = plan_question(other, VOCAB).subquestions
        assert sub.constraints.absent_docs and not sub.constraints.doc_ids, other
    assert absent_documents("《临河市公交优先发展实施计划》的目标？", VOCAB) == []
    refers = _cite(1, "发生地质灾害的，按照《云岭市地质灾害应急预案》执行。", "flood")
    said = decline_text(Gap("document", "《云岭市地质灾害应急预案》"), refers)
    assert said.startswith("已收录的文件中没有《云岭市地质灾害应急预案》，无法回答。")
    assert "但这不是《云岭市地质灾害应急预案》的内容" in said


def test_a_title_the_documents_cite_but_the_corpus_lacks_is_absent_without_brackets() -> None:
    # The flood plan cites a quake plan the corpus does not hold (and the bus plan it does);
    # asked of by that title without 《》, the quake plan is still not held.
    cites = "发生地质灾害的，按照《云岭市地质灾害\n应急预案》执行；公交按《临河市公交优先发展实施方案》。"
    vocab = vocabulary_from(METAS, ["较大", "重大"], texts=[cites])
    assert vocab.cited_unheld == ("云岭市地质灾害应急预案",)
    (sub,) = plan_question("云岭市地质灾害应急预案的响应分几级？", vocab).subquestions
    assert sub.constraints.absent_docs == ("《云岭市地质灾害应急预案》",)
    # Without the documents citing it, a bare title is read as before (no absent document).
    (before,) = plan_question("云岭市地质灾害应急预案的响应分几级？", VOCAB).subquestions
    assert before.constraints.absent_docs == ()
    (held,) = plan_question("临河市公交优先发展实施方案的目标是什么？", vocab).subquestions
    assert held.constraints.absent_docs == () and held.constraints.doc_ids == ("bus",)
    # What the citing plan does with it ("按照…执行") is asked of the plan, which is held.
    (task,) = plan_question("发生地质灾害时按照云岭市地质灾害应急预案执行吗？", vocab).subquestions
    assert task.constraints.absent_docs == ()
    # So is who leads issuing it, asked by its title in 《》 (even cut short).
    issuing = "按计划发布《临河市停车管理办法》，由市交警支队牵头。"
    plans = vocabulary_from(METAS, ["较大", "重大"], texts=[issuing])
    (lead,) = plan_question("《停车管理办法》由谁牵头？", plans).subquestions
    assert lead.constraints.absent_docs == ()
    (content,) = plan_question("《停车管理办法》对停车收费有什么规定？", plans).subquestions
    assert content.constraints.absent_docs == ("《停车管理办法》",)
    # Its place written without 市 is still that title.
    quake = vocabulary_from(METAS, ["较大", "重大"], texts=["按照《临河市地质灾害应急预案》执行。"])
    (short,) = plan_question("临河地质灾害应急预案的响应分几级？", quake).subquestions
    assert short.constraints.absent_docs == ("《临河市地质灾害应急预案》",)


def test_a_value_dated_to_another_year_by_its_own_sentence_is_not_the_year_asked() -> None:
    from assistant.answer.reader import _years_dated, contrast

    assert _years_dated("到2035年，人口控制在215万人左右") == {2035}
    assert _years_dated("较2020年增长8%，2025年达到") == {2025}
    assert _years_dated("2023—2025年每年新建300公里") == {2023, 2024, 2025}
    # A list of years may drop a 年; a figure in a unit is no year.
    assert _years_dated("2023年新改建416公里，2024新改建300公里以上") == {2023, 2024}
    assert _years_dated("面积2030平方千米，共2024个站点") == set()
    (sub,) = plan_question("临河2030年公交正点率目标是多少？", VOCAB).subquestions
    later = _cite(1, "到2035年，公交正点率达到90%。")
    goal = _cite(2, "到2030年，交通强市建设实现重大跨越。")
    gap = contrast(sub, [later, goal], METAS_BY_ID, _words, "公交正点率达到90%[1]")
    assert gap is not None and gap.kind == "year"
    undated = _cite(1, "公交正点率达到90%。")
    assert contrast(sub, [undated, goal], METAS_BY_ID, _words, "达到90%[1]") is None


def test_a_time_asked_needs_a_text_that_says_a_time() -> None:
    (sub,) = plan_question("临河公交优先方案里滨河路公交专用道什么时候建成？", VOCAB).subquestions
    assert sub.answer_type == "date"
    started = _cite(1, "新开工滨河路公交专用道。")
    assert check(sub, [started], METAS_BY_ID, _weigh, 0.0) == Gap("value", "时间")
    for when in ("滨河路公交专用道2026年建成。", "滨河路公交专用道年底前建成。"):
        assert check(sub, [_cite(1, when)], METAS_BY_ID, _weigh, 0.0) is None


def test_a_count_asked_with_its_measure_word_is_no_word_to_match() -> None:
    (sub,) = plan_question("临河公交优先方案里的“三网”是哪三张网？", VOCAB).subquestions
    assert "三张" not in sub.terms and "三张" not in sub.focus
    (kinds,) = plan_question("临河公交优先方案把线路分成哪几类？", VOCAB).subquestions
    assert "几类" not in kinds.terms and "类" not in kinds.focus
    # "哪些部门": the kind asked is still named by the word after 哪些.
    (org,) = plan_question("临河公交优先方案由哪些部门牵头？", VOCAB).subquestions
    assert "部门" not in org.focus


def test_a_body_asked_needs_a_text_that_names_a_body() -> None:
    (sub,) = plan_question("临河公交优先方案里公交专用道建设归哪个处室管？", VOCAB).subquestions
    assert sub.answer_type == "organisation"
    assert answer_type_of("“快速内环”由哪些道路组成？") != "organisation"
    assert answer_type_of("“临河行”APP是由哪两个APP整合而来的？") != "organisation"
    task = _cite(1, "全年新建公交专用道12公里。")
    assert check(sub, [task], METAS_BY_ID, _weigh, 0.0) == Gap("value", "负责单位")
    office = _cite(1, "公交专用道建设由市交通运输局牵头。")
    assert check(sub, [office], METAS_BY_ID, _weigh, 0.0) is None


def test_a_banner_or_league_is_a_place_with_its_ending() -> None:
    from assistant.answer.reader import _named_places

    assert _named_places("喀喇沁旗的半专业扑火队员是多少人？", None) == ["喀喇沁旗"]
    assert _named_places("锡林郭勒盟的目标是多少？", None) == ["锡林郭勒盟"]


def test_a_planned_quantity_of_another_kind_is_not_the_one_asked() -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question("湖滨省2023年港口建设投资计划是多少？", VOCAB).subquestions
    total = _cite(1, "完成交通建设投资278亿元、增长8%。", "work")
    gap = contrast(sub, [total], METAS_BY_ID, _words, "完成交通建设投资278亿元[1]")
    assert gap is not None and gap.kind == "sibling" and gap.detail.startswith("港口|")
    (same,) = plan_question("湖滨省2023年交通建设投资计划是多少？", VOCAB).subquestions
    assert contrast(same, [total], METAS_BY_ID, _words, "完成交通建设投资278亿元[1]") is None


def test_a_level_is_named_only_as_a_level_of_its_own() -> None:
    from assistant.lang.patterns import mentions_level

    assert not mentions_level("重大", "（1）特别重大城市内涝灾害（Ⅰ级）：死亡10人以上")
    assert mentions_level("重大", "（2）重大城市内涝灾害（Ⅱ级）：死亡3人以上、10人以下")
    assert mentions_level("特别重大", "（1）特别重大城市内涝灾害（Ⅰ级）")
    assert mentions_level("二级", "Ⅱ级响应") and not mentions_level("Ⅱ级", "Ⅲ级响应")
    (sub,) = plan_question("云岭防汛预案里重大险情的死亡人数标准是多少？", VOCAB).subquestions
    assert sub.constraints.levels == ("重大",)
    top = _cite(1, "特别重大险情：死亡10人以上。", "flood")
    gap = check(sub, [top], METAS_BY_ID, _weigh, 0.0)
    assert gap is not None and gap.kind == "level"


def test_a_count_of_persons_is_said_by_figures_in_persons() -> None:
    from assistant.answer.reader import _quantity_unsaid

    asked = "较大城市内涝灾害的死亡人数标准是多少"
    assert _quantity_unsaid(asked, ["因内涝造成死亡（含失踪）1人以上、3人以下"], True) == ""
    assert _quantity_unsaid(asked, ["直接经济损失1000万元以下"], True) == "人数"


def test_a_quantity_asked_how_the_text_puts_it_must_be_named() -> None:
    from assistant.answer.reader import _quantity_unsaid

    asked = "临云高铁的总投资和设计时速，规划里是怎么写的"
    named_only = "努力实现临云高铁项目纳入国家新一轮规划。"
    assert _quantity_unsaid(asked, [named_only], False) != ""
    assert _quantity_unsaid(asked, ["临云高铁总投资300亿元，设计时速350公里。"], False) == ""
    # Not asked how it is put: a text about the line answers "临云高铁有什么进展".
    assert _quantity_unsaid("临云高铁的投资进展如何", [named_only], False) == ""


def _words(text: str) -> dict[str, float]:
    from assistant.lang.tokens import tokenize

    return {w: 1.0 for w in tokenize(text) if len(w) >= 2}


def test_the_value_quote_of_a_count_is_the_first_in_the_measure_asked() -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question("临河规划里中心城区消防站各片区分别几座？", VOCAB).subquestions
    where = "中心城区消防设施规划"
    lead = _cite(1, "按照责任区面积4-7平方千米设置消防站。", section=where)
    total = _cite(2, "规划设置消防站12座，现状5座。", section=where)
    parts = _cite(3, "其中主城区6座，东湖片区3座，湖滨片区3座。", section=where)
    text = "按照责任区面积4-7平方千米设置消防站[1]；规划设置消防站12座[2]。"
    # The lead-in's 责任区 is no sibling of the 片区 asked: the count is in the 座 quotes.
    assert contrast(sub, [lead, total, parts], METAS_BY_ID, _words, text) is None
    # A text whose only count names another kind of area is still declined.
    other = _cite(1, "每个责任区设置消防站2座。", section=where)
    gap = contrast(sub, [other], METAS_BY_ID, _words, "每个责任区设置消防站2座[1]。")
    assert gap is not None and gap.kind == "sibling"


def test_a_sibling_of_the_thing_asked_is_declined_with_it_named() -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question("临河2025年铁路总里程要达到多少公里？", VOCAB).subquestions
    road = _cite(1, "到2025年，公路总里程达到3200公里。")
    gap = contrast(sub, [road], METAS_BY_ID, _words)
    assert gap is not None and gap.kind == "sibling" and gap.detail == "铁路|公路"
    text = decline_text(gap, road)
    assert "公路总里程达到3200公里" in text and "不是“铁路”" in text
    rail = _cite(1, "到2025年，铁路总里程达到320公里。")
    assert contrast(sub, [rail], METAS_BY_ID, _words) is None
    # A supporting quote naming the thing asked does not make the first quote's figure its own.
    assert contrast(sub, [road, _cite(2, "铁路网络逐步完善。")], METAS_BY_ID, _words) is not None
    # A colloquial word ("电动车") beside the thing asked, which the text names ("出租车"):
    # the text's other 车 ("公交车") is no sibling of what is asked.
    (taxi,) = plan_question("临河的巡游出租车里电动车占比有多少？", VOCAB).subquestions
    share = _cite(1, "公交车已实现新能源全覆盖，全市巡游出租车新能源比例达70%。")
    assert contrast(taxi, [share], METAS_BY_ID, _words, "新能源比例达70%[1]") is None
    bus = _cite(1, "全市新增和更新新能源城市公共汽电车比率达到100%。")
    (cab,) = plan_question("临河巡游出租车新能源比例的目标是多少？", VOCAB).subquestions
    gap = contrast(cab, [bus], METAS_BY_ID, _words, "比率达到100%[1]")
    assert gap is not None and gap.detail.endswith("|公共汽电车")


def test_a_place_the_cited_text_does_not_name_is_declined() -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question("湖滨省2023年工作要点里，青河县要新建多少个码头？", VOCAB).subquestions
    province = _cite(1, "新建码头6个。", "work")
    gap = contrast(sub, [province], METAS_BY_ID, _words)
    assert gap is not None and gap.kind == "scope" and gap.detail == "青河县"
    assert "没有单独给出青河县" in decline_text(gap, province)
    # Named without its administrative ending, the county is named.
    county = _cite(1, "青河新建码头2个。", "work")
    assert contrast(sub, [county], METAS_BY_ID, _words) is None
    # A city the tagger reads as name + "市" ("陇南" "市") is named with its ending.
    (split,) = plan_question("湖滨省2023年工作要点里，陇南市要新建多少个码头？", VOCAB).subquestions
    gap = contrast(split, [province], METAS_BY_ID, _words)
    assert gap is not None and gap.kind == "scope" and gap.detail == "陇南市"
    # "新建" is tagged as a place name too (a district's name): no ending, no place.
    (plain,) = plan_question("湖滨省2023年要新建多少个码头？", VOCAB).subquestions
    assert contrast(plain, [province], METAS_BY_ID, _words) is None


def test_a_whole_regions_figure_does_not_answer_for_one_of_its_parts() -> None:
    from assistant.answer.reader import contrast

    def knows(s: str) -> bool:
        return s in ("皖南", "新建")

    (part,) = plan_question(
        "湖滨省2023年工作要点里，皖南地区要新建多少个码头？", VOCAB
    ).subquestions
    whole = _cite(1, "全省新建码头6个。", "work")
    gap = contrast(part, [whole], METAS_BY_ID, _words, "新建码头6个[1]", knows)
    assert gap is not None and gap.kind == "scope" and gap.detail == "皖南"
    # Without "全省" the figure may be the part's own (its heading names it): no such gap.
    plain = _cite(1, "新建码头6个。", "work")
    assert contrast(part, [plain], METAS_BY_ID, _words, "新建码头6个[1]", knows) is None
    # The part named in the value's own quote is answered.
    named = _cite(1, "全省新建码头6个，其中皖南2个。", "work")
    assert contrast(part, [named], METAS_BY_ID, _words, "皖南2个[1]", knows) is None
    # The whole region asked of ("新建" is tagged a place too, and the quote says it).
    (province,) = plan_question("湖滨省2023年要新建多少个码头？", VOCAB).subquestions
    assert contrast(province, [whole], METAS_BY_ID, _words, "新建码头6个[1]", knows) is None
    # A part named only where the quote gives no figure is not the figure's.
    spread = _cite(1, "全省新建码头6个，主要分布于皖南、苏北。", "work")
    gap = contrast(part, [spread], METAS_BY_ID, _words, "新建码头6个[1]", knows)
    assert gap is not None and gap.detail == "皖南"
    # A word the tagger reads as a place ("长度") is one only when said as an area.
    (length,) = plan_question("湖滨省2023年码头新修和改造的长度要求是多少？", VOCAB).subquestions
    longer = _cite(1, "全省新改建码头300米以上。", "work")
    assert (
        contrast(length, [longer], METAS_BY_ID, _words, "300米以上[1]", lambda s: s == "长度")
        is None
    )


def test_a_plans_period_dates_its_targets_not_the_achievements_it_recounts() -> None:
    plan_meta = DocumentMeta(
        "plan", "临河市“十五五”综合交通运输发展规划", "plan.txt", region="临河市"
    )
    metas = {"plan": plan_meta}
    (sub,) = plan_question("临河2030年公交机动化分担率的目标是多少？", VOCAB).subquestions
    assert sub.constraints.stance == "target" and sub.constraints.years == (2030,)

    def cite(section: str, quote: str) -> Citation:
        return Citation(1, "", "plan", plan_meta.title, section, quote, quote, 0, len(quote))

    past = cite("一、发展基础", "公交机动化分担率达33.4%，城区绿色出行比例达71%。")
    gap = check(sub, [past], metas, _words, 0.0)
    assert gap is not None and gap.kind == "year"
    goal = cite("三、总体要求 > （三）发展目标", "公交机动化分担率达到40%。")
    assert check(sub, [goal], metas, _words, 0.0) is None


def test_a_document_name_before_a_level_word_is_no_place() -> None:
    from assistant.answer.reader import contrast

    # The tagger reads "》中市" as a place name "中市".
    (sub,) = plan_question(
        "《云岭市森林火灾应急预案》中市指挥部的副指挥长由谁担任？", VOCAB
    ).subquestions
    cited = _cite(1, "副指挥长由市应急管理局局长担任。", "fire")
    assert contrast(sub, [cited], METAS_BY_ID, _words) is None
    from assistant.lang.tokens import place_names

    # Nor is it a place no document mentions (the pipeline's first check).
    assert "中市" not in place_names(sub.text)


def test_the_current_value_and_a_years_target_are_two_sides() -> None:
    plan = plan_question("临河公交分担率现状和2030年目标分别是多少？", VOCAB)
    assert plan.compare
    first, second = plan.subquestions
    assert first.text == "临河公交分担率现状是多少" and first.constraints.stance == "current"
    assert second.constraints.years == (2030,) and second.constraints.stance == "target"


def test_a_count_without_its_items_answers_no_list_question() -> None:
    from assistant.answer.pipeline import counts_without_items

    heading = _cite(1, "三、做好航运“四篇文章”")
    listed = _cite(1, "将码头划分为综合类、专业类、客运类、旅游类四种类型。")
    assert counts_without_items("list", "三、做好航运“四篇文章”[1]", [heading])
    assert not counts_without_items("list", "综合类、专业类、客运类、旅游类[1]", [listed])
    # "有几篇" is answered by the count.
    assert not counts_without_items("number", "三、做好航运“四篇文章”[1]", [heading])
    # Several rows with the value asked ("哪些指标要达到100%") name the items themselves.
    rows = [_cite(1, "5 公交投诉处理完结率 % 98 100"), _cite(2, "6 运营补贴到位率 % 90 100")]
    told = "公交投诉处理完结率（目标值100%）[1]；运营补贴到位率（目标值100%）[2]"
    assert not counts_without_items("list", told, rows)
    # One row's figures by year answer no "哪几个阶段".
    one = "改造小区2027年目标值为396个，2028年目标值为349个。[1][2]"
    assert counts_without_items("list", one, rows)
    # A list asked by its kind of item ("哪几类") is not answered by a figure counting something
    # else, whatever its sentence lists; a count of that kind (类 or 种) or plain names are.
    asked = "临河码头分为哪几类？"
    training = _cite(1, "统一改造内容、技术要求和验收标准，每年组织不少于2次培训。")
    assert counts_without_items("list", "每年组织不少于2次培训[1]", [training], asked)
    assert not counts_without_items(
        "list", "综合类、专业类、客运类、旅游类四种类型[1]", [listed], asked
    )
    assert not counts_without_items("list", "综合类、专业类、客运类、旅游类[1]", [listed], asked)


def test_a_persons_name_asked_of_a_post_is_not_the_post() -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question("云岭森林火灾应急预案的总指挥叫什么名字？", VOCAB).subquestions
    post = _cite(1, "总指挥由市长担任。", "fire")
    gap = contrast(sub, [post], METAS_BY_ID, _words)
    assert gap is not None and gap.kind == "value"
    assert "没有给出具体人员姓名" in decline_text(gap, post)
    # Asked as a second question, the name's clause is joined to its topic with a comma.
    both = plan_question("云岭森林火灾应急预案的总指挥是谁？叫什么名字？", VOCAB)
    name = both.subquestions[-1]
    assert "，" in name.text
    gap = contrast(name, [post], METAS_BY_ID, _words)
    assert gap is not None and gap.kind == "value"
    # The post said in brackets after it ("组长（市长）叫什么名字"): still a name asked.
    (aside,) = plan_question("云岭创建领导小组组长（市长）叫什么名字？", VOCAB).subquestions
    leader = _cite(1, "成立由市长任组长、分管副市长任副组长的领导小组。", "fire")
    assert contrast(aside, [leader], METAS_BY_ID, _words) == Gap("value", "人员姓名")
    # "哪位副市长": which person holds it.
    (which,) = plan_question("云岭森林火灾应急预案的总指挥现在是哪位副市长？", VOCAB).subquestions
    assert contrast(which, [post], METAS_BY_ID, _words) == Gap("value", "人员姓名")
    # "负责同志" is whoever holds a post, not a person named.
    anyone = _cite(1, "由市森防指指定的负责同志任总指挥。", "fire")
    assert contrast(sub, [anyone], METAS_BY_ID, _words) == Gap("value", "人员姓名")
    # A name is given: answered. A line's name asked is no person's.
    named = _cite(1, "联系人：王明，电话：0000-1234567。", "fire")
    (who,) = plan_question("云岭森林火灾应急预案的联系人叫什么名字？", VOCAB).subquestions
    assert contrast(who, [named], METAS_BY_ID, _words) is None
    (line,) = plan_question("临河的红色公交专线叫什么名字？", VOCAB).subquestions
    assert contrast(line, [_cite(1, "开通“红1路”红色公交专线。")], METAS_BY_ID, _words) is None


def test_the_thing_counted_must_be_the_thing_the_figure_counts() -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question("临河2030年要建成多少座加氢站？", VOCAB).subquestions
    gas = _cite(1, "到2030年，合理布局公路沿线充（换）电站，建成公共充电桩1.8万个。")
    gap = contrast(sub, [gas], METAS_BY_ID, _words, "建成公共充电桩1.8万个[1]")
    assert gap is not None and gap.kind == "sibling" and gap.detail == "加氢站|电站"
    hydrogen = _cite(1, "到2030年，建成加氢站3座。")
    assert contrast(sub, [hydrogen], METAS_BY_ID, _words, "建成加氢站3座[1]") is None
    # "多少个充电桩": the only count in 个 counts 服务区, named by no character of 充电桩.
    (piles_asked,) = plan_question("临河在高速服务区一共要装多少个充电桩？", VOCAB).subquestions
    areas = _cite(1, "在12个高速公路服务区增设快充设施，快充覆盖率达60%以上。")
    said = "在12个高速公路服务区增设快充设施[1]。"
    gap = contrast(piles_asked, [areas], METAS_BY_ID, _words, said)
    assert gap is not None and gap.kind == "sibling" and gap.detail == "充电桩|高速公路服务区"
    # A count of the thing, with words of its own before it, answers.
    piles = _cite(1, "在高速公路服务区建成300个公共和专用充电桩。")
    said = "建成300个公共和专用充电桩[1]。"
    assert contrast(piles_asked, [piles], METAS_BY_ID, _words, said) is None
    # The text names the thing more narrowly ("巡游出租车" for "出租车"): the same thing.
    (taxi,) = plan_question("临河2025年新增多少辆新能源出租车？", VOCAB).subquestions
    cruise = _cite(1, "到2025年，新增新能源巡游出租车500辆。")
    assert contrast(taxi, [cruise], METAS_BY_ID, _words, "新增新能源巡游出租车500辆[1]") is None
    # A two-character thing is often short for a longer name ("路口" for "交叉口").
    (crossing,) = plan_question("临河公交绿波带要覆盖几个路口？", VOCAB).subquestions
    wave = _cite(1, "公交优先绿波带交叉口数 个 0 5")
    assert contrast(crossing, [wave], METAS_BY_ID, _words, "交叉口数5个[1]") is None


def test_two_verbs_sharing_a_subject_and_a_quantity_are_two_sides() -> None:
    # "A的V1和V2的X分别": the shared subject is said once, before the first verb.
    assert _sides("湖滨省2023年工作要点里内河航道新开工和建成通车的里程分别是多少？") == [
        "湖滨省2023年工作要点里内河航道新开工的里程是多少",
        "湖滨省2023年工作要点里内河航道建成通车的里程是多少",
    ]


def test_a_draft_that_breaks_the_year_asked_is_redrawn_from_sentences_that_meet_it() -> None:
    """Invented passages: the sentence naming the road total most fully states where things
    stand (发展基础); the target sits under 到2030年的发展目标 with fewer of the question's words.
    The second try keeps only sentences that meet the year asked, cited alone."""
    import dataclasses

    from assistant.answer.extractive import AnswerPolicy, draft_answer
    from assistant.ingest.types import Chunk
    from assistant.retrieve.types import Passage

    meta = DocumentMeta("plan", "临河市交通运输“十五五”发展规划", "plan.txt", region="临河市")
    base = "临河全市公路总里程达8600公里，较上期增加300公里。"
    goal = "公路总里程达到9000公里，基本形成干线网络。"
    passages = [
        Passage(Chunk("c0", "plan", meta.title, ("一、发展基础",), base, 0, len(base)), 1.0),
        Passage(
            Chunk("c1", "plan", meta.title, ("（三）发展目标",), goal, 100, 100 + len(goal)), 0.9
        ),
    ]
    question = "临河2030年全市公路总里程要达到多少？"
    sub = plan_question(question, VOCAB).subquestions[0]
    weights = {"全市": 1.0, "公路": 1.0, "总里程": 1.0, "达到": 0.3}
    # Whether to answer at all is not what is tested: every draft is kept.
    policy = dataclasses.replace(AnswerPolicy.load(), not_found_below=-1.0)
    metas = {"plan": meta}

    def weigh(focus: str) -> dict[str, float]:
        return {t: w for t, w in weights.items() if t in focus}

    first = draft_answer(question, passages, metas, weights, policy)
    assert first.citations[0].quote == base
    assert check(sub, first.citations, metas, weigh, 0.3) is not None  # 8600 is no 2030 value

    def fits(x: Citation) -> bool:
        return check(sub, (x,), metas, weigh, 0.3) is None

    second = draft_answer(question, passages, metas, weights, policy, qualifies=fits)
    assert [c.quote for c in second.citations] == [goal]


def test_the_kind_of_answer_asked_is_no_word_the_quoted_sentence_must_say() -> None:
    """Invented passages: the first-ranked sentence lists bodies and says "单位" twice; the
    answer ("办公室设在市水务局") names the body without the word. "哪个单位" asks for one."""
    import dataclasses

    from assistant.answer.extractive import AnswerPolicy, draft_answer
    from assistant.ingest.types import Chunk
    from assistant.lang.terms import TermWeights
    from assistant.retrieve.types import Passage

    meta = DocumentMeta("flood", "云岭市防汛抗旱应急预案", "flood.txt", region="云岭市")
    listing = "防汛组织体系由指挥部及其办公室、成员单位和各建设单位的抢险队伍组成。"
    seat = "指挥部下设办公室，办公室设在市水务局。"
    others = ["成员单位各负其责。", "抢险队伍由各单位组建。", "应急响应分为四级。"]
    passages = [
        Passage(Chunk("c0", "flood", meta.title, ("2 组织体系",), listing, 0, len(listing)), 1.0),
        Passage(Chunk("c1", "flood", meta.title, ("2.1 职责",), seat, 100, 100 + len(seat)), 0.9),
    ]
    terms = TermWeights([listing, seat, *others])
    policy = dataclasses.replace(AnswerPolicy.load(), not_found_below=-1.0)
    (sub,) = plan_question("云岭防汛指挥部办公室放在哪个单位？", VOCAB).subquestions
    assert "单位" not in sub.terms and "单位" not in sub.focus

    def first_quote(text: str) -> str:
        drafted = draft_answer(
            sub.text, passages, {"flood": meta}, terms.weigh(text), policy,
            terms.weigh(text, stress_years=False),
        )  # fmt: skip
        return drafted.citations[0].quote

    assert first_quote(sub.terms) == seat
    assert first_quote(sub.text) == listing  # weighed with "单位", the listing wins


def test_a_figure_of_another_clause_is_not_the_value_of_a_thing_named_without_one() -> None:
    from assistant.answer.reader import Gap, contrast
    from assistant.lang.tokens import tokenize

    def weigh(text: str) -> dict[str, float]:
        return {w: float(len(w)) for w in tokenize(text) if len(w) >= 2}

    (sub,) = plan_question("临河公交方案里，新开工的滨河快速路有多少公里？", VOCAB).subquestions
    # The road is named in a clause of its own; each length belongs to a clause with a subject
    # of its own.
    others = _cite(
        1, "续建建设路等3个项目42公里，新开工滨河快速路，建成通车湖滨大道等2个项目18公里。"
    )
    gap = contrast(sub, [others], METAS_BY_ID, weigh)
    assert gap is not None and gap.kind == "value" and "快速路" in gap.detail
    # Its own length, or a length in a clause that only goes on about it, is its value.
    own = _cite(1, "新开工滨河快速路12公里，建成通车湖滨大道18公里。")
    assert contrast(sub, [own], METAS_BY_ID, weigh) is None
    goes_on = _cite(1, "新开工滨河快速路，总投资12亿元，全长15公里。")
    assert contrast(sub, [goes_on], METAS_BY_ID, weigh) is None
    # A figure's clause tied to the question by a word of its own is the answer's.
    (trip,) = plan_question(
        "临河公交方案里，民用机场建成后从中心城区过去要多久？", VOCAB
    ).subquestions
    linked = _cite(1, "中心城区基本实现快慢分开，实现15分钟上高速、20分钟到机场。")
    assert contrast(trip, [linked], METAS_BY_ID, weigh) is None
    # A telephone number asked: "24小时值班" states no number to call.
    (phone,) = plan_question("临河公交方案里调度中心的值班电话是多少？", VOCAB).subquestions
    duty = _cite(1, "调度中心实行24小时值班。")
    assert contrast(phone, [duty], METAS_BY_ID, weigh) == Gap("value", "电话号码")
    listed = _cite(1, "调度中心值班电话：0551-6288123。")
    assert contrast(phone, [listed], METAS_BY_ID, weigh) is None


def test_a_document_named_by_its_place_and_kind_is_found_by_its_own_region() -> None:
    # "2023年全省水运工作要点" names no place; its region (湖滨省) comes from its issuer.
    (sub,) = plan_question("湖滨要点里新建码头多少个？", VOCAB).subquestions
    assert sub.constraints.doc_ids == ("work",)
    sides = plan_question("湖滨要点和临河方案的投资目标有什么不一样？", VOCAB).subquestions
    assert [s.constraints.doc_ids for s in sides] == [("work",), ("bus",)]
    assert [s.text for s in sides] == ["湖滨要点的投资目标是多少", "临河方案的投资目标是多少"]


def test_the_quantity_asked_qualified_by_another_thing_is_declined() -> None:
    from assistant.answer.reader import contrast

    # "地铁运营里程" asked; the text's 里程 is the 公路's, and 地铁 is nowhere in it.
    (sub,) = plan_question(
        "临河到2030年地铁（城市轨道交通）运营里程要达到多少公里？", VOCAB
    ).subquestions
    road = _cite(1, "到2030年，农村公路网提质扩面，公路总里程达到9100公里。")
    gap = contrast(sub, [road], METAS_BY_ID, _words, "公路总里程达到9100公里[1]")
    assert gap is not None and gap.kind == "sibling" and gap.detail == "地铁|公路总里程"
    metro = _cite(1, "到2030年，地铁运营里程达到60公里。")
    assert contrast(sub, [metro], METAS_BY_ID, _words, "地铁运营里程达到60公里[1]") is None
    # The text's quantity shares a qualifier with the one asked ("建设") but has another too.
    (water,) = plan_question("湖滨省2023年铁路建设投资安排了多少亿元？", VOCAB).subquestions
    total = _cite(1, "2023年完成交通建设投资278亿元、增长8%。", "work")
    gap = contrast(water, [total], METAS_BY_ID, _words, "完成交通建设投资278亿元[1]")
    assert gap is not None and gap.detail == "铁路|交通建设投资"
    # One word holds thing and quantity ("臭氧浓度"): its quantity is the word's ending.
    (ozone,) = plan_question("临河2026年城市臭氧浓度的目标值是多少？", VOCAB).subquestions
    pm = _cite(1, "2026年城市细颗粒物平均浓度控制在30微克/立方米。")
    gap = contrast(ozone, [pm], METAS_BY_ID, _words, "平均浓度控制在30微克/立方米[1]")
    assert gap is not None and gap.kind == "sibling"
    # The text qualifies the quantity by a word the question says too: the same thing, said
    # more briefly ("规上企业" for "规上公路货运企业").
    (firms,) = plan_question("临河到2030年规上公路货运企业要发展到多少家？", VOCAB).subquestions
    said = _cite(1, "培育公路货物运输企业规模化发展，到2030年规上企业超过50家。")
    assert contrast(firms, [said], METAS_BY_ID, _words, "规上企业超过50家[1]") is None


def test_a_count_is_the_figure_in_its_measure_word() -> None:
    from assistant.answer.reader import contrast
    from assistant.lang.tokens import tokenize

    def weigh(text: str) -> dict[str, float]:
        return {w: float(len(w)) for w in tokenize(text) if len(w) >= 2}

    (sub,) = plan_question("临河营商环境举措计划新认定多少家高新技术企业？", VOCAB).subquestions
    # The 企业 are named in a clause of their own; the figure in 家 counts 平台.
    platforms = _cite(1, "以高新技术企业培育为抓手推动科技创新，新认定10家市级以上科技创新平台。")
    gap = contrast(sub, [platforms], METAS_BY_ID, weigh, "新认定10家市级以上科技创新平台[1]")
    assert gap is not None and gap.kind == "value" and "高新技术企业" in gap.detail
    firms = _cite(1, "以高新技术企业培育为抓手，新认定高新技术企业30家。")
    assert contrast(sub, [firms], METAS_BY_ID, weigh, "新认定高新技术企业30家[1]") is None


def test_noun_phrases_are_read_from_the_tagged_words() -> None:
    from assistant.lang.tokens import noun_phrase, phrase_tokens

    assert noun_phrase("新增和更新新能源城市公共汽电车比率", "汽电车") == "公共汽电车"
    assert noun_phrase("新认定多少家高新技术企业", "高新技术", after=True) == "高新技术企业"
    assert [w for w, _ in phrase_tokens("农村公路网提质扩面，公路总里程达到", "里程")] == [
        "公路",
        "总里程",
    ]
    assert phrase_tokens("公路总里程", "铁路") == ()


def test_a_quantity_word_or_a_shared_qualifier_is_no_other_thing() -> None:
    from assistant.answer.reader import contrast

    # "比例（进场率）": two words for one quantity; the text's 进场率 answers.
    (rate,) = plan_question(
        "临河公交车晚上回场站停放的比例（进场率）要求到多少？", VOCAB
    ).subquestions
    row = _cite(1, "15 城市公共汽电车进场率 % 95.28 98")
    assert contrast(rate, [row], METAS_BY_ID, _words, "进场率目标值为98%[1]") is None
    # The text qualifies the 居住用地 asked of by one more word ("规划"): the same thing.
    (land,) = plan_question("临河中心城区城镇建设用地中居住用地占多大比例？", VOCAB).subquestions
    said = _cite(1, "规划居住用地占比37.06%，加强保障性住房用地供给。")
    assert contrast(land, [said], METAS_BY_ID, _words, "规划居住用地占比37.06%[1]") is None
    # The text says the question's qualifier by a synonym ("公交" for "公共交通"); a period
    # word ("时期") qualifies no thing.
    (share,) = plan_question("临河“十四五”时期公共交通机动化分担率达到多少？", VOCAB).subquestions
    bus = _cite(1, "2025年临河市公交机动化分担率达到39%。")
    assert contrast(share, [bus], METAS_BY_ID, _words, "公交机动化分担率达到39%[1]") is None


def test_a_question_naming_two_aspects_quotes_the_sentence_for_each() -> None:
    import dataclasses

    from assistant.answer.extractive import AnswerPolicy, draft_answer
    from assistant.ingest.types import Chunk
    from assistant.retrieve.types import Passage

    meta = DocumentMeta("fire", "云岭市森林火灾应急预案", "fire.txt", region="云岭市")
    text = (
        "(1)可能出现连续高温、相对湿度低于20%的天气，火险等级达到五级。"
        "(2)发生火灾后，扑救时间预计在24小时以上的。"
    )
    passages = [
        Passage(Chunk("c0", "fire", meta.title, ("一级（红色）预警",), text, 0, len(text)), 1.0)
    ]
    policy = dataclasses.replace(AnswerPolicy.load(), not_found_below=-1.0)
    metas = {"fire": meta}
    from assistant.lang.tokens import tokenize

    def weights_of(q: str) -> dict[str, float]:
        return {w: 1.0 for w in tokenize(q) if len(w) >= 2}

    both = "红色预警在相对湿度和扑救时间上的标准是什么？"
    drafted = draft_answer(both, passages, metas, weights_of(both), policy)
    assert "相对湿度" in drafted.text and "24小时" in drafted.text
    one = "红色预警对相对湿度的标准是什么？"
    drafted = draft_answer(one, passages, metas, weights_of(one), policy)
    assert "相对湿度" in drafted.text and "24小时" not in drafted.text


def test_how_often_asked_is_answered_by_the_sentence_stating_a_rate() -> None:
    import dataclasses

    from assistant.answer.extractive import AnswerPolicy, draft_answer
    from assistant.ingest.types import Chunk
    from assistant.lang.tokens import tokenize
    from assistant.retrieve.types import Passage

    meta = DocumentMeta("fire", "云岭市森林火灾应急预案", "fire.txt", region="云岭市")
    text = (
        "按照预案要求，适时组织不同类型的森林火灾实战演练，包括指挥协调、队伍调动等演练。"
        "演练科目可分单个或综合性科目。"
        "市指挥部办公室每2年至少组织1次综合性科目的演练。"
    )
    passages = [
        Passage(Chunk("c0", "fire", meta.title, ("六、保障措施",), text, 0, len(text)), 1.0)
    ]
    policy = dataclasses.replace(AnswerPolicy.load(), not_found_below=-1.0, max_sentences=1)
    question = "云岭森林火灾应急预案对演练频次有什么要求？"
    weights = {w: 1.0 for w in tokenize(question) if len(w) >= 2}
    drafted = draft_answer(question, passages, {"fire": meta}, weights, policy)
    # The sentence repeating "要求" and "演练" says nothing of how often: the rate is quoted.
    assert "每2年至少组织1次" in drafted.text, drafted.text


def test_a_count_answered_in_another_measure_word_counts_something_else() -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question("临河东湖区要建几座超充站？", VOCAB).subquestions
    piles = _cite(1, "3 东湖区 480 680 1200 3")
    text = "东湖区公共充电桩目标2028年目标值为1200个。[1]"
    gap = contrast(sub, [piles], METAS_BY_ID, _words, text)
    assert gap is not None and gap.kind == "value" and "超充站" in gap.detail
    stations = _cite(1, "东湖区建成超充站5座。")
    assert contrast(sub, [stations], METAS_BY_ID, _words, "东湖区建成超充站5座[1]") is None
    # The thing counted is named with the figure: another measure word is only another way to
    # count it ("多少辆新能源公交" answered "新能源公交车500台").
    (buses,) = plan_question("临河今年要换上多少辆新能源公交？", VOCAB).subquestions
    said = _cite(1, "新增更新新能源公交车500台，在33个服务区增设快充设施。")
    assert contrast(buses, [said], METAS_BY_ID, _words, "新增更新新能源公交车500台[1]") is None


def test_two_documents_whose_kind_is_said_once_become_two_sides() -> None:
    # "A和B这两个应急预案": each document named by what sets it apart, the kind said once.
    plan = plan_question(
        "云岭森林火灾和防汛抗旱这两个应急预案，指挥部办公室各设在哪个单位？", VOCAB
    )
    assert plan.compare
    assert [s.constraints.doc_ids for s in plan.subquestions] == [("fire",), ("flood",)]
    assert all("指挥部办公室设在哪个单位" in s.text for s in plan.subquestions)
    # One document named with its kind: nothing to spell out.
    (one,) = plan_question("云岭森林火灾应急预案的指挥部办公室设在哪里？", VOCAB).subquestions
    assert one.constraints.doc_ids == ("fire",)


def test_two_documents_named_loosely_by_their_own_words_become_two_sides() -> None:
    # Neither is named with its kind: "森林火灾事故" / "防汛抗旱的" hold enough of one title's own
    # words, side by side, in brackets or between dashes.
    for question in (
        "云岭森林火灾事故和防汛抗旱启动Ⅱ级响应的条件分别是什么？",
        "云岭两个应急预案（森林火灾、防汛抗旱）的现场指挥部各设几个工作组？",
        "云岭这两个预案——森林火灾的和防汛抗旱的——指挥部办公室分别放在哪个单位？",
    ):
        plan = plan_question(question, VOCAB)
        assert plan.compare, question
        assert [s.constraints.doc_ids for s in plan.subquestions] == [("fire",), ("flood",)]
        for side in plan.subquestions:
            assert "分别" not in side.text and "各设" not in side.text and "（）" not in side.text
            assert "——" not in side.text and "两个" not in side.text
    # Words two titles share ("应急") name neither; one document asked is one question.
    (one,) = plan_question("云岭应急预案和临河方案有什么关系？", VOCAB).subquestions
    assert len(plan_question("云岭防汛抗旱的指挥部办公室设在哪里？", VOCAB).subquestions) == 1
    assert one.text.startswith("云岭应急预案")


def test_a_body_named_in_full_is_also_asked_by_the_short_name_its_document_defines() -> None:
    from assistant.lang.patterns import short_names

    text = (
        "县人民政府设立临河县防汛抗旱指挥部（以下简称县防指），在县委和云岭市防汛抗旱指挥部"
        "（以下简称市防指）领导下工作。县防指办公室设在县水务局。特制定本预案（以下简称“本预案”）。"
    )
    # The body's name without its place; a self-reference is no body's short name.
    assert short_names(text) == [("防汛抗旱指挥部", "县防指"), ("防汛抗旱指挥部", "市防指")]
    vocab = vocabulary_from(METAS, [], texts=[text])
    # The document's own body comes first: its short name is the one added.
    assert vocab.short_names == (("防汛抗旱指挥部", "县防指"),)
    (sub,) = plan_question("临河防汛抗旱指挥部的办公室设在哪个部门？", vocab).subquestions
    assert sub.text == "临河防汛抗旱指挥部（县防指）的办公室设在哪个部门"
    # Asked by the short name already: nothing is added.
    (same,) = plan_question("临河县防指办公室设在哪个部门？", vocab).subquestions
    assert same.text == "临河县防指办公室设在哪个部门"
    # Asked by the short name without its level, as the documents never write it: the full
    # name is added, which the sections about the body are headed by.
    (bare,) = plan_question("临河防指的副总指挥都是哪些人？", vocab).subquestions
    assert bare.text == "临河防指（防汛抗旱指挥部）的副总指挥都是哪些人"
    # A short name that keeps only the head noun says nothing about which body it is.
    assert short_names("成立临河市建设工程事故应急救援指挥部(以下简称“市指挥部”)") == []


def test_a_body_named_in_full_is_asked_by_the_cut_of_its_name_its_document_uses() -> None:
    from assistant.lang.patterns import short_names

    text = "市人民政府设立临河市城市防汛排涝指挥部（以下简称市排涝指挥部），负责排涝工作。"
    assert short_names(text) == [("城市防汛排涝指挥部", "市排涝指挥部")]
    vocab = vocabulary_from(METAS, [], texts=[text])
    (sub,) = plan_question("临河市城市防汛排涝指挥部办公室设在哪个单位？", vocab).subquestions
    # "防汛" is left out: the documents' sentences about this body never say it.
    assert sub.text == "临河市排涝指挥部办公室设在哪个单位"
    assert sub.constraints.regions == ("临河",)


def test_a_later_clause_takes_the_topic_without_the_first_clauses_verb() -> None:
    sides = _sides("临河防汛指挥部的办公室放在哪个部门？办公室主任谁来当？")
    assert sides[1] == "临河防汛指挥部的办公室，办公室主任谁来当", sides


def _draft_one(
    text: str, question: str, section: tuple[str, ...] = ("三、发展目标",), said: str = ""
) -> Any:
    """The extractive draft of ``question`` from one passage of an invented plan holding
    ``text``, every candidate kept (no cut-off)."""
    import dataclasses

    from assistant.answer.extractive import AnswerPolicy, draft_answer
    from assistant.ingest.types import Chunk
    from assistant.lang.tokens import tokenize
    from assistant.retrieve.types import Passage

    meta = DocumentMeta("plan", "云岭市文旅融合行动计划", "plan.txt", region="云岭市")
    passages = [Passage(Chunk("c0", "plan", meta.title, section, text, 0, len(text)), 1.0)]
    policy = dataclasses.replace(AnswerPolicy.load(), not_found_below=-1.0)
    weights = {w: 1.0 for w in tokenize(question) if len(w) >= 2}
    return draft_answer(question, passages, {"plan": meta}, weights, policy, said=said)


def test_a_run_in_label_is_quoted_with_the_sentence_that_says_what_its_item_is() -> None:
    text = (
        "——景区连接网。新建旅游公路120公里，串联主要景区。"
        "——智慧服务网。建设全域旅游服务平台，实现一码游。"
    )
    drafted = _draft_one(text, "“智慧服务网”具体要做些什么？")
    # The label alone ("——智慧服务网。") says nothing of the item.
    assert "一码游" in drafted.citations[0].quote, drafted.text
    assert "120公里" not in drafted.text


def test_a_continuation_does_not_quote_again_what_the_history_said_in_other_words() -> None:
    text = (
        "截至2025年底，更新新能源出租车1464辆，占出租车总量的76%。"
        "全市新能源公交车比例达到100%，累计建成充电站18座。"
    )
    # The previous answer as a person wrote it, not the quoted sentence.
    said = "截至2025年底，云岭更新新能源出租车1464辆，占全市出租车总量的76%。"
    drafted = _draft_one(text, "云岭新能源车更新还有哪些？", ("一、发展基础",), said)
    assert "1464辆" not in drafted.text and "18座" in drafted.text, drafted.text


def test_a_sentence_introducing_items_is_quoted_with_all_of_them() -> None:
    text = (
        "符合下列情形之一，即可启动Ⅱ级响应：\n- ①发生较大火灾；\n- ②造成3人以上死亡的；\n"
        "- ③超出县级处置能力的。\n由指挥长宣布启动Ⅱ级响应。"
    )
    drafted = _draft_one(text, "Ⅱ级响应的启动条件是什么？", ("4 应急响应", "(1) 响应条件"))
    assert all(x in drafted.text for x in ("较大火灾", "3人以上", "超出县级处置能力")), drafted.text
    # One quote for the lead-in and its items, written as one run in the answer.
    assert "\n" not in drafted.text
    assert sum("超出县级处置能力" in c.quote for c in drafted.citations) == 1


_NAMED_QUANTITY_CASES = [
    # (question, cited quote, answer, the quantity named missing, or "" when it qualifies)
    (
        "临河2030年公共交通机动化分担率的目标是多少？",
        "城市公交车、巡游出租车新能源比例达到100%。",
        "新能源比例达到100%[1]",
        "分担率",
    ),
    # Said in the cited text (a table row) it qualifies, however the rest is worded.
    (
        "临河2030年公共交通机动化分担率的目标是多少？",
        "1 城市公共交通机动化出行分担率 % 38.5 39",
        "分担率2030年目标值为39%[1]",
        "",
    ),
    # A share or a total ("比例", "总量") is often said as a percentage or a count.
    ("临河2025年公交车总量要达到多少标台？", "到2025年，临河公交车达到500标台。", "500标台[1]", ""),
    # A speed or an age named as a noun, its target asked in whatever words.
    ("临河旅游公路主线的设计时速是多少？", "率先建成58公里主线、27公里支线。", "58公里[1]", "时速"),
    (
        "临河公交方案对公交车平均车龄有什么目标？",
        "7 早晚高峰时段公交车平均运营时速 公里/小时 17.8 19",
        "平均运营时速19[1]",
        "车龄",
    ),
    # A population or an investment is named: a road length is no planned population, and
    # farmers' income no plan's total investment; 资金 is one word for 投资.
    ("临河中心城区2030年规划人口是多少？", "公路总里程达到900公里。", "900公里[1]", "人口"),
    ("临河交通规划的总投资是多少亿元？", "带动农民增收约1亿元。", "约1亿元[1]", "投资"),
    ("临河交通规划的总投资是多少亿元？", "规划期内安排资金120亿元。", "120亿元[1]", ""),
]


@pytest.mark.parametrize(("question", "quote", "answer", "missing"), _NAMED_QUANTITY_CASES)
def test_a_figure_cited_without_the_name_of_the_quantity_asked_is_another_quantitys(
    question: str, quote: str, answer: str, missing: str
) -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question(question, VOCAB).subquestions
    gap = contrast(sub, [_cite(1, quote)], METAS_BY_ID, _words, answer)
    if missing:
        assert gap is not None and gap.kind == "value" and missing in gap.detail
    else:
        assert gap is None, gap


def test_which_document_is_answered_by_the_sentence_naming_it_for_the_situation_above() -> None:
    text = (
        "本预案适用于本市因暴雨、大雾等恶劣天气严重影响道路交通安全的突发事件的应急处置工作。"
        "地震引发的灾害按照《云岭市地震应急预案》执行；"
        "高速公路上发生以上情形的按照《云岭市高速公路交通安全救援预案》执行。"
    )
    drafted = _draft_one(
        text, "高速公路上因恶劣天气严重影响交通安全时，按哪个预案处置？", ("1 总则", "1.3 适用范围")
    )
    assert "《云岭市高速公路交通安全救援预案》" in drafted.citations[0].quote, drafted.text


def test_a_continuation_goes_on_from_the_clause_where_the_previous_answer_stopped() -> None:
    text = (
        "13.推动农村公路升级。建设通自然屯公路649公里、乡村联网路1858公里，改造危桥150座，"
        "实施安防工程1800公里。建设旅游路、产业路419公里，服务乡村经济发展。"
    )
    said = "要点提出：建设通自然屯公路649公里、乡村联网路1858公里。"
    drafted = _draft_one(text, "云岭农村公路要修还有哪些？", ("二、重点任务",), said)
    # The rest of the sentence the answer stopped in, not the part it said again.
    assert "150座" in drafted.text and "649公里" not in drafted.text, drafted.text


def test_the_words_of_the_asking_are_no_topic_words() -> None:
    from assistant.lang.tokens import content_terms

    terms = [t for t, _ in content_terms("云岭防汛预案的工作目标部分列出了哪几张网？")]
    assert "网" in terms and "目标" in terms
    for asking in ("部分", "列出", "几张", "哪几张"):
        assert asking not in terms
    # The frame of a period: the period is a constraint, "时期" no topic word.
    period = [t for t, _ in content_terms("临河“十四五”时期公路总里程达到多少？")]
    assert "时期" not in period and "总里程" in period
    # What the question words ask about stays ("站台" of "几座站台").
    assert "站台" in [t for t, _ in content_terms("临河要建多少个站台？")]
    assert not {"多少个", "多少"} & {t for t, _ in content_terms("临河要建多少个站台？")}


def test_a_count_of_tiers_is_no_amount_unless_tiers_are_counted() -> None:
    (fine,) = plan_question("云岭防汛抗旱应急预案对责任单位罚款多少？", VOCAB).subquestions
    tiers = _cite(1, "市、县两级财政部门为抢险提供资金保障。", "flood")
    gap = check(fine, [tiers], METAS_BY_ID, _weigh, 0.0)
    assert gap is not None and gap.kind == "value"
    (levels,) = plan_question("云岭防汛抗旱应急响应分为几级？", VOCAB).subquestions
    four = _cite(1, "应急响应分为四级。", "flood")
    assert check(levels, [four], METAS_BY_ID, _weigh, 0.0) is None
    # Counted in another measure word by the text: "分几种颜色" is answered by "四级".
    (colours,) = plan_question("云岭防汛预警分几种颜色？", VOCAB).subquestions
    named = _cite(1, "预警分为红色、橙色、黄色、蓝色四级。", "flood")
    assert colours.answer_type == "number"
    assert check(colours, [named], METAS_BY_ID, _weigh, 0.0) is None


def test_what_two_names_share_after_the_second_is_asked_of_both() -> None:
    # "A和B上X的时间分别…": the second name is its noun phrase; the rest is asked of both.
    assert _sides("临河老城区和新区居民到达地铁站的时间分别要控制在多少分钟？") == [
        "临河老城区到达地铁站的时间要控制在多少分钟",
        "新区居民到达地铁站的时间要控制在多少分钟",
    ]
    # A name with Latin letters is still a name.
    assert _sides("云岭停车场建设和ETC推广分别由哪个单位牵头？") == [
        "云岭停车场建设由哪个单位牵头",
        "ETC推广由哪个单位牵头",
    ]


def test_each_of_a_list_of_long_names_is_asked_on_its_own() -> None:
    # Long office names before 分别, after a comma.
    assert _sides("临河防汛抗旱指挥部办公室和森林草原防灭火指挥部办公室，分别设在哪个单位？") == [
        "临河防汛抗旱指挥部办公室设在哪个单位",
        "森林草原防灭火指挥部办公室设在哪个单位",
    ]
    # Three names listed with 、; the frame before the first is each one's.
    assert _sides("供水规范里原水、管网水、龙头水分别多久检测一次？") == [
        "供水规范里原水多久检测一次",
        "供水规范里管网水多久检测一次",
        "供水规范里龙头水多久检测一次",
    ]
    # 市里 is a name, not a frame ending in 里; the year before it is each side's.
    assert _sides("云岭2024年市里和县里各要建多少个驿站？") == [
        "云岭2024年市里要建多少个驿站",
        "云岭2024年县里要建多少个驿站",
    ]


def test_a_place_said_without_its_ending_is_checked_when_the_corpus_knows_it() -> None:
    from assistant.answer.plan import plan_question
    from assistant.answer.reader import _places_left_out

    sub = plan_question("行动计划里沁水通用机场什么时候开工？", Vocabulary()).subquestions[0]
    contexts = ["开工建设阳城、陵川通用机场"]
    # The corpus writes "沁水县": the text names other counties' airports, not 沁水's.
    assert _places_left_out(sub, contexts, [None], lambda s: s == "沁水县") == ["沁水"]
    # Unknown to the corpus (the tagger's guess alone): not checked.
    assert _places_left_out(sub, contexts, [None], lambda s: False) == []
    assert _places_left_out(sub, ["沁水、阳城通用机场开工建设"], [None], lambda s: True) == []


def test_persons_counted_by_what_befell_them_need_that_word_in_the_text() -> None:
    from assistant.answer.reader import contrast

    sub = plan_question("临河公交方案里重大事故按死亡多少人界定？", VOCAB).subquestions[0]
    others = _cite(1, "造成10人以上涉险、被困的，启动Ⅰ级响应")
    gap = contrast(sub, [others], METAS_BY_ID, _words)
    assert gap is not None and gap.kind == "value" and gap.detail == "死亡人数"
    dead = _cite(1, "重大事故，是指造成10人以上30人以下死亡的事故")
    assert contrast(sub, [dead], METAS_BY_ID, _words) is None
    # "需要多少人" counts no event: any count of persons may answer.
    staff = plan_question("临河公交方案里调度中心需要多少人？", VOCAB).subquestions[0]
    assert contrast(staff, [_cite(1, "调度中心配备值班人员12人")], METAS_BY_ID, _words) is None
    # "护林员配了几个人": 员配 is no word of the question; a table row names no column.
    guards = plan_question("临河公交方案里护林员配了几个人？", VOCAB).subquestions[0]
    assert contrast(guards, [_cite(1, "6 东镇 37.9 30 120 2")], METAS_BY_ID, _words) is None
    # Marks the tagger writes otherwise ("，" as ",") do not lose the words after them.
    after_comma = plan_question("临河公交方案里，重大事故按死亡多少人界定？", VOCAB).subquestions[0]
    assert contrast(after_comma, [others], METAS_BY_ID, _words) is not None


def test_a_quote_goes_on_with_the_year_its_paragraph_opened_with() -> None:
    from assistant.answer.reader import _paragraph_years

    passage = "一、工作基础\n2025年，全省普及率达到93.2%。分区域看，北部地区达到97.1%。\n二、目标"
    quote = "分区域看，北部地区达到97.1%。"
    cited = Citation(1, "", "bus", "", "", quote, passage, 0, len(quote))
    assert _paragraph_years(cited) == {2025}
    # Another paragraph's year is not this one's.
    later = "全省普及率达到94%以上。"
    other = Citation(1, "", "bus", "", "", later, passage + "\n" + later, 0, len(later))
    assert _paragraph_years(other) == set()


def test_a_sentence_enumerating_items_is_the_kind_a_list_question_asks() -> None:
    from assistant.answer.extractive import _type_bonus

    asked = "前线指挥部下设哪些工作组？"
    groups = "前线指挥部下设综合协调组、火灾扑救组、医疗救治组、宣传报道组，共12个工作组。"
    setup = "启动Ⅲ级响应时，市指挥部设立前线指挥部，由指定的负责同志任总指挥。"
    assert _type_bonus(asked, groups) > _type_bonus(asked, setup) == 0.0


def test_a_quoted_items_list_number_is_not_said_as_a_figure() -> None:
    from assistant.lang.patterns import ITEM_NUMBER_RE as _ITEM_NUMBER

    assert (
        _ITEM_NUMBER.sub("", "26.全年建设森林草原防火隔离带1200公里。")
        == "全年建设森林草原防火隔离带1200公里。"
    )
    assert _ITEM_NUMBER.sub("", "2.5万人参加演练。") == "2.5万人参加演练。"


def test_a_term_spelled_out_after_the_noun_it_qualifies_is_explained() -> None:
    from assistant.answer.reader import term_unexplained

    question = "“三网融合”服务格局具体指什么？"
    # The items in brackets after the term's noun say what it consists of.
    said = "构建“三网融合”服务格局(公交网、慢行网、轨道网)，提升出行品质。"
    assert term_unexplained(question, [said]) == ""
    # Named only, with no items anywhere in its sentence: unexplained.
    named = "构建“三网融合”服务格局，提升出行品质。"
    assert term_unexplained(question, [named]) == "三网融合"


def test_an_answer_stating_only_the_values_the_question_gives_tells_nothing() -> None:
    from assistant.answer.reader import gives_value_of, restates_given

    asked = "临河公交职工工资收入水平2025年定为85%，这个85%是跟什么比的？"
    assert restates_given(asked, "“公交职工工资收入水平”的2025年为85%")
    assert gives_value_of(asked, "2025年目标值为85%，2021年现状值为50.2%")
    # Another value stated is news; years are no values; a question giving none gives none.
    assert not restates_given(asked, "2025年目标值为85%，2021年现状值为50.2%")
    assert not restates_given(asked, "达到临河社平工资的2025年水平")
    assert not restates_given("这个比例是跟什么比的？", "2025年为85%")
    assert not gives_value_of("这个比例是跟什么比的？", "2025年为85%")


def test_a_count_is_no_list_of_the_things_counted() -> None:
    from assistant.answer.reader import counted_unlisted

    counted = _cite(1, "稳定运营现有的27条旅游公交直通车，提升游客出行体验。")
    assert counted_unlisted("27条旅游公交直通车都是哪些线路？", [counted]) == "27条旅游公交直通车"
    # Counted after its name ("消防站17座"): named as the question names it.
    after = _cite(1, "规划设置消防站17座，现状6座，规划11座。")
    assert counted_unlisted("17座消防站具体建在哪些位置？", [after]) == "消防站17座"
    # "除了A，另外3个": the one item the sentence names is the question's own.
    one = _cite(1, "新增公路水运监理企业资质证书等4个电子证照。")
    asked = "新增的4个电子证照，除了公路水运监理企业资质证书，另外3个是什么？"
    assert counted_unlisted(asked, [one]) == "4个电子证照"
    # The sentence lists them, or names some of them itself: a list, however short.
    listed = _cite(1, "新增甲线、乙线、丙线、丁线4条旅游公交专线。")
    assert counted_unlisted("新增的4条旅游公交专线是哪几条？", [listed]) == ""
    some = _cite(1, "新增甲证、乙证等4个电子证照。")
    assert counted_unlisted("新增了哪些电子证照？", [some]) == ""
    # The things asked by their count are named, not other things of the same head.
    from assistant.answer.reader import counted_thing_unsaid

    sports = _cite(1, "中心城区建设综合体育中心、山体郊野公园、街头体育广场等体育设施。")
    squares = _cite(1, "新增城市广场3处,包括北站文化广场、府城广场、普照广场。")
    asked_squares = "中心城区准备新增哪几处城市广场？"
    assert counted_thing_unsaid(asked_squares, [sports]) == "城市广场"
    assert counted_thing_unsaid(asked_squares, [squares]) == ""
    assert counted_thing_unsaid("新增几处城市广场？", [sports]) == ""  # a count: not this check
    # All of them asked by their number ("具体是哪4个"): two named of four is no answer.
    assert counted_unlisted("新增的4个电子证照具体是哪4个？", [some]) == "4个电子证照"
    assert counted_unlisted("新增的4个电子证照具体是哪四个？", [some]) == "4个电子证照"
    # Days asked as members ("每月哪20天") are counted, not listed, by "每月设置20天“安静期”";
    # a number of days asked otherwise is a span of time, never a count of members.
    days = _cite(1, "对重点企业每月设置20天“安静期”，不得入企检查。")
    assert counted_unlisted("“安静期”具体是每月的哪20天？", [days]) == "20天‘安静期’"
    assert counted_unlisted("哪些企业每月设置20天“安静期”？", [days]) == ""
    # Its items follow it in the passage: the draft left them out, the text does not.
    passage = "规划建设3处公园：一是甲公园；二是乙公园；三是丙公园。"
    followed = Citation(1, "", "bus", "", "", "规划建设3处公园：", passage, 0, 9)
    assert counted_unlisted("规划的3处公园是哪几处？", [followed]) == ""
    # ... on the lines after it only when its line ends with a colon; another paragraph's
    # list ("儿童游戏、休闲游憩、运动康体") lists other things.
    quote = "1. 规划24处综合公园，分为市级、区级两级控制。"
    passage = quote + "规划8处专类公园。\n社区公园应设置儿童游戏、休闲游憩、运动康体等设施。"
    other = Citation(1, "", "bus", "", "", quote, passage, 0, len(quote))
    asked = "24处综合公园里，哪些是市级公园？"
    assert counted_unlisted(asked, [other]) == "24处综合公园"
    lines = "规划建设3处公园：\n甲公园、乙公园、丙公园。"
    colon = Citation(1, "", "bus", "", "", "规划建设3处公园：", lines, 0, 9)
    assert counted_unlisted("规划的3处公园是哪几处？", [colon]) == ""
    # Not asked which: a count asked is answered by the count.
    assert counted_unlisted("有多少条旅游公交直通车？", [counted]) == ""


def test_a_thing_named_after_the_topic_is_what_a_bare_later_clause_asks_of() -> None:
    # "到2025年要提到多少" names nothing: it asks of the thing the first clause named after its
    # comma ("公交站点覆盖率"), not only of "临河创建公交都市".
    _, second = _sides("临河创建公交都市，公交站点覆盖率2021年是多少？到2025年要提到多少？")
    assert "公交站点覆盖率" in second and "2025年" in second and "2021" not in second
    # A part with a verb of its own is no thing: the topic stays the first part.
    _, later = _sides("太行一号旅游公路，十四五期间建成了多少公里？后来又建了多少？")
    assert later.startswith("太行一号旅游公路，") and "建成了" not in later


def test_a_unit_the_documents_write_figures_in_is_the_unit_asked() -> None:
    from assistant.answer.plan import vocabulary_from

    # Units read from the extracted facts: word units of their own, not a measure word with a
    # unit ("个工作日") nor an approximate one ("个半小时").
    vocab = vocabulary_from([], [], None, (), ["标台", "%", "个", "个工作日", "个半小时", "万亩"])
    assert set(vocab.units) == {"标台", "万亩"}
    (sub,) = plan_question("到2025年临河全市公交车总共要有多少标台？", vocab).subquestions
    assert sub.constraints.unit == "标台"
    (other,) = plan_question("临河全市公交车有多少辆？", vocab).subquestions
    assert other.constraints.unit == ""


def test_one_document_named_loosely_by_its_own_title_words_is_the_scope() -> None:
    # "防汛抗旱应急指挥部…": no kind of document said, but six characters in a row that only
    # one title holds name it.
    (sub,) = plan_question("云岭防汛抗旱应急指挥部办公室设在哪里？", VOCAB).subquestions
    assert sub.constraints.doc_ids == ("flood",)
    # A shorter run ("防汛抗旱") is a topic many documents may have; words two titles share
    # ("应急") name neither.
    (short,) = plan_question("云岭防汛抗旱的指挥部办公室设在哪里？", VOCAB).subquestions
    assert short.constraints.doc_ids == ()
    (shared,) = plan_question("应急指挥部办公室设在哪里？", VOCAB).subquestions
    assert shared.constraints.doc_ids == ()
    # Another place named ("湖滨省…"): the words are not that one document's there.
    (elsewhere,) = plan_question("湖滨省防汛抗旱应急指挥部办公室设在哪里？", VOCAB).subquestions
    assert elsewhere.constraints.doc_ids == ()


def test_an_amount_asked_is_not_answered_by_a_sentence_stating_none() -> None:
    # "一般事故是指死亡几人以下": asked by its figure, whatever the answer type.
    sub = plan_question("临河公交优先方案里，一般事故是指死亡几人以下的事故？", VOCAB).subquestions[
        0
    ]
    none = _cite(1, "符合下列情形之一即可启动Ⅲ级响应：发生一般事故。")
    gap = check(sub, [none], {}, lambda f: {"一般事故": 1.0}, 0.0)
    assert gap is not None and gap.kind == "value"
    stated = _cite(1, "一般事故是指造成3人以下死亡的事故。")
    assert check(sub, [stated], {}, lambda f: {"一般事故": 1.0}, 0.0) is None
    # "启动几级响应" asks which level (a record's "Ⅱ级响应" answers), "第几" a position: no
    # amount.
    from assistant.answer.reader import lacks_amount

    assert not lacks_amount("发生较大事故启动几级响应？", "Ⅱ级响应的条件包括“发生较大事故”")
    assert not lacks_amount("排在第几位？", "排在前列")
    assert lacks_amount("死亡几人以下？", "发生一般事故")
    # A bare zero is a slogan's, not an amount ("为游客提供旅游出行0 距离服务").
    assert lacks_amount("接待游客人次目标是多少？", "为游客提供旅游出行0 距离、点对点服务")
    assert not lacks_amount("事故死亡人数是多少？", "死亡0人")
    assert lacks_amount("预警分几级？", "预警信息发布")
    # "十大专项行动" counts kinds of action: no amount of the loans asked ("几大" counts them).
    assert lacks_amount("新增贷款定了多少目标？", "制定金融支持民营企业十大专项行动实施方案")
    assert not lacks_amount("有哪几大专项行动？共几大？", "制定十大专项行动实施方案")


def test_how_long_a_period_lasts_is_no_length() -> None:
    (valid,) = plan_question("临河公交优先方案的有效期多长？", VOCAB).subquestions
    assert valid.constraints.unit != "长度"
    (line,) = plan_question("临河公交优先方案里快速公交线路有多长？", VOCAB).subquestions
    assert line.constraints.unit == "长度"


def test_an_amount_stated_of_another_subject_does_not_answer() -> None:
    # "乡镇和村庄的防洪标准是多少年一遇": the figure cited is the city centre's; the sentence
    # about 乡镇 and 村庄 states none. That sentence is what the decline quotes.
    from assistant.answer.reader import amount_of_another

    sub = plan_question("临河乡镇和村庄的防洪标准是多少年一遇？", VOCAB).subquestions[0]

    def weigh(text: str) -> dict[str, float]:
        return {t: 1.0 for t in ("乡镇", "村庄", "防洪标准") if t in text}

    centre = _cite(1, "中心城区防洪标准为50-100年一遇。")
    towns = _cite(2, "乡镇及村庄根据防洪保护区要求确定防洪标准。")
    gap = check(sub, [centre, towns], {}, weigh, 0.0)
    assert gap is not None and gap.kind == "value"
    assert amount_of_another(sub, [centre, towns], {}, weigh) == towns
    # The figure's own sentence (or its heading) says the owner: answered.
    own = _cite(1, "乡镇及村庄防洪标准为20年一遇。")
    assert check(sub, [own, towns], {}, weigh, 0.0) is None
    headed = _cite(1, "防洪标准为20年一遇。", section="乡镇及村庄")
    assert check(sub, [headed, towns], {}, weigh, 0.0) is None
    # A sentence that only mentions the owner, not the thing asked, is no rival subject.
    road = _cite(2, "加强乡镇与县城的连接。")
    assert amount_of_another(sub, [centre, road], {}, weigh) is None
    # No owner's thing asked, or no amount: nothing to attribute.
    what = plan_question("临河乡镇和村庄的防洪标准怎么确定？", VOCAB).subquestions[0]
    assert amount_of_another(what, [centre, towns], {}, weigh) is None


def test_a_term_the_question_quotes_must_be_said_by_what_answers_it() -> None:
    from assistant.answer.reader import quoted_unsaid

    sub = plan_question("临河公交优先方案里环评“打捆”审批能压缩多少个工作日？", VOCAB).subquestions[
        0
    ]
    other = _cite(1, "探索建筑设计方案告知承诺制，压减审查时间7个工作日。")
    gap = check(sub, [other], {}, lambda f: {"审批": 1.0}, 0.0)
    assert gap is not None and gap.kind == "focus" and gap.detail == "打捆"
    said = _cite(1, "实行环评“打捆”审批，压减评审时间5个工作日。")
    assert check(sub, [said], {}, lambda f: {"审批": 1.0}, 0.0) is None
    # Said by a heading, or by the answer a record composes; quotation marks of another kind.
    assert (
        quoted_unsaid("“打捆”审批压缩几天？", [_cite(1, "压减5天。", section="实行“打捆”审批")], {})
        == ""
    )
    assert quoted_unsaid("“做好‘五篇大文章’”包括什么", [other], {}, "“做好“五篇大文章””包括") == ""
    assert (
        quoted_unsaid("“柔性监管、包容审慎”有哪几条", [other], {}, "柔性监管“包容审慎”包括") == ""
    )
    # A plan period is a constraint of its own, not a term to be said.
    assert quoted_unsaid("临河“十四五”时期公路总里程达到多少？", [other], {}) == ""
    # A counted term is said by as many items sharing its last character.
    items = _cite(1, "全面落实项目法人责任制、招标投标制、工程监理制、合同管理制和竣工验收制。")
    assert quoted_unsaid("要落实哪“五制”？", [items], {}) == ""
    few = _cite(1, "9个高速服务区建设县域级旅游集散中心，有候车区。")
    assert quoted_unsaid("集散中心的“五有”目标是哪五有？", [few], {}) == "五有"


def test_a_count_of_items_asked_needs_that_count_or_that_many_items() -> None:
    from assistant.answer.reader import count_unsaid

    question = "临河农田行动计划要求从哪八个方面统筹建设？"
    two = "统筹农田建设与生态保护，坝区、山区半山区分类施策。"
    assert count_unsaid(question, [two]) == "是哪八个方面"
    sub = plan_question(question, VOCAB).subquestions[0]
    gap = check(sub, [_cite(1, two)], {}, lambda f: {"统筹": 1.0}, 0.0)
    assert gap is not None and gap.kind == "value"
    counted = "按照“田、土、水、路、林、电、技、管”八个方面统筹建设。"
    assert count_unsaid(question, [counted]) == ""
    assert count_unsaid("有哪3项任务？", ["完成甲任务、乙任务、丙任务。"]) == ""
    assert count_unsaid("有哪3项任务？", ["共3项任务。"]) == ""
    assert count_unsaid("有哪些任务？", [two]) == ""
    # Titles listed side by side are items.
    basis = "依据《临河市交通“十四五”规划》《临河市旅游业“十四五”规划》，特制定本计划。"
    assert count_unsaid("是依据哪两个规划制定的？", [basis]) == ""


def test_a_run_of_years_is_read_from_the_question() -> None:
    from assistant.answer.numeric import year_span

    assert year_span("耕地质量平均等级从基期到2028年分别是多少？") == (None, 2028)
    assert year_span("2026年至2028年每年各新增多少辆？") == (2026, 2028)
    assert year_span("到2028年要达到多少？") is None
    assert year_span("2021年和2025年分别是多少？") is None


def test_a_figure_stated_for_a_draft_is_held_to_its_focus_check() -> None:
    from assistant.answer.extractive import AnswerPolicy
    from assistant.answer.pipeline import off_focus

    policy = AnswerPolicy(min_focus=0.2, dense_floor=0.75)
    # "分配了多少专业森林消防队员" against a 防火隔离带 cell: few words, no paraphrase.
    assert off_focus({"focus_cov": 0.15, "dense": 0.69}, policy)
    assert not off_focus({"focus_cov": 0.15, "dense": 0.8}, policy)
    assert not off_focus({"focus_cov": 0.5, "dense": 0.1}, policy)


def test_one_items_figure_is_not_its_groups_total() -> None:
    from assistant.answer.reader import item_of_group

    group = "续建甲城至乙镇、丙城至丁镇、戊城至己镇等3个项目631公里，新开工庚线。"
    assert item_of_group("丙城至丁镇这条高速单独有多长？", group)
    sub = plan_question("临河公交优先方案里丙城至丁镇这条高速有多少公里？", VOCAB).subquestions[0]
    gap = check(sub, [_cite(1, group)], {}, lambda f: {"丙城": 1.0}, 0.0)
    assert gap is not None and gap.kind == "value"
    # The total asked, or the item's own figure also given: answered.
    assert not item_of_group("这3个项目一共多少公里？", group)
    own = group + "其中丙城至丁镇120公里。"
    assert not item_of_group("丙城至丁镇这条高速单独有多长？", own)
    # An item not in the group is not asked of it.
    assert not item_of_group("庚线有多长？", group)


def test_a_figure_asked_place_by_place_needs_figures_for_places() -> None:
    from assistant.answer.reader import per_place_unsaid

    total = "推动新一轮1000亩标准地、100万平方米标准厂房建设。"
    assert per_place_unsaid("新一轮1000亩标准地，各县分别多少亩？", [total])
    split = "其中泽川县300亩、河西区200亩、东山市500亩。"
    assert not per_place_unsaid("新一轮1000亩标准地，各县分别多少亩？", [split])
    # Not asked place by place, or no amount asked: nothing to check.
    assert not per_place_unsaid("新一轮标准地一共多少亩？", [total])
    assert not per_place_unsaid("各县怎么推进标准地建设？", [total])
    # A table's name: one place's row of it is asked.
    assert not per_place_unsaid("分县任务表里，甲县三年一共改造多少个小区？", [total])
    assert not per_place_unsaid("各市（州）整治任务表中，乙州目标是多少？", [total])


def test_people_counted_are_the_unit_asked_whatever_the_answer_type() -> None:
    sub = plan_question("临河公交优先方案里，较大事故具体是指死亡几人到几人？", VOCAB).subquestions[
        0
    ]
    assert sub.constraints.unit == "人"
    other = _cite(1, "较大以上事故每日至少续报1次。")
    gap = check(sub, [other], {}, lambda f: {"较大事故": 1.0}, 0.0)
    assert gap is not None and gap.kind == "value" and gap.detail == "人数"
    dead = _cite(1, "较大事故是指造成3人以上10人以下死亡的事故。")
    assert check(sub, [dead], {}, lambda f: {"较大事故": 1.0}, 0.0) is None
    (people,) = plan_question("临河常住人口有多少人口？", VOCAB).subquestions
    assert people.constraints.unit != "人"


def test_an_achievement_is_dated_by_its_own_words_when_no_current_value_is_asked() -> None:
    # "2030年…要到多少" of a 十五五 plan: its 发展基础's "达33.4%" is the 十四五 result, not a
    # 2030 target, though the plan's title period reaches 2030.
    metas = {
        "p": DocumentMeta("p", "临河市交通运输“十五五”发展规划", "p.txt", period="2026—2030年")
    }
    sub = plan_question("临河2030年公共交通机动化分担率要到多少？", VOCAB).subquestions[0]
    done = Citation(1, "", "p", metas["p"].title, "一、发展基础", "分担率达33.4%。", "", 0, 9)
    gap = check(sub, [done], metas, lambda f: {"分担率": 1.0}, 0.0)
    assert gap is not None and gap.kind == "year"
    aim = Citation(1, "", "p", metas["p"].title, "三、发展目标", "分担率达到40%。", "", 0, 9)
    assert check(sub, [aim], metas, lambda f: {"分担率": 1.0}, 0.0) is None


def test_a_body_asked_is_not_answered_by_a_text_naming_none() -> None:
    from assistant.answer.reader import names_no_body

    sub = plan_question("临河公交优先方案里TOCC是哪个局牵头建？", VOCAB).subquestions[0]
    assert sub.answer_type == "organisation"
    rows = "《临河市公交优先发展实施方案》“各成员单位任务清单”中具体内容为TOCC的有：加快推进[1]。"
    assert names_no_body(sub, rows)
    assert not names_no_body(sub, "“加快推进TOCC建设”的牵头单位为市交通运输局[1]。")


def test_colloquial_question_words_are_read_as_the_written_ones() -> None:
    spoken = plan_question("临河公交优先方案是啥时候印发的？", VOCAB).subquestions[0]
    written = plan_question("临河公交优先方案是什么时候印发的？", VOCAB).subquestions[0]
    assert spoken.answer_type == written.answer_type == "date"
    assert spoken.focus == written.focus


def test_a_count_asked_in_its_measure_word_needs_a_figure_in_it() -> None:
    from assistant.answer.reader import measure_unsaid

    groups = "现场指挥部下设综合协调组、技术专家组等8个应急工作组。"
    assert measure_unsaid("专家信息库里一共有多少名专家？", [groups]) == "人数"
    assert measure_unsaid("专家信息库里一共有多少名专家？", ["库内现有专家120人。"]) == ""
    assert measure_unsaid("规划了几处综合公园？", ["规划24处综合公园。"]) == ""
    assert measure_unsaid("规划了几处综合公园？", ["实现300米见绿。"]) == "数量"
    # "几个" counts anything; "哪几条" asks which ones; "现有的几条…里" points.
    assert measure_unsaid("有几个工作组？", ["设立专家库。"]) == ""
    assert measure_unsaid("由哪几条高速公路合围形成？", ["由甲高速、乙高速合围。"]) == ""
    assert measure_unsaid("现有的几条专用道里，哪条最长？", ["甲路专用道最长。"]) == ""


def test_one_things_value_compared_with_another_is_asked_of_both() -> None:
    sides = _sides("临河高平区的防洪标准跟中心城区一样吗？")
    assert sides == ["临河高平区的防洪标准是什么", "中心城区的防洪标准是什么"]
    # Both named with the thing: another splitter's, unchanged.
    assert len(_sides("临河公交分担率和云岭公交分担率一样吗？")) == 2
    # The thing said first, then the two owners.
    assert _sides("防洪标准，甲城区跟乙镇一样吗？") == [
        "甲城区的防洪标准是什么",
        "乙镇的防洪标准是什么",
    ]


def test_a_grade_asked_is_not_answered_by_a_text_naming_none() -> None:
    sub = plan_question("临河公交优先方案里新建机场定的是什么等级？", VOCAB).subquestions[0]
    unnamed = _cite(1, "规划新建临河民用机场，构建“1+5”机场体系。")
    gap = check(sub, [unnamed], {}, lambda f: {"机场": 1.0}, 0.0)
    assert gap is not None and gap.kind == "value" and gap.detail == "等级"
    for graded in (
        "新建临河民用机场为4C级支线机场。",
        "临河为全省唯一国家级试点。",
        "属较大事故。",
    ):
        assert check(sub, [_cite(1, graded)], {}, lambda f: {"机场": 1.0}, 0.0) is None, graded


def test_a_time_pointed_at_is_no_number_asked() -> None:
    # "这几年", "近几年": which years, not how many; "有效期几年" asks a number of years.
    (sub,) = plan_question("临河交通执法这几年联合执法搞了多少次？", VOCAB).subquestions
    assert sub.constraints.unit == ""
    (years,) = plan_question("临河公交优先方案有效期几年？", VOCAB).subquestions
    assert years.constraints.unit == "年"
    (ahead,) = plan_question("临河公交优先方案里，用火要提前几天申请？", VOCAB).subquestions
    assert ahead.constraints.unit == "天"


def test_which_places_asked_needs_places_named() -> None:
    from assistant.answer.reader import places_unnamed

    how = "选择基础条件好、改革意愿强的县(市、区)开展扩大试点。"
    assert places_unnamed("综合窗口改革扩大试点选的是哪几个县？", [how])
    named = "在云岭县、甲城区开展扩大试点。"
    assert not places_unnamed("综合窗口改革扩大试点选的是哪几个县？", [named])
    # No places asked ("哪几个县城建成…" asks of something else), nothing to check.
    assert not places_unnamed("扩大试点怎么选？", [how])
    assert not places_unnamed("哪几个县城公交站要改造？", [how])
    # Named without their endings, counted with their kind.
    listed = "高火险期内，甲山、乙河、丙城、丁口4市重点林区实行封山防火。"
    assert not places_unnamed("高火险期实行封山防火的是哪几个市？", [listed])


def test_a_part_of_a_given_whole_needs_the_part_said() -> None:
    from assistant.answer.reader import part_unsaid

    whole = "完成交通建设投资278亿元、增长8%。"
    assert part_unsaid("2026年278亿交通建设投资里，高速公路占多少？", [whole]) == "高速公路"
    split = "其中高速公路完成投资120亿元。"
    assert part_unsaid("2026年278亿交通建设投资里，高速公路占多少？", [whole, split]) == ""
    assert part_unsaid("交通建设投资是多少？", [whole]) == ""
    assert part_unsaid("今年那278亿交通投资里，高速公路分了多少？", [whole]) == "高速公路"


def test_a_ratio_asked_by_what_is_a_number() -> None:
    assert answer_type_of("事故应急救援资金储备要按什么比例提取？") == "number"
    assert answer_type_of("按何种比重分摊？") == "number"


def test_which_documents_followed_needs_their_titles() -> None:
    from assistant.answer.reader import documents_unnamed

    own = _cite(1, "一、指导思想")
    outline = f"《{own.doc_title}》分为以下几部分：指导思想；重点任务[1]。"
    asked = "交旅融合行动计划是依据哪几个规划制定的？"
    assert documents_unnamed(asked, [outline], [own])
    basis = "依据《临州市旅游业发展“十四五”规划》，特制定本行动计划。"
    assert not documents_unnamed(asked, [basis], [own])
    assert documents_unnamed("交旅融合行动计划是依据哪两个规划制定的？", [outline], [own])
    # Not asked which documents: nothing to check.
    assert not documents_unnamed("交旅融合行动计划分为哪几部分？", [outline], [own])


def test_a_kind_of_the_thing_asked_is_not_the_thing() -> None:
    from assistant.answer.reader import narrower_thing

    asked = "云岭省2026年全省公路总里程要达到多少公里？"
    kind = "新开工甲线西环，高速公路通车总里程达到4643公里、实现乙县通高速。"
    assert narrower_thing(asked, [kind]) == ("公路", "高速公路")
    # The thing itself stated, or a kind the question names: nothing to check.
    whole = "全省公路总里程达10030公里，其中高速公路通车里程4643公里。"
    assert narrower_thing(asked, [whole]) is None
    assert narrower_thing("云岭省高速公路总里程要达到多少公里？", [kind]) is None
    # "总里程" is the 里程 asked, not a kind of it.
    assert narrower_thing("云岭省公路里程有多少？", ["全省公路总里程达10030公里。"]) is None


def test_which_company_is_an_organisation_and_the_rest_named_are_members_asked() -> None:
    from assistant.answer.reader import members_asked

    assert answer_type_of("云岭山低空游项目是哪家公司运营？") == "organisation"
    assert members_asked("那3条红色公交专线，除了红1路另外两条叫什么？") == "3条红色公交专线"


def test_a_plan_period_asked_is_not_answered_by_a_sentence_dated_outside_it() -> None:
    from assistant.answer.reader import period_unsaid

    (sub,) = plan_question("“十五五”期间临河农村公路计划新改建多少公里？", VOCAB).subquestions
    assert sub.constraints.periods
    earlier = _cite(1, "2023年新改建农村公路416公里，2024年新改建300公里以上。")
    assert period_unsaid(sub, [earlier])
    # Undated (a plan's own sentence), dated inside the period, or naming it: may answer.
    assert not period_unsaid(sub, [_cite(1, "新改建农村公路1000公里。")])
    assert not period_unsaid(sub, [_cite(1, "到2030年新改建农村公路1000公里。")])
    assert not period_unsaid(sub, [earlier, _cite(2, "“十五五”期间新改建农村公路1000公里。")])
    # An undated sentence of a document wholly before the period (a 2023 work plan) is not.
    undated = _cite(1, "新改建农村公路416公里。", "work")
    assert period_unsaid(sub, [undated], METAS_BY_ID)
    assert not period_unsaid(sub, [undated])  # its document's period unknown
    # A sentence that dates itself in another period recounts it, whatever its document's
    # period: "截至“十四五”末" states where things stood, not the 十五五 plan's figure.
    recounted = _cite(1, "截至“十四五”末，新改建农村公路416公里。")
    assert period_unsaid(sub, [recounted])
    assert not period_unsaid(sub, [_cite(1, "“十五五”期间，较“十四五”末再新改建1000公里。")])
    # A period it is compared with dates nothing: the undated sentence is its plan's.
    compared = _cite(1, "新改建农村公路1000公里，较“十四五”期增长25%。")
    assert not period_unsaid(sub, [compared])


def test_two_quantities_of_one_place_compared_are_asked_one_by_one() -> None:
    assert _sides("临河公交专用道设置比率和港湾式停靠站设置率，到2028年哪个提得多？") == [
        "临河公交专用道设置比率，到2028年是多少",
        "港湾式停靠站设置率，到2028年是多少",
    ]
    # One quantity of two places: the place splitter's, unchanged.
    assert _sides("临河和云岭的公交分担率哪个高？") == [
        "临河的公交分担率是多少",
        "云岭的公交分担率是多少",
    ]


def test_what_a_document_applies_to_needs_its_scope_said() -> None:
    from assistant.answer.reader import scope_unsaid

    grades = "《临河市建设工程事故应急预案》中“事故分为”包括：重大事故；较大事故；一般事故[1]。"
    assert scope_unsaid("建设工程事故应急预案适用于哪些工程的事故？", [grades])
    scope = "本预案适用于临河市行政区域内房屋建筑与市政工程的生产安全事故应急处置工作。"
    assert not scope_unsaid("建设工程事故应急预案适用于哪些工程的事故？", [scope])
    assert not scope_unsaid("建设工程事故分为哪几级？", [grades])
    # What a measure applies to is said by the measure's own sentence.
    measure = "对编制环境影响报告表的家具等制造业项目，实行同类项目“打捆”审批。"
    assert not scope_unsaid("营商举措里环评“打捆”审批适用于哪些制造业项目？", [measure])


def test_a_base_figure_asked_is_the_current_stance() -> None:
    # "2021年基数和2025年目标各是多少": the base year's value (现状) and the target's, each asked.
    assert _sides("临河公交分担率，2021年基数和2025年目标各是多少？") == [
        "临河公交分担率2021年基数是多少",
        "临河公交分担率2025年目标是多少",
    ]
    plan = plan_question("临河公交分担率，2021年基数和2025年目标各是多少？", VOCAB)
    assert [s.constraints.stance for s in plan.subquestions] == ["current", "target"]


def test_what_a_value_is_compared_with_is_no_topic_of_the_next_question() -> None:
    # "跟2010年比，X提高了多少？2035年目标是多少？": the second asks X's target.
    sides = _sides("与2020年相比，临河公交分担率提高了多少？2030年目标是多少？")
    assert sides[1].startswith("临河公交分担率") and "2030年目标" in sides[1]


def test_a_clause_naming_only_another_year_asks_the_first_question_of_that_year() -> None:
    plan = plan_question("临河公交方案里，专用道2023年要新建多少公里？2024年呢？", VOCAB)
    texts = [s.text for s in plan.subquestions]
    assert texts[1] == "临河公交方案里，专用道2024年要新建多少公里"
    assert [s.answer_type for s in plan.subquestions] == ["number", "number"]
    assert [s.constraints.years for s in plan.subquestions] == [(2023,), (2024,)]


def test_a_number_of_persons_asked_is_counted_in_persons() -> None:
    plan = plan_question("按临河事故应急预案，较大事故的死亡人数标准是多少？", VOCAB)
    assert plan.subquestions[0].constraints.unit == "人"
    # A count in another measure asked ("多少万"): no unit of persons implied.
    assert plan_question("公交从业人数有多少万？", VOCAB).subquestions[0].constraints.unit != "人"


def test_a_thing_asked_of_one_holder_needs_that_holder_named() -> None:
    from assistant.answer.reader import owner_unsaid

    town = _cite(1, "中心城区防洪标准为50-100年一遇;")
    asked = "国土空间规划里乡镇和村庄的防洪标准是多少年一遇"
    assert owner_unsaid(asked, [town.quote], [town]) == ["乡镇", "村庄"]
    assert owner_unsaid("规划里中心城区的防洪标准是多少年一遇", [town.quote], [town]) == []
    # The thing said by its last word, of another holder ("城市公共交通站点…").
    row = _cite(1, "4 城市公共交通站点 500米覆盖率 % 86.2 95")
    assert owner_unsaid("临河甲区的公交站点500米覆盖率是多少", [row.quote], [row]) == ["甲区"]
    # A size asked ("多大面积的项目") is no holder.
    plot = _cite(1, "探索对3000平方米以下建设项目实行告知承诺制。")
    assert owner_unsaid("告知承诺制适用多大面积的项目", [plot.quote], [plot]) == []
    # A holder said in other words shares some of them.
    speed = _cite(1, "早晚高峰时段城市公共汽电车平均运营时速 公里/小时 17.8 19")
    asked_speed = "临河早晚高峰公交的平均运营时速是多少"
    assert owner_unsaid(asked_speed, [speed.quote], [speed]) == []


def test_two_long_names_or_two_times_compared_are_asked_one_by_one() -> None:
    # A second name longer than eight characters, "各" after what both share.
    assert _sides("甲类专线和公交优先绿波带交叉口，2025年的目标各是多少？") == [
        "甲类专线2025年的目标是多少",
        "公交优先绿波带交叉口2025年的目标是多少",
    ]
    # The second name's nouns end where what both are asked of begins ("上高铁").
    assert _sides("到2030年，中心城区和县级行政中心上高铁的时间目标有什么不同？") == [
        "到2030年，中心城区上高铁的时间目标是什么",
        "到2030年，县级行政中心上高铁的时间目标是什么",
    ]
    # "目标比现状增长多少": each time's value; no difference is computed.
    plan = plan_question("规上货运企业数量，2030年目标比现状增长多少？", VOCAB)
    assert plan.compare
    assert [s.constraints.stance for s in plan.subquestions] == ["target", "current"]


def test_a_post_asked_is_answered_by_the_line_naming_it_not_by_another_post() -> None:
    """Invented roster: the tokenizer splits "指挥长" ("指挥" + "长"), and "市森林消防救援支队支队
    长" repeats the question's "救援" and a "长"; the line whose label is the post asked answers."""
    import dataclasses

    from assistant.answer.extractive import AnswerPolicy, draft_answer
    from assistant.ingest.types import Chunk
    from assistant.lang.terms import TermWeights
    from assistant.retrieve.types import Passage

    meta = DocumentMeta("flood", "云岭市防汛抗旱应急预案", "flood.txt", region="云岭市")
    roster = "指挥长:分管水利工作的副市长\n副指挥长:市政府副秘书长\n市森林消防救援支队支队长"
    other = "救援队伍由各单位组建，队长由单位负责人担任。"
    passages = [
        Passage(Chunk("c0", "flood", meta.title, ("2.1 指挥部",), roster, 0, len(roster)), 1.0),
        Passage(Chunk("c1", "flood", meta.title, ("2.2 队伍",), other, 100, 100 + len(other)), 0.9),
    ]
    terms = TermWeights(
        [roster, other, "统一指挥，分级负责。", "服从现场指挥调度。", "成员单位各负其责。"]
    )
    policy = dataclasses.replace(AnswerPolicy.load(), not_found_below=-1.0)
    question = "云岭防汛抢险救援指挥部的指挥长是谁？"
    drafted = draft_answer(question, passages, {"flood": meta}, terms.weigh(question), policy)
    assert drafted.citations[0].quote == "指挥长:分管水利工作的副市长"


def test_a_one_year_work_plans_undated_figure_is_no_figure_of_another_year() -> None:
    from assistant.answer.reader import contrast

    (sub,) = plan_question("到2030年，湖滨航道总里程要达到多少公里？", VOCAB).subquestions
    yearly = _cite(1, "新改建航道120公里，航道通航总里程达到2600公里。", doc_id="work")
    target = _cite(2, "到2030年，全市航道网络基本形成。")
    text = "航道通航总里程达到2600公里[1]。"
    gap = contrast(sub, [yearly, target], METAS_BY_ID, _words, text)
    assert gap is not None and gap.kind == "year" and gap.detail == "2030年"
    # The work plan's own year is what its undated figures are of.
    (own,) = plan_question("2023年湖滨航道总里程要达到多少公里？", VOCAB).subquestions
    assert contrast(own, [yearly], METAS_BY_ID, _words, text) is None


def test_a_time_of_another_procedure_does_not_answer_the_one_asked() -> None:
    from assistant.answer.reader import contrast

    # "企业注销时间": 注销 is a verb inside the quantity asked; "评审时间" is another one's.
    (sub,) = plan_question("临河营商环境举措把企业注销时间压缩到几个工作日？", VOCAB).subquestions
    other = _cite(1, "对小型建设项目实行告知承诺制，压减评审时间5个工作日。")
    gap = contrast(sub, [other], METAS_BY_ID, _words, "压减评审时间5个工作日[1]。")
    assert gap is not None and gap.kind == "sibling"
    assert gap.detail == "企业注销时间|评审时间"
    own = _cite(1, "企业注销时间压缩至3个工作日。")
    assert contrast(sub, [own], METAS_BY_ID, _words, "企业注销时间压缩至3个工作日[1]。") is None
    # A verb's sibling ("通报" for the "上报" asked) is no other thing.
    (report,) = plan_question("临河各县年度进展上报时间是什么时候？", VOCAB).subquestions
    quarterly = _cite(1, "专班实行季通报，各县于每年1月15日前报送上年度进展。")
    gap = contrast(report, [quarterly], METAS_BY_ID, _words, "每年1月15日前[1]。")
    assert gap is None or gap.kind != "sibling"


def test_which_county_level_city_asks_a_place() -> None:
    from assistant.answer.reader import places_unnamed

    asked = "湖滨2023年要实现哪个县级市通高速？"
    assert places_unnamed(asked, ["在12个服务区增设快充设施，覆盖率达50%以上。"])
    assert not places_unnamed(asked, ["高速公路通车总里程达到900公里、实现桐乡市通高速。"])
    assert not places_unnamed("临河要培育哪些市场主体？", ["培育一批龙头企业。"])
