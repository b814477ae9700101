"""The reader's checks and composition: does a drafted answer meet its sub-question's hard
constraints, and how the answers of a plan's sub-questions become one cited answer.

A draft qualifies only if every constraint holds in the cited text or its context (section,
document title, the document's period): the year asked, a value when a number is asked (in the
unit asked), and the question's focus. When a constraint fails the answer is a decline that
says what the documents do say, quoting the nearest unit — never a neighbouring figure given
as the answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from assistant.answer.plan import QueryPlan, SubQuestion, covered_years
from assistant.answer.texts import (
    COMPARE_FIRST_HIGHER,
    COMPARE_FIRST_LOWER,
    COMPARE_SAME,
    GAP_CONTENT,
    GAP_DOCUMENT,
    GAP_DOCUMENT_NEAREST,
    GAP_FOCUS,
    GAP_LEVEL,
    GAP_PLACE,
    GAP_PLACE_NEAREST,
    GAP_REGION,
    GAP_REGION_NEAREST,
    GAP_SCOPE_NEAREST,
    GAP_SIBLING_NEAREST,
    GAP_VALUE,
    GAP_YEAR,
    MISSING_PART,
    NOT_FOUND_TEXT,
    NOTE_UNCONFIRMED,
    NOTE_UNCONFIRMED_PLAIN,
    STANCE_LABEL,
    SUPPORT_LEAD,
)
from assistant.answer.types import Citation, Status
from assistant.ingest.types import DocumentMeta
from assistant.lang.numbers import Mention, chinese_numeral, mentions
from assistant.lang.patterns import (
    ADMIN_END_RE,
    ITEM_NUMBER_RE,
    LEVEL_RE,
    PLAN_PERIOD,
    PLAN_PERIOD_RE,
    YEAR,
    YEAR_RE,
    known_regions,
    mentions_level,
    opening_year,
    stance_of,
)
from assistant.lang.sentences import MARKER, split_sentences
from assistant.lang.terms import coverage, synonyms_of
from assistant.lang.tokens import (
    noun_phrase,
    noun_runs,
    nouns,
    phrase_tokens,
    place_names,
    tokenize,
    word_starts,
)

# Units a value may be written in for each unit a question asks for.
_UNIT_FORMS: Mapping[str, tuple[str, ...]] = {
    "元": ("元",),
    # "几天" is answered in 日 as often as in 天 ("7日内").
    "天": ("天", "日"),
    "日": ("日", "天"),
    "公里": ("公里", "千米", "km", "KM"),
    # A table's column "长度（公里）" may print its unit broken ("长度（公"): the header says it.
    "长度": ("公里", "千米", "米", "km", "KM", "长度", "里程"),
    "千米": ("公里", "千米", "km"),
    "平方千米": ("平方千米", "平方公里", "km2", "km²"),
    "平方公里": ("平方千米", "平方公里", "km2", "km²"),
    "速度": ("公里/小时", "千米/小时", "km/h", "KM/H", "公里每小时", "时速"),
    "工作日": ("工作日",),
    "小时": ("小时",),
    "分钟": ("分钟",),
}
ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Gap:
    """Why a sub-question's draft does not qualify."""

    # "document" | "region" | "place" | "scope" | "year" | "level" | "value" | "focus" |
    # "sibling" | "weak"
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class SubAnswer:
    sub: SubQuestion
    status: Status
    text: str
    citations: tuple[Citation, ...]
    confidence: float = 0.0
    features: Mapping[str, float] = field(default_factory=dict)
    gap: Gap | None = None


def _context(c: Citation, metas: Mapping[str, DocumentMeta]) -> str:
    meta = metas.get(c.doc_id)
    return " ".join([c.doc_title, c.section, c.quote, meta.short_title if meta else ""])


def _has_value(text: str) -> bool:
    """A stated quantity other than a calendar year ("2年" is a duration, "2025年" a date)."""
    return bool(mentions(YEAR_RE.sub(" ", text), strict=True))


# Counts of tiers or kinds ("市、县两级财政", "三类地区"): an amount only when tiers or kinds are
# counted ("分几级", "分几种颜色": the text may count them in another measure word, "四级").
# "十大专项行动", "三大工程": a count of named kinds too, no amount of anything.
_TIER_UNITS = ("级", "期", "类", "方面", "大")
_COUNTS_TIERS = re.compile(r"(?:几|多少)个?(?:级|期|类|种|方面|档|等|层|批|大)")


def _given(question: str) -> set[tuple[object, str]]:
    """The values a question itself gives, as (value, unit): figures written in digits other
    than years (a numeral inside a name, "二次供水", gives no value)."""
    return {
        (m.value, m.unit)
        for m in mentions(question, strict=True)
        if not _a_year(m) and re.search(r"\d", m.text)
    }


def _stated(text: str) -> list[tuple[object, str]]:
    return [(m.value, m.unit) for m in mentions(text, strict=True) if not _a_year(m) and m.value]


def gives_value_of(question: str, text: str) -> bool:
    """Whether ``question`` itself gives a value ``text`` states ("这个85%…" of a row that
    states 85%)."""
    return bool(_given(question) & set(_stated(text)))


def restates_given(question: str, text: str) -> bool:
    """Whether ``text`` states values and every one is a value ``question`` itself gives: it
    tells the asker nothing ("这个85%是跟什么比的" answered by "…的2025年为85%")."""
    given, stated = _given(question), _stated(text)
    return bool(given) and bool(stated) and all(v in given for v in stated)


def _states_amount(text: str, question: str) -> bool:
    """Whether ``text`` states a quantity that can answer ``question``: not a year, and not a
    count of tiers or kinds unless the question counts those."""
    tiers = bool(_COUNTS_TIERS.search(question))
    # A value the question itself gives ("52.8亿元投资里，社会资本要出多少") is what it asks
    # about, not the answer.
    given = _given(question)
    return any(
        (tiers or m.unit not in _TIER_UNITS) and (m.value, m.unit) not in given
        for m in mentions(text, strict=True)
        # A bare zero is a slogan's ("出行0距离"), not an amount; nor is a name's numeral.
        if not _a_year(m) and (m.value or m.unit) and not _names_numeral(text, m)
    )


# A unitless numeral inside a short quoted name ("“2+4”产业", "“135”工程") or joined by a plus
# sign ("1+N体系"): a slogan's label, no amount of anything.
_QUOTED_NAME = re.compile(r"“[^“”]{1,8}”")


def _names_numeral(text: str, m: Mention) -> bool:
    if m.unit:
        return False
    if "+" in text[max(m.start - 1, 0) : m.end + 1].replace("＋", "+"):
        return True
    return any(q.start() < m.start and m.end < q.end() for q in _QUOTED_NAME.finditer(text))


# An amount asked, whatever the answer type the plan gives ("一般事故是指死亡几人以下").
_ASKS_AMOUNT = re.compile(r"(?<![哪第这那近])几(?!乎|何|点)|多少")
# Which level ("启动几级响应"), not how many ("分几级", "有几级").
_WHICH_LEVEL = re.compile(r"(?<![分为有共])几级")


def lacks_amount(question: str, text: str) -> bool:
    """Whether ``question`` asks an amount ("几人", "多少公里") that ``text`` does not state."""
    asked = _WHICH_LEVEL.sub(" ", question)
    return bool(_ASKS_AMOUNT.search(asked)) and not _states_amount(text, asked)


def amount_of_another(
    sub: SubQuestion,
    citations: Sequence[Citation],
    metas: Mapping[str, DocumentMeta],
    weigh: Callable[[str], Mapping[str, float]],
    share: float = 0.2,
) -> Citation | None:
    """The cited sentence about the owner asked when the amount a question asks of "X的Y" is
    stated only of another owner: a cited sentence that states no amount says the thing (Y)
    and a heavy word of the owner (X, at least ``share`` of the focus's weight), and the ones
    that state amounts say the thing but not that word, nor do their headings or document
    ("乡镇和村庄的防洪标准": "中心城区防洪标准为50-100年一遇"). None otherwise."""
    m = _OWNER_THING.search(_WHICH_LEVEL.sub(" ", sub.text))
    if m is None:
        return None
    stating = [x for x in citations if not lacks_amount(sub.text, x.quote)]
    silent = [x for x in citations if lacks_amount(sub.text, x.quote)]
    if not stating or not silent:
        return None
    weights = weigh(sub.focus)
    total = sum(weights.values())

    def says(term: str, text: str) -> bool:
        return any(s in text for s in synonyms_of(term))

    flat = [re.sub(r"\s+", "", x.quote) for x in stating]
    thing = [t for t in weigh(m.group("thing")) if len(t) >= 2]
    if not thing or not all(says(t, q) for t in thing for q in flat):
        return None  # the figures are not of the thing asked (or it is not named)
    said = re.sub(r"\s+", "", " ".join(_context(x, metas) for x in stating))
    owner = [
        t
        for t in weigh(m.group("owner"))
        if weights.get(t, 0.0) >= share * total and not says(t, said)
    ]
    for x in silent:
        quote = re.sub(r"\s+", "", x.quote)
        if all(says(t, quote) for t in thing) and any(says(t, quote) for t in owner):
            return x
    return None


# "X的Y是多少": the owner, and the thing whose amount is asked.
_OWNER_THING = re.compile(
    r"(?P<owner>[^，,。？?！!的]{2,16})的(?P<thing>[^，,。？?！!的]{2,12}?)"
    r"(?:具体|大概|一共|总共)?(?:是|为|有|达到|要达到|定的是)?(?:多少|几(?![乎何点]))"
)


def _a_year(m: Mention) -> bool:
    """A year ("2025年", "2023-2025年"), not a count that looks like one ("2000家")."""
    return m.unit in ("", "年") and m.value == int(m.value) and 1900 <= m.value <= 2099


def focus_coverage(
    sub: SubQuestion,
    citations: Sequence[Citation],
    metas: Mapping[str, DocumentMeta],
    weigh: Callable[[str], Mapping[str, float]],
    share: float = 0.2,
) -> tuple[float, list[str]]:
    """Share of the focus's term weight the cited text and its context cover, and the focus
    terms of at least ``share`` of its weight it does not contain, heaviest first."""
    weights = weigh(sub.focus)
    if not weights or not citations:
        return (1.0 if weights == {} else 0.0), []
    joined = re.sub(r"\s+", "", " ".join(_context(x, metas) for x in citations))
    total = sum(weights.values())
    missing = [
        t
        for t, w in sorted(weights.items(), key=lambda kv: -kv[1])
        if w >= share * total and not any(s in joined for s in synonyms_of(t))
    ]
    return coverage(weights, joined), missing


# A time said in any of the ways the genre dates things: a year, a plan period, a month or day,
# or a time relative to one ("年底前", "期间", "同步").
_WHEN_SAID = re.compile(
    rf"{YEAR}|{PLAN_PERIOD}|\d{{1,2}}\s*[月日]|[一二三四五六七八九十]+月|年底|年内|年末|"
    r"月底|期间|底前|以前|之前|以后|之后|同步|届时|当年|次年|每年|定期|随时|立即|及时"
)


