"""Every status text and label users read about an answer, in one place: the answerer, the
guard, the reply drafts, the page, the CLI and the eval report all take them from here."""

from __future__ import annotations

from typing import Final

NOT_FOUND_TEXT: Final = (
    "未在已收录文件中找到能回答该问题的内容。下方列出最接近的段落，仅供参考，请勿作为答复依据。"
)
# A question about what holds today or tomorrow (weather, tickets): documents are dated texts.
LIVE_INFO_TEXT: Final = (
    "已收录的是政策文件，不含天气、时间、票务等实时信息，无法回答这个问题；"
    "请向相关部门或平台查询。下方列出最接近的段落，仅供参考。"
)
PARTIAL_PREFIX: Final = "文件中只找到部分相关内容，请核对原文："

# Short labels (CLI brackets, the page's badge) and the page's one-line explanation of each.
STATUS_LABEL: Final[dict[str, str]] = {
    "answered": "已找到",
    "partial": "部分找到",
    "not_found": "未找到",
}
STATUS_HINT: Final[dict[str, str]] = {
    "answered": "答案出自下列文件原文。",
    "partial": "只找到了问题的一部分，或引文与所问的对应未能完全确认；回答中已注明，请核对原文。",
    "not_found": "已收录的文件中没有找到答案。",
}
# The page's badge on the optional LLM's text while it streams, before the verifier has run.
PROVISIONAL_LABEL: Final = "生成中 · 未核验"
# The eval report's wording (it also has an "error" status for questions that failed).
REPORT_STATUS_LABEL: Final[dict[str, str]] = {
    "answered": "已回答",
    "partial": "部分回答",
    "not_found": "未找到（拒答）",
    "error": "出错",
}

# The optional LLM's notices (assistant.answer.llm.generation).
NOTICE_LLM_UNAVAILABLE: Final = "（大模型服务暂时不可用（{why}），以下为文件原文摘录。）"
NOTICE_LLM_REJECTED: Final = "（大模型生成的回答未通过引用核验，以下为文件原文摘录。）"
# No digits in it: the eval's unsupported-number check reads the whole answer text.
NOTICE_LLM_REVISED: Final = "（大模型回答中有未通过引用核验的句子，已删去；以下为核验后的回答。）"

# Declines that state the gap (assistant.answer.reader). Each quotes the nearest cited text as
# [1]; the gap sentence names only what the question asked.
GAP_REGION: Final = "已收录的文件中没有关于{region}的文件，无法回答。"
# A place the question names that no document mentions at all ("某市的某县").
GAP_DOCUMENT: Final = "已收录的文件中没有{title}，无法回答。"
GAP_DOCUMENT_NEAREST: Final = (
    "已收录的文件中没有{title}，无法回答。最接近的是《{near}》中的“{quote}”[1]，"
    "但这不是{title}的内容。"
)
GAP_PLACE: Final = "已收录的文件中没有提到{place}，无法回答。"
GAP_PLACE_NEAREST: Final = (
    "已收录的文件中没有提到{place}，无法回答。最接近的是《{title}》中的“{quote}”[1]，"
    "但其中没有{place}的内容。"
)
GAP_REGION_NEAREST: Final = (
    "已收录的文件中没有关于{region}的文件，无法回答。最接近的是《{title}》中的“{quote}”[1]，"
    "但该文件不是关于{region}的。"
)
GAP_YEAR: Final = "未在已收录文件中找到{years}的相关内容。最接近的是《{title}》中的“{quote}”[1]，其中未提及{years}。"
GAP_LEVEL: Final = "未在已收录文件中找到{level}的相关内容。最接近的是《{title}》中的“{quote}”[1]，其中未提及{level}。"
GAP_VALUE: Final = "《{title}》提到了相关内容：“{quote}”[1]，但没有给出具体{what}。"
# A term the documents name ("一网四化") without saying what it consists of.
GAP_CONTENT: Final = "《{title}》只提到“{term}”：“{quote}”[1]，没有列出它的具体内容。"
# A table row that counts the things whose members were asked ("另外两条是哪两条").
GAP_COUNT_ONLY: Final = "{stated}文件只给出了数量，没有列出这些{thing}具体是哪些。"
GAP_FOCUS: Final = (
    "未在已收录文件中找到关于“{missing}”的内容。最接近的是《{title}》中的“{quote}”[1]，"
    "其中未提及“{missing}”。"
)
# A neighbour of what was asked: the text names no place the question names (a province's
# figure for one of its cities), or it names a sibling of the thing asked (公路 for 铁路).
GAP_SCOPE_NEAREST: Final = (
    "已收录的文件中没有单独给出{place}的这项内容。最接近的是《{title}》中的“{quote}”[1]，"
    "其中没有{place}的内容。"
)
GAP_SIBLING_NEAREST: Final = (
    "未在已收录文件中找到“{asked}”的这项内容。最接近的是《{title}》中的“{quote}”[1]，"
    "说的是“{other}”，不是“{asked}”。"
)
# "还有呢" after a list the records gave in full: said once more, as complete.
LIST_COMPLETE: Final = "上一回答已列出全部内容，文件中没有更多：{listed}"
# What an answer adds about the documents it cites (assistant.answer.records.notes).
NOTE_REPEALED: Final = "注意：《{old}》已被《{new}》废止[{n}]。"
NOTE_CONFLICT: Final = (
    "注意：{others}与较新的《{newer}》对这一指标的说法不同，后者为“{quote}”[{n}]。"
)
# How a short answer labels a value a plan states as where things stand or where they are to be.
STANCE_LABEL: Final[dict[str, str]] = {"current": "现状", "target": "目标"}
# Before the quotes that follow a short answer.
SUPPORT_LEAD: Final = "依据原文："
# A two-sided comparison whose sides each state one value in the same unit (no figure computed).
COMPARE_FIRST_HIGHER: Final = "比较：（一）高于（二）。"
COMPARE_FIRST_LOWER: Final = "比较：（一）低于（二）。"
COMPARE_SAME: Final = "比较：两者相同。"
# A part of a two-part question the documents do not answer (named by its topic words).
MISSING_PART: Final = "关于{where}“{focus}”，未在已收录文件中找到答案。"
# A side answered from retrieved sentences the reader is not confident of (assistant.answer.
# extractive.AnswerPolicy.confirm_from): labelled partial, with what its quotes leave out.
NOTE_UNCONFIRMED: Final = "（以上引文未直接提到“{missing}”，是否对应所问，请核对原文。）"
NOTE_UNCONFIRMED_PLAIN: Final = "（以上引文与所问的对应未能完全确认，请核对原文。）"
