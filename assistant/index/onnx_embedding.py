"""The same sentence-transformers model run by ONNX Runtime: faster on this CPU, and no torch at
serving time.

The graph is exported once (with torch, at the first build) from the model directory's own
weights into ``$ASSISTANT_HOME/models/onnx/``; later starts load only the ``.onnx`` file, the
``tokenizers`` tokenizer and onnxruntime. Pooling and normalisation are the model's own modules
redone in numpy, so the vectors equal the torch ones (cosine ≥ 0.9999, checked by the tests) and
the index, the embedding cache and the manifest's model fingerprint stay shared between the two
engines. fp32 only: an int8 graph is faster but changes a fifth of the dense top-8 (see
``shared/design/embedding-default.md``)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ModelError
from assistant.index.embedding import ModelInfo, model_fingerprint, resolve_model_dir
from assistant.index.progress import Progress
from assistant.settings import DEFAULT_MODEL_NAME, Settings

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"
# Bumped when the export changes, so an old graph is re-exported rather than trusted.
EXPORT_VERSION = 2
# The token embedding table, kept out of the graph as a memory-mapped array: it is most of the
# model (250 037 × 384 floats for e5-small) and a question reads a few dozen of its rows, so
# only those pages are ever loaded (≈ 380 MB less resident memory than inside the graph).
TABLE_FILE = "token_embeddings.npy"


def onnxruntime_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def pooling_mode(model_dir: Path) -> str | None:
    """``mean`` or ``cls`` when the directory is a plain Transformer → Pooling (→ Normalize)
    model with a fast tokenizer, which is what this engine reproduces; None otherwise (the
    torch engine then runs it)."""
    try:
        modules = _read_json(model_dir / "modules.json")
        types = [m["type"] for m in modules]
        if types not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]):
            return None
        if modules[0]["path"] not in ("", "."):
            return None
        if not (model_dir / "tokenizer.json").is_file():
            return None
        pooling = _read_json(model_dir / modules[1]["path"] / "config.json")
        bert_config = model_dir / "sentence_bert_config.json"
        if bert_config.is_file() and _read_json(bert_config).get("do_lower_case"):
            return None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
    if modes == {"pooling_mode_mean_tokens"}:
        return "mean"
    if modes == {"pooling_mode_cls_token"}:
        return "cls"
    return None


def _max_seq_length(model_dir: Path) -> int:
    try:
        return int(_read_json(model_dir / "sentence_bert_config.json")["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return int(_read_json(model_dir / "config.json").get("max_position_embeddings", 512))


def onnx_path(settings: Settings, model_dir: Path) -> Path:
    """Where the exported graph of ``model_dir`` lives: keyed by the model's fingerprint, so a
    changed model directory gets a new export."""
    fp = model_fingerprint(model_dir)
    return settings.models_dir / "onnx" / f"{model_dir.name}-{fp}-v{EXPORT_VERSION}" / "model.onnx"


def export_onnx(model_dir: Path, target: Path) -> Path:
    """Export the model's transformer (token embeddings and attention mask → token states) with
    torch, and its token embedding table beside it (``TABLE_FILE``); each written to a temporary
    name and renamed, the graph last, so a killed export leaves nothing that looks complete."""
    if target.is_file() and (target.parent / TABLE_FILE).is_file():
        return target
    import numpy as np

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    except Exception as exc:  # any loader failure is a broken model directory
        raise ModelError(f"无法加载向量模型 {model_dir}：{exc}") from exc
    auto: Any = st[0].auto_model
    auto.eval()
    table = auto.get_input_embeddings().weight.detach().float().numpy()

    class _States(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = auto

        def forward(self, inputs_embeds: Any, attention_mask: Any) -> Any:
            return self.inner(inputs_embeds=inputs_embeds, attention_mask=attention_mask)[0]

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_table = tempfile.mkstemp(dir=target.parent, suffix=".npy.tmp")
    os.close(fd)
    try:
        with open(tmp_table, "wb") as fh:
            np.save(fh, table)
        os.replace(tmp_table, target.parent / TABLE_FILE)
    finally:
        if os.path.exists(tmp_table):
            os.unlink(tmp_table)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(fd)
    embeds = torch.zeros((2, 8, table.shape[1]), dtype=torch.float32)
    mask = torch.ones((2, 8), dtype=torch.long)
    try:
        # The tracer's warnings are about Python branches it froze that do not depend on the
        # input shapes here; they would only be noise on the user's terminal.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _States(),
                (embeds, mask),
                tmp,
                input_names=["inputs_embeds", "attention_mask"],
                output_names=["token_states"],
                dynamic_axes={
                    "inputs_embeds": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "token_states": {0: "batch", 1: "sequence"},
                },
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _remove_older_exports(model_dir, target.parent)
    return target


def _remove_older_exports(model_dir: Path, keep: Path) -> None:
    """Exports of an earlier version of this model or of this code (≈ 470 MB each) are never
    used again once a new one is complete. A process still using one keeps its open files."""
    import re
    import shutil

    name = re.compile(rf"{re.escape(model_dir.name)}-[0-9a-f]{{16}}-v\d+")
    for old in keep.parent.iterdir():
        if old.is_dir() and old != keep and name.fullmatch(old.name):
            shutil.rmtree(old, ignore_errors=True)


# Passages per run during a build. Small batches of similar length, two runs side by side:
# measured on the idle 2-core machine (320 corpus passages, 2026-12-03) 18.2 passages/s at 16,
# 24.4 at 8, 25.6 at 4, 26.7 at 2, 25.7 at 1 — padding and cache misses grow with the batch.
PASSAGE_BATCH = 4


class OnnxEmbedder:
    """Encodes like ``SentenceTransformerEmbedder`` (same prompts, truncation, pooling, L2
    normalisation, same ``ModelInfo``), through ONNX Runtime.

    Thread-safe once loaded: an ONNX Runtime session may be run from several threads at once
    and releases the GIL while it computes, so concurrent questions embed in parallel."""

    def __init__(self, settings: Settings, progress: Progress | None = None) -> None:
        self._settings = settings
        self._progress = progress
        self._dir = resolve_model_dir(settings, progress)
        mode = pooling_mode(self._dir)
        if mode is None:
            raise ModelError(
                f"向量模型 {self._dir} 的结构无法用 ONNX Runtime 运行。"
                "请设置 ASSISTANT_EMBEDDING_ENGINE=torch。"
            )
        self._pooling = mode
        self._load_lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._table: Any = None
        self._info: ModelInfo | None = None

    @property
    def info(self) -> ModelInfo:
        if self._info is None:
            # Loaded here, as the torch engine does: a build then reports loading the model
            # before it reports embedding, and a broken export fails before any work starts.
            self._load()
            s = self._settings
            try:
                prompts = dict(
                    _read_json(self._dir / "config_sentence_transformers.json").get("prompts") or {}
                )
            except (OSError, ValueError):
                prompts = {}
            query = s.query_prompt if s.query_prompt is not None else prompts.get("query", "")
            passage = (
                s.passage_prompt
                if s.passage_prompt is not None
                else prompts.get("passage", prompts.get("document", ""))
            )
            query, passage = str(query or ""), str(passage or "")
            modules = _read_json(self._dir / "modules.json")
            pooling = _read_json(self._dir / modules[1]["path"] / "config.json")
            self._info = ModelInfo(
                name=DEFAULT_MODEL_NAME if s.embedding_model is None else self._dir.name,
                path=str(self._dir),
                fingerprint=model_fingerprint(self._dir),
                dimension=int(pooling["word_embedding_dimension"]),
                query_prompt=query,
                passage_prompt=passage,
            )
        return self._info

    def warm_up(self) -> None:
        """Export (first time only) and load the graph and the tokenizer."""
        self._load()

    def _load(self) -> tuple[Any, Any, Any]:
        with self._load_lock:
            if self._session is None:
                import numpy as np
                import onnxruntime as ort
                from tokenizers import Tokenizer

                path = onnx_path(self._settings, self._dir)
                if not path.is_file() and self._progress is not None:
                    self._progress.stage("正在导出 ONNX 向量模型（仅首次运行需要）…")
                export_onnx(self._dir, path)
                if self._progress is not None:
                    self._progress.stage("正在加载向量模型…")
                tokenizer = Tokenizer.from_file(str(self._dir / "tokenizer.json"))
                tokenizer.enable_truncation(_max_seq_length(self._dir))
                tokenizer.no_padding()
                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.log_severity_level = 3
                # No memory arena: it kept ~200 MB of activation buffers after a batch. No
                # spinning: idle worker threads would burn the CPU that other requests (and the
                # other processes on a shared machine) need.
                options.enable_cpu_mem_arena = False
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                # One thread per run: concurrent questions (and the build's parallel batches)
                # then use the cores side by side instead of queueing for one shared pool.
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                try:
                    session = ort.InferenceSession(
                        str(path), options, providers=["CPUExecutionProvider"]
                    )
                except Exception as exc:  # a damaged export: remove it so the next start redoes it
                    path.unlink(missing_ok=True)
                    raise ModelError(f"无法加载 ONNX 向量模型 {path}：{exc}。请重新运行。") from exc
                table = np.load(path.parent / TABLE_FILE, mmap_mode="r")
                self._tokenizer, self._table, self._session = tokenizer, table, session
        return self._session, self._tokenizer, self._table

    def _pad_id(self, tokenizer: Any) -> int:
        try:
            pad = _read_json(self._dir / "special_tokens_map.json").get("pad_token", "<pad>")
            if isinstance(pad, dict):
                pad = pad.get("content", "<pad>")
        except (OSError, ValueError):
            pad = "<pad>"
        found = tokenizer.token_to_id(str(pad))
        return int(found) if found is not None else 0

    def _encode(self, texts: list[str], prompt: str, batch_size: int) -> npt.NDArray[np.float32]:
        import numpy as np

        session, tokenizer, table = self._load()
        # sentence-transformers prepends the prompt and strips each text before tokenizing.
        encodings = tokenizer.encode_batch([(prompt + t).strip() for t in texts])
        pad = self._pad_id(tokenizer)
        out = np.zeros((len(texts), self.info.dimension), dtype=np.float32)
        # Longest first, in batches of similar length: padding is the wasted work.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        batches = [order[s : s + batch_size] for s in range(0, len(order), batch_size)]

        def run(part: list[int]) -> None:
            width = max(len(encodings[i].ids) for i in part)
            ids = np.full((len(part), width), pad, dtype=np.int64)
            mask = np.zeros((len(part), width), dtype=np.int64)
            for row, i in enumerate(part):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            embeds = np.asarray(table[ids], dtype=np.float32)
            states = session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0]
            if self._pooling == "cls":
                pooled = states[:, 0, :]
            else:
                weights = mask[:, :, None].astype(np.float32)
                pooled = (states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[part] = pooled / np.clip(norms, 1e-12, None)

        workers = min(len(batches), _cores())
        if workers <= 1:
            for part in batches:
                run(part)
        else:
            # Batches side by side, one per core (a run computes outside the GIL).
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(run, batches))
        return out

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        # One query a run: a question's sides run side by side on the cores, and no padding
        # makes a vector differ (in the last bits) from the same query embedded alone.
        return self._encode(texts, self.info.query_prompt, 1)

    def embed_passages(
        self, texts: list[str], batch_size: int | None = None, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        return self._encode(texts, self.info.passage_prompt, batch_size or PASSAGE_BATCH)