# The numerals a count is written with in words ("哪八个", "八成", "“一网四化”").
CN_NUMERALS = "一二两三四五六七八九十"
# A count of items asked ("哪八个方面", "哪三项"): the answer lists that many or says the count.
COUNT_ASKED = re.compile(
    rf"哪(?P<n>[{CN_NUMERALS}]{{1,3}}|\d{{1,2}})"
    r"(?:个|张|项|条|类|种|大|级|家|件|座|位|所|处|部分|方面)"
)
# Items a sentence enumerates: "A、B、C", "A；B", "A，B和C".
_ITEM_SEPARATORS = re.compile(r"[、；;]")


# Items listed before a count of them and their figure: "A、B、C等5个项目631公里".
_GROUP_FIGURE = re.compile(
    rf"(?P<items>[^，,。；;：:]+?)等\s*(?:\d+|[{CN_NUMERALS}]+)\s*[个项条座处家所批]"
    r"[\u4e00-\u9fff]{0,6}?\s*(?=\d)"
)
_TOGETHER = re.compile(r"一共|总共|合计|共计|加起来|总计|累计|等\d+个|总")
_ITEM_SPLIT = re.compile(r"[、和及与]")
_ASKS_MEASURE = re.compile(r"多长|多大|多远|多高|多久|多重|多宽|多深")


def item_of_group(question: str, quote: str) -> bool:
    """Whether ``quote`` states the amount a question asks of one item only as the total of
    the items it lists with it ("丙城至丁镇…单独有多长" of "…、丙城至丁镇、戊城至己镇等5个
    项目631公里"), and the question does not ask the total."""
    if _TOGETHER.search(question) or not (
        _ASKS_AMOUNT.search(question) or _ASKS_MEASURE.search(question)
    ):
        return False
    flat_q = re.sub(r"\s+", "", question)
    flat = re.sub(r"\s+", "", quote)
    grouped = False
    for m in _GROUP_FIGURE.finditer(flat):
        items = [i for i in _ITEM_SPLIT.split(m.group("items")) if len(i) >= 3]
        if not any(i[-6:] in flat_q for i in items):
            continue
        grouped = True
        # The item's own figure elsewhere in the quote ("丙城至丁镇120公里") answers it.
        rest = flat[: m.start()] + flat[m.end() :]
        if any(
            re.search(re.escape(i[-6:]) + r"[^，,。；;、]{0,8}\d", rest)
            for i in items
            if i[-6:] in flat_q
        ):
            return False
    return grouped


# A count asked with its measure word ("多少名专家", "有几处"), and the measure words that count
# the same things ("3人", "24处"); "个" counts anything and is not checked. (``_MEASURE_ASKED``
# below picks which quote holds a count's value; this one asks whether any quote does, so it
# also takes persons, 名/位, and leaves out "哪几条", which asks members.)
_COUNT_MEASURE = re.compile(r"(?:(?<![哪第这那近的])几|多少)(?P<m>[处名座家所支辆台位项条])")
_SAME_MEASURE = {
    "名": "名人位",
    "位": "位名人",
    "处": "处个",
    "座": "座个",
    "家": "家个",
    "所": "所个",
    "支": "支个",
    "辆": "辆台",
    "台": "台辆",
    "项": "项个条",
    "条": "条个",
}


def measure_unsaid(question: str, quotes: Sequence[str]) -> str:
    """The count asked ("人数", "处数") when a question asks a count in a measure word and no
    quote states a figure in it (or in one counting the same things); "" otherwise."""
    m = _COUNT_MEASURE.search(_WHICH_LEVEL.sub(" ", question))
    if m is None:
        return ""
    said = rf"(?:\d+|[{CN_NUMERALS}百千万]+)\s*[{_SAME_MEASURE[m.group('m')]}]"
    if any(re.search(said, re.sub(r"\s+", "", q)) for q in quotes):
        return ""
    return "人数" if m.group("m") in "名位" else "数量"


# A figure asked place by place ("各县分别多少亩", "每个区", "分县"), and a place named with a
# figure after it ("泽州县300公里", "甲城市 62 36").
_PER_PLACE = re.compile(
    r"(?:各(?:个)?(?:县|市|区|乡镇|镇|地|县区|区县|县市区|旗县)|每个(?:县|市|区|乡镇)|分(?:县|区县|市县))"
    # ... not a table's name ("分县任务表", "各市（州）农村环境整治任务表"): one place's row of it
    # is asked.
    r"(?![^，,。？?]{0,14}(?:表|清单))"
)
_PLACE_WITH_FIGURE = re.compile(
    r"(?<![各全本该每])([\u4e00-\u9fff]{1,5}(?:县|市|区|旗|镇|乡))(?=[^，,。；;、\d]{0,6}\d)"
)


# Named places asked for ("试点选的是哪几个县", "哪些乡镇", "哪个县级市"): the answer names some.
# A bare ending must end the word ("哪些市场" asks no place). "哪个县" is left out: one place is
# often named without its ending ("放在临河").
_WHICH_PLACES = re.compile(
    r"哪(?:几|些)个?(?:县|市|区|乡镇|镇|乡|村|县区|区县|县市区)(?![\u4e00-\u9fff])"
    r"|哪一?个?(?:县级|地级)市"
)
# "X占多少" of a whole the question gives ("278亿投资里，高速公路占多少"): the part X.
_PART_ASKED = re.compile(
    r"(?:^|[，,、的里中])(?P<part>[\u4e00-\u9fff]{2,10}?)(?:要|能|将)?(?:占|分)(?:了|到|得)?"
    r"(?:多少|几成|百分之几|比例|比重|多大)"
)


# Which documents something follows ("依据哪几个规划制定的", "根据的是哪些文件"): titles.
_WHICH_DOCUMENTS = re.compile(
    rf"(?:依据|根据|按照|参照)[的是了]{{0,2}}哪(?:几|些|[{CN_NUMERALS}\d]+)个?"
    r"(?:规划|文件|政策|法规|办法|方案|条例|纲要|通知)"
)


def documents_unnamed(question: str, texts: Sequence[str], citations: Sequence[Citation]) -> bool:
    """Whether a question asks which documents a text follows ("依据哪几个规划制定的") and no
    answer text names one by its title (the cited documents' own titles aside): the plan's own
    outline names none."""
    if _WHICH_DOCUMENTS.search(question) is None:
        return False
    own = {c.doc_title for c in citations}
    return not any(t not in own for text in texts for t in re.findall(r"《([^《》]+)》", text))


# Places listed with their count and kind ("甲山、乙河、丙城3市"), whatever their names' endings.
_PLACES_COUNTED = re.compile(
    rf"(?:[\u4e00-\u9fff]{{2,6}}、)+[\u4e00-\u9fff]{{2,6}}等?\s*(?:\d+|[{CN_NUMERALS}]+)\s*个?"
    r"(?:市|县|区|乡镇|镇|乡|村)"
)


# What a document applies to, asked ("《…预案》适用于哪些工程", "这个办法的适用范围"); not what a
# measure of it applies to ("“打捆”审批适用于哪些项目": the measure's own sentence says it).
_ASKS_SCOPE = re.compile(
    r"(?:预案|办法|规定|方案|条例|规划|细则|文件)》?(?:的|里)?(?:适用范围|适用于|适用哪些|适用什么)"
)


def scope_unsaid(question: str, texts: Sequence[str]) -> bool:
    """Whether a question asks what a document applies to and no answer text states what it
    applies to ("本预案适用于…"): its grades of accident ("事故分为…") are not its scope."""
    return _ASKS_SCOPE.search(question) is not None and not any("适用" in t for t in texts)


def places_unnamed(question: str, quotes: Sequence[str]) -> bool:
    """Whether a question asks which places ("扩大试点选的是哪几个县") and no cited text names
    one: "选择基础条件好的县(市、区)开展试点" says how they are chosen, not which."""
    if not _WHICH_PLACES.search(question):
        return False
    return not any(_named_places(q, None) or _PLACES_COUNTED.search(q) for q in quotes)


def part_unsaid(question: str, quotes: Sequence[str]) -> str:
    """The part a question asks the share or amount of ("高速公路占多少") when no cited text
    says it: the whole's figure ("完成交通建设投资278亿元") is not the part's."""
    asked = _PART_ASKED.search(question)
    if asked is None:
        return ""
    things = nouns(asked.group("part"))
    if not things:
        return ""
    part = things[-1]
    return "" if any(part in re.sub(r"\s+", "", q) for q in quotes) else asked.group("part")


# What may stand right before a thing named bare: nothing, a break, 的, or a scope ("全省",
# "云岭省", "2023年").
_BEFORE_BARE = re.compile(r"(?:^|[，,、。？?：:的之年]|[全本我各][省市县区国]|[省市县区州旗])$")


# ... and right after it, the quantity asked of it ("公路总里程"): "公共交通机动化分担率" asks
# the share of a mode, of which "城市公共交通" is no kind.
_MEASURED_AFTER = re.compile(r"^(?:总|的)?(?:里程|长度|面积|规模|数量|总量|投资|资金|产值|人数)")


def _bare_in(noun: str, question: str) -> bool:
    at = question.find(noun)
    return (
        at >= 0
        and _BEFORE_BARE.search(question[:at]) is not None
        and _MEASURED_AFTER.match(question[at + len(noun) :]) is not None
    )


def narrower_thing(question: str, quotes: Sequence[str]) -> tuple[str, str] | None:
    """(asked, stated) when a question asks an amount of a thing ("全省公路总里程") and the
    clauses of the cited text that state figures say it only as a kind of that thing the
    question does not name ("高速公路通车总里程达到4643公里"): the kind's figure is not the
    whole thing's. The kind adds a word of its own before the thing (not "总里程" for "里程")."""
    if not _ASKS_AMOUNT.search(question):
        return None
    # Only a thing the question names bare, with its quantity ("全省公路总里程"): "现成厂房"
    # may be the text's "标准厂房" in other words.
    asked = [n for n in nouns(question) if len(n) >= 2 and _bare_in(n, question)]
    itself: set[str] = set()
    kinds: dict[str, str] = {}
    for quote in quotes:
        for clause in _CLAUSE_BREAK.split(re.sub(r"\s+", "", quote)):
            if not _has_value(clause):
                continue
            said = nouns(clause)
            for n in asked:
                if n in said:
                    itself.add(n)
                for k in said:
                    if k.endswith(n) and k != n:
                        if len(k) - len(n) < 2 or k in question:
                            itself.add(n)  # "总里程" for "里程"; a kind the question names
                        else:
                            kinds.setdefault(n, k)
    return next(((n, k) for n, k in kinds.items() if n not in itself), None)


def per_place_unsaid(question: str, quotes: Sequence[str]) -> bool:
    """Whether a question asks an amount place by place and no cited text gives figures for
    two or more named places."""
    if not _PER_PLACE.search(question) or not _ASKS_AMOUNT.search(question):
        return False
    places = {m.group(1) for q in quotes for m in _PLACE_WITH_FIGURE.finditer(q)}
    return len(places) < 2


