"""The fast tier's end-to-end tests: ``Assistant.ask`` on a tiny corpus (tests/data/tiny_corpus,
two short documents without a manifest) with a deterministic hashing embedder, a real FAISS
index, real BM25, the real record store and the real answer pipeline. Seconds, no model.

Each expected string below was read off the tiny corpus by hand (the file is named in the test)."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from assistant.answer.extractive import AnswerPolicy
from assistant.answer.plan import whole_question
from assistant.answer.reader import Gap, SubAnswer
from assistant.answer.texts import NOT_FOUND_TEXT
from assistant.answer.types import Citation
from assistant.errors import EmptyQuestionError, NotFoundError, QuestionTooLongError
from assistant.index.backend import index_backend
from assistant.serve.service import Assistant, build_assistant
from assistant.settings import Settings
from tests.conftest import BACKENDS
from tests.hashing_embedder import HashingEmbedder
from tests.pg import new_database
from tests.tiny import tiny_policy

TINY = Path(__file__).resolve().parent / "data" / "tiny_corpus"
MARKER = re.compile(r"\[(\d+)\]")
TYPICAL_DENSE = 0.75  # rescaled e5 similarity of an answerable question (extractive.py)


@pytest.fixture(scope="module", params=BACKENDS)
def tiny(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The same tests on both index backends (files, PostgreSQL + pgvector)."""
    root = tmp_path_factory.mktemp("tiny")
    shutil.copytree(TINY, root / "corpus")
    env = {"ASSISTANT_HOME": str(root / "home"), "ASSISTANT_CORPUS_DIR": str(root / "corpus")}
    if request.param == "postgres":
        env["ASSISTANT_DATABASE_URL"] = new_database(request.getfixturevalue("pg_server"))
    settings = Settings.from_env(env)
    embedder = HashingEmbedder()
    index_backend(settings).build(embedder, progress=False)
    # The shipped policy is calibrated on e5 cosines; the hashing embedder's cosines live on
    # another scale, so its dense term is replaced by the value of a typical answerable question
    # and the lexical evidence decides.
    calibrated = AnswerPolicy.load()
    policy = dataclasses.replace(
        calibrated,
        coef={**calibrated.coef, "dense": 0.0},
        intercept=calibrated.intercept + calibrated.coef["dense"] * TYPICAL_DENSE,
    )
    return build_assistant(settings, embedder=embedder, policy=policy)


def _grounded(assistant: Assistant, answer_text: str, citations: tuple[Citation, ...]) -> None:
    """Every [n] has a citation and every citation's quote is the document's text at its span."""
    assert {int(n) for n in MARKER.findall(answer_text)} == {c.n for c in citations}
    for c in citations:
        doc = assistant.index.documents[c.doc_id]
        assert doc.text[c.quote_start : c.quote_end] == c.quote


def test_documents_without_manifest_get_titles_from_their_text(tiny: Assistant) -> None:
    titles = sorted(m.title for m in tiny.documents.values())
    assert titles == ["临河市公交优先发展实施方案", "临河市防汛应急预案"]


def test_prose_question_is_answered_with_a_cited_quote(tiny: Assistant) -> None:
    # flood_plan.txt, 2.1: "指挥部办公室设在市水务局"
    answer = tiny.ask("防汛指挥部办公室设在哪里？")
    assert answer.status != "not_found"
    assert "市水务局" in answer.answer
    assert answer.citations[0].doc_title == "临河市防汛应急预案"
    _grounded(tiny, answer.answer, answer.citations)


def test_numeric_question_is_answered_from_the_indicator_table(tiny: Assistant) -> None:
    # bus_plan.txt, 表 1 row 3: 公交正点率 % 76.5 (2021) 85 (2025)
    answer = tiny.ask("到2025年临河公交正点率要达到多少？")
    assert answer.status == "answered"
    assert "85" in answer.answer
    assert answer.evidence.get("fact_match", 0) > 0  # came from the record store
    _grounded(tiny, answer.answer, answer.citations)
    assert answer.guard["removed"] == []


def test_a_year_no_document_covers_is_not_found(tiny: Assistant) -> None:
    # bus_plan.txt gives 2021 and 2025 values only
    answer = tiny.ask("临河市2030年公交正点率目标是多少？")
    assert answer.status == "not_found"
    # The decline names the gap and quotes what the plan does state, cited.
    assert "未提及2030年" in answer.answer
    assert answer.citations and "公交正点率" in answer.citations[0].quote
    assert "2030" not in answer.citations[0].quote


def test_a_run_of_years_asked_is_answered_year_by_year(tiny: Assistant) -> None:
    # "从基期到2025年分别是多少": every year the table states up to 2025, the base year too.
    answer = tiny.ask("临河公交正点率从基期到2025年分别是多少？")
    assert answer.status == "answered", answer.answer
    assert "2021年：" in answer.answer and "76.5" in answer.answer
    assert "2025年：" in answer.answer and "85" in answer.answer
    _grounded(tiny, answer.answer, answer.citations)


def test_follow_up_inherits_the_topic(tiny: Assistant) -> None:
    # bus_plan.txt, 表 1 row 1: 公共交通机动化出行分担率 35.2 (2021) / 40 (2025)
    history = [
        {"role": "user", "content": "临河市2025年公共交通机动化出行分担率目标是多少？"},
        {"role": "assistant", "content": "40%。"},
    ]
    answer = tiny.ask("那2021年呢？", history)
    assert "2021" in answer.resolved_question and "分担率" in answer.resolved_question
    assert "35.2" in answer.answer


def test_off_topic_question_is_not_found(tiny: Assistant) -> None:
    answer = tiny.ask("如何办理护照？")
    assert answer.status == "not_found"


def test_guard_removes_a_sentence_whose_number_no_citation_holds(tiny: Assistant) -> None:
    from assistant.answer.guard import guard_answer

    good = tiny.ask("防汛指挥部办公室设在哪里？")
    planted = good.answer + "共有99个工作组。[1]"
    guarded = guard_answer(planted, good.status, good.citations, NOT_FOUND_TEXT)
    assert "99个" not in guarded.text
    assert guarded.report.removed == ("共有99个工作组。[1]",)
    assert guarded.status == "partial"


