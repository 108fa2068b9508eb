"""Specifications of text normalisation, labelled-table reading and the category classifier.

Everything runs on a small synthetic labelled set built here; no shared data is read.
"""

from __future__ import annotations

import json
import random
from io import StringIO
from pathlib import Path

import joblib
import numpy as np
import pytest
from django.core.management import CommandError, call_command

from gongzhi.dispatch import classifier as clf
from gongzhi.dispatch.classifier import (
    NEVER,
    ArtifactError,
    CategoryClassifier,
    choose_threshold,
    crossval,
    evaluate,
)
from gongzhi.dispatch.datasets import DatasetError, LabelledRow, read_labelled
from gongzhi.dispatch.textnorm import PLACE, normalise

# --- a synthetic labelled set -----------------------------------------------------------

TOPICS = {
    "交通运输": ["公交车", "地铁", "红绿灯", "停车场", "客运站", "出租车", "高速收费", "道路拥堵"],
    "教育文体": ["学校", "老师", "学生", "幼儿园", "补课", "学位", "图书馆", "体育馆"],
    "环境保护": ["噪音", "污水", "垃圾焚烧", "粉尘", "排污", "臭味", "空气污染", "河道污染"],
}
PLACES = ["A市", "A3区", "B7县", "C市", "K2县"]
OPENINGS = ["领导您好!", "尊敬的局长:", "您好,", "我想反映一个问题,"]
CLOSINGS = ["希望尽快处理。", "请相关部门重视。", "谢谢!", "盼回复。"]


def synthetic_rows(per_class: int = 24, seed: int = 0) -> list[LabelledRow]:
    """Short messages whose category shows in their keywords, with a few mixed ones."""
    rng = random.Random(seed)
    rows = []
    names = sorted(TOPICS)
    for category in names:
        for i in range(per_class):
            words = rng.sample(TOPICS[category], 3)
            if i % 6 == 0:  # some ambiguity so confidences are not all ~1
                other = names[(names.index(category) + 1) % len(names)]
                words.append(rng.choice(TOPICS[other]))
            text = (
                f"{rng.choice(PLACES)}{words[0]}问题{rng.choice(OPENINGS)}"
                f"{'、'.join(words)}的情况很严重,{rng.choice(CLOSINGS)}"
            )
            rows.append(LabelledRow(category, text))
    rng.shuffle(rows)
    return rows


@pytest.fixture(scope="module")
def rows() -> list[LabelledRow]:
    return synthetic_rows()


@pytest.fixture(scope="module")
def model(rows: list[LabelledRow]) -> CategoryClassifier:
    return CategoryClassifier(n_jobs=1).fit([r.text for r in rows], [r.category for r in rows])


# --- normalisation ----------------------------------------------------------------------


def test_it_converts_traditional_chinese_to_simplified() -> None:
    assert normalise("這條馬路還沒有開通") == "这条马路还没有开通"


def test_it_turns_full_width_characters_into_half_width() -> None:
    assert normalise("Ｂ７县，ＡＢＣ１２３！") == f"{PLACE}县,ABC123!"


def test_it_collapses_whitespace_and_trims_the_ends() -> None:
    assert normalise("  你好\t\n 领导　　请回复 ") == "你好 领导 请回复"


def test_it_replaces_masked_places_with_the_placeholder_keeping_the_level() -> None:
    assert normalise("A市A3区B7县M12州") == f"{PLACE}市{PLACE}区{PLACE}县{PLACE}州"


def test_it_leaves_ordinary_latin_words_alone() -> None:
    assert normalise("QQ群 B超 GB12县 4S店") == "QQ群 B超 GB12县 4S店"


def test_it_drops_excel_carriage_return_escapes() -> None:
    assert normalise("张市长:_x000D_ 你好!") == "张市长: 你好!"


def test_it_is_idempotent_and_maps_empty_to_empty() -> None:
    once = normalise("Ａ市　發展_x000D_問題")
    assert normalise(once) == once
    assert normalise("") == ""


# --- labelled tables --------------------------------------------------------------------