def count_unsaid(question: str, quotes: Sequence[str]) -> str:
    """What a question asks by a count of items ("是哪八个方面") when no cited text says that
    count ("八个方面", "8个") nor enumerates that many items in one sentence; "" otherwise."""
    asked = COUNT_ASKED.search(question)
    if asked is None:
        return ""
    said = asked.group("n")
    n = int(said) if said.isdigit() else chinese_numeral(said)
    if n is None:
        return ""
    numeral = rf"(?<![{CN_NUMERALS}]){re.escape(said)}(?![{CN_NUMERALS}])|(?<!\d){int(n)}(?!\d)"
    for quote in quotes:
        flat = re.sub(r"\s+", "", quote)
        if re.search(numeral, flat):
            return ""
        # Titles are listed side by side ("依据《甲规划》《乙规划》"): each is an item.
        flat = flat.replace("》《", "》、《")
        if any(len(_ITEM_SEPARATORS.split(flat[a:b])) >= n for a, b in split_sentences(flat)):
            return ""
    noun = re.match(r"[\u4e00-\u9fff]{0,2}", question[asked.end() :])
    return "是" + asked.group(0) + (noun.group(0) if noun and asked.group(0)[-1] == "个" else "")


# Figures asked whatever the answer type ("哪些量化要求", "有什么定量指标").
_ASKS_FIGURES = re.compile(r"量化|定量|具体数字|具体数值")
# A time of day asked ("几点到几点", "几点前") and said ("7:00", "8时", "早高峰").
_ASKS_CLOCK = re.compile(r"几点")
_CLOCK_SAID = re.compile(
    r"\d{1,2}\s*[:：]\s*\d{2}|\d{1,2}\s*[时点](?![\d多])|[早晚]高峰|全天|24小时"
)
# A grade asked ("什么等级的机场", "哪个级别") and said ("4C级", "一级", "国家级", "Ⅱ级", "较大").
_ASKS_GRADE = re.compile(r"(?:什么|哪个|哪一)(?:等级|级别)")
_GRADE_SAID = re.compile(
    r"(?:国家|[\dA-Za-zⅠ-Ⅻ一二三四五六七八九十甲乙丙丁特高低省市县区乡镇部])+级|[一二三四特]等"
)
# A body's name in a clause: what a clause offered as the body asked must hold.
_ORG = re.compile(
    r"局|委|办|政府|部门|单位|中心|公司|支队|大队|指挥部|市长|领导|小组|协会|银行|机构"
)
# A body named anywhere in a cited text, more loosely: also an office (厅, 处, 科, 室), a team,
# a post that leads ("副总指挥", "组长", "局长"), the locality in charge ("属地", "乡镇").
_ORG_SAID = re.compile(
    _ORG.pattern
    + r"|厅|队|指挥|组长|院|所|科|室|处(?![置理罚分])|党委|[县区省局厅处科部]长|主任|书记"
    r"|负责人|企业|属地|各地|乡镇|街道"
)


def names_no_body(sub: SubQuestion, text: str) -> bool:
    """Whether a body is asked ("哪个局牵头") and ``text`` names none (a document's title in 《》
    or a table's name in “” names no body in charge: "…成员单位任务清单")."""
    said = re.sub(r"《[^》]*》|“[^”]*”", " ", text)
    return sub.answer_type == "organisation" and not _ORG_SAID.search(said)


# A plan period a sentence dates itself in; not one it is compared with ("较“十三五”期").
_OTHER_PERIOD = re.compile(rf"(?<![较比与于])(?<![较比与于]“){PLAN_PERIOD}")


def _in_period(x: Citation, periods: Sequence[str], meta: DocumentMeta | None) -> bool:
    """Whether a cited sentence may be of a plan period asked ("十五五"): it names the period,
    or dates itself in a year of it (and in no other period), or is undated in a document not
    wholly before it (a plan's sentence is of its own period, or recounts the one before; a
    2023-2025 plan's undated sentence says nothing of 十五五)."""
    if any(p in f"{x.section} {x.quote}" for p in periods):
        return True
    if _OTHER_PERIOD.search(x.quote):
        # The sentence dates itself in another period ("截至“十四五”末，…占25%" in a
        # 十五五 plan): what it states is of that period, not of its document's. (One it is
        # compared with, "较“十三五”期增长25%", dates nothing.)
        return False
    asked = covered_years("", periods)
    years = {int(y) for y in YEAR_RE.findall(x.quote)}
    if years:
        return bool(years & asked)
    own = covered_years(meta.period) if meta is not None else set()
    return not own or not asked or max(own) >= min(asked)


def period_unsaid(
    sub: SubQuestion,
    citations: Sequence[Citation],
    metas: Mapping[str, DocumentMeta] | None = None,
) -> bool:
    """Whether a plan period is asked (and no year) and no cited sentence may be of it."""
    c = sub.constraints
    return (
        bool(c.periods)
        and not c.years
        and not any(_in_period(x, c.periods, (metas or {}).get(x.doc_id)) for x in citations)
    )


def levels_unsaid(levels: Sequence[str], citations: Sequence[Citation]) -> bool:
    """Whether levels are asked ("一般事故") and no cited text or its section names one."""
    return bool(levels) and not any(
        mentions_level(level, x.quote + " " + x.section) for x in citations for level in levels
    )


def check(
    sub: SubQuestion,
    citations: Sequence[Citation],
    metas: Mapping[str, DocumentMeta],
    weigh: Callable[[str], Mapping[str, float]],
    min_focus: float,
    dense: float = 0.0,
    dense_floor: float = 1.0,
) -> Gap | None:
    """The first hard constraint ``citations`` break, or None when the draft qualifies. The
    focus counts as missing only when neither the words (``min_focus``) nor the dense
    similarity (``dense_floor``) say the text is about it: officials paraphrase."""
    if not citations:
        return Gap("weak")
    c = sub.constraints
    contexts = [_context(x, metas) for x in citations]
    quotes = [x.quote for x in citations]
    if c.years:
        ok = False
        for x, ctx in zip(citations, contexts, strict=True):
            meta = metas.get(x.doc_id)
            # A sentence that dates itself ("2025年，全省普及率达到93.2%" in a 2026 work notice).
            dated = YEAR_RE.search(x.quote) is not None
            # "2025年，全省…达到93.2%。分区域看，关中地区…": a sentence goes on with the year its
            # paragraph opened with, not the year its document is about.
            lead = set() if dated else _paragraph_years(x)
            dated = dated or bool(lead)
            if dated or (c.stance != "current" and stance_of(x.quote, x.section) == "current"):
                # A plan's title period ("十五五") dates its targets, not the achievements its
                # 发展基础 recounts: those are dated only by their own words; so is a dated one.
                ctx = f"{x.section} {x.quote}"
            periods = PLAN_PERIOD_RE.findall(ctx)
            said = (
                lead
                | {int(y) for y in YEAR_RE.findall(ctx)}
                | (
                    covered_years("", periods)
                    if dated or c.stance == "current"
                    # An undated target of a "十五五" plan is the plan's, reached by its last
                    # year (2030): it says nothing of 2027.
                    else {max(covered_years("", [p])) for p in periods}
                )
            )
            # A document about one year (a 2023 work plan) states that year's values without
            # repeating the year in each sentence.
            # ... unless the sentence dates itself.
            own = covered_years(meta.period) if meta and not dated else set()
            if any(y in said for y in c.years) or (
                len(own) == 1 and any(y in own for y in c.years)
            ):
                ok = True
                break
        if not ok:
            return Gap("year", "、".join(f"{y}年" for y in c.years))
    if period_unsaid(sub, citations, metas):
        # "十五五期间农村公路新改建多少公里" is not answered by "2023年新改建…416公里".
        return Gap("year", "、".join(f"“{p}”期间" for p in c.periods))
    if levels_unsaid(c.levels, citations):
        # Named as asked, with the noun it qualifies ("一般事故", not "一般").
        named = [
            m.group(0)
            for level in c.levels
            if (m := re.search(re.escape(level) + r"(?:事故|响应|预警)?", sub.text))
        ]
        return Gap("level", "、".join(named or c.levels))
    if sub.answer_type in ("number", "duration") and not any(
        _states_amount(q, sub.text) and _in_unit(c.unit, q) for q in quotes
    ):
        return value_gap(sub)
    if _ASKS_FIGURES.search(sub.text) and not any(_has_value(q) for q in quotes):
        # "提了哪些量化要求" is not answered by a sentence that states no figure at all.
        return Gap("value", "数值")
    if all(lacks_amount(sub.text, q) for q in quotes):
        # "一般事故是指死亡几人以下" (a definition asked by its figure) is not answered by
        # "①发生一般事故" either.
        return Gap("value", "数值")
    if (
        c.unit
        and _ASKS_AMOUNT.search(_WHICH_LEVEL.sub(" ", sub.text))
        and not any(_states_amount(q, sub.text) and _in_unit(c.unit, q) for q in quotes)
    ):
        # ... nor, whatever the answer type, by figures in another unit ("死亡几人到几人" by
        # "每日至少续报1次").
        return value_gap(sub)
    if amount_of_another(sub, citations, metas, weigh) is not None:
        # "乡镇和村庄的防洪标准是多少年一遇": "中心城区…50-100年一遇" states a figure, but of
        # another place; the sentence about 乡镇及村庄 states none.
        return Gap("value", "数值")
    if _ASKS_GRADE.search(sub.text) and not any(
        _GRADE_SAID.search(x.quote) or LEVEL_RE.search(x.quote) for x in citations
    ):
        # "机场定的是什么等级" is not answered by sentences that name the airport and no grade.
        return Gap("value", "等级")
    if sub.answer_type == "year" and not any(
        YEAR_RE.search(f"{x.section} {x.quote}") for x in citations
    ):
        # "哪一年发布" is not answered by a text that states no year (the body in charge).
        return Gap("value", "年份")
    if sub.answer_type == "organisation" and not any(
        _ORG_SAID.search(f"{x.section} {x.quote}") for x in citations
    ):
        # "归哪个处室管" is not answered by the task sentences themselves: no body is named.
        return Gap("value", "负责单位")
    if (
        sub.answer_type == "date"
        and _ASKS_CLOCK.search(sub.text)
        and not any(_CLOCK_SAID.search(x.quote) for x in citations)
    ):
        # "每天几点到几点" is not answered by "创建期间…新建10.1公里": no time of day.
        return Gap("value", "时段")
    if sub.answer_type == "date" and not any(
        _WHEN_SAID.search(f"{x.section} {x.quote}") or _CLOCK_SAID.search(x.quote)
        for x in citations
    ):
        # "什么时候建成" is not answered by "新开工…西环": the text says no time at all.
        return Gap("value", "时间")
    if all(lacks_amount(sub.text, q) or item_of_group(sub.text, q) for q in quotes):
        # "丙城至丁镇这条高速单独有多长" is not answered by "…、丙城至丁镇、…等5个项目
        # 631公里": the figure is the five projects' together.
        return Gap("value", "单项数值")
    if counted_in := measure_unsaid(sub.text, quotes):
        # "专家库里一共有多少名专家" is not answered by "…技术专家组8个应急工作组": no figure
        # counts in 名 (or 人, 位).
        return Gap("value", counted_in)
    if per_place_unsaid(sub.text, quotes):
        # "1000亩标准地，各县分别多少亩" is not answered by the city's total.
        return Gap("value", "分地区数值")
    if scope_unsaid(sub.text, [f"{x.section} {x.quote}" for x in citations]):
        return Gap("value", "适用范围")
    if documents_unnamed(sub.text, quotes, citations):
        return Gap("value", "所依据文件的名称")
    if places_unnamed(sub.text, quotes):
        # "扩大试点选的是哪几个县" is not answered by how they are chosen.
        return Gap("value", "地名")
    if sub.answer_type == "number" and (kind := narrower_thing(sub.text, quotes)):
        # "全省公路总里程" is not answered by "高速公路通车总里程达到4643公里".
        return Gap("value", f"“{kind[0]}”本身的数值（文中只有“{kind[1]}”的）")
    if part := part_unsaid(sub.text, quotes):
        # "278亿投资里，高速公路占多少" is not answered by the 278亿 itself.
        return Gap("value", f"{part}的数值")
    if asked := count_unsaid(sub.text, quotes):
        # "从哪八个方面统筹建设" is not answered by sentences naming two areas and no count.
        return Gap("value", asked)
    if term := term_unexplained(sub.text, quotes):
        # "“一网四化”具体指哪一网、哪四化" is not answered by a sentence that only names it.
        return Gap("content", term)
    if counted := counted_unlisted(sub.text, citations):
        # "27条旅游公交直通车都是哪些线路" is not answered by the sentence that counts them.
        return Gap("content", counted)
    if unsaid := quoted_unsaid(sub.text, citations, metas):
        # "环评“打捆”审批能压缩多少个工作日": a term the question quotes is what it asks about;
        # a sentence that never says it ("压减审查时间7个工作日") is about something else.
        return Gap("focus", unsaid)
    cov, missing = focus_coverage(sub, citations, metas, weigh)
    if cov < min_focus and dense < dense_floor:
        return Gap("focus", "、".join(missing[:3]))
    return None


