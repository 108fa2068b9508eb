"""`gongzhi bench <benchmark> …`. This app's command answers `bench insights`; any other
benchmark (`bench intake`, …) is handed to the next app's `bench` command (workorders), so
that one command name serves every app's benchmarks."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.apps import apps
from django.core.management import BaseCommand, CommandError, find_commands, load_command_class

CHILD_ENV = "GONGZHI_BENCH_INSIGHTS_DATABASE"
DEFAULT_NAME = "gongzhi_bench_insights"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _other_bench() -> BaseCommand | None:
    for config in apps.get_app_configs():
        if config.name == "gongzhi.insights":
            continue
        if "bench" in find_commands(str(Path(config.path) / "management")):
            return load_command_class(config.name, "bench")
    return None


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"YYYY-MM, not {value!r}") from exc


def insights_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gongzhi bench insights",
        description=(
            "Generate N work orders with their events and callbacks in a PostgreSQL database "
            "of the benchmark's own (binary COPY into the real tables), build the roll-ups, "
            "then time the monthly ranking (and the same ranking over raw rows), the "
            "dashboard queries and a month's hotspot scan. Prints one JSON line."
        ),
    )
    p.add_argument("--orders", type=int, required=True, help="how many orders to generate")
    p.add_argument(
        "--database-url",
        help=f"the PostgreSQL database to (re)create and use (default: {DEFAULT_NAME} on the "
        "server of DATABASE_URL, or on 127.0.0.1:5432). Its contents are dropped.",
    )
    p.add_argument(
        "--reuse",
        action="store_true",
        help="keep the generated orders of the last run with the same --orders (re-measure only)",
    )
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--repeats", type=int, default=40, help="runs per timed query (p95)")
    p.add_argument("--month", type=_month, help="the month ranked (default: last month)")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--chunk", type=int, default=250_000, help="orders per COPY chunk")
    p.add_argument(
        "--hotspot-scan",
        default="gongzhi.insights.hotspots.scan:bench_scan",
        help="module:function of the month to time as the hotspot scan",
    )
    p.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    return p


def default_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_SERVER
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{DEFAULT_NAME}", parts.query, ""))


class Command(BaseCommand):
    help = (
        "Benchmarks: `bench insights --orders N` (this app; `bench insights --help`); "
        "any other benchmark goes to the workorders bench command."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("benchmark", help="insights, or another app's benchmark")
        parser.add_argument("rest", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["benchmark"] != "insights":
            other = _other_bench()
            if other is None:
                raise CommandError(f"no benchmark {options['benchmark']!r}")
            other.run_from_argv(["gongzhi", "bench", options["benchmark"], *options["rest"]])
            return
        opts = insights_parser().parse_args(options["rest"])
        if opts.here:
            self._here(opts)
        else:
            self._orchestrate(opts, options["rest"])

    # --- the parent: a database of its own, a child connected to it ---------------------

    def _orchestrate(self, opts: argparse.Namespace, argv: list[str]) -> None:
        from gongzhi.insights.bench import database

        url = opts.database_url or default_url()
        database.check_name(url)
        if not (opts.reuse and database.exists(url)):
            database.recreate(url)
        try:
            database.manage(url, "migrate", "--noinput")
            env = {
                **os.environ,
                "DATABASE_URL": url,
                CHILD_ENV: url,
                "GONGZHI_LOG_LEVEL": "WARNING",
            }
            child = subprocess.run(
                [sys.executable, "-m", "gongzhi", "bench", "insights", *argv, "--here"],
                env=env,
                stdout=subprocess.PIPE,
                text=True,
                check=False,
            )
            line = next(
                (ln for ln in reversed(child.stdout.splitlines()) if ln.startswith("{")), None
            )
            if child.returncode != 0 or line is None:
                raise CommandError(
                    f"the benchmark failed ({child.returncode}):\n{child.stdout[-3000:]}"
                )
            self.stdout.write(line)
        finally:
            if not opts.keep:
                database.drop(url)

    # --- the child: generate, build, measure ------------------------------------------------

    def _here(self, opts: argparse.Namespace) -> None:
        from django.db import connection
        from django.utils import timezone

        from gongzhi.insights.bench import generate as gen
        from gongzhi.insights.bench import measure, registry
        from gongzhi.insights.rankings import previous_month
        from gongzhi.insights.rollups import rollups_rebuild
        from gongzhi.workorders.models import WorkOrder

        if connection.vendor != "postgresql" or os.environ.get(CHILD_ENV) != os.environ.get(
            "DATABASE_URL"
        ):
            raise CommandError("--here runs only in the child the benchmark starts")
        load_start = os.getloadavg()
        now = timezone.now()
        result: dict[str, Any] = {"orders": opts.orders}
        existing = WorkOrder.objects.count()
        if existing and not (opts.reuse and existing == opts.orders):
            raise CommandError(f"the bench database already has {existing} orders")
        if not existing:
            started = time.perf_counter()
            registry.seed()
            result["registry_s"] = round(time.perf_counter() - started, 1)
            district = registry.load()
            started = time.perf_counter()
            generated = gen.generate(
                os.environ["DATABASE_URL"],
                district,
                orders=opts.orders,
                now=now,
                seed=opts.seed,
                chunk_size=opts.chunk,
                progress=lambda text: print(text, file=sys.stderr, flush=True),
            )
            result["generate_s"] = round(time.perf_counter() - started, 1)
            result["generate_phases_s"] = generated.seconds
            result["events"] = generated.events
            result["callbacks"] = generated.callbacks
        else:
            result["generate_s"] = None  # reused
        started = time.perf_counter()
        built = rollups_rebuild(now=now)
        result["rollup_build_s"] = round(time.perf_counter() - started, 1)
        result["rollup_build_phases_s"] = built.seconds
        result["rollup_rows"] = {
            "contributions": built.orders,
            "daily": built.daily_rows,
            "monthly": built.monthly_rows,
            "monthly_category": built.monthly_category_rows,
            "monthly_place_category": built.monthly_place_category_rows,
        }
        # The hotspot scan's compound × month counts: a roll-up of their own, built here too.
        from gongzhi.insights.hotspots.counts import compound_counts_rebuild

        started = time.perf_counter()
        result["rollup_rows"]["compound_month"] = compound_counts_rebuild()
        result["compound_counts_build_s"] = round(time.perf_counter() - started, 1)
        month = opts.month or previous_month(timezone.localdate(now))
        result.update(
            measure.measure(
                month=month,
                repeats=opts.repeats,
                hotspot_scan=measure.load_hook(opts.hotspot_scan),
            )
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            result["database_gb"] = round(cursor.fetchone()[0] / 1e9, 2)
        result["load_avg_start"] = [round(x, 2) for x in load_start]
        result["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
        result["cpus"] = os.cpu_count()
        self.stdout.write(json.dumps(result, ensure_ascii=False))
