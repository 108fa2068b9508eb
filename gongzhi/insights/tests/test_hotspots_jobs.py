"""The hotspot command and the periodic job."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from gongzhi.insights.hotspots.models import CompoundMonthCount, Hotspot, HotspotScan
from gongzhi.insights.tasks import scan_hotspots
from gongzhi.insights.tests.seasons import Seasons
from gongzhi.testing import World
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.sla import SHANGHAI

NOVEMBER = dt.date(2025, 11, 1)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def planted(world: World) -> Seasons:
    seasons = Seasons(world)
    seasons.factor[(seasons.compounds[3].pk, NOVEMBER)] = 4.0
    seasons.build()
    return seasons


def test_the_scan_command_stores_the_month_and_says_what_it_found(
    planted: Seasons, capsys: Any
) -> None:
    call_command("hotspots", "scan", "--month", "2025-11")
    out = json.loads(capsys.readouterr().out)
    assert (out["window"], out["start"], out["hotspots"], out["new"]) == (
        "month",
        "2025-11-01",
        1,
        1,
    )
    assert Hotspot.objects.get().place_key == planted.compounds[3].pk


def test_the_counts_command_recounts_one_month(planted: Seasons, capsys: Any) -> None:
    CompoundMonthCount.objects.filter(month=NOVEMBER).delete()
    call_command("hotspots", "counts", "--month", "2025-11")
    rows = CompoundMonthCount.objects.filter(month=NOVEMBER)
    assert json.loads(capsys.readouterr().out)["rows"] == rows.count()
    received = WorkOrder.objects.filter(
        received_at__gte=dt.datetime(2025, 11, 1, tzinfo=SHANGHAI),
        received_at__lt=dt.datetime(2025, 12, 1, tzinfo=SHANGHAI),
        compound__isnull=False,
    )
    assert sum(rows.values_list("received", flat=True)) == received.count()


def test_the_job_scans_last_month_once_after_it_ended(planted: Seasons, settings: Any) -> None:
    settings.TASKS = IMMEDIATE
    with time_machine.travel(dt.datetime(2025, 12, 2, 3, tzinfo=SHANGHAI), tick=False):
        first = scan_hotspots.enqueue().return_value
        again = scan_hotspots.enqueue().return_value
    assert first is not None and again is not None
    assert first["previous_month"] == {"hotspots": 1, "new": 1}
    assert "previous_month" not in again
    assert HotspotScan.objects.filter(period_start=NOVEMBER).count() == 1
    assert HotspotScan.objects.filter(period_start=dt.date(2025, 12, 1)).count() == 2
