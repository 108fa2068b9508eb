"""The intake benchmark's parts: the floor views, the load generators against a small local
server, and (on PostgreSQL only) the whole `gongzhi bench intake` in a tiny configuration so
that it cannot rot."""

from __future__ import annotations

import importlib
import io
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import Resolver404, clear_url_caches, resolve

from gongzhi.workorders import taxonomy
from gongzhi.workorders.bench import loadgen, views
from gongzhi.workorders.bench.database import Durability
from gongzhi.workorders.bench.intake import TARGETS, Options, summary
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
        stdout=out,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    measured = [(line["round"], line["target"]) for line in lines if "target" in line]
    # The targets in turn, twice.
    assert measured == [(r, t) for r in (1, 2) for t in TARGETS]
    by_target = {line["target"]: line for line in lines if "target" in line}
    assert all(line["errors"] == 0 and line["requests"] > 0 for line in by_target.values())
    summary = lines[-1]
    assert summary["summary"] is True
    assert summary["server"]["synchronous_commit"] == "on"
    assert {"open311_vs_bare", "native_vs_bare", "goal_met"} <= summary.keys()
    assert summary["rounds"] == 2
    assert len(summary["open311_vs_bare_by_round"]) == 2
    assert set(summary["medians"]) == set(TARGETS)
