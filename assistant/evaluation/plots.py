"""The eval report's plots, drawn with matplotlib's Agg canvas (no pyplot, no display) and
returned as base64 PNG: accuracy per question type, retrieval recall@k, latency, and the trend
of accuracy per type over the last runs.

Every text in them is Chinese when a CJK font is installed (Debian: fonts-wqy-microhei, which
``make chromium`` installs; Noto/Source Han Sans CJK and the Windows/macOS fonts are found too).
Without one, Chinese would be drawn as empty boxes, so the plots fall back to English labels and
the report says why. A plot that fails to render is replaced by a note instead of failing the
run."""

from __future__ import annotations

import base64
import functools
import io
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluation.types import ITEM_TYPES, RETRIEVAL_DEPTH, UNANSWERABLE, type_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

log = logging.getLogger(__name__)

# File-name fragments of fonts with simplified Chinese glyphs.
_CJK_FONT_FILES = (
    "wqy-microhei",
    "wqy-zenhei",
    "notosanscjk",
    "notoserifcjk",
    "sourcehansans",
    "droidsansfallback",
    "msyh",
    "simhei",
    "pingfang",
)
NO_CJK_FONT_NOTE = (
    "（未找到中文字体，图中文字以英文显示；安装 fonts-wqy-microhei 后重新生成即可显示中文。）"
)


@dataclass(frozen=True)
class Labels:
    chinese: bool
    no_items: str
    accuracy_title: str
    accuracy_axis: str
    refusal_mark: str
    recall_title: str
    recall_x: str
    recall_y: str
    all_quotes: str
    any_quote: str
    no_evidence: str
    latency_title: str
    latency_x: str
    latency_y: str
    no_latency: str
    trend_title: str
    trend_single: str
    trend_x: str
    trend_overall: str

    def type_name(self, item_type: str) -> str:
        return type_label(item_type) if self.chinese else item_type


CHINESE = Labels(
    chinese=True,
    no_items="没有题目",
    accuracy_title="各题型答案准确率（* 为正确拒答的比例）",
    accuracy_axis="准确率",
    refusal_mark="*",
    recall_title="检索召回率 recall@k（{n} 题有证据）",
    recall_x="k（检索结果前 k 个片段）",
    recall_y="召回率",
    all_quotes="全部证据都找到",
    any_quote="找到任一证据",
    no_evidence="没有带证据的题目",
    latency_title="单题延迟分布（{n} 题）",
    latency_x="单题耗时（毫秒）",
    latency_y="题数",
    no_latency="没有延迟数据",
    trend_title="最近 {n} 次评测各题型准确率",
    trend_single="各题型准确率（首次评测，之后的评测会连成趋势）",
    trend_x="评测时间",
    trend_overall="全部可回答题",
)
ENGLISH = Labels(
    chinese=False,
    no_items="no items",
    accuracy_title="Answer accuracy by type (* = correct refusals)",
    accuracy_axis="accuracy",
    refusal_mark="*",
    recall_title="Retrieval recall@k (n={n})",
    recall_x="k",
    recall_y="recall@k",
    all_quotes="all evidence quotes",
    any_quote="any evidence quote",
    no_evidence="no items with evidence",
    latency_title="Latency (n={n})",
    latency_x="latency per question (ms)",
    latency_y="questions",
    no_latency="no latencies",
    trend_title="Accuracy by type, last {n} runs",
    trend_single="Accuracy by type (first run; later runs make a trend)",
    trend_x="run",
    trend_overall="all answerable",
)


@functools.cache
def cjk_font() -> str | None:
    """Path of an installed font with Chinese glyphs, or None."""
    from matplotlib import font_manager

    for path in sorted(font_manager.findSystemFonts()):
        name = Path(path).name.lower().replace("-", "").replace("_", "")
        if any(part.replace("-", "") in name for part in _CJK_FONT_FILES):
            return str(path)
    return None


def _font_family() -> str | None:
    """The CJK font registered with matplotlib (its cache may predate the font's install)."""
    path = cjk_font()
    if path is None:
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


