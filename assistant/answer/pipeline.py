"""The extractive answer pipeline: plan the question, then for each sub-question retrieve within
its constraints (the document it names, its region), draft from the passages, prefer a numeric
or structure record, check the draft against the constraints (a decline that says what is
missing when it fails), and compose one cited answer; the guard checks every number. Both the
plain path and the optional LLM path call it, so there is one way a standalone question becomes a
cited ``Answer``.

Answers run concurrently: everything here only reads the loaded index, and the one part that is
not thread-safe, the torch embedder, serialises its own calls (the default ONNX Runtime engine
needs no lock and computes outside the GIL)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from assistant.answer.extractive import AnswerPolicy, Drafted, draft_answer
from assistant.answer.guard import guard_answer
from assistant.answer.numeric import NumericAnswer, NumericAnswerer
from assistant.answer.plan import (
    QueryPlan,
    SubQuestion,
    Vocabulary,
    asks_live,
    asks_nothing,
    covered_years,
    plan_question,
    region_documents,
    soften_inherited,
    whole_question,
)
from assistant.answer.reader import (
    CN_NUMERALS,
    COUNT_ASKED,
    Gap,
    SubAnswer,
    amount_of_another,
    asks_counted_members,
    check,
    compose,
    contrast,
    counted_thing_unsaid,
    counted_unlisted,
    decline_text,
    direct_answer,
    documents_unnamed,
    first_cited,
    focus_coverage,
    gives_value_of,
    item_of_group,
    lacks_amount,
    levels_unsaid,
    measure_unsaid,
    members_asked,
    names_no_body,
    narrower_thing,
    per_place_unsaid,
    period_unsaid,
    person_unnamed,
    quoted_unsaid,
    restates_given,
    scope_unsaid,
    states_unit,
    unconfirmed_note,
)
from assistant.answer.records import RecordAnswerer
from assistant.answer.texts import GAP_COUNT_ONLY, LIST_COMPLETE, LIVE_INFO_TEXT, NOT_FOUND_TEXT
from assistant.answer.types import Answer, Citation, Status
from assistant.ingest.structure import is_standalone_heading, table_header_cells
from assistant.ingest.types import DocumentMeta
from assistant.lang.numbers import chinese_numeral, mentions
from assistant.lang.patterns import ITEM_NUMBER_RE, LEVEL_RE, YEAR_RE, stance_of
from assistant.lang.sentences import MARKER
from assistant.lang.terms import TermWeights
from assistant.lang.tokens import noun_runs, nouns, place_names, split_place_names
from assistant.retrieve.hybrid import Retriever
from assistant.retrieve.types import Passage


@dataclass(frozen=True)
class ExtractivePipeline:
    retriever: Retriever
    weights: TermWeights
    policy: AnswerPolicy
    documents: Mapping[str, DocumentMeta]
    top_k: int
    numeric: NumericAnswerer | None = None
    records: RecordAnswerer | None = None
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

    def plan(self, resolved: str) -> QueryPlan:
        return plan_question(resolved, self.vocabulary)

    def answer(
        self,
        question: str,
        resolved: str,
        doc_ids: Collection[str] | None = None,
        said: str = "",
    ) -> Answer:
        """Answer ``resolved`` (the standalone question; ``question`` is what the user typed).
        ``said``: an answer already given ("还有呢"): its sentences and list are not repeated."""
        started = time.perf_counter()
        plan = self.plan(resolved)
        if resolved != question:
            plan = soften_inherited(plan, question)
        retrieved: list[Passage] = []
        parts: list[SubAnswer] = []
        timings = {"retrieve": 0.0, "answer": 0.0}
        subs = list(plan.subquestions)
        if len(subs) > 1:
            # The whole question too: one passage often states both sides ("由11趟增至70余趟"),
            # which a side asked alone may not retrieve.
            subs.append(whole_question(plan))
            # Every side's vector in one call: the engine embeds them side by side.
            t0 = time.perf_counter()
            self.retriever.prepare([s.text for s in subs])
            timings["retrieve"] += (time.perf_counter() - t0) * 1000
        whole_passages: list[Passage] = []
        for sub in subs:
            part, passages, spent = self._answer_sub(sub, doc_ids, said)
            parts.append(part)
            whole_passages = passages
            timings["retrieve"] += spent
            seen = {p.chunk.chunk_id for p in retrieved}
            retrieved.extend(p for p in passages if p.chunk.chunk_id not in seen)
        if len(parts) > 1:
            parts = self._fill_from_whole(parts[:-1], parts[-1], doc_ids, whole_passages, said)
        status, text, citations = compose(plan, parts)
        if status != "not_found" and self.records is not None:
            # A cited document repealed by another, or contradicted by a newer one: said so.
            note, extra = self.records.notes(citations, resolved, len(citations) + 1)
            if note:
                text, citations = text + note, (*citations, *extra)
        if status != "not_found":
            guarded = guard_answer(text, status, citations, NOT_FOUND_TEXT)
            status, text, citations = guarded.status, guarded.text, guarded.citations
            report = guarded.report.to_dict()
        else:
            report = {"checked": 0, "removed": [], "status_changed": False}
        total = (time.perf_counter() - started) * 1000
        timings["answer"] = total - timings["retrieve"]
        timings["total"] = total
        first = parts[0]
        evidence = dict(first.features)
        evidence["subquestions"] = float(len(parts))
        evidence.update(_weakest(parts))
        return Answer(
            question=question,
            status=status,
            answer=text,
            citations=citations,
            retrieved=tuple(retrieved[: max(self.top_k, len(retrieved) // max(1, len(parts)))]),
            timings_ms=timings,
            resolved_question=resolved,
            confidence=min(p.confidence for p in parts),
            evidence=evidence,
            guard=report,
            plan=plan.to_dict(),
        )

    def _draft(
        self,
        sub: SubQuestion,
        passages: Sequence[Passage],
        said: str,
        qualifies: Callable[[Citation], bool] | None = None,
    ) -> Drafted:
        """Retrieval's extractive draft for ``sub`` (``qualifies``: only sentences it accepts)."""
        return draft_answer(
            sub.text,
            passages,
            self.documents,
            self.weights.weigh(sub.terms),
            self.policy,
            self.weights.weigh(sub.terms, stress_years=False),
            sub.constraints.levels,
            {d: self._stance(sub, [d]) for d in {p.chunk.doc_id for p in passages}},
            said,
            qualifies=qualifies,
        )

    def _redraw(
        self,
        sub: SubQuestion,
        passages: Sequence[Passage],
        citations: Sequence[Citation],
        said: str,
        features: Mapping[str, float],
        weigh: Callable[[str], Mapping[str, float]],
    ) -> Drafted | None:
        """A second draft from the sentences that meet every hard constraint (and the stance
        asked) when cited alone, kept only when it is about the same thing: nearly as well
        covered by the question's words as the first ("出租车新能源比例" under 2030年 is no
        分担率 target)."""
        stance = sub.constraints.stance

        def fits(x: Citation) -> bool:
            if stance and stance_of(x.quote, x.section) not in ("", stance):
                return False
            found = check(
                sub,
                (x,),
                self.documents,
                weigh,
                self.policy.min_focus,
                features.get("dense", 0.0),
                self.policy.dense_floor,
            )
            return found is None

        retry = self._draft(sub, passages, said, fits)
        if retry.status != "answered":
            return None
        before = focus_coverage(sub, citations, self.documents, weigh)[0]
        after = focus_coverage(sub, retry.citations, self.documents, weigh)[0]
        return retry if after >= max(RETRY_MIN_FOCUS, RETRY_SHARE * before) else None

    def _figure_fits(self, sub: SubQuestion, numeric: NumericAnswer) -> bool:
        """Whether a figure the fact store found answers what was asked (else retrieval's draft
        is checked instead)."""
        text, cites = numeric.text, numeric.citations
        return not (
            # "哪几项任务" is not answered by a count alone; nor are the members of a counted
            # set asked otherwise ("3条专线，另外两条叫什么").
            counts_without_items(sub.answer_type, text, cites, sub.text)
            or bool(members_asked(sub.text) and counts_without_items("list", text, cites))
            # A figure in another unit than the one asked is another quantity.
            or not states_unit(sub, text, cites)
            # A figure of something else than the term the question quotes.
            or bool(quoted_unsaid(sub.text, cites, self.documents, text))
            # "十大专项行动" is no amount of the 新增贷款 asked.
            or lacks_amount(sub.text, text)
            # "两条一级通风廊道交汇点" counts the members asked and lists none.
            or bool(counted_unlisted(sub.text, cites))
            # "哪几处城市广场" is not answered by a list of 体育设施 that names none.
            or bool(counted_thing_unsaid(sub.text, cites))
            # A level asked ("一般事故") is said by the figure's sentence or section, as a
            # drafted answer's must be: "核实事故信息,必须在30分钟内报告" names none.
            or levels_unsaid(sub.constraints.levels, cites)
            # "8个应急工作组" is no count of the 专家 asked in 名.
            or bool(measure_unsaid(sub.text, [text]))
            # The whole's figure is no place-by-place breakdown.
            or per_place_unsaid(sub.text, [text])
            # "A、B等5个项目631公里" is no figure of B alone.
            or all(item_of_group(sub.text, c.quote) for c in cites)
            # "2023年新改建416公里" is no figure of the "十五五" period asked.
            or period_unsaid(sub, cites, self.documents)
            # "高速公路通车总里程" is no figure of all 公路.
            or (sub.answer_type == "number" and narrower_thing(sub.text, [text]) is not None)
        )

    def _owner_said(
        self,
        sub: SubQuestion,
        passages: Sequence[Passage],
        said: str,
        citations: Sequence[Citation],
    ) -> Drafted | None:
        """ "中心城区的防洪标准是什么": when cited sentences do not name the owner itself (their
        heading does: "第十二章 中心城区空间布局" over "主城区…防洪标准采用100年一遇"), the
        sentences of the same passages that name the owner and the thing and state a value
        ("中心城区防洪标准为50-100年一遇") answer instead, alone."""
        m = _OWNER_ASKED.match(sub.text)
        if m is None:
            return None
        owner, thing = m.group("owner"), m.group("thing")
        for region in sub.constraints.regions:
            owner = re.sub(rf"^{re.escape(region)}[市省县区]?", "", owner)
        if len(owner) < 2 or all(owner in re.sub(r"\s+", "", c.quote) for c in citations):
            return None

        def names_both(x: Citation) -> bool:
            quote = re.sub(r"\s+", "", x.quote)
            return owner in quote and thing in quote and not lacks_amount("多少", quote)

        redrawn = self._draft(sub, passages, said, names_both)
        return redrawn if redrawn.status == "answered" and redrawn.citations else None

    def _fill_from_whole(
        self,
        parts: list[SubAnswer],
        whole: SubAnswer,
        doc_ids: Collection[str] | None,
        passages: Sequence[Passage] = (),
        said: str = "",
    ) -> list[SubAnswer]:
        """A side its own search did not answer takes the whole question's answer when one
        sentence of it meets the side's constraints (or, for a side asking a value, a date or a
        body, a sentence of the whole question's passages does); when every side does, the
        whole answer stands alone."""
        if whole.status == "not_found":
            return parts
        weigh = lambda focus: self.weights.weigh(focus, stress_years=False)  # noqa: E731
        dense = whole.features.get("dense", 0.0)

        def fits_alone(sub: SubQuestion, x: Citation, paraphrase: float = dense) -> bool:
            gap = check(
                sub,
                (x,),
                self.documents,
                weigh,
                self.policy.min_focus,
                paraphrase,
                self.policy.dense_floor,
            )
            return gap is None

        def states_alone(sub: SubQuestion, x: Citation) -> bool:
            # In the side's own words (the whole question's similarity is no paraphrase of
            # one side); a heading's or an item's number ("5.4 Ⅱ级响应") is its place, no value.
            if is_standalone_heading(x.quote.rstrip("。")):
                return False
            # ... and about it as closely as a second draft must be (_redraw).
            if focus_coverage(sub, (x,), self.documents, weigh)[0] < RETRY_MIN_FOCUS:
                return False
            if _other_stance(sub, (x,)):
                return False
            unnumbered = replace(x, quote=_OUTLINE_NUMBER.sub("", ITEM_NUMBER_RE.sub("", x.quote)))
            return fits_alone(sub, unnumbered, paraphrase=0.0)

        filled: list[SubAnswer] = []
        for p in parts:
            scope = self._scope(p.sub, doc_ids)[0]
            # Only from the side's own documents: the other side's place never answers it.
            own = scope is None or all(c.doc_id in scope for c in whole.citations)
            # A side declined for its place or holder (a region no document covers, "乡镇" of
            # a text about 中心城区) is not answered by the whole question's text either.
            if (
                own
                and p.status == "not_found"
                and p.gap is not None
                and p.gap.kind not in ("region", "scope")
            ):
                # One sentence must meet the side: "每3年评估一次" and a sentence naming
                # 延续使用 do not together say how long it may be used.
                # (A record's or a fact's citations are one unit: a row and its header.)
                fits: Gap | None
                if not _from_passages(whole):
                    fits = check(
                        p.sub,
                        whole.citations,
                        self.documents,
                        weigh,
                        self.policy.min_focus,
                        dense,
                        self.policy.dense_floor,
                    )
                elif any(fits_alone(p.sub, x) for x in whole.citations):
                    fits = None
                else:
                    fits = Gap("weak")
                if (
                    fits is None
                    and _other_stance(p.sub, whole.citations)
                    # A table's row is stated with each year's stance ("2021年现状值为12.3%").
                    and _STANCE_SAID[p.sub.constraints.stance] not in whole.text
                ):
                    # "现状和目标各是多少": the whole answer's target figure is no 现状 value.
                    fits = Gap("value", f"{_STANCE_SAID[p.sub.constraints.stance]}数值")
                if fits is None and not _from_passages(whole):
                    # A row's or a fact's answer says the year it gives ("…的2024年为12个");
                    # its table header may name them all, so the side's year is checked on
                    # what the answer states: "2023和2024年各建多少" is not answered for 2023
                    # by the 2024 cell.
                    fits = _year_unstated(p.sub, whole.text)
                if (
                    fits is not None
                    and p.sub.answer_type in _TYPED
                    and p.gap.kind in _UNSURE
                    and passages
                ):
                    # A side asked without its subject ("如果延续使用，最长能用多久") finds
                    # little alone; the whole question's passages are about that subject. A
                    # sentence there that states what the side asks answers it.
                    retry = self._draft(
                        p.sub,
                        passages,
                        said,
                        partial(states_alone, p.sub),
                    )
                    if retry.status == "answered" and all(
                        scope is None or c.doc_id in scope for c in retry.citations
                    ):
                        filled.append(
                            replace(
                                p,
                                status="answered",
                                text=retry.text,
                                citations=retry.citations,
                                confidence=retry.confidence,
                                features={**p.features, **retry.features},
                                gap=None,
                            )
                        )
                        continue
                # A person's name asked is not answered by the whole question's post ("指挥长：
                # 分管副市长"): that is what the side's decline quotes.
                near = person_unnamed(p.sub, whole.citations) if fits is None else None
                if fits is None and near is None:
                    filled.append(replace(whole, sub=p.sub))
                    continue
                if near is not None:
                    quoted = replace(first_cited(whole.text, whole.citations), n=1)
                    filled.append(
                        replace(p, text=decline_text(near, quoted), citations=(quoted,), gap=near)
                    )
                    continue
            filled.append(p)
        if all(f.text == whole.text for f in filled):
            return [whole]
        return filled

    def _scope(
        self, sub: SubQuestion, doc_ids: Collection[str] | None
    ) -> tuple[Collection[str] | None, Gap | None]:
        """The documents a sub-question may be answered from: the user's filter, narrowed to
        the document it names, or else to the documents of the region it names."""
        scope: set[str] | None = set(doc_ids) if doc_ids else None
        c = sub.constraints
        if c.doc_ids:
            scope = set(c.doc_ids) if scope is None else scope & set(c.doc_ids)
        elif c.regions:
            by_region = region_documents(self.vocabulary, c.regions)
            covered = {d for docs in by_region.values() for d in docs}
            if covered:
                scope = covered if scope is None else scope & covered
            elif self.vocabulary.regions:
                absent = "、".join(c.regions)
                return scope, Gap("region", absent)
        if scope is not None and not scope:
            return scope, Gap("weak")
        return scope, None

    def _stance(self, sub: SubQuestion, scope: Collection[str] | None) -> str:
        """现状 or 目标, as asked, or implied by the years asked against the plan's own period:
        "十四五时期" asked of a 2026–2030 plan is where things stood (its baseline)."""
        c = sub.constraints
        if c.stance or not (c.years or c.periods) or not scope:
            return c.stance
        asked = set(c.years) | covered_years("", c.periods)
        spans = [covered_years(m.period) for d in scope if (m := self.documents.get(d))]
        spans = [s for s in spans if len(s) > 1]
        if not spans or not asked:
            return ""
        if all(max(asked) < min(s) for s in spans):
            return "current"
        # After the first year (often the baseline year, "2021年基准—2025年目标"): a target.
        if all(min(asked) > min(s) for s in spans):
            return "target"
        return ""

    def _closest(self, sub: SubQuestion, passages: list[Passage]) -> tuple[Citation, ...]:
        """What the documents do say nearest to a question they cannot answer (another place's
        text of the kind asked), quoted as [1] after the gap."""
        return draft_answer(
            sub.text,
            passages,
            self.documents,
            self.weights.weigh(sub.terms),
            self.policy,
            self.weights.weigh(sub.terms, stress_years=False),
        ).citations[:1]

    def _answer_sub(
        self, sub: SubQuestion, doc_ids: Collection[str] | None, said: str = ""
    ) -> tuple[SubAnswer, list[Passage], float]:
        t0 = time.perf_counter()
        if asks_nothing(sub, lambda focus: self.weights.weigh(focus, stress_years=False)):
            # Nothing asked the documents could answer; the nearest passages are still shown.
            passages = self.retriever.retrieve(sub.text, self.top_k, doc_ids)
            spent = (time.perf_counter() - t0) * 1000
            text = LIVE_INFO_TEXT if asks_live(sub) else NOT_FOUND_TEXT
            declined = SubAnswer(sub, "not_found", text, (), 0.0, {}, Gap("weak"))
            return declined, passages, spent
        if sub.constraints.absent_docs:
            # A document the corpus does not hold, named by its title: nothing here is its
            # text; the nearest passage (often one that refers to it) is quoted as not its.
            passages = self.retriever.retrieve(sub.text, self.top_k, doc_ids)
            spent = (time.perf_counter() - t0) * 1000
            unheld = Gap("document", "、".join(sub.constraints.absent_docs))
            closest = self._closest(sub, passages)
            text = decline_text(unheld, closest[0] if closest else None)
            return SubAnswer(sub, "not_found", text, closest, 1.0, {}, unheld), passages, spent
        # A name cut before its ending ("神木" + "市") is a place when no document uses its
        # stem; a stem the documents use ("试点" + "市") is a common noun.
        unseen = [
            w for w in split_place_names(sub.text) if not len(self.weights.containing(w[:-1]))
        ]
        nowhere = [
            w
            for w in [*place_names(sub.text), *unseen]
            if not any(r in w for r in sub.constraints.regions)  # a known region: its own check
            and not len(self.weights.containing(w))
        ]
        if nowhere:
            # A place no document mentions at all ("某市的某县"): nothing here is about it.
            passages = self.retriever.retrieve(sub.text, self.top_k, doc_ids)
            spent = (time.perf_counter() - t0) * 1000
            place = Gap("place", "、".join(dict.fromkeys(nowhere)))
            closest = self._closest(sub, passages)
            text = decline_text(place, closest[0] if closest else None)
            return SubAnswer(sub, "not_found", text, closest, 1.0, {}, place), passages, spent
        scope, gap = self._scope(sub, doc_ids)
        if sub.constraints.levels and self.records is not None:
            # "三级集散中心", "一级公路": a level word naming a thing the documents grade no
            # levels of is part of a name, not a level asked.
            graded = self.records.graded_scales
            levels = tuple(x for x in sub.constraints.levels if _grades(sub.text, x, graded))
            if levels != sub.constraints.levels:
                sub = replace(sub, constraints=replace(sub.constraints, levels=levels))
        if gap is not None and gap.kind == "region":
            passages = self.retriever.retrieve(sub.text, self.top_k, doc_ids)
            spent = (time.perf_counter() - t0) * 1000
            # A region no document is about may still be named inside one (a province's plan
            # naming its cities): only decline when the retrieved text never names it either.
            if not any(r in p.chunk.text for p in passages for r in sub.constraints.regions):
                closest = self._closest(sub, passages)
                text = decline_text(gap, closest[0] if closest else None)
                return SubAnswer(sub, "not_found", text, closest, 1.0), passages, spent
            scope = doc_ids
        elif gap is not None:
            return SubAnswer(sub, "not_found", NOT_FOUND_TEXT, (), 0.0), [], 0.0
        passages = self.retriever.retrieve(sub.text, self.top_k, scope)
        spent = (time.perf_counter() - t0) * 1000
        drafted = self._draft(sub, passages, said)
        status, text, citations = drafted.status, drafted.text, drafted.citations
        features = dict(drafted.features)
        source = "passage"
        # Numeric questions are answered from the fact store first: a table row or stated figure,
        # cited exactly; retrieval's draft stays the fallback and supplies the passages.
        # A document's own facts (文号, 施行日期, 有效期 "管多长时间", what it repealed) are
        # answered from its record first: a figure in its text ("为期6个月") is not its validity.
        own = (
            self.records.answer(sub.text, scope, None, said)
            if self.records is not None and self.records.asks_document(sub.text)
            else None
        )
        if own is not None and documents_unnamed(sub.text, [own.text], own.citations):
            own = None  # "依据哪几个规划制定的" is not answered by the plan's own outline
        compared = (
            self.records.superlative(sub.text, scope, sub.constraints.stance)
            if own is None and self.records is not None
            else None
        )
        if compared is not None:
            # "哪条最长": a table's rows compared, not any one figure of the fact store; the
            # rows are its only figures, each cited (no figure of another thing to contrast).
            checked = guard_answer(compared.text, "answered", compared.citations, NOT_FOUND_TEXT)
            if not checked.report.removed:
                features["record_match"] = compared.score
                done = SubAnswer(sub, "answered", compared.text, compared.citations, 1.0, features)
                return done, passages, spent
        numeric = (
            self.numeric.answer(sub.text, NOT_FOUND_TEXT, scope)
            if self.numeric and own is None
            else None
        )
        if (
            numeric is not None
            and numeric.status == "answered"
            and not self._figure_fits(sub, numeric)
        ):
            numeric = None
        if (
            numeric is not None
            and numeric.status == "answered"
            and "年：" not in numeric.text
            and self.records is not None
            and self.records.by_year(sub.text, scope)
        ):
            # "每年分别是多少": one figure for the whole period is no breakdown; the task list
            # that states it year by year answers (below).
            numeric = None
        # 现状 or 目标 as asked, or as the years asked imply against the plan's own period
        # ("2030年…要到多少" of a 2026–2030 plan is a target).
        asked_stance = (
            sub.constraints.stance
            or (self._stance(sub, {numeric.citations[0].doc_id}) if sub.constraints.years else "")
            if numeric is not None and numeric.citations
            else ""
        )
        if (
            numeric is not None
            and numeric.status == "answered"
            and numeric.citations
            and asked_stance in ("current", "target")
            and stance_of(numeric.citations[0].quote, numeric.citations[0].section)
            not in ("", asked_stance)
            # A table's row is stated with each year's stance ("2021年现状值为12.3%").
            and _STANCE_SAID[asked_stance] not in numeric.text
        ):
            # "现在有多少座" answered with the 2030 target sentence, "2030年…分担率要到多少" with
            # the 十四五 achievement: the draft (and its second try) looks for the stance asked.
            numeric = None
        if numeric is not None:
            status, text, citations = numeric.status, numeric.text, numeric.citations
            features["fact_match"] = numeric.score
            source = "fact"
        # A fact store's decline for a question that asks no value ("U牵头的有哪几项", where 几
        # reads as a count) stands only when no record answers it either.
        declined_value = (
            numeric is not None
            and numeric.status == "not_found"
            and sub.answer_type not in _VALUE_TYPES
        )
        found = own
        if (
            own is None
            and numeric is not None
            and numeric.status == "not_found"
            and not declined_value
            and self.records is not None
        ):
            # No fact for the value asked: a task list's cell may still state it in a sentence
            # ("2027年：在中心城区建设60处站牌"), under the column the question names.
            found = self.records.row_answer(sub.text, scope)
        if (
            found is None
            and own is None
            and (numeric is None or declined_value)
            and self.records is not None
        ):
            # Who leads / what a list holds / how a grade is defined / a document's own facts:
            # answered from the record that states it, when one qualifies and passes the guard
            # (otherwise the extractive draft stands).
            hint = "list" if sub.answer_type in ("list", "overview") else None
            found = self.records.outline(sub.text, scope) if sub.answer_type == "overview" else None
            found = found or self.records.answer(sub.text, scope, hint, said)
            if found is not None and said and _repeats(found.text, said):
                # "还有呢" after this very list: the document lists nothing more under it.
                found = replace(found, text=LIST_COMPLETE.format(listed=found.text))
        if found is not None and not states_unit(sub, found.text, found.citations):
            found = None  # a row's cell in another unit than the one asked
        if found is not None and names_no_body(sub, MARKER.sub("", found.text)):
            found = None  # "哪个局牵头" is not answered by rows that name no body
        if found is not None and lacks_amount(sub.text, found.text):
            found = None  # "死亡几人以下" is not answered by a record stating no figure
        if found is not None and documents_unnamed(sub.text, [found.text], found.citations):
            found = None  # "依据哪几个规划制定的" is not answered by the plan's own outline
        if found is not None and scope_unsaid(sub.text, [found.text]):
            found = None  # "适用于哪些工程" is not answered by the accident grades
        if (
            found is not None
            # A body in charge is cited by its own line; the item it is in charge of, which
            # says the term ("…“减量增质”"), is matched by its heading and not quoted.
            and sub.answer_type != "organisation"
            and quoted_unsaid(sub.text, found.citations, self.documents, found.text)
        ):
            found = None  # a record of something else than the term the question quotes
        if found is not None and lists_other_count(sub.text, found.text):
            found = None  # four headings are not the eight 方面 asked
        if (
            found is not None
            and asks_counted_members(sub.text)
            and counted_unlisted(sub.text, found.citations)
        ):
            found = None  # "每月设置20天…" counts the days asked ("哪20天") and names none
        if (
            found is not None
            and sub.answer_type != "yesno"
            and restates_given(sub.text, found.text)
        ):
            found = None  # "这个85%是跟什么比的": a row stating the 85% tells nothing asked
        weigh = lambda focus: self.weights.weigh(focus, stress_years=False)  # noqa: E731
        if (
            found is not None
            and sub.constraints.years
            and sub.answer_type in ("list", "overview")
            and not _writes_year(sub.constraints.years, found.citations, self.documents)
        ):
            # "干线提速建设任务中2027年要做哪些事": the heading's whole list (its items dated by
            # "“十四五”期间" at most) is no year's; the draft (and its second try) looks for
            # the year asked (a task table's row).
            found = None
        if found is not None:
            checked = guard_answer(found.text, found.status, found.citations, NOT_FOUND_TEXT)
            if not checked.report.removed:
                status, text, citations = found.status, found.text, found.citations
                features["record_match"] = found.score
                source = "record"
        quoted_row = False
        if source == "passage" and status != "not_found" and citations and self.numeric:
            # The draft's best sentence is a table row: stated under its header (years,
            # 现状/目标, columns), never as the raw line "2 城市公交进场率 % 90.2 98".
            # A question asking no value takes this only when the quote is the row alone.
            whole = sub.answer_type not in _VALUE_TYPES
            row = self.numeric.row_quoted(sub.text, citations[0], NOT_FOUND_TEXT, whole)
            if row is None and len(citations) > 1 and _header_like(citations[0].quote):
                # The draft quoted the table's header line, then its row ("县（区） 2026年
                # 2027年…" / "甲县 2.1 2.4…"): the row is what is stated, under that header.
                row = self.numeric.row_quoted(sub.text, citations[1], NOT_FOUND_TEXT, whole)
            counted = members_asked(sub.text)
            if (
                row is not None
                and row.status == "answered"
                and counted
                # Members asked are items, however the question words it ("叫什么").
                and counts_without_items("list", row.text, row.citations, sub.text)
            ):
                # "3条红色公交专线，另外两条是哪两条" is not answered by the row counting them:
                # the row is stated (never raw), and what it leaves out is said.
                gap = Gap("content", counted)
                thing = re.sub(rf"^[\d{CN_NUMERALS}百]+\S", "", counted)
                text = GAP_COUNT_ONLY.format(stated=row.text, thing=thing)
                return (
                    SubAnswer(
                        sub, "not_found", text, row.citations, drafted.confidence, features, gap
                    ),
                    passages,
                    spent,
                )
            if (
                row is not None
                and row.status == "answered"
                and whole
                and sub.answer_type != "yesno"
                and (gives_value_of(sub.text, row.text) or _ASKS_BASIS.search(sub.text))
            ):
                # "这个85%是跟什么比的": the question gives the row's figure and asks something
                # else of it; the drafted sentences other than the raw row line say it (the
                # indicator's note under the row).
                rows = self.numeric
                noted = self._draft(
                    sub,
                    passages,
                    said,
                    lambda x: rows.row_quoted(sub.text, x, NOT_FOUND_TEXT, True) is None,
                )
                row = None
                if noted.status == "answered":
                    text, citations = noted.text, noted.citations
            if (
                row is not None
                and row.status == "answered"
                and states_unit(sub, row.text, row.citations)
            ):
                status, text, citations = row.status, row.text, row.citations
                source = "fact"
                quoted_row = True
            elif row is not None and row.rate_only:
                numeric, status = row, "not_found"
        nearest = drafted.citations[0] if drafted.citations else None
        if status == "not_found":
            if numeric is not None and numeric.status == "not_found" and numeric.rate_only:
                # Only a rate of the quantity asked is stated: quoted, and the total is missing.
                gap = Gap("value", f"以“{numeric.rate_only}”计的总数")
                text = decline_text(gap, nearest) if nearest else NOT_FOUND_TEXT
                cites = (nearest,) if nearest and text != NOT_FOUND_TEXT else ()
                return (
                    SubAnswer(sub, "not_found", text, cites, drafted.confidence, features, gap),
                    passages,
                    spent,
                )
            if numeric is not None and numeric.status == "not_found" and sub.constraints.years:
                # The fact store knows the indicator but not for the year asked.
                gap = Gap("year", "、".join(f"{y}年" for y in sub.constraints.years))
                text = decline_text(gap, nearest) if nearest else NOT_FOUND_TEXT
                cites = (nearest,) if nearest and text != NOT_FOUND_TEXT else ()
                return (
                    SubAnswer(sub, "not_found", text, cites, drafted.confidence, features, gap),
                    passages,
                    spent,
                )
            return (
                SubAnswer(
                    sub, "not_found", NOT_FOUND_TEXT, (), drafted.confidence, features, Gap("weak")
                ),
                passages,
                spent,
            )
        if source == "passage" and citations:
            owned = self._owner_said(sub, passages, said, citations)
            if owned is not None:
                text, citations = owned.text, owned.citations
        features["focus_cov"], absent = focus_coverage(sub, citations, self.documents, weigh)
        # The share of the focus's weight held by its heavy terms the cited text leaves out
        # ("罚款" of "对责任单位罚款多少"): near-misses answered by a neighbouring sentence.
        # Only words some passage contains count: no quote could hold one no document uses,
        # and such words are mostly the asking cut into odd pieces ("这件事由" → 这件 事由).
        asked = {
            t: w
            for t, w in self.weights.weigh(sub.focus, stress_years=False).items()
            if len(self.weights.containing(t))
        }
        features["focus_missing"] = sum(asked.get(t, 0.0) for t in absent) / (
            sum(asked.values()) or 1.0
        )
        # The same share over every focus term the cited text leaves out, light ones included.
        every_absent = focus_coverage(sub, citations, self.documents, weigh, share=0.0)[1]
        features["focus_unsaid"] = sum(asked.get(t, 0.0) for t in every_absent) / (
            sum(asked.values()) or 1.0
        )
        if source == "passage":
            gap = check(
                sub,
                citations,
                self.documents,
                weigh,
                self.policy.min_focus,
                features.get("dense", 0.0),
                self.policy.dense_floor,
            )
            stance = sub.constraints.stance
            other_stance = (
                gap is None
                and stance in ("current", "target")
                and all(stance_of(c.quote, c.section) not in ("", stance) for c in citations)
            )
            if (gap is not None and gap.kind in ("year", "level", "value")) or other_stance:
                # The best sentences break a year or level asked, or state where things are to
                # be when where they stand is asked (or the reverse); a lower-ranked sentence of
                # the same passages may meet it ("航道里程达到500公里" under 到2030年的发展
                # 目标, below the 现状 sentence that names the road total more fully).
                redrawn = self._redraw(sub, passages, citations, said, features, weigh)
                if redrawn is not None:
                    text, citations, gap = redrawn.text, redrawn.citations, None
                elif (
                    other_stance
                    and sub.answer_type in ("number", "duration")
                    and not sub.constraints.years
                ):
                    # Only where things are to be is said, and where they stand was asked (or
                    # the reverse): the figure answers another question. (A year asked is
                    # checked as a year: a plan's 2025 target is answered by what its successor
                    # says 2025 reached.)
                    gap = Gap("value", f"{_STANCE_SAID[stance]}数值")
            term = quoted_unsaid(sub.text, citations, self.documents) if gap else ""
            if gap is not None and gap.kind == "focus" and term:
                # The term the question quotes is what it asks about: the sentences that say
                # it answer, or are what the decline quotes ("…实行“打捆”审批" states no days).
                saying = self._draft(
                    sub, passages, said, lambda x: term in re.sub(r"\s+", "", x.quote)
                )
                if saying.citations:
                    regap = check(
                        sub,
                        saying.citations,
                        self.documents,
                        weigh,
                        self.policy.min_focus,
                        features.get("dense", 0.0),
                        self.policy.dense_floor,
                    )
                    if regap is None and saying.status == "answered":
                        text, citations, gap = saying.text, saying.citations, None
                    elif regap is not None:
                        nearest, gap = saying.citations[0], regap
            if gap is not None:
                features[f"gap_{gap.kind}"] = 1.0
                if gap.kind == "content":
                    # The sentence that names the term is what the documents do say of it.
                    nearest = next(
                        (c for c in citations if gap.detail in re.sub(r"\s+", "", c.quote)),
                        nearest,
                    )
                elif gap.kind == "value":
                    # What is said of the subject asked, not another's figure.
                    nearest = amount_of_another(sub, citations, self.documents, weigh) or nearest
                text = decline_text(gap, nearest)
                cites = (nearest,) if nearest and text != NOT_FOUND_TEXT else ()
                if cites:
                    cites = (replace(cites[0], n=1),)
                return (
                    SubAnswer(sub, "not_found", text, cites, drafted.confidence, features, gap),
                    passages,
                    spent,
                )
        if quoted_row and off_focus(features, self.policy):
            # The draft's own table row, stated under its header, is held to the draft's
            # focus check: "长沙市分配了多少专业森林消防队员" is not answered by 长沙市's
            # 防火隔离带 cell. (The fact store's own matches are scored piece by piece, and
            # its paraphrases, "万人公交车保有量" for 万人城市公共汽电车保有量, stand.)
            gap = Gap("focus", "、".join(absent[:3]))
            features["gap_focus"] = 1.0
            quoted = replace(citations[0], n=1)
            return (
                SubAnswer(
                    sub,
                    "not_found",
                    decline_text(gap, quoted),
                    (quoted,),
                    drafted.confidence,
                    features,
                    gap,
                ),
                passages,
                spent,
            )
        if source == "passage":
            text, citations = direct_answer(sub, text, citations, weigh)
        near = contrast(sub, citations, self.documents, weigh, text, self.weights.known)
        if near is not None:
            # A neighbour's figure or text, from whichever source: declined with it quoted.
            features[f"gap_{near.kind}"] = 1.0
            quoted = replace(first_cited(text, citations), n=1)
            return (
                SubAnswer(
                    sub,
                    "not_found",
                    decline_text(near, quoted),
                    (quoted,),
                    drafted.confidence,
                    features,
                    near,
                ),
                passages,
                spent,
            )
        outcome: Status = "answered"
        if source == "passage" and (
            drafted.confidence < self.policy.confirm_from
            or features["focus_missing"] > self.policy.confirm_missing
            or features["focus_unsaid"] > self.policy.confirm_unsaid
        ):
            # Drafted sentences the calibrated model is unsure of, or that leave out heavy
            # words of what was asked: shown, but not as 已找到.
            missing = focus_coverage(sub, citations, self.documents, weigh)[1]
            # Only things are named as left out ("高峰期"), not the asking ("想", "那条").
            things = nouns(sub.text)
            named = [m for m in missing if any(m in n or n in m for n in things)]
            if not named:
                # No heavy thing is left out: the light ones are ("货车", "登记").
                every = focus_coverage(sub, citations, self.documents, weigh, share=0.0)[1]
                named = [m for m in every if any(m in n or n in m for n in things)]
            text += unconfirmed_note(named)
            features["unconfirmed"] = 1.0
            outcome = "partial"
        return (
            SubAnswer(sub, outcome, text, citations, drafted.confidence, features),
            passages,
            spent,
        )


