"""Requester contact data: masked by default, revealed only to those who must call, logged."""

from __future__ import annotations

import pytest

from gongzhi.workorders.errors import InvalidInput, NotPermitted
from gongzhi.workorders.models import EventKind, RevealLog, Status
from gongzhi.workorders.privacy import mask_name, mask_phone, requester_masked
from gongzhi.workorders.services import requester_reveal
from gongzhi.workorders.tests.factories import order_in


@pytest.mark.parametrize(
    ("name", "masked"), [("张三丰", "张**"), ("李四", "李*"), ("欧阳娜娜", "欧***"), ("", "")]
)
def test_names_keep_only_the_surname(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13912341234", "139****1234"), ("65091234", "******34"), ("110", "***"), ("", "")],
)
def test_phones_keep_only_the_ends(phone, masked):
    assert mask_phone(phone) == masked


def test_an_order_shows_its_requester_masked(world):
    order = order_in(world, Status.RECEIVED)

    assert str(requester_masked(order)) == "张** 139****1234"


def test_a_reveal_returns_the_contact_data_and_is_logged(world):
    order = order_in(world, Status.ACCEPTED)
    staff = world.person("property_staff_x")

    revealed = requester_reveal(order=order, by=staff, purpose="上门前电话联系")

    log = RevealLog.objects.get()
    assert revealed == ("张三丰", "13912341234")
    assert (log.person, log.order, log.unit, log.purpose) == (
        staff,
        order,
        world.units["property_x"],
        "上门前电话联系",
    )
    assert order.events.filter(kind=EventKind.REQUESTER_REVEALED, actor=staff).exists()


def test_the_lead_unit_may_no_longer_reveal_once_it_has_resolved_the_order(world):
    order = order_in(world, Status.RESOLVED)

    with pytest.raises(NotPermitted):
        requester_reveal(order=order, by=world.person("property_staff_x"), purpose="回访")

    assert RevealLog.objects.count() == 0


def test_an_assisting_community_may_not_reveal(world):
    order = order_in(world, Status.ACCEPTED)

    with pytest.raises(NotPermitted):
        requester_reveal(order=order, by=world.person("secretary_a1"), purpose="了解情况")


def test_a_reveal_needs_a_purpose(world):
    order = order_in(world, Status.ACCEPTED)

    with pytest.raises(InvalidInput):
        requester_reveal(order=order, by=world.person("dispatcher"), purpose="  ")

    assert RevealLog.objects.count() == 0
