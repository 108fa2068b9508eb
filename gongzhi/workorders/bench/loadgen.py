"""Load generators for the intake benchmark: closed-loop clients on loopback, HTTP/1.1 keep-alive.

Two engines give the same figures (`Result`), so a run can say which one produced them:

- `wrk` (Debian package `wrk`, a C event loop with a small Lua script): costs a few per cent of
  one core at thousands of requests a second, so on a 2-core machine almost all the CPU is left
  to the server and PostgreSQL. Preferred when installed.
- `python`: asyncio streams, one coroutine per client, in this process. No prerequisite, but it
  takes a noticeable share of a core at high rates and so lowers what it measures; fine for the
  intake figures (hundreds a second), pessimistic for the no-op floor.

Both run closed loops: each client sends its next request as soon as the last is answered, so
a run measures the most the server answers, and its latency is the latency at saturation (by
Little's law, clients ÷ throughput). The Python engine also runs an open loop (`rate`): requests
are due at a fixed overall rate, spread evenly over the clients, and each latency is counted from
the moment the request was due, not from when it could be sent — a request that waits behind a
slow answer counts its wait (no "coordinated omission"). That is the measure of "this many
orders a second at this latency": a server that cannot keep up falls behind its schedule and
every late request shows it.

Every run is bounded twice: by `seconds` and by `max_requests`. Only loopback addresses are
accepted as targets.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

KEY_SLOT = "{key}"


@dataclass(frozen=True)
class Target:
    """One kind of request. `KEY_SLOT` in the body or a header value is replaced by a key unique
    to each request (the idempotency key, so that every request creates a new order). With
    several `variants` of the body, request n sends variant n mod len (different places and
    texts, as real intake has)."""

    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    variants: tuple[str, ...] = ()

    def body_for(self, n: int) -> str:
        return self.variants[n % len(self.variants)] if self.variants else self.body


@dataclass
class Result:
    target: str
    engine: str
    clients: int
    seconds: float
    requests: int  # completed (any status)
    errors: int  # non-2xx answers, socket errors and timeouts
    p50_ms: float
    p95_ms: float
    p99_ms: float
    first_error: str = ""
    # Open loop only: the rate offered and how many requests the schedule held.
    offered_per_s: float = 0.0
    scheduled: int = 0
    # CPU the load generator itself spent per request (the Python engine), milliseconds.
    loadgen_cpu_ms: float | None = None

    @property
    def ok(self) -> int:
        return max(0, self.requests - self.errors)

    @property
    def all_answered(self) -> bool:
        """Open loop: every scheduled request was sent and answered without error (how late is
        what the latencies tell)."""
        return self.scheduled > 0 and self.ok >= self.scheduled

    @property
    def per_second(self) -> float:
        """Successful requests per second (an error is not an order)."""
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "orders_per_s": round(self.per_second, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "errors": self.errors,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "clients": self.clients,
            "engine": self.engine,
            **(
                {
                    "offered_per_s": self.offered_per_s,
                    "scheduled": self.scheduled,
                    "all_answered": self.all_answered,
                }
                if self.scheduled
                else {}
            ),
            **(
                {"loadgen_cpu_ms": round(self.loadgen_cpu_ms, 3)}
                if self.loadgen_cpu_ms is not None
                else {}
            ),
            **({"first_error": self.first_error} if self.first_error else {}),
        }


def check_loopback(host: str) -> None:
    """Refuse anything but a loopback address: the benchmark never sends traffic elsewhere."""
    name = "127.0.0.1" if host == "localhost" else host.strip("[]")
    try:
        loopback = ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the benchmark only targets loopback addresses, not {host!r}")


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-th percentile (0–100) of already sorted values, nearest-rank."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _fill(text: str, key: str) -> str:
    return text.replace(KEY_SLOT, key)


# --- the Python engine ------------------------------------------------------------------------


def _request_bytes(target: Target, host: str, port: int, key: str, n: int = 0) -> bytes:
    body = _fill(target.body_for(n), key).encode()
    lines = [f"{target.method} {target.path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {_fill(v, key)}" for k, v in target.headers.items()]
    if body or target.method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """(status, keep-alive, body) of one HTTP/1.1 response."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed by the server")
    status = int(status_line.split(b" ", 2)[1])
    length: int | None = None
    chunked = False
    keep_alive = True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        value = value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
        elif name == b"connection" and value == b"close":
            keep_alive = False
    if chunked:
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body = await reader.read()
        keep_alive = False
    return status, keep_alive, body


