"""The demo's place registry: the real division list and outline, generated geography inside.

Imports the carried division list (43 subdistricts, 768 communities) and the district outline
(GCJ-02, converted to WGS-84), then generates subdistrict and community areas, 1,504 compounds
with buildings and entrances, and grids, all flagged `generated`. Idempotent for a seed: rows
are matched by code (compounds: `<community code>-NN`, grids: the 15-digit code), buildings and
entrances by number.

Leaves in `ctx.data`:
  "places.district"     the District
  "places.subdistricts" {code: Subdistrict}
  "places.communities"  {code: Community} (with areas)
  "places.compounds"    {code: Compound} of the subdistricts built (all, or the small set)
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import shapely
from django.db import models
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from gongzhi.places import locate
from gongzhi.places.demo import layout
from gongzhi.places.demo.plan import grid_count, plan_compounds
from gongzhi.places.divisions import divisions_import, read_division_file
from gongzhi.places.geometry import read_geojson
from gongzhi.places.models import (
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Subdistrict,
    grid_code_for,
)

if TYPE_CHECKING:
    from gongzhi.web.demo import DemoContext, Progress

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DIVISIONS_FILE = DATA_DIR / "chaoyang-2023.csv"
OUTLINE_FILE = DATA_DIR / "chaoyang-outline-gcj02.geojson"

# The small demo: 八里庄街道 (where the demo logins work), 垡头街道, 东坝地区 (with villages).
SMALL_SUBDISTRICTS = frozenset({"110105015000", "110105019000", "110105039000"})

M = TypeVar("M", bound=models.Model)


def _changed(obj: M, **values: object) -> M:
    """A copy of `obj` with `values` set: the planned row for upsert()."""
    row = copy.copy(obj)
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _as_stored(geom: BaseGeometry) -> BaseGeometry:
    """The geometry as it reads back from the database (WKT, 7 decimals), so that what is
    derived from it comes out the same on the first run and on the next."""
    field = Community._meta.get_field("area")
    return field.to_python(field.get_prep_value(geom))


def build(ctx: DemoContext, progress: Progress) -> None:
    from gongzhi.web.demo import upsert

    with progress.step(_("区划")) as step:
        report = divisions_import(path=DIVISIONS_FILE)
        district_code = next(
            r.code for r in read_division_file(DIVISIONS_FILE) if r.level == "district"
        )
        district = District.objects.get(code=district_code)
        subdistricts = {s.code: s for s in Subdistrict.objects.filter(district=district)}
        communities = {c.code: c for c in Community.objects.filter(subdistrict__district=district)}
        step.count(_("街道/地区"), len(subdistricts))
        step.count(_("社区/村"), len(communities))
        created = sum(report.created.values())
        step.note = _("新增 %(n)s") % {"n": created} if created else ""

    with progress.step(_("区界")) as step:
        outline = read_geojson(OUTLINE_FILE, "gcj02")
        field = District._meta.get_field("outline")
        if field.get_prep_value(district.outline) != field.get_prep_value(outline):
            district.outline = outline
            district.save(update_fields=["outline"])
        step.count(_("边界点"), int(shapely.get_num_coordinates(outline)))
        step.note = "GCJ-02 → WGS-84"

    chosen = [
        sd
        for code, sd in sorted(subdistricts.items())
        if not ctx.small or code in SMALL_SUBDISTRICTS
    ]
    chosen_ids = [sd.pk for sd in chosen]

    with progress.step(_("街道范围")) as step:
        areas = {
            code: _as_stored(area)
            for code, area in layout.subdistrict_areas(
                outline, list(subdistricts.values()), ctx.rng("sd")
            ).items()
        }
        saved_sd, synced = upsert(
            Subdistrict,
            rows=[_changed(sd, area=areas[c], generated=True) for c, sd in subdistricts.items()],
            key=lambda s: s.code,
            existing=Subdistrict.objects.filter(district=district),
            fields=["area", "generated"],
        )
        synced.report(step, _("街道/地区"))
        subdistricts = {str(k): v for k, v in saved_sd.items()}

    with progress.step(_("社区范围")) as step:
        rows = []
        for sd in chosen:
            mine = [c for c in communities.values() if c.subdistrict_id == sd.pk]
            cells = layout.community_areas(areas[sd.code], mine, ctx.rng("communities", sd.code))
            for c in mine:
                cell = _as_stored(cells[c.code])
                centre = layout.geo.inner_point(cell)
                rows.append(
                    _changed(
                        c,
                        area=cell,
                        lng=round(centre.x, 6),
                        lat=round(centre.y, 6),
                        generated=True,
                    )
                )
        saved_comm, synced = upsert(
            Community,
            rows=rows,
            key=lambda c: c.code,
            existing=Community.objects.filter(subdistrict_id__in=chosen_ids),
            fields=["area", "lng", "lat", "generated"],
        )
        synced.report(step, _("社区/村"))
        for code, c in saved_comm.items():
            communities[str(code)] = c

    built = [c for c in communities.values() if c.subdistrict_id in set(chosen_ids)]
    with progress.step(_("小区")) as step:
        plans = plan_compounds(
            district_name=district.name,
            subdistricts=subdistricts,
            communities=list(communities.values()),
            rng=ctx.rng("compounds"),
        )
        layouts = {
            c.code: layout.compound_layouts(
                c.area, plans[c.code], ctx.rng("compound-layout", c.code)
            )
            for c in built
        }
        rows_k = []
        for c in built:
            for plan, lay in zip(plans[c.code], layouts[c.code], strict=True):
                rows_k.append(
                    Compound(
                        community_id=c.pk,
                        code=plan.code,
                        name=plan.name,
                        kind=plan.kind,
                        households=plan.households,
                        population=plan.population,
                        built_year=plan.built_year,
                        address=plan.address,
                        lng=round(lay.point[0], 6),
                        lat=round(lay.point[1], 6),
                        area=lay.area,
                        generated=True,
                    )
                )
        existing_k = Compound.objects.filter(
            community__subdistrict_id__in=chosen_ids, generated=True
        )
        _free_names(existing_k, {str(r.code): r.name for r in rows_k})
        saved_k, synced = upsert(
            Compound,
            rows=rows_k,
            key=lambda k: k.code,
            existing=existing_k,
            fields=[
                "community",
                "name",
                "kind",
                "households",
                "population",
                "built_year",
                "address",
                "lng",
                "lat",
                "area",
                "generated",
            ],
            prune=True,
        )
        synced.report(step, _("小区"))
        compounds = {str(k): v for k, v in saved_k.items()}

    with progress.step(_("楼栋单元")) as step:
        rows_b = []
        entrance_plans = []
        for c in built:
            for plan, lay in zip(plans[c.code], layouts[c.code], strict=True):
                compound_id = compounds[plan.code].pk
                for b, (x, y) in zip(plan.buildings, lay.buildings, strict=True):
                    rows_b.append(
                        Building(
                            compound_id=compound_id,
                            number=b.number,
                            floors=b.floors,
                            households=b.households,
                            lng=round(x, 6),
                            lat=round(y, 6),
                        )
                    )
                    entrance_plans.append((compound_id, b))
        saved_b, synced = upsert(
            Building,
            rows=rows_b,
            key=lambda b: (b.compound_id, b.number),
            existing=Building.objects.filter(
                compound__community__subdistrict_id__in=chosen_ids, compound__generated=True
            ),
            fields=["floors", "households", "lng", "lat"],
            prune=True,
        )
        synced.report(step, _("楼栋"))
        rows_e = [
            Entrance(
                building_id=saved_b[(compound_id, b.number)].pk, number=f"{i}单元", households=h
            )
            for compound_id, b in entrance_plans
            for i, h in enumerate(b.entrances, start=1)
        ]
        _saved_e, synced = upsert(
            Entrance,
            rows=rows_e,
            key=lambda e: (e.building_id, e.number),
            existing=Entrance.objects.filter(
                building__compound__community__subdistrict_id__in=chosen_ids,
                building__compound__generated=True,
            ),
            fields=["households"],
            prune=True,
        )
        synced.report(step, _("单元"))

    with progress.step(_("网格")) as step:
        rows_g = []
        for c in built:
            count = grid_count(c, plans[c.code])
            grid_cells = layout.grid_areas(c.area, count, ctx.rng("grids", c.code))
            for n, cell in enumerate(grid_cells, start=1):
                rows_g.append(
                    Grid(
                        code=grid_code_for(c.code, n),
                        name=_("%(community)s第%(n)s网格") % {"community": c.name, "n": n},
                        community_id=c.pk,
                        area=cell,
                        generated=True,
                    )
                )
        _saved_g, synced = upsert(
            Grid,
            rows=rows_g,
            key=lambda g: g.code,
            existing=Grid.objects.filter(community__subdistrict_id__in=chosen_ids, generated=True),
            fields=["name", "community", "area", "generated"],
            prune=True,
        )
        synced.report(step, _("网格"))

    locate.invalidate()
    ctx.data["places.district"] = district
    ctx.data["places.subdistricts"] = subdistricts
    ctx.data["places.communities"] = communities
    ctx.data["places.compounds"] = compounds


def _free_names(existing: models.QuerySet[Compound], planned: dict[str, str]) -> None:
    """Give renamed compounds a temporary name first, so that two compounds of one community
    can swap names (a different seed) without tripping the unique name per community."""
    renamed = [k for k in existing if k.code in planned and k.name != planned[k.code]]
    for k in renamed:
        k.name = f"~{k.code}"
    if renamed:
        Compound.objects.bulk_update(renamed, ["name"], batch_size=2000)
