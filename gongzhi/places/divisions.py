"""Importing an official division list (统计用区划代码) into the registry.

The file is CSV with the header `code,name,parent_code,level,kind`, one row per district,
subdistrict or community, parents before children. The whole file is validated before
anything is written, and written in one transaction, so a refused file leaves the database
as it was. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from gongzhi.places.errors import DivisionImportError
from gongzhi.places.models import Community, District, Subdistrict

HEADER = ["code", "name", "parent_code", "level", "kind"]
_CODE = re.compile(r"^\d{12}$")
SUBDISTRICT_KINDS = {
    "街道": Subdistrict.Kind.STREET,
    "地区": Subdistrict.Kind.AREA,
    "乡": Subdistrict.Kind.TOWNSHIP,
    "镇": Subdistrict.Kind.TOWNSHIP,
}
COMMUNITY_KINDS = {
    "居委会": Community.Kind.RESIDENTS,
    "村委会": Community.Kind.VILLAGE,
    "类似居委会": Community.Kind.QUASI,
}
# Longest first, so that 居民委员会 is stripped before 委员会 could be.
_COMMITTEE_SUFFIXES = ("居民委员会", "村民委员会", "居委会", "村委会")


def community_short_name(official: str) -> str:
    """华贸中心社区居委会 → 华贸中心社区; 东坝村村委会 → 东坝村."""
    for suffix in _COMMITTEE_SUFFIXES:
        if official.endswith(suffix) and len(official) > len(suffix):
            return official[: -len(suffix)]
    return official


@dataclass(frozen=True)
class DivisionRow:
    line: int
    code: str
    name: str
    parent_code: str
    level: str
    kind: str


@dataclass
class ImportReport:
    created: dict[str, int] = field(
        default_factory=lambda: {"district": 0, "subdistrict": 0, "community": 0}
    )
    updated: dict[str, int] = field(
        default_factory=lambda: {"district": 0, "subdistrict": 0, "community": 0}
    )
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def read_division_file(path: Path) -> list[DivisionRow]:
    """Parse and check the whole file; raise DivisionImportError with the file's line number."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DivisionImportError(line=0, message=f"no such file: {path}") from exc
    except UnicodeDecodeError as exc:
        raise DivisionImportError(line=0, message="the file is not UTF-8 text") from exc
    reader = csv.reader(text.splitlines())
    rows: list[DivisionRow] = []
    levels: dict[str, str] = {}
    for index, record in enumerate(reader, start=1):
        if index == 1:
            if [c.strip() for c in record] != HEADER:
                raise DivisionImportError(
                    line=1, message=f"header must be {','.join(HEADER)}, found {','.join(record)}"
                )
            continue
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != len(HEADER):
            raise DivisionImportError(
                line=index, message=f"expected {len(HEADER)} fields, found {len(record)}"
            )
        code, name, parent, level, kind = (c.strip() for c in record)
        if not _CODE.match(code):
            raise DivisionImportError(line=index, message=f"code {code!r} is not 12 digits")
        if not name:
            raise DivisionImportError(line=index, message="name is empty")
        if code in levels:
            raise DivisionImportError(line=index, message=f"code {code} appears twice")
        if level == "district":
            pass
        elif level == "subdistrict":
            if kind not in SUBDISTRICT_KINDS:
                raise DivisionImportError(line=index, message=f"unknown subdistrict kind {kind!r}")
            if levels.get(parent) != "district":
                raise DivisionImportError(
                    line=index, message=f"parent {parent} is not a district listed above this row"
                )
        elif level == "community":
            if kind not in COMMUNITY_KINDS:
                raise DivisionImportError(line=index, message=f"unknown community kind {kind!r}")
            if levels.get(parent) != "subdistrict":
                raise DivisionImportError(
                    line=index,
                    message=f"parent {parent} is not a subdistrict listed above this row",
                )
        else:
            raise DivisionImportError(
                line=index, message=f"level {level!r} is not district, subdistrict or community"
            )
        if level != "district" and not code.startswith(
            parent[: {"subdistrict": 6, "community": 9}[level]]
        ):
            raise DivisionImportError(
                line=index, message=f"code {code} does not lie under its parent {parent}"
            )
        levels[code] = level
        rows.append(DivisionRow(index, code, name, parent, level, kind))
    if not rows:
        raise DivisionImportError(line=1, message="the file has no rows")
    return rows


def divisions_import(*, path: Path) -> ImportReport:
    """Load a division file. One transaction; idempotent; refuses the whole file on any error."""
    rows = read_division_file(path)
    report = ImportReport()
    with transaction.atomic():
        districts = {d.code: d for d in District.objects.select_for_update()}
        subdistricts = {s.code: s for s in Subdistrict.objects.select_for_update()}
        communities = {c.code: c for c in Community.objects.select_for_update()}
        for row in rows:
            if row.level == "district":
                _upsert(report, "district", districts, row.code, District, {"name": row.name})
            elif row.level == "subdistrict":
                _upsert(
                    report,
                    "subdistrict",
                    subdistricts,
                    row.code,
                    Subdistrict,
                    {
                        "name": row.name,
                        "kind": SUBDISTRICT_KINDS[row.kind],
                        "district": districts[row.parent_code],
                    },
                )
            else:
                _upsert(
                    report,
                    "community",
                    communities,
                    row.code,
                    Community,
                    {
                        "name": community_short_name(row.name),
                        "official_name": row.name,
                        "kind": COMMUNITY_KINDS[row.kind],
                        "subdistrict": subdistricts[row.parent_code],
                    },
                )
    return report


def _upsert(
    report: ImportReport,
    level: str,
    existing: dict,
    code: str,
    model: type[District] | type[Subdistrict] | type[Community],
    values: dict,
) -> None:
    obj = existing.get(code)
    if obj is None:
        existing[code] = model.objects.create(code=code, **values)
        report.created[level] += 1
        return
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        report.updated[level] += 1
    else:
        report.unchanged += 1
