"""The intake benchmark's parts: the floor views, the load generators against a small local
server, and (on PostgreSQL only) the whole `gongzhi bench intake` in a tiny configuration so
that it cannot rot."""

from __future__ import annotations

import importlib
import io
import json
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import Resolver404, clear_url_caches, resolve

from gongzhi.workorders import taxonomy
from gongzhi.workorders.bench import loadgen, views
from gongzhi.workorders.bench.database import Durability
from gongzhi.workorders.bench.intake import TARGETS, Options, open_key, summary
from gongzhi.workorders.bench.loadgen import Result
from gongzhi.workorders.management.commands.bench import Command as BenchCommand
from gongzhi.workorders.models import EventKind, Status, WorkOrder, WorkOrderEvent

# --- the floors ---------------------------------------------------------------------------


def _reload_urls() -> None:
    import gongzhi.config.urls

    importlib.reload(gongzhi.config.urls)
    clear_url_caches()


def test_the_floors_are_not_mounted_without_the_setting() -> None:
    with pytest.raises(Resolver404):
        resolve("/bench/floor/noop")


def test_the_floors_are_mounted_with_the_setting(settings: pytest.FixtureRequest) -> None:
    settings.GONGZHI_BENCH_FLOORS = True  # type: ignore[attr-defined]
    try:
        _reload_urls()
        assert resolve("/bench/floor/noop").func is views.noop
        assert resolve("/bench/floor/write").func is views.bare_write
    finally:
        settings.GONGZHI_BENCH_FLOORS = False  # type: ignore[attr-defined]
        _reload_urls()


@pytest.mark.django_db(transaction=True)
def test_the_bare_write_stores_one_order_and_its_two_events() -> None:
    taxonomy.seed_categories()

    response = views.bare_write(
        RequestFactory().post("/bench/floor/write", data=b"{}", content_type="application/json")
    )

    assert response.status_code == 201
    order = WorkOrder.objects.get(pk=json.loads(response.content)["id"])
    assert order.status == Status.DISPATCHED
    assert list(WorkOrderEvent.objects.filter(order=order).values_list("kind", flat=True)) == [
        EventKind.RECEIVED,
        EventKind.AUTO_DISPATCHED,
    ]


@pytest.mark.django_db
def test_the_bare_write_refuses_a_get() -> None:
    assert views.bare_write(RequestFactory().get("/bench/floor/write")).status_code == 405


# --- the load generators ------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_keys: list[str] = []
    seen_bodies: list[bytes] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        _Handler.seen_bodies.append(self.rfile.read(length) if length else b"")
        _Handler.seen_keys.append(self.headers.get("Idempotency-Key", ""))
        if self.path == "/slow":
            time.sleep(0.05)
        status = 500 if self.path == "/fail" else 200
        body = b'{"ok":true}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    _Handler.seen_keys = []
    _Handler.seen_bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _post(path: str = "/ok") -> loadgen.Target:
    return loadgen.Target(
        "t", "POST", path, {"Idempotency-Key": loadgen.KEY_SLOT}, f"key={loadgen.KEY_SLOT}"
    )


def test_the_python_engine_stops_at_the_request_bound(local_server: int) -> None:
    result = loadgen.run_python(
        _post(), host="127.0.0.1", port=local_server, clients=3, seconds=5, max_requests=40
    )

    assert (result.requests, result.errors) == (40, 0)
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms


def test_each_request_carries_its_own_key(local_server: int) -> None:
    loadgen.run_python(
        _post(), host="127.0.0.1", port=local_server, clients=2, seconds=5, max_requests=20
    )

    assert len(set(_Handler.seen_keys)) == 20


def test_requests_cycle_through_the_body_variants(local_server: int) -> None:
    target = loadgen.Target("t", "POST", "/ok", variants=("a=1", "a=2", "a=3"))

    loadgen.run_python(
        target, host="127.0.0.1", port=local_server, clients=1, seconds=5, max_requests=6
    )

    assert set(_Handler.seen_bodies) == {b"a=1", b"a=2", b"a=3"}


def test_the_python_engine_counts_error_answers(local_server: int) -> None:
    result = loadgen.run_python(
        _post("/fail"), host="127.0.0.1", port=local_server, clients=2, seconds=5, max_requests=10
    )

    assert result.errors == 10
    assert result.per_second == 0
    assert result.first_error.startswith("HTTP 500")


def test_an_open_loop_sends_what_its_schedule_holds(local_server: int) -> None:
    # 100 a second over 4 connections for half a second: each connection every 40 ms, the
    # first at 0, 10, 20 and 30 ms; 50 requests in all, each with its own key.
    result = loadgen.run_python(
        _post(),
        host="127.0.0.1",
        port=local_server,
        clients=4,
        seconds=0.5,
        max_requests=1000,
        rate=100,
    )

    assert (result.scheduled, result.requests, result.errors) == (50, 50, 0)
    assert result.all_answered and result.offered_per_s == 100
    assert len(set(_Handler.seen_keys)) == 50
    assert result.as_dict()["scheduled"] == 50


