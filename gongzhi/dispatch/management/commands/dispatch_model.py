"""``gongzhi dispatch_model``: the registry of category classifier artifacts that intake uses.

- ``retrain [--out PATH] [--activate] [--per-category N] [--since YYYY-MM-DD] [--level top|leaf]``:
  train on the deployment's own settled and corrected orders (the same rows
  ``classifier_orders_export`` writes; top-level categories by default), save, register, and
  activate if asked;
- ``register PATH [--activate]``: enter a file written by ``gongzhi classifier train``;
- ``activate VERSION``: make a registered artifact the one intake uses;
- ``list``: the registry, newest first.

Every subcommand prints JSON lines.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.dispatch.models import ModelArtifact
from gongzhi.dispatch.selectors import artifacts
from gongzhi.dispatch.services import (
    ModelError,
    artifact_activate,
    artifact_register,
    model_retrain,
)
from gongzhi.workorders.sla import SHANGHAI


def _line(artifact: ModelArtifact) -> dict[str, Any]:
    meta = artifact.metadata
    return {
        "version": artifact.version,
        "path": artifact.path,
        "active": artifact.active,
        "threshold": artifact.threshold,
        "n_rows": meta.get("n_rows"),
        "labels": len(meta.get("labels", [])),
        "train_seconds": meta.get("train_seconds"),
        "source": meta.get("source", "file"),
        "registered_at": artifact.registered_at.isoformat(),
    }


class Command(BaseCommand):
    help = "The classifier artifacts intake uses: retrain from orders, register, activate, list."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        retrain = sub.add_parser("retrain", help="train on the deployment's own orders")
        retrain.add_argument("--out", help="artifact file (default: GONGZHI_MODEL_DIR)")
        retrain.add_argument("--activate", action="store_true", help="make it the active one")
        retrain.add_argument(
            "--per-category", type=int, help="at most this many (newest) orders per category"
        )
        retrain.add_argument("--since", help="only orders received on or after YYYY-MM-DD")
        retrain.add_argument(
            "--level",
            choices=("top", "leaf"),
            default="top",
            help="learn the top-level categories (default: seconds to train) or the orders' own",
        )
        retrain.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
        register = sub.add_parser("register", help="register an artifact file")
        register.add_argument("path")
        register.add_argument("--activate", action="store_true", help="make it the active one")
        activate = sub.add_parser("activate", help="activate a registered version")
        activate.add_argument("version")
        sub.add_parser("list", help="the registry, newest first")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "retrain":
                since = None
                if options["since"]:
                    day = dt.date.fromisoformat(options["since"])
                    since = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
                found = [
                    model_retrain(
                        out=options["out"],
                        activate=options["activate"],
                        since=since,
                        per_category=options["per_category"],
                        level=options["level"],
                        n_jobs=options["jobs"],
                    )
                ]
            elif action == "register":
                found = [artifact_register(path=options["path"], activate=options["activate"])]
            elif action == "activate":
                artifact = ModelArtifact.objects.filter(version=options["version"]).first()
                if artifact is None:
                    raise CommandError(f"no registered artifact {options['version']!r}")
                found = [artifact_activate(artifact=artifact)]
            else:
                found = list(artifacts())
        except ModelError as exc:
            raise CommandError(f"{exc} ({exc.code})") from exc
        except ValueError as exc:  # a malformed --since
            raise CommandError(str(exc)) from exc
        for artifact in found:
            self.stdout.write(json.dumps(_line(artifact), ensure_ascii=False))