# What a figure means or how it is measured ("这个百分比是跟什么比的", "是怎么算的"): a row's
# values are no answer; the note under the row is.
_ASKS_BASIS = re.compile(
    r"(?:跟|和|与|同)(?:什么|谁|啥)(?:比|相比|对比)|相对于?(?:什么|谁|啥)"
    r"|(?:怎么|如何|怎样)(?:计算|算|测算|统计)|是什么意思|啥意思|指的?(?:是)?(?:什么|啥)"
)


# A side asking one owner's thing ("中心城区的防洪标准是什么").
_OWNER_ASKED = re.compile(
    r"^(?P<owner>[^，,。？?的]{2,10})的(?P<thing>[^，,。？?的]{2,8}?)(?:是什么|是多少|为多少)$"
)


def off_focus(features: Mapping[str, float], policy: AnswerPolicy) -> bool:
    """Whether neither the words (``min_focus`` of the focus's weight) nor the dense similarity
    (``dense_floor``) say an answer is about what was asked: the draft's own test, applied to
    a figure or a table row stated for it."""
    return (
        features.get("focus_cov", 1.0) < policy.min_focus
        and features.get("dense", 0.0) < policy.dense_floor
    )


def _other_stance(sub: SubQuestion, citations: Sequence[Citation]) -> bool:
    """Whether the side asks where things stand (or are to be) and every cited text states the
    other ("2025年…达到39%" for "现状是多少")."""
    stance = sub.constraints.stance
    return stance in ("current", "target") and all(
        stance_of(c.quote, c.section) not in ("", stance) for c in citations
    )