def quoted_unsaid(
    question: str,
    citations: Sequence[Citation],
    metas: Mapping[str, DocumentMeta],
    text: str = "",
) -> str:
    """A term the question quotes (“打捆”, “五有”) that neither the answer ``text`` (a record's
    or a fact's, composed from the document) nor any cited text, heading or document title
    says, or "". A plan period (“十四五”) is a constraint of its own; a counted term ("五制")
    is also said by as many items sharing its last character ("…责任制、…监理制、…")."""
    said = [text, *(_context(x, metas) for x in citations)]
    joined = _UNQUOTED.sub("", " ".join(said))
    for m in _QUOTED_TERM.finditer(question):
        term = _UNQUOTED.sub("", m.group(1))
        if len(term) < 2 or term in joined or PLAN_PERIOD_RE.fullmatch(term):
            continue
        counted = re.fullmatch(rf"([{CN_NUMERALS}]|\d+)[\u4e00-\u9fff]*", term)
        if counted:
            n = counted.group(1)
            items = int(n) if n.isdigit() else int(chinese_numeral(n) or 0)
            if items and joined.count(term[-1]) >= items:
                continue
        return term
    return ""


# Whitespace, quotation marks and the pauses between a term's parts: “做好金融‘五篇大文章’” is
# said as 做好金融“五篇大文章”, “柔性监管企业、包容审慎” as 柔性监管企业“包容审慎”.
_UNQUOTED = re.compile(r"[\s“”‘’\"'「」『』、，,·]")


