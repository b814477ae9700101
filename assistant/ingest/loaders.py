"""Turn uploaded files (.txt, .md, .pdf, .docx) into raw text.

The file type is decided from the content, not trusted from the file name: a ``.pdf`` that is
really a ZIP archive, an image renamed to ``.txt`` and similar cases are rejected with a Chinese
message that names the file, says what is wrong and what to do. Text is returned raw (only line
endings are normalised); cleaning is done elsewhere. PDF pages are separated by a form feed
(``PDF_PAGE_SEPARATOR``) so that later stages can recover page numbers.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import (
    BrokenFileError,
    DocumentLoadError,
    EncodingDetectionError,
    FileTooLargeError,
    UnsupportedFileTypeError,
    os_reason,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MAX_FILE_BYTES = 50 * 1024 * 1024

# Placed between the texts of two consecutive PDF pages; the cleaner splits pages on "\f".
PDF_PAGE_SEPARATOR = "\n\f\n"
# Table cells that the source keeps apart (.docx tables, PDF tables found by pdfplumber) are
# joined with this separator, one table row per line, so the records layer reads exact cells.
CELL_MARK = "|"
CELL_SEPARATOR = f" {CELL_MARK} "

_SUPPORTED_LIST = "、".join(SUPPORTED_SUFFIXES)
_TEXT_SUFFIXES = ("", ".txt", ".text", ".md", ".markdown")
_MD_SUFFIXES = (".md", ".markdown")

# How far into the file a PDF header may start (the PDF spec tolerates leading junk).
_PDF_HEADER_WINDOW = 1024
# Bytes after the last %%EOF that are still tolerated (some producers append padding).
_PDF_TRAILING_TOLERANCE = 2048

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# Magic numbers of common formats that are not supported, with a Chinese description and a hint.
_FOREIGN_MAGICS: tuple[tuple[bytes, str, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "旧版 Office 文档（.doc/.xls/.ppt）",
        "请用 Word 将其另存为 .docx 后再上传",
    ),
    (b"{\\rtf", "RTF 文档", "请用 Word 将其另存为 .docx 后再上传"),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片", "请先对图片进行文字识别（OCR），再上传识别出的文本"),
    (b"\xff\xd8\xff", "JPEG 图片", "请先对图片进行文字识别（OCR），再上传识别出的文本"),
    (b"GIF87a", "GIF 图片", "请先对图片进行文字识别（OCR），再上传识别出的文本"),
    (b"GIF89a", "GIF 图片", "请先对图片进行文字识别（OCR），再上传识别出的文本"),
    (b"BM", "BMP 图片", "请先对图片进行文字识别（OCR），再上传识别出的文本"),
    (b"II*\x00", "TIFF 图片", "请先对图片进行文字识别（OCR），再上传识别出的文本"),
    (b"MM\x00*", "TIFF 图片", "请先对图片进行文字识别（OCR），再上传识别出的文本"),
    (b"MZ", "可执行程序", "请上传政策文件本身"),
    (b"\x7fELF", "可执行程序", "请上传政策文件本身"),
    (b"\xcf\xfa\xed\xfe", "可执行程序", "请上传政策文件本身"),
    (b"\xfe\xed\xfa\xcf", "可执行程序", "请上传政策文件本身"),
    (b"\x1f\x8b", "GZIP 压缩包", "请先解压，再逐个上传其中的文件"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "请先解压，再逐个上传其中的文件"),
    (b"Rar!\x1a\x07", "RAR 压缩包", "请先解压，再逐个上传其中的文件"),
    (b"BZh", "BZIP2 压缩包", "请先解压，再逐个上传其中的文件"),
    (b"\xfd7zXZ\x00", "XZ 压缩包", "请先解压，再逐个上传其中的文件"),
    (b"%!PS", "PostScript 文件", "请将其转换为 PDF 后再上传"),
    (b"SQLite format 3\x00", "数据库文件", "请上传政策文件本身"),
)

# Magic numbers short or printable enough to begin a text file ("BMW…", "MZ…"): they only count
# when the start of the file also contains control bytes.
_WEAK_MAGICS = frozenset({b"BM", b"MZ", b"BZh"})
_BINARY_HEAD = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Control characters that do not occur in text files (tab, newlines, \v, \f and DOS EOF \x1a
# are allowed); C1 controls appear when binary data is decoded as a single-byte charset.
_BAD_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
# A decoded text with more control characters than this share is treated as binary.
_MAX_CONTROL_RATIO = 0.01
# Share of the non-ASCII characters that must be common Chinese (GB2312 repertoire) for a
# GB18030 decoding to be accepted without asking charset-normalizer.
_MIN_GB2312_RATIO = 0.8
# Only this many leading characters are inspected by the "looks Chinese" check.
_CHINESE_SAMPLE_CHARS = 1_000_000

_NEWLINES = re.compile(r"\r\n?")


# --------------------------------------------------------------------------- helpers


def _display_name(filename: str) -> str:
    """The bare file name for user messages (never a full path)."""
    name = Path(filename.replace("\\", "/")).name if filename else ""
    return name or "未命名文件"


def _suffix(filename: str) -> str:
    return Path(filename.replace("\\", "/")).suffix.lower() if filename else ""


def _format_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _empty_error(name: str) -> DocumentLoadError:
    return DocumentLoadError(
        f"文件为空：“{name}”的大小为 0 字节，没有任何内容。请检查文件是否完整，重新导出后再上传。"
    )


def _unsupported_error(name: str, what: str, hint: str) -> UnsupportedFileTypeError:
    return UnsupportedFileTypeError(
        f"不支持文件“{name}”的类型：{what}。{hint}。目前支持的文件类型：{_SUPPORTED_LIST}。"
    )


def check_size(size: int, name: str) -> None:
    """The one size check of a document, for the CLI, the loaders and the upload page alike."""
    if size > MAX_FILE_BYTES:
        raise FileTooLargeError(
            f"文件“{name}”过大（{_format_size(size)}），单个文件上限为 "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB。请拆分为多个较小的文件后再上传。"
        )


# --------------------------------------------------------------------------- type sniffing


def _zip_kind(data: bytes, name: str) -> str:
    """'docx' for a Word document; raise for any other or broken ZIP archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        # A damaged archive: if its local headers mention Word parts it was meant to be a .docx.
        if b"word/" in data or _suffix(name) == ".docx":
            raise BrokenFileError(
                f"无法读取 Word 文档“{name}”：文件已损坏或不完整。"
                "请用 Word 打开确认后重新保存为 .docx 再上传。"
            ) from exc
        raise _unsupported_error(name, "这是一个已损坏的 ZIP 压缩包", "请上传政策文件本身") from exc
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        what, hint = (
            "这是 Excel 表格（.xlsx），不是文档",
            "请将内容复制到 Word 中保存为 .docx 后再上传",
        )
    elif any(n.startswith("ppt/") for n in names):
        what, hint = "这是 PowerPoint 演示文稿（.pptx），不是文档", "请将其导出为 PDF 后再上传"
    elif "mimetype" in names:
        what, hint = "这是 OpenDocument/WPS 等格式的文件", "请将其另存为 .docx 或 PDF 后再上传"
    else:
        what, hint = "这是 ZIP 压缩包，不是文档", "请先解压，再逐个上传其中的文件"
    raise _unsupported_error(name, what, hint)