def _from_passages(part: SubAnswer) -> bool:
    """Whether a sub-answer was drafted from retrieved sentences (no fact or record stated it)."""
    return "fact_match" not in part.features and "record_match" not in part.features


def _header_like(quote: str) -> bool:
    """Whether a quote is a table's header line: its header words, or years side by side in a
    short line with no sentence in it ("县（区） 2026年 2027年 2028年 合计")."""
    flat = quote.strip()
    if table_header_cells(flat) is not None:
        return True
    return (
        len(flat) <= 80 and not re.search(r"[。，,；;]", flat) and len(YEAR_RE.findall(flat)) >= 2
    )


def _year_unstated(sub: SubQuestion, text: str) -> Gap | None:
    """A year gap when ``text`` states years (document titles aside) and none the side asks."""
    if not sub.constraints.years:
        return None
    stated = {int(y) for y in YEAR_RE.findall(re.sub(r"《[^》]*》", "", text))}
    if stated and not stated & set(sub.constraints.years):
        return Gap("year", "、".join(f"{y}年" for y in sub.constraints.years))
    return None


def _weakest(parts: Sequence[SubAnswer]) -> dict[str, float]:
    """The evidence of the least supported side answered from passages: how many sides rest
    on drafted sentences, and the lowest word coverage among them."""
    drafted = [p for p in parts if p.status != "not_found" and _from_passages(p)]
    return {
        "passage_parts": float(len(drafted)),
        "weakest_focus": min((p.features.get("focus_cov", 1.0) for p in drafted), default=1.0),
        "weakest_sentence": min(
            (p.features.get("sentence_cov", 1.0) for p in drafted), default=1.0
        ),
        "weakest_confidence": min((p.confidence for p in drafted), default=1.0),
        "weakest_missing": max(
            (p.features.get("focus_missing", 0.0) for p in drafted), default=0.0
        ),
        "weakest_unsaid": max((p.features.get("focus_unsaid", 0.0) for p in drafted), default=0.0),
    }


