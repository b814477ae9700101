"""Command line: ``assistant build | ask | chat | bench | eval``.

This is a thin shell over the library; every AssistantError becomes a Chinese message on stderr
and a non-zero exit code here, in one place."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from assistant.answer.texts import STATUS_LABEL
from assistant.answer.types import Answer
from assistant.errors import AssistantError, InvalidRequestError, StorageError, os_reason
from assistant.serve.boundary import cli_error
from assistant.serve.console import quiet_third_party
from assistant.settings import Settings


def format_answer(answer: Answer) -> str:
    """Human-readable answer with its sources, for the terminal."""
    lines = [f"【{STATUS_LABEL[answer.status]}】{answer.answer}"]
    subs = [str(s.get("text", "")) for s in answer.plan.get("subquestions", [])]
    if len(subs) > 1:
        lines.insert(0, "理解为：" + "；".join(f"（{i}）{t}" for i, t in enumerate(subs, 1)))
    elif answer.resolved_question and answer.resolved_question != answer.question:
        lines.insert(0, f"理解为：{answer.resolved_question}")
    if answer.citations:
        lines.append("")
        lines.append("引用：")
        for c in answer.citations:
            number = f"（{c.doc_number}）" if c.doc_number else ""
            section = f" · {c.section}" if c.section else ""
            lines.append(f"[{c.n}] 《{c.doc_title}》{number}{section}")
            lines.append(f"    “{c.quote}”")
    elif answer.retrieved:
        lines.append("")
        lines.append("最接近的段落：")
        for i, p in enumerate(answer.retrieved[:3], start=1):
            section = f" · {p.chunk.section_path}" if p.chunk.section else ""
            flat = " ".join(p.chunk.text.split())
            snippet = flat[:80] + ("…" if len(flat) > 80 else "")
            lines.append(f"{i}. 《{p.chunk.doc_title}》{section}")
            lines.append(f"    {snippet}")
    return "\n".join(lines)


def _emit(answer: Answer, as_json: bool, out: TextIO, extra: dict[str, Any] | None = None) -> None:
    if as_json:
        payload = {**(extra or {}), **answer.to_dict()}
        out.write(_json_line(payload) + "\n")
    else:
        out.write(format_answer(answer) + "\n")
    out.flush()


def _build_assistant(settings: Settings) -> Any:
    from assistant.serve.service import build_assistant

    return build_assistant(settings)


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.index.backend import index_backend
    from assistant.index.engines import default_embedder
    from assistant.index.progress import as_progress

    progress = as_progress(not args.quiet)  # a line per stage, the embedding count as a bar
    embedder = default_embedder(settings, progress)
    report = index_backend(settings).build(embedder, progress=progress)
    print(
        f"完成：{report.documents} 个文档，{report.chunks} 个段落，"
        f"新计算向量 {report.embedded} 个，用时 {report.seconds:.1f} 秒。"
    )
    return 0


@dataclass(frozen=True)
class BatchLine:
    """One non-blank line of a batch file: the parsed item, or why it cannot be asked."""

    no: int
    item: dict[str, Any] | None
    error: str = ""


def _batch_text_lines(raw: bytes, path: str) -> list[str | None]:
    """The file's lines as text; None for a line that is not valid UTF-8 while the rest is.

    A file in another encoding (GBK, UTF-16 …) is decoded as a whole; a UTF-8 file with a few
    broken lines keeps its good lines, so one bad line does not stop the batch."""
    from assistant.ingest.loaders import decode_text

    def lines(text: str) -> list[str | None]:
        # Split on "\n" only: U+2028 and friends are legal inside a JSON string.
        return [line.rstrip("\r") for line in text.split("\n")]

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]:
        return lines(decode_text(raw, path))  # UTF-16/32 cannot be split on bytes
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return lines(body.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    decoded: list[str | None] = []
    utf8_text = False
    for chunk in body.split(b"\n"):
        try:
            line = chunk.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            decoded.append(None)
            continue
        utf8_text = utf8_text or not chunk.isascii()
        decoded.append(line)
    # No line with non-ASCII text decodes as UTF-8: the whole file is in another encoding.
    return decoded if utf8_text else lines(decode_text(raw, path))


def _parse_batch_line(no: int, line: str | None) -> BatchLine:
    if line is None:
        return BatchLine(no, None, f"批量问题文件第 {no} 行含有无效的 UTF-8 字节，未能读取。")
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return BatchLine(no, None, f"批量问题文件第 {no} 行不是合法的 JSON（第 {exc.colno} 列）。")
    except RecursionError:
        return BatchLine(no, None, f"批量问题文件第 {no} 行的 JSON 嵌套层数过多。")
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        ident = item.get("id") if isinstance(item, dict) else None
        return BatchLine(no, {"id": ident}, f"批量问题文件第 {no} 行缺少 question 字段（字符串）。")
    return BatchLine(no, item)


def _read_batch(path: str) -> list[BatchLine]:
    """Every non-blank line, parsed or with its own error; only an unreadable file is fatal."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise InvalidRequestError(f"无法读取批量问题文件 {path}：{os_reason(exc)}。") from exc
    return [
        _parse_batch_line(no, line)
        for no, line in enumerate(_batch_text_lines(raw, path), start=1)
        if line is None or line.strip()
    ]


