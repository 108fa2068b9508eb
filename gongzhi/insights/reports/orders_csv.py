"""The CSV export of a month's orders (a scope, optionally one category or status), with the
requester's name and phone masked (workorders/privacy.py), for Excel: UTF-8 with a BOM, a
fixed zh-hans header row, CRLF line ends.

Produced as a generator of text chunks over one query read in chunks (values_list with the
names joined in, `iterator(chunk_size=…)`), so a month of a million orders never sits in
memory; the view streams it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.insights.hotspots.counts import local_bounds, next_month
from gongzhi.insights.rankings import month_start
from gongzhi.workorders.models import Channel, Kind, Satisfaction, Status, WorkOrder
from gongzhi.workorders.privacy import mask_name, mask_phone, masked_text

BOM = "\ufeff"
CHUNK_SIZE = 2000
FIELDS = (
    "number",
    "received_at",
    "kind",
    "channel",
    "category__parent__name",
    "category__name",
    "subdistrict__name",
    "community__name",
    "compound__name",
    "requester_name",
    "requester_phone",
    "lead_unit__name",
    "status",
    "contacted_at",
    "resolved_at",
    "satisfaction",
    "overdue",
    "excluded_from_scoring",
    "description",
)


def header() -> list[str]:
    return [
        _("工单编号"),
        _("受理时间"),
        _("诉求类型"),
        _("渠道"),
        _("一级类别"),
        _("类别"),
        _("街道/地区"),
        _("社区/村"),
        _("小区"),
        _("诉求人"),
        _("联系电话"),
        _("主办单位"),
        _("状态"),
        _("响应时间"),
        _("办结时间"),
        _("满意度"),
        _("已超期"),
        _("不计入考核"),
        _("诉求内容"),
    ]


@dataclass(frozen=True)
class OrderFilter:
    month: dt.date  # any day of the month
    subdistrict_id: int | None = None
    category_id: int | None = None  # a leaf, or a top-level category with its children
    status: str | None = None


def export_orders(f: OrderFilter) -> QuerySet[WorkOrder]:
    """The month's orders (received in the month, Asia/Shanghai) of the filter, oldest
    first. The caller has checked the person may see the scope."""
    start, end = local_bounds(month_start(f.month), next_month(month_start(f.month)))
    qs = WorkOrder.objects.filter(received_at__gte=start, received_at__lt=end)
    if f.subdistrict_id is not None:
        qs = qs.filter(subdistrict_id=f.subdistrict_id)
    if f.category_id is not None:
        qs = qs.filter(Q(category_id=f.category_id) | Q(category__parent_id=f.category_id))
    if f.status:
        qs = qs.filter(status=f.status)
    return qs.order_by("received_at", "pk")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    """Free text as a CSV cell Excel will not run: a leading =, +, -, @ would make it a
    formula (CSV injection), so such a cell gets a leading apostrophe, as OWASP advises."""
    value = value or ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _when(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _labels() -> dict[str, dict[str, str]]:
    return {
        "kind": {k.value: str(k.label) for k in Kind},
        "channel": {c.value: str(c.label) for c in Channel},
        "status": {s.value: str(s.label) for s in Status},
        "satisfaction": {s.value: str(s.label) for s in Satisfaction},
    }


def _line(writer: Any, buffer: io.StringIO, row: list[Any]) -> str:
    writer.writerow(row)
    return _flush(buffer)


def csv_chunks(f: OrderFilter, *, rows_per_chunk: int = 500) -> Iterator[str]:
    """The CSV text in chunks: the BOM and header first, then `rows_per_chunk` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    labels = _labels()
    yes = _("是")
    yield BOM + _line(writer, buffer, header())
    rows = export_orders(f).values_list(*FIELDS).iterator(chunk_size=CHUNK_SIZE)
    pending = 0
    for values in rows:
        v = dict(zip(FIELDS, values, strict=True))
        writer.writerow(
            [
                v["number"],
                _when(v["received_at"]),
                labels["kind"].get(v["kind"], v["kind"]),
                labels["channel"].get(v["channel"], v["channel"]),
                v["category__parent__name"] or v["category__name"],
                v["category__name"],
                v["subdistrict__name"] or "",
                _text(v["community__name"]),
                _text(v["compound__name"]),
                _text(mask_name(v["requester_name"])),
                mask_phone(v["requester_phone"]),
                _text(v["lead_unit__name"]),
                labels["status"].get(v["status"], v["status"]),
                _when(v["contacted_at"]),
                _when(v["resolved_at"]),
                labels["satisfaction"].get(v["satisfaction"], v["satisfaction"] or ""),
                yes if v["overdue"] else "",
                yes if v["excluded_from_scoring"] else "",
                _text(masked_text(v["description"], name=v["requester_name"])),
            ]
        )
        pending += 1
        if pending >= rows_per_chunk:
            yield _flush(buffer)
            pending = 0
    if pending:
        yield _flush(buffer)


def _flush(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
