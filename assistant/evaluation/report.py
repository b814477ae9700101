"""Write an ``EvalReport`` as report.json, report.md and a self-contained report.html, all in
Chinese, and add the run to the folder's history (``assistant.evaluation.history``), from which
the report shows the trend of the last runs. The plots (``assistant.evaluation.plots``) are
embedded in the HTML as base64 PNG.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.answer.texts import REPORT_STATUS_LABEL
from assistant.errors import AssistantError
from assistant.evaluation.history import (
    HISTORY_FILE,
    append_runs,
    read_history,
    run_entry,
    trend_runs,
)
from assistant.evaluation.plots import render_plots
from assistant.evaluation.types import (
    ITEM_TYPES,
    RETRIEVAL_DEPTH,
    EvalReport,
    ItemRecord,
    fmt_num,
    fmt_rate,
    type_label,
)


def write_reports(report: EvalReport) -> dict[str, Path]:
    """Write the three report files into ``report.out_dir`` (created if needed) and append the
    run to the folder's history."""
    files = report.files
    current = run_entry(report)
    # Read before report.json is overwritten: a folder without a history starts from it.
    seeded = not (report.out_dir / HISTORY_FILE).exists()
    history = read_history(report.out_dir)
    runs = trend_runs(history, current)
    contents = {
        "json": json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
        "md": render_markdown(report, runs),
        "html": render_html(report, runs),
    }
    try:
        report.out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in contents.items():
            files[name].write_text(text, encoding="utf-8")
        append_runs(report.out_dir, [*history, current] if seeded else [current])
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
    st = s["status"]
    any_quote = r["any_quote"]
    un = s["unsupported_numbers"]
    return [
        ("题目数", f"{s['n_items']}（可回答 {s['n_answerable']}，不可回答 {s['n_unanswerable']}）"),
        ("运行出错的题目", str(s["n_errors"])),
        ("待审核（未评测，不计入指标）", str(len(report.pending_review))),
        ("答案准确率 answer_accuracy", fmt_rate(s["answer_accuracy"])),
        ("拒答精确率 abstention precision", fmt_rate(a["precision"])),
        ("拒答召回率 abstention recall", fmt_rate(a["recall"])),
        ("误拒率 false refusal rate", fmt_rate(a["false_refusal_rate"])),
        (
            "“已回答”中答对 answered precision",
            fmt_rate(st["answered_precision"]) + f"（共 {st['n_answered']} 题标为已回答）",
        ),
        ("标为“部分找到”的比例 partial share", fmt_rate(st["partial_share"])),
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
                type_label(item_type),
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
        "不可回答题的“准确率”一栏为空，其“拒答率”即拒答召回率；其他题型的“拒答率”为误拒率。",
    ]
    if report.pending_review:
        notes.append(
            f"另有 {len(report.pending_review)} 题待审核（由 👎 反馈导出、must_include 尚未填写），"
            "本次未评测；填写 must_include 后会自动计入。"
        )
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


def _pending_rows(report: EvalReport) -> list[list[str]]:
    return [[i.id, type_label(i.type), i.question] for i in report.pending_review]


_TREND_HEADER = ["时间", "题数", "全部可回答题", *(type_label(t) for t in ITEM_TYPES)]


def _trend_rows(runs: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    def rate(value: Any) -> str:
        return fmt_rate(value) if isinstance(value, int | float) else "—"

    return [
        [
            str(r["created_at"]),
            str(r.get("n_items", "")),
            rate(r.get("answer_accuracy")),
            *(rate(r["by_type"].get(t)) for t in ITEM_TYPES),
        ]
        for r in reversed(runs)
    ]


def render_markdown(report: EvalReport, runs: Sequence[Mapping[str, Any]] = ()) -> str:
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
                type_label(r.type),
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
    if report.pending_review:
        lines += ["", f"## 待审核题目（{len(report.pending_review)}，未评测）", ""]
        lines += _md_table(["id", "题型", "问题"], _pending_rows(report))
    if runs:
        lines += ["", f"## 最近 {len(runs)} 次评测的准确率（新的在前，不可回答题为正确拒答率）", ""]
        lines += _md_table(_TREND_HEADER, _trend_rows(runs))
    return "\n".join(lines) + "\n"


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
        _e(type_label(r.type)),
        question,
        expected,
        got,
        cited or '<span class="miss">（无引用）</span>',
        status,
        _e(_rank_text(r.found_rank)) if r.evidence else "—",
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def render_html(report: EvalReport, runs: Sequence[Mapping[str, Any]] = ()) -> str:
    latencies = [r.latency_ms for r in report.items if r.latency_ms is not None]
    rendered, font_note = render_plots(
        report.by_type, report.summary["retrieval"], latencies, runs or [run_entry(report)]
    )
    plots = []
    for caption, png in rendered:
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
            type_label(r.type),
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
        f'<p class="note">{_e(font_note)}</p>' if font_note else "",
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
        *(
            [
                f"<h2>待审核题目（{len(report.pending_review)}，未评测）</h2>",
                '<p class="note">由 👎 反馈导出，must_include 尚未填写；填写后会自动计入评测。</p>',
                _html_table(["id", "题型", "问题"], _pending_rows(report)),
            ]
            if report.pending_review
            else []
        ),
        *(
            [
                f"<h2>最近 {len(runs)} 次评测的准确率</h2>",
                '<p class="note">新的在前；不可回答题为正确拒答率。</p>',
                _html_table(_TREND_HEADER, _trend_rows(runs)),
            ]
            if runs
            else []
        ),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
