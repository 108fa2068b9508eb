"""Fixtures of the dispatch tests: a small classifier trained once per session on synthetic
orders (never on shared data), and the same model registered as the active artifact."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongzhi.dispatch.models import ModelArtifact
from gongzhi.testing import World
from gongzhi.workorders.taxonomy import seed_categories, seed_matrix

# Four categories of the default tree, each with its own words; a few texts mix two.
TOPICS = {
    "property-elevator": ["电梯", "停运", "困人", "轿厢", "电梯异响", "电梯门"],
    "sanitation-garbage": ["垃圾", "清运", "堆放", "垃圾桶", "异味", "垃圾站"],
    "noise-construction": ["施工", "噪音", "夜间施工", "打桩", "工地", "电钻"],
    "water-outage": ["停水", "自来水", "水管", "没水", "水龙头", "供水"],
}
OPENERS = ["来电人反映：", "市民来电反映：", "来电人投诉：", "网友留言：", ""]
CLOSINGS = ["希望尽快处理。", "请相关部门解决。", "盼回复。", "影响生活。"]


def synthetic_orders(per_category: int = 18, seed: int = 0) -> list[tuple[str, str]]:
    """(category code, text) rows of made-up hotline orders."""
    rng = random.Random(seed)
    codes = sorted(TOPICS)
    rows = []
    for code in codes:
        for i in range(per_category):
            words = rng.sample(TOPICS[code], 3)
            if i % 6 == 0:
                other = codes[(codes.index(code) + 1) % len(codes)]
                words.append(rng.choice(TOPICS[other]))
            text = (
                f"{rng.choice(OPENERS)}{rng.randint(1, 12)}号楼{'、'.join(words)}的问题"
                f"已经{rng.randint(2, 9)}天了，{rng.choice(CLOSINGS)}"
            )
            rows.append((code, text))
    rng.shuffle(rows)
    return rows


# A request only the elevator category explains, and one no category explains.
CLEAR_ELEVATOR = "来电人反映：3号楼电梯停运，轿厢困人，电梯门打不开，希望尽快处理。"
VAGUE = "来电人反映：小区里的事情一直没人管，希望有人来看看。"


@pytest.fixture(scope="session")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gongzhi.dispatch.classifier import CategoryClassifier

    rows = synthetic_orders()
    model = CategoryClassifier(n_jobs=1).fit([t for _c, t in rows], [c for c, _t in rows])
    return model.save(tmp_path_factory.mktemp("models") / "synthetic.joblib")


@pytest.fixture(scope="session")
def top_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same orders labelled with their top-level categories (物业管理 for 电梯故障 …)."""
    from gongzhi.dispatch.classifier import CategoryClassifier

    rows = synthetic_orders()
    labels = [code.split("-")[0] for code, _t in rows]  # the tree's top-level codes
    model = CategoryClassifier(n_jobs=1).fit([t for _c, t in rows], labels)
    return model.save(tmp_path_factory.mktemp("models") / "synthetic-top.joblib")


@pytest.fixture
def matrix(world: World) -> None:
    seed_categories()
    seed_matrix()


@pytest.fixture
def artifact(model_file: Path, matrix: None) -> ModelArtifact:
    """The synthetic model, registered and active."""
    from gongzhi.dispatch.services import artifact_register

    return artifact_register(path=model_file, activate=True)


@pytest.fixture(autouse=True)
def fresh_model_lookup() -> Iterator[None]:
    """Each test looks the active artifact up afresh, and leaves no model behind for the
    next (the lookup is cached per process)."""
    from gongzhi.dispatch.suggest import invalidate_model

    invalidate_model()
    yield
    invalidate_model()
