"""Importing the official division list: the carried Chaoyang file, idempotence, refusals."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import gongzhi.places
from gongzhi.places.divisions import community_short_name, divisions_import
from gongzhi.places.errors import DivisionImportError
from gongzhi.places.models import Community, District, Subdistrict

CARRIED = Path(gongzhi.places.__file__).parent / "data" / "chaoyang-2023.csv"

HEADER = "code,name,parent_code,level,kind"
DISTRICT = "110105000000,朝阳区,110000000000,district,区"
SD_BALIZHUANG = "110105015000,八里庄街道,110105000000,subdistrict,街道"
SD_FUTOU = "110105019000,垡头街道,110105000000,subdistrict,街道"
COMM_HUAMAO = "110105015044,华贸中心社区居委会,110105015000,community,居委会"
COMM_SHUANGHE = "110105019029,双合家园社区居民委员会,110105019000,community,居委会"
GOOD = [HEADER, DISTRICT, SD_BALIZHUANG, SD_FUTOU, COMM_HUAMAO, COMM_SHUANGHE]

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, lines: list[str], name: str = "divisions.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def registry_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the three division tables, every column, in a stable order."""
    return {
        "district": list(District.objects.order_by("code").values_list()),
        "subdistrict": list(Subdistrict.objects.order_by("code").values_list()),
        "community": list(Community.objects.order_by("code").values_list()),
    }


def counts() -> tuple[int, int, int]:
    return District.objects.count(), Subdistrict.objects.count(), Community.objects.count()


# --- The carried Chaoyang list ------------------------------------------------------------


def test_it_loads_one_district_43_subdistricts_and_768_communities() -> None:
    out = StringIO()
    call_command("import_divisions", str(CARRIED), stdout=out)
    assert counts() == (1, 43, 768)
    assert "registry: 1 district, 43 subdistricts, 768 communities" in out.getvalue()


def test_it_places_huamao_centre_under_balizhuang() -> None:
    divisions_import(path=CARRIED)
    community = Community.objects.select_related("subdistrict").get(name="华贸中心社区")
    assert community.subdistrict.name == "八里庄街道"
    assert community.official_name == "华贸中心社区居委会"


def test_it_places_shuanghe_jiayuan_under_futou() -> None:
    divisions_import(path=CARRIED)
    community = Community.objects.select_related("subdistrict").get(name="双合家园社区")
    assert community.subdistrict.name == "垡头街道"


def test_it_reports_no_change_when_the_same_file_is_imported_twice() -> None:
    first = divisions_import(path=CARRIED)
    assert first.created == {"district": 1, "subdistrict": 43, "community": 768}
    second = divisions_import(path=CARRIED)
    assert not second.changed
    assert second.created == {"district": 0, "subdistrict": 0, "community": 0}
    assert second.updated == {"district": 0, "subdistrict": 0, "community": 0}
    assert second.unchanged == 1 + 43 + 768


def test_it_leaves_every_row_as_it_was_when_imported_twice() -> None:
    call_command("import_divisions", str(CARRIED), stdout=StringIO())
    before = registry_snapshot()
    out = StringIO()
    call_command("import_divisions", str(CARRIED), stdout=out)
    assert registry_snapshot() == before
    assert "unchanged 812" in out.getvalue()


def test_it_updates_a_renamed_community_in_place(tmp_path: Path) -> None:
    divisions_import(path=write(tmp_path, GOOD, "first.csv"))
    original = Community.objects.get(code="110105015044")
    renamed = "110105015044,华贸社区居委会,110105015000,community,居委会"
    report = divisions_import(
        path=write(tmp_path, [renamed if r == COMM_HUAMAO else r for r in GOOD], "second.csv")
    )
    assert report.updated == {"district": 0, "subdistrict": 0, "community": 1}
    community = Community.objects.get(code="110105015044")
    assert (community.pk, community.name) == (original.pk, "华贸社区")


