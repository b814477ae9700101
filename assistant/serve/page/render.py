"""HTML/Markdown views of answers for the web page: the chat message with linked citation markers
and the sources panel with each quoted sentence highlighted in its passage.

Pure functions over the ``Answer.to_dict()`` form (what the page keeps per session), so they are
unit-tested without a browser. Every piece of document text is escaped: the documents are data,
never markup."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.answer.texts import PROVISIONAL_LABEL, STATUS_HINT, STATUS_LABEL

_MARKER = re.compile(r"\[(\d+)\]")
# Characters Markdown would interpret; document text is shown literally.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~>])")


def _md_text(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def source_anchor(turn: int, n: int) -> str:
    return f"src-{turn}-{n}"


def status_badge(status: str) -> str:
    label = STATUS_LABEL.get(status, status)
    return f'<span class="status-badge status-{html.escape(status)}">{label}</span>'


def answer_markdown(answer: Mapping[str, Any], turn: int) -> str:
    """The chat message: status badge, then the answer with each [n] linking to its source."""
    cited = {int(c["n"]) for c in answer.get("citations", [])}
    parts: list[str] = []
    pos = 0
    text = str(answer.get("answer", ""))
    for m in _MARKER.finditer(text):
        parts.append(_md_text(text[pos : m.start()]))
        n = int(m.group(1))
        if n in cited:
            parts.append(
                f'<a class="cite" href="#{source_anchor(turn, n)}" '
                f'data-target="{source_anchor(turn, n)}">[{n}]</a>'
            )
        else:
            parts.append(_md_text(m.group(0)))
        pos = m.end()
    parts.append(_md_text(text[pos:]))
    return (
        f"{status_badge(str(answer.get('status', '')))} {understood_html(answer)}{''.join(parts)}"
    )


def understood_html(answer: Mapping[str, Any]) -> str:
    """理解为: the standalone question(s) answered, when they differ from what was typed (a
    follow-up resolved against the conversation, or a question split into its parts)."""
    plan = answer.get("plan") or {}
    subs = [str(s.get("text", "")) for s in plan.get("subquestions", [])]
    resolved = str(answer.get("resolved_question", "") or "")
    question = str(answer.get("question", ""))
    if len(subs) > 1:
        shown = "；".join(f"（{i}）{t}" for i, t in enumerate(subs, start=1))
    elif resolved and resolved != question:
        shown = resolved
    else:
        return ""
    return f'<div class="understood">理解为：{html.escape(shown)}</div>'


def provisional_markdown(text: str) -> str:
    """The LLM's text while it is being generated: marked as not yet verified, its [n] markers
    plain text (the citations exist only once the verifier has checked them)."""
    badge = f'<span class="status-badge status-pending">{PROVISIONAL_LABEL}</span>'
    return f'{badge} <span class="provisional">{_md_text(text)}</span>'


def highlight(passage: str, quote: str) -> str:
    """``passage`` as HTML with ``quote`` wrapped in <mark> (escaped; unmarked if not found)."""
    start = passage.find(quote) if quote else -1
    if start < 0:
        return html.escape(passage)
    end = start + len(quote)
    return (
        f"{html.escape(passage[:start])}<mark>{html.escape(quote)}</mark>"
        f"{html.escape(passage[end:])}"
    )


def _citation_html(c: Mapping[str, Any], turn: int) -> str:
    number = f"（{html.escape(str(c['doc_number']))}）" if c.get("doc_number") else ""
    section = (
        f'<div class="src-section">{html.escape(str(c["section"]))}</div>'
        if c.get("section")
        else ""
    )
    return (
        f'<div class="source" id="{source_anchor(turn, int(c["n"]))}">'
        f'<div class="src-title"><span class="src-n">[{int(c["n"])}]</span> '
        f"《{html.escape(str(c['doc_title']))}》{number}</div>{section}"
        f'<div class="src-passage">{highlight(str(c.get("passage", "")), str(c.get("quote", "")))}'
        "</div></div>"
    )


def _nearest_html(answer: Mapping[str, Any], limit: int = 3) -> str:
    rows = []
    for p in list(answer.get("retrieved", []))[:limit]:
        section = (
            f'<div class="src-section">{html.escape(str(p["section"]))}</div>'
            if p.get("section")
            else ""
        )
        rows.append(
            f'<div class="source nearest"><div class="src-title">《{html.escape(str(p["doc_title"]))}》'
            f'</div>{section}<div class="src-passage">{html.escape(str(p["text"]))}</div></div>'
        )
    if not rows:
        return ""
    return '<div class="nearest-head">最接近的段落（仅供参考，未作为依据）：</div>' + "".join(rows)


def sources_html(turns: Sequence[Mapping[str, Any]]) -> str:
    """The sources panel for a whole conversation, newest answer first (and open)."""
    if not turns:
        return (
            '<div class="sources-empty">提问后，这里显示每条引用的文件标题、章节和原文段落，'
            "引用的句子以黄色标出。点击回答中的 [1]、[2] 可跳到对应原文。</div>"
        )
    blocks = []
    for turn in range(len(turns), 0, -1):
        answer = turns[turn - 1]
        status = str(answer.get("status", ""))
        citations = answer.get("citations", [])
        body = (
            "".join(_citation_html(c, turn) for c in citations)
            if citations
            else _nearest_html(answer)
        )
        blocks.append(
            f'<details class="turn" {"open" if turn == len(turns) else ""}>'
            f"<summary>第 {turn} 问：{html.escape(str(answer.get('question', '')))} "
            f"{status_badge(status)}</summary>"
            f'<div class="status-hint">{STATUS_HINT.get(status, "")}</div>{body}</details>'
        )
    return "".join(blocks)
