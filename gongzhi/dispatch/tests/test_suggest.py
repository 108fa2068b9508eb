"""Specifications of the suggestions at intake: the active model's top categories, the place, the
unit through the matrix, and automatic dispatch only above the threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from shapely.geometry import box

from gongzhi.dispatch.models import Decision, ModelArtifact, OrderSuggestion
from gongzhi.dispatch.services import ModelError, artifact_activate, artifact_register
from gongzhi.dispatch.suggest import active_model, advise
from gongzhi.dispatch.tests.conftest import CLEAR_ELEVATOR, VAGUE
from gongzhi.places import locate
from gongzhi.places.tests.factories import CompoundFactory
from gongzhi.testing import PASSWORD, World
from gongzhi.workorders.models import EventKind, Status, WorkOrder
from gongzhi.workorders.tests.factories import category, receive

HTMX = {"HX-Request": "true"}


def file(world: World, text: str, code: str = "property-elevator", **extra: Any) -> WorkOrder:
    """The operator files `text` under `code` at compound A1 (property X), auto-dispatch on."""
    return receive(
        world, category=category(code), description=text, **{"auto_dispatch": True, **extra}
    )


@pytest.fixture
def threshold(settings: Any) -> float:
    settings.GONGZHI_AUTO_DISPATCH_THRESHOLD = 0.8
    return 0.8


# --- the model's suggestion -------------------------------------------------------------------


def test_it_suggests_the_three_likeliest_categories_best_first(artifact: ModelArtifact) -> None:
    advice = advise(text=CLEAR_ELEVATOR, place_source="operator")

    codes = [g.code for g in advice.categories]
    confidences = [g.confidence for g in advice.categories]
    assert len(codes) == 3 and codes[0] == "property-elevator"
    assert confidences == sorted(confidences, reverse=True) and sum(confidences) <= 1.0001
    assert advice.model_version == artifact.version


def test_without_an_active_model_nothing_is_suggested_and_the_matrix_alone_dispatches(
    world: World, matrix: None
) -> None:
    order = file(world, VAGUE)

    assert advise(text=CLEAR_ELEVATOR, place_source="operator").categories == ()
    assert order.status == Status.DISPATCHED and order.lead_unit == world.units["property_x"]
    event = order.events.get(kind=EventKind.AUTO_DISPATCHED)
    assert "model_version" not in event.data
    assert not OrderSuggestion.objects.filter(order=order).exists()


def test_the_threshold_is_the_artifacts_own_unless_the_setting_gives_one(
    artifact: ModelArtifact, settings: Any
) -> None:
    loaded = active_model()
    assert loaded is not None
    assert loaded.threshold == pytest.approx(artifact.threshold)

    settings.GONGZHI_AUTO_DISPATCH_THRESHOLD = 0.5
    assert loaded.threshold == 0.5


def test_a_model_file_that_cannot_be_loaded_counts_as_no_model(
    world: World, matrix: None, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model")
    ModelArtifact.objects.create(
        version="broken", path=str(broken), active=True, registered_at="2025-01-01T00:00Z"
    )

    assert active_model() is None
    assert file(world, CLEAR_ELEVATOR).status == Status.DISPATCHED


def test_it_refuses_to_register_a_file_that_is_not_a_model(tmp_path: Path, db: None) -> None:
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model")

    with pytest.raises(ModelError) as caught:
        artifact_register(path=broken)
    assert caught.value.code == "not_an_artifact"


def test_activating_another_artifact_switches_intake_at_once(
    artifact: ModelArtifact, django_capture_on_commit_callbacks: Any
) -> None:
    assert active_model() is not None
    other = ModelArtifact.objects.create(
        version="other", path=artifact.path, registered_at=artifact.registered_at
    )

    with django_capture_on_commit_callbacks(execute=True):
        artifact_activate(artifact=other)

    loaded = active_model()
    assert loaded is not None and loaded.version == "other"
    assert list(ModelArtifact.objects.filter(active=True)) == [other]


# --- automatic dispatch -----------------------------------------------------------------------


def test_a_clear_request_filed_under_the_models_category_is_dispatched_automatically(
    world: World, artifact: ModelArtifact, threshold: float
) -> None:
    order = file(world, CLEAR_ELEVATOR)

    assert order.status == Status.DISPATCHED and order.lead_unit == world.units["property_x"]
    event = order.events.get(kind=EventKind.AUTO_DISPATCHED)
    assert event.actor is None
    assert event.data["model_version"] == artifact.version
    assert event.data["confidence"] >= threshold
    assert event.data["suggestion"]["categories"][0]["code"] == "property-elevator"
    assert OrderSuggestion.objects.get(order=order).decision == Decision.AUTO


def test_a_top_level_model_agrees_with_an_order_filed_under_a_category_below_it(
    world: World, matrix: None, top_model_file: Path, threshold: float
) -> None:
    artifact_register(path=top_model_file, activate=True)

    order = file(world, CLEAR_ELEVATOR)

    assert order.status == Status.DISPATCHED and order.lead_unit == world.units["property_x"]
    suggestion = OrderSuggestion.objects.get(order=order)
    assert suggestion.category is not None and suggestion.category.code == "property"
    assert suggestion.unit == world.units["property_x"]  # the matrix for 电梯故障 itself


def test_the_desk_names_a_top_level_suggestion_not_its_code(
    world: World, matrix: None, top_model_file: Path, threshold: float, client: Client
) -> None:
    artifact_register(path=top_model_file, activate=True)
    order = file(world, CLEAR_ELEVATOR, code="sanitation-garbage")  # the model says 物业管理
    client.login(username="dispatcher", password=PASSWORD)

    page = client.get("/orders/desk/dispatch/").content.decode()
    card = page[page.index(f'id="dispatch-{order.number}"') :]
    accept = card[card.index('data-action="accept-suggestion"') :]

    # The suggested category by its name, as in the category list (it was shown as "property").
    assert "物业管理" in accept[: accept.index("</button>")]
    assert ">property<" not in card and "采纳：property" not in card


def test_a_vague_request_waits_on_the_desk_with_three_suggestions_and_a_unit(
    world: World, artifact: ModelArtifact, threshold: float
) -> None:
    order = file(world, VAGUE)

    assert order.status == Status.RECEIVED and order.lead_unit is None
    suggestion = OrderSuggestion.objects.get(order=order)
    assert suggestion.decision == Decision.BELOW_THRESHOLD
    assert len(suggestion.categories) == 3
    assert suggestion.confidence is not None and suggestion.confidence < threshold
    assert suggestion.unit is not None  # the matrix's unit for the top category at A1


def test_a_request_filed_under_another_category_than_the_models_waits_for_the_dispatcher(
    world: World, artifact: ModelArtifact, threshold: float
) -> None:
    order = file(world, CLEAR_ELEVATOR, code="sanitation-garbage")

    assert order.status == Status.RECEIVED
    suggestion = OrderSuggestion.objects.get(order=order)
    assert suggestion.decision == Decision.CATEGORY_DIFFERS
    assert suggestion.category is not None and suggestion.category.code == "property-elevator"
    assert suggestion.unit == world.units["property_x"]


def test_the_operator_can_still_send_a_clear_request_to_the_dispatcher(
    world: World, artifact: ModelArtifact, threshold: float
) -> None:
    order = file(world, CLEAR_ELEVATOR, auto_dispatch=False)

    assert order.status == Status.RECEIVED
    assert OrderSuggestion.objects.get(order=order).decision == Decision.MANUAL


def test_an_intake_with_a_model_takes_a_fixed_number_of_queries(
    world: World, artifact: ModelArtifact, threshold: float, django_assert_num_queries: Any
) -> None:
    cat = category("property-elevator")
    file(world, CLEAR_ELEVATOR)
    file(world, "2号楼电梯异响")  # warm the model, place index, gazetteer, memberships

    # category lineage (the test's category, not intake's cached one); the open orders at the
    # place; then PostgreSQL: one statement writing the numbered order dispatched, both
    # events, assignments, the units' notifications, the link to the first (same text) and
    # the suggestion; SQLite: savepoint, number, order, assignments, events, notifications,
    # link, suggestion, release. Time limits, rules and units come from workorders.reference.
    with django_assert_num_queries({"postgresql": 3}.get(connection.vendor, 11)):
        receive(world, category=cat, description=CLEAR_ELEVATOR, auto_dispatch=True)


# --- the place ---------------------------------------------------------------------------------


def test_an_order_without_a_place_takes_the_place_its_text_names(
    world: World, artifact: ModelArtifact, threshold: float
) -> None:
    order = file(world, "永安里小区" + CLEAR_ELEVATOR, lng=None, lat=None)

    assert (order.compound_id, order.community_id, order.subdistrict_id) == (
        world.compound_a1.pk,
        world.comm_a1.pk,
        world.sd_a.pk,
    )
    assert OrderSuggestion.objects.get(order=order).place["source"] == "text"
    assert order.status == Status.DISPATCHED  # the matrix could place it


def test_a_place_name_of_two_communities_is_left_to_the_dispatcher(
    world: World, artifact: ModelArtifact
) -> None:
    for community, x in ((world.comm_a1, 116.32), (world.comm_b1, 116.65)):
        CompoundFactory(
            community=community,
            name="幸福家园",
            lng=x,
            lat=39.85,
            area=box(x - 0.01, 39.84, x + 0.01, 39.86),
        )
    locate.invalidate()

    order = file(world, "幸福家园" + VAGUE, lng=None, lat=None)

    assert order.compound_id is None and order.status == Status.RECEIVED
    [mention] = OrderSuggestion.objects.get(order=order).place["mentions"]
    assert mention["place"] is None and len(mention["candidates"]) == 2


# --- the pages ----------------------------------------------------------------------------------


def test_the_intake_panel_shows_the_suggested_categories_and_the_place(
    world: World, artifact: ModelArtifact, threshold: float, client: Client
) -> None:
    client.login(username="operator", password=PASSWORD)

    page = client.get(
        "/dispatch/intake/suggest/", {"description": "永安里小区" + CLEAR_ELEVATOR}, headers=HTMX
    ).content.decode()

    assert "电梯故障" in page and "data-would-auto" in page
    assert f"compound:{world.compound_a1.pk}" in page
    assert world.units["property_x"].name in page


def test_the_intake_panel_is_for_intake_staff_only(
    world: World, artifact: ModelArtifact, client: Client
) -> None:
    client.login(username="resident_a1", password=PASSWORD)

    assert client.get("/dispatch/intake/suggest/", {"description": "电梯"}).status_code == 403


def test_the_desk_shows_the_suggestions_and_one_click_accepts_them(
    world: World, artifact: ModelArtifact, threshold: float, client: Client
) -> None:
    order = file(world, CLEAR_ELEVATOR, code="sanitation-garbage")
    client.login(username="dispatcher", password=PASSWORD)

    page = client.get("/orders/desk/dispatch/").content.decode()
    assert artifact.version in page and 'data-action="accept-suggestion"' in page
    assert "物业管理 › 电梯故障" in page

    client.post(
        f"/orders/desk/dispatch/{order.number}/dispatch/",
        {
            "lead": world.units["property_x"].pk,
            "assisting": [world.units["cc_a1"].pk],
            "category": "property-elevator",
            "note": "采纳智能派单建议",
        },
        headers=HTMX,
    )

    order.refresh_from_db()
    assert order.status == Status.DISPATCHED and order.category.code == "property-elevator"
    assert order.events.get(kind=EventKind.DISPATCHED).data["category"] == {
        "from": "sanitation-garbage",
        "to": "property-elevator",
    }