async def _python_run(
    target: Target,
    *,
    host: str,
    port: int,
    clients: int,
    seconds: float,
    max_requests: int,
    rate: float | None = None,
) -> Result:
    """Closed loop, or with `rate` an open loop: client c's k-th request is due at
    start + c/rate + k·clients/rate, is sent then (or, if the client is still waiting for its
    previous answer, as soon as that comes), and its latency counts from when it was due. The
    connections are opened before the schedule starts."""
    run = uuid.uuid4().hex[:12]
    latencies: list[float] = []
    state = {"started": 0, "errors": 0, "first_error": ""}
    period = clients / rate if rate else 0.0
    streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = [None] * clients
    if rate:
        for cid in range(clients):
            try:
                streams[cid] = await asyncio.open_connection(host, port)
            except OSError:
                streams[cid] = None  # counted as an error when its first request is due
    cpu_before = time.process_time()
    started = time.perf_counter()
    stop_at = started + seconds
    scheduled = 0
    if rate:
        scheduled = sum(
            max(0, math.ceil((seconds - cid / rate) / period)) for cid in range(clients)
        )
        scheduled = min(scheduled, max_requests)

    def note_error(text: str) -> None:
        state["errors"] += 1  # type: ignore[operator]
        if not state["first_error"]:
            state["first_error"] = text[:300]

    async def client(cid: int) -> None:
        stream = streams[cid]
        reader, writer = stream if stream is not None else (None, None)
        n = 0
        due = 0.0
        while state["started"] < max_requests:  # type: ignore[operator]
            if rate:
                due = started + cid / rate + n * period
                if due >= stop_at:
                    break
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
            elif time.perf_counter() >= stop_at:
                break
            state["started"] += 1  # type: ignore[operator]
            n += 1
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                assert reader is not None
                payload = _request_bytes(target, host, port, f"{run}-{cid}-{n}", cid + n)
                t0 = time.perf_counter()
                writer.write(payload)
                status, keep_alive, body = await asyncio.wait_for(_read_response(reader), 10)
                latencies.append(time.perf_counter() - (due if rate else t0))
                if not 200 <= status < 300:
                    note_error(f"HTTP {status}: {body[:200].decode(errors='replace')}")
                if not keep_alive:
                    writer.close()
                    reader = writer = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                note_error(f"{type(exc).__name__}: {exc}")
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    socket_errors = int(state["started"]) - len(latencies)  # type: ignore[call-overload]
    requests = len(latencies) + socket_errors
    return Result(
        target=target.name,
        engine="python",
        clients=clients,
        seconds=elapsed,
        requests=requests,
        errors=int(state["errors"]),  # type: ignore[call-overload]
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        first_error=str(state["first_error"]),
        offered_per_s=float(rate or 0.0),
        scheduled=scheduled,
        loadgen_cpu_ms=1000 * cpu / requests if requests else None,
    )


def run_python(
    target: Target,
    *,
    host: str,
    port: int,
    clients: int,
    seconds: float,
    max_requests: int,
    rate: float | None = None,
) -> Result:
    """The Python engine; with `rate` (requests a second, > 0) an open loop."""
    check_loopback(host)
    if rate is not None and rate <= 0:
        raise ValueError("the rate of an open-loop run must be positive")
    return asyncio.run(
        _python_run(
            target,
            host=host,
            port=port,
            clients=clients,
            seconds=seconds,
            max_requests=max_requests,
            rate=rate,
        )
    )


# --- the wrk engine ----------------------------------------------------------------------------