def _sniff(data: bytes, filename: str) -> tuple[str, str | None]:
    """Return (type, decoded text or None). Text is decoded once here to avoid doing it twice."""
    name = _display_name(filename)
    if not data:
        raise _empty_error(name)

    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return "pdf", None
    if data.startswith(_ZIP_MAGICS):
        return _zip_kind(data, name), None
    for magic, what, hint in _FOREIGN_MAGICS:
        if magic in _WEAK_MAGICS and not _BINARY_HEAD.search(data[:64]):
            continue
        if data.startswith(magic):
            raise _unsupported_error(name, f"文件内容是{what}", hint)

    suffix = _suffix(filename)
    if suffix == ".pdf":
        raise BrokenFileError(
            f"无法读取 PDF 文件“{name}”：文件内容不是有效的 PDF（可能已损坏，或只是改了扩展名）。"
            "请确认它能用 PDF 阅读器正常打开，重新导出后再上传。"
        )
    if suffix == ".docx":
        raise BrokenFileError(
            f"无法读取 Word 文档“{name}”：文件内容不是有效的 .docx"
            "（可能已损坏，或只是改了扩展名）。请用 Word 打开确认后重新保存为 .docx 再上传。"
        )
    if suffix not in _TEXT_SUFFIXES:
        raise _unsupported_error(name, f"扩展名“{suffix}”不在支持范围内", "请转换格式后再上传")

    text = decode_text(data, filename)
    return ("md" if suffix in _MD_SUFFIXES else "txt"), text


def sniff_type(data: bytes, filename: str = "") -> str:
    """Detect "txt", "md", "pdf" or "docx" from the content.

    PDF and DOCX are recognised by their content whatever the file is called. Anything else must
    decode as text; it is "md" when the name ends in .md/.markdown and "txt" otherwise.

    Raises:
        DocumentLoadError: the data is empty.
        UnsupportedFileTypeError: images, executables, archives, other Office formats, and
            text files with an unsupported extension.
        BrokenFileError: named .pdf/.docx but the content is neither (or a damaged .docx).
        EncodingDetectionError: meant to be text but cannot be decoded.
    """
    return _sniff(data, filename)[0]


# --------------------------------------------------------------------------- text decoding


