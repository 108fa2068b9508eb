"""The in-app inbox page: what each person sees, marking read, and the count in the navigation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongzhi.notifications.models import Notification
from gongzhi.notifications.services import notify
from gongzhi.testing import World
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.tests.factories import order_in

HTMX = {"HX-Request": "true"}


def signed_in(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.person(name))
    return client


@pytest.fixture
def dispatched(world: World) -> WorkOrder:
    """An order dispatched to property company X: its inbox gets a "dispatched" notice."""
    return order_in(world, Status.DISPATCHED)


def to_unit(dispatched: WorkOrder) -> Notification:
    return Notification.objects.get(event="dispatched", recipient_unit__isnull=False)


def test_the_lead_units_staff_see_the_notice_in_their_inbox(
    world: World, dispatched: WorkOrder
) -> None:
    page = signed_in(world, "property_staff_x").get("/notifications/").content.decode()

    assert f"新派工单：{dispatched.number}" in page
    assert "发给 " in page  # addressed to the unit, not to the person


def test_another_units_staff_do_not_see_it(world: World, dispatched: WorkOrder) -> None:
    page = signed_in(world, "secretary_b1").get("/notifications/").content.decode()

    assert dispatched.number not in page
    assert "还没有通知" in page


def test_the_inbox_needs_a_sign_in(world: World) -> None:
    response = Client().get("/notifications/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_notice_to_the_person_is_shown_as_theirs(world: World) -> None:
    resident = world.person("resident_a1")
    notify(recipients=[resident], event="received", params={"number": "20260301000001"})

    page = signed_in(world, "resident_a1").get("/notifications/").content.decode()

    assert "您的诉求已受理：20260301000001" in page
    assert "发给您" in page


def test_opening_a_notice_marks_it_read_and_goes_to_its_order(
    world: World, dispatched: WorkOrder
) -> None:
    row = to_unit(dispatched)

    response = signed_in(world, "property_staff_x").post(f"/notifications/{row.pk}/open/")

    row.refresh_from_db()
    assert response["Location"] == f"/orders/{dispatched.number}/"
    assert row.read_at is not None


def test_a_notice_without_an_order_goes_to_the_path_it_names(world: World) -> None:
    [row] = notify(
        recipients=[world.person("secretary_a1")],
        event="received",
        params={"number": "X", "url": "/places/"},
    )

    response = signed_in(world, "secretary_a1").post(f"/notifications/{row.pk}/open/")

    assert response["Location"] == "/places/"


def test_a_notice_never_sends_the_reader_to_another_site(world: World) -> None:
    [row] = notify(
        recipients=[world.person("secretary_a1")],
        event="received",
        params={"number": "X", "url": "//example.com/"},
    )

    response = signed_in(world, "secretary_a1").post(f"/notifications/{row.pk}/open/")

    assert response["Location"] == "/notifications/"


def test_marking_read_with_htmx_returns_the_row_marked_read(
    world: World, dispatched: WorkOrder
) -> None:
    row = to_unit(dispatched)

    response = signed_in(world, "property_staff_x").post(
        f"/notifications/{row.pk}/read/", headers=HTMX
    )

    html = response.content.decode()
    assert f'id="notification-{row.pk}"' in html and "已读" in html
    assert "<html" not in html
    row.refresh_from_db()
    assert row.read_at is not None


def test_nobody_marks_read_a_notice_that_is_not_theirs(world: World, dispatched: WorkOrder) -> None:
    row = to_unit(dispatched)

    response = signed_in(world, "secretary_b1").post(f"/notifications/{row.pk}/read/")

    row.refresh_from_db()
    assert response.status_code == 404
    assert row.read_at is None


def test_mark_all_read_reads_the_persons_and_their_units_notices_only(
    world: World, dispatched: WorkOrder
) -> None:
    staff = world.person("property_staff_x")
    notify(recipients=[staff], event="received", params={"number": "X"})
    elsewhere = notify(recipients=[world.units["cc_b1"]], event="received", params={"number": "Y"})

    signed_in(world, "property_staff_x").post("/notifications/read-all/")

    assert not Notification.objects.filter(
        channel="in_app", read_at__isnull=True, recipient_person=staff
    ).exists()
    assert to_unit(dispatched).read_at is not None
    elsewhere[0].refresh_from_db()
    assert elsewhere[0].read_at is None


def test_the_unread_tab_leaves_out_read_notices(world: World, dispatched: WorkOrder) -> None:
    staff = world.person("property_staff_x")
    [read] = notify(recipients=[staff], event="received", params={"number": "READ-ONE"})
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)

    page = signed_in(world, "property_staff_x").get("/notifications/?show=unread").content.decode()

    assert dispatched.number in page
    assert "READ-ONE" not in page


def test_the_navigation_fetches_the_unread_count_after_the_page(world: World) -> None:
    page = signed_in(world, "property_staff_x").get("/").content.decode()

    assert 'href="/notifications/"' in page
    assert 'hx-get="/notifications/count/"' in page


def test_the_count_fragment_says_how_many_are_unread(world: World, dispatched: WorkOrder) -> None:
    client = signed_in(world, "property_staff_x")

    before = client.get("/notifications/count/").content.decode()
    client.post("/notifications/read-all/")
    after = client.get("/notifications/count/").content.decode()

    assert 'class="nav-count"' in before and ">1</span>" in before
    assert 'class="nav-count"' not in after
    assert 'hx-trigger="every 60s"' in after  # it keeps polling


def test_the_count_without_a_session_is_empty_not_the_login_page(world: World) -> None:
    response = Client().get("/notifications/count/")

    assert (response.status_code, response.content) == (204, b"")


def test_the_inbox_page_costs_a_bounded_number_of_queries(
    world: World, dispatched: WorkOrder, django_assert_max_num_queries: Any
) -> None:
    unit = world.units["property_x"]
    for n in range(30):
        notify(recipients=[unit], event="received", params={"number": f"N{n}"})
    client = signed_in(world, "property_staff_x")

    # Session, person, posts, the person's units (scope), the page count, the rows, the unread
    # count of the page and of the navigation: none of them grows with the rows.
    with django_assert_max_num_queries(9):
        response = client.get("/notifications/")

    assert response.status_code == 200
    assert response.content.decode().count("inbox-row") == 20  # one page
