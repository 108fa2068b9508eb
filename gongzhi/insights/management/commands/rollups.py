import datetime as dt
import json
from argparse import ArgumentParser, ArgumentTypeError
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.insights.models import RollupState
from gongzhi.insights.rollups import rollups_rebuild, rollups_refresh


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise ArgumentTypeError(f"月份格式应为 YYYY-MM: {value!r}") from exc


class Command(BaseCommand):
    help = (
        "The insights roll-ups: `refresh` applies the work-order events appended since the "
        "last run (the periodic job; safe if two runs overlap), `rebuild [--month YYYY-MM]` "
        "recomputes them from raw orders, events and callbacks, `status` shows the watermark."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("refresh", help="apply the events since the watermark")
        rebuild = sub.add_parser("rebuild", help="recompute from raw rows")
        rebuild.add_argument(
            "--month", type=_month, help="only the orders received in this month (YYYY-MM)"
        )
        sub.add_parser("status", help="the watermark")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "refresh":
            result = rollups_refresh()
            self.stdout.write(json.dumps(asdict(result)))
        elif action == "rebuild":
            rebuilt = rollups_rebuild(month=options.get("month"))
            self.stdout.write(json.dumps(asdict(rebuilt)))
        else:
            state = RollupState.objects.filter(name="rollups").first()
            self.stdout.write(
                json.dumps(
                    {
                        "event_id": state.event_id if state else 0,
                        "gaps": len(state.gaps) if state else 0,
                        "as_of": state.as_of.isoformat() if state and state.as_of else None,
                        "rebuilt_at": (
                            state.rebuilt_at.isoformat() if state and state.rebuilt_at else None
                        ),
                    }
                )
            )
