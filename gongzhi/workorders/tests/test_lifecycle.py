"""The side roads of an order's life: return and re-dispatch, 首接负责, extensions, whistles,
callbacks that reopen, merges and declines."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from gongzhi.workorders import services
from gongzhi.workorders.errors import (
    ExtensionPending,
    InvalidInput,
    InvalidMerge,
    NoPendingExtension,
    NotPermitted,
    TransitionNotAllowed,
    WhistleStateError,
)
from gongzhi.workorders.models import (
    Assignment,
    EventKind,
    ExtensionRequest,
    Status,
    WhistleCall,
)
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import order_in, receive


def test_a_return_goes_back_to_the_dispatcher_with_its_reason(world):
    order = order_in(world, Status.RETURNED)

    event = order.events.get(kind=EventKind.RETURNED)
    assert order.lead_unit is None
    assert (event.note, event.data["unit"]) == ("非本单位职责", "property-x")
    assert not order.assignments.filter(released_at__isnull=True).exists()


def test_a_return_needs_a_reason(world):
    order = order_in(world, Status.DISPATCHED)

    with pytest.raises(InvalidInput):
        services.workorder_return(order=order, by=world.person("property_staff_x"), reason="")


def test_the_first_receiver_may_not_return_an_order_it_has_accepted(world):
    order = order_in(world, Status.ACCEPTED)

    with pytest.raises(TransitionNotAllowed):
        services.workorder_return(
            order=order, by=world.person("property_staff_x"), reason="不归我管"
        )


def test_the_lead_unit_cannot_redispatch_its_order_elsewhere(world):
    order = order_in(world, Status.ACCEPTED)

    with pytest.raises(NotPermitted):
        services.workorder_redispatch(
            order=order, by=world.person("property_staff_x"), lead=world.units["cc_a1"]
        )


def test_a_redispatch_releases_the_old_units_and_keeps_the_history(world):
    order = order_in(world, Status.RETURNED)

    order = services.workorder_redispatch(
        order=order,
        by=world.person("dispatcher"),
        lead=world.units["cc_a1"],
        assisting=[world.units["so_a"]],
    )

    live = order.assignments.filter(released_at__isnull=True)
    assert order.lead_unit == world.units["cc_a1"]
    assert {(a.unit.code, a.role) for a in live} == {("cc-a1", "lead"), ("so-a", "assist")}
    assert order.assignments.filter(unit=world.units["property_x"]).get().state == "released"


def test_dispatch_refuses_the_hotline_centre_as_a_handling_unit(world):
    order = order_in(world, Status.RECEIVED)

    with pytest.raises(InvalidInput):
        services.workorder_dispatch(
            order=order, by=world.person("dispatcher"), lead=world.units["hotline"]
        )


def test_an_assisting_unit_reports_its_part_once(world):
    order = receive(world)
    order = services.workorder_dispatch(
        order=order,
        by=world.person("dispatcher"),
        lead=world.units["property_x"],
        assisting=[world.units["cc_a1"]],
    )
    order = services.workorder_accept(order=order, by=world.person("property_staff_x"))
    secretary = world.person("secretary_a1")

    assignment = services.workorder_assist_done(order=order, by=secretary, note="已协调业主")

    assert (assignment.unit, assignment.state) == (world.units["cc_a1"], Assignment.State.DONE)
    assert order.events.filter(kind=EventKind.ASSIST_DONE, actor=secretary).exists()
    with pytest.raises(TransitionNotAllowed):
        services.workorder_assist_done(order=order, by=secretary, note="再报一次")


# --- Extensions ------------------------------------------------------------------------------


def test_only_one_extension_may_wait_at_a_time(world):
    order = order_in(world, Status.ACCEPTED)
    staff = world.person("property_staff_x")
    services.workorder_extension_request(order=order, by=staff, working_days=2, reason="等配件")

    with pytest.raises(ExtensionPending):
        services.workorder_extension_request(order=order, by=staff, working_days=3, reason="再等等")


def test_a_denied_extension_leaves_the_deadline(world):
    order = order_in(world, Status.ACCEPTED)
    due = order.resolve_due_at
    services.workorder_extension_request(
        order=order, by=world.person("property_staff_x"), working_days=2, reason="等配件"
    )

    request = services.workorder_extension_decide(
        order=order, by=world.person("dispatcher"), approve=False, note="请按期办结"
    )

    order.refresh_from_db()
    assert request.state == ExtensionRequest.State.DENIED
    assert order.resolve_due_at == due
    assert order.events.filter(kind=EventKind.EXTENSION_DENIED).exists()


def test_deciding_without_a_pending_extension_is_refused(world):
    order = order_in(world, Status.ACCEPTED)

    with pytest.raises(NoPendingExtension):
        services.workorder_extension_decide(
            order=order, by=world.person("dispatcher"), approve=True
        )


@pytest.mark.parametrize("days", [0, 16])
def test_an_extension_must_be_between_one_and_the_maximum_working_days(world, days):
    order = order_in(world, Status.ACCEPTED)

    with pytest.raises(InvalidInput):
        services.workorder_extension_request(
            order=order, by=world.person("property_staff_x"), working_days=days, reason="等配件"
        )


# --- Whistles --------------------------------------------------------------------------------


def _whistled(world):
    order = order_in(world, Status.ACCEPTED)
    with time_machine.travel(dt.datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        (call,) = services.workorder_whistle(
            order=order,
            by=world.person("subdistrict_staff_a"),
            departments=[world.units["dept_traffic"]],
            note="小区门口占道停车",
        )
    return order, call


def test_a_whistle_gives_each_department_its_own_deadlines(world):
    order, call = _whistled(world)

    assert call.report_due_at == dt.datetime(2025, 9, 30, 12, 0, tzinfo=SHANGHAI)
    # Three working days after 30 September: 9, 10, 11 October (National Day in between).
    assert call.action_due_at == dt.datetime(2025, 10, 11, 23, 59, 59, tzinfo=SHANGHAI)
    assert call.caller_unit == world.units["so_a"]
    assert order.events.get(kind=EventKind.WHISTLE_CALLED).data == {"departments": ["dept-traffic"]}


def test_the_department_reports_in_and_acts_and_both_are_on_record(world):
    order, call = _whistled(world)
    staff = world.person("department_staff_traffic")

    with time_machine.travel(dt.datetime(2025, 9, 30, 11, 0, tzinfo=SHANGHAI), tick=False):
        services.whistle_report_in(call=call, by=staff, note="已到场")
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, 0, tzinfo=SHANGHAI), tick=False):
        call = services.whistle_action(call=call, by=staff, note="已设置禁停标志")

    reported, acted = order.events.filter(
        kind__in=[EventKind.WHISTLE_REPORTED, EventKind.WHISTLE_ACTED]
    )
    assert call.state == WhistleCall.State.ACTED
    assert (reported.data["in_time"], acted.data["in_time"]) == (True, False)


def test_only_the_summoned_department_reports_in(world):
    _order, call = _whistled(world)

    with pytest.raises(NotPermitted):
        services.whistle_report_in(call=call, by=world.person("property_staff_x"))


def test_a_department_acts_only_after_reporting_in(world):
    _order, call = _whistled(world)

    with pytest.raises(WhistleStateError):
        services.whistle_action(call=call, by=world.person("department_staff_traffic"), note="x")


def test_a_whistle_may_summon_departments_but_not_a_community(world):
    order = order_in(world, Status.ACCEPTED)

    with pytest.raises(InvalidInput):
        services.workorder_whistle(
            order=order, by=world.person("subdistrict_staff_a"), departments=[world.units["cc_a1"]]
        )


def test_another_subdistrict_may_not_whistle_on_this_order(world):
    order = order_in(world, Status.ACCEPTED, lng=116.60, lat=39.95)  # compound B1

    with pytest.raises(NotPermitted):
        services.workorder_whistle(
            order=order,
            by=world.person("subdistrict_staff_a"),
            departments=[world.units["dept_traffic"]],
        )


# --- Callback, reopen, close -----------------------------------------------------------------


def test_an_unresolved_callback_reopens_the_order_with_a_new_deadline(world):
    with time_machine.travel(dt.datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        order = order_in(world, Status.RESOLVED)
    with time_machine.travel(dt.datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI), tick=False):
        order = services.workorder_callback(
            order=order,
            by=world.person("callback_agent"),
            resolved=False,
            satisfaction="unsatisfied",
            note="电梯仍未修好",
        )

    assert (order.status, order.reopen_count) == (Status.ACCEPTED, 1)
    assert order.resolve_due_at == dt.datetime(2026, 3, 2, 23, 59, 59, tzinfo=SHANGHAI)
    assert order.resolved_at is None
    assert list(order.events.values_list("kind", flat=True))[-2:] == [
        EventKind.CALLBACK,
        EventKind.REOPENED,
    ]
    lead = order.assignments.get(role="lead", released_at__isnull=True)
    assert lead.state == Assignment.State.ACCEPTED


def test_a_reopened_order_is_contacted_and_resolved_again(world):
    order = order_in(world, Status.CALLED_BACK)
    staff = world.person("property_staff_x")
    order = services.workorder_reopen(order=order, by=world.person("dispatcher"), reason="复发")
    first_contact = order.contacted_at

    order = services.workorder_contact(order=order, by=staff, note="再次联系")
    order = services.workorder_resolve(order=order, by=staff, feedback="更换主板")

    assert order.status == Status.RESOLVED
    assert order.contacted_at == first_contact  # the response rate keeps the first contact


def test_an_unreached_callback_leaves_the_order_resolved(world):
    order = order_in(world, Status.RESOLVED)

    order = services.workorder_callback(
        order=order, by=world.person("callback_agent"), reached=False, note="无人接听"
    )

    assert order.status == Status.RESOLVED
    assert order.callbacks.get().reached is False


def test_a_reached_callback_needs_an_answer(world):
    order = order_in(world, Status.RESOLVED)

    with pytest.raises(InvalidInput):
        services.workorder_callback(order=order, by=world.person("callback_agent"), resolved=True)


def test_a_callback_may_close_the_order_at_once(world):
    order = order_in(world, Status.RESOLVED)

    order = services.workorder_callback(
        order=order,
        by=world.person("callback_agent"),
        resolved=True,
        satisfaction="basically",
        close=True,
    )

    assert order.status == Status.CLOSED and order.closed_at is not None


# --- Merge and decline -----------------------------------------------------------------------


def test_a_duplicate_is_merged_into_its_original_and_both_say_so(world):
    original = order_in(world, Status.ACCEPTED)
    duplicate = receive(world)

    duplicate = services.workorder_merge(
        order=duplicate, into=original, by=world.person("dispatcher")
    )

    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, original)
    assert original.events.get(kind=EventKind.MERGED).data == {"duplicate": duplicate.number}


@pytest.mark.parametrize("target_status", [Status.MERGED, Status.DECLINED])
def test_nothing_merges_into_a_merged_or_declined_order(world, target_status):
    target = order_in(world, target_status)

    with pytest.raises(InvalidMerge):
        services.workorder_merge(order=receive(world), into=target, by=world.person("dispatcher"))


def test_an_order_does_not_merge_into_itself(world):
    order = receive(world)

    with pytest.raises(InvalidMerge):
        services.workorder_merge(order=order, into=order, by=world.person("dispatcher"))


def test_a_decline_needs_a_statutory_reason(world):
    order = receive(world)

    with pytest.raises(InvalidInput):
        services.workorder_decline(order=order, by=world.person("dispatcher"), reason_code="lazy")

    order = services.workorder_decline(
        order=order, by=world.person("dispatcher"), reason_code="judicial", note="已起诉"
    )
    assert (order.status, order.decline_reason) == (Status.DECLINED, "judicial")


def test_an_unreasonable_order_is_kept_out_of_scoring_with_who_and_why(world):
    order = order_in(world, Status.CONTACTED)

    order = services.workorder_mark_unreasonable(
        order=order, by=world.person("admin"), reason="要求物业免除全部费用"
    )

    assert order.excluded_from_scoring
    assert (order.exclusion_reason, order.excluded_by) == (
        "要求物业免除全部费用",
        world.person("admin"),
    )
    assert order.status == Status.CONTACTED  # handling goes on
    with pytest.raises(TransitionNotAllowed):
        services.workorder_mark_unreasonable(order=order, by=world.person("admin"), reason="再次")
