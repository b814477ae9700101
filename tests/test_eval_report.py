"""Dataset validation, dataset checks, and ``run_eval`` end to end with a fake assistant that
returns real ``Answer`` objects (the real end-to-end eval test lives with the CLI)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.answer.types import Answer, Citation, Status, Turn
from assistant.errors import AssistantError, IndexMissingError, InvalidRequestError
from assistant.evaluation.check_dataset import check_dataset
from assistant.evaluation.dataset import load_dataset
from assistant.evaluation.runner import run_eval
from assistant.ingest.types import Chunk
from assistant.retrieve.types import Passage
from assistant.settings import Settings

TABLE_TEXT = (
    "表3-1 阳泉市公交都市创建目标\n"
    "4 城市公共交通站点 500 米覆盖率 % 86.2 95\n"
    "5 城市公共交通正点率 % 73.89 80"
)
ROAD_TEXT = "公路网络持续优化，全市公路总里程达10030公里，较“十三五”期增加378公里。"
OTHER_TEXT = "强化安全生产责任落实，推进行业治理能力现代化，提升应急保障水平。"

ITEMS: list[dict[str, Any]] = [
    {
        "id": "t1",
        "type": "numeric_table",
        "question": "阳泉市2025年公交站点500米覆盖率目标是多少？",
        "history": [],
        "answer": "95%",
        "must_include": ["95%"],
        "evidence": ["城市公共交通站点 500 米覆盖率 % 86.2 95"],
        "doc": ["002.txt"],
        "paraphrased": False,
    },
    {
        "id": "f1",
        "type": "fact",
        "question": "晋城市公路总里程是多少？",
        "history": [],
        "answer": "10030公里",
        "must_include": ["10030公里"],
        "evidence": ["全市公路总里程达10030公里"],
        "doc": ["000.txt"],
        "paraphrased": True,
        "extra_field": "ignored",
    },
    {
        "id": "fu1",
        "type": "followup",
        "question": "那正点率呢？",
        "history": [
            {"role": "user", "content": "阳泉市2025年公交站点覆盖率目标是多少？"},
            {"role": "assistant", "content": "95%。"},
        ],
        "answer": "80%",
        "must_include": ["80%"],
        "evidence": ["城市公共交通正点率 % 73.89 80"],
        "doc": ["002.txt"],
        "paraphrased": False,
    },
    {
        "id": "u1",
        "type": "unanswerable",
        "question": "阳泉市2030年地铁里程目标是多少？",
        "history": [],
        "answer": "文件未提及。",
        "must_include": [],
        "evidence": [],
        "doc": [],
        "paraphrased": False,
    },
    {
        "id": "u2",
        "type": "unanswerable",
        "question": "晋城市机场旅客吞吐量目标？",
        "history": [],
        "answer": "文件未提及。",
        "must_include": [],
        "evidence": [],
        "doc": [],
        "paraphrased": False,
    },
    {
        "id": "x1",
        "type": "list",
        "question": "<script>alert('x')</script> 会出错的问题",
        "history": [],
        "answer": "A & B",
        "must_include": ["A"],
        "evidence": ["强化安全生产责任落实，推进行业治理"],
        "doc": [],
        "paraphrased": False,
    },
]


def _chunk(chunk_id: str, text: str) -> Chunk:
    return Chunk(chunk_id, "doc", "阳泉市<实施方案>", ("一、目标",), text, 0, len(text))


def _answer(
    question: str,
    status: Status,
    text: str,
    cited: Sequence[Chunk],
    retrieved: Sequence[Chunk],
    resolved: str = "",
) -> Answer:
    citations = tuple(
        Citation(i, c.chunk_id, c.doc_id, c.doc_title, c.section_path, c.text[:20], c.text, 0, 20)
        for i, c in enumerate(cited, start=1)
    )
    return Answer(
        question=question,
        status=status,
        answer=text,
        citations=citations,
        retrieved=tuple(Passage(c, 1.0 / (i + 1)) for i, c in enumerate(retrieved)),
        timings_ms={"retrieve": 12.0, "generate": 30.0, "total": 45.0},
        resolved_question=resolved or question,
    )


class FakeAssistant:
    """Canned answers: t1 right, f1 wrong (90% made up, evidence only at rank 3), fu1 right
    (and needs its history), u1 refused, u2 answered anyway, x1 raises."""

    def __init__(self) -> None:
        self.histories: dict[str, tuple[Turn, ...]] = {}

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        table, road, other = (
            _chunk("c1", TABLE_TEXT),
            _chunk("c2", ROAD_TEXT),
            _chunk("c3", OTHER_TEXT),
        )
        self.histories[question] = tuple(history)
        if question.startswith("阳泉市2025年"):
            return _answer(question, "answered", "目标为95%[1]。", [table], [table, road])
        if question.startswith("晋城市公路"):
            return _answer(question, "answered", "约为90%[1]。", [other], [other, table, road])
        if question == "那正点率呢？":
            assert len(history) == 2
            resolved = "阳泉市2025年公交正点率目标是多少？"
            return _answer(question, "partial", "正点率目标80%[1]。", [table], [table], resolved)
        if question.startswith("阳泉市2030年"):
            return _answer(question, "not_found", "未找到相关内容。", [], [other])
        if question.startswith("晋城市机场"):
            return _answer(question, "answered", "吞吐量<200万>人次[1]。", [other], [other])
        raise ValueError("模型输出无法解析")


def _write(path: Path, items: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    return path


def _settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", corpus_dir=tmp_path / "corpus")


# --- run_eval end to end ---------------------------------------------------------------------


def test_run_eval_writes_three_reports(tmp_path: Path) -> None:
    dataset = _write(tmp_path / "mini.jsonl", ITEMS)
    fake = FakeAssistant()
    out = tmp_path / "out"
    report = run_eval(_settings(tmp_path), dataset, out, assistant=fake, progress=False)

    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).is_file(), name
    assert fake.histories["那正点率呢？"][0] == Turn(
        "user", "阳泉市2025年公交站点覆盖率目标是多少？"
    )

    s = report.summary
    # answerable t1, f1, fu1, x1: t1 and fu1 correct -> 2/4
    assert s["answer_accuracy"] == pytest.approx(0.5)
    # refused: u1 only -> precision 1/1, recall 1/2 (u2 answered), false refusals 0/4
    assert s["abstention"]["precision"] == 1.0
    assert s["abstention"]["recall"] == pytest.approx(0.5)
    assert s["abstention"]["false_refusal_rate"] == 0.0
    # evidence ranks: t1 1, f1 3, fu1 1, x1 None (error) -> recall@1 2/4, @5 3/4
    assert s["retrieval"]["recall@1"] == pytest.approx(0.5)
    assert s["retrieval"]["recall@5"] == pytest.approx(0.75)
    assert s["retrieval"]["mrr@10"] == pytest.approx((1 + 1 / 3 + 1) / 4)
    # citations: t1 hit, f1 miss, fu1 hit, x1 none -> hit 2/4; precision 2 of 3 citations
    assert s["citation_hit"] == pytest.approx(0.5)
    assert s["citation_precision"] == pytest.approx(2 / 3)
    # f1's "90%" and u2's "200万人次" are backed by nothing they cite
    assert s["unsupported_numbers"]["total"] == 2
    assert s["unsupported_numbers"]["per_item"] == {"f1": 1, "u2": 1}
    assert s["n_errors"] == 1
    assert s["stage_latency_ms"]["total"]["p50"] == 45.0
    assert report.by_type["unanswerable"]["abstention"]["recall"] == pytest.approx(0.5)
    assert [r.id for r in report.failures] == ["f1", "u2", "x1"]

    data = json.loads((out / "report.json").read_text("utf-8"))
    records = {r["id"]: r for r in data["items"]}
    assert records["f1"]["unsupported_numbers"] == ["90%"]
    assert records["f1"]["found_rank"] == 3
    assert records["fu1"]["resolved_question"] == "阳泉市2025年公交正点率目标是多少？"
    assert records["x1"]["status"] == "error" and "模型输出无法解析" in records["x1"]["error"]
    assert records["t1"]["citations"][0]["holds_evidence"] is True
    assert records["t1"]["latency_ms"] is not None
    for key in ("question", "expected_answer", "must_include", "answer", "status", "correct"):
        assert key in records["t1"]

    page = (out / "report.html").read_text("utf-8")
    assert page.count('<img src="data:image/png;base64,') == 4  # the trend is the fourth
    assert 'class="failures"' in page
    assert "晋城市公路总里程是多少？" in page  # a failed question is in the failure table
    # everything is escaped
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "&lt;200万&gt;" in page
    assert "阳泉市&lt;实施方案&gt;" in page

    markdown = (out / "report.md").read_text("utf-8")
    assert "答案准确率" in markdown and "f1" in markdown
    assert report.summary_lines()[0].startswith("评测完成：共 6 题")


def test_run_eval_limit_and_default_out_dir(tmp_path: Path) -> None:
    dataset = _write(tmp_path / "mini.jsonl", ITEMS)
    settings = _settings(tmp_path)
    report = run_eval(settings, dataset, limit=2, assistant=FakeAssistant(), progress=False)
    assert [r.id for r in report.items] == ["t1", "f1"]
    assert report.out_dir == settings.home / "eval" / "reports" / "mini"
    page = (report.out_dir / "report.html").read_text("utf-8")
    # no unanswerable items and no latency problems: still all four plots
    assert page.count('<img src="data:image/png;base64,') == 4
    assert report.summary["abstention"]["recall"] is None
    with pytest.raises(InvalidRequestError, match="--limit"):
        run_eval(settings, dataset, limit=0, assistant=FakeAssistant(), progress=False)


def test_run_eval_all_correct_has_no_failure_rows(tmp_path: Path) -> None:
    dataset = _write(tmp_path / "ok.jsonl", [ITEMS[0], ITEMS[3]])
    report = run_eval(
        _settings(tmp_path), dataset, tmp_path / "o", assistant=FakeAssistant(), progress=False
    )
    assert report.failures == []
    assert "全部正确" in (tmp_path / "o" / "report.html").read_text("utf-8")


class _Broken:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        raise self.error


def test_run_eval_fatal_and_total_failures_raise(tmp_path: Path) -> None:
    dataset = _write(tmp_path / "mini.jsonl", ITEMS)
    settings = _settings(tmp_path)
    # a missing index stops the run at once
    with pytest.raises(IndexMissingError):
        run_eval(
            settings, dataset, assistant=_Broken(IndexMissingError("索引不存在")), progress=False
        )
    # every question failing means the run failed
    with pytest.raises(RuntimeError):
        run_eval(settings, dataset, assistant=_Broken(RuntimeError("boom")), progress=False)


# --- dataset validation ----------------------------------------------------------------------


def test_load_dataset_ok(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    lines = [json.dumps(ITEMS[2], ensure_ascii=False), "", json.dumps(ITEMS[1], ensure_ascii=False)]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")  # BOM, blank line
    items = load_dataset(path)
    assert [i.id for i in items] == ["fu1", "f1"]
    assert items[0].history[1] == Turn("assistant", "95%。")
    assert items[0].line == 1 and items[1].line == 3
    assert items[1].paraphrased is True and items[1].must_include == ("10030公里",)
    assert not any(i.type == "unanswerable" for i in items)


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("{not json", "不是合法的 JSON"),
        ('["a list"]', "应为 JSON 对象"),
        ('{"id": "z", "type": "fact", "question": "问？"}', "缺少必填字段"),
        (
            '{"id": "z", "type": "opinion", "question": "问？", "answer": "", '
            '"must_include": [], "evidence": []}',
            "未知的题型“opinion”",
        ),
        (
            '{"id": "z", "type": "fact", "question": "问？", "answer": "", '
            '"must_include": "95%", "evidence": []}',
            "must_include",
        ),
        (
            '{"id": "z", "type": "fact", "question": "问？", "answer": "", "must_include": [], '
            '"evidence": [], "history": [{"role": "bot", "content": "x"}]}',
            "role",
        ),
        (json.dumps(ITEMS[0], ensure_ascii=False), "重复"),
    ],
)
def test_load_dataset_bad_line_names_line_number(
    tmp_path: Path, bad_line: str, expected: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(ITEMS[0], ensure_ascii=False) + "\n" + bad_line + "\n", "utf-8")
    with pytest.raises(InvalidRequestError) as info:
        load_dataset(path)
    assert "第 2 行" in info.value.message
    assert expected in info.value.message


def test_load_dataset_missing_or_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError, match="找不到评测数据集文件"):
        load_dataset(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", "utf-8")
    with pytest.raises(InvalidRequestError, match="没有任何题目"):
        load_dataset(tmp_path / "empty.jsonl")
    (tmp_path / "gbk.jsonl").write_bytes("问题".encode("gbk"))
    with pytest.raises(InvalidRequestError, match="UTF-8"):
        load_dataset(tmp_path / "gbk.jsonl")


def test_run_eval_rejects_bad_dataset_before_building_assistant(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{oops\n", "utf-8")
    # no assistant passed: the dataset error must come first (build_assistant is never reached)
    with pytest.raises(InvalidRequestError, match="第 1 行"):
        run_eval(
            _settings(tmp_path), path, assistant=_Broken(AssertionError("asked")), progress=False
        )


# --- dataset checks against the corpus -------------------------------------------------------


def test_check_dataset(tmp_path: Path) -> None:
    corpus = tmp_path / "files"
    corpus.mkdir()
    (corpus / "a.txt").write_text(TABLE_TEXT + "\n" + ROAD_TEXT, "utf-8")
    good = {**ITEMS[1], "id": "g1"}
    items = [
        good,
        ITEMS[0],  # evidence matches the corpus with whitespace removed
        {**good, "id": "g1"},  # duplicate id
        {**good, "id": "g2", "evidence": ["全市公路总里程达10031公里"]},  # not in the corpus
        {**good, "id": "g3", "evidence": ["10030公里"]},  # 7 characters: too short
        {**good, "id": "g4", "must_include": ["378公里"]},  # neither in answer nor evidence
        {**good, "id": "g5", "type": "followup"},  # follow-up without history
        # unanswerable with evidence
        {**ITEMS[3], "id": "g6", "evidence": ["全市公路总里程达10030公里"]},
    ]
    problems = check_dataset(_write(tmp_path / "d.jsonl", items), corpus)
    joined = "\n".join(problems)
    assert len(problems) == 6, joined
    assert "第 3 行" in joined and "重复" in joined
    assert "g2" in joined and "找不到" in joined
    assert "g3" in joined and "应为 10–120 字" in joined
    assert "g4" in joined and "378公里" in joined
    assert "g5" in joined and "history" in joined
    assert "g6" in joined and "unanswerable" in joined
    assert check_dataset(_write(tmp_path / "ok.jsonl", items[:2]), corpus) == []
    assert "找不到评测数据集文件" in check_dataset(tmp_path / "missing.jsonl", corpus)[0]


def test_unwritable_out_dir_is_a_clear_error(tmp_path: Path) -> None:
    dataset = _write(tmp_path / "mini.jsonl", ITEMS[:1])
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")  # a file where the output folder should be
    with pytest.raises(AssistantError, match="无法把评测报告写入"):
        run_eval(
            _settings(tmp_path), dataset, blocker / "out", assistant=FakeAssistant(), progress=False
        )


# --- feedback cases waiting for a reviewer ---------------------------------------------------

PENDING = {
    "id": "feedback-7",
    "type": "fact",
    "question": "晋城市公路总里程是多少？",
    "history": [],
    "answer": "",
    "must_include": [],
    "evidence": [],
    "needs_review": True,
    "regression": True,
    "rejected_answer": "约为90%。",
}


def test_unreviewed_cases_are_skipped_and_counted_until_must_include_is_filled(
    tmp_path: Path,
) -> None:
    dataset = _write(tmp_path / "fb.jsonl", [ITEMS[0], PENDING])
    fake = FakeAssistant()
    report = run_eval(_settings(tmp_path), dataset, tmp_path / "o", assistant=fake, progress=False)
    assert [r.id for r in report.items] == ["t1"] and list(fake.histories) == [ITEMS[0]["question"]]
    assert [i.id for i in report.pending_review] == ["feedback-7"]
    assert report.summary["answer_accuracy"] == 1.0  # the unreviewed case scores nothing
    assert "另有 1 题待审核" in report.summary_lines()[0]
    for name in ("report.md", "report.html"):
        text = (tmp_path / "o" / name).read_text("utf-8")
        assert "待审核题目（1，未评测）" in text and "feedback-7" in text
    data = json.loads((tmp_path / "o" / "report.json").read_text("utf-8"))
    assert data["pending_review"][0]["id"] == "feedback-7"

    # Reviewed: must_include filled in, and the case is asked and scored (here: wrongly).
    reviewed = {**PENDING, "must_include": ["10030公里"]}
    report = run_eval(
        _settings(tmp_path),
        _write(tmp_path / "fb2.jsonl", [ITEMS[0], reviewed]),
        tmp_path / "o2",
        assistant=FakeAssistant(),
        progress=False,
    )
    assert report.pending_review == () and report.summary["answer_accuracy"] == 0.5

    with pytest.raises(InvalidRequestError, match="都待审核"):
        run_eval(
            _settings(tmp_path),
            _write(tmp_path / "only.jsonl", [PENDING]),
            assistant=FakeAssistant(),
            progress=False,
        )
    problems = check_dataset(_write(tmp_path / "c.jsonl", [PENDING]), tmp_path)
    assert any("待审核" in p and "feedback-7" in p for p in problems)


# --- the trend over runs and the Chinese plots -----------------------------------------------


def test_each_run_adds_to_the_history_and_the_trend(tmp_path: Path) -> None:
    dataset = _write(tmp_path / "mini.jsonl", ITEMS)
    out = tmp_path / "out"
    settings = _settings(tmp_path)
    run_eval(settings, dataset, out, assistant=FakeAssistant(), progress=False)
    # A report from before the history existed starts it.
    (out / "history.jsonl").unlink()
    run_eval(settings, dataset, out, assistant=FakeAssistant(), progress=False)
    run_eval(settings, dataset, out, limit=2, assistant=FakeAssistant(), progress=False)
    report = run_eval(settings, dataset, out, assistant=FakeAssistant(), progress=False)
    history = [json.loads(line) for line in (out / "history.jsonl").read_text("utf-8").splitlines()]
    assert [h["limit"] for h in history] == [None, None, 2, None]  # seeded, then three runs
    assert history[-1]["by_type"]["numeric_table"] == 1.0
    assert history[-1]["by_type"]["unanswerable"] == pytest.approx(0.5)  # correct refusals
    assert history[-1]["answer_accuracy"] == report.summary["answer_accuracy"]
    markdown = (out / "report.md").read_text("utf-8")
    # The first report (seeded from report.json), the second and this one; not the --limit run.
    assert "## 最近 3 次评测的准确率" in markdown
    assert "最近 3 次评测的准确率" in (out / "report.html").read_text("utf-8")


def test_plots_are_chinese_with_a_cjk_font_and_english_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    from assistant.evaluation import plots

    if plots.cjk_font() is None:
        pytest.fail("未找到中文字体：请运行 make chromium（安装 fonts-wqy-microhei）。")
    dataset = _write(tmp_path / "mini.jsonl", ITEMS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_eval(
            _settings(tmp_path), dataset, tmp_path / "zh", assistant=FakeAssistant(), progress=False
        )
    # matplotlib warns for every glyph its font lacks: none is missing.
    assert not [w for w in caught if "missing from" in str(w.message)]
    zh = (tmp_path / "zh" / "report.html").read_text("utf-8")
    assert plots.NO_CJK_FONT_NOTE not in zh
    assert "表格数值" in zh and "不可回答" in zh  # question types by their Chinese names

    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_eval(
            _settings(tmp_path), dataset, tmp_path / "en", assistant=FakeAssistant(), progress=False
        )
    assert not [w for w in caught if "missing from" in str(w.message)]  # no boxes either
    en = (tmp_path / "en" / "report.html").read_text("utf-8")
    assert plots.NO_CJK_FONT_NOTE in en and en.count('<img src="data:image/png;base64,') == 4


def test_labels_are_what_the_plots_draw() -> None:
    """The Chinese label set has no ASCII-only title; the English one has no Chinese."""
    from dataclasses import fields

    from assistant.evaluation.plots import CHINESE, ENGLISH

    texts = [f.name for f in fields(CHINESE) if isinstance(getattr(CHINESE, f.name), str)]
    titled = ("accuracy_title", "recall_title", "latency_title", "trend_title", "trend_single")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in getattr(CHINESE, n)) for n in titled)
    assert not any(any("\u4e00" <= ch <= "\u9fff" for ch in getattr(ENGLISH, n)) for n in texts)