def _writes_year(
    years: Collection[int], citations: Sequence[Citation], metas: Mapping[str, DocumentMeta]
) -> bool:
    """Whether the cited text or its section writes one of ``years`` out, or the document is
    about that one year (a 2023 work plan)."""
    for c in citations:
        said = {int(y) for y in YEAR_RE.findall(f"{c.section} {c.quote}")}
        meta = metas.get(c.doc_id)
        own = covered_years(meta.period) if meta else set()
        if said & set(years) or (len(own) == 1 and own & set(years)):
            return True
    return False


def counts_without_items(
    answer_type: str, text: str, citations: Sequence[Citation], question: str = ""
) -> bool:
    """Whether a figure answers a list question with a count alone: "哪几项任务" is not
    answered by a heading's "五篇大文章" that names no items, but a sentence listing them
    ("划分为A类、B类等两种类型") does answer it, and so do several rows ("哪些指标要达到100%").
    A list asked by its kind of item ("分为哪几类") is not answered by a figure counting
    something else ("每年不少于2次培训"), whatever its sentence lists."""
    if answer_type not in ("list", "overview"):
        return False
    bare = MARKER.sub("", text)
    kind = _KIND_ASKED.search(question)
    units = [m.unit for m in mentions(bare) if m.unit]
    if kind and units and not any(_same_kind(kind.group(1), u) for u in units):
        return True
    thing = _thing_counted(question, kind)
    if (
        thing
        and units
        and not any(thing in re.sub(r"\s+", "", f"{c.section} {c.quote}") for c in citations)
    ):
        # "哪几类规划分区" is not answered by "划分为A、B和C三种类型" of 主体功能分区: the kind
        # of thing asked is said neither by the sentence nor by its heading.
        return True
    return "；" not in bare and not any(_ENUMERATION.search(c.quote) for c in citations)