def test_bad_requests_are_errors_with_chinese_messages(tiny: Assistant) -> None:
    with pytest.raises(EmptyQuestionError):
        tiny.ask("   ")
    with pytest.raises(QuestionTooLongError):
        tiny.ask("问" * 501)
    with pytest.raises(NotFoundError, match="未知的文档编号"):
        tiny.ask("公交正点率", doc_ids=["no-such-doc"])


def test_document_filter_limits_the_passages(tiny: Assistant) -> None:
    flood = next(d for d, m in tiny.documents.items() if "防汛" in m.title)
    answer = tiny.ask("公交站点覆盖率", doc_ids=[flood])
    assert {p.chunk.doc_id for p in answer.retrieved} == {flood}


def test_list_question_is_answered_with_the_sections_child_headings(tiny: Assistant) -> None:
    # bus_plan.txt, 二、重点任务: （一）优化公交线网 （二）建设公交场站 （三）提升服务质量
    answer = tiny.ask("临河市公交优先发展实施方案的重点任务有哪些？")
    assert answer.status == "answered"
    for item in ("优化公交线网", "建设公交场站", "提升服务质量"):
        assert item in answer.answer
    assert answer.evidence.get("record_match", 0) > 0
    _grounded(tiny, answer.answer, answer.citations)


def test_a_list_asked_with_fenbie_is_answered_from_the_list_record(tiny: Assistant) -> None:
    # Same section; "分别是什么" names no list cue of the record answerer's own, but the question
    # plan's answer type (a list, or an overview of the section) does.
    answer = tiny.ask("临河市公交优先发展实施方案的重点任务分别是什么？")
    assert answer.plan["subquestions"][0]["answer_type"] in ("list", "overview")
    for item in ("优化公交线网", "建设公交场站", "提升服务质量"):
        assert item in answer.answer
    assert answer.evidence.get("record_match", 0) > 0
    _grounded(tiny, answer.answer, answer.citations)


def test_which_ones_asked_is_a_list_not_the_count_the_text_states(tiny: Assistant) -> None:
    # flood_plan.txt, 2.2: "指挥部下设综合协调组、抢险救援组、医疗救护组、后勤保障组四个工作组。"
    # "哪几个" asks which: the answer names them, whichever answerer gives it.
    answer = tiny.ask("临河市防汛应急预案里指挥部下设哪几个工作组？")
    for item in ("综合协调组", "抢险救援组", "医疗救护组", "后勤保障组"):
        assert item in answer.answer
    _grounded(tiny, answer.answer, answer.citations)


def test_lead_question_is_answered_from_the_responsibility_record(tiny: Assistant) -> None:
    # bus_plan.txt, （一）优化公交线网: "由市交通运输局牵头，各区政府配合。"
    answer = tiny.ask("优化公交线网由哪个部门牵头？")
    assert "市交通运输局" in answer.answer
    assert answer.evidence.get("record_match", 0) > 0
    _grounded(tiny, answer.answer, answer.citations)


def test_off_topic_question_after_an_on_topic_turn_is_standalone(tiny: Assistant) -> None:
    history = [
        {"role": "user", "content": "临河市2025年公交正点率目标是多少？"},
        {"role": "assistant", "content": "85%。"},
    ]
    answer = tiny.ask("如何办理护照？", history)
    assert answer.resolved_question == "如何办理护照？"  # nothing of the previous turn glued on
    assert answer.status == "not_found"
    # an on-topic follow-up still inherits the place and the indicator's context
    follow = tiny.ask("那2021年呢？", history)
    assert "2021" in follow.resolved_question and "正点率" in follow.resolved_question


def test_more_after_a_complete_list_says_it_was_complete(tiny: Assistant) -> None:
    question = "临河市公交优先发展实施方案的重点任务有哪些？"
    first = tiny.ask(question)
    history = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": first.answer},
    ]
    more = tiny.ask("还有呢？", history)
    assert "还还" not in more.resolved_question and more.resolved_question.endswith("还有哪些？")
    assert more.answer.startswith("上一回答已列出全部内容")
    _grounded(tiny, more.answer, more.citations)
    # A second "还有呢" asks the same question again, not a spliced one.
    history += [
        {"role": "user", "content": "还有呢？"},
        {"role": "assistant", "content": more.answer},
    ]
    again = tiny.ask("还有呢？", history)
    assert again.resolved_question == more.resolved_question


def test_more_after_quoted_sentences_quotes_other_sentences(tiny: Assistant) -> None:
    from assistant.answer.extractive import draft_answer
    from assistant.answer.followup import resolve
    from assistant.answer.types import Turn

    question = "临河市防汛指挥部由谁组成？"
    resolution = resolve("还有呢？", [Turn("user", question), Turn("assistant", "第一句。[1]")])
    assert resolution.kind == "continued" and resolution.said == "第一句。[1]"
    pipeline = tiny.pipeline
    passages = pipeline.retriever.retrieve(question, 8, None)
    weights = pipeline.weights.weigh(question)
    first = draft_answer(question, passages, pipeline.documents, weights, pipeline.policy)
    assert first.citations
    rest = draft_answer(
        question, passages, pipeline.documents, weights, pipeline.policy, said=first.text
    )
    assert not {c.quote for c in first.citations} & {c.quote for c in rest.citations}


def test_a_question_that_asks_about_nothing_in_the_documents_is_not_found(tiny: Assistant) -> None:
    for question in ("你是谁？", "现在几点了？", "多少？"):
        answer = tiny.ask(question)
        assert answer.status == "not_found", (question, answer.answer)
        assert answer.retrieved  # the nearest passages are still shown
    # A short question with a quoted name or a place of its own still asks something.
    assert tiny.ask("临河市“公交正点率”是多少？").status != "not_found"


def test_who_supports_is_answered_from_the_responsibility_record(tiny: Assistant) -> None:
    # bus_plan.txt, （一）优化公交线网: "由市交通运输局牵头，各区政府配合。"
    answer = tiny.ask("优化公交线网的配合单位是谁？")
    assert "各区政府配合" in answer.answer and answer.evidence.get("record_match", 0) > 0
    history = [
        {"role": "user", "content": "优化公交线网由哪个部门牵头？"},
        {"role": "assistant", "content": "市交通运输局牵头。"},
    ]
    follow = tiny.ask("配合单位呢？", history)
    assert "各区政府" in follow.answer, (follow.resolved_question, follow.answer)


