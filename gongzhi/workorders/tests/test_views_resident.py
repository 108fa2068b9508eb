"""The public resident pages: filing, tracking by number and phone, the resident's view."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gongzhi.testing import World
from gongzhi.web.models import Throttle
from gongzhi.workorders import services
from gongzhi.workorders.models import Channel, Status, WorkOrder
from gongzhi.workorders.tests.factories import category, order_in

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Any) -> None:
    """Photos in a temporary directory, orders left for the desk."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.GONGZHI_AUTO_DISPATCH = False


def filing(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "complaint",
        "category": category().code,
        "description": "小区门口垃圾三天没人清运。",
        "lng": "116.35",
        "lat": "39.95",
        "address": "东门",
        "name": "王芳",
        "phone": "13800138000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_resident_files_a_request_and_is_shown_its_number(world: World, client: Client) -> None:
    response = client.post("/orders/file/", filing(), follow=True)

    order = WorkOrder.objects.get()
    assert (order.channel, order.compound_id, order.requester_phone) == (
        Channel.WEB,
        world.compound_a1.pk,
        "13800138000",
    )
    assert order.number in response.content.decode()


def test_photos_are_stored_with_the_request(world: World, client: Client) -> None:
    photo = SimpleUploadedFile("door.png", PNG, content_type="image/png")

    client.post("/orders/file/", {**filing(), "photos": [photo]})

    assert WorkOrder.objects.get().photos.count() == 1


def test_a_file_that_is_not_an_image_is_refused_with_the_domains_message(
    world: World, client: Client
) -> None:
    fake = SimpleUploadedFile("door.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")

    response = client.post("/orders/file/", {**filing(), "photos": [fake]})

    assert response.status_code == 400
    assert "不是JPEG、PNG或WebP图片" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_a_point_outside_the_district_is_refused_and_nothing_stored(
    world: World, client: Client
) -> None:
    response = client.post("/orders/file/", filing(lng="121.47", lat="31.23"))

    assert response.status_code == 400
    assert "位置不在本区范围内" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_a_request_without_any_place_is_sent_back_with_a_message(
    world: World, client: Client
) -> None:
    response = client.post("/orders/file/", filing(lng=None, lat=None, address=None))

    assert response.status_code == 400
    assert "请在地图上点选位置" in response.content.decode()


def test_the_number_page_is_only_shown_to_the_browser_that_filed(
    world: World, client: Client
) -> None:
    client.post("/orders/file/", filing())
    number = WorkOrder.objects.get().number

    assert Client().get(f"/orders/file/{number}/done/").status_code == 404


def test_the_filing_map_serves_the_outlines_without_a_login(world: World, client: Client) -> None:
    data = client.get("/orders/file/map.geojson").json()

    kinds = sorted({f["properties"]["kind"] for f in data["features"]})
    assert kinds == ["compound", "district"]


def test_compound_search_needs_no_login(world: World, client: Client) -> None:
    response = client.get("/orders/file/places/", {"q": "永安"})

    assert "永安里小区" in response.content.decode()


def test_tracking_with_the_number_and_phone_shows_the_progress(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RESOLVED)

    response = client.post(
        "/orders/track/", {"number": order.number, "phone": "13912341234"}, follow=True
    )

    page = response.content.decode()
    assert "已联系电梯维保单位修复" in page  # the feedback to the requester
    assert "请评价办理结果" in page


def test_a_wrong_phone_and_an_unknown_number_get_the_same_answer(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RECEIVED)

    wrong_phone = client.post("/orders/track/", {"number": order.number, "phone": "13000000000"})
    unknown = client.post("/orders/track/", {"number": "20990101000001", "phone": "13912341234"})

    assert (wrong_phone.status_code, unknown.status_code) == (404, 404)
    assert _message(wrong_phone) == _message(unknown)


def _message(response: Any) -> str:
    page = response.content.decode()
    start = page.index('id="track-error"')
    return page[start : page.index("</div>", start)]


def test_tracking_is_paused_after_repeated_failures(world: World, client: Client) -> None:
    order = order_in(world, Status.RECEIVED)
    for _ in range(10):
        client.post("/orders/track/", {"number": order.number, "phone": "13000000000"})

    response = client.post("/orders/track/", {"number": order.number, "phone": "13912341234"})

    assert response.status_code == 429


def test_the_pause_holds_in_every_server_process(world: World, client: Client) -> None:
    order = order_in(world, Status.RECEIVED)
    for _ in range(10):
        client.post("/orders/track/", {"number": order.number, "phone": "13000000000"})
    # Another process has its own memory, not its own database: as if the next request went
    # to another worker.
    cache.clear()

    response = client.post("/orders/track/", {"number": order.number, "phone": "13912341234"})

    assert response.status_code == 429
    (row,) = Throttle.objects.filter(scope="track")
    assert row.failures == 10
    assert "127.0.0.1" not in row.key  # the address is not kept, only a keyed hash of it


def test_the_pause_ends_with_its_window_and_other_clients_are_not_paused(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RECEIVED)
    for _ in range(10):
        client.post("/orders/track/", {"number": order.number, "phone": "13000000000"})
    right = {"number": order.number, "phone": "13912341234"}

    elsewhere = client.post("/orders/track/", right, REMOTE_ADDR="10.0.0.2")
    Throttle.objects.update(window_ends_at=timezone.now() - dt.timedelta(seconds=1))
    later = client.post("/orders/track/", right)

    assert (elsewhere.status_code, later.status_code) == (302, 302)


def test_the_progress_page_needs_the_proof_first(world: World, client: Client) -> None:
    order = order_in(world, Status.RECEIVED)

    response = client.get(f"/orders/track/{order.number}/")

    assert response["Location"] == "/orders/track/"


def _tracking(client: Client, order: WorkOrder, phone: str = "13912341234") -> None:
    client.post("/orders/track/", {"number": order.number, "phone": phone})


def test_the_requester_rates_a_resolved_order_on_the_progress_page(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RESOLVED)
    _tracking(client, order)

    response = client.post(
        f"/orders/track/{order.number}/rate/",
        {"resolved": "yes", "satisfaction": "satisfied", "note": "很及时"},
        headers={"HX-Request": "true"},
    )

    order.refresh_from_db()
    assert response.status_code == 200
    assert "已作为本次回访记录" in response.content.decode()
    assert order.status == Status.CALLED_BACK
    assert order.callbacks.get().channel == "requester"


def test_the_rating_form_is_gone_once_rated(world: World, client: Client) -> None:
    order = order_in(world, Status.RESOLVED)
    _tracking(client, order)
    client.post(
        f"/orders/track/{order.number}/rate/", {"resolved": "yes", "satisfaction": "satisfied"}
    )

    page = client.get(f"/orders/track/{order.number}/").content.decode()

    assert "请评价办理结果" not in page
    assert "您已评价办理结果" in page  # on the resident's timeline


def test_rating_not_resolved_tells_the_requester_it_is_handled_again(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RESOLVED)
    _tracking(client, order)

    response = client.post(
        f"/orders/track/{order.number}/rate/", {"resolved": "no", "satisfaction": "unsatisfied"}
    )

    order.refresh_from_db()
    assert "重新办理" in response.content.decode()
    assert (order.status, order.reopen_count) == (Status.ACCEPTED, 1)


def test_a_second_rating_from_another_tab_gets_the_domains_message(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RESOLVED)
    _tracking(client, order)
    url = f"/orders/track/{order.number}/rate/"
    client.post(url, {"resolved": "yes", "satisfaction": "satisfied"})

    response = client.post(url, {"resolved": "no", "satisfaction": "unsatisfied"})

    order.refresh_from_db()
    assert "当前状态下不能进行此操作" in response.content.decode()
    assert (order.status, order.callbacks.count()) == (Status.CALLED_BACK, 1)


def test_rating_needs_the_proof_of_tracking_first(world: World, client: Client) -> None:
    order = order_in(world, Status.RESOLVED)

    response = client.post(
        f"/orders/track/{order.number}/rate/", {"resolved": "yes", "satisfaction": "satisfied"}
    )

    order.refresh_from_db()
    assert response.status_code == 404
    assert order.status == Status.RESOLVED


def test_tracking_accepts_the_phone_written_another_way(world: World, client: Client) -> None:
    order = order_in(world, Status.RESOLVED)

    response = client.post("/orders/track/", {"number": order.number, "phone": "139 1234 1234"})

    assert response["Location"] == f"/orders/track/{order.number}/"


def test_the_residents_timeline_leaves_out_the_offices_working_notes(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RETURNED)  # returned with the reason 非本单位职责
    services.requester_reveal(order=order, by=world.person("operator"), purpose="核实")
    client.post("/orders/track/", {"number": order.number, "phone": "13912341234"})

    page = client.get(f"/orders/track/{order.number}/").content.decode()

    assert "诉求已受理" in page
    assert "非本单位职责" not in page
    assert "查看诉求人信息" not in page


def test_a_signed_in_resident_files_as_themselves(world: World, client: Client) -> None:
    resident = world.person("resident_a1")
    resident.phone = "13600001111"
    resident.save(update_fields=["phone"])
    client.force_login(resident)
    assert 'value="13600001111"' in client.get("/orders/file/").content.decode()

    client.post("/orders/file/", filing(phone="13600001111"))

    assert WorkOrder.objects.get().requester_person == resident


def test_on_a_gcj02_map_the_picked_point_is_stored_in_wgs84(
    world: World, client: Client, settings: Any
) -> None:
    from gongzhi.places.coords import wgs84_to_gcj02

    settings.GONGZHI_TILE_CRS = "gcj02"
    lng, lat = wgs84_to_gcj02(116.35, 39.95)

    client.post("/orders/file/", filing(lng=str(lng), lat=str(lat)))

    stored = WorkOrder.objects.values_list("lng", "lat").get()
    assert [round(v or 0.0, 5) for v in stored] == [116.35, 39.95]