# "哪八个方面", "哪四张网", "哪七类": a list asked with the number of its items.
# A composed list ("…包括：A；B；C", "…的有：A[1]；B[2]"): its items follow the colon.
_LISTED = re.compile(r"(?:包括|的有|几部分)：(?P<items>[^。]+)")


def lists_other_count(question: str, text: str) -> bool:
    """Whether a composed list answers "哪八个方面" with another number of items (four
    headings) and its text does not state the number asked either ("…（共七类分区）"): it is
    another list."""
    bare = MARKER.sub("", text)
    asked = COUNT_ASKED.search(question)
    listed = _LISTED.search(bare)
    if asked is None or listed is None:
        return False
    said = asked.group("n")
    n = int(said) if said.isdigit() else chinese_numeral(said)
    items = [x for x in listed.group("items").split("；") if x.strip()]
    if n is None or len(items) == n:
        return False
    # The number as a count of its own ("共七类"), not a digit of another ("十四五").
    numeral = rf"(?<![{CN_NUMERALS}]){re.escape(said)}(?![{CN_NUMERALS}])"
    return not re.search(rf"{numeral}|(?<!\d){int(n)}(?!\d)", bare)


# "哪几类", "哪几种", "哪三项": the kind of item a list is asked by.
_KIND_ASKED = re.compile(r"哪[几两三四五六七八九十]+([类种项])")
_KINDS = ("类", "种", "类型")


