"""政策问答助手: cited answers about Chinese government planning documents.

Heavy parts (torch, FAISS, jieba) load on first use, never on ``import assistant``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Answer", "Settings", "Turn", "build_assistant"]

if TYPE_CHECKING:
    from assistant.answer.types import Answer, Turn
    from assistant.serve.service import build_assistant
    from assistant.settings import Settings


def __getattr__(name: str) -> Any:
    if name == "build_assistant":
        from assistant.serve.service import build_assistant

        return build_assistant
    if name == "Settings":
        from assistant.settings import Settings

        return Settings
    if name in ("Answer", "Turn"):
        from assistant.answer import types

        return getattr(types, name)
    raise AttributeError(name)