def test_it_shortens_committee_names_to_the_common_name() -> None:
    assert community_short_name("华贸中心社区居委会") == "华贸中心社区"
    assert community_short_name("双合家园社区居民委员会") == "双合家园社区"
    assert community_short_name("东坝村村委会") == "东坝村"
    assert community_short_name("居委会") == "居委会"


# --- Refused files ------------------------------------------------------------------------

BROKEN = {
    "too few fields": (
        [HEADER, DISTRICT, SD_BALIZHUANG, "110105015044,华贸中心社区居委会,110105015000,community"],
        4,
        "expected 5 fields, found 4",
    ),
    "too many fields": (
        [HEADER, DISTRICT, SD_BALIZHUANG, COMM_HUAMAO + ",extra"],
        4,
        "expected 5 fields, found 6",
    ),
    "code of 11 digits": (
        [HEADER, DISTRICT, "11010501500,八里庄街道,110105000000,subdistrict,街道"],
        3,
        "code '11010501500' is not 12 digits",
    ),
    "code with letters": (
        [
            HEADER,
            DISTRICT,
            SD_BALIZHUANG,
            "11010501504A,华贸中心社区居委会,110105015000,community,居委会",
        ],
        4,
        "code '11010501504A' is not 12 digits",
    ),
    "orphaned community": (
        [HEADER, DISTRICT, SD_BALIZHUANG, COMM_HUAMAO, COMM_SHUANGHE],
        5,
        "parent 110105019000 is not a subdistrict listed above this row",
    ),
    "orphaned subdistrict": (
        [HEADER, SD_BALIZHUANG],
        2,
        "parent 110105000000 is not a district listed above this row",
    ),
    "bad header": (
        ["code,name,parent,level,kind", DISTRICT, SD_BALIZHUANG],
        1,
        "header must be code,name,parent_code,level,kind",
    ),
    "duplicate code": (
        [HEADER, DISTRICT, SD_BALIZHUANG, COMM_HUAMAO, SD_FUTOU, COMM_HUAMAO],
        6,
        "code 110105015044 appears twice",
    ),
    "unknown level": (
        [HEADER, DISTRICT, "110105015000,八里庄街道,110105000000,township,街道"],
        3,
        "level 'township' is not district, subdistrict or community",
    ),
}


@pytest.mark.parametrize(("lines", "line", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_it_refuses_a_broken_file_with_its_line_number(
    tmp_path: Path, lines: list[str], line: int, message: str
) -> None:
    with pytest.raises(DivisionImportError) as excinfo:
        divisions_import(path=write(tmp_path, lines))
    assert excinfo.value.line == line
    assert message in excinfo.value.message


@pytest.mark.parametrize(("lines", "line", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_the_command_refuses_a_broken_file_with_its_line_number_and_writes_nothing(
    tmp_path: Path, lines: list[str], line: int, message: str
) -> None:
    path = write(tmp_path, lines)
    with pytest.raises(CommandError) as excinfo:
        call_command("import_divisions", str(path), stdout=StringIO())
    assert f"line {line}: {message}" in str(excinfo.value)
    assert "nothing written" in str(excinfo.value)
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("lines", [lines for lines, _, _ in BROKEN.values()], ids=BROKEN.keys())
def test_a_broken_file_after_a_good_import_changes_nothing(
    tmp_path: Path, lines: list[str]
) -> None:
    divisions_import(path=write(tmp_path, GOOD, "good.csv"))
    before = registry_snapshot()
    # A renamed subdistrict and a new community ahead of the broken row: had the import
    # written row by row, both would show.
    renamed = "110105015000,八里庄地区,110105000000,subdistrict,地区"
    extra = "110105015045,新社区居委会,110105015000,community,居委会"
    body = [renamed if row == SD_BALIZHUANG else row for row in lines]
    if SD_BALIZHUANG in lines:
        body.insert(body.index(renamed) + 1, extra)
    with pytest.raises(DivisionImportError):
        divisions_import(path=write(tmp_path, body, "broken.csv"))
    assert registry_snapshot() == before