def test_a_question_about_today_or_tomorrow_is_declined_as_live_information(
    tiny: Assistant,
) -> None:
    from assistant.answer.texts import LIVE_INFO_TEXT

    answer = tiny.ask("临河市明天会下雨吗？")
    assert answer.status == "not_found" and answer.answer.startswith(LIVE_INFO_TEXT)
    # The current year is not live information.
    assert tiny.ask("临河市今年公交正点率目标是多少？").status != "not_found"


def test_a_place_without_documents_is_declined_with_the_nearest_text_of_another(
    tiny: Assistant,
) -> None:
    answer = tiny.ask("运城市公交优先发展实施方案中公交正点率目标是多少？")
    assert answer.status == "not_found"
    assert answer.answer.startswith("已收录的文件中没有关于运城的文件，无法回答。")
    # The nearest text, quoted and cited, said to be about another place.
    assert answer.citations and "但该文件不是关于运城的" in answer.answer
    _grounded(tiny, answer.answer, answer.citations)


def test_a_place_no_document_mentions_is_declined_even_inside_a_covered_city(
    tiny: Assistant,
) -> None:
    # 平遥县 is a place name (the tagger reads it so) that no passage of the corpus contains:
    # the city's own figure is not an answer about it.
    answer = tiny.ask("临河市平遥县的公共交通机动化出行分担率是多少？")
    assert answer.status == "not_found"
    assert answer.answer.startswith("已收录的文件中没有提到平遥县，无法回答。")
    # The nearest text, when there is one, is quoted as not about that place.
    assert not answer.citations or "但其中没有平遥县的内容" in answer.answer
    _grounded(tiny, answer.answer, answer.citations)
    # The city alone is answered as before.
    assert tiny.ask("临河市公共交通机动化出行分担率是多少？").status == "answered"
    # The tagger cuts "神木市" into "神木" + "市": a stem no document uses, so a place.
    cut = tiny.ask("临河市神木市的公共交通机动化出行分担率是多少？")
    assert cut.status == "not_found" and "没有提到神木市" in cut.answer


def test_a_figure_in_another_unit_than_the_one_asked_does_not_answer(tiny: Assistant) -> None:
    # The indicator row states 覆盖率 in %: asked in 公里, it is another quantity (bus_plan.txt
    # states no length of it), so the table's 95% is no answer.
    answer = tiny.ask("临河市公交站点500米覆盖率2025年要达到多少公里？")
    assert answer.status == "not_found", answer.answer
    assert "没有给出具体公里数" in answer.answer
    assert tiny.ask("临河市公交站点500米覆盖率2025年要达到多少？").status == "answered"


def test_where_things_stand_is_not_answered_by_a_target(tiny: Assistant) -> None:
    # bus_plan.txt, 主要目标: "到2025年，…新增新能源公交车200辆" is a target; nothing says
    # how many there are now.
    now = tiny.ask("临河现在新能源公交车有多少辆？")
    assert now.status == "not_found" and "没有给出具体现状数值" in now.answer
    assert "200辆" in now.answer  # the nearest text is quoted
    planned = tiny.ask("临河新能源公交车要新增多少辆？")
    assert planned.status == "answered" and "200辆" in planned.answer


def test_an_unsure_draft_is_labelled_partial_and_a_table_fact_is_not(tmp_path: Path) -> None:
    # AnswerPolicy.confirm_from: a side drafted from retrieved sentences below it is partial,
    # with a note; a table fact or a record is what the documents state and stays answered.
    shutil.copytree(TINY, tmp_path / "corpus")
    settings = Settings.from_env(
        {"ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_CORPUS_DIR": str(tmp_path / "corpus")}
    )
    embedder = HashingEmbedder()
    index_backend(settings).build(embedder, progress=False)
    base = tiny_policy()
    sure = build_assistant(settings, embedder=embedder, policy=replace_confirm(base, 0.0))
    unsure = build_assistant(settings, embedder=embedder, policy=replace_confirm(base, 1.01))
    # flood_plan.txt, 1.1 编制目的: a sentence, no record
    drafted = "制定本预案的目的是什么？"
    first, second = sure.ask(drafted), unsure.ask(drafted)
    assert "fact_match" not in first.evidence and "record_match" not in first.evidence
    assert first.status == "answered"
    assert second.status == "partial"
    assert second.answer.startswith(first.answer)
    assert "请核对原文" in second.answer[len(first.answer) :]
    assert second.evidence["unconfirmed"] == 1.0
    # bus_plan.txt, 表 1 row 3: a table fact is not hedged however high the cut-off.
    fact = unsure.ask("到2025年临河公交正点率要达到多少？")
    assert fact.status == "answered" and "85" in fact.answer


def replace_confirm(policy: AnswerPolicy, cut: float) -> AnswerPolicy:
    return dataclasses.replace(policy, confirm_from=cut)


def test_a_persons_name_asked_after_the_post_is_declined_with_the_post_quoted(
    tiny: Assistant,
) -> None:
    # flood_plan.txt, 2.1: "市防汛指挥部总指挥由市长担任" names the post, no person.
    answer = tiny.ask("临河市防汛指挥部的总指挥由谁担任？叫什么名字？")
    assert answer.status == "partial", answer.answer
    assert "市长" in answer.answer
    assert "没有给出具体人员姓名" in answer.answer
    _grounded(tiny, answer.answer, answer.citations)


def _built_tiny(
    tmp_path: Path, extra: dict[str, str] | None = None
) -> tuple[Settings, HashingEmbedder]:
    """The tiny corpus (plus ``extra`` documents: file name -> text) indexed under
    ``tmp_path`` with the hashing embedder."""
    shutil.copytree(TINY, tmp_path / "corpus")
    for name, text in (extra or {}).items():
        (tmp_path / "corpus" / "files" / name).write_text(text, encoding="utf-8")
    settings = Settings.from_env(
        {"ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_CORPUS_DIR": str(tmp_path / "corpus")}
    )
    embedder = HashingEmbedder()
    index_backend(settings).build(embedder, progress=False)
    return settings, embedder


def _with_document(tmp_path: Path, name: str, text: str) -> Assistant:
    """The tiny corpus plus one more document, indexed with the hashing embedder."""
    settings, embedder = _built_tiny(tmp_path, {name: text})
    return build_assistant(settings, embedder=embedder, policy=tiny_policy())


