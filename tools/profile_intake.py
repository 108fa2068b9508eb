"""Where an intake's time goes, in one thread: requests through Django's WSGI handler (no
gunicorn, no network) against a PostgreSQL database seeded like the benchmark's.

    .venv/bin/python tools/profile_intake.py                      # CPU per request, 3 runs
    .venv/bin/python tools/profile_intake.py --target native
    .venv/bin/python tools/profile_intake.py --profile            # cProfile, by cumulative time
    .venv/bin/python tools/profile_intake.py --requests 200 --warmup 100 --once   # for callgrind

Client CPU is this thread's CPU time; database CPU is the backend's, read from /proc (the
database must run on this machine). The database (default gongzhi_profile) is created,
migrated and seeded on the first run and kept; its fixture is cached beside it in
var/profile-fixture.json. Not a benchmark: figures move with the machine, compare runs made
one after the other (docs/intake-bench.md).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--target", default="open311", choices=["open311", "native", "bare_write", "noop"]
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/gongzhi_profile"
    )
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--warmup", type=int, default=600)
    parser.add_argument("--profile", action="store_true", help="cProfile instead of CPU times")
    parser.add_argument("--once", action="store_true", help="one run, nothing printed (callgrind)")
    args = parser.parse_args()

    fixture_path = ROOT / "var" / "profile-fixture.json"
    from gongzhi.workorders.bench import database

    if not fixture_path.exists():
        database.recreate(args.database_url)
        database.migrate(args.database_url)
        fixture_path.parent.mkdir(parents=True, exist_ok=True)
        fixture_path.write_text(json.dumps(database.seed(args.database_url), ensure_ascii=False))
    fixture = json.loads(fixture_path.read_text())
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "gongzhi.config.settings",
            "DATABASE_URL": args.database_url,
            "GONGZHI_DEBUG": "0",
            "GONGZHI_BENCH_FLOORS": "1",
            "GONGZHI_DB_CONN_MAX_AGE": "600",
            "GONGZHI_TASKS_BACKEND": "immediate",
            "GONGZHI_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from gongzhi.workorders.bench.intake import targets_for
    from gongzhi.workorders.bench.loadgen import KEY_SLOT

    app = WSGIHandler()
    target = targets_for(fixture)[args.target]

    def call(n: int) -> None:
        key = uuid.uuid4().hex
        body = target.body_for(n).replace(KEY_SLOT, key).encode()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": target.method,
            "PATH_INFO": target.path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in target.headers.items():
            value = value.replace(KEY_SLOT, key)
            if name.lower() == "content-type":
                environ["CONTENT_TYPE"] = value
            else:
                environ["HTTP_" + name.upper().replace("-", "_")] = value
        status: list[str] = []
        response = app(environ, lambda s, _h, _e=None: status.append(s))  # type: ignore[arg-type]
        answer = b"".join(response)
        response.close()
        if not status[0].startswith(("200", "201")):
            raise SystemExit(f"{status[0]}: {answer[:300].decode(errors='replace')}")

    def backend_cpu_ms() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    for n in range(args.warmup):
        call(n)
    database.analyze(args.database_url)
    if args.once:
        for n in range(args.requests):
            call(n)
        return
    if args.profile:
        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        for n in range(args.requests):
            call(n)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        return
    for _ in range(3):
        db0, cpu0 = backend_cpu_ms(), time.thread_time()
        for n in range(args.requests):
            call(n)
        cpu = (time.thread_time() - cpu0) * 1000 / args.requests
        db = (backend_cpu_ms() - db0) / args.requests
        print(f"{args.target}: client CPU {cpu:.3f} ms, database CPU {db:.3f} ms per request")


if __name__ == "__main__":
    main()
