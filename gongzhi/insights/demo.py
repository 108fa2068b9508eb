"""The demo's insights: the roll-ups, the compound counts and this month's and last month's
hotspot scans and clusters, built from the generated orders so that the dashboards, the
ranking, the reports and 未诉先办 have figures the moment the demo starts (the scheduler keeps
them current afterwards). Runs after the work-order builder (gongzhi/web/demo.py BUILDERS).

Idempotent: each step recomputes from the orders and replaces what it computed before.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.insights.clusters import clusters_scan
from gongzhi.insights.hotspots.counts import compound_counts_rebuild
from gongzhi.insights.hotspots.models import Window
from gongzhi.insights.hotspots.scan import hotspots_scan
from gongzhi.insights.rankings import month_start, previous_month
from gongzhi.insights.rollups import rollups_rebuild

if TYPE_CHECKING:
    from gongzhi.web.demo import DemoContext, Progress


def build(ctx: DemoContext, progress: Progress, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    today = timezone.localdate(now)
    this_month = month_start(today)
    last_month = previous_month(this_month)
    with progress.step(_("统计汇总")) as step:
        rebuilt = rollups_rebuild(now=now)
        compound_counts_rebuild()
        step.count(_("工单"), rebuilt.orders)
    with progress.step(_("未诉先办")) as step:
        hotspots = 0
        # Last month whole (its last day), then this month so far (today).
        for day in (this_month - dt.timedelta(days=1), today):
            found = hotspots_scan(window=Window.MONTH, day=day, recount=False, now=now)
            hotspots += len(found.hotspots)
        clusters = 0
        for month in (last_month, this_month):
            clusters += len(clusters_scan(start=month, now=now).clusters)
        step.count(_("热点"), hotspots)
        step.count(_("聚集诉求"), clusters)