_QUAKE_PLAN = """临河市地震应急预案

1 总则
为做好地震应急工作，制定本预案。

5 附则

5.1 预案管理
本预案原则上每3年评估一次。组织评估后，认为需要修订的，应按程序组织修订；认为情况变化较小、可以延续使用的，向应急预案审批单位提出申请，经批准同意可暂缓修订。延续使用时间不超过2年。

5.2 实施时间
本预案自印发之日起施行。
"""


def test_a_side_asked_without_its_subject_is_answered_by_its_own_sentence(
    tmp_path: Path,
) -> None:
    # "如果延续使用，最长能用多久" names no document: alone it may find too little (declined
    # as weak). The whole question's draft cites "每3年评估一次" and the sentence naming
    # 延续使用 (no duration): together they are no answer to how long; the sentence of the whole
    # question's passages that states it ("延续使用时间不超过2年") is.
    pipeline = _with_document(tmp_path, "quake_plan.txt", _QUAKE_PLAN).pipeline
    plan = pipeline.plan("临河市地震应急预案多久评估一次？如果延续使用，最长能用多久？")
    first, second = plan.subquestions
    assert second.answer_type == "duration"
    side, _, _ = pipeline._answer_sub(first, None)
    whole, passages, _ = pipeline._answer_sub(whole_question(plan), None)
    assert "延续使用时间不超过2年" not in whole.text  # the draft stops at three sentences
    declined = SubAnswer(second, "not_found", NOT_FOUND_TEXT, (), 0.0, {}, Gap("weak"))
    filled = pipeline._fill_from_whole([side, declined], whole, None, passages)
    assert [f.status for f in filled] == ["answered", "answered"]
    assert "延续使用时间不超过2年" in filled[1].text
    assert filled[1].citations[0].quote.startswith("延续使用时间不超过2年")
    # Without the whole question's passages, the side stays declined: no sentence of the
    # whole answer states how long.
    alone = pipeline._fill_from_whole([side, declined], whole, None)
    assert alone[1].status == "not_found"


def _loose_and_strict(
    tmp_path: Path, missing: float = 1.0, unsaid: float = 1.0
) -> tuple[Assistant, Assistant]:
    """The tiny corpus answered with no 已找到/部分找到 cut-off (loose), and with only the
    given ``confirm_missing``/``confirm_unsaid`` (strict)."""
    settings, embedder = _built_tiny(tmp_path)
    base = dataclasses.replace(
        tiny_policy(), confirm_from=0.0, confirm_missing=1.0, confirm_unsaid=1.0
    )
    strict = dataclasses.replace(base, confirm_missing=missing, confirm_unsaid=unsaid)
    return (
        build_assistant(settings, embedder=embedder, policy=base),
        build_assistant(settings, embedder=embedder, policy=strict),
    )


def test_a_draft_leaving_out_heavy_words_asked_is_labelled_partial(tmp_path: Path) -> None:
    # AnswerPolicy.confirm_missing: a side drafted from passages whose quotes leave out more
    # than this share of the focus's weight is partial, with the words named.
    loose, strict = _loose_and_strict(tmp_path, missing=0.0)
    # bus_plan.txt, 三、保障措施: "市交通运输局负责方案的组织实施…" says nothing of 公交车.
    asked = "临河市公交车的防汛保障由哪个部门负责？"
    first, second = loose.ask(asked), strict.ask(asked)
    assert first.status == "answered" and first.evidence["focus_missing"] > 0.2
    assert second.status == "partial" and second.evidence["unconfirmed"] == 1.0
    assert second.answer.startswith(first.answer)
    assert "“公交车”" in second.answer[len(first.answer) :]
    # "这件事由" is cut into words no document uses (这件, 事由): they are no words left out.
    # bus_plan.txt, (一)优化公交线网: "由市交通运输局牵头".
    lead = strict.ask("临河市优化公交线网这件事由哪个部门牵头？")
    assert lead.status == "answered" and "市交通运输局" in lead.answer
    assert lead.evidence["focus_missing"] == 0.0


_BUSINESS_MEASURES = """临河市营商环境优化若干举措

一、提升政务服务效能
1. 推行帮办代办。在政务服务中心设立帮办代办窗口，为企业提供全程免费服务。(责任单位:市行政审批服务局)
2. 设立“无扰期”。对规模以上工业企业，每月设置20天“无扰期”，除紧急情况外，行政执法部门不得入企检查。(责任单位:市司法局)
3. 压减审批时限。工程建设项目审批时间压减至40个工作日以内。(责任单位:市住房和城乡建设局)
"""


def test_days_asked_by_their_count_are_not_answered_by_the_count(tmp_path: Path) -> None:
    # "每月的哪20天" asks which days; the item's record ("设立“无扰期”的内容为…") only
    # counts them, so it is no answer, and the decline says what the text does state.
    assistant = _with_document(tmp_path, "business.txt", _BUSINESS_MEASURES)
    which = assistant.ask("临河市的“无扰期”具体是每月的哪20天？")
    assert which.status == "not_found"
    assert "20天‘无扰期’" in which.answer and "没有列出" in which.answer
    # How many days, or who is in charge, the same item answers.
    many = assistant.ask("临河市“无扰期”每月设置多少天？")
    assert many.status == "answered" and "20天" in many.answer
    owner = assistant.ask("临河市设立“无扰期”由哪个单位负责？")
    assert owner.status == "answered" and "市司法局" in owner.answer


_METRO_PLAN = """临河市公交都市创建实施方案

一、创建指标

表 1 临河市公交都市创建指标

序号 指标名称 单位 2021年 2025年

1
公交企业职工工资收入水平
% 50.2 85

临河市将加大对公交运营的补贴力度。预测2025年公交企业在岗职工平均工资收入水平达到临河社平工资的85%。

2
公交车辆准点率
% 76.5 90

临河市将推广智能调度系统，提升公交车辆准点水平。

二、保障措施

市交通运输局负责组织实施。
"""