def test_it_reads_a_tsv_with_category_and_text_columns(tmp_path: Path) -> None:
    path = tmp_path / "labeled.tsv"
    path.write_text('category\ttext\n交通运输\t公交车"太挤"了\n\n教育文体\t学校\n', "utf-8")
    assert read_labelled(path) == [
        LabelledRow("交通运输", '公交车"太挤"了'),
        LabelledRow("教育文体", "学校"),
    ]


def test_it_joins_subject_and_body_of_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('id,subject,body,label\n1,噪音扰民,"晚上\n施工",环境保护\n', "utf-8-sig")
    assert read_labelled(path) == [LabelledRow("环境保护", "噪音扰民晚上\n施工")]


def test_it_reports_the_line_number_of_a_row_with_missing_fields(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('category,text\n交通运输,"多行\n文本"\n教育文体\n环境保护,污水\n', "utf-8")
    with pytest.raises(DatasetError, match=r"line 4: expected 2 fields, found 1") as caught:
        read_labelled(path)
    assert caught.value.line == 4


def test_it_reports_the_line_number_of_an_empty_category(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("category\ttext\n交通运输\t地铁\n\t没有类别\n", "utf-8")
    with pytest.raises(DatasetError, match=r"line 3: empty category"):
        read_labelled(path)


def test_it_rejects_a_table_without_a_category_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("kind\ttext\n交通运输\t地铁\n", "utf-8")
    with pytest.raises(DatasetError, match=r"line 1: no category column"):
        read_labelled(path)


# --- threshold --------------------------------------------------------------------------


def test_it_chooses_the_lowest_threshold_that_reaches_the_target_precision() -> None:
    confidences = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6]
    correct = [True, True, True, False, True, False]
    # keeping >= 0.7 gives 4/5 = 0.8; >= 0.8 gives 3/4; >= 0.9 gives 3/3
    assert choose_threshold(confidences, correct, target_precision=0.8) == 0.7
    assert choose_threshold(confidences, correct, target_precision=0.97) == 0.9


def test_it_never_splits_tied_confidences() -> None:
    # rows tied at 0.9: one right and one wrong, so 0.9 keeps both and gives 2/3
    assert choose_threshold([0.95, 0.9, 0.9], [True, True, False], 0.97) == 0.95


def test_it_auto_dispatches_nothing_when_no_threshold_is_precise_enough() -> None:
    assert choose_threshold([0.9, 0.8], [False, True], 0.97) == NEVER > 1.0
    assert choose_threshold([], [], 0.97) == NEVER


def test_it_chooses_the_threshold_from_training_rows_only(
    rows: list[LabelledRow], monkeypatch: pytest.MonkeyPatch
) -> None:
    train, test = rows[:54], rows[54:]
    seen: list[int] = []
    real = clf.choose_threshold

    def spy(confidences: np.ndarray, correct: np.ndarray, target: float) -> float:
        seen.append(len(confidences))
        return real(confidences, correct, target)

    monkeypatch.setattr(clf, "choose_threshold", spy)
    honest = evaluate(train, test, latency_sample=3, n_jobs=1)
    scrambled = [LabelledRow("交通运输", r.text) for r in test]  # every test label changed
    assert (
        evaluate(train, scrambled, latency_sample=3, n_jobs=1)["threshold"] == honest["threshold"]
    )
    assert seen == [len(train), len(train)]


# --- the classifier ---------------------------------------------------------------------


def test_it_ranks_categories_best_first_with_confidences_summing_to_one(
    model: CategoryClassifier,
) -> None:
    top = model.predict_top("A3区地铁和公交车太挤了,红绿灯也坏了", k=3)
    assert top[0][0] == "交通运输"
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    assert sum(p for _, p in model.predict_top("噪音", k=10)) == pytest.approx(1.0)
    assert len(model.predict_top("噪音", k=1)) == 1


def test_it_predicts_a_batch_like_one_by_one(model: CategoryClassifier) -> None:
    texts = ["学校门口的噪音", "地铁", "垃圾焚烧厂的臭味"]
    assert model.predict_batch(texts, k=2) == [model.predict_top(t, k=2) for t in texts]


def test_it_computes_the_same_probabilities_as_the_scikit_learn_objects(
    model: CategoryClassifier, rows: list[LabelledRow]
) -> None:
    texts = [r.text for r in rows[:10]] + ["完全无关的文字", ""]
    np.testing.assert_allclose(model.predict_proba(texts), model._reference_proba(texts))


def test_it_keeps_predictions_and_metadata_after_save_and_load(
    model: CategoryClassifier, tmp_path: Path
) -> None:
    path = model.save(tmp_path / "models" / "classifier.joblib")
    loaded = CategoryClassifier.load(path)
    texts = ["幼儿园学位不够", "河道污染严重", "出租车拒载"]
    assert loaded.predict_batch(texts) == model.predict_batch(texts)
    assert loaded.metadata == model.metadata
    assert loaded.threshold == model.threshold == model.metadata["threshold"]
    meta = loaded.metadata
    assert meta["labels"] == sorted(TOPICS) and meta["n_rows"] == 72
    assert meta["version"].endswith(meta["train_data_sha256"][:12])
    assert {"trained_at", "libraries", "artifact_format"} <= meta.keys()
    assert meta["libraries"]["scikit-learn"]


def test_it_refuses_an_artifact_of_another_format(tmp_path: Path) -> None:
    path = tmp_path / "old.joblib"
    joblib.dump({"format": 0}, path)
    with pytest.raises(ArtifactError, match="format"):
        CategoryClassifier.load(path)


def test_it_refuses_a_file_that_is_not_an_artifact(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("这不是模型", "utf-8")
    with pytest.raises(ArtifactError, match="not a classifier artifact"):
        CategoryClassifier.load(path)


def test_it_gives_the_same_model_for_the_same_training_rows(
    model: CategoryClassifier, rows: list[LabelledRow]
) -> None:
    again = CategoryClassifier(n_jobs=1).fit([r.text for r in rows], [r.category for r in rows])
    assert again.threshold == model.threshold
    texts = [r.text for r in rows[:5]]
    np.testing.assert_array_equal(again.predict_proba(texts), model.predict_proba(texts))


def test_it_reports_every_figure_of_a_cross_validation(rows: list[LabelledRow]) -> None:
    result = crossval(rows, folds=2, n_jobs=1)
    for name in ("accuracy", "macro_f1", "top2_accuracy", "auto_rate", "train_seconds"):
        assert set(result[name]) == {"mean", "std"}
    assert result["accuracy"]["mean"] > 0.8
    assert len(result["per_fold"]) == 2


# --- the management command -------------------------------------------------------------


def write_tsv(path: Path, rows: list[LabelledRow]) -> Path:
    path.write_text(
        "category\ttext\n" + "".join(f"{r.category}\t{r.text}\n" for r in rows), "utf-8"
    )
    return path


def test_it_prints_one_json_line_when_evaluating_from_the_command_line(
    rows: list[LabelledRow], tmp_path: Path
) -> None:
    train = write_tsv(tmp_path / "train.tsv", rows[:54])
    test = write_tsv(tmp_path / "test.tsv", rows[54:])
    out = StringIO()
    call_command(
        "classifier",
        "evaluate",
        "--train",
        str(train),
        "--test",
        str(test),
        "--jobs",
        "1",
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    figures = json.loads(lines[0])
    for name in (
        "accuracy",
        "macro_f1",
        "top2_accuracy",
        "auto_rate",
        "auto_precision",
        "train_seconds",
        "ms_per_order",
    ):
        assert name in figures


def test_it_trains_and_predicts_from_the_command_line(
    rows: list[LabelledRow], tmp_path: Path
) -> None:
    data = write_tsv(tmp_path / "all.tsv", rows)
    artifact = tmp_path / "model.joblib"
    out = StringIO()
    call_command(
        "classifier",
        "train",
        "--data",
        str(data),
        "--out",
        str(artifact),
        "--jobs",
        "1",
        stdout=out,
    )
    assert json.loads(out.getvalue())["n_rows"] == len(rows)
    out = StringIO()
    call_command("classifier", "predict", "--model", str(artifact), "地铁站", stdout=out)
    assert json.loads(out.getvalue())["top"][0][0] == "交通运输"


def test_it_names_the_bad_line_when_the_command_reads_a_malformed_table(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("category\ttext\n交通运输\t地铁\n教育文体\n", "utf-8")
    with pytest.raises(CommandError, match="line 3"):
        call_command("classifier", "crossval", "--data", str(path), "--folds", "2")
