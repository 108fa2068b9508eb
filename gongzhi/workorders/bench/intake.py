"""`gongzhi bench intake`: how many orders a second the intake takes, against two floors.

One run: a PostgreSQL database (fresh by default), gunicorn started on loopback with the floors
mounted, then for each target a short warm-up and a measured run of `clients` concurrent
keep-alive clients for `seconds`:

  noop       GET  /bench/floor/noop            a Django view that does nothing (floor 1)
  bare_write POST /bench/floor/write           1 order + 2 events, raw SQL, one commit (floor 2)
  open311    POST /open311/v2/requests.json    api_key, a unique Idempotency-Key per request
  native     POST /api/v1/orders               Bearer key of an operator's client, JSON

Each target prints one JSON line; a summary line follows with the intakes' throughput as a
share of the bare write's and whether the goal is met (≥ 400 orders/s, p99 < 100 ms, no
errors, ≥ 60 % of the bare write).

Two measures per target. The closed loop (`"mode": "closed"`: each client posts again as soon
as it is answered) gives the most a target answers, hence the share of the bare write; its
latency is the latency at saturation (clients ÷ throughput: at 32 clients and 400/s, a mean of
80 ms whatever the server). The open loop (`"mode": "open"`, the Python engine; for the bare
write and the intakes) offers a fixed rate, 400 a second by default (`rate`), and counts each
latency from when the request was due: the measure of "400 orders a second at p99 under
100 ms". The goal takes its share from the closed loop and its rate and p99 from the open
loop: every scheduled request answered, no error, p99 under 100 ms. With `rate` 0 there is no
open loop and the goal reads the closed loop's throughput and p99, as before.

With `rounds` > 1 the targets are measured in turn that many times (noop, bare write, Open311,
native, then again…), so that a machine whose speed drifts (other work on its two cores) weighs
on every target alike; each line carries its round, the shares are computed per round (each
intake against the bare write of its own round), and the summary gives them with the medians
over the rounds. The goal is met only if it is met in every round. Durability is checked, never
traded: the run refuses a database whose commits are not synchronous and fsynced. Before each
measured run the database is analysed (database.analyze): the planner's statistics of a
production database, not of a table that grew from nothing a minute ago.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from gongzhi.workorders.bench import cpu, database, loadgen, server
from gongzhi.workorders.bench.loadgen import KEY_SLOT, Result, Target

TARGETS = ("noop", "bare_write", "open311", "native")
# Measured in an open loop too (the no-op floor is only a floor of throughput).
OPEN_LOOP_TARGETS = ("bare_write", "open311", "native")
GOAL_PER_SECOND = 400.0
GOAL_P99_MS = 100.0
GOAL_SHARE_OF_BARE = 0.60
PRIME_LIMIT_SECONDS = 60.0


@dataclass
class Options:
    clients: int = 32
    seconds: float = 10.0
    warmup: float = 3.0  # after the cold start (see run())
    max_requests: int = 200_000
    database_url: str = ""  # "" → a fresh database on the local server
    fresh_name: str = database.DEFAULT_NAME
    keep_database: bool = False
    workers: int = server.DEFAULT_WORKERS
    threads: int = server.DEFAULT_THREADS
    engine: str = "auto"  # auto (wrk when installed), wrk, python
    targets: tuple[str, ...] = TARGETS
    tasks_backend: str = "database"
    log_path: Path | None = None
    app: str = "gongzhi.config.wsgi:application"
    load_at_start: float | None = None  # the machine's 1-minute load when the run began
    rounds: int = 1
    rate: float = GOAL_PER_SECOND  # the open loop's offered rate; 0: no open loop
    autovacuum: str = ""  # the server's setting, read by run()


def targets_for(fixture: dict[str, Any]) -> dict[str, Target]:
    """The four requests, built from the seeded fixture; the intakes cycle through its
    variants (categories, compounds, texts)."""
    open311 = tuple(
        urlencode(
            {
                "api_key": fixture["open311_key"],
                "service_code": v["service_code"],
                "lat": f"{v['lat']:.6f}",
                "long": f"{v['lng']:.6f}",
                "description": v["description"],
                "first_name": v["requester_name"],
                "phone": v["requester_phone"],
            }
        )
        for v in fixture["variants"]
    )
    native = tuple(
        json.dumps(
            {
                "channel": "hotline",
                "kind": "complaint",
                "category": v["service_code"],
                "description": v["description"],
                "lng": v["lng"],
                "lat": v["lat"],
                "compound_id": v["compound_id"],
                "requester_name": v["requester_name"],
                "requester_phone": v["requester_phone"],
            },
            ensure_ascii=False,
        )
        for v in fixture["variants"]
    )
    return {
        "noop": Target("noop", "GET", "/bench/floor/noop"),
        "bare_write": Target(
            "bare_write",
            "POST",
            "/bench/floor/write",
            {"Content-Type": "application/json"},
            "{}",
        ),
        "open311": Target(
            "open311",
            "POST",
            "/open311/v2/requests.json",
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Idempotency-Key": KEY_SLOT,
            },
            variants=open311,
        ),
        "native": Target(
            "native",
            "POST",
            "/api/v1/orders",
            {
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {fixture['native_key']}",
                "Idempotency-Key": KEY_SLOT,
            },
            variants=native,
        ),
    }


def choose_engine(engine: str) -> str:
    if engine == "auto":
        return "wrk" if loadgen.wrk_available() else "python"
    if engine == "wrk" and not loadgen.wrk_available():
        raise RuntimeError(
            "wrk is not installed (Debian: apt-get install wrk); use --engine python"
        )
    return engine


def open_key(name: str) -> str:
    """The key of a target's open-loop result in a round's results."""
    return f"{name}:open"


def _goal_met(intake: Result, bare: Result, open_loop: Result | None = None) -> bool:
    """The share from the closed loop; the rate and the p99 from the open loop if one ran
    (every scheduled request answered, none in error), else from the closed loop."""
    share = intake.errors == 0 and intake.per_second >= GOAL_SHARE_OF_BARE * bare.per_second
    if open_loop is None:
        return share and intake.per_second >= GOAL_PER_SECOND and intake.p99_ms < GOAL_P99_MS
    return (
        share
        and open_loop.offered_per_s >= GOAL_PER_SECOND
        and open_loop.all_answered
        and open_loop.errors == 0
        and open_loop.p99_ms < GOAL_P99_MS
    )


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def summary(
    rounds: list[dict[str, Result]], options: Options, durability: database.Durability
) -> dict:
    """The summary line: each intake's share of the bare write and whether the goal is met,
    per round and (with several rounds) as medians over them."""
    out: dict[str, Any] = {"summary": True}
    shares: dict[str, list[float]] = {"open311": [], "native": []}
    met: list[bool] = []
    open_loops: list[dict[str, dict[str, Any]]] = []
    for results in rounds:
        bare = results.get("bare_write")
        intakes = [results[n] for n in ("open311", "native") if n in results]
        for name in shares:
            r = results.get(name)
            if r is not None and bare is not None and bare.per_second > 0:
                shares[name].append(round(r.per_second / bare.per_second, 3))
        if intakes and bare is not None:
            met.append(all(_goal_met(r, bare, results.get(open_key(r.target))) for r in intakes))
        opened = {
            name: {
                "offered_per_s": r.offered_per_s,
                "p99_ms": round(r.p99_ms, 2),
                "all_answered": r.all_answered,
                "errors": r.errors,
            }
            for name in OPEN_LOOP_TARGETS
            if (r := results.get(open_key(name))) is not None
        }
        if opened:
            open_loops.append(opened)
    for name, values in shares.items():
        if values:
            out[f"{name}_vs_bare"] = round(_median(values), 3)
    if met:
        out["goal_met"] = all(met)
    if open_loops:
        out["open_loop_by_round"] = open_loops
    if len(rounds) > 1:
        out["rounds"] = len(rounds)
        for name, values in shares.items():
            if values:
                out[f"{name}_vs_bare_by_round"] = values
        if met:
            out["goal_met_by_round"] = met
        medians: dict[str, dict[str, float]] = {}
        for name in [*options.targets, *map(open_key, OPEN_LOOP_TARGETS)]:
            measured = [r[name] for r in rounds if name in r]
            if measured:
                medians[name] = {
                    "orders_per_s": round(_median([m.per_second for m in measured]), 1),
                    "p99_ms": round(_median([m.p99_ms for m in measured]), 2),
                    "errors": sum(m.errors for m in measured),
                }
        out["medians"] = medians
    out["goal"] = {
        "measured": "share: closed loop; rate and p99: open loop" if open_loops else "closed loop",
        "orders_per_s": GOAL_PER_SECOND,
        "p99_ms_below": GOAL_P99_MS,
        "errors": 0,
        "share_of_bare": GOAL_SHARE_OF_BARE,
    }
    out["server"] = {
        "gunicorn_workers": options.workers,
        "threads": options.threads,
        "worker_class": "gthread",
        "app": options.app,
        "tasks_backend": options.tasks_backend,
        "synchronous_commit": durability.synchronous_commit,
        "fsync": durability.fsync,
        "autovacuum": options.autovacuum,
        "analyzed_before_each_run": True,
    }
    out["load_avg_1m_at_start"] = options.load_at_start
    out["clients"] = options.clients
    out["seconds"] = options.seconds
    out["open_loop_rate"] = options.rate
    if options.log_path is not None:
        out["server_log"] = str(options.log_path)
    return out


def run(options: Options, write: Callable[[str], None]) -> dict[str, Result]:
    """The whole benchmark; every JSON line goes through `write`. Returns the results (of the
    last round)."""
    engine = choose_engine(options.engine)
    if hasattr(os, "getloadavg"):
        options.load_at_start = round(os.getloadavg()[0], 2)
    fresh = not options.database_url
    url = options.database_url or database.default_url(options.fresh_name)
    database.database_name(url)  # refuses anything but PostgreSQL
    if fresh:
        database.recreate(url)
    try:
        durability = database.durability(url)
        if not durability.durable:
            raise RuntimeError(
                "the benchmark measures durable commits only: this database has "
                f"synchronous_commit={durability.synchronous_commit}, fsync={durability.fsync}"
            )
        database.migrate(url)
        fixture = database.seed(url)
        options.autovacuum = database.autovacuum(url)
        targets = targets_for(fixture)
        log_path = options.log_path or Path(
            tempfile.mkstemp(prefix="gongzhi-bench-server-", suffix=".log")[1]
        )
        options.log_path = log_path
        config = server.ServerConfig(
            database_url=url,
            workers=options.workers,
            threads=options.threads,
            tasks_backend=options.tasks_backend,
            log_path=log_path,
            app=options.app,
        )
        rounds: list[dict[str, Result]] = []
        with server.serve(config) as running:
            for round_number in range(1, max(1, options.rounds) + 1):
                results: dict[str, Result] = {}
                rounds.append(results)
                for name in options.targets:
                    line = _measure(
                        targets[name],
                        options,
                        running,
                        url,
                        engine,
                        results,
                        prime=round_number == 1,
                    )
                    lines = [line]
                    if options.rate > 0 and name in OPEN_LOOP_TARGETS:
                        lines.append(_measure_open(targets[name], options, running, url, results))
                    for line in lines:
                        if options.rounds > 1:
                            line["round"] = round_number
                        write(json.dumps(line, ensure_ascii=False))
        write(json.dumps(summary(rounds, options, durability), ensure_ascii=False))
        return rounds[-1]
    finally:
        if fresh and not options.keep_database:
            database.drop(url)


def _measure(
    target: Target,
    options: Options,
    running: server.Running,
    url: str,
    engine: str,
    results: dict[str, Result],
    *,
    prime: bool,
) -> dict[str, Any]:
    """Warm up, measure one target, and return its JSON line (the result goes in `results`)."""

    def load(seconds: float) -> Result:
        return loadgen.run(
            target,
            engine=engine,
            host=running.host,
            port=running.port,
            clients=options.clients,
            seconds=seconds,
            max_requests=options.max_requests,
        )

    if options.warmup > 0:
        if prime:
            # First the cold start (imports and in-memory indexes built by each worker's first
            # requests, which can take seconds): load in 2-second windows until two in a row
            # answer about as many requests, at most a minute.
            started = time.monotonic()
            previous = 0
            while time.monotonic() - started < PRIME_LIMIT_SECONDS:
                answered = load(2.0).requests
                # Requests the window abandoned are still being answered.
                cpu.wait_idle(running.pid)
                if previous and answered and abs(answered - previous) <= 0.2 * previous:
                    break
                previous = answered
        load(options.warmup)
    result, line = _measured(running, url, lambda: load(options.seconds), mode="closed")
    results[target.name] = result
    return line


def _measure_open(
    target: Target,
    options: Options,
    running: server.Running,
    url: str,
    results: dict[str, Result],
) -> dict[str, Any]:
    """The open loop of a target at `options.rate` (right after its closed loop, which warmed
    it up); its JSON line."""
    result, line = _measured(
        running,
        url,
        lambda: loadgen.run_python(
            target,
            host=running.host,
            port=running.port,
            clients=options.clients,
            seconds=options.seconds,
            max_requests=options.max_requests,
            rate=options.rate,
        ),
        mode="open",
    )
    results[open_key(target.name)] = result
    return line


def _measured(
    running: server.Running, url: str, measure: Callable[[], Result], *, mode: str
) -> tuple[Result, dict[str, Any]]:
    """One measured run: once the server is idle (the requests a load generator abandoned at
    the end of the last run are answered) and the database analysed (see analyze()), `measure`
    runs; its result and JSON line, with the CPU it cost the server and the database."""
    cpu.wait_idle(running.pid)
    database.analyze(url)
    before = cpu.snapshot(running.pid, url) if cpu.available() else None
    result = measure()
    line = {**result.as_dict(), "mode": mode}
    if before is not None and result.requests:
        # New database backends (connections opened during the run) count from zero; backends
        # that closed are missed, which persistent connections avoid.
        after = cpu.snapshot(running.pid, url)
        line["server_cpu_ms"] = round(1000 * (after.server - before.server) / result.requests, 2)
        line["db_cpu_ms"] = round(1000 * (after.database - before.database) / result.requests, 2)
    return result, line