def test_a_figure_the_question_gives_is_no_answer_to_what_it_asks_of_it(tmp_path: Path) -> None:
    # "这个85%是跟什么比的" gives the row's figure and asks its basis: the record "…的2025年为
    # 85%" and the row stated under its header tell nothing; the indicator's note does.
    assistant = _with_document(tmp_path, "metro.txt", _METRO_PLAN)
    basis = assistant.ask("临河市公交企业职工工资收入水平2025年定为85%，这个85%是跟什么比的？")
    assert basis.status == "answered" and "社平工资" in basis.answer
    # The figure itself asked is the row's, stated under its header.
    target = assistant.ask("临河市公交企业职工工资收入水平2025年目标是多少？")
    assert target.status == "answered" and "2025年目标值为85%" in target.answer
    # Asked what the figure is measured against, with no figure given (after another part
    # of the question, or alone): the row's values are no answer either, the note is.
    alone = assistant.ask("临河市公交企业职工工资收入水平这个指标是跟什么比的？")
    assert alone.status == "answered" and "社平工资" in alone.answer
    both = assistant.ask(
        "临河市公交企业职工工资收入水平现状和目标分别是多少？这个百分比是跟什么比的？"
    )
    assert "2025年目标值为85%" in both.answer and "社平工资" in both.answer


_TASK_LIST = """临河市公交都市创建实施方案

一、创建任务

表 2 临河市公交都市创建任务清单

序号 工作任务 具体内容 牵头单位 2023年 2024年 2025年

1 无障碍通行设施建设 完善无障碍设施，创建期间新建、改建无障碍站台20个，至2025年无障碍站台设置率为4.2%。 市城管局 新建、改建无障碍站台15个。 新建、改建无障碍站台5个。 无障碍站台设置率为4.2%。

2 公交场站建设 新建公交首末站8处。 市住建局 建成首末站5处。 建成首末站3处。 /

二、保障措施

市交通运输局负责组织实施。
"""


def test_a_task_rows_year_cell_is_not_dated_by_its_other_cells(tmp_path: Path) -> None:
    # The row's content cell dates itself ("至2025年…4.2%"); its answer is stated under the
    # year column asked ("…的2023年为…15个"), so 2025 is no other year of that answer.
    assistant = _with_document(tmp_path, "tasks.txt", _TASK_LIST)
    first = assistant.ask("临河市无障碍站台2023年新建改建多少个？")
    assert first.status == "answered" and "2023年为新建、改建无障碍站台15个" in first.answer
    second = assistant.ask("临河市无障碍站台2024年新建改建多少个？")
    assert second.status == "answered" and "2024年为新建、改建无障碍站台5个" in second.answer


def test_quotes_that_leave_out_many_light_words_are_partial(tmp_path: Path) -> None:
    # AnswerPolicy.confirm_unsaid: the share of the focus's weight in all its terms, none
    # heavy alone, that the quotes leave out. "防汛" and "物资" (flood_plan.txt's words) are
    # each too light for confirm_missing, but bus_plan.txt's 停保场 sentence says neither.
    loose, strict = _loose_and_strict(tmp_path, unsaid=0.2)
    asked = "临河市防汛物资保障的公交停保场建几处？"
    first, second = loose.ask(asked), strict.ask(asked)
    assert first.status == "answered" and "公交停保场2处" in first.answer
    assert first.evidence["focus_missing"] == 0.0 and first.evidence["focus_unsaid"] > 0.2
    assert second.status == "partial" and second.evidence["unconfirmed"] == 1.0
    assert second.answer.startswith(first.answer)
    # No heavy word is left out, so the light things are named.
    assert "“物资”" in second.answer[len(first.answer) :]
    # A question its quote says all of is answered under the same cut-off.
    whole = strict.ask("临河市要建成公交停保场几处？")
    assert whole.status == "answered" and whole.evidence["focus_unsaid"] == 0.0


def test_a_list_of_another_number_of_items_is_not_the_list_asked(tiny: Assistant) -> None:
    # bus_plan.txt, 二、重点任务: three headings. "哪三项" is answered with them; "哪五项" asks
    # for another list (a composed list of three is not it, and does not say 五 either).
    three = tiny.ask("临河市公交优先发展实施方案的重点任务是哪三项？")
    assert "包括：优化公交线网；建设公交场站；提升服务质量" in three.answer
    five = tiny.ask("临河市公交优先发展实施方案的重点任务是哪五项？")
    assert "包括：优化公交线网；建设公交场站；提升服务质量" not in five.answer
    # flood_plan.txt, 2.2: the text states the count ("四个工作组") of the list it gives.
    four = tiny.ask("临河市防汛指挥部下设哪四个工作组？")
    assert "综合协调组" in four.answer and "后勤保障组" in four.answer


_FARMLAND_PLAN = """临河市高标准农田建设三年行动计划（2026—2028年）

一、主要目标
到2028年，全市新建高标准农田10.8万亩。

表1 年度目标
序号 指标 单位 2026年 2027年 2028年
1 新建高标准农田 万亩 4.8 5.4 6.0

二、任务分解
表2 各县（市、区）新建高标准农田任务分解表（单位：万亩）
县（市、区） 2026年 2027年 2028年 合计
东川县 1.2 1.5 1.8 4.5
西河县 2.0 2.1 2.2 6.3
南山区 0.5 0.6 0.6 1.7
北岭市 1.1 1.2 1.3 3.6
"""


def test_a_total_asked_of_a_table_row_is_its_total_column(tmp_path: Path) -> None:
    # "三年一共" asks for the row's 合计 cell, not its first year's.
    assistant = _with_document(tmp_path, "farmland_plan.txt", _FARMLAND_PLAN)
    total = assistant.ask("东川县三年一共要新建多少万亩高标准农田？")
    assert total.status != "not_found", total.answer
    assert "4.5" in total.answer and "1.2" not in total.answer, total.answer
    year = assistant.ask("东川县2027年要新建多少万亩高标准农田？")
    assert "1.5" in year.answer and "4.5" not in year.answer, year.answer
    # The unit asked (万亩, a unit the corpus writes figures in) is the one the table's caption
    # declares ("（单位：万亩）"): its cells answer in it, though each states a bare figure.
    assert "万亩" in assistant.pipeline.vocabulary.units
    both = assistant.ask("东川县三年一共要新建多少万亩高标准农田？2027年是多少？")
    assert "4.5" in both.answer and "1.5" in both.answer, both.answer


_SMART_PLAN = """临河市智慧交通建设方案

一、总体要求
紧扣“一网三化”主攻方向，加快推进智慧交通建设，提升交通运行效率。

二、重点任务
构建“两中心”体系，即交通运行监测中心和交通应急指挥中心。
"""


