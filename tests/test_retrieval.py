"""Hybrid retrieval on the real index: paraphrased questions find the passage that answers."""

from __future__ import annotations

import pytest

from assistant.retrieve.hybrid import rrf_fuse
from assistant.serve.service import Assistant
from tests.conftest import BACKENDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=BACKENDS)
def assistant(request: pytest.FixtureRequest, assistant: Assistant) -> Assistant:
    """Every test here on both index backends: the session's files, then PostgreSQL."""
    if request.param == "files":
        return assistant
    pg: Assistant = request.getfixturevalue("pg_assistant")
    return pg


def test_rrf_fuse_hand_worked() -> None:
    # Item 7 is 1st in ranking A and 2nd in B: 1/(60+1) + 1/(60+2) = 0.016393 + 0.016129 = 0.032522
    # Item 3 is 2nd in A only: 1/62 = 0.016129; item 9 is 1st in B only: 1/61 = 0.016393.
    fused = rrf_fuse([[7, 3], [9, 7]], k=60)
    assert fused[7] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 62)
    assert fused[9] == pytest.approx(1 / 61)
    assert sorted(fused, key=lambda i: -fused[i]) == [7, 9, 3]


# Questions written in everyday words, few shared with the source; each with a phrase that only
# the answering passage contains.
PARAPHRASED = [
    ("晋城的公路现在总共有多长？", "全市公路总里程达10030公里"),
    ("阳泉坐公交的人占机动化出行的比例2025年要到多少？", "城市公共交通机动化出行分担率"),
    ("晋城到北京坐高铁要多久？", "3个半小时直达北京"),
    ("吉林今年在交通建设上准备投多少钱？", "完成交通建设投资278亿元"),
    ("晋城道路交通出大事故时由谁来指挥？", "指挥长"),
    ("晋城打算在十五五末建多少充电桩？", "1.8万个公共和专用充电桩"),
    ("阳泉公交车准点的比例目前是多少？", "73.89"),
    ("晋城整个市的土地面积有多大？", "9424.92平方千米"),
    ("晋城交旅融合计划里农村公路三年要修多少？", "1000公里以上"),
    ("晋城道路交通安全预警分几个等级？", "一级"),
]


def test_paraphrased_questions_retrieve_the_answer(assistant: Assistant) -> None:
    # Retrieval is not perfect on everyday wording; the bar is 9 of 10 in the top 5 (the dev
    # set's recall@5 in eval/README.md is the fuller measure).
    misses = []
    for question, needle in PARAPHRASED:
        passages = assistant.retriever.retrieve(question, top_k=5)
        if not any(needle in p.chunk.text for p in passages):
            misses.append(question)
    assert len(misses) <= 1, misses


def test_doc_filter_restricts_results(assistant: Assistant) -> None:
    passages = assistant.retriever.retrieve(
        "应急响应分级", top_k=8, doc_ids=["jc-construction-emergency"]
    )
    assert passages and {p.chunk.doc_id for p in passages} == {"jc-construction-emergency"}


def test_langchain_retriever(assistant: Assistant) -> None:
    from langchain_core.retrievers import BaseRetriever

    from assistant.retrieve.langchain import PolicyRetriever

    lc = PolicyRetriever(retriever=assistant.retriever, top_k=3)
    assert isinstance(lc, BaseRetriever)
    docs = lc.invoke("阳泉公交都市创建目标")
    assert len(docs) == 3
    assert docs[0].metadata["doc_title"] == "阳泉市国家公交都市建设示范工程创建实施方案"
    assert {"chunk_id", "section", "start", "end", "score"} <= set(docs[0].metadata)