def _thing_counted(question: str, kind: re.Match[str] | None) -> str:
    """The noun phrase right after "哪几类" ("规划分区" of "分成哪几类规划分区？"), or ""."""
    if kind is None:
        return ""
    runs = noun_runs(question[kind.end() :])
    if not runs or not question[kind.end() :].startswith(runs[0][0][0]):
        return ""
    thing = "".join(w for w, _ in runs[0])
    return thing if len(thing) >= 2 else ""


def _same_kind(asked: str, unit: str) -> bool:
    """Whether a count in ``unit`` counts items of the kind asked ("三类" for 哪几类; 类 and 种
    are one kind)."""
    if asked in _KINDS:
        return any(unit.endswith(k) for k in _KINDS)
    return unit.endswith(asked)


# Items listed: a "、" that is no heading's number ("三、"), or a "；".
_ENUMERATION = re.compile(r"(?<![一二三四五六七八九十百\d])、|[；;]")
# Answer types that ask for a value: the fact store's decline for them is final.
_STANCE_SAID = {"current": "现状", "target": "目标"}
# A second draft that meets a year or level asked stands when it covers the question's words at
# least this well, and this share of what the first draft covered.
RETRY_MIN_FOCUS = 0.5
RETRY_SHARE = 0.6
_VALUE_TYPES = ("number", "year", "duration")
# Answer types a sentence visibly states or not (a figure, a year, a date, a body).
_TYPED = (*_VALUE_TYPES, "date", "organisation")
# A section's number opening a quote ("5.4 Ⅱ级响应"): a decimal followed by a space.
_OUTLINE_NUMBER = re.compile(r"^\s*\d{1,2}(?:[.．]\d{1,2}){1,3}\s+")
# Declines of a side that another search may overturn: too little found, or not the thing
# asked. A document, place or year the corpus does not hold stays declined.
_UNSURE = ("weak", "value", "focus")


