"""`gongzhi report monthly --month YYYY-MM [--subdistrict ID] --format xlsx|pdf --out FILE`:
the monthly report for leaders who want it by script or cron (the same file as the download
on /insights/reports/). Prints one JSON line: the file, its size, the scope and month.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.insights.dashboard.selectors import parse_month
from gongzhi.insights.reports.data import ReportScopeError, monthly_report
from gongzhi.insights.reports.excel import report_workbook
from gongzhi.insights.reports.pdf import report_pdf
from gongzhi.insights.selectors import Scope


def _month(value: str) -> dt.date:
    month = parse_month(value)
    if month is None:
        raise ArgumentTypeError(f"月份格式应为 YYYY-MM: {value!r}")
    return month


class Command(BaseCommand):
    help = (
        "Monthly report: `monthly --month YYYY-MM [--subdistrict ID] --format xlsx|pdf "
        "--out FILE` writes the district's (or one subdistrict's) report."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        monthly = sub.add_parser("monthly", help="write the monthly report")
        monthly.add_argument("--month", type=_month, required=True, help="YYYY-MM")
        monthly.add_argument(
            "--subdistrict", type=int, help="a subdistrict's id; default the district"
        )
        monthly.add_argument("--format", choices=("xlsx", "pdf"), required=True)
        monthly.add_argument("--out", type=Path, required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = Scope(options.get("subdistrict"))
        try:
            report = monthly_report(scope, options["month"])
        except ReportScopeError as exc:
            raise CommandError(f"没有编号为 {exc.args[0]} 的街道/地区") from exc
        content = report_workbook(report) if options["format"] == "xlsx" else report_pdf(report)
        out: Path = options["out"]
        out.write_bytes(content)
        self.stdout.write(
            json.dumps(
                {
                    "file": str(out),
                    "bytes": len(content),
                    "scope": report.scope_name,
                    "month": report.month_value,
                },
                ensure_ascii=False,
            )
        )