# A quoted term of counted parts whose content the question asks right after it ("“四网”是哪
# 四张网", "“一网四化”具体指什么"); not its kind ("指的是哪一类路网"), nor another thing about it
# ("“红8路”，起点和终点是哪里").
_QUOTED_TERM = re.compile(r"[“\"]([^”\"“]{1,20})[”\"]")
_COUNTED_PARTS = re.compile(rf"[{CN_NUMERALS}百\d]")
_ASKS_CONTENT_OF = re.compile(r"具体|指|是什么|是哪|分别是|包括|包含|有哪些|内容")
_QUESTION_END = re.compile(r"[？?。]")
_ASKS_KIND = re.compile(r"哪一?类|什么类型|哪种")
# What says what a term consists of: brackets or a colon right after it, or after the noun it
# qualifies ("“12333”（1个空港枢纽、…）", "“9073”养老服务格局(90%居家养老、…)"), "即/指/包括/："
# later in its sentence, or its items before it in its clause ("工作报告、会商研判…“四项机制”").
_SPELLED_OUT = re.compile(r"^[”\"]?[\u4e00-\u9fff]{0,8}[（(：:]")
_EXPLAINS = re.compile(r"即|是指|指的是|包括|包含|分别是|分别为|具体为|[：:]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_CLAUSE_START = re.compile(r"[，,。；;：:！？!?]")


def _asks_content(term: str, rest: str) -> bool:
    """Whether the question after a quoted term asks what the term consists of: in the term's
    own clause ("“一主六双”高质量发展战略具体指哪些内容"), or in a later clause that comes back
    to its parts ("…制度，三张清单具体是哪三张": 清单; "，这4个平台分别是什么")."""
    clauses = re.split(r"[，,；;]", rest)
    for i, clause in enumerate(clauses):
        if not _ASKS_CONTENT_OF.search(clause):
            continue
        if i == 0 or _COUNTED_PARTS.search(clause):
            return True
        if any(term[j : j + 2] in clause for j in range(len(term) - 1)):
            return True
    return False


def term_unexplained(question: str, quotes: Sequence[str]) -> str:
    """The quoted term the question asks the content of, when every cited sentence names it
    and none says what it consists of (a sentence that does not name it may be its content).
    Empty when the text explains it, or when it is part of a longer name the text quotes
    ("“123出行交通圈”": the items are named themselves)."""
    m = _QUOTED_TERM.search(question)
    if m is None or not quotes:
        return ""
    term = m.group(1)
    rest = _QUESTION_END.split(question[m.end() :], maxsplit=1)[0]
    if (
        not _COUNTED_PARTS.search(term)
        or PLAN_PERIOD_RE.fullmatch(term)
        or not _asks_content(term, rest)
        or _ASKS_KIND.search(rest)
    ):
        return ""
    for quote in quotes:
        flat = re.sub(r"\s+", "", quote)
        hits = list(re.finditer(re.escape(term), flat))
        if not hits:
            return ""
        for hit in hits:
            after = flat[hit.end() :]
            if after[:1] not in ("”", '"', ""):
                return ""
            sentence = _SENTENCE_END.split(after, maxsplit=1)[0]
            clause = _CLAUSE_START.split(flat[: hit.start()])[-1]
            if _SPELLED_OUT.search(after) or _EXPLAINS.search(sentence) or "、" in clause:
                return ""
    return term


# Which members of a counted set are asked: "都是哪些线路", "分别是哪几个", "哪10家",
# "另外3个是什么", "具体建在哪些位置".
_ASKS_MEMBERS = re.compile(
    rf"哪(?:些|几|[{CN_NUMERALS}\d]+)|分别是|(?:另外|其余|其他)[^，,。？?]{{0,6}}[是叫](?:什么|哪)"
)
_CLASSIFIERS = "个条家座处项所批支天"
# A count of things: "27条旅游公交直通车", "新增4个不停车查验口岸", "每月设置20天“安静期”";
# or "消防站17座".
_COUNT_OF = re.compile(
    rf"(?P<n>\d+|[{CN_NUMERALS}百]+)\s*(?P<c>[{_CLASSIFIERS}])“?(?P<x>[\u4e00-\u9fff]{{2,12}})"
    rf"|(?P<y>[\u4e00-\u9fff]{{2,8}}?)\s*\d+\s*(?P<d>[{_CLASSIFIERS}])(?![\u4e00-\u9fff“])"
)
# Days asked as members ("每月哪20天", "是哪几天"): a number of days is then a count, not a span.
_DAYS_ASKED = re.compile(rf"哪(?:几|\d+|[{CN_NUMERALS}]+)[天日]")
# Items listed: "A、B、C", "A；B", or numbered items.
_ITEMS_LISTED = re.compile(
    r"、[^、，,。；;]{1,30}、|[；;]|[（(][一二三四五六七八九十\d][)）]|^\s*\d+[.、．]"
)
# A count's own named items before it in its clause ("公路水运监理企业资质证书等4个电子证照").
_NAMED_BEFORE = re.compile(r"([^，,。；;：:]*?)等\s*$")
_LISTED_AFTER = 150  # characters after a quote in which the items it counts may follow
_ITEM_TAIL = 6  # characters of an item's end that name it


def _text_after(passage: str, end: int) -> str:
    """The text after a quote in which the items it counts may follow: the rest of its
    paragraph, and the lines after only when that paragraph ends with a colon (the items are
    the lines that follow). Another paragraph's list ("应设置儿童游戏、休闲游憩、…设施" after
    "规划24处综合公园") lists other things."""
    rest = passage[end : end + _LISTED_AFTER]
    line, newline, _ = rest.partition("\n")
    if newline and not (passage[max(0, end - 1) : end] + line).rstrip().endswith(("：", ":")):
        return line
    return rest


def members_asked(question: str) -> str:
    """The counted things a question asks the members of ("3条红色公交专线" of "…3条红色公交
    专线，另外两条是哪两条"), or ""."""
    if not _ASKS_MEMBERS.search(question):
        return ""
    m = _COUNT_OF.search(re.sub(r"\s+", "", question))
    return m.group(0) if m and m.group("x") else ""


def counted_unlisted(question: str, citations: Sequence[Citation]) -> str:
    """The count a cited sentence states of the things the question asks the members of
    ("4个不停车查验口岸"), when no cited sentence, nor the text right after it, lists them
    (beyond the ones the question itself names: "除了A，另外3个是什么"). Empty otherwise."""
    if not _ASKS_MEMBERS.search(question) or not citations:
        return ""
    flat_q = re.sub(r"\s+", "", question)
    counted = ""
    for x in citations:
        # The quote's own item number ("1. 公园绿地规划24处…") lists nothing.
        quote = re.sub(r"\s+", "", ITEM_NUMBER_RE.sub("", x.quote))
        at = x.passage.find(x.quote[:20]) if x.quote else -1
        after = _text_after(x.passage, at + len(x.quote)) if at >= 0 else ""
        if _ITEMS_LISTED.search(quote) or _ITEMS_LISTED.search(after.lstrip()[:1] + after):
            return ""
        for m in _COUNT_OF.finditer(quote):
            if (m.group("c") or m.group("d")) == "天" and not _DAYS_ASKED.search(flat_q):
                continue  # "提前3天报告" is a span of time unless the days themselves are asked
            thing = m.group("x") or m.group("y") or ""
            # The thing counted is the one asked: its last two characters at least are named.
            if len(thing) < 2 or thing[-2:] not in flat_q:
                continue
            before = _NAMED_BEFORE.search(quote[: m.start()])
            named = [n for n in re.split(r"[、和及与]", before.group(1)) if n] if before else []
            # A named item is the question's own when its end (the noun) is ("新增A等4个" for
            # "除了A，另外3个").
            if any(n[-_ITEM_TAIL:] not in flat_q for n in named):
                if 0 < len(named) < (_asked_count(flat_q) or 0) == _count_value(m):
                    # "具体是哪4个" asks all four: "A等4个电子证照" names one of them.
                    counted = counted or m.group(0)
                    continue
                return ""  # the sentence names some of them itself ("A、B等10家")
            if m.group("y"):
                # "规划设置消防站17座": the thing is what the question names of it ("消防站").
                tail = next(thing[k:] for k in range(len(thing) - 1) if thing[k:] in flat_q)
                counted = counted or tail + m.group(0)[len(thing) :]
            # Said inside the decline's own quotation marks: nested ones are single.
            counted = counted or (
                m.group(0).replace("“", "‘") + "’" if "“" in m.group(0) else m.group(0)
            )
    return counted


def asks_counted_members(question: str) -> bool:
    """Whether a question asks members by their number ("具体是哪4个", "每月的哪20天")."""
    return bool(COUNT_ASKED.search(question) or _DAYS_ASKED.search(question))


def _asked_count(question: str) -> int | None:
    """The number of members a question asks for by name ("具体是哪4个", "哪两项")."""
    m = COUNT_ASKED.search(question)
    return _whole_number(m["n"]) if m else None


def _count_value(m: re.Match[str]) -> int | None:
    """The count a `_COUNT_OF` match states."""
    return _whole_number(m.group("n") or re.sub(r"\D", "", m.group(0)))


def _whole_number(raw: str) -> int | None:
    """A count written in digits or in words ("4", "四")."""
    value = int(raw) if raw.isdigit() else chinese_numeral(raw)
    return int(value) if value is not None else None


def value_gap(sub: SubQuestion) -> Gap:
    """The value asked is missing: "没有给出具体公里数", named by the unit asked."""
    unit = sub.constraints.unit
    what = _UNIT_WHAT.get(unit) or (f"{unit}数" if _CJK_UNIT.match(unit) else "数值")
    return Gap("value", what)


def _paragraph_years(x: Citation) -> set[int]:
    """The year an earlier sentence of the quote's paragraph opened with ("2025年，…"), the
    same rule the facts are dated by (``opening_year``)."""
    at = x.passage.find(x.quote[:20]) if x.quote else -1
    if at <= 0:
        return set()
    start = x.passage.rfind("\n", 0, at) + 1
    years = [opening_year(x.passage[s:e]) for s, e in split_sentences(x.passage[start:at], start)]
    opened = [y for y in years if y is not None]
    return {opened[-1]} if opened else set()


# A place name's administrative ending: "沁水县" is named in a text saying "沁水".
_PLACE_ENDS = ("市", "县", "区", "旗", "镇", "乡")


def _named_places(text: str, known: Callable[[str], bool] | None) -> list[str]:
    """The places ``text`` names. The tagger's place names count only with an administrative
    ending: it also reads "新建" (a district's name) as a place. A place the corpus writes with
    an ending counts without one ("沁水" for "沁水县"). A one-character stem ("》中市指挥部"
    read as "中市") is not a place."""
    named = []
    for p in place_names(text):
        # "陇南市" is tagged "陇南" + "市": the ending that follows it in the text is its own.
        after = re.search(re.escape(p) + r"(?P<end>市|县|区|省|州|旗|盟)", text)
        if not ADMIN_END_RE.search(p) and after is not None:
            p += after.group("end")
        ended = ADMIN_END_RE.search(p) is not None and len(ADMIN_END_RE.sub("", p)) >= 2
        if ended or (known is not None and len(p) >= 2 and any(known(p + e) for e in _PLACE_ENDS)):
            named.append(p)
    return named


# A figure said of a whole region ("全省…达到94%以上"): not the figure of one of its parts.
_WHOLE_REGION = re.compile(r"全(?:省|市|县|区)")
_AREA = r"(?:地区|片区|区域|一带)"


def _part_asked_of_whole(
    sub: SubQuestion,
    quote: str,
    own: Sequence[str],
    known: Callable[[str], bool] | None,
) -> list[str]:
    """Places the question asks about that the value's quote does not name while it gives the
    figure for a whole region: "皖南地区的普及率" answered by "全省…普及率达到94%以上". Places
    the tagger reads without an ending count here when the corpus uses them ("皖南"): the
    quote's own "全省" already says the figure is not theirs. Such a name must be said as an
    area ("皖南地区"): the tagger reads words like "长度" as places too."""
    said = re.sub(r"\s+", "", quote)
    # Only clauses stating a figure count: "全市划定耕地保有量1949平方千米，…主要分布于
    # 东岭、青河中北部" names 青河 where it gives no figure of it.
    figures = [c for c in _CLAUSE_BREAK.split(said) if _has_value(c)]
    if not any(_WHOLE_REGION.search(c) for c in figures):
        return []
    tagged = [
        p
        for p in place_names(sub.text)
        if known is not None and known(p) and re.search(re.escape(p) + _AREA, sub.text)
    ]
    out = []
    for place in dict.fromkeys([*_named_places(sub.text, known), *tagged]):
        stem = ADMIN_END_RE.sub("", place) or place
        if any(r in place or place in r or stem in r for r in own) or any(
            stem in c for c in figures
        ):
            continue
        if re.search(re.escape(place) + r"全[省市县区]", sub.text):
            continue  # "山西全省": the whole region, asked
        out.append(place)
    return out


def _places_left_out(
    sub: SubQuestion,
    contexts: Sequence[str],
    metas: Sequence[DocumentMeta | None],
    known: Callable[[str], bool] | None = None,
) -> list[str]:
    """Places the question names that no cited text (nor its document's own region) names: a
    province's figure does not answer a question about one of its cities. ``known`` tells
    whether the corpus holds a string: a place said without its ending ("沁水") counts when
    the corpus writes it with one ("沁水县")."""
    joined = re.sub(r"\s+", "", " ".join(contexts))
    own = [m.region for m in metas if m is not None and m.region]
    out = []
    for place in dict.fromkeys([*sub.constraints.regions, *_named_places(sub.text, known)]):
        stem = ADMIN_END_RE.sub("", place) or place
        if any(r in place or place in r for r in own):
            continue
        # "山西全省" is named by a text about "全省" (the province of the document's city).
        whole = re.search(re.escape(place) + r"(全[省市县区])", sub.text)
        if stem not in joined and not (whole and whole.group(1) in joined):
            out.append(place)
    return list(dict.fromkeys(out))


_VALUED_ANSWERS = frozenset({"number", "duration", "year", "date"})
_OWNERS_JOINED = re.compile(r"和|及|与|、")


def owner_unsaid(
    question: str, contexts: Sequence[str], citations: Sequence[Citation]
) -> list[str]:
    """The holders a question asks a thing of ("乡镇和村庄的防洪标准") when the cited text says
    that thing only of another holder ("中心城区防洪标准为…", "县城防洪标准为…") and names none
    of those asked, nor do its sections and titles (the caller passes the texts that state a
    value: a quote naming 乡镇 without one is no value of it). Holders and things are runs of nouns; a
    place has its own check."""
    flat = re.sub(r"\s+", "", question)
    said = re.sub(r"\s+", "", " ".join(contexts))
    quotes = [re.sub(r"\s+", "", c.quote) for c in citations]
    tagged = noun_runs(flat)
    runs = ["".join(w for w, _ in run) for run in tagged]
    places = set(place_names(flat))
    for i, thing in enumerate(runs):
        at = flat.find("的" + thing)
        if i == 0 or len(thing) < 2 or at < 0:
            continue
        owners = [runs[i - 1]] if flat[:at].endswith(runs[i - 1]) else []
        if owners and _ASKING_BEFORE.search(flat[: at - len(runs[i - 1])]):
            continue  # "适用多大面积的项目": the size asked, no holder
        if owners and i >= 2:
            joined = flat[: at - len(runs[i - 1])]
            if _OWNERS_JOINED.fullmatch(joined[-1:]) and joined[:-1].endswith(runs[i - 2]):
                owners.insert(0, runs[i - 2])
        # A place is no holder here (the place check has it): "临河公交场站" holds as 公交场站.
        for place in (*places, *known_regions()):
            owners = [o.replace(place, "") for o in owners]
        # A holder said in other words shares some of them ("早晚高峰公交" for 早晚高峰城市
        # 公共汽电车): only one the text has no two characters of is another.
        if not owners or any(len(o) < 2 or _shares_bigram(o, said) for o in owners):
            continue
        # The thing is said, of a holder of its own the question does not name; said whole or
        # by its last word ("公交站点500米覆盖率" as "城市公共交通站点500米覆盖率").
        last = tagged[i][-1][0]
        heads = [thing, last] if len(tagged[i]) > 1 and len(last) >= 3 else [thing]
        other = [
            m.group(1)
            for q in quotes
            for head in heads
            for m in re.finditer(r"([\u4e00-\u9fff]{2})" + re.escape(head), q)
            if m.group(1) not in flat
        ]
        if other:
            return owners
    return []


_ASKING_BEFORE = re.compile(r"(?:多|几|哪|什么|怎样|多少)$")


def _shares_bigram(word: str, text: str) -> bool:
    return any(word[k : k + 2] in text for k in range(len(word) - 1))


# Heads of quantity words ("总量", "保有量", "覆盖率"): two of them are often one quantity
# said two ways, where two things with one head ("铁路", "公路") are not one thing.
_QUANTITY_HEAD = frozenset("量数率额值度比")
_SIBLING_SHARE = 0.1
# A word that is only a quantity ("比例", "总量", "比率"), not a thing measured ("臭氧浓度").
_QUANTITY_WORD = re.compile(r"[\u4e00-\u9fff]?[量数率额值度比]|比例|比重|占比")
_TIME_WORD = re.compile(r"时期|期间|阶段|年度|时候|年底|年末|期末|目前|现在")


def _sibling(term: str, quotes: Sequence[str], asked: str) -> str:
    """A word of the cited text, not said in ``asked``, naming another thing of the kind
    ``term`` names: the same head character, another modifier ("公路" for "铁路", "公交车" for
    "出租车"); given with the nouns written before it ("公共汽电车", not "汽电车")."""
    if term[-1] in _QUANTITY_HEAD:
        return ""
    for q in quotes:
        for word in nouns(q):
            if (
                len(word) >= 2
                and word[-1] == term[-1]
                and word not in term
                and term not in word
                and word not in asked
                and re.fullmatch(r"[\u4e00-\u9fff]+", word)
            ):
                return noun_phrase(q, word)
    return ""


_PLAN_WORDS = frozenset({"计划", "目标", "任务", "指标", "情况", "安排", "要求", "规划", "目标值"})


# The time or rate of a procedure, named by its verb right before ("注销时间", "办结率").
_PROCEDURE_MEASURE = r"(?:时间|时限|期限|周期|天数|[\u4e00-\u9fff]?率)"


def _names_procedure(term: str, question: str) -> bool:
    return re.search(re.escape(term) + _PROCEDURE_MEASURE, question) is not None


def _other_qualifier(term: str, asked: str, quote: str) -> str:
    """The cited value's thing, when it is the quantity ``asked`` names but qualified by a word
    the question does not say, while the question's own qualifier ``term`` is not in the text:
    "公路总里程" for "地铁运营里程", "物业管理覆盖率" for "垃圾分类覆盖率". Empty otherwise."""
    if _QUANTITY_WORD.fullmatch(term) or _TIME_WORD.search(term) or term in _PLAN_WORDS:
        # "比例" beside "进场率": two words for the quantity, not a thing qualifying it; "“十四五”
        # 时期" dates it.
        return ""
    run = phrase_tokens(asked, term)
    # "水运建设投资计划": the quantity is 投资; 计划/目标 say it is planned, not what it is.
    while len(run) > 1 and run[-1][0] in _PLAN_WORDS:
        run = run[:-1]
    # "臭氧浓度" is one word: its quantity is a proper ending of it ("浓度").
    if not run or (len(run) == 1 and len(run[0][0]) < 3):
        return ""
    head = run[-1][0]
    endings = [head[i:] for i in range(len(head) - 1) if head[i:] != term]
    for clause in _CLAUSE_BREAK.split(quote):
        if not _has_value(clause):
            continue
        for ending in endings:
            if ending not in clause:
                continue
            theirs = phrase_tokens(clause, ending)
            last = theirs[-1][0] if theirs else ""
            if not last.endswith(ending):
                break
            qualifiers = [w for w, flag in theirs[:-1] if flag not in ("ns", "nr")]
            if len(last) > len(ending):
                qualifiers.append(last[: -len(ending)])
            # A qualifier of the text's the question does not say ("交通" of "交通建设投资" for
            # "水运建设投资"), while no phrase of the question with this quantity is said whole by
            # the text's ("规划居住用地" says the "居住用地" asked of, whatever else it says).
            unsaid = [
                w for w in qualifiers if len(w) >= 2 and not any(x in asked for x in synonyms_of(w))
            ]
            # A run that is the quantity word alone ("时间" of "企业注销时间", cut off by the verb
            # 注销) names no thing of its own.
            said_whole = any(
                [w for w, _ in run] != [ending]
                and run[-1][0].endswith(ending)
                and all(w in clause for w, flag in run if flag not in ("ns", "nr"))
                for run in noun_runs(asked)
            )
            if unsaid and not said_whole:
                named = list(theirs)
                while named and named[0][1] in ("ns", "nr"):
                    named.pop(0)  # "临州市" names where, not what
                return "".join(w for w, _ in named)
            break
    return ""


# A person's name asked of a post ("指挥长叫什么名字"), and a text that names a person.
_PERSON_NAME_ASKED = re.compile(
    # The planner joins a dependent clause to its topic with a comma ("指挥长，叫什么名字").
    # ... or says whom it means in brackets ("组长（市长）叫什么名字").
    r"(?:长|主任|书记|负责人|联系人|组长|成员|指挥|专员)(?:[（(][^）)]{1,8}[）)])?[，,\s]?(?:的)?"
    r"(?:叫什么|叫啥|(?:的)?姓名|(?:的)?名字)"
    # "现在是哪位副市长": which person, not which post.
    r"|哪一?位(?:领导|同志|负责人|[\u4e00-\u9fff]{0,3}(?:长|主任|书记))"
)
# "张三同志" names a person; "负责同志" (whoever holds the post) does not.
_NAMES_PERSON = re.compile(
    r"(?<!负责)(?<!有关)(?<!相关)(?<!主要)同志|联系人[:：]\s*[\u4e00-\u9fff]{2,4}|姓名"
)


def _in_text_order(text: str, citations: Sequence[Citation]) -> list[Citation]:
    """``citations`` in the order ``text`` first cites them (uncited ones last)."""
    order = {int(n): i for i, n in reversed(list(enumerate(MARKER.findall(text))))}
    return sorted(citations, key=lambda c: order.get(c.n, len(order)))


def first_cited(text: str, citations: Sequence[Citation]) -> Citation:
    """The citation ``text`` cites first (the one its value was taken from), else the first."""
    first = MARKER.search(text)
    return next((c for c in citations if first and first.group(0) == f"[{c.n}]"), citations[0])


def person_unnamed(sub: SubQuestion, citations: Sequence[Citation]) -> Gap | None:
    """ "指挥长叫什么名字" asked of text that names the post that holds it, not the person."""
    if _PERSON_NAME_ASKED.search(sub.text) and not any(
        _NAMES_PERSON.search(x.quote) for x in citations
    ):
        return Gap("value", "人员姓名")
    return None


# A year a sentence measures from, not one it dates its figure to ("较2020年增长", "比2022年").
_BASE_YEAR = re.compile(r"(?:较|比|自|从|与|同)\s*$")
_YEAR_SPAN = re.compile(rf"({YEAR})\s*年?\s*[-—–－~～至到]+\s*({YEAR})")
# A year written with 年 or, in a list of years, without ("2023年…416公里，2024新改建")…
_YEAR_SAID = re.compile(rf"(?<![\d.])({YEAR})(?![\d.%])(?!\s*[^\s年\u4e00-\u9fff])")
# … but not a four-digit amount in a unit ("2030平方千米", "2024个站点").
_AMOUNT_UNIT = re.compile(
    r"\s*(?:万|亿|千|百|个|公里|米|吨|元|人|辆|座|处|条|项|台|家|平方|亩|公顷|立方|标台|次|户|所|张|套"
    r"|件|块|根|只|头|名)"
)


def _years_dated(quote: str) -> set[int]:
    """The years a quote dates its statements to: each year it names (a span "2023—2025年" as
    every year of it), but not a year it only measures from."""
    out: set[int] = set()
    for m in _YEAR_SPAN.finditer(quote):
        out |= set(range(int(m.group(1)), int(m.group(2)) + 1))
    for m in _YEAR_SAID.finditer(quote):
        if _AMOUNT_UNIT.match(quote, m.end()):
            continue
        if not _BASE_YEAR.search(quote[max(0, m.start() - 2) : m.start()]):
            out.add(int(m.group(1)))
    return out


def contrast(
    sub: SubQuestion,
    citations: Sequence[Citation],
    metas: Mapping[str, DocumentMeta],
    weigh: Callable[[str], Mapping[str, float]],
    text: str = "",
    known: Callable[[str], bool] | None = None,
) -> Gap | None:
    """Whether the cited text is about a neighbour of what is asked rather than it: a place
    the question names that the text does not (the province for one of its cities), or a
    focus word the text lacks while it names a sibling of it (公路 for 铁路). Checked on every
    answer, from whichever source, because a neighbouring figure reads as an answer."""
    if not citations:
        return None
    if (person := person_unnamed(sub, citations)) is not None:
        return person
    contexts = [_context(x, metas) for x in citations]
    # A place with documents of its own is a peer, not a part: the region check scopes it.
    peers = {m.region for m in metas.values() if m.region}
    left_out = [
        p
        for p in _places_left_out(sub, contexts, [metas.get(x.doc_id) for x in citations], known)
        if not any(r in p or p in r for r in peers)
    ]
    if left_out:
        return Gap("scope", "、".join(left_out))
    valued = [(c, x) for c, x in zip(contexts, citations, strict=True) if _has_value(x.quote)]
    if sub.answer_type in _VALUED_ANSWERS and (
        owners := owner_unsaid(sub.text, [c for c, _ in valued], [x for _, x in valued])
    ):
        # "乡镇的防洪标准" answered by "中心城区防洪标准为50-100年一遇": another holder's value.
        return Gap("scope", "、".join(owners))
    if head := _quantity_unsaid(sub.text, contexts, sub.answer_type == "number"):
        # "公共交通机动化分担率的目标" answered by "新能源比例达到100%": the quantity's own
        # name ("分担率") is nowhere in the cited text, so the figure is another quantity's.
        return Gap("value", f"“{head}”的数值")
    if sub.answer_type not in ("number", "duration", "year", "date"):
        return None
    if sub.answer_type == "number" and not any(
        _states_amount(x.quote, sub.text) for x in citations
    ):
        # "52.8亿元投资里，社会资本要出多少" answered by the 52.8亿元 sentence: the only figure
        # cited is the one the question gives.
        return value_gap(sub)
    # The value is the citation the answer cites first: a supporting quote naming the thing
    # asked (the railway sentence after a road figure) does not make the figure the railway's.
    cited = first_cited(text, citations)
    dated = _years_dated(cited.quote) if sub.constraints.years else set()
    # A table row's answer is stated under the year column asked ("…的2023年为…12个"): the
    # row's other cells may date themselves ("至2025年…设置率为5%") without dating it.
    stated_for = any(f"{y}年为" in re.sub(r"\s+", "", text) for y in sub.constraints.years)
    if dated and not dated & set(sub.constraints.years) and not stated_for:
        # "到2030年…人口" answered by "到2035年，市域常住人口规模控制在215万人左右": the
        # value's own sentence dates it to another year (a later quote's 2030 is not its).
        return Gap("year", "、".join(f"{y}年" for y in sub.constraints.years))
    meta = metas.get(cited.doc_id)
    own_year = covered_years(meta.period) if meta and sub.constraints.years else set()
    if (
        len(own_year) == 1
        and not own_year & set(sub.constraints.years)
        and not _years_dated(cited.quote)
        and not _paragraph_years(cited)
        and not stated_for
    ):
        # "到2030年…多少公里" answered by a one-year work plan's undated sentence: its values are
        # that year's (a later quote from a five-year plan dating 2030 is not the value's).
        return Gap("year", "、".join(f"{y}年" for y in sub.constraints.years))
    own = [m.region for m in metas.values() if m.region]
    if parts := [
        p
        for p in _part_asked_of_whole(sub, cited.quote, own, known)
        if not any(r in p or p in r for r in peers)
    ]:
        return Gap("scope", "、".join(parts))
    counted = _COUNTED.search(sub.text)
    unit = sub.constraints.unit or (counted.group("measure") if counted else "")
    asked_measure = _MEASURE_ASKED.search(sub.text)
    value_unit = unit or (asked_measure.group("measure") if asked_measure else "")
    if value_unit and not _in_unit(value_unit, cited.quote):
        # The value asked in its unit ("几座") is in a later quote: that quote is the value's,
        # the first one only leads up to it ("按照责任区面积…设置消防站。规划设置17座…").
        cited = next(
            (c for c in _in_text_order(text, citations) if _in_unit(value_unit, c.quote)), cited
        )
    # A lighter word counts here than for coverage: a sibling named in the text is evidence
    # of its own ("巡游出租车…的现状" weighs 出租车 among many words; 公共汽电车 is another 车).
    _, missing = focus_coverage(sub, [cited], metas, weigh, _SIBLING_SHARE)
    asked = set(nouns(sub.text))
    quotes = [cited.quote]
    said = re.sub(r"\s+", "", cited.quote)
    for term in missing:
        # Another word of the question of the same kind is in the text ("出租车" beside the
        # missing "电动车"): the missing word is a paraphrase of it, not another thing.
        kin = any(w != term and w[-1] == term[-1] and w in said for w in asked)
        noun = term in asked
        if (
            # A noun asked, or the verb naming which procedure's time or rate is asked ("注销"
            # of "企业注销时间"; not a verb and its object, "改建农村公路"). A verb's sibling
            # ("通报" for "上报") is no other thing: only the quantity's other qualifier counts.
            (noun or _names_procedure(term, sub.text))
            and not kin
            and (
                (noun and (other := _sibling(term, quotes, sub.text)))
                or (other := _other_qualifier(term, sub.text, cited.quote))
            )
        ):
            # A verb of the phrase asked is named with its phrase ("企业注销时间").
            shown = term if noun else "".join(w for w, _ in phrase_tokens(sub.text, term))
            return Gap("sibling", f"{shown}|{other}")
    if _ASKS_PHONE.search(sub.text) and not any(_PHONE.search(x.quote) for x in citations):
        # "值班电话是多少": "24小时有人值守" is no telephone number.
        return Gap("value", "电话号码")
    persons = _PERSONS_COUNTED.search(sub.text)
    if (
        persons
        and persons.start("what") in word_starts(sub.text)
        and not any(
            s in re.sub(r"\s+", "", x.quote)
            for x in citations
            for s in synonyms_of(persons["what"])
        )
    ):
        # "死亡多少人" answered by "造成10人以上涉险、被困": persons counted, but not the dead.
        return Gap("value", f"{persons['what']}人数")
    # Only a quantity in a unit of measure (公里, 亿元, 个): a level (几级) or a bare figure is
    # no length or count of the thing to attribute. A count's measure word ("多少家") is too
    # loose to reject another unit's figure, but it tells which figure is the count: "新认定10家
    # …平台" is no count of the 企业 asked.
    unstated = (
        _unattributed(sub, cited.quote, weigh, unit) if unit and unit not in _NO_ATTRIBUTION else ""
    )
    if unstated:
        return Gap("value", f"“{unstated}”的数值")
    if counted is not None:
        # "多少座加氢站": the thing counted, which the tagger may split ("加氢", "站").
        thing = counted.group("thing")
        said = re.sub(r"\s+", "", cited.quote)
        # A two-character thing ("路口") is often short for a longer name ("交叉口").
        if (
            len(thing) >= 3
            and thing not in said
            and (other := _same_head(thing, said))
            and other not in sub.text
        ):
            return Gap("sibling", f"{thing}|{other}")
        measure = counted.group("measure")
        units = {m.unit for m in mentions(YEAR_RE.sub(" ", text or cited.quote)) if m.unit}
        if measure != "个" and thing not in said and units and not any(measure in u for u in units):
            # "几座加氢站" answered in 个 by a row that never names 加氢站 (its 充电桩): the
            # figures count something else.
            return Gap("value", f"{thing}的数量")
        if thing not in said and (other := _counts_other(thing, measure, said)):
            # "多少个充电桩" answered by "在12个服务区增设快充设施": the only count in the
            # measure asked counts another thing, named by no character of the one asked.
            return Gap("sibling", f"{thing}|{other}")
    return None


# Names of measured quantities a text states by name, not in other words ("比例" and "总量"
# are often said as a share or a count): a rate ("分担率", "普及率") and these heads. A
# population and an investment are named too ("规划人口", "总投资"; 资金 is a synonym of 投资).
_NAMED_QUANTITY = re.compile(r"[\u4e00-\u9fff]{2}率$|保有量$|里程$|浓度$|人数$|人口$|投资$")
_SPEED_OR_AGE = frozenset("速龄")


def _quantity_unsaid(question: str, contexts: Sequence[str], asks_value: bool) -> str:
    """The name of a measured quantity the question asks the value or target of ("分担率…是
    多少", "车龄有什么目标") that no cited text (with its section and title) says."""
    said = re.sub(r"\s+", "", "".join(contexts))
    named = [m.group(0) for w in tokenize(question) if (m := _NAMED_QUANTITY.search(w))]
    # A speed or an age named as a noun ("时速", "车龄"; not the adverb "高速" or the verb "提速").
    named += [w for w in nouns(question) if len(w) == 2 and w[-1] in _SPEED_OR_AGE]
    for name in named:
        asked = (
            asks_value
            or re.search(re.escape(name) + r"[^，,。？?]{0,4}(?:目标|指标)", question)
            # The quantity is what the question asks how the text puts ("总投资和设计时速，
            # 规划里是怎么写的"): a text that never names it does not say it.
            or re.search(re.escape(name) + r"[^。？?]{0,16}?" + _ASKS_HOW_SAID, question)
        )
        if asked and not any(x in said for x in (name, *synonyms_of(name))):
            # A count of persons is said by its figures ("1人以上、3人以下" for 死亡人数).
            if name[-2:] in _COUNTED_IN_PERSONS and any(
                m.unit == "人" for m in mentions(YEAR_RE.sub(" ", said), strict=True)
            ):
                continue
            return name
    return ""


_COUNTED_IN_PERSONS = frozenset({"人数", "人口"})
# How the text puts something, asked ("是怎么写的", "如何规定").
_ASKS_HOW_SAID = r"(?:怎么|如何)(?:写|说|讲|表述|规定|安排)"

# Persons counted by what befell or engaged them ("死亡多少人", "就业几人"): a count of other
# persons does not answer. A word of asking, quantity or staffing before the question word is
# no such thing ("需要多少人", "一共多少人", "配备多少人"), nor are two characters that do not
# start a word of the question ("护林员配了几个人": 员配).
_PERSONS_COUNTED = re.compile(
    r"(?P<what>(?!需要|要求|一共|总共|共计|大约|至少|最多|达到|能够|可以|配备|配置|安排|拥有)"
    r"[\u4e00-\u9fff]{2})"
    r"了?(?:多少|几)(?:个)?(?:人|名)(?!次|民|口|员)"
)


# A telephone number asked: the number itself ("值班电话是多少"), not how soon to call
# ("多长时间内电话报告").
_ASKS_PHONE = re.compile(r"(?:电话|号码|热线|手机)(?:号码|号)?(?:是|为)?(?:多少|几号)")
_PHONE = re.compile(r"\d{3,4}[-—－]\d{6,8}|(?<!\d)\d{5,}(?!\d)")
_CLAUSE_BREAK = re.compile(r"[，,；;。]")
# (People counted have their own check: what befell them, _PERSONS_COUNTED.)
_NO_ATTRIBUTION = frozenset({"级", "%", "率", "年", "人"})
_OWN_SUBJECT = 4  # characters a clause names beyond the question: a subject of its own
_HEAVY_SHARE = 0.5


def _unattributed(
    sub: SubQuestion, quote: str, weigh: Callable[[str], Mapping[str, float]], unit: str
) -> str:
    """The most specific thing asked, when the quote names it in a clause of its own with no
    figure, while each figure in the unit asked sits in another clause with a subject of its
    own ("…3个项目42公里，新开工滨河快速路，建成通车…2个项目18公里": the 快速路 has
    no length). Empty when the figure may be the thing's."""
    weights = weigh(sub.text)
    things = set(nouns(sub.text))
    present = [t for t in weights if t in quote and t in things]
    if not present:
        return ""
    # The thing asked is the weightiest noun said last before the question word ("…新开工的滨河
    # 快速路有多少公里": 快速路), not the verb-like word before it (新开工).
    heavy = max(weights[t] for t in present)
    top = max(
        (t for t in present if weights[t] >= _HEAVY_SHARE * heavy),
        key=lambda t: sub.text.rfind(t),
    )
    clauses = [c for c in _CLAUSE_BREAK.split(quote) if c.strip()]

    def valued(c: str) -> bool:
        return _has_value(c) and _in_unit(unit, c)

    named = [c for c in clauses if top in c]
    with_value = [c for c in clauses if valued(c)]
    if not named or not with_value or any(valued(c) for c in named):
        return ""
    # A figure's clause tied to the question by a word of its own ("20分钟到码头" after a
    # question about the airport) may well be the answer.
    pieces = {
        t
        for t in tokenize(sub.text)
        if len(t) >= 2
        and any(t in n for n in things)
        and weights.get(t, 0.0) >= _HEAVY_SHARE * heavy  # "计划" (to plan) ties nothing
    }
    if any(any(t in c for c in with_value) and not any(t in c for c in named) for t in pieces):
        return ""
    own = all(
        sum(1 for ch in c if "\u4e00" <= ch <= "\u9fff" and ch not in sub.text) >= _OWN_SUBJECT
        for c in with_value
    )
    return noun_phrase(sub.text, top, after=True) if own else ""


# The thing a count asks about: the noun after 多少/几 and its measure word.
# The measure word of a count asked, with or without the thing after it ("各片区分别几座").
_MEASURE_ASKED = re.compile(r"(?:多少|几)(?P<measure>个|座|辆|台|条|家|处|所|部|艘|架|项|支)")
_COUNTED = re.compile(
    r"(?:多少|几)(?P<measure>个|座|辆|台|条|家|处|所|部|艘|架|项|支)(?P<thing>[\u4e00-\u9fff]{2,6}?)"
    r"(?=[？?，,。呢吗]|$|要|将|是|有|的)"
)


def counted_thing_unsaid(question: str, citations: Sequence[Citation]) -> str:
    """The things a question asks the members of by their count ("新增哪几处城市广场") when
    no cited text names them: "街头体育广场等体育基础设施" lists other things."""
    m = _COUNTED.search(question)
    if m is None or len(m["thing"]) < 3 or not _ASKS_MEMBERS.search(question):
        return ""
    said = re.sub(r"\s+", "", " ".join(f"{c.section} {c.quote}" for c in citations))
    return "" if m["thing"] in said else m["thing"]


def _counts_other(thing: str, measure: str, said: str) -> str:
    """The thing ``said`` counts in ``measure`` ("12个服务区"), when every count in it names a
    thing sharing no character with ``thing``; "" when some count may be of it."""
    counted = [
        m.group(1)
        for m in re.finditer(
            rf"(?:\d+(?:\.\d+)?|[{CN_NUMERALS}]+)[万千]?{measure}([\u4e00-\u9fff]{{2,8}})", said
        )
    ]
    if not counted or any(set(thing) & set(c) for c in counted):
        return ""
    runs = noun_runs(counted[0])
    named = "".join(w for w, _ in runs[0]) if runs else ""
    return named if named and counted[0].startswith(named) else counted[0]


def _same_head(thing: str, text: str) -> str:
    """A word of ``text`` ending in ``thing``'s last character with another character before
    it ("电站" for "加氢站", "门站" for "消防站"); "" when every such word ends as ``thing``
    does ("巡游出租车" for "出租车")."""
    for m in re.finditer(re.escape(thing[-1]), text):
        before = text[m.start() - 1 : m.start()]
        if re.fullmatch(r"[\u4e00-\u9fff]", before) and before != thing[-2]:
            return before + thing[-1]
    return ""


_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+")
# Values only: an organisation or place clause is too often a neighbouring one.
_LEAD_TYPES = ("number", "duration", "year", "date")


def _fits_type(sub: SubQuestion, clause: str) -> bool:
    kind = sub.answer_type
    if kind in ("number", "duration"):
        return _has_value(clause) and _in_unit(sub.constraints.unit, clause)
    if kind in ("year", "date"):
        return bool(YEAR_RE.search(clause))
    return bool(_ORG.search(clause))


_CJK_UNIT = re.compile(r"^[\u4e00-\u9fff]+$")
_UNIT_WHAT = {
    "元": "金额",
    "长度": "长度",
    "%": "比例或比率",
    "率": "比率",
    "速度": "速度",
    "分": "分值",
}


def states_unit(sub: SubQuestion, text: str, citations: Sequence[Citation] = ()) -> bool:
    """Whether ``text`` states a value in the unit the question asks ("多少公里"), if it asks
    one: a rate in % does not answer a question about kilometres. A table's figures are in the
    unit its cited caption or header declares ("（单位：万亩）", "面积（万亩）")."""
    unit = sub.constraints.unit
    if _in_unit(unit, text):
        return True
    declared = (f"单位：{unit}", f"单位:{unit}", f"（{unit}）", f"({unit})")
    return any(d in re.sub(r"\s+", "", c.quote) for c in citations for d in declared)


# "多少年" asks a number of years ("8年", "三年"), which a calendar year ("2025年") is not.
# A score stated ("90分及以上"), not the verb 分 ("分为优秀、良好") nor a minute.
_SCORE = re.compile(r"\d\s*分(?![钟之别为成类级])")
_YEARS_COUNT = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d+)?\s*(?:个)?年|[一二两三四五六七八九十]+年")


