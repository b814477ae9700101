"""Every error the library raises on purpose. Each carries a Chinese message for the user that says
what went wrong and how to fix it, the CLI's exit code and the HTTP status it stands for; the
boundary (``assistant.serve.boundary``) turns them into CLI text or an HTTP response in one place."""

from __future__ import annotations


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


class ModelError(AssistantError):
    """The embedding model cannot be found, loaded, or does not match the index."""

    exit_code = 5


class InvalidFactQueryError(InvalidRequestError):
    """A fact query with a field that does not exist or a value of the wrong kind."""

    def __init__(self, problem: str, valid_fields: tuple[str, ...]) -> None:
        super().__init__(f"数值查询无效：{problem}。可用的查询字段：{'、'.join(valid_fields)}。")
        self.valid_fields = valid_fields