def _grades(text: str, level: str, scales: Collection[str]) -> bool:
    """Whether ``level`` in ``text`` is a level of something graded: not when a noun the
    documents grade nothing of follows it at once ("三级集散中心"). Another name of the level
    ("一级红色预警"), 以上/以下, 应急 or 的 after it keep it a level."""
    at = text.find(level)
    if at < 0 or not scales:
        return True
    after = _LEVEL_ALIAS.sub("", text[at + len(level) :])
    if not after or not re.match(r"[\u4e00-\u9fff]", after):
        return True
    if after.startswith(
        ("的", "以上", "以下", "及以上", "应急", "呢", "是", "由", "和", "与", "、")
    ):
        return True
    # "较大城市内涝灾害": an event's grade, whether or not a definition record caught the scale.
    return any(after.startswith(s) for s in scales) or bool(_GRADED_EVENT.match(after))


# What the genre grades by 特别重大/重大/较大/一般: events, named with up to eight characters
# before their kind ("城市内涝灾害", "道路交通安全突发事件").
_GRADED_EVENT = re.compile(r"^[\u4e00-\u9fff]{0,8}?(?:事故|事件|灾害|火灾|险情|灾情)")


_LEVEL_ALIAS = re.compile(rf"^(?:\s*[（(][^（）()]{{1,6}}[）)]|{LEVEL_RE.pattern})*")


def _repeats(text: str, said: str) -> bool:
    """Whether an answer only repeats one already given (its cited wording, markers aside)."""
    bare = MARKER.sub("", text)
    return bool(bare) and bare in MARKER.sub("", said)