def _prechecked(line: BatchLine, settings: Settings) -> BatchLine:
    from assistant.answer.request import coerce_history, validate_question

    if line.item is None or line.error:
        return line
    try:
        validate_question(line.item["question"], settings.max_question_chars)
        coerce_history(line.item.get("history") or [], settings.max_question_chars)
    except AssistantError as exc:
        return BatchLine(line.no, line.item, exc.message)
    return line


def _json_line(payload: dict[str, Any]) -> str:
    # Text from the input (an id, a question) may hold lone surrogates, which no UTF-8 stream
    # can carry; they are written as "?" rather than failing the whole run.
    return json.dumps(payload, ensure_ascii=False).encode("utf-8", "replace").decode("utf-8")


def _check_docs_early(settings: Settings, doc_ids: list[str] | None) -> None:
    """An unknown --doc is reported from the index's document list, before the model loads."""
    if doc_ids:
        from assistant.answer.request import check_doc_filter
        from assistant.index.backend import index_backend

        check_doc_filter(doc_ids, index_backend(settings).documents())


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch:
        from assistant.answer.request import normalize_text

        # An unreadable file or an unknown --doc fails before the model loads; a line that
        # cannot be asked gets its error now, and the model loads only if any line can be.
        lines = [_prechecked(b, settings) for b in _read_batch(args.batch)]
        _check_docs_early(settings, args.doc)
        assistant = (
            _build_assistant(settings) if any(b.item and not b.error for b in lines) else None
        )
        failures = 0
        for b in lines:
            item = b.item or {}
            error = b.error
            if not error and assistant is not None:
                try:
                    answer = assistant.ask(item["question"], item.get("history") or [], args.doc)
                except AssistantError as exc:
                    error = exc.message
                else:
                    _emit(answer, args.json, sys.stdout, {"id": item.get("id")})
                    continue
            failures += 1
            payload = {"id": item.get("id"), "line": b.no, "error": error}
            if isinstance(item.get("question"), str):
                payload["question"] = normalize_text(item["question"])[:200]
            sys.stdout.write(_json_line(payload) + "\n")
            sys.stdout.flush()
        return 1 if failures else 0
    if args.question is None:
        raise InvalidRequestError('请提供问题，例如：assistant ask "晋城市公路总里程是多少？"')
    from assistant.answer.request import validate_question

    # Both fail before the model loads (which takes several seconds).
    validate_question(args.question, settings.max_question_chars)
    _check_docs_early(settings, args.doc)
    assistant = _build_assistant(settings)
    _emit(assistant.ask(args.question, [], args.doc), args.json, sys.stdout)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.request import recent_history

    _check_docs_early(settings, args.doc)
    assistant = _build_assistant(settings)
    history: list[dict[str, str]] = []
    # Invalid input bytes become lone surrogates, which the question check rejects in Chinese,
    # instead of a UnicodeDecodeError ending the session.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
    print("政策问答助手（命令行）。输入问题后回车；输入 exit 退出。")
    while True:
        try:
            question = input("\n问：").strip()
        except EOFError:
            return 0
        if question.lower() in {"exit", "quit", "退出"}:
            return 0
        try:
            answer = assistant.ask(question, history, args.doc)
        except AssistantError as exc:
            print(f"错误：{exc.message}")
            continue
        print(format_answer(answer))
        history = recent_history(
            [
                *history,
                {"role": "user", "content": answer.question},
                {"role": "assistant", "content": answer.answer},
            ],
            settings.max_question_chars,
        )


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a document to the corpus together with its index (only new passages are embedded):
    both change, or neither does, even if the command is killed."""
    from assistant.index.changes import add_file
    from assistant.index.engines import default_embedder
    from assistant.ingest.corpus import check_new_file

    source = Path(args.file)
    check_new_file(settings.corpus_dir, source, source.name)  # a bad file fails before the model
    embedder = default_embedder(settings)
    name, report = add_file(settings, embedder, source, source.name)
    print(
        f"已添加：{name}。索引已更新：{report.documents} 个文档，{report.chunks} 个段落，"
        f"新计算向量 {report.embedded} 个，用时 {report.seconds:.1f} 秒。"
    )
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，当前为“{text}”")
    return value


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.serve.bench import run_benchmark

    result = run_benchmark(
        settings,
        Path(args.questions),
        rebuild=not args.no_build,
        scale=args.scale,
        work_dir=Path(args.work) if args.work else None,
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.evaluation.dataset import load_dataset
    from assistant.evaluation.runner import run_eval

    load_dataset(Path(args.dataset))  # a bad dataset is reported before the model loads
    report = run_eval(
        settings,
        Path(args.dataset),
        Path(args.out) if args.out else None,
        args.limit,
        assistant=_build_assistant(settings),
    )
    print("\n".join(report.summary_lines()))
    return 0


def cmd_feedback_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the page's 👍/👎 feedback as eval-format JSON Lines (👎 items are regression cases)."""
    from assistant.serve.feedback import Rating, export_eval_items
    from assistant.serve.feedback_db import open_feedback_store

    store = open_feedback_store(settings)
    only: Rating | None = args.only  # argparse restricts it to "up"/"down"
    if args.out in (None, "-"):
        count = export_eval_items(store, sys.stdout, only)
    else:
        out = Path(args.out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with open(out, "w", encoding="utf-8") as fh:
                count = export_eval_items(store, fh, only)
        except OSError as exc:
            raise StorageError(
                f"无法写入 {out}：{os_reason(exc)}。请换一个可写的位置，或检查目录权限。"
            ) from exc
    print(f"已导出 {count} 条反馈。", file=sys.stderr)
    return 0


_FACT_COLUMNS = (
    "doc_id",
    "source",
    "table",
    "row",
    "indicator",
    "unit",
    "year",
    "kind",
    "comparator",
    "value_text",
    "value",
    "period",
    "start",
    "end",
    "quote",
)


def cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    """Audit: every extracted value, one row per indicator/year cell and per prose figure."""
    import contextlib
    import csv

    from assistant.index.backend import index_backend

    index = index_backend(settings).load()
    if args.doc:
        unknown = sorted(set(args.doc) - set(index.documents))
        if unknown:
            raise InvalidRequestError(
                f"未知的文档编号：{'、'.join(unknown)}。可用的编号：{'、'.join(sorted(index.documents))}。"
            )
    facts = [f for f in index.facts if not args.doc or f.doc_id in args.doc]
    with contextlib.ExitStack() as stack:
        out: TextIO = sys.stdout
        if args.csv:
            out = stack.enter_context(open(args.csv, "w", encoding="utf-8-sig", newline=""))
        writer = csv.writer(out, delimiter="," if args.csv else "\t")
        writer.writerow(_FACT_COLUMNS)
        for f in facts:
            row = f.to_dict()
            writer.writerow(
                [" ".join(str(row[c] if row[c] is not None else "").split()) for c in _FACT_COLUMNS]
            )
    if args.csv:
        print(f"已写入 {len(facts)} 条数值到 {args.csv}。", file=sys.stderr)
    return 0


_RECORD_TYPE_NAMES = ("indicator_row", "stated_figure", "task_item")


def _fact_type(source: str) -> str:
    # An indicator table's cell is an indicator row; an item of a task table keyed by year is a
    # task item (it states when, not how much); figures read from prose or task tables are
    # stated figures.
    if source == "table":
        return "indicator_row"
    return "task_item" if source == "task" else "stated_figure"


def cmd_records(args: argparse.Namespace, settings: Settings) -> int:
    """Audit: every record the build extracted, with its quote (``--type`` filters)."""
    import contextlib
    import csv

    from assistant.index.backend import index_backend
    from assistant.records.types import RECORD_TYPES

    valid = (*RECORD_TYPES, *_RECORD_TYPE_NAMES)
    unknown_types = sorted(set(args.type or ()) - set(valid))
    if unknown_types:
        raise InvalidRequestError(
            f"未知的记录类型：{'、'.join(unknown_types)}。可用的类型：{'、'.join(valid)}。"
        )
    index = index_backend(settings).load()
    if args.doc:
        unknown = sorted(set(args.doc) - set(index.documents))
        if unknown:
            raise InvalidRequestError(
                f"未知的文档编号：{'、'.join(unknown)}。可用的编号：{'、'.join(sorted(index.documents))}。"
            )
    rows: list[tuple[str, str, str, dict[str, Any], str]] = []
    for f in index.facts:
        fields = {c: f.to_dict()[c] for c in _FACT_COLUMNS if c not in ("start", "end", "quote")}
        rows.append((_fact_type(f.source), f.doc_id, f.table or f.row, fields, f.quote))
    for r in index.records:
        rows.append((r.type, r.doc_id, r.section, r.field_values(), r.quote))
    titles = {d: doc.meta.title for d, doc in index.documents.items()}
    selected = [
        row
        for row in rows
        if (not args.doc or row[1] in args.doc) and (not args.type or row[0] in args.type)
    ]
    with contextlib.ExitStack() as stack:
        out: TextIO = sys.stdout
        if args.csv:
            out = stack.enter_context(open(args.csv, "w", encoding="utf-8-sig", newline=""))
        writer = csv.writer(out, delimiter="," if args.csv else "\t")
        writer.writerow(["type", "doc_id", "doc_title", "section", "fields", "quote"])
        for kind, doc_id, section, values, quote in selected:
            pairs = "; ".join(
                f"{k}={_cell_text(v)}" for k, v in values.items() if v not in ("", (), None)
            )
            writer.writerow(
                [kind, doc_id, titles.get(doc_id, ""), section, pairs, " ".join(str(quote).split())]
            )
    if args.csv:
        print(f"已写入 {len(selected)} 条记录到 {args.csv}。", file=sys.stderr)
    return 0


def _cell_text(value: object) -> str:
    if isinstance(value, tuple):
        return "、".join(
            f"{v[0]}:{v[1]}" if isinstance(v, tuple) and len(v) == 2 else str(v) for v in value
        )
    return " ".join(str(value).split())


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Build the index when it is missing or stale, then start the chat loop."""
    from assistant.index.engines import default_embedder
    from assistant.index.journal import recover
    from assistant.index.progress import ConsoleProgress
    from assistant.serve.live import ensure_index

    undone = recover(settings)  # a corpus change a killed process left unfinished
    if undone:
        print(undone, file=sys.stderr)
    progress = ConsoleProgress()
    ensure_index(settings, default_embedder(settings, progress), progress)
    return cmd_chat(args, settings)


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assistant", description="政策问答助手：基于已收录文件、带引用的问答。"
    )
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="构建（或重建）索引")
    b.add_argument("--quiet", action="store_true", help="不显示进度")
    b.set_defaults(func=cmd_build)

    a = sub.add_parser("ask", help="提问一个问题，或用 --batch 批量提问")
    a.add_argument("question", nargs="?", help="问题（中文）")
    a.add_argument("--json", action="store_true", help="输出 JSON")
    a.add_argument("--doc", action="append", help="只在指定文档中查找（文档编号，可重复）")
    a.add_argument("--batch", metavar="FILE", help="JSON Lines 文件：每行 {id, question, history}")
    a.set_defaults(func=cmd_ask)

    add = sub.add_parser("add", help="添加文档（.txt/.md/.pdf/.docx）并更新索引")
    add.add_argument("file")
    add.add_argument("--quiet", action="store_true", help="不显示进度")
    add.set_defaults(func=cmd_add)

    c = sub.add_parser("chat", help="命令行多轮对话")
    c.add_argument("--doc", action="append", help="只在指定文档中查找")
    c.set_defaults(func=cmd_chat)

    r = sub.add_parser("run", help="必要时构建索引，然后启动对话")
    r.add_argument("--doc", action="append", help="只在指定文档中查找")
    r.set_defaults(func=cmd_run)

    bench = sub.add_parser("bench", help="性能基准：构建时间、查询延迟、内存峰值")
    bench.add_argument("--questions", default="eval/datasets/dev.jsonl")
    bench.add_argument("--no-build", action="store_true", help="不构建，只测当前索引的查询")
    bench.add_argument(
        "--scale",
        type=_positive_int,
        default=1,
        help="用真实文档合成 N 倍规模的语料（每份副本文字不同）再测，默认 1",
    )
    bench.add_argument(
        "--work",
        metavar="DIR",
        help="合成语料与向量缓存所在目录（保留以便重测；默认用临时目录、每次冷构建）",
    )
    bench.set_defaults(func=cmd_bench)

    f = sub.add_parser("facts", help="列出从表格和正文中抽取的数值（供核对）")
    f.add_argument("--doc", action="append", help="只列出指定文档（文档编号，可重复）")
    f.add_argument("--csv", metavar="FILE", help="写入 CSV 文件（默认以制表符分隔输出到终端）")
    f.set_defaults(func=cmd_facts)

    r = sub.add_parser("records", help="列出从文档中抽取的全部结构化记录（供核对）")
    r.add_argument("--doc", action="append", help="只列出指定文档（文档编号，可重复）")
    r.add_argument(
        "--type",
        action="append",
        help="只列出指定类型（可重复）：table_row、list_item、definition、responsibility、"
        "document_facts、outline、indicator_row、stated_figure、task_item",
    )
    r.add_argument("--csv", metavar="FILE", help="写入 CSV 文件（默认以制表符分隔输出到终端）")
    r.set_defaults(func=cmd_records)

    e = sub.add_parser("eval", help="在评测集上运行并生成报告")
    e.add_argument("--dataset", required=True)
    e.add_argument("--out", default=None, help="报告目录（默认 eval/reports/<数据集名>）")
    e.add_argument("--limit", type=int, default=None)
    e.set_defaults(func=cmd_eval)

    fb = sub.add_parser("feedback", help="网页上收集的用户反馈")
    fb_sub = fb.add_subparsers(dest="feedback_command", required=True)
    fx = fb_sub.add_parser(
        "export", help="导出为评测集格式（JSON Lines），“有问题”的评价成为回归用例"
    )
    fx.add_argument("--out", default=None, help="输出文件（默认输出到屏幕）")
    fx.add_argument(
        "--only",
        choices=["up", "down"],
        default=None,
        help="只导出“有帮助”（up）或“有问题”（down）的评价",
    )
    fx.set_defaults(func=cmd_feedback_export)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    quiet_third_party()
    args = make_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        code: int = args.func(args, settings)
        return code
    except AssistantError as exc:
        text, exit_code = cli_error(exc)
        print(text, file=sys.stderr)
        return exit_code
    except OSError as exc:
        # A file the command had to read or write (read-only home, full disk): a Chinese
        # sentence naming the path, never a traceback or the OS's English text.
        text, exit_code = cli_error(StorageError.from_os_error(exc))
        print(text, file=sys.stderr)
        return exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
