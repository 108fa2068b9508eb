"""The acceptance test of 共商共治 in real headless Chromium, through the pages only: one case
from a resident's proposal to its evaluation.

A resident proposes a topic on a phone and a neighbour supports it; the community secretary
accepts it into a case and calls a meeting; on the meeting console (a tablet) she opens the
meeting, taps four of the five representatives in (the quorum indicator turns green), puts a
motion and enters the hand count; she writes the minutes, closes the meeting and publishes the
resolution; a resident objects during the notice and the secretary answers; the notice period
passes; the secretary creates the project (units, a budget line, a milestone), links the
resident's earlier complaint (work order) to it and follows the links both ways, launches it,
reports progress and spending, a representative records a supervision visit, the project is
completed; three residents rate it and the secretary closes the evaluation: the case is closed.

How time passes: the notice period stays at its real setting (5 days). The test holds the clock
with time-machine, which replaces the process's clock functions for every thread (the live
server runs in a thread of this process), and shifts it 6 days forward once the objection is
answered; the sessions of the people signed in before have then expired (12 hours), so each
person signs in again in a new window, as they would. The browser's own clock is not moved:
nothing on these pages reads it.

Uses the harness in gongzhi/web/tests/browser.py. Screenshots go to GONGZHI_SCREENSHOTS
(default /tmp/gongzhi-screens), named deliberation-*.png.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from gongzhi.deliberation.models import (
    Case,
    Motion,
    MotionStatus,
    Project,
    Proposal,
    Rating,
    Step,
)
from gongzhi.deliberation.tests.factories import Deliberation
from gongzhi.testing import PASSWORD
from gongzhi.web.tests.browser import TIMEOUT_MS, log_in, screenshot_dir
from gongzhi.workorders.models import Status
from gongzhi.workorders.tests.factories import order_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
DESKTOP = {"width": 1280, "height": 860}


@contextmanager
def signed_in(
    browser: Any, live_server: Any, username: str, viewport: dict[str, int] = DESKTOP
) -> Iterator[Any]:
    """A fresh browser window signed in as one person."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, username=username, password=PASSWORD)
    try:
        yield page
    finally:
        context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"deliberation-{name}.png"), full_page=True)


def step_of(case: Case) -> str:
    case.refresh_from_db()
    return case.step


