"""`gongzhi hotspots …`: the hotspot scan (未诉先办) and the clusters, by hand or from cron.

gongzhi hotspots scan [--month YYYY-MM | --week YYYY-MM-DD | --day YYYY-MM-DD] [--no-recount]
    scan a window (default: this month so far) and store its hotspots; one JSON line
gongzhi hotspots counts [--month YYYY-MM]
    recount the compound × month × category counts from the orders (all months, or one)
gongzhi hotspots clusters [--month YYYY-MM]
    find the clusters of similar orders of a month (default: this month)
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongzhi.insights.clusters import clusters_scan
from gongzhi.insights.hotspots.counts import compound_counts_rebuild
from gongzhi.insights.hotspots.models import Window
from gongzhi.insights.hotspots.scan import hotspots_scan


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise ArgumentTypeError(f"月份格式应为 YYYY-MM: {value!r}") from exc


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"日期格式应为 YYYY-MM-DD: {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Hotspots (未诉先办): `scan [--month YYYY-MM | --week DATE | --day DATE]` finds the "
        "places × categories above their seasonal norm and stores them with their evidence; "
        "`counts [--month YYYY-MM]` recounts the compound counts the scan reads; `clusters "
        "[--month YYYY-MM]` finds the clusters of similar orders."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="scan a window for hotspots")
        when = scan.add_mutually_exclusive_group()
        when.add_argument("--month", type=_month, help="a month (YYYY-MM); default this month")
        when.add_argument("--week", type=_day, help="the ISO week containing this day")
        when.add_argument("--day", type=_day, help="one day")
        scan.add_argument(
            "--no-recount",
            action="store_true",
            help="do not recount the month's compound counts first",
        )
        counts = sub.add_parser("counts", help="recount the compound counts")
        counts.add_argument("--month", type=_month, help="only this month (YYYY-MM)")
        clusters = sub.add_parser("clusters", help="find clusters of similar orders")
        clusters.add_argument("--month", type=_month, help="a month (YYYY-MM); default this month")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "counts":
            rows = compound_counts_rebuild(month=options.get("month"))
            self.stdout.write(json.dumps({"rows": rows}))
        elif action == "clusters":
            found = clusters_scan(start=options.get("month"))
            self.stdout.write(
                json.dumps(
                    {
                        "start": found.start.isoformat(),
                        "end": found.end.isoformat(),
                        "groups": found.groups,
                        "orders": found.orders,
                        "clusters": len(found.clusters),
                        "new": found.new,
                        "removed": found.removed,
                        "seconds": found.seconds,
                    }
                )
            )
        elif action == "scan":
            window, day = Window.MONTH, options.get("month")
            if options.get("week"):
                window, day = Window.WEEK, options["week"]
            elif options.get("day"):
                window, day = Window.DAY, options["day"]
            result = hotspots_scan(
                window=window,
                day=day or timezone.localdate(),
                recount=not options["no_recount"],
            )
            self.stdout.write(
                json.dumps(
                    {
                        "window": result.period.window,
                        "start": result.period.start.isoformat(),
                        "end": result.period.end.isoformat(),
                        "tested": result.tested,
                        "hotspots": len(result.hotspots),
                        "new": result.new,
                        "skipped_categories": result.skipped_categories,
                        "seconds": result.seconds,
                    },
                    ensure_ascii=False,
                )
            )
        else:  # pragma: no cover - argparse refuses other actions
            raise CommandError(action)
