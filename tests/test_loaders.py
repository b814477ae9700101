"""Tests for assistant.loaders with real files written to tmp_path."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from assistant.errors import (
    BrokenFileError,
    DocumentLoadError,
    EncodingDetectionError,
    UnsupportedFileTypeError,
)
from assistant.ingest import loaders
from assistant.ingest.loaders import decode_text, load_bytes, load_file, sniff_type

# A few real lines from corpus/files/001_34adfd19d3e6b9e6.txt.
CHINESE = (
    "晋城市人民政府办公室\n"
    "关于印发晋城市交旅融合高质量发展\n"
    "三年行动计划（2023-2025 年）的通知\n"
    "各县（市、区）人民政府、开发区管委会，市人民政府各委、办、局：\n"
    "《晋城市交旅融合高质量发展三年行动计划（2023—2025\n"
    "年）》已经市人民政府同意，现印发给你们，请认真贯彻执行。\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one Helvetica text line per page and a correct xref table."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def make_docx(path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("第一章 总则")
    document.add_paragraph("为推动交通运输与文化旅游融合高质量发展，特制定本行动计划。")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["指标", "2023年", "2025年"], ["公交分担率", "30%", "35%"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("第二章 主要任务")
    document.save(str(path))


def assert_message(exc: DocumentLoadError, name: str, *phrases: str) -> None:
    assert f"“{name}”" in exc.message
    for phrase in phrases:
        assert phrase in exc.message, exc.message


# --------------------------------------------------------------------------- text


def test_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", CHINESE.encode("utf-8"))
    assert load_file(path) == CHINESE


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"\xef\xbb\xbf" + CHINESE.encode("utf-8"))
    text = load_file(path)
    assert text == CHINESE
    assert not text.startswith("\ufeff")


def test_gbk(tmp_path: Path) -> None:
    path = write(tmp_path, "gbk.txt", CHINESE.encode("gbk"))
    assert load_file(path) == CHINESE


def test_gb18030_with_four_byte_character(tmp_path: Path) -> None:
    text = CHINESE + "生僻字：𠀀（扩展B区）\n"
    path = write(tmp_path, "gb18030.txt", text.encode("gb18030"))
    assert load_file(path) == text


def test_short_gbk_text() -> None:
    assert decode_text("公交分担率".encode("gbk")) == "公交分担率"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16(tmp_path: Path, encoding: str) -> None:
    data = CHINESE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = write(tmp_path, "u16.txt", data)
    # utf-16-le without BOM is detected from the position of the NUL bytes.
    assert load_file(path) == CHINESE


def test_line_endings_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "crlf.txt", "第一行\r\n第二行\r第三行\n".encode("gbk"))
    assert load_file(path) == "第一行\n第二行\n第三行\n"


def test_markdown_is_sniffed_by_suffix() -> None:
    data = "# 标题\n\n正文".encode()
    assert sniff_type(data, "README.md") == "md"
    assert sniff_type(data, "notes.txt") == "txt"
    assert sniff_type(data) == "txt"
    assert load_bytes(data, "README.md") == "# 标题\n\n正文"


def test_binary_garbage_named_txt(tmp_path: Path) -> None:
    data = random.Random(0).randbytes(4096)
    path = write(tmp_path, "garbage.txt", data)
    with pytest.raises(EncodingDetectionError) as info:
        load_file(path)
    assert_message(info.value, "garbage.txt", "编码", "UTF-8")


def test_unsupported_text_suffix() -> None:
    with pytest.raises(UnsupportedFileTypeError) as info:
        load_bytes(b"a,b\n1,2\n", "data.csv")
    assert_message(info.value, "data.csv", ".csv", ".txt、.md、.pdf、.docx")


# --------------------------------------------------------------------------- PDF


def test_pdf_loads_with_page_separator(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.pdf", make_pdf(["Hello policy page one", "Second page here"]))
    assert sniff_type(path.read_bytes(), "plan.pdf") == "pdf"
    text = load_file(path)
    pages = text.split("\f")
    assert len(pages) == 2
    assert "Hello policy page one" in pages[0]
    assert "Second page here" in pages[1]


def test_pdf_is_sniffed_whatever_the_name(tmp_path: Path) -> None:
    data = make_pdf(["Renamed file"])
    assert sniff_type(data, "plan.txt") == "pdf"
    assert "Renamed file" in load_bytes(data, "plan.txt")


def test_truncated_pdf(tmp_path: Path) -> None:
    data = make_pdf(["Hello policy page one", "Second page here"])
    path = write(tmp_path, "half.pdf", data[: len(data) // 2])
    with pytest.raises(BrokenFileError) as info:
        load_file(path)
    assert_message(info.value, "half.pdf", "已损坏或不完整", "重新导出")
    assert str(tmp_path) not in info.value.message


def test_pdf_without_text_is_reported_as_scan(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path, "scan.pdf", buffer.getvalue())
    with pytest.raises(BrokenFileError) as info:
        load_file(path)
    assert_message(info.value, "scan.pdf", "未包含可提取的文字", "扫描件", "OCR")


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Secret"]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path, "locked.pdf", buffer.getvalue())
    with pytest.raises(BrokenFileError) as info:
        load_file(path)
    assert_message(info.value, "locked.pdf", "加密", "密码")


def test_pdf_with_owner_password_only_loads(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Open to all"]))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path, "restricted.pdf", buffer.getvalue())
    assert "Open to all" in load_file(path)


def test_random_bytes_named_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, "x.pdf", random.Random(1).randbytes(4096))
    with pytest.raises((UnsupportedFileTypeError, BrokenFileError)) as info:
        load_file(path)
    assert isinstance(info.value, DocumentLoadError)
    assert_message(info.value, "x.pdf", "不是有效的 PDF")


def test_zip_named_pdf(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "内容")
    path = write(tmp_path, "x.pdf", buffer.getvalue())
    with pytest.raises(UnsupportedFileTypeError) as info:
        load_file(path)
    assert_message(info.value, "x.pdf", "ZIP 压缩包", ".txt、.md、.pdf、.docx")


# --------------------------------------------------------------------------- DOCX


def test_docx_paragraphs_and_table_in_order(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    make_docx(path)
    assert sniff_type(path.read_bytes(), "plan.docx") == "docx"
    assert load_file(path).split("\n") == [
        "第一章 总则",
        "为推动交通运输与文化旅游融合高质量发展，特制定本行动计划。",
        # table cells stay apart (assistant.ingest.loaders.CELL_SEPARATOR)
        "指标 | 2023年 | 2025年",
        "公交分担率 | 30% | 35%",
        "第二章 主要任务",
    ]


def test_truncated_docx(tmp_path: Path) -> None:
    source = tmp_path / "source.docx"
    make_docx(source)
    data = source.read_bytes()
    path = write(tmp_path, "broken.docx", data[: len(data) // 2])
    with pytest.raises(BrokenFileError) as info:
        load_file(path)
    assert_message(info.value, "broken.docx", "已损坏或不完整", ".docx")


def test_docx_with_corrupt_document_xml(tmp_path: Path) -> None:
    source = tmp_path / "source.docx"
    make_docx(source)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(buffer, "w") as damaged,
    ):
        for item in original.infolist():
            payload = original.read(item.filename)
            if item.filename == "word/document.xml":
                payload = payload[: len(payload) // 2]
            damaged.writestr(item, payload)
    path = write(tmp_path, "bad.docx", buffer.getvalue())
    with pytest.raises(BrokenFileError) as info:
        load_file(path)
    assert_message(info.value, "bad.docx", "已损坏或不完整")


def test_garbage_named_docx(tmp_path: Path) -> None:
    path = write(tmp_path, "fake.docx", b"this is not a word document")
    with pytest.raises(BrokenFileError) as info:
        load_file(path)
    assert_message(info.value, "fake.docx", "不是有效的 .docx")


def test_xlsx_is_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFileTypeError) as info:
        load_bytes(buffer.getvalue(), "table.xlsx")
    assert_message(info.value, "table.xlsx", "Excel")


# --------------------------------------------------------------------------- other


def test_png_is_unsupported(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    path = write(tmp_path, "scan.txt", data)
    with pytest.raises(UnsupportedFileTypeError) as info:
        load_file(path)
    assert_message(info.value, "scan.txt", "PNG 图片", "OCR", ".txt、.md、.pdf、.docx")


def test_executable_is_unsupported() -> None:
    with pytest.raises(UnsupportedFileTypeError) as info:
        sniff_type(b"MZ\x90\x00\x03" + bytes(100), "setup.pdf")
    assert_message(info.value, "setup.pdf", "可执行程序")


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.txt", b"")
    with pytest.raises(DocumentLoadError) as info:
        load_file(path)
    assert_message(info.value, "empty.txt", "文件为空")


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.md", b" \r\n\n\t")
    with pytest.raises(DocumentLoadError) as info:
        load_file(path)
    assert_message(info.value, "blank.md", "没有任何文字内容")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentLoadError) as info:
        load_file(tmp_path / "nowhere.txt")
    assert_message(info.value, "nowhere.txt", "找不到文件")
    assert str(tmp_path) not in info.value.message


def test_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DocumentLoadError) as info:
        load_file(tmp_path)
    assert "不是文件" in info.value.message


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 10)
    path = write(tmp_path, "big.txt", "一二三四五六七八九十".encode())
    with pytest.raises(DocumentLoadError) as info:
        load_file(path)
    assert_message(info.value, "big.txt", "过大", "拆分")
    with pytest.raises(DocumentLoadError):
        load_bytes(path.read_bytes(), "big.txt")


def test_default_limits() -> None:
    assert loaders.MAX_FILE_BYTES == 50 * 1024 * 1024
    assert loaders.SUPPORTED_SUFFIXES == (".txt", ".md", ".pdf", ".docx")


def test_text_starting_like_a_magic_number_is_text() -> None:
    assert load_bytes("BMW 汽车产业规划\n".encode(), "a.txt") == "BMW 汽车产业规划\n"
    assert load_bytes("MZ 路段改造\n".encode("gbk"), "b.txt") == "MZ 路段改造\n"