def test_a_case_goes_from_a_proposal_to_its_evaluation(
    d: Deliberation, browser: Any, live_server: Any
) -> None:
    complaint = order_in(
        d.world, Status.DISPATCHED, lead="cc_a1", description="小区南门路灯不亮，晚上看不见路"
    )
    with time_machine.travel(timezone.now(), tick=True) as clock:
        # --- A resident proposes on her phone; a neighbour supports ----------------------------
        with signed_in(browser, live_server, "resident_a1", PHONE) as resident:
            resident.goto("/deliberation/proposals/new/")
            resident.get_by_label("本小区：永安里小区").check()
            resident.fill("#id_title", "南门加装路灯")
            resident.fill("#id_body", "小区南门晚上太黑，老人出行不便，建议加装路灯。")
            shot(resident, "propose")
            resident.get_by_role("button", name="提交").click()
            resident.locator(".messages", has_text="已提交").wait_for()
        proposal = Proposal.objects.get(title="南门加装路灯")
        assert (proposal.compound_id, proposal.author.username) == (
            d.world.compound_a1.pk,
            "resident_a1",
        )

        with signed_in(browser, live_server, "resident_a1_b", PHONE) as neighbour:
            neighbour.goto("/deliberation/proposals/")
            card = neighbour.locator(f"#proposal-{proposal.pk}")
            card.locator("button[data-action=support]").click()
            card.locator("text=您已附议").wait_for()
            assert card.locator(f"#support-count-{proposal.pk}").inner_text() == "1"
            shot(neighbour, "proposals-phone")

        # --- The secretary accepts it into a case and calls a meeting --------------------------
        with signed_in(browser, live_server, "secretary_a1", TABLET) as secretary:
            secretary.goto("/deliberation/proposals/")
            card = secretary.locator(f"#proposal-{proposal.pk}")
            card.locator("details[data-action=accept] summary").click()
            card.locator("details[data-action=accept] button[type=submit]").click()
            secretary.wait_for_url("**/deliberation/cases/**")
            case = Case.objects.get(proposals=proposal)
            assert case.step == Step.COLLECT

            schedule = secretary.locator("details[data-action=schedule]")
            schedule.locator("summary").click()
            schedule.get_by_label("会议名称").fill("南门照明议事会")
            schedule.get_by_role("button", name="召集议事会").click()
            secretary.locator("#case-step[data-step=deliberate]").wait_for()
            assert step_of(case) == Step.DELIBERATE
            shot(secretary, "case-deliberate")

            # --- The meeting console: open, sign-in, quorum, motion, hand count -----------------
            secretary.get_by_role("link", name="南门照明议事会").click()
            secretary.locator("button[data-action=open]").click()
            secretary.locator("#meeting-status", has_text="进行中").wait_for()
            quorum = secretary.locator("#quorum")
            for rep in d.reps[:3]:
                secretary.locator(f".dl-seat[data-rep='{rep.pk}'] button.tap").click()
                secretary.locator(f".dl-seat.in[data-rep='{rep.pk}']").wait_for()
            assert quorum.get_attribute("data-met") == "0"  # 3 of 5; 2/3 needs 4
            shot(secretary, "console-short")
            secretary.locator(f".dl-seat[data-rep='{d.reps[3].pk}'] button.tap").click()
            secretary.locator("#quorum[data-met='1']").wait_for()
            assert secretary.locator("#present-count").inner_text() == "4"

            motion_form = secretary.locator("details[data-action=motion]")
            motion_form.get_by_label("表决事项").fill("同意在南门加装4盏路灯，由社区牵头实施")
            motion_form.get_by_label("过半数").check()
            motion_form.get_by_label("举手表决").check()
            motion_form.get_by_role("button", name="提出").click()
            hand = secretary.locator("form.dl-hand")
            hand.wait_for()
            for _ in range(3):
                hand.locator(".dl-counter.yes button[data-step='1']").click()
            hand.locator(".dl-counter.abstain button[data-step='1']").click()
            assert hand.locator("[data-sum] b").inner_text() == "4"
            shot(secretary, "console-hand-count")
            hand.locator("button[data-action=hand_count]").click()
            secretary.locator("#motions-done", has_text="通过").wait_for()
            motion = Motion.objects.get(case=case)
            assert (motion.mode, motion.yes, motion.no, motion.abstain, motion.present) == (
                "hand_count",
                3,
                0,
                1,
                4,
            )
            assert motion.status == MotionStatus.PASSED

            secretary.get_by_label("会议纪要").fill("到会代表4人。议定南门加装路灯4盏。")
            secretary.locator("button[data-action=minutes]").click()
            secretary.locator("#record", has_text="纪要已保存").wait_for()
            shot(secretary, "console-passed")
            secretary.once("dialog", lambda dialog: dialog.accept())
            secretary.locator("button[data-action=close]").click()
            secretary.locator("#meeting-status", has_text="已结束").wait_for()
            secretary.locator("button[data-action=publish]").click()
            secretary.wait_for_url(f"**/deliberation/cases/{case.number}/")
            secretary.locator("#resolution-text").wait_for()
        assert step_of(case) == Step.NOTICE

        # --- A resident objects during the notice; the secretary answers --------------------
        with signed_in(browser, live_server, "resident_a1_c", PHONE) as objector:
            objector.goto(f"/deliberation/cases/{case.number}/")
            shot(objector, "case-notice-phone")
            objection = objector.locator("details[data-action=object]")
            objection.locator("summary").click()
            objection.get_by_label("异议内容").fill("路灯不要正对3号楼的窗户。")
            objection.get_by_role("button", name="对决议提出异议").click()
            objector.locator("#action-done").wait_for()
        with signed_in(browser, live_server, "secretary_a1", TABLET) as secretary:
            secretary.goto(f"/deliberation/cases/{case.number}/")
            secretary.locator("#notice-wait").wait_for()  # the period is not over yet
            row = secretary.locator("#objections li").first
            row.locator("textarea").fill("已调整灯位，灯头朝向道路，不照向住户窗户。")
            row.locator("button[data-action=answer]").click()
            secretary.locator("#action-done", has_text="已答复").wait_for()

        # --- The notice period passes --------------------------------------------------------
        clock.shift(dt.timedelta(days=6))

        # --- The project: created, launched, progressed, supervised, completed ----------------
        with signed_in(browser, live_server, "secretary_a1", TABLET) as secretary:
            secretary.goto(f"/deliberation/cases/{case.number}/")
            create = secretary.locator("details[data-action=create_project]")
            create.locator("summary").click()
            create.get_by_label("项目名称").fill("南门照明改造")
            create.get_by_label("类别").select_option("facilities")
            deadline = timezone.localdate() + dt.timedelta(days=30)
            create.get_by_label("完成时限").fill(f"{deadline:%Y-%m-%d}")
            create.get_by_label("牵头单位").select_option(label="永安里社区居委会（社区居委会）")
            create.locator("input[name='create_project-budget-0-item']").fill("路灯采购安装")
            create.locator("input[name='create_project-budget-0-planned']").fill("12000")
            create.locator("input[name='create_project-ms-0-title']").fill("采购安装")
            create.locator("input[name='create_project-ms-0-due_on']").fill(f"{deadline:%Y-%m-%d}")
            shot(secretary, "create-project")
            create.get_by_role("button", name="转为实事项目").click()
            secretary.locator("#case-step[data-step=act]").wait_for()
            project = Project.objects.get(case=case)
            assert project.budget_lines.get().planned == 12000

            # The complaint about the dark gate is linked to the project; each page shows the
            # other.
            link = secretary.locator("details[data-action=link_orders]")
            link.locator("summary").click()
            link.get_by_label("工单编号").fill(complaint.number)
            link.get_by_role("button", name="关联工单").click()
            secretary.locator("#project-orders").get_by_role("link", name=complaint.number).click()
            secretary.wait_for_url(f"**/orders/{complaint.number}/")
            secretary.locator("#order-projects").get_by_role("link", name="南门照明改造").click()
            secretary.wait_for_url(f"**/deliberation/cases/{case.number}/")

            secretary.locator("button[data-action=launch]").click()
            secretary.locator("#case-step[data-step=supervise]").wait_for()
            progress = secretary.locator("details[data-action=progress]")
            progress.locator("summary").click()
            progress.get_by_label("总体进度%").fill("100")
            progress.get_by_label("进展情况").fill("4盏路灯已安装完毕并通电。")
            progress.get_by_role("button", name="报告进展").click()
            secretary.locator("#project-progress", has_text="100%").wait_for()
            spend = secretary.locator("details[data-action=spend]")
            spend.locator("summary").click()
            spend.get_by_label("金额（元）").fill("11500")
            spend.get_by_label("说明").fill("路灯及安装费")
            spend.get_by_role("button", name="登记支出").click()
            secretary.locator("#budget-spent", has_text="11500.00").wait_for()

        with signed_in(browser, live_server, d.reps[0].person.username, PHONE) as rep:
            rep.goto(f"/deliberation/cases/{case.number}/")
            visit = rep.locator("details[data-action=visit]")
            visit.locator("summary").click()
            visit.get_by_label("走访发现").fill("现场查看，4盏路灯均已亮灯，灯头朝向道路。")
            visit.get_by_role("button", name="记录监督走访").click()
            rep.locator("#visits", has_text="均已亮灯").wait_for()

        with signed_in(browser, live_server, "secretary_a1", TABLET) as secretary:
            secretary.goto(f"/deliberation/cases/{case.number}/")
            shot(secretary, "case-supervise")
            secretary.locator("button[data-action=complete]").click()
            secretary.locator("#case-step[data-step=evaluate]").wait_for()
        assert step_of(case) == Step.EVALUATE

        # --- Residents rate; the evaluation closes the case ----------------------------------
        for username in ("resident_a1", "resident_a1_b", "resident_a1_d"):
            with signed_in(browser, live_server, username, PHONE) as rater:
                rater.goto(f"/deliberation/cases/{case.number}/")
                rate = rater.locator("details[data-action=rate]")
                rate.get_by_label("满意", exact=True).check()
                if username == "resident_a1":
                    shot(rater, "rate-phone")
                rate.get_by_role("button", name="评价").click()
                rater.locator("#action-done", has_text="感谢").wait_for()
        assert Rating.objects.filter(project=project).count() == 3

        with signed_in(browser, live_server, "secretary_a1", TABLET) as secretary:
            secretary.goto(f"/deliberation/cases/{case.number}/")
            assert secretary.locator("#rating-count").inner_text() == "3"
            secretary.locator("button[data-action=close_evaluation]").click()
            secretary.locator("#case-step[data-step=closed]").wait_for()
            assert secretary.locator("#case-steps li.done").count() == 5
            shot(secretary, "case-closed")
            secretary.set_viewport_size(PHONE)
            shot(secretary, "case-closed-phone")
    assert step_of(case) == Step.CLOSED
    project.refresh_from_db()
    assert project.score == 5
