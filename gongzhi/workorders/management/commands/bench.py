"""`gongzhi bench <what>`: benchmarks that are commands, not tests.

  gongzhi bench intake [--clients N] [--seconds S] [--database-url postgres://…]
      orders/s and latency of the Open311 and native intake against two floors (a no-op
      view and a raw-SQL bare write), on a gunicorn server this command starts and stops.
  gongzhi bench seed
      (used by `intake`) seed the database at DATABASE_URL with the small demo registry and
      the bench's API clients; prints the fixture as one JSON line.

Prerequisites: PostgreSQL; `wrk` (Debian: apt-get install wrk) for the load generator, else the
built-in Python one is used (it takes CPU from the server it measures: the floors come out
lower). A later benchmark (`bench insights`) adds a subcommand here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.workorders.bench import intake, server


class Command(BaseCommand):
    help = "Benchmarks: `bench intake` (intake throughput against two floors), `bench seed`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{intake,seed}")
        p = sub.add_parser("intake", help="intake throughput and latency against two floors")
        p.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
        p.add_argument("--seconds", type=float, default=10.0, help="measured seconds per target")
        p.add_argument(
            "--warmup",
            type=float,
            default=3.0,
            help="warm-up seconds per target, not measured, after the cold start (load until "
            "no request takes over a second: each worker's first requests import and build "
            "its in-memory indexes); 0 skips both",
        )
        p.add_argument(
            "--max-requests",
            type=int,
            default=200_000,
            help="upper bound on requests per target run (200000)",
        )
        p.add_argument(
            "--database-url",
            default="",
            help="a PostgreSQL database to use as it is (it gets bench orders); default: a "
            "fresh database gongzhi_bench, created, migrated, seeded and dropped afterwards",
        )
        p.add_argument(
            "--fresh-database",
            default="gongzhi_bench",
            help="name of the fresh database (gongzhi_bench); dropped and created again",
        )
        p.add_argument("--keep-database", action="store_true", help="do not drop the fresh one")
        p.add_argument(
            "--rounds",
            type=int,
            default=1,
            help="measure the targets in turn this many times (medians and per-round shares "
            "in the summary; the goal must hold in every round)",
        )
        p.add_argument(
            "--rate",
            type=float,
            default=intake.GOAL_PER_SECOND,
            help="the open loop's offered rate, requests a second, for the bare write and the "
            "intakes after each closed loop (400: the goal's rate); 0: closed loop only",
        )
        p.add_argument("--workers", type=int, default=server.DEFAULT_WORKERS)
        p.add_argument("--threads", type=int, default=server.DEFAULT_THREADS)
        p.add_argument("--engine", choices=["auto", "wrk", "python"], default="auto")
        p.add_argument(
            "--targets",
            default=",".join(intake.TARGETS),
            help=f"comma-separated subset of {','.join(intake.TARGETS)}",
        )
        p.add_argument(
            "--tasks",
            choices=["database", "rq", "immediate"],
            default="database",
            help="task backend of the server (notifications are enqueued after commit)",
        )
        p.add_argument("--server-log", type=Path, default=None)
        p.add_argument(
            "--app",
            default="gongzhi.config.wsgi:application",
            help="the WSGI application gunicorn serves (to measure a variant, e.g. a profiled "
            "or patched module on PYTHONPATH)",
        )
        sub.add_parser("seed", help="seed the database at DATABASE_URL for the benchmark")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "seed":
            from gongzhi.workorders.bench.fixture import seed

            self.stdout.write(json.dumps(seed().as_dict(), ensure_ascii=False))
            return
        targets = tuple(t.strip() for t in options["targets"].split(",") if t.strip())
        unknown = [t for t in targets if t not in intake.TARGETS]
        if unknown:
            raise CommandError(f"unknown targets: {', '.join(unknown)}")
        if options["clients"] < 1 or options["seconds"] <= 0:
            raise CommandError("--clients must be ≥ 1 and --seconds > 0")
        if options["rounds"] < 1:
            raise CommandError("--rounds must be ≥ 1")
        if options["rate"] < 0:
            raise CommandError("--rate must be ≥ 0 (0: no open loop)")
        run_options = intake.Options(
            clients=options["clients"],
            seconds=options["seconds"],
            warmup=options["warmup"],
            max_requests=options["max_requests"],
            database_url=options["database_url"],
            fresh_name=options["fresh_database"],
            keep_database=options["keep_database"],
            workers=options["workers"],
            threads=options["threads"],
            engine=options["engine"],
            targets=targets,
            tasks_backend=options["tasks"],
            log_path=options["server_log"],
            app=options["app"],
            rounds=options["rounds"],
            rate=options["rate"],
        )
        try:
            intake.run(run_options, self._line)
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def _line(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