def _in_unit(unit: str, text: str) -> bool:
    if not unit:
        return True
    if unit == "年":
        return bool(_YEARS_COUNT.search(text))
    if unit == "分":
        return bool(_SCORE.search(text))
    if unit in ("%", "％"):
        # "八成" is a share; the 成 of "成本", "完成" is none.
        return bool(_SHARE_SAID.search(text))
    if unit == "率":
        # A share, or a ratio of two units ("0.021人/亿元", "每万人", "1:1.2").
        return bool(_SHARE_SAID.search(text) or _RATIO_SAID.search(text))
    if unit == "人":
        # People counted ("3人以上", "十人"), not the 人 of 人民政府.
        return bool(_PEOPLE_SAID.search(text))
    return any(f in text for f in _UNIT_FORMS.get(unit, (unit,)))


_PEOPLE_SAID = re.compile(rf"[\d{CN_NUMERALS}百千万]\s*(?:名|个)?人(?![民])")
_RATIO_SAID = re.compile(
    r"[\u4e00-\u9fffA-Za-z]\s*/\s*[\u4e00-\u9fff\dA-Za-z]|每|\d\s*[:：比]\s*\d|倍"
)
_SHARE_SAID = re.compile(rf"%|％|‰|百分|[{CN_NUMERALS}\d]\s*成(?![本员立效果为熟交功])")


