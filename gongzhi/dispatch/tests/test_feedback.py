"""Specifications of training feedback: every dispatcher correction of a suggestion is kept, and
the deployment's own orders (corrections included) become the next training table."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from gongzhi.dispatch.datasets import read_labelled
from gongzhi.dispatch.feedback import training_rows
from gongzhi.dispatch.models import ModelArtifact, TrainingFeedback
from gongzhi.dispatch.services import artifact_register
from gongzhi.dispatch.suggest import active_model, invalidate_model
from gongzhi.dispatch.tests.conftest import CLEAR_ELEVATOR, VAGUE, synthetic_orders
from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.errors import TransitionNotAllowed
from gongzhi.workorders.models import EventKind, Status, WorkOrder
from gongzhi.workorders.tests.factories import category, order_in, receive


@pytest.fixture
def threshold(settings: Any) -> None:
    settings.GONGZHI_AUTO_DISPATCH_THRESHOLD = 0.8


def waiting(world: World, text: str, code: str) -> WorkOrder:
    """An order at compound A1 the model looked at, waiting on the dispatcher's desk."""
    order = receive(world, category=category(code), description=text, auto_dispatch=True)
    assert order.status == Status.RECEIVED
    return order


# --- corrections ------------------------------------------------------------------------------


def test_a_dispatcher_choosing_another_category_than_suggested_is_kept_as_feedback(
    world: World, artifact: ModelArtifact, threshold: None
) -> None:
    order = waiting(world, CLEAR_ELEVATOR, "sanitation-garbage")

    services.workorder_dispatch(
        order=order, by=world.person("dispatcher"), lead=world.units["cc_a1"]
    )

    feedback = TrainingFeedback.objects.get(order=order)
    assert feedback.kind == TrainingFeedback.Kind.BOTH
    assert feedback.predicted_category is not None
    assert (feedback.predicted_category.code, feedback.chosen_category.code) == (
        "property-elevator",
        "sanitation-garbage",
    )
    assert (feedback.predicted_unit, feedback.chosen_unit) == (
        world.units["property_x"],
        world.units["cc_a1"],
    )
    assert feedback.model_version == artifact.version
    assert feedback.by == world.person("dispatcher")
    assert feedback.confidence is not None and feedback.confidence > 0.8


def test_a_dispatcher_correcting_the_category_changes_the_orders_category_and_deadlines(
    world: World, artifact: ModelArtifact, threshold: None
) -> None:
    order = waiting(world, VAGUE, "property-elevator")
    before = order.resolve_due_at

    dispatched = services.workorder_dispatch(
        order=order,
        by=world.person("dispatcher"),
        lead=world.units["cc_a1"],
        category="noise-construction",
    )

    assert dispatched.category.code == "noise-construction"
    event = dispatched.events.get(kind=EventKind.DISPATCHED)
    assert event.data["category"] == {"from": "property-elevator", "to": "noise-construction"}
    assert dispatched.resolve_due_at is not None and before is not None
    feedback = TrainingFeedback.objects.get(order=order)
    assert feedback.chosen_category.code == "noise-construction"


def test_accepting_the_suggestion_is_not_a_correction(
    world: World, artifact: ModelArtifact, threshold: None
) -> None:
    order = waiting(world, CLEAR_ELEVATOR, "sanitation-garbage")

    services.workorder_dispatch(
        order=order,
        by=world.person("dispatcher"),
        lead=world.units["property_x"],
        assisting=[world.units["cc_a1"]],
        category="property-elevator",
    )

    assert not TrainingFeedback.objects.exists()


def test_another_lead_unit_for_the_suggested_category_is_a_unit_correction(
    world: World, artifact: ModelArtifact
) -> None:
    order = receive(world, category=category(), description=CLEAR_ELEVATOR, auto_dispatch=False)

    services.workorder_dispatch(
        order=order, by=world.person("dispatcher"), lead=world.units["so_a"]
    )

    feedback = TrainingFeedback.objects.get(order=order)
    assert feedback.kind == TrainingFeedback.Kind.UNIT
    assert feedback.chosen_unit == world.units["so_a"]


def test_redispatching_an_automatic_dispatch_after_a_return_is_a_correction(
    world: World, artifact: ModelArtifact, threshold: None
) -> None:
    order = receive(world, category=category(), description=CLEAR_ELEVATOR, auto_dispatch=True)
    assert order.status == Status.DISPATCHED
    order = services.workorder_return(
        order=order, by=world.person("property_staff_x"), reason="电梯归维保公司"
    )

    services.workorder_redispatch(
        order=order, by=world.person("dispatcher"), lead=world.units["dept_housing"]
    )

    assert TrainingFeedback.objects.get(order=order).chosen_unit == world.units["dept_housing"]