def test_an_open_loop_counts_the_wait_behind_a_slow_answer(local_server: int) -> None:
    # One connection offered 100 a second by a server that takes at least 50 ms an answer: the
    # 50 requests due in the first half second need at least 2.5 s, so the last one, due at
    # 0.49 s, is answered 2 s late at the earliest. A closed loop would report ~50 ms each.
    result = loadgen.run_python(
        _post("/slow"),
        host="127.0.0.1",
        port=local_server,
        clients=1,
        seconds=0.5,
        max_requests=1000,
        rate=100,
    )

    assert (result.scheduled, result.errors) == (50, 0)
    assert result.all_answered
    assert result.p99_ms >= 2000
    assert result.p50_ms >= 1000


def test_an_open_loop_needs_a_positive_rate(local_server: int) -> None:
    with pytest.raises(ValueError, match="rate"):
        loadgen.run_python(
            _post(),
            host="127.0.0.1",
            port=local_server,
            clients=1,
            seconds=1,
            max_requests=1,
            rate=0,
        )


def test_a_closed_loop_schedules_nothing(local_server: int) -> None:
    result = loadgen.run_python(
        _post(), host="127.0.0.1", port=local_server, clients=1, seconds=5, max_requests=5
    )

    assert result.scheduled == 0 and not result.all_answered
    assert "scheduled" not in result.as_dict()


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)"
)
def test_the_wrk_engine_measures_and_sends_unique_keys(local_server: int) -> None:
    result = loadgen.run_wrk(
        _post(), host="127.0.0.1", port=local_server, clients=2, seconds=1, max_requests=100_000
    )

    assert result.requests > 0 and result.errors == 0
    assert len(set(_Handler.seen_keys)) == len(_Handler.seen_keys)


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)"
)
def test_the_wrk_engine_cycles_through_the_body_variants(local_server: int) -> None:
    target = loadgen.Target("t", "POST", "/ok", variants=("a=中", "a=2"))

    loadgen.run_wrk(
        target, host="127.0.0.1", port=local_server, clients=1, seconds=1, max_requests=10
    )

    assert set(_Handler.seen_bodies) == {"a=中".encode(), b"a=2"}


def test_it_refuses_a_target_off_this_machine() -> None:
    with pytest.raises(ValueError, match="loopback"):
        loadgen.run_python(_post(), host="10.0.0.1", port=80, clients=1, seconds=1, max_requests=1)


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]

    assert [loadgen.percentile(values, q) for q in (50, 95, 99)] == [50.0, 95.0, 99.0]


def test_lua_strings_escape_everything_but_printable_ascii() -> None:
    assert loadgen._lua_string('a"b\\中') == '"a\\034b\\092\\228\\184\\173"'


# --- the summary ---------------------------------------------------------------------------


def _result(target: str, per_second: float, p99_ms: float = 50.0, errors: int = 0) -> Result:
    # Ten seconds: `per_second` × 10 requests answered, `errors` of them errors.
    requests = round(per_second * 10) + errors
    return Result(target, "wrk", 32, 10.0, requests, errors, 10.0, 20.0, p99_ms)


DURABLE = Durability(synchronous_commit="on", fsync="on")


def test_the_summary_compares_each_intake_with_the_bare_write() -> None:
    rounds = [
        {
            "bare_write": _result("bare_write", 600.0),
            "open311": _result("open311", 420.0),
            "native": _result("native", 300.0),
        }
    ]
    out = summary(rounds, Options(targets=("bare_write", "open311", "native")), DURABLE)
    assert out["open311_vs_bare"] == 0.7
    assert out["native_vs_bare"] == 0.5
    assert out["goal_met"] is False  # native: under 400/s and under 60 % of the bare write
    assert "rounds" not in out


def test_the_goal_needs_every_round_and_the_shares_are_per_round() -> None:
    good = {
        "bare_write": _result("bare_write", 600.0),
        "open311": _result("open311", 450.0, p99_ms=90.0),
        "native": _result("native", 420.0, p99_ms=95.0),
    }
    slow_p99 = {
        "bare_write": _result("bare_write", 700.0),
        "open311": _result("open311", 440.0, p99_ms=120.0),
        "native": _result("native", 430.0, p99_ms=99.0),
    }
    options = Options(targets=("bare_write", "open311", "native"), rounds=3)
    out = summary([good, slow_p99, good], options, DURABLE)
    assert out["rounds"] == 3
    assert out["goal_met_by_round"] == [True, False, True]
    assert out["goal_met"] is False
    # Each intake against the bare write of its own round; the headline is the median.
    assert out["open311_vs_bare_by_round"] == [0.75, 0.629, 0.75]
    assert out["open311_vs_bare"] == 0.75
    assert out["medians"]["bare_write"]["orders_per_s"] == 600.0
    assert out["medians"]["open311"]["p99_ms"] == 90.0
    assert out["medians"]["native"]["errors"] == 0
    out = summary([good, good], options, DURABLE)
    assert out["goal_met"] is True
    assert out["medians"]["native"]["p99_ms"] == 95.0


