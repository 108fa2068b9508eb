"""Intake: numbers, places, photos, idempotency, and dispatch by the responsibility matrix."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gongzhi.workorders.errors import (
    CategoryNotFound,
    InvalidInput,
    InvalidPhoto,
    OutsideDistrict,
)
from gongzhi.workorders.models import EventKind, Photo, Status, WorkOrder, WorkOrderEvent
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_matrix
from gongzhi.workorders.tests.factories import category, receive

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


# --- Numbers ---------------------------------------------------------------------------------


def test_numbers_are_the_date_and_a_daily_sequence(world):
    with time_machine.travel(dt.datetime(2025, 10, 9, 23, 59, tzinfo=SHANGHAI), tick=False):
        first, second = receive(world), receive(world)
    with time_machine.travel(dt.datetime(2025, 10, 10, 0, 1, tzinfo=SHANGHAI), tick=False):
        next_day = receive(world)

    assert [first.number, second.number, next_day.number] == [
        "20251009000001",
        "20251009000002",
        "20251010000001",
    ]


def test_the_number_uses_the_shanghai_date_not_utc(world):
    # 07:30 on 10 October in Shanghai is still 9 October in UTC.
    with time_machine.travel(dt.datetime(2025, 10, 10, 7, 30, tzinfo=SHANGHAI), tick=False):
        assert receive(world).number.startswith("20251010")


# --- Place -----------------------------------------------------------------------------------


def test_a_point_finds_the_compound_community_and_subdistrict(world):
    order = receive(world, lng=116.35, lat=39.95)

    assert (order.compound, order.community, order.subdistrict) == (
        world.compound_a1,
        world.comm_a1,
        world.sd_a,
    )


def test_a_point_outside_the_district_is_refused_and_nothing_is_stored(world):
    with pytest.raises(OutsideDistrict) as refused:
        receive(world, lng=117.20, lat=39.13)  # Tianjin

    assert refused.value.code == "outside_district"
    assert WorkOrder.objects.count() == 0
    assert WorkOrderEvent.objects.count() == 0


def test_a_compound_given_without_a_point_sets_its_community_and_subdistrict(world):
    order = receive(world, lng=None, lat=None, compound=world.compound_b1)

    assert (order.community, order.subdistrict) == (world.comm_b1, world.sd_b)


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"description": "   "}, InvalidInput),
        ({"kind": "gossip"}, InvalidInput),
        ({"urgency": "whenever"}, InvalidInput),
        ({"lng": 116.35, "lat": None}, InvalidInput),
        ({"category": "no-such-category"}, CategoryNotFound),
        # A NUL character, which no database keeps in text (the API's JSON may carry one).
        ({"description": "电梯\x00停运"}, InvalidInput),
        ({"address": "3号楼\x00"}, InvalidInput),
        ({"requester_name": "张\x00三"}, InvalidInput),
        # A lone UTF-16 surrogate (JSON's "\\ud800"), which UTF-8 cannot encode.
        ({"description": "电梯\ud800停运"}, InvalidInput),
    ],
)
def test_bad_input_is_refused_with_nothing_stored(world, override, error):
    with pytest.raises(error):
        receive(world, **override)

    assert WorkOrder.objects.count() == 0


# --- Photos ----------------------------------------------------------------------------------


def test_jpeg_png_and_webp_photos_are_stored_with_their_type(world, media):
    photos = [
        SimpleUploadedFile("a.jpg", JPEG),
        SimpleUploadedFile("b.png", PNG),
        SimpleUploadedFile("c.webp", WEBP),
    ]

    order = receive(world, photos=photos)

    assert list(order.photos.values_list("content_type", flat=True)) == [
        "image/jpeg",
        "image/png",
        "image/webp",
    ]
    assert len(stored_files(media)) == 3


def test_a_file_named_like_an_image_but_not_one_is_refused_with_nothing_stored(world, media):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")

    with pytest.raises(InvalidPhoto) as refused:
        receive(world, photos=[SimpleUploadedFile("ok.png", PNG), fake])

    assert refused.value.code == "invalid_photo"
    assert (WorkOrder.objects.count(), Photo.objects.count(), stored_files(media)) == (0, 0, [])


def test_an_oversized_photo_is_refused_with_nothing_stored(world, media, settings):
    settings.GONGZHI_PHOTO_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048)

    with pytest.raises(InvalidPhoto):
        receive(world, photos=[big])

    assert (WorkOrder.objects.count(), stored_files(media)) == (0, [])


def test_too_many_photos_are_refused(world, media, settings):
    settings.GONGZHI_PHOTO_MAX_COUNT = 2

    with pytest.raises(InvalidPhoto):
        receive(world, photos=[SimpleUploadedFile(f"{i}.png", PNG) for i in range(3)])

    assert WorkOrder.objects.count() == 0


# --- Idempotency -----------------------------------------------------------------------------


def test_the_same_key_from_the_same_source_gives_one_order(world):
    first = receive(world, by=None, channel="app", source="wechat-mini", idempotency_key="k-1")
    again = receive(world, by=None, channel="app", source="wechat-mini", idempotency_key="k-1")

    assert again.pk == first.pk
    assert WorkOrder.objects.count() == 1
    assert WorkOrderEvent.objects.filter(kind=EventKind.RECEIVED).count() == 1


def test_the_same_key_from_another_source_is_another_order(world):
    a = receive(world, by=None, channel="app", source="client-a", idempotency_key="k-1")
    b = receive(world, by=None, channel="app", source="client-b", idempotency_key="k-1")

    assert a.pk != b.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_concurrently_gives_one_order(world, matrix):
    # Two requests with one key at the same moment: the unique constraint lets one insert
    # through; the other's insert waits for it, fails, and answers with the winner's order.
    barrier = threading.Barrier(2)
    results: list[object] = []

    def post() -> None:
        try:
            barrier.wait(timeout=10)
            order = receive(
                world,
                by=None,
                channel="app",
                source="race",
                idempotency_key="k-race",
                category=category("property-elevator"),
                auto_dispatch=True,
            )
            results.append(order.pk)
        except Exception as exc:  # reported by the assertion below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert len(results) == 2 and results[0] == results[1], results
    assert WorkOrder.objects.filter(source="race").count() == 1
    assert WorkOrderEvent.objects.filter(order__source="race").count() == 2  # received, dispatched


@pytest.mark.postgres
def test_the_one_statement_is_prepared_once_per_connection(world, matrix):
    # services/intake_write.py: the order and its rows in one prepared statement, one per
    # set of tables written (these three write the same: no duplicate links between them).
    for text in ("3号楼电梯停运", "小区西门路灯不亮", "垃圾桶三天没有清运"):
        receive(world, category=category("property-elevator"), auto_dispatch=True, description=text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE 'WITH o AS (INSERT INTO \"workorders_workorder\"%%'"
        )
        assert cursor.fetchone()[0] == 1
    assert WorkOrderEvent.objects.count() == 6  # received and auto_dispatched, each


@pytest.mark.postgres
def test_without_prepared_statements_the_same_rows_are_written(world, matrix, settings):
    settings.GONGZHI_DB_PREPARED_STATEMENTS = False  # behind a pooler that cannot keep them
    order = receive(world, category=category("property-elevator"), auto_dispatch=True)

    assert order.status == Status.DISPATCHED and order.number.isdigit()
    assert list(order.events.values_list("kind", flat=True)) == [
        EventKind.RECEIVED,
        EventKind.AUTO_DISPATCHED,
    ]
    assert order.assignments.count() == 2  # the property company leads, the community assists
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0


# --- Dispatch by the responsibility matrix ---------------------------------------------------


@pytest.fixture
def matrix(world):
    category()  # seeds the tree
    seed_matrix()


@pytest.mark.parametrize(
    ("code", "point", "lead", "assisting"),
    [
        ("property-elevator", (116.35, 39.95), "property_x", {"cc_a1"}),
        # No property company serves compound A2: the community committee leads (专班 fallback).
        ("property-elevator", (116.45, 39.95), "cc_a2", {"so_a"}),
        ("illegal-construction-rooftop", (116.45, 39.95), "so_a", set()),
        ("traffic-parking", (116.60, 39.95), "dept_traffic", set()),
        ("water-outage", (116.60, 39.95), "utility_water", set()),
    ],
)
def test_the_matrix_places_the_order(world, matrix, code, point, lead, assisting):
    order = receive(world, category=category(code), lng=point[0], lat=point[1], auto_dispatch=True)

    live = {a.unit_id: a.role for a in order.assignments.filter(released_at__isnull=True)}
    assert order.status == Status.DISPATCHED
    assert order.lead_unit == world.units[lead]
    assert {uid for uid, role in live.items() if role == "assist"} == {
        world.units[k].pk for k in assisting
    }
    assert order.events.filter(kind=EventKind.AUTO_DISPATCHED, actor=None).exists()


def test_an_order_the_matrix_cannot_place_waits_for_the_dispatcher(world, matrix):
    # 供暖 goes to utility-heating, which the test district does not have.
    order = receive(world, category=category("heating-cold"), auto_dispatch=True)

    assert order.status == Status.RECEIVED and order.lead_unit is None


# --- Query counts ----------------------------------------------------------------------------


def test_one_intake_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    cat = category("property-elevator")
    receive(world)  # warm the place index and the person's memberships
    receive(world)  # the first comparison of two texts builds the gazetteer

    # category lineage (a category read by the test, not intake's cached one), the open
    # orders at the place (dispatch.duplicates); then on PostgreSQL one statement writing the
    # numbered order, its event and the links to the two same requests before
    # (services/intake_write.py), on SQLite savepoint, number, order, event, links, release.
    # Time limits come from workorders.reference; the idempotency key needs no look-up.
    with django_assert_num_queries({"postgresql": 3}.get(connection.vendor, 8)):
        receive(world, category=cat)


def test_one_intake_with_matrix_dispatch_takes_a_fixed_number_of_queries(
    world, matrix, django_assert_num_queries
):
    cat = category("property-elevator")
    receive(world, auto_dispatch=True)  # the matrix's units at this place are remembered
    receive(world, auto_dispatch=True)

    # + assignments and the units' notifications: in the same one statement on PostgreSQL, an
    # INSERT each on SQLite (the order is written dispatched, both events in one INSERT);
    # rules and units come from workorders.reference
    with django_assert_num_queries({"postgresql": 3}.get(connection.vendor, 10)):
        receive(world, category=cat, auto_dispatch=True)