def test_orders_without_a_models_suggestion_leave_no_feedback(world: World, matrix: None) -> None:
    order = receive(world, category=category(), description=CLEAR_ELEVATOR)

    services.workorder_dispatch(
        order=order, by=world.person("dispatcher"), lead=world.units["so_a"]
    )

    assert not TrainingFeedback.objects.exists()


def test_the_category_cannot_change_once_a_unit_has_accepted(world: World, matrix: None) -> None:
    order = order_in(world, Status.ACCEPTED)

    with pytest.raises(TransitionNotAllowed):
        services.workorder_redispatch(
            order=order,
            by=world.person("dispatcher"),
            lead=world.units["so_a"],
            category="noise-construction",
        )


# --- training from the deployment's own orders -----------------------------------------------


def test_training_rows_are_settled_or_corrected_orders_with_their_current_category(
    world: World, matrix: None, model_file: Path, threshold: None
) -> None:
    resolved = order_in(world, Status.RESOLVED, description="电梯坏了")
    order_in(world, Status.RESOLVED, description="电梯又坏了")
    order_in(world, Status.DISPATCHED, description="还在办的电梯问题")
    order_in(world, Status.DECLINED, description="不予受理的电梯问题")
    artifact_register(path=model_file, activate=True)  # only the next order has a suggestion
    invalidate_model()
    corrected = waiting(world, CLEAR_ELEVATOR, "sanitation-garbage")
    services.workorder_dispatch(
        order=corrected,
        by=world.person("dispatcher"),
        lead=world.units["so_a"],
        category="noise-construction",
    )
    order_in(
        world, Status.RESOLVED, category=category("noise-construction"), description="工地夜间施工"
    )

    rows = list(training_rows())

    assert ("property-elevator", resolved.description) in rows
    assert ("noise-construction", CLEAR_ELEVATOR) in rows
    texts = [text for _code, text in rows]
    assert "还在办的电梯问题" not in texts and "不予受理的电梯问题" not in texts
    assert len(rows) == 4


def test_a_category_with_too_few_orders_is_left_out(world: World, matrix: None) -> None:
    order_in(world, Status.RESOLVED, description="电梯坏了")
    order_in(world, Status.RESOLVED, description="电梯又坏了")
    order_in(world, Status.RESOLVED, category=category("water-outage"), description="停水了")

    assert {code for code, _t in training_rows()} == {"property-elevator"}


def test_the_export_command_writes_a_table_the_classifier_reads(
    world: World, matrix: None, tmp_path: Path
) -> None:
    order_in(world, Status.RESOLVED, description="电梯\t坏了\n三天")
    order_in(world, Status.CLOSED, description="电梯又坏了")
    out = StringIO()

    call_command("classifier_orders_export", "--out", str(tmp_path / "orders.tsv"), stdout=out)

    rows = read_labelled(tmp_path / "orders.tsv")
    assert [(r.category, r.text) for r in rows] == [
        ("property-elevator", "电梯 坏了 三天"),
        ("property-elevator", "电梯又坏了"),
    ]
    assert json.loads(out.getvalue())["rows"] == 2


def test_retraining_from_orders_registers_and_activates_a_new_model(
    world: World, matrix: None, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    for code, text in synthetic_orders(per_category=8):
        order_in(world, Status.RESOLVED, category=category(code), description=text)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "dispatch_model",
            "retrain",
            "--out",
            str(tmp_path / "m.joblib"),
            "--activate",
            "--jobs",
            "1",
            stdout=out,
        )

    line = json.loads(out.getvalue())
    assert line["active"] and line["source"] == "orders" and line["n_rows"] == 32
    loaded = active_model()
    assert loaded is not None and loaded.version == line["version"]
    # Top-level categories by default.
    assert loaded.classifier.labels == ["noise", "property", "sanitation", "water"]
    assert loaded.classifier.predict_top(CLEAR_ELEVATOR, 1)[0][0] == "property"


def test_training_rows_can_carry_the_top_level_categories(world: World, matrix: None) -> None:
    order_in(world, Status.RESOLVED, description="电梯坏了")
    order_in(world, Status.RESOLVED, category=category("property-fees"), description="物业费太贵")

    assert list(training_rows(level="top")) == [
        ("property", "电梯坏了"),
        ("property", "物业费太贵"),
    ]
    assert list(training_rows(level="leaf")) == []  # one order per leaf: too few


def test_retraining_with_too_few_orders_says_so(world: World, matrix: None) -> None:
    with pytest.raises(CommandError, match="too_few_orders"):
        call_command("dispatch_model", "retrain")
