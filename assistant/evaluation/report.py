"""Write an ``EvalReport`` as report.json, report.md and a self-contained report.html.

Plots are drawn with matplotlib's Agg canvas (no pyplot, no display) and embedded as base64
PNG. Plot labels are ASCII because a CJK font may be missing; a plot that fails to render is
replaced by a short note instead of failing the run.
"""

from __future__ import annotations

import base64
import html
import io
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answer.texts import REPORT_STATUS_LABEL
from assistant.errors import AssistantError
from assistant.evaluation.types import (
    RETRIEVAL_DEPTH,
    EvalReport,
    ItemRecord,
    fmt_num,
    fmt_rate,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

log = logging.getLogger(__name__)


def write_reports(report: EvalReport) -> dict[str, Path]:
    """Write the three report files into ``report.out_dir`` (created if needed)."""
    files = report.files
    contents = {
        "json": json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
        "md": render_markdown(report),
        "html": render_html(report),
    }
    try:
        report.out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in contents.items():
            files[name].write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AssistantError(
            f"无法把评测报告写入 {report.out_dir}：{exc.strerror or exc}。"
            "请检查 --out 目录是否可写。"
        ) from exc
    return files


# ---------------------------------------------------------------------------------------------
# Shared table content
# ---------------------------------------------------------------------------------------------


def _overall_rows(report: EvalReport) -> list[tuple[str, str]]:
    s = report.summary
    r, a = s["retrieval"], s["abstention"]
    any_quote = r["any_quote"]
    un = s["unsupported_numbers"]
    return [
        ("题目数", f"{s['n_items']}（可回答 {s['n_answerable']}，不可回答 {s['n_unanswerable']}）"),
        ("运行出错的题目", str(s["n_errors"])),
        ("答案准确率 answer_accuracy", fmt_rate(s["answer_accuracy"])),
        ("拒答精确率 abstention precision", fmt_rate(a["precision"])),
        ("拒答召回率 abstention recall", fmt_rate(a["recall"])),
        ("误拒率 false refusal rate", fmt_rate(a["false_refusal_rate"])),
        (
            "检索召回 recall@1 / @5 / @10（全部证据）",
            f"{fmt_rate(r['recall@1'])} / {fmt_rate(r['recall@5'])} / {fmt_rate(r['recall@10'])}",
        ),
        ("MRR@10（全部证据）", fmt_num(r["mrr@10"])),
        (
            "检索召回 recall@1 / @5 / @10（任一证据）",
            f"{fmt_rate(any_quote['recall@1'])} / {fmt_rate(any_quote['recall@5'])} / "
            f"{fmt_rate(any_quote['recall@10'])}",
        ),
        ("MRR@10（任一证据）", fmt_num(any_quote["mrr@10"])),
        ("引用命中率 citation_hit", fmt_rate(s["citation_hit"])),
        ("引用精确率 citation_precision", fmt_rate(s["citation_precision"])),
        ("无依据数字 unsupported_numbers", f"{un['total']} 个（涉及 {un['items_with_any']} 题）"),
        (
            "单题延迟 p50 / p95 / 最大",
            " / ".join(fmt_num(s["latency_ms"][k], 0) for k in ("p50", "p95", "max")) + " ms",
        ),
    ]


_TYPE_HEADER = [
    "题型",
    "题数",
    "准确率",
    "拒答率",
    "recall@5",
    "MRR@10",
    "引用命中",
    "引用精确",
    "无依据数字",
    "延迟 p50 (ms)",
]


def _type_rows(report: EvalReport) -> list[list[str]]:
    rows = []
    for item_type, s in report.by_type.items():
        refused = s["abstention"]
        refusal = (
            refused["recall"] if item_type == "unanswerable" else refused["false_refusal_rate"]
        )
        rows.append(
            [
                item_type,
                str(s["n_items"]),
                fmt_rate(s["answer_accuracy"]),
                fmt_rate(refusal),
                fmt_rate(s["retrieval"]["recall@5"]),
                fmt_num(s["retrieval"]["mrr@10"]),
                fmt_rate(s["citation_hit"]),
                fmt_rate(s["citation_precision"]),
                str(s["unsupported_numbers"]["total"]),
                fmt_num(s["latency_ms"]["p50"], 0),
            ]
        )
    return rows


_STAGE_HEADER = ["阶段", "次数", "p50 (ms)", "p95 (ms)", "最大 (ms)"]


def _stage_rows(report: EvalReport) -> list[list[str]]:
    return [
        [stage, str(v["n"]), fmt_num(v["p50"], 1), fmt_num(v["p95"], 1), fmt_num(v["max"], 1)]
        for stage, v in report.summary["stage_latency_ms"].items()
    ]


def _rank_text(rank: int | None) -> str:
    return "未检索到" if rank is None else f"第 {rank} 位"


def _notes(report: EvalReport) -> list[str]:
    notes = [
        "不可回答题（unanswerable）的“准确率”一栏为空，其“拒答率”即拒答召回率；"
        "其他题型的“拒答率”为误拒率。",
    ]
    depth = report.summary["retrieval"]["max_retrieved"]
    if 0 < depth < RETRIEVAL_DEPTH:
        notes.append(
            f"助手每题最多只返回 {depth} 个检索片段，recall@10 与 MRR@10 实际按前 {depth} 位计算。"
        )
    return notes


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _md_cell(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit] + "…"
    return html.escape(text, quote=False).replace("|", "\\|")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(report: EvalReport) -> str:
    lines = [
        "# 评测报告",
        "",
        f"- 数据集：`{report.dataset}`",
        f"- 时间：{report.created_at}",
        "",
        "## 总体指标",
        "",
        *_md_table(["指标", "数值"], _overall_rows(report)),
        "",
        "## 分题型指标",
        "",
        *_md_table(_TYPE_HEADER, _type_rows(report)),
        "",
        *[f"> {note}" for note in _notes(report)],
        "",
        "## 各阶段延迟",
        "",
        *(_md_table(_STAGE_HEADER, _stage_rows(report)) if _stage_rows(report) else ["（无）"]),
        "",
        f"## 失败题目（{len(report.failures)}）",
        "",
    ]
    if report.failures:
        rows = [
            [
                r.id,
                r.type,
                r.question,
                r.expected_answer + (f"（缺少：{'、'.join(r.missing)}）" if r.missing else ""),
                r.error or r.answer,
                " ‖ ".join(f"[{c.n}] {c.quote}" for c in r.citations),
                REPORT_STATUS_LABEL.get(r.status, r.status),
                _rank_text(r.found_rank) if r.evidence else "—",
            ]
            for r in report.failures
        ]
        header = ["id", "题型", "问题", "参考答案", "实际回答", "引用原文", "状态", "证据位置"]
        lines += _md_table(header, rows)
    else:
        lines.append("全部正确。")
    flagged = [r for r in report.items if r.unsupported_numbers]
    lines += ["", f"## 含无依据数字的回答（{len(flagged)}）", ""]
    if flagged:
        rows = [[r.id, r.question, "、".join(r.unsupported_numbers), r.answer] for r in flagged]
        lines += _md_table(["id", "问题", "无依据数字", "实际回答"], rows)
    else:
        lines.append("无。")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------


def _render_png(draw: Callable[[Axes], None]) -> str:
    """Draw on a fresh Agg figure and return the PNG as base64."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    draw(axes)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _no_data(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def _draw_accuracy(by_type: Mapping[str, Mapping[str, Any]]) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        labels, values = [], []
        for item_type, s in by_type.items():
            if item_type == "unanswerable":
                value, label = s["abstention"]["recall"], "unanswerable*"
            else:
                value, label = s["answer_accuracy"], item_type
            labels.append(f"{label}\n(n={s['n_items']})")
            values.append(value or 0.0)
        if not labels:
            _no_data(axes, "no items")
            return
        bars = axes.bar(range(len(values)), values, color="#4C72B0")
        for bar, value in zip(bars, values, strict=True):
            axes.annotate(
                f"{value:.0%}",
                (bar.get_x() + bar.get_width() / 2, value),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        axes.set_xticks(range(len(labels)), labels, fontsize=7)
        axes.set_ylim(0, 1.1)
        axes.set_ylabel("accuracy")
        axes.set_title("Answer accuracy by type (* = correct refusals)", fontsize=10)

    return draw


def _draw_recall(retrieval: Mapping[str, Any]) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        if not retrieval["n_items_with_evidence"]:
            _no_data(axes, "no items with evidence")
            return
        ks = list(range(1, RETRIEVAL_DEPTH + 1))
        for curve, label, style in (
            (retrieval["curve"], "all evidence quotes", "o-"),
            (retrieval["any_quote"]["curve"], "any evidence quote", "s--"),
        ):
            axes.plot(ks, [v or 0.0 for v in curve], style, label=label)
        axes.set_xticks(ks)
        axes.set_ylim(0, 1.05)
        axes.set_xlabel("k")
        axes.set_ylabel("recall@k")
        axes.set_title(f"Retrieval recall@k (n={retrieval['n_items_with_evidence']})", fontsize=10)
        axes.grid(alpha=0.3)
        axes.legend(loc="lower right", fontsize=8)

    return draw


def _draw_latency(latencies: Sequence[float]) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        if not latencies:
            _no_data(axes, "no latencies")
            return
        axes.hist(latencies, bins=min(30, max(5, len(latencies) // 2)), color="#55A868")
        axes.set_xlabel("latency per question (ms)")
        axes.set_ylabel("questions")
        axes.set_title(f"Latency (n={len(latencies)})", fontsize=10)

    return draw


def render_plots(report: EvalReport) -> list[tuple[str, str | None]]:
    """(Chinese caption, base64 PNG or None if the plot could not be drawn) for each plot."""
    latencies = [r.latency_ms for r in report.items if r.latency_ms is not None]
    specs = [
        ("各题型准确率", _draw_accuracy(report.by_type)),
        ("检索召回率随 k 的变化", _draw_recall(report.summary["retrieval"])),
        ("单题延迟分布", _draw_latency(latencies)),
    ]
    plots: list[tuple[str, str | None]] = []
    for caption, draw in specs:
        try:
            plots.append((caption, _render_png(draw)))
        except Exception:
            log.warning("无法生成图表：%s", caption, exc_info=True)
            plots.append((caption, None))
    return plots


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

_CSS = """
body { font-family: -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei",
  "Noto Sans CJK SC", sans-serif; margin: 2em; color: #222; line-height: 1.5; }
h1, h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f3f3f3; position: sticky; top: 0; }
table.failures td { max-width: 28em; }
.status-not_found { color: #8a6d00; } .status-error { color: #b00020; font-weight: bold; }
.missing { color: #b00020; } .hit { color: #1a7f37; } .miss { color: #999; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; } figure { margin: 0; }
figcaption { text-align: center; color: #555; } .note { color: #555; font-size: 13px; }
.quote { display: block; margin-bottom: .3em; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    attr = f' class="{_e(cls)}"' if cls else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _multiline(text: str) -> str:
    return _e(text).replace("\n", "<br>")


def _failure_row(r: ItemRecord) -> str:
    question = _multiline(r.question)
    if r.history:
        turns = "<br>".join(f"{_e(t.role)}：{_e(t.content)}" for t in r.history)
        question += f'<div class="note">对话历史：<br>{turns}</div>'
    if r.resolved_question and r.resolved_question != r.question:
        question += f'<div class="note">改写后：{_e(r.resolved_question)}</div>'
    expected = _multiline(r.expected_answer)
    if r.must_include:
        parts = [
            f'<span class="{"missing" if m in r.missing else "hit"}">{_e(m)}</span>'
            for m in r.must_include
        ]
        expected += f'<div class="note">必含：{"、".join(parts)}</div>'
    got = _multiline(r.error) if r.error else _multiline(r.answer)
    if r.unsupported_numbers:
        got += f'<div class="note missing">无依据数字：{_e("、".join(r.unsupported_numbers))}</div>'
    cited = "".join(
        f'<span class="quote {"hit" if c.holds_evidence else "miss"}">[{c.n}] '
        f"{_e(c.doc_title)} · {_e(c.section)}：{_e(c.quote)}</span>"
        for c in r.citations
    )
    status = f'<span class="status-{_e(r.status)}">{_e(REPORT_STATUS_LABEL.get(r.status, r.status))}</span>'
    cells = [
        _e(r.id),
        _e(r.type),
        question,
        expected,
        got,
        cited or '<span class="miss">（无引用）</span>',
        status,
        _e(_rank_text(r.found_rank)) if r.evidence else "—",
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def render_html(report: EvalReport) -> str:
    plots = []
    for caption, png in render_plots(report):
        body = (
            f'<img src="data:image/png;base64,{png}" alt="{_e(caption)}">'
            if png is not None
            else f'<p class="note">（图表“{_e(caption)}”生成失败，详见日志。）</p>'
        )
        plots.append(f"<figure>{body}<figcaption>{_e(caption)}</figcaption></figure>")
    failure_header = ["id", "题型", "问题", "参考答案", "实际回答", "引用原文", "状态", "证据位置"]
    if report.failures:
        failure_table = (
            '<table class="failures" id="failures"><thead><tr>'
            + "".join(f"<th>{_e(h)}</th>" for h in failure_header)
            + "</tr></thead><tbody>"
            + "".join(_failure_row(r) for r in report.failures)
            + "</tbody></table>"
        )
    else:
        failure_table = '<p id="failures">全部正确。</p>'
    all_rows = [
        [
            r.id,
            r.type,
            r.question,
            "✓" if r.correct else "✗",
            REPORT_STATUS_LABEL.get(r.status, r.status),
            _rank_text(r.found_rank) if r.evidence else "—",
            "、".join(r.unsupported_numbers),
            fmt_num(r.latency_ms, 0),
        ]
        for r in report.items
    ]
    stage_rows = _stage_rows(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>评测报告 · {_e(Path(report.dataset).name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>评测报告</h1>",
        f'<p class="note">数据集：{_e(report.dataset)}　时间：{_e(report.created_at)}</p>',
        "<h2>总体指标</h2>",
        _html_table(["指标", "数值"], _overall_rows(report)),
        "<h2>分题型指标</h2>",
        _html_table(_TYPE_HEADER, _type_rows(report)),
        *[f'<p class="note">{_e(note)}</p>' for note in _notes(report)],
        "<h2>图表</h2>",
        f'<div class="plots">{"".join(plots)}</div>',
        "<h2>各阶段延迟</h2>",
        _html_table(_STAGE_HEADER, stage_rows) if stage_rows else "<p>（无）</p>",
        f"<h2>失败题目（{len(report.failures)}）</h2>",
        '<p class="note">绿色的必含项已出现在回答中，红色的缺失；绿色的引用包含证据原文，'
        "灰色的不包含。</p>",
        failure_table,
        f"<details><summary>全部题目（{len(report.items)}）</summary>",
        _html_table(
            ["id", "题型", "问题", "正确", "状态", "证据位置", "无依据数字", "延迟 (ms)"], all_rows
        ),
        "</details>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
