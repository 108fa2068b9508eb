"""``gongzhi classifier train|evaluate|crossval``: the category classifier from the shell.

Data files are read where they lie (``--data``/``--train``/``--test``); nothing is
copied into the project. ``evaluate`` and ``crossval`` print exactly one JSON line on
stdout; ``train`` prints one JSON line with the artifact's metadata; ``predict`` prints
one JSON line per text.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.dispatch.classifier import ArtifactError, CategoryClassifier, crossval, evaluate
from gongzhi.dispatch.datasets import DatasetError, LabelledRow, read_labelled


def _read(path: str) -> list[LabelledRow]:
    try:
        return read_labelled(path)
    except FileNotFoundError as exc:
        raise CommandError(f"{path}: no such file") from exc
    except DatasetError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = (
        "The message category classifier: `train --data PATH --out PATH` writes a model "
        "artifact, `evaluate --train PATH --test PATH` trains on one table and scores on "
        "another, `crossval --data PATH --folds 5` runs stratified cross-validation, "
        "`predict --model PATH TEXT...` shows the top categories. "
        "Tables are TSV or CSV with a category column and a text (or subject+body) column."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train on a labelled table, save the model")
        train.add_argument("--data", required=True, help="labelled table (TSV/CSV)")
        train.add_argument("--out", required=True, help="where to write the model artifact")
        train.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")

        ev = sub.add_parser("evaluate", help="train on one table, measure on another")
        ev.add_argument("--train", required=True, help="labelled training table")
        ev.add_argument("--test", required=True, help="labelled test table")
        ev.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")

        pr = sub.add_parser("predict", help="top categories of texts with a saved model")
        pr.add_argument("--model", required=True, help="artifact written by `train`")
        pr.add_argument("--k", type=int, default=3, help="how many categories (default 3)")
        pr.add_argument("texts", nargs="+", help="message texts")

        cv = sub.add_parser("crossval", help="stratified k-fold cross-validation")
        cv.add_argument("--data", required=True, help="labelled table (TSV/CSV)")
        cv.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
        cv.add_argument("--seed", type=int, default=0, help="fold shuffling seed (default 0)")
        cv.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
        cv.add_argument(
            "--per-fold", action="store_true", help="include every fold's figures in the line"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "train":
            rows = _read(options["data"])
            model = CategoryClassifier(n_jobs=options["jobs"])
            try:
                model.fit([r.text for r in rows], [r.category for r in rows])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            out = model.save(Path(options["out"]))
            self._line({"artifact": str(out), **model.metadata})
        elif action == "evaluate":
            try:
                result = evaluate(
                    _read(options["train"]), _read(options["test"]), n_jobs=options["jobs"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self._line(result)
        elif action == "crossval":
            if options["folds"] < 2:
                raise CommandError("--folds must be at least 2")
            try:
                result = crossval(
                    _read(options["data"]), options["folds"], options["seed"], options["jobs"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            if not options["per_fold"]:
                result.pop("per_fold", None)
            self._line(result)
        elif action == "predict":
            try:
                model = CategoryClassifier.load(options["model"])
            except (FileNotFoundError, ArtifactError) as exc:
                raise CommandError(str(exc)) from exc
            for text, top in zip(
                options["texts"], model.predict_batch(options["texts"], options["k"]), strict=True
            ):
                confidence = top[0][1]
                self._line(
                    {
                        "text": text,
                        "top": [[label, round(p, 4)] for label, p in top],
                        "auto_dispatch": model.auto_dispatch(confidence),
                        "model_version": model.metadata.get("version"),
                    }
                )
        else:  # pragma: no cover - argparse rejects other actions
            raise CommandError(f"unknown action {action!r}")

    def _line(self, payload: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False, allow_nan=False))