def test_a_term_the_documents_name_but_do_not_explain_is_declined(tmp_path: Path) -> None:
    # "“一网三化”具体指什么": the text names the term and never says what it consists of; the
    # decline quotes the sentence that names it. "“两中心”" is explained ("即…").
    assistant = _with_document(tmp_path, "smart_plan.txt", _SMART_PLAN)
    named = assistant.ask("临河市智慧交通建设方案里的“一网三化”具体指什么？")
    assert named.status == "not_found", named.answer
    assert "只提到“一网三化”" in named.answer and "没有列出它的具体内容" in named.answer
    assert "紧扣“一网三化”主攻方向" in named.citations[0].quote
    explained = assistant.ask("临河市智慧交通建设方案里的“两中心”是哪两个中心？")
    assert explained.status != "not_found", explained.answer
    assert "交通运行监测中心" in explained.answer


_LANE_RULES = """临河市公交专用道管理规定

一、使用时段
公交专用道每日7:00至9:00、17:00至19:00仅限公交车通行，其余时段社会车辆可以借用。

二、建设计划
2024年底前新建公交专用道10公里。
"""


def test_a_time_of_day_asked_needs_a_clock_time(tmp_path: Path) -> None:
    # "几点到几点" asks a time of day, not a count (几 + 点): the lengths and years of the
    # building plan do not answer it; the clock times do.
    assistant = _with_document(tmp_path, "lane_rules.txt", _LANE_RULES)
    hours = assistant.ask("临河市公交专用道每天几点到几点只让公交车走？")
    assert hours.status != "not_found" and "7:00至9:00" in hours.answer, hours.answer
    assert hours.plan["subquestions"][0]["answer_type"] == "date"
    # bus_plan.txt, (二)建设公交场站: "建成公交首末站8处…2024年底前完成用地审批" says no hours.
    depots = assistant.ask("临河市公交首末站每天几点到几点开放？")
    assert depots.status == "not_found", depots.answer


_STAGE_PLAN = """临河市交通发展规划

一、发展形势
从行业层面看，临河交通进入转型攻坚期，这个阶段的特点集中体现在“三个转向”，即建设方式由单一方式推进转向多方式一体衔接推进；发展动能由主要依靠投资驱动转向依靠数字赋能驱动；增长模式由规模扩张转向提质增效的内涵式发展。

二、发展目标
到2030年，基本建成现代化综合交通运输体系。
"""


def test_a_list_asked_takes_the_whole_enumeration_of_its_sentence(tmp_path: Path) -> None:
    # "哪三个" is a list question; the best clause is the first item of an enumeration its
    # sentence goes on with (…即A；B；C。): the rest of the sentence's items are quoted too.
    assistant = _with_document(tmp_path, "stage_plan.txt", _STAGE_PLAN)
    answer = assistant.ask("临河市交通发展规划里说的“三个转向”是哪三个？")
    assert answer.status != "not_found", answer.answer
    for item in ("多方式一体衔接推进", "数字赋能驱动", "提质增效的内涵式发展"):
        assert item in answer.answer, answer.answer
    _grounded(assistant, answer.answer, answer.citations)


_GRAIN_PLAN = """临河市粮食安全保障规划

一、总体要求
坚持藏粮于地、藏粮于技，严格落实粮食安全党政同责要求，稳定粮食生产。

二、主要指标
到2030年，全市粮食播种面积稳定在120万亩以上，粮食总产量稳定在6亿斤以上。
"""


def test_figures_asked_are_not_answered_by_a_sentence_without_any(tmp_path: Path) -> None:
    # "哪些量化要求" asks figures whatever the answer type: the 总体要求 sentence (which says
    # 要求 and 粮食生产) states none, so it is no answer; the decline says so and quotes it.
    assistant = _with_document(tmp_path, "grain_plan.txt", _GRAIN_PLAN)
    answer = assistant.ask("临河市粮食安全保障规划对粮食生产提了哪些量化要求？")
    if answer.status == "not_found":
        assert "没有给出具体数值" in answer.answer, answer.answer
    else:
        assert "120万亩" in answer.answer, answer.answer


_GAS_PLAN = """临河市燃气事故应急预案

1 总则

1.1 编制目的
为做好燃气事故应急处置工作，保障人民群众生命财产安全，制定本预案。

1.2 工作原则
以人为本、安全第一；统一领导、分级负责；快速反应、协同应对；依法规范、科技支撑。

1.3 适用范围
本预案适用于临河市行政区域内燃气事故的应急处置工作。

2 组织体系

2.1 指挥部办公室
指挥部办公室设在市城市管理局，办公室主任由市城市管理局局长兼任。

2.2 应急工作组
指挥部下设综合协调组、抢险救援组和后勤保障组。

3 信息报告
发生人员死亡、燃气主干管道断裂等情况的，指挥部办公室应在30分钟内电话报告市政府。

4 应急结束
事故现场得到控制、危险消除后，按照“谁启动、谁结束”的原则，由启动响应的指挥机构宣布应急结束。
"""


def test_a_list_asked_of_a_heading_without_items_is_its_text(tmp_path: Path) -> None:
    # "工作原则有哪些": the heading "1.2 工作原则" has no items or subheadings of its own; its
    # text ("A；B；C。") holds them. Not the sentence elsewhere that names a 原则.
    assistant = _with_document(tmp_path, "gas_plan.txt", _GAS_PLAN)
    answer = assistant.ask("临河市燃气事故应急预案的工作原则有哪些？")
    assert answer.status == "answered", answer.answer
    assert "统一领导、分级负责" in answer.answer and "依法规范、科技支撑" in answer.answer
    assert "谁启动" not in answer.answer
    # Asked by the count of its items ("有哪几条"): the same text.
    counted = assistant.ask("临河市燃气事故应急预案的工作原则有哪几条？")
    assert "统一领导、分级负责" in counted.answer and "谁启动" not in counted.answer, counted.answer
    # A heading the question is about ("指挥部办公室"), not the thing it lists: its text
    # (where the office sits) says nothing of which situations are reported.
    about = assistant.ask("临河市燃气事故应急预案里，哪些情况指挥部办公室要在30分钟内电话报告？")
    assert "设在市城市管理局" not in about.answer, about.answer