def test_an_error_fails_the_goal() -> None:
    rounds = [
        {
            "bare_write": _result("bare_write", 600.0),
            "open311": _result("open311", 450.0, errors=1),
            "native": _result("native", 450.0),
        }
    ]
    assert summary(rounds, Options(), DURABLE)["goal_met"] is False


def _open(target: str, p99_ms: float, *, answered: bool = True, errors: int = 0) -> Result:
    # An open loop at 400 a second for ten seconds: 4000 scheduled.
    requests = 4000 if answered else 3000
    return Result(
        target,
        "python",
        32,
        10.02,
        requests,
        errors,
        20.0,
        40.0,
        p99_ms,
        offered_per_s=400.0,
        scheduled=4000,
    )


def test_with_an_open_loop_the_goal_takes_rate_and_p99_from_it() -> None:
    # Closed loops at saturation: shares of 0.75 and 0.7, p99 far over 100 ms (32 clients
    # queueing); the open loops at 400/s decide the rate and the p99.
    closed = {
        "bare_write": _result("bare_write", 600.0, p99_ms=150.0),
        "open311": _result("open311", 450.0, p99_ms=180.0),
        "native": _result("native", 420.0, p99_ms=190.0),
    }
    good = {
        **closed,
        open_key("open311"): _open("open311", 60.0),
        open_key("native"): _open("native", 80.0),
    }
    options = Options(targets=("bare_write", "open311", "native"))
    out = summary([good], options, DURABLE)
    assert out["goal_met"] is True
    assert out["open_loop_by_round"] == [
        {
            "open311": {"offered_per_s": 400.0, "p99_ms": 60.0, "all_answered": True, "errors": 0},
            "native": {"offered_per_s": 400.0, "p99_ms": 80.0, "all_answered": True, "errors": 0},
        }
    ]
    assert out["goal"]["measured"] == "share: closed loop; rate and p99: open loop"

    late = {**good, open_key("native"): _open("native", 130.0)}
    assert summary([late], options, DURABLE)["goal_met"] is False
    behind = {**good, open_key("open311"): _open("open311", 60.0, answered=False)}
    assert summary([behind], options, DURABLE)["goal_met"] is False
    failing = {**good, open_key("open311"): _open("open311", 60.0, errors=1)}
    assert summary([failing], options, DURABLE)["goal_met"] is False
    # The share still comes from the closed loop: native at 0.5 of the bare write fails.
    small = {**good, "native": _result("native", 300.0)}
    assert summary([small], options, DURABLE)["goal_met"] is False


# --- the whole command, tiny, on PostgreSQL only -------------------------------------------


@pytest.mark.postgres
def test_the_bench_command_runs_end_to_end() -> None:
    # The command makes, uses and drops a database of its own; the test database is not used.
    out = io.StringIO()
    # This app's command itself (another app's `bench` may come first and hand over).
    call_command(
        BenchCommand(),
        "intake",
        "--fresh-database",
        "gongzhi_bench_selftest",
        "--clients",
        "2",
        "--seconds",
        "1",
        "--warmup",
        "0",
        "--max-requests",
        "30",
        "--workers",
        "1",
        "--threads",
        "2",
        "--engine",
        "python",
        "--rounds",
        "2",
        "--rate",
        "10",
        stdout=out,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    measured = [(line["round"], line["target"], line["mode"]) for line in lines if "target" in line]
    # The targets in turn, twice; the bare write and the intakes also in an open loop.
    expected = [
        (r, t, mode)
        for r in (1, 2)
        for t in TARGETS
        for mode in (("closed", "open") if t != "noop" else ("closed",))
    ]
    assert measured == expected
    measured_lines = [line for line in lines if "target" in line]
    assert all(line["errors"] == 0 and line["requests"] > 0 for line in measured_lines)
    opened = [line for line in measured_lines if line["mode"] == "open"]
    # 10 a second for a second: 10 scheduled, all answered.
    assert all(line["scheduled"] == 10 and line["all_answered"] for line in opened)
    summary = lines[-1]
    assert summary["summary"] is True
    assert summary["server"]["synchronous_commit"] == "on"
    assert summary["server"]["autovacuum"] in ("on", "off")
    assert summary["server"]["analyzed_before_each_run"] is True
    assert {"open311_vs_bare", "native_vs_bare", "goal_met"} <= summary.keys()
    assert summary["rounds"] == 2
    assert len(summary["open311_vs_bare_by_round"]) == 2
    assert len(summary["open_loop_by_round"]) == 2
    assert set(summary["medians"]) == {*TARGETS, "bare_write:open", "open311:open", "native:open"}
