"""`gongzhi scheduler`: enqueue the periodic jobs (gongzhi.web.scheduler) until stopped."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gongzhi.web import scheduler
from gongzhi.web.models import PeriodicJob


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs (deadline scan, notification retries, roll-ups, …) on the "
        "task queue when each one's interval comes round; a task worker runs them. Safe to "
        "run in more than one copy: each slot is enqueued once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=scheduler.TICK_SECONDS,
            help=f"seconds between looks at the clock ({scheduler.TICK_SECONDS:g})",
        )
        parser.add_argument("--once", action="store_true", help="one tick, then exit")
        parser.add_argument(
            "--list", action="store_true", help="list the jobs and when each last ran, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        if options["once"]:
            names = scheduler.tick()
            self.stdout.write("enqueued: " + (", ".join(names) if names else "nothing due"))
            return
        stop = threading.Event()

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
        jobs = ", ".join(f"{j.name} every {j.every}s" for j in scheduler.JOBS)
        self.stdout.write(f"scheduler: {jobs}")
        self.stdout.flush()
        try:
            scheduler.run(stop=stop, interval=options["interval"])
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        self.stdout.write("scheduler stopped")

    def _list(self) -> None:
        rows = {row.name: row for row in PeriodicJob.objects.all()}
        for job in scheduler.JOBS:
            row = rows.get(job.name)
            last = (
                timezone.localtime(row.enqueued_at).strftime("%Y-%m-%d %H:%M:%S")
                if row and row.enqueued_at
                else "never"
            )
            self.stdout.write(f"{job.name:<34} every {job.every:>5}s  last {last}  {job.task}")