def direct_answer(
    sub: SubQuestion,
    text: str,
    citations: Sequence[Citation],
    weigh: Callable[[str], Mapping[str, float]],
) -> tuple[str, tuple[Citation, ...]]:
    """Put the short answer first: the clause of a cited sentence that states the kind of thing
    asked (a value in the unit asked, a year, an organisation) and covers the focus best, cited
    with the sentence's [n]; up to two when two sentences tie (a 现状 and a 目标), each labelled
    with its section. Only strings inside the cited text are used; the quotes follow, those the
    short answer comes from first (so [1] is never a neighbouring sentence it passed over)."""
    unchanged = (text, tuple(citations))
    if sub.answer_type not in _LEAD_TYPES or not citations:
        return unchanged
    weights = weigh(sub.focus)
    if not weights:
        return unchanged
    found: list[tuple[float, int, str, Citation]] = []
    for c in citations:
        for i, m in enumerate(_CLAUSE.finditer(c.quote)):
            clause = m.group(0).strip()
            if len(clause) < 4 or not _fits_type(sub, clause):
                continue
            found.append((coverage(weights, clause), -i, clause, c))
    if not found:
        return unchanged
    found.sort(key=lambda f: (-f[0], f[3].n, -f[1]))
    best = found[0][0]
    if best <= 0:
        return unchanged
    chosen = [f for f in found if f[0] >= best - 1e-9]
    by_citation: dict[int, tuple[str, Citation]] = {}
    for _, _, clause, c in chosen:
        by_citation.setdefault(c.n, (clause, c))
    picked = list(by_citation.values())[:2]
    if len(picked) == 1 and len(picked[0][0]) >= 0.8 * len(picked[0][1].quote):
        return unchanged  # the sentence is the short answer already
    # The sentences the short answer comes from are quoted first; the others follow, since
    # the short answer's clause choice can miss (their values stay in view).
    used = sorted({c.n for _, c in picked})
    order = used + [c.n for c in citations if c.n not in used]
    renumbered = {old: new for new, old in enumerate(order, start=1)}
    kept = tuple(sorted((replace(c, n=renumbered[c.n]) for c in citations), key=lambda c: c.n))
    leads = []
    for clause, c in picked:
        where = c.section.split(" > ")[-1].strip() if len(picked) > 1 and c.section else ""
        if where:
            # 现状 or 目标, when the sentence or its section says which (a plan states both).
            stance = STANCE_LABEL.get(stance_of(c.quote, c.section), "")
            where = f"{stance}，{where}" if stance else where
        leads.append(f"{clause}[{renumbered[c.n]}]" + (f"（{where}）" if where else ""))
    # A quote's list number ("26.") is not said: after a citation mark it reads as a figure.
    said = {c.n: ITEM_NUMBER_RE.sub("", c.quote) or c.quote for c in kept}
    support = "".join(
        (said[c.n] if said[c.n][-1:] in "。！？；;!?”）)" else said[c.n] + "。") + f"[{c.n}]"
        for c in kept
    )
    return "；".join(leads) + "。" + SUPPORT_LEAD + support, kept