def _is_clean_text(text: str) -> bool:
    if not text:
        return True
    if "\x00" in text:
        return False
    controls = len(_BAD_CONTROLS.findall(text))
    return controls / len(text) <= _MAX_CONTROL_RATIO


def _looks_chinese(text: str) -> bool:
    """True when the non-ASCII part of ``text`` is mostly common Chinese characters/punctuation."""
    counts = Counter(ch for ch in text[:_CHINESE_SAMPLE_CHARS] if ord(ch) > 0x7F)
    total = sum(counts.values())
    if not total:
        return True  # plain ASCII: any ASCII-compatible decoding gives the same text
    common = 0
    for ch, count in counts.items():
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += count
    return common / total >= _MIN_GB2312_RATIO


def _utf16_without_bom(data: bytes) -> str | None:
    """Decode BOM-less UTF-16 (Notepad's "Unicode") when it yields clean, Chinese-looking text.

    The byte order with more NUL bytes in the high-byte lane (ASCII characters) is tried first.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    odd_nuls = data[1::2].count(0)  # high bytes of little-endian code units
    even_nuls = data[0::2].count(0)
    order = ("utf-16-le", "utf-16-be") if odd_nuls >= even_nuls else ("utf-16-be", "utf-16-le")
    for encoding in order:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_clean_text(text) and _looks_chinese(text):
            return text
    return None


def _decode(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return None
            return text if _is_clean_text(text) else None

    if b"\x00" in data:
        return _utf16_without_bom(data)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text if _is_clean_text(text) else None

    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _is_clean_text(text) and _looks_chinese(text):
            return text

    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    return text if _is_clean_text(text) else None


def decode_text(data: bytes, filename: str = "") -> str:
    """Decode a text file and normalise line endings to "\\n".

    Order: BOM (UTF-8/UTF-16/UTF-32, BOM stripped), strict UTF-8, GB18030 (covers GBK and GB2312)
    when it decodes cleanly and reads as Chinese, then charset-normalizer's best guess.

    Raises:
        EncodingDetectionError: binary data or no encoding fits.
    """
    if not data:
        return ""
    text = _decode(data)
    if text is None:
        name = _display_name(filename)
        raise EncodingDetectionError(
            f"无法识别文件“{name}”的文字编码，或者它不是文本文件。"
            "请用记事本等编辑器打开确认内容正常，另存为 UTF-8 编码后再上传。"
        )
    return _NEWLINES.sub("\n", text)


# --------------------------------------------------------------------------- PDF


class _LogCollector(logging.Handler):
    """Collects pypdf's log records while a file is read (pypdf logs instead of raising)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_TRUNCATION_HINTS = ("truncated", "eof marker not found")


def _pdf_looks_truncated(data: bytes) -> bool:
    """A complete PDF ends with %%EOF, and its last startxref points inside the file."""
    eof = data.rfind(b"%%EOF")
    if eof < 0 or len(data) - (eof + 5) > _PDF_TRAILING_TOLERANCE:
        return True
    offsets = re.findall(rb"startxref\s+(\d+)", data[max(0, eof - 1024) : eof])
    return bool(offsets) and int(offsets[-1]) >= len(data)


