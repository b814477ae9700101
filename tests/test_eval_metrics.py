"""Unit tests of the evaluation metrics on tiny hand-checkable data."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation import metrics as m

# --- normalisation and answer accuracy ------------------------------------------------------


def test_normalise_answer_text() -> None:
    # whitespace removed, full-width digits/letters/percent folded, ≤ ≥ ＜ ＞ kept as they are
    assert m.normalise_answer_text(" ９５ ％\n达到 ≤０.０４ ＜１０ ＞ ２ ") == "95%达到≤0.04＜10＞2"
    assert m.normalise_answer_text("１０３００　公里") == "10300公里"
    assert m.normalise_answer_text("（二）ＡＢ") == "(二)AB"


def test_answer_accuracy() -> None:
    answers = {
        "a": "2025年目标为 95 ％ [1]。",  # "95%" present after normalisation -> correct
        "b": "里程为10300 公里，事故率≤0.04。",  # both strings present -> correct
        "c": "目标为 90%。",  # "95%" missing -> wrong
    }
    must_include = {"a": ["95%"], "b": ["10300公里", "≤0.04"], "c": ["95%"], "d": ["3条"]}
    # d has no answer -> wrong; 2 of 4 correct
    assert m.answer_accuracy(answers, must_include) == pytest.approx(2 / 4)
    assert m.answer_accuracy({}, {}) is None
    assert m.missing_strings("事故率＜0.04", ["≤0.04", "0.04"]) == ["≤0.04"]  # ＜ is not ≤


def test_answer_accuracy_keeps_fullwidth_comparison_signs() -> None:
    # "＜10" must not match "<10": the spec keeps ＜ ＞ as they are
    assert m.answer_accuracy({"a": "小于<10"}, {"a": ["＜10"]}) == 0.0
    assert m.answer_accuracy({"a": "小于＜10"}, {"a": ["＜10"]}) == 1.0


# --- abstention ------------------------------------------------------------------------------


def test_abstention_scores() -> None:
    types = {"u1": "unanswerable", "u2": "unanswerable", "f1": "fact", "f2": "fact", "f3": "list"}
    status = {
        "u1": "not_found",  # correct refusal
        "u2": "answered",  # missed refusal
        "f1": "not_found",  # false refusal
        "f2": "answered",
        "f3": "partial",
    }
    scores = m.abstention_scores(status, types)
    # refused = {u1, f1}: precision = 1/2; unanswerable = {u1, u2}: recall = 1/2;
    # answerable = {f1, f2, f3}: false refusal rate = 1/3
    assert scores.precision == pytest.approx(1 / 2)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.false_refusal_rate == pytest.approx(1 / 3)
    assert (scores.n_refused, scores.n_unanswerable, scores.n_answerable) == (2, 2, 3)


def test_abstention_scores_undefined_rates() -> None:
    # nothing refused -> precision undefined; no unanswerable items -> recall undefined
    scores = m.abstention_scores({"f1": "answered"}, {"f1": "fact"})
    assert scores.precision is None
    assert scores.recall is None
    assert scores.false_refusal_rate == 0.0


# --- evidence matching -----------------------------------------------------------------------


def test_longest_common_substring_len() -> None:
    assert m.longest_common_substring_len("abcdefg", "xxcdeyy") == 3  # "cde"
    assert m.longest_common_substring_len("abc", "xyz") == 0
    assert m.longest_common_substring_len("", "abc") == 0
    assert m.longest_common_substring_len("公交分担率达到39%", "分担率达到39%以上") == 8


QUOTE = "城市公共交通站点500米覆盖率达到95%以上"  # 22 characters -> needs a 20-char overlap
PASSAGE = "到2025年，城市公共交通 站点500米\n覆盖率达到95%以上，正点率达到80%。"


def test_holds_ignores_whitespace() -> None:
    # the passage contains the whole quote once whitespace is removed
    assert m.holds(PASSAGE, QUOTE)


def test_holds_threshold() -> None:
    long_quote = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # 26 chars -> threshold 20
    assert m.holds("xxABCDEFGHIJKLMNOPQRSTyy", long_quote)  # overlap "A..T" = 20 chars -> holds
    assert not m.holds("xxABCDEFGHIJKLMNOPQRSyy", long_quote)  # overlap 19 chars -> does not
    short_quote = "分担率达到39%"  # 8 chars -> the whole quote must occur
    assert m.holds("公交分担率达到39%", short_quote)
    assert not m.holds("公交分担率达到38%", short_quote)
    assert not m.holds("anything", "")


P_A = "站点500米覆盖率达到95%以上的目标在2025年实现"  # holds quote q1
P_B = "全市公路总里程达10030公里较十三五期增加378公里"  # holds quote q2
P_X = "与证据无关的段落内容，没有任何匹配的文字在这里出现"


def test_found_rank_all_and_any() -> None:
    q1, q2 = "站点500米覆盖率达到95%以上的目标", "全市公路总里程达10030公里"
    # q1 first held at rank 2, q2 at rank 3 -> all quotes by rank 3, any quote by rank 2
    assert m.found_rank([P_X, P_A, P_B], [q1, q2]) == 3
    assert m.found_rank([P_X, P_A, P_B], [q1, q2], require_all=False) == 2
    # q2 never held -> not found when all are required
    assert m.found_rank([P_X, P_A], [q1, q2]) is None
    assert m.found_rank([P_X, P_A], [q1, q2], require_all=False) == 2
    assert m.found_rank([P_A], []) is None


def test_retrieval_recall_and_mrr() -> None:
    q1, q2 = "站点500米覆盖率达到95%以上的目标", "全市公路总里程达10030公里"
    retrieved = {
        "a": [P_X, P_A],  # a: its quote q1 at rank 2
        "b": [P_X, P_X, P_X],  # b: q2 never retrieved
        "c": [P_B, P_A],  # c: needs q1 and q2 -> all at rank 2, any at rank 1
        "u": [P_A],  # u: no evidence (unanswerable) -> not counted
    }
    evidence = {"a": [q1], "b": [q2], "c": [q1, q2], "u": []}
    # all-quotes ranks: a=2, b=None, c=2 (3 items with evidence)
    # recall@1 = 0/3, recall@5 = 2/3, recall@10 = 2/3
    assert m.retrieval_recall_at_k(retrieved, evidence, 1) == 0.0
    assert m.retrieval_recall_at_k(retrieved, evidence, 5) == pytest.approx(2 / 3)
    assert m.retrieval_recall_at_k(retrieved, evidence, 10) == pytest.approx(2 / 3)
    # any-quote ranks: a=2, b=None, c=1 -> recall@1 = 1/3
    assert m.retrieval_recall_at_k(retrieved, evidence, 1, require_all=False) == pytest.approx(
        1 / 3
    )
    # mrr@10 (all) = (1/2 + 0 + 1/2) / 3 = 1/3; (any) = (1/2 + 0 + 1) / 3 = 1/2
    assert m.mrr_at_k(retrieved, evidence, 10) == pytest.approx(1 / 3)
    assert m.mrr_at_k(retrieved, evidence, 10, require_all=False) == pytest.approx(1 / 2)
    # mrr@1 (all): nothing at rank 1 -> 0
    assert m.mrr_at_k(retrieved, evidence, 1) == 0.0
    # an item missing from `retrieved` counts as not found: 0/1
    assert m.retrieval_recall_at_k({}, {"a": [q1]}, 10) == 0.0
    assert m.retrieval_recall_at_k({}, {"u": []}, 10) is None


def test_recall_from_ranks() -> None:
    ranks: dict[str, int | None] = {"a": 1, "b": 4, "c": None, "d": 10}
    # recall@1 = 1/4, recall@5 = 2/4, recall@10 = 3/4; mrr@10 = (1 + 1/4 + 0 + 1/10) / 4
    assert m.recall_at_k_from_ranks(ranks, 1) == pytest.approx(0.25)
    assert m.recall_at_k_from_ranks(ranks, 5) == pytest.approx(0.5)
    assert m.recall_at_k_from_ranks(ranks, 10) == pytest.approx(0.75)
    assert m.mrr_at_k_from_ranks(ranks, 10) == pytest.approx((1 + 0.25 + 0.1) / 4)
    # mrr@5 drops d (rank 10): (1 + 1/4) / 4
    assert m.mrr_at_k_from_ranks(ranks, 5) == pytest.approx(1.25 / 4)


# --- citations -------------------------------------------------------------------------------


def test_citation_hit_and_precision() -> None:
    q1, q2 = "站点500米覆盖率达到95%以上的目标", "全市公路总里程达10030公里"
    cited = {
        "a": [P_A, P_X],  # a: 1 of 2 citations holds its quote -> hit
        "b": [P_A],  # b: cites P_A but its quote is q2 -> no hit (P_A holds only q1)
        "c": [P_B, P_A],  # c: both citations hold one of its quotes -> hit
        # d: no citations -> no hit, adds nothing to precision
    }
    evidence = {"a": [q1], "b": [q2], "c": [q1, q2], "d": [q1]}
    # hit: a, c of a, b, c, d -> 2/4
    assert m.citation_hit(cited, evidence) == pytest.approx(2 / 4)
    # precision: holding citations a:1, b:0, c:2 = 3 of 5 citations
    assert m.citation_precision(cited, evidence) == pytest.approx(3 / 5)
    assert m.citation_flags(cited, evidence)["a"] == [True, False]
    assert m.citation_precision({}, {"a": [q1]}) is None  # no citations at all


# --- numbers ---------------------------------------------------------------------------------


def _values(text: str) -> list[tuple[str, Decimal, str]]:
    return [(n.text, n.value, n.unit) for n in m.extract_numbers(text)]


def test_extract_numbers_arabic_with_units_and_multipliers() -> None:
    assert _values("到2025年分担率达到39%[1]，覆盖率９５％[2]。") == [
        ("2025年", Decimal(2025), "年"),
        ("39%", Decimal(39), "%"),
        ("95%", Decimal(95), "%"),
    ]  # the citation markers [1] [2] are not numbers
    # 1.8万 -> 18000, thousands separators, 千米 is a unit (not 千 = 1000)
    assert _values("1.8万公里、10,300公里、3千米、2.5亿元") == [
        ("1.8万公里", Decimal(18000), "公里"),
        ("10,300公里", Decimal(10300), "公里"),
        ("3千米", Decimal(3), "千米"),
        ("2.5亿元", Decimal(250000000), "元"),
    ]
    assert _values("≤0.04") == [("0.04", Decimal("0.04"), "")]


def test_extract_numbers_chinese_numerals() -> None:
    # 三条 -> 3, 百分之九十五 -> 95%, 十五分钟 -> 15, 一万八千人 -> 18000
    assert _values("开通三条专线，百分之九十五，十五分钟，一万八千人，百分之12.5") == [
        ("三条", Decimal(3), "条"),
        ("95%", Decimal(95), "%"),
        ("十五分钟", Decimal(15), "分钟"),
        ("一万八千人", Decimal(18000), "人"),
        ("12.5%", Decimal("12.5"), "%"),
    ]
    # no unit after the numeral, a bare 一, and plan names are not quantities
    assert _values("一是统一规划，推进一体化，打造一个中心，“十四五”时期，十五五期间") == []


def test_extract_numbers_ignores_list_markers_and_titles() -> None:
    text = "1. 建成5个枢纽\n2、新增3条线路（1）①\n依据《晋城市三年行动计划（2023—2025年）》"
    assert [n.text for n in m.extract_numbers(text)] == ["5个", "3条"]


def test_chinese_numeral_value() -> None:
    assert m.chinese_numeral_value("三") == Decimal(3)
    assert m.chinese_numeral_value("两") == Decimal(2)
    assert m.chinese_numeral_value("一百零五") == Decimal(105)
    assert m.chinese_numeral_value("百") == Decimal(100)  # 百 alone = 一百
    assert m.chinese_numeral_value("三点五") == Decimal("3.5")
    assert m.chinese_numeral_value("二〇二五") == Decimal(2025)
    assert m.chinese_numeral_value("十四五") is None
    assert m.chinese_numeral_value("") is None


def test_unsupported_numbers() -> None:
    passages = [
        "序号 指标名称 单位 2021 年 2025 年\n4 城市公共交通站点 500 米覆盖率 % 86.2 95",
        "全市公路总里程达1.8万公里，开通红色公交专线3条。",
    ]
    answer = (
        "2025年站点500米覆盖率目标为95%[1]，公路总里程18000公里[2]，"
        "开通三条专线，绿色出行比例80%，新增12个站点，再提到一次80%。"
    )
    # supported: 2025 (table header), 500 (米), 95 (% column), 18000 (= 1.8万), 三 (= 3)
    # unsupported: 80% (listed once though it occurs twice) and 12个
    assert m.unsupported_numbers(answer, passages) == ["80%", "12个"]
    # numbers normalised the other way round: 1.8万 in the answer, 18000 in the passage
    assert m.unsupported_numbers("约1.8万公里", ["总里程18000公里"]) == []
    # 百分之九十五 in the answer is supported by 95% in the passage, and vice versa
    assert m.unsupported_numbers("百分之九十五", ["覆盖率达到95%"]) == []
    assert m.unsupported_numbers("覆盖率95%", ["覆盖率达到百分之九十五"]) == []
    # 95% may be written as 0.95
    assert m.unsupported_numbers("达到95%", ["比率 0.95"]) == []
    # no cited passages: every number is unsupported
    assert m.unsupported_numbers("共3条", []) == ["3条"]
    assert m.unsupported_numbers("没有数字的回答[1]。", []) == []


# --- latency ---------------------------------------------------------------------------------


def test_percentile() -> None:
    values = [400.0, 100.0, 300.0, 200.0]  # sorted 100, 200, 300, 400
    # p50: position 1.5 -> 200 + 0.5 * 100 = 250; p95: position 2.85 -> 300 + 0.85 * 100 = 385
    assert m.percentile(values, 50) == pytest.approx(250.0)
    assert m.percentile(values, 95) == pytest.approx(385.0)
    assert m.percentile(values, 0) == 100.0
    assert m.percentile(values, 100) == 400.0
    assert m.percentile([7.0], 95) == 7.0
    assert m.percentile([], 50) is None
    with pytest.raises(ValueError):
        m.percentile(values, 101)


def test_latency_summary() -> None:
    # values 10, 20, 30: p50 = 20, p95 = position 1.9 -> 20 + 0.9 * 10 = 29, max 30, mean 20
    summary = m.latency_summary([30.0, 10.0, 20.0])
    assert summary == {
        "n": 3,
        "p50": pytest.approx(20.0),
        "p95": pytest.approx(29.0),
        "max": 30.0,
        "mean": pytest.approx(20.0),
    }
    assert m.latency_summary([])["p50"] is None


def test_unsupported_numbers_allows_numbers_from_the_question() -> None:
    # the answer repeats the year the user asked about; only 6.5% needs a passage
    answer, passages = "2025年目标为6.5%[1]。", ["城市公交专用道设置比率 % 4.7 6.5"]
    assert m.unsupported_numbers(answer, passages) == ["2025年"]
    assert m.unsupported_numbers(answer, passages, question="2025年的目标是多少？") == []


def test_status_scores() -> None:
    status = {"a": "answered", "b": "answered", "c": "answered", "d": "partial", "e": "not_found"}
    # c is an unanswerable item labelled answered: scored wrong, so it lowers the precision.
    correct = {"a": True, "b": True, "c": False, "d": False, "e": True}
    scores = m.status_scores(status, correct)
    assert scores.answered_precision == pytest.approx(2 / 3)
    assert scores.answered_share == pytest.approx(3 / 5)
    assert scores.partial_share == pytest.approx(1 / 5)
    assert scores.not_found_share == pytest.approx(1 / 5)
    assert (scores.n_answered, scores.n_partial) == (3, 1)


def test_status_scores_nothing_answered() -> None:
    scores = m.status_scores({"a": "not_found"}, {"a": True})
    assert scores.answered_precision is None
    assert scores.partial_share == 0.0


def _calibrate_module() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "eval" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_confirm_cutoffs_hedge_the_unsure_answers_within_the_budget() -> None:
    import numpy as np

    confirm_cutoffs = _calibrate_module().confirm_cutoffs
    # Ten items; eight labelled answered. The two wrong answers have the lowest confidences
    # (0.2, 0.3); one right answer sits at 0.25 between them. No quote leaves words out.
    weakest = np.array([0.2, 0.25, 0.3, 0.6, 0.7, 0.8, 0.9, 1.0, 0.1, 0.5])
    none = np.zeros(10)
    answered = np.array([True] * 8 + [False, False])
    correct = np.array([False, True, False, True, True, True, True, True, False, True])
    # Budget 30 % (3 of 10): cut 0.6 moves 0.2, 0.25, 0.3 → all five left are right.
    assert confirm_cutoffs(weakest, none, answered, correct, 0.3) == pytest.approx((0.6, 1.0))
    # Budget 10 % (1 of 10): only 0.2 may move → cut 0.25, precision 6/7.
    assert confirm_cutoffs(weakest, none, answered, correct, 0.1) == pytest.approx((0.25, 1.0))
    # No budget: nothing is hedged.
    assert confirm_cutoffs(weakest, none, answered, correct, 0.0) == (0.0, 1.0)
    # The wrong answer at 0.3 leaves half the focus's weight out, the right ones at most 0.2:
    # with a budget of two items, the confidence cut takes 0.2 and the words cut takes 0.3.
    missing = np.array([0.0, 0.1, 0.5, 0.2, 0.0, 0.0, 0.1, 0.0, 0.0, 0.0])
    cut, miss = confirm_cutoffs(weakest, missing, answered, correct, 0.2)
    assert cut == pytest.approx(0.25) and miss == pytest.approx(0.2)


def test_unsaid_cutoff_hedges_after_the_pair_within_the_budget() -> None:
    import numpy as np

    unsaid_cutoff = _calibrate_module().unsaid_cutoff
    # Ten items, eight labelled answered; the pair already hedges item 0 (wrong). Of the rest,
    # the wrong answer (item 2) leaves 0.6 of the focus unsaid, the right ones at most 0.4.
    hedged = np.array([True] + [False] * 9)
    unsaid = np.array([0.0, 0.4, 0.6, 0.1, 0.0, 0.2, 0.0, 0.3, 0.9, 0.9])
    answered = np.array([True] * 8 + [False, False])
    correct = np.array([False, True, False, True, True, True, True, True, False, False])
    # Budget 20 % (two items): the cut just below 0.6 moves item 2 → all six left are right;
    # looser cuts (0.4, 0.3, …) only move right answers too.
    assert unsaid_cutoff(hedged, unsaid, answered, correct, 0.2) == pytest.approx(0.4)
    # Budget 10 %: item 0 alone fills it, so nothing more is hedged.
    assert unsaid_cutoff(hedged, unsaid, answered, correct, 0.1) == 1.0
    # Items not labelled answered (8, 9) never count, however much they leave out.
    assert unsaid_cutoff(hedged, unsaid, answered, correct, 0.3) == pytest.approx(0.4)