def decline_text(gap: Gap, nearest: Citation | None) -> str:
    """The not_found answer for one sub-question: what is missing, then what the documents do
    say nearest to it, quoted and cited as [1]."""
    if gap.kind == "region":
        if nearest is None:
            return GAP_REGION.format(region=gap.detail)
        quote = nearest.quote.strip().rstrip("。；;，,")
        return GAP_REGION_NEAREST.format(region=gap.detail, title=nearest.doc_title, quote=quote)
    if gap.kind == "document":
        if nearest is None:
            return GAP_DOCUMENT.format(title=gap.detail)
        quote = nearest.quote.strip().rstrip("。；;，,")
        return GAP_DOCUMENT_NEAREST.format(title=gap.detail, near=nearest.doc_title, quote=quote)
    if gap.kind == "place":
        if nearest is None:
            return GAP_PLACE.format(place=gap.detail)
        quote = nearest.quote.strip().rstrip("。；;，,")
        return GAP_PLACE_NEAREST.format(place=gap.detail, title=nearest.doc_title, quote=quote)
    if nearest is None or gap.kind == "weak":
        return NOT_FOUND_TEXT
    quote = nearest.quote.strip().rstrip("。；;，,")
    title = nearest.doc_title
    if gap.kind == "year":
        return GAP_YEAR.format(title=title, quote=quote, years=gap.detail)
    if gap.kind == "level":
        return GAP_LEVEL.format(title=title, quote=quote, level=gap.detail)
    if gap.kind == "value":
        return GAP_VALUE.format(title=title, quote=quote, what=gap.detail)
    if gap.kind == "scope":
        return GAP_SCOPE_NEAREST.format(place=gap.detail, title=title, quote=quote)
    if gap.kind == "sibling":
        asked, other = gap.detail.split("|", 1)
        return GAP_SIBLING_NEAREST.format(asked=asked, other=other, title=title, quote=quote)
    if gap.kind == "content":
        return GAP_CONTENT.format(title=title, term=gap.detail, quote=quote)
    if gap.kind == "focus" and gap.detail:
        return GAP_FOCUS.format(title=title, quote=quote, missing=gap.detail)
    return NOT_FOUND_TEXT


def unconfirmed_note(missing: Sequence[str]) -> str:
    """What a side's quotes leave out of the question, said after a side labelled partial
    because its drafted sentences may not be what was asked."""
    # Years are constraints the check has already passed; only the topic words are named.
    words = [
        w
        for w in (_digitless(re.sub(rf"{YEAR_RE.pattern}年?", "", m)) for m in missing)
        if w != "该问题"
    ]
    if words:
        return NOTE_UNCONFIRMED.format(missing="”“".join(words[:3]))
    return NOTE_UNCONFIRMED_PLAIN


def renumber(text: str, citations: Sequence[Citation], offset: int) -> tuple[str, list[Citation]]:
    """Shift an answer's [n] markers and its citations' numbers by ``offset``."""
    shifted = MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", text)
    return shifted, [replace(c, n=c.n + offset) for c in citations]


def compose(
    plan: QueryPlan, parts: Sequence[SubAnswer]
) -> tuple[Status, str, tuple[Citation, ...]]:
    """One answer from the sub-answers: each side with its own citations, in the question's
    order; the missing side named. No figure is computed (a comparison states both sides)."""
    if len(parts) == 1:
        p = parts[0]
        return p.status, p.text, p.citations
    answered = [p for p in parts if p.status != "not_found"]
    if not answered:
        # Every side missing: one decline per side, each with its own nearest quote.
        texts: list[str] = []
        cites: list[Citation] = []
        for i, p in enumerate(parts):
            t, cs = renumber(p.text, p.citations, len(cites))
            texts.append(f"（{ORDINALS[i]}）{t}")
            cites.extend(cs)
        return "not_found", "".join(texts), tuple(cites)
    texts = []
    cites = []
    for i, p in enumerate(parts):
        label = f"（{ORDINALS[i]}）"
        if p.status == "not_found" and not (p.citations and p.gap and p.gap.kind != "weak"):
            where = "".join(p.sub.constraints.regions)
            texts.append(label + MISSING_PART.format(where=where, focus=_digitless(p.sub.focus)))
            continue
        # A side declined for a reason says it with its quote ("…，但没有给出具体人员姓名").
        t, cs = renumber(p.text, p.citations, len(cites))
        texts.append(label + t)
        cites.extend(cs)
    status: Status = "answered" if all(p.status == "answered" for p in parts) else "partial"
    verdict = _verdict(plan, parts) if status == "answered" else ""
    return status, "".join(texts) + verdict, tuple(cites)


def _short_value(text: str) -> Mention | None:
    """The one value a side's short answer states (the part before its quotes), if just one."""
    # A side without quotes after it ("《…》中，X2021年现状值为71%。[1]") is all short answer.
    lead = text.split(SUPPORT_LEAD, 1)[0]
    found = {(m.value, m.unit) for m in mentions(YEAR_RE.sub(" ", lead), strict=True)}
    if len(found) != 1:
        return None
    return next(m for m in mentions(YEAR_RE.sub(" ", lead), strict=True))


_NO_QUANTITY = frozenset(
    {"organisation", "place", "date", "year", "list", "definition", "overview"}
)


def _verdict(plan: QueryPlan, parts: Sequence[SubAnswer]) -> str:
    """A comparison of two sides each stating one value in the same unit: which is higher, in
    words only (no difference is computed, so no new figure appears)."""
    if not plan.compare or len(parts) != 2:
        return ""
    # A side asking who, where, when or what is listed states no quantity: a figure its quote
    # happens to carry ("1小时内报告") is no answer to compare.
    if any(p.sub.answer_type in _NO_QUANTITY for p in parts):
        return ""
    a, b = (_short_value(p.text) for p in parts)
    if a is None or b is None or not a.unit or a.unit != b.unit:
        return ""
    if a.value == b.value:
        return COMPARE_SAME
    return COMPARE_FIRST_HIGHER if a.value > b.value else COMPARE_FIRST_LOWER


def _digitless(text: str) -> str:
    # A missing part is named by its topic words: a year echoed from the question would read as
    # a figure the cited text does not contain.
    text = re.sub(r"[\d０-９]+", "", text).strip()
    # The focus without the particles around it ("的分担率是" → "分担率").
    text = re.sub(r"^(?:的|之|在|对)+|(?:的|是|为|有|达到|要|将)+$", "", text).strip()
    return text or "该问题"
