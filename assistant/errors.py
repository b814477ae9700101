"""Every error the library raises on purpose. Each carries a Chinese message for the user that says
what went wrong and how to fix it, the CLI's exit code and the HTTP status it stands for; the
boundary (``assistant.serve.boundary``) turns them into CLI text or an HTTP response in one place."""

from __future__ import annotations

import errno


class AssistantError(Exception):
    """Base class. ``message`` is shown to users as is; ``exit_code`` is used by the CLI,
    ``http_status`` by the HTTP API (5xx: the server's problem, not the request's)."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidQuestionError(AssistantError):
    exit_code = 2
    http_status = 400


class EmptyQuestionError(InvalidQuestionError):
    def __init__(self) -> None:
        super().__init__("问题为空：请输入要查询的问题，例如“阳泉市2025年公交分担率目标是多少？”。")


class QuestionTooLongError(InvalidQuestionError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"问题过长：共 {length} 个字符，上限为 {limit} 个字符。请精简问题，或拆成几个问题分别提问。"
        )
        self.length = length
        self.limit = limit


class InvalidRequestError(AssistantError):
    """A malformed request (bad batch line, unknown document filter, bad history)."""

    exit_code = 2
    http_status = 400


class RequestTooLargeError(InvalidRequestError):
    """A request over one of the documented size limits (body, history, file)."""

    http_status = 413


class ForbiddenError(InvalidRequestError):
    """A request the server refuses whoever sends it (a cross-site upload, a file path that was
    not uploaded through the page, a locked-out login)."""

    http_status = 403


class ServiceBusyError(AssistantError):
    """The server cannot take this now (upload area full); trying later helps."""

    http_status = 503


class NotFoundError(InvalidRequestError):
    """A named thing (document id, file) that does not exist."""

    http_status = 404


class AuthenticationError(InvalidRequestError):
    """A request to a route protected by ``ASSISTANT_API_KEY`` without the right bearer token."""

    http_status = 401


class DocumentLoadError(AssistantError):
    """A file that cannot be turned into text."""

    exit_code = 3
    http_status = 400


class UnsupportedFileTypeError(DocumentLoadError):
    http_status = 415


class FileTooLargeError(DocumentLoadError):
    http_status = 413


class EncodingDetectionError(DocumentLoadError):
    pass


class BrokenFileError(DocumentLoadError):
    pass


class CorpusError(AssistantError):
    """The corpus folder or its manifest is unusable."""

    exit_code = 3


class IndexMissingError(AssistantError):
    exit_code = 4
    http_status = 503


class IndexStaleError(AssistantError):
    exit_code = 4
    http_status = 503


class DatabaseError(AssistantError):
    """The PostgreSQL database (ASSISTANT_DATABASE_URL) cannot be reached or lacks pgvector."""

    exit_code = 6
    http_status = 503

    @classmethod
    def unreachable(cls, reason: str) -> DatabaseError:
        return cls(
            f"无法使用 PostgreSQL 数据库（{reason}）。请检查 ASSISTANT_DATABASE_URL 的地址、用户名和"
            "密码，确认数据库已启动并已安装 pgvector 扩展（CREATE EXTENSION vector），"
            "或清空该变量以使用本地索引。"
        )


class ModelError(AssistantError):
    """The embedding model cannot be found, loaded, or does not match the index."""

    exit_code = 5


class DuplicateDocumentError(InvalidRequestError):
    """An upload whose content is already in the corpus (same file or same cleaned text)."""

    http_status = 409


class StorageError(AssistantError):
    """A file or folder the assistant must read or write is not accessible (read-only home,
    full disk, missing permission). The server's problem, not the request's."""

    exit_code = 6
    http_status = 500

    @classmethod
    def from_os_error(cls, exc: OSError, what: str = "") -> StorageError:
        """A Chinese sentence naming the path and the reason, without the OS's English text."""
        path = exc.filename if isinstance(exc.filename, str) else ""
        where = what or (f"“{path}”" if path else "文件")
        return cls(
            f"无法读写{where}：{os_reason(exc)}。请检查该位置的写入权限和磁盘空间，"
            "或把 ASSISTANT_HOME 设为可写的目录后重试。"
        )


# The OS's own messages (``strerror``) are English; users get these instead.
_OS_REASONS = {
    errno.EACCES: "没有访问权限",
    errno.EPERM: "操作不被允许",
    errno.EROFS: "所在的文件系统是只读的",
    errno.ENOENT: "文件或目录不存在",
    errno.ENOTDIR: "路径中的某一部分不是目录",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "打开的文件过多",
    errno.EBUSY: "文件正被占用",
    errno.EIO: "磁盘读写错误",
}


def os_reason(exc: OSError) -> str:
    """Why an OS call failed, in Chinese (the error number stays for an administrator)."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    return f"系统错误（错误码 {exc.errno}）" if exc.errno else "读写失败"


class InvalidFactQueryError(InvalidRequestError):
    """A fact query with a field that does not exist or a value of the wrong kind."""

    def __init__(self, problem: str, valid_fields: tuple[str, ...]) -> None:
        super().__init__(f"数值查询无效：{problem}。可用的查询字段：{'、'.join(valid_fields)}。")
        self.valid_fields = valid_fields