_LAND_PLAN = """临河市国土空间总体规划（2021—2035年）

第三章 主体功能区

第10条 主体功能分区
落实深化主体功能分区，将全市国土空间划分为重点生态功能区、农产品主产区和城市化地区三种类型。

第四章 规划分区

第19条 国土空间规划分区
落实主体功能分区，将全市国土空间分为农田保护区、生态保护区、城镇发展区、乡村发展区等四类分区，明确分区管控规则。
"""


def test_a_count_of_another_kind_of_thing_is_not_the_list_asked(tmp_path: Path) -> None:
    # "哪几类规划分区": the sentence counting 主体功能分区's "三种类型" says neither 规划分区
    # nor sits under a heading that does; the one under "国土空间规划分区" answers.
    assistant = _with_document(tmp_path, "land_plan.txt", _LAND_PLAN)
    answer = assistant.ask("临河市国土空间总体规划把全市国土空间分成哪几类规划分区？")
    assert "农田保护区" in answer.answer and "城镇发展区" in answer.answer, answer.answer
    assert "农产品主产区" not in answer.answer, answer.answer


_FIRE_PLAN = """临河市森林防火工作方案

一、工作目标
全年森林火灾受害面积控制在50公顷以内。

二、保障措施
各县（区）落实森林防火责任，加强巡护值守，森林防火视频监控覆盖率达到95%以上。
建立火情线索长效机制，定期向各县（区）推送线索清单，力争全年核查率达90%。
"""


def test_a_rate_asked_is_not_answered_by_an_amount(tmp_path: Path) -> None:
    # "受害率是多少" asks a rate (%, ‰, 人/亿元): "受害面积控制在50公顷以内" states an area.
    # (A sentence stating another rate, "覆盖率达到95%", is another indicator: not this check's.)
    assistant = _with_document(tmp_path, "fire_plan.txt", _FIRE_PLAN)
    rate = assistant.ask("临河市森林防火工作方案的森林火灾受害率控制目标是多少？")
    assert rate.status == "not_found", rate.answer
    assert rate.plan["subquestions"][0]["constraints"]["unit"] == "率"
    stated = assistant.ask("临河市森林防火工作方案里视频监控覆盖率要达到多少？")
    assert stated.status != "not_found" and "95%" in stated.answer, stated.answer
    # A rate's clause need not repeat the word before it that an earlier clause names
    # ("线索" of "推送线索清单"): the rate is said with its own name.
    said = assistant.ask("临河市森林防火工作方案里，线索核查率要达到多少？")
    assert said.status != "not_found" and "90%" in said.answer, said.answer


def test_a_whole_documents_content_asked_is_its_outline(tmp_path: Path) -> None:
    # "大致讲了啥", "核心内容能概括一下吗" name nothing of the document beyond its title: its
    # top-level headings answer, as its parts.
    assistant = _with_document(tmp_path, "gas_plan.txt", _GAS_PLAN)
    for question in (
        "临河市燃气事故应急预案大致讲了啥？",
        "临河市燃气事故应急预案的核心内容能概括一下吗？",
    ):
        answer = assistant.ask(question)
        assert answer.status == "answered", answer.answer
        assert "分为以下几部分：总则；组织体系；信息报告；应急结束[1]" in answer.answer, (
            answer.answer
        )
    # A part of it named ("工作原则的主要内容") is not the outline.
    part = assistant.ask("临河市燃气事故应急预案里工作原则的主要内容是什么？")
    assert "分为以下几部分" not in part.answer and "统一领导" in part.answer, part.answer


_LINES_PLAN = """临河市特色公交线路发展方案

一、发展目标
开通红色文化公交专线“红1路”，串联主要红色教育基地。

表1 特色公交发展指标

序号 指标名称 单位 2021 年 2025 年

1 红色公交专线 条 0 3

2 旅游公交专线 条 2 6
"""


def test_members_asked_of_a_row_that_only_counts_them_are_declined(tmp_path: Path) -> None:
    # "3条红色公交专线，另外两条是哪两条": the table row counts them and names none; the
    # answer states the row (never raw) and says that the members are not listed.
    assistant = _with_document(tmp_path, "lines_plan.txt", _LINES_PLAN)
    answer = assistant.ask("临河市要开的3条红色公交专线，除了红1路，另外两条是哪两条？")
    assert answer.status == "not_found", answer.answer
    assert "没有列出这些红色公交专线具体是哪些" in answer.answer, answer.answer
    assert "红色公交专线 条 0 3" not in answer.answer
    # Asked by what they are called, the same.
    called = assistant.ask("临河那3条红色公交专线，除了红1路另外两条叫啥？")
    assert called.status == "not_found", called.answer
    count = assistant.ask("临河市红色公交专线2025年要开几条？")
    assert count.status == "answered" and "3条" in count.answer, count.answer


_LANES_PLAN = """临河市公交专用道建设方案

表2 公交专用道建设表
序号 项目名称 建设类型 长度（公里） 建设年限
1 东环路公交专用道 新建 7.5 2024
2 北大街公交专用道 现状 2.4 现有
3 西湖路公交专用道 现状 6.2 现有
4 南山路公交专用道 现状 1.8 现有
总计 17.9

表3 易涝积水点清单
序号 积水点名称 所在区 历史最大积水深度（米）
1 火车站下穿通道 东城区 0.8
2 人民路下穿隧道 西城区 1.2
3 新华桥下 东城区 0.5
"""


def test_a_superlative_asked_of_table_rows_compares_them_all(tmp_path: Path) -> None:
    # "现有的…哪条最长": the rows marked 现有/现状, compared by the length column; the winner
    # first, every compared row cited.
    assistant = _with_document(tmp_path, "lanes_plan.txt", _LANES_PLAN)
    longest = assistant.ask("临河市现在已经有的那几条公交专用道里，哪条最长？")
    assert longest.status == "answered", longest.answer
    assert "最长的是西湖路公交专用道（6.2公里）[1]" in longest.answer, longest.answer
    assert "东环路" not in longest.answer and len(longest.citations) == 3
    # The rows asked by the cell value that marks them (现状), however it is worded.
    standing = assistant.ask("临河现状的公交专用道里最长的是哪条？")
    assert "最长的是西湖路公交专用道（6.2公里）[1]" in standing.answer, standing.answer
    # The column named in the question holds a superlative of its own ("历史最大"): the last
    # one is asked; the smallest when asked so.
    deepest = assistant.ask("临河市易涝积水点清单里，历史最大积水深度最大的是哪个点？")
    assert "最大的是人民路下穿隧道（1.2米）[1]" in deepest.answer, deepest.answer
    shallow = assistant.ask("临河市易涝积水点清单里，历史最大积水深度最小的是哪个点？")
    assert "最小的是新华桥下（0.5米）[1]" in shallow.answer, shallow.answer