_WRK_SCRIPT = r"""
-- Written by gongzhi bench: one request per call with a unique key, stop after a count.
local spec = __SPEC__
local threads = {}
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end

local n = 0
local answered = 0
local first_error = ""

local function fill(text, key)
  return (string.gsub(text, "{key}", key))
end

function request()
  n = n + 1
  local key = spec.run .. "-" .. tid .. "-" .. n
  local headers = {}
  for k, v in pairs(spec.headers) do headers[k] = fill(v, key) end
  local body = nil
  local template = spec.bodies[(n % #spec.bodies) + 1]
  if template ~= "" then body = fill(template, key) end
  return wrk.format(spec.method, spec.path, headers, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status >= 300 and first_error == "" then
    first_error = "HTTP " .. status .. ": " .. string.sub(body or "", 1, 200)
  end
  if answered >= spec.limit then wrk.thread:stop() end
end

local function q(s)
  return '"' .. string.gsub(string.gsub(s, '\\', '\\\\'), '"', '\\"') .. '"'
end

function done(summary, latency, requests)
  local e = summary.errors
  local err = ""
  for _, t in ipairs(threads) do
    local fe = t:get("first_error")
    if fe ~= nil and fe ~= "" and err == "" then err = fe end
  end
  err = string.gsub(err, "[%c]", " ")
  io.write("GONGZHI-BENCH ", string.format(
    '{"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,'
    .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"first_error":%s}\n',
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), q(err)))
end
"""


def _lua_string(text: str) -> str:
    """A Lua 5.1 string literal: printable ASCII as it is, every other byte as \\ddd."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if 32 <= byte < 127 and char not in '"\\':
            out.append(char)
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def _lua_spec(target: Target, run: str, limit: int) -> str:
    bodies = ", ".join(_lua_string(b) for b in (target.variants or (target.body,)))
    headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in target.headers.items())
    return (
        "{"
        f"run = {_lua_string(run)}, method = {_lua_string(target.method)}, "
        f"path = {_lua_string(target.path)}, bodies = {{{bodies}}}, "
        f"headers = {{{headers}}}, limit = {int(limit)}"
        "}"
    )


def run_wrk(
    target: Target,
    *,
    host: str,
    port: int,
    clients: int,
    seconds: float,
    max_requests: int,
    threads: int = 1,
) -> Result:
    """Run wrk with one thread (enough for tens of thousands of requests a second, and it keeps
    the generator to a small share of one core). 3xx and 4xx/5xx are errors."""
    check_loopback(host)
    threads = max(1, min(threads, clients))
    per_thread = max(1, math.ceil(max_requests / threads))
    run = uuid.uuid4().hex[:12]
    script = _WRK_SCRIPT.replace("__SPEC__", _lua_spec(target, run, per_thread))
    with tempfile.TemporaryDirectory(prefix="gongzhi-bench-") as tmp:
        path = Path(tmp) / "bench.lua"
        path.write_text(script)
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(path),
            f"http://{host}:{port}{target.path}",
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("GONGZHI-BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    data = json.loads(line.removeprefix("GONGZHI-BENCH "))
    errors = int(data["errors"]) + int(data["non2xx"])
    return Result(
        target=target.name,
        engine="wrk",
        clients=clients,
        seconds=int(data["duration_us"]) / 1e6,
        requests=int(data["requests"]) + int(data["errors"]),
        errors=errors,
        p50_ms=int(data["p50_us"]) / 1000,
        p95_ms=int(data["p95_us"]) / 1000,
        p99_ms=int(data["p99_us"]) / 1000,
        first_error=str(data["first_error"]),
    )


def run(
    target: Target,
    *,
    engine: str,
    host: str,
    port: int,
    clients: int,
    seconds: float,
    max_requests: int,
) -> Result:
    if engine == "wrk":
        return run_wrk(
            target,
            host=host,
            port=port,
            clients=clients,
            seconds=seconds,
            max_requests=max_requests,
        )
    if engine == "python":
        return run_python(
            target,
            host=host,
            port=port,
            clients=clients,
            seconds=seconds,
            max_requests=max_requests,
        )
    raise ValueError(f"unknown load generator {engine!r}; choose wrk or python")
