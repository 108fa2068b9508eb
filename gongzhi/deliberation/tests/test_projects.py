"""办 and 督: projects linked to work orders both ways, budgets spent against plan, progress,
supervision visits, and the deadline warnings of the periodic scan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gongzhi.deliberation import selectors, services
from gongzhi.deliberation.errors import InvalidPhoto, NotARepresentative, OverBudget
from gongzhi.deliberation.models import CaseEvent, Origin, Project, Step
from gongzhi.deliberation.tests.factories import START, Deliberation, case_at, project_of
from gongzhi.notifications.models import Notification
from gongzhi.workorders.tests.factories import receive

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def working(d: Deliberation) -> Project:
    return project_of(case_at(d, Step.SUPERVISE))


# --- Work orders ↔ projects -------------------------------------------------------------------


def test_a_hotspot_proposal_carries_its_orders_to_the_project(d: Deliberation) -> None:
    orders = [receive(d.world) for _ in range(3)]
    proposal = services.proposal_submit(
        by=d.secretary,
        place=d.place,
        title="电梯频繁停运",
        body="本月同类诉求3件",
        origin=Origin.HOTSPOT,
        work_orders=orders,
        at=START,
    )
    case = services.proposal_accept(proposal=proposal, by=d.secretary, at=START)
    d.extra.clear()
    # Drive the same case on through the steps: reuse the factory's path from its meeting on.
    from gongzhi.deliberation.tests.factories import passed_motion

    motion = passed_motion(d, case, at=START + dt.timedelta(days=1))
    resolution = services.resolution_publish(
        motion=motion, by=d.secretary, at=START + dt.timedelta(days=4)
    )
    project = services.project_create(
        case=case,
        by=d.secretary,
        title="电梯大修",
        kind="facilities",
        deadline=dt.date(2025, 9, 30),
        lead_unit=d.world.units["property_x"],
        at=resolution.notice_ends_at,
    )
    assert set(selectors.orders_for_project(project)) == set(orders)
    assert [list(selectors.projects_for_order(o)) for o in orders] == [[project]] * 3


def test_an_order_linked_later_shows_its_project(d: Deliberation, working: Project) -> None:
    order = receive(d.world)
    services.project_link_orders(project=working, by=d.secretary, orders=[order])
    assert (
        list(selectors.projects_for_order(order)),
        list(selectors.orders_for_project(working)),
    ) == (
        [working],
        [order],
    )


def test_an_order_of_another_community_is_not_linked(d: Deliberation, working: Project) -> None:
    from gongzhi.deliberation.errors import InvalidInput

    elsewhere = receive(d.world, lng=116.60, lat=39.95)  # compound B1
    with pytest.raises(InvalidInput):
        services.project_link_orders(project=working, by=d.secretary, orders=[elsewhere])


# --- Budget -------------------------------------------------------------------------------------


def test_spending_adds_up_on_the_line(d: Deliberation, working: Project) -> None:
    line = working.budget_lines.get()
    for amount in ("5000.00", "4000.50"):
        services.spending_record(
            line=line, by=d.secretary, amount=Decimal(amount), on=dt.date(2025, 4, 1)
        )
    line.refresh_from_db()
    assert (line.spent, line.over_plan) == (Decimal("9000.50"), False)


def test_spending_over_plan_is_flagged(d: Deliberation, working: Project) -> None:
    line = working.budget_lines.get()  # planned 12,000
    entry = services.spending_record(
        line=line, by=d.secretary, amount=Decimal("13000"), on=dt.date(2025, 4, 1)
    )
    line.refresh_from_db()
    assert (entry.over_plan, line.over_plan, selectors.project_budget(working).over_plan) == (
        True,
        True,
        True,
    )


def test_spending_beyond_the_allowed_overrun_is_refused(d: Deliberation, working: Project) -> None:
    line = working.budget_lines.get()  # planned 12,000; 10 % overrun allowed → 13,200
    with pytest.raises(OverBudget):
        services.spending_record(
            line=line, by=d.secretary, amount=Decimal("13200.01"), on=dt.date(2025, 4, 1)
        )


def test_the_assisting_unit_records_progress(d: Deliberation, working: Project) -> None:
    update = services.progress_report(
        project=working, by=d.world.person("property_staff_x"), text="路灯到货", progress=60
    )
    working.refresh_from_db()
    assert (working.progress, update.unit_id) == (60, d.world.units["property_x"].pk)


def test_a_milestone_at_full_progress_is_done(d: Deliberation, working: Project) -> None:
    milestone = working.milestones.get()
    done = services.milestone_update(milestone=milestone, by=d.secretary, progress=100)
    assert done.done_at is not None


# --- Supervision visits --------------------------------------------------------------------------


def test_a_representative_records_a_visit_with_photos(d: Deliberation, working: Project) -> None:
    visit = services.visit_record(
        project=working,
        by=d.reps[2].person,
        findings="围挡不全",
        photos=[SimpleUploadedFile("a.png", PNG)],
    )
    assert (visit.representative_id, visit.photos.count()) == (d.reps[2].pk, 1)


def test_a_resident_cannot_record_a_visit(d: Deliberation, working: Project) -> None:
    with pytest.raises(NotARepresentative):
        services.visit_record(project=working, by=d.residents[0], findings="看过了")


def test_a_visit_photo_must_be_an_image(d: Deliberation, working: Project) -> None:
    with pytest.raises(InvalidPhoto):
        services.visit_record(
            project=working,
            by=d.reps[2].person,
            findings="围挡不全",
            photos=[SimpleUploadedFile("a.png", b"not an image at all")],
        )


def test_meeting_photos_are_checked_by_content(d: Deliberation) -> None:
    case_at(d, Step.DELIBERATE)
    meeting = d.extra["meeting"]
    saved = services.meeting_add_photos(
        meeting=meeting,
        by=d.secretary,
        files=[BytesIO(PNG), BytesIO(PNG)],
    )
    assert [(p.seq, p.content_type) for p in saved] == [(1, "image/png"), (2, "image/png")]


# --- Deadlines ------------------------------------------------------------------------------------


def test_the_scan_warns_once_before_the_deadline(d: Deliberation, working: Project) -> None:
    warn_at = working.warn_at
    first = services.projects_scan(now=warn_at + dt.timedelta(minutes=1))
    second = services.projects_scan(now=warn_at + dt.timedelta(minutes=2))
    warned = Notification.objects.filter(event="dl_project_deadline_near")
    assert (first.warned, second.warned) == ([working.pk], [])
    assert sorted(n.recipient_unit.code for n in warned) == ["cc-a1", "property-x"]  # type: ignore[union-attr]


def test_the_scan_marks_a_late_project_overdue_once(d: Deliberation, working: Project) -> None:
    due = working.due_at
    first = services.projects_scan(now=due + dt.timedelta(hours=1))
    second = services.projects_scan(now=due + dt.timedelta(hours=2))
    working.refresh_from_db()
    assert (first.overdue, second.overdue, working.overdue) == ([working.pk], [], True)
    assert CaseEvent.objects.filter(case_id=working.case_id, kind="overdue").count() == 1
    assert list(selectors.late_projects(d.secretary, now=due + dt.timedelta(hours=2))) == [working]


def test_the_deadline_is_the_end_of_the_day_in_shanghai(d: Deliberation, working: Project) -> None:
    local = working.due_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (local.date(), local.time()) == (
        working.deadline + dt.timedelta(days=1),
        dt.time(0, 0),
    )


def test_a_new_deadline_starts_the_warnings_over(d: Deliberation, working: Project) -> None:
    services.projects_scan(now=working.due_at + dt.timedelta(hours=1))
    moved = services.project_set_deadline(
        project=working,
        by=d.secretary,
        deadline=working.deadline + dt.timedelta(days=60),
        reason="冬季停工",
    )
    assert (moved.overdue, moved.warned_at, moved.overdue_at) == (False, None, None)


def test_the_scan_command_reports_what_it_did(d: Deliberation, working: Project) -> None:
    out = StringIO()
    call_command("scan_projects", stdout=out)
    # The factory's project is due in 2025: by now it is overdue.
    assert out.getvalue().strip() == (
        "warned 0, overdue 1, closed 0, reopened 0, waiting for ratings 0"
    )