_ROADS_PLAN = """临河市交旅融合三年行动计划（2026—2028年）

表1 快进路网建设任务（2026-2028年）
年度 建设内容
2026 1.办理临河机场前期手续；2.续建临河至云岭高速公路。
2027 1.开工建设临河机场；2.建成临河至云岭高速公路。
2028 1.续建临河机场；2.开工建设环城快速路。
"""


def test_a_years_item_named_in_the_question_is_that_years_plan(tmp_path: Path) -> None:
    # "临河机场按计划哪一年开工？2028年是什么安排？": no caption names the airport, one item of
    # the 2028 row does ("续建临河机场"); the year asked of the row is its own year.
    assistant = _with_document(tmp_path, "roads_plan.txt", _ROADS_PLAN)
    answer = assistant.ask("临河机场按计划哪一年开工？2028年是什么安排？")
    assert "2027年" in answer.answer and "开工建设临河机场" in answer.answer, answer.answer
    assert "2028年的安排为：续建临河机场" in answer.answer, answer.answer
    assert answer.plan["subquestions"][1]["text"].startswith("临河机场")
    assert "开工" not in answer.plan["subquestions"][1]["text"]


_SHARE_PLAN = """临河市绿色出行创建实施方案

一、创建目标
结合临河市发展阶段，本次实施方案制定了创建目标，核心指标为绿色出行分担率，2025年临河市绿色出行分担率达到60%。
"""


def test_a_side_asking_where_things_stand_is_not_answered_by_the_target(tmp_path: Path) -> None:
    # "现状和目标各是多少": the only sentence states the 2025 target. The 现状 side is not
    # answered by the whole question's answer (that target): the answer is partial and says
    # the current value is not given.
    assistant = _with_document(tmp_path, "share_plan.txt", _SHARE_PLAN)
    answer = assistant.ask("临河绿色出行方案的核心指标绿色出行分担率，现状和目标各是多少？")
    assert len(answer.plan["subquestions"]) == 2
    assert answer.status == "partial", answer.answer
    assert "60%" in answer.answer and "现状数值" in answer.answer


_PRINCIPLES_PLAN = """临河市交通运输“十五五”发展规划

一、总体要求
（一）基本原则
当好先锋，服务人民。坚持以人民为中心的发展思想，发挥交通运输先行引领作用。
战略引领，开放发展。紧扣交通强国战略，推动交通运输开放合作。
统筹协调，融合发展。统筹铁路、公路、民航等运输方式协调发展。
安全绿色，可持续发展。坚持生命至上，健全交通运输安全体系。
（二）发展目标
到2030年，公路总里程达到10300公里。
"""


def test_a_list_asked_of_paragraphs_led_by_short_sentences_is_their_leads(
    tmp_path: Path,
) -> None:
    # "基本原则有哪几条": each paragraph of the heading's text is led by its item ("当好先锋，
    # 服务人民。"): all four leads, not the first three sentences of the text.
    assistant = _with_document(tmp_path, "principles_plan.txt", _PRINCIPLES_PLAN)
    answer = assistant.ask("临河交通十五五规划的基本原则有哪几条？")
    assert answer.status == "answered", answer.answer
    for lead in (
        "当好先锋，服务人民",
        "战略引领，开放发展",
        "统筹协调，融合发展",
        "安全绿色，可持续发展",
    ):
        assert lead in answer.answer, answer.answer
    _grounded(assistant, answer.answer, answer.citations)


_FLOOD_PLAN = """临河市国土空间总体规划（2021—2035年）

第十章 国土空间支撑体系
第80条 综合防灾工程
完善综合防灾减灾体系，统筹布局应急避难场所、消防站和物资储备库，提升城市韧性和抗风险能力。中心城区防洪标准为50-100年一遇。加强地质灾害隐患点监测预警，推进海绵城市建设，完善排水管网和泵站设施，健全人防工程体系。

第十二章 中心城区空间布局
第120条 中心城区防洪排涝
主城区、北片区防洪标准采用100年一遇；南片区、空港片区防洪标准采用50年一遇。
"""


def test_an_owners_thing_is_answered_by_the_sentence_naming_the_owner(tmp_path: Path) -> None:
    # "中心城区的防洪标准": the chapter on 中心城区 names it only in its heading, over its parts'
    # standards; the sentence that names 中心城区 and states its standard answers.
    assistant = _with_document(tmp_path, "flood_plan.txt", _FLOOD_PLAN)
    answer = assistant.ask("中心城区的防洪标准是什么？")
    assert "50-100年一遇" in answer.answer, answer.answer
    # ... first and alone: its parts' standards are not what was asked.
    assert "中心城区" in answer.citations[0].quote and "主城区" not in answer.answer, answer.answer
    _grounded(assistant, answer.answer, answer.citations)


_FLOOD_WORKS = """临河市国土空间总体规划（2021-2035年）

第80条 防洪工程
中心城区防洪标准为50-100年一遇；甲山县城、乙河县城防洪标准为50年一遇；乡镇及村庄根据防洪保护区要求确定防护等级。
"""


def test_a_thing_asked_of_one_holder_is_not_answered_by_anothers(tmp_path: Path) -> None:
    # 乡镇's standard is not given: the standards of 中心城区 and the county towns are others'.
    assistant = _with_document(tmp_path, "territorial_plan.txt", _FLOOD_WORKS)
    answer = assistant.ask("临河国土空间规划里乡镇的防洪标准是多少年一遇？")
    assert answer.status == "not_found", answer.answer
    assert "乡镇" in answer.answer
    _grounded(assistant, answer.answer, answer.citations)
    held = assistant.ask("临河国土空间规划里中心城区的防洪标准是多少年一遇？")
    assert held.status == "answered" and "50-100年一遇" in held.answer
