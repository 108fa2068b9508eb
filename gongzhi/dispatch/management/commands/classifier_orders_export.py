"""``gongzhi classifier_orders_export --out FILE.tsv``: the deployment's own orders as a labelled
table for ``gongzhi classifier train --data FILE.tsv``.

Rows are (category code, text) of the settled orders (resolved or later) and of the orders a
dispatcher corrected, with the category they have now (gongzhi.dispatch.feedback.training_rows).
The table is a TSV with the header ``category<TAB>text``; tabs and line breaks inside a text
become spaces. Prints one JSON line: the file, the row count and the rows per category.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.dispatch.feedback import LEVELS, training_rows
from gongzhi.workorders.sla import SHANGHAI


class Command(BaseCommand):
    help = (
        "Write the deployment's settled and corrected orders as a (category, text) TSV that "
        "`gongzhi classifier train --data` reads."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, help="the TSV file to write")
        parser.add_argument(
            "--since", help="only orders received on or after this day (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--level",
            choices=LEVELS,
            default="leaf",
            help="label with the orders' own categories (leaf, default) or their top-level ones",
        )
        parser.add_argument(
            "--min-per-category",
            type=int,
            default=2,
            help="leave out categories with fewer orders (default 2, the classifier's minimum)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options["since"]:
            try:
                day = dt.date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"--since {options['since']!r} is not YYYY-MM-DD") from exc
            since = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        counts: Counter[str] = Counter()
        with out.open("w", encoding="utf-8", newline="") as handle:
            handle.write("category\ttext\n")
            for category, text in training_rows(
                since=since,
                min_per_category=options["min_per_category"],
                level=options["level"],
            ):
                handle.write(f"{category}\t{' '.join(text.split())}\n")
                counts[category] += 1
        self.stdout.write(
            json.dumps(
                {"out": str(out), "rows": sum(counts.values()), "categories": dict(counts)},
                ensure_ascii=False,
            )
        )