def _load_pdf(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    def broken() -> BrokenFileError:
        return BrokenFileError(
            f"无法读取 PDF 文件“{name}”：文件已损坏或不完整。请重新导出后再上传。"
        )

    if _pdf_looks_truncated(data):
        raise broken()

    collector = _LogCollector()
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.addHandler(collector)
    previous_propagate = pypdf_logger.propagate
    pypdf_logger.propagate = False  # keep pypdf's noise out of the application log
    try:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    # Many PDFs only carry an owner password and open with an empty one.
                    decrypted = bool(reader.decrypt(""))
                except DependencyError:
                    decrypted = False
                if not decrypted:
                    raise BrokenFileError(
                        f"无法读取 PDF 文件“{name}”：文件已加密（设有打开密码）。"
                        "请在 PDF 阅读器中解除密码保护，另存为新的 PDF 后再上传。"
                    )
            pages = [page.extract_text() or "" for page in reader.pages]
        except DocumentLoadError:
            raise
        except Exception as exc:  # pypdf raises many unrelated exception types on bad input
            raise broken() from exc
    finally:
        pypdf_logger.removeHandler(collector)
        pypdf_logger.propagate = previous_propagate

    if any(hint in msg.lower() for msg in collector.messages for hint in _TRUNCATION_HINTS):
        raise broken()
    if not pages:
        raise BrokenFileError(
            f"无法读取 PDF 文件“{name}”：文件中没有任何页面。请检查文件是否完整，重新导出后再上传。"
        )
    if not any(page.strip() for page in pages):
        raise BrokenFileError(
            f"PDF 文件“{name}”未包含可提取的文字（可能是扫描件），"
            "请先进行文字识别（OCR），再上传识别后的 PDF 或文本文件。"
        )
    pages = _with_pdf_tables(data, pages)
    return _NEWLINES.sub("\n", PDF_PAGE_SEPARATOR.join(pages))


def _with_pdf_tables(data: bytes, pages: list[str]) -> list[str]:
    """Pages on which pdfplumber finds a ruled table are re-read with it: the text outside the
    tables line by line and each table row as cells joined by ``CELL_SEPARATOR``, in reading
    order. pypdf's text stays wherever pdfplumber finds no table or fails."""
    try:
        import pdfplumber
    except ImportError:  # the text path still works without it
        return pages
    out = list(pages)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for n, page in enumerate(pdf.pages[: len(pages)]):
                tables = page.find_tables()
                if not tables:
                    continue
                boxes = [t.bbox for t in tables]

                def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
                    x = (obj["x0"] + obj["x1"]) / 2
                    y = (obj["top"] + obj["bottom"]) / 2
                    return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

                blocks: list[tuple[float, str]] = [
                    (line["top"], line["text"])
                    for line in page.filter(outside).extract_text_lines()
                    if line["text"].strip()
                ]
                for table in tables:
                    for k, row in enumerate(table.extract()):
                        cells = [" ".join((c or "").split()).replace(CELL_MARK, "｜") for c in row]
                        if any(cells):
                            blocks.append((table.bbox[1] + k * 1e-3, CELL_SEPARATOR.join(cells)))
                out[n] = "\n".join(text for _, text in sorted(blocks, key=lambda b: b[0]))
    except Exception:  # pdfplumber's failures on odd PDFs must not lose the pypdf text
        return pages
    return out


# --------------------------------------------------------------------------- DOCX


def _docx_blocks(document: DocxDocument) -> Iterator[str]:
    """Paragraph texts and table rows of the body, in document order."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    p_tag, tbl_tag, sdt_tag, sdt_content_tag = (
        qn("w:p"),
        qn("w:tbl"),
        qn("w:sdt"),
        qn("w:sdtContent"),
    )

    def walk(parent: Any) -> Iterator[str]:
        for child in parent.iterchildren():
            if child.tag == p_tag:
                yield Paragraph(child, document).text
            elif child.tag == tbl_tag:
                for row in Table(child, document).rows:
                    seen: set[int] = set()
                    cells: list[str] = []
                    for cell in row.cells:
                        # Horizontally merged cells are returned once per grid column.
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        cells.append(" ".join(cell.text.split()).replace(CELL_MARK, "｜"))
                    if any(cells):
                        yield CELL_SEPARATOR.join(cells)
            elif child.tag == sdt_tag:  # content controls wrap ordinary body content
                for content in child.iterchildren(sdt_content_tag):
                    yield from walk(content)

    yield from walk(document.element.body)


def _load_docx(data: bytes, name: str) -> str:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
    except Exception as exc:  # python-docx/lxml/zipfile raise many exception types
        raise BrokenFileError(
            f"无法读取 Word 文档“{name}”：文件已损坏或不完整。"
            "请用 Word 打开确认后重新保存为 .docx 再上传。"
        ) from exc
    return _NEWLINES.sub("\n", "\n".join(blocks))


# --------------------------------------------------------------------------- entry points


def load_bytes(data: bytes, filename: str) -> str:
    """Return the raw text of a file given as bytes; the type is sniffed from the content.

    Raises a :class:`DocumentLoadError` subclass with a Chinese message on any problem.
    """
    name = _display_name(filename)
    check_size(len(data), name)
    kind, decoded = _sniff(data, filename)
    if kind == "pdf":
        text = _load_pdf(data, name)
    elif kind == "docx":
        text = _load_docx(data, name)
    else:  # txt/md were already decoded while sniffing
        text = decoded if decoded is not None else decode_text(data, filename)
    if not text.strip():
        raise DocumentLoadError(f"文件“{name}”中没有任何文字内容。请检查是否上传了正确的文件。")
    return text


def load_file(path: Path, name: str = "") -> str:
    """Read ``path`` and return its raw text (see :func:`load_bytes`). ``name`` is the file's
    name for the type check and messages when the path is a temporary one (an upload)."""
    path = Path(path)
    filename = name or path.name
    name = _display_name(filename)
    if not path.exists():
        raise DocumentLoadError(f"找不到文件“{name}”。请检查文件路径是否正确。")
    if not path.is_file():
        raise DocumentLoadError(f"“{name}”不是文件（可能是文件夹）。请选择一个具体的文件。")
    try:
        check_size(path.stat().st_size, name)
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentLoadError(
            f"无法读取文件“{name}”：{os_reason(exc)}。请检查文件权限，或文件是否被其他程序占用。"
        ) from exc
    return load_bytes(data, filename)
