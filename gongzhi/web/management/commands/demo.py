"""`gongzhi demo`: migrate, build a believable Chaoyang, print the logins, serve it."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Role
from gongzhi.web import background
from gongzhi.web.demo import DEFAULT_SEED, DemoContext, DemoError, Progress, demo_build, pad


class Command(BaseCommand):
    help = (
        "Build the demo district on the configured database (SQLite, or DATABASE_URL) and serve "
        "it at http://127.0.0.1:8000. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="build, print the logins and exit"
        )
        parser.add_argument("--port", type=int, default=8000, help="port to serve on (8000)")
        parser.add_argument(
            "--no-background",
            action="store_true",
            help="serve without starting the task worker and the scheduler beside the server",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed of the generated data ({DEFAULT_SEED}); same seed, same demo",
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help="generate compounds for three subdistricts only (quick looks, tests)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="erase EVERYTHING in the database first (flush), then build",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        progress = Progress(self._say)
        self._say(_("共治演示：%(db)s") % {"db": _database_label()})
        with progress.step(_("数据库迁移")):
            call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            with progress.step(_("清空数据库")):
                call_command("flush", interactive=False, verbosity=0)
        ctx = DemoContext(seed=options["seed"], small=options["small"])
        try:
            demo_build(ctx=ctx, progress=progress)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        # A year of orders written at once: the planner's statistics, as autovacuum would
        # leave them on a running server (both databases know ANALYZE).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        self._say(_("完成，共用时 %(s).1f 秒。") % {"s": seconds})
        self._say("")
        self._say(_("演示登录（密码都是 %(password)s）：") % {"password": ctx.password})
        for login in ctx.logins:
            label = str(Role(login.role).label)
            self._say(f"  {pad(label, 16)} {login.username:<15} {login.where}")
        self._say(_("地图上的街道、社区、小区范围和位置均为生成的演示数据。"))
        if options["no_serve"]:
            return
        address = f"127.0.0.1:{options['port']}"
        self._say("")
        self._say(_("打开 http://%(address)s/ （按 Ctrl-C 停止）") % {"address": address})
        # runserver without its autoreloader and without its static handler: WhiteNoise (in
        # the middleware) serves the static files, as it does in production. WhiteNoise warns
        # when STATIC_ROOT is missing, though it serves from the finders; give it the folder.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # The task worker and the scheduler run beside the server, as child processes that
        # stop with it (Ctrl-C or SIGTERM), so that deadlines, notifications and roll-ups move.
        children = [] if options["no_background"] else background.processes()
        if children:
            names = ", ".join(bg.name for bg in children)
            self._say(
                _("后台进程：%(names)s，日志在 %(logs)s")
                % {"names": names, "logs": background.log_dir()}
            )
        previous = signal.signal(signal.SIGTERM, _exit)
        try:
            with background.running(children, log_dir=background.log_dir()):
                call_command("runserver", address, use_reloader=False, use_static_handler=False)
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()


def _exit(signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends the server like Ctrl-C does, so that the children are stopped too."""
    raise SystemExit(0)


def _database_label() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {db['NAME']}"
    return f"{connection.display_name} {db['NAME']} @ {db.get('HOST') or 'localhost'}"