def _render_png(draw: Callable[[Axes], None], family: str | None, wide: bool = False) -> str:
    """Draw on a fresh Agg figure and return the PNG as base64."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    settings: Any = {"axes.unicode_minus": False}  # matplotlib types the keys as literals
    if family:  # the CJK font first; DejaVu Sans (matplotlib's own) for anything it lacks
        settings["font.family"] = [family, "DejaVu Sans"]
    with rc_context(settings):
        figure = Figure(figsize=(8.0 if wide else 6.4, 3.6), dpi=100)
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


def _draw_accuracy(by_type: Mapping[str, Mapping[str, Any]], t: Labels) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        labels, values = [], []
        for item_type, s in by_type.items():
            if item_type == UNANSWERABLE:
                value, label = s["abstention"]["recall"], t.type_name(item_type) + t.refusal_mark
            else:
                value, label = s["answer_accuracy"], t.type_name(item_type)
            labels.append(f"{label}\n(n={s['n_items']})")
            values.append(value or 0.0)
        if not labels:
            _no_data(axes, t.no_items)
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
        axes.set_ylabel(t.accuracy_axis)
        axes.set_title(t.accuracy_title, fontsize=10)

    return draw


def _draw_recall(retrieval: Mapping[str, Any], t: Labels) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        if not retrieval["n_items_with_evidence"]:
            _no_data(axes, t.no_evidence)
            return
        ks = list(range(1, RETRIEVAL_DEPTH + 1))
        for curve, label, style in (
            (retrieval["curve"], t.all_quotes, "o-"),
            (retrieval["any_quote"]["curve"], t.any_quote, "s--"),
        ):
            axes.plot(ks, [v or 0.0 for v in curve], style, label=label)
        axes.set_xticks(ks)
        axes.set_ylim(0, 1.05)
        axes.set_xlabel(t.recall_x)
        axes.set_ylabel(t.recall_y)
        axes.set_title(t.recall_title.format(n=retrieval["n_items_with_evidence"]), fontsize=10)
        axes.grid(alpha=0.3)
        axes.legend(loc="lower right", fontsize=8)

    return draw


def _draw_latency(latencies: Sequence[float], t: Labels) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        if not latencies:
            _no_data(axes, t.no_latency)
            return
        axes.hist(latencies, bins=min(30, max(5, len(latencies) // 2)), color="#55A868")
        axes.set_xlabel(t.latency_x)
        axes.set_ylabel(t.latency_y)
        axes.set_title(t.latency_title.format(n=len(latencies)), fontsize=10)

    return draw


def _short_time(created_at: str) -> str:
    """ "2026-11-22T10:05:00+08:00" -> "11-22 10:05" (as written; unparsable text is cut)."""
    date, _, time = str(created_at).partition("T")
    return f"{date[5:]} {time[:5]}".strip()


def _draw_trend(runs: Sequence[Mapping[str, Any]], t: Labels) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        xs = list(range(len(runs)))
        types = [it for it in ITEM_TYPES if any(it in r["by_type"] for r in runs)]
        if not types:
            _no_data(axes, t.no_items)
            return

        def value(v: Any) -> float:
            return float(v) if isinstance(v, int | float) else math.nan  # a gap, not a zero

        for item_type in types:
            ys = [value(r["by_type"].get(item_type)) for r in runs]
            mark = t.refusal_mark if item_type == UNANSWERABLE else ""
            axes.plot(xs, ys, "o-", label=t.type_name(item_type) + mark, linewidth=1.2)
        overall = [value(r.get("answer_accuracy")) for r in runs]
        axes.plot(xs, overall, "k--", label=t.trend_overall, linewidth=2)
        axes.set_xticks(xs, [_short_time(r["created_at"]) for r in runs], fontsize=7, rotation=30)
        axes.set_xlim(-0.5, len(runs) - 0.5)
        axes.set_ylim(0, 1.05)
        axes.set_xlabel(t.trend_x)
        axes.set_ylabel(t.accuracy_axis)
        title = t.trend_title.format(n=len(runs)) if len(runs) > 1 else t.trend_single
        axes.set_title(title, fontsize=10)
        axes.grid(alpha=0.3)
        axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7)

    return draw


def render_plots(
    by_type: Mapping[str, Mapping[str, Any]],
    retrieval: Mapping[str, Any],
    latencies: Sequence[float],
    runs: Sequence[Mapping[str, Any]],
) -> tuple[list[tuple[str, str | None]], str]:
    """(caption, base64 PNG or None if it could not be drawn) per plot, and a note for the
    report when the plots had to use English (empty otherwise)."""
    try:
        family = _font_family()
    except Exception:  # a broken font file: the plots still render, in English
        log.warning("无法加载中文字体", exc_info=True)
        family = None
    t = CHINESE if family else ENGLISH
    specs = [
        ("各题型准确率", _draw_accuracy(by_type, t), False),
        ("检索召回率随 k 的变化", _draw_recall(retrieval, t), False),
        ("单题延迟分布", _draw_latency(latencies, t), False),
        ("最近几次评测的各题型准确率（趋势）", _draw_trend(runs, t), True),
    ]
    plots: list[tuple[str, str | None]] = []
    for caption, draw, wide in specs:
        try:
            plots.append((caption, _render_png(draw, family, wide)))
        except Exception:
            log.warning("无法生成图表：%s", caption, exc_info=True)
            plots.append((caption, None))
    return plots, "" if family else NO_CJK_FONT_NOTE
