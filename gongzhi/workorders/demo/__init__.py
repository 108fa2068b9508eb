"""The demo's work orders: the category tree and matrix, and a year of generated orders.

`build(ctx, progress)` is the workorders builder of the demo orchestrator (gongzhi/web/demo.py).
It seeds the default category tree and responsibility matrix (taxonomy.py), then generates about
20,000 orders over the 365 days up to now (fewer with `ctx.small`) — seasons, places, texts,
requesters and whole lifecycles, see generate.py — and writes them in bulk.

Idempotent: the orders of a run are recognised by their idempotency keys (seed, end day,
count); a re-run with the same seed on the same day changes nothing, and otherwise replaces
the generated orders (never orders anyone filed). Generated orders carry source
"demo-generator".

It also issues the Open311 demo key (open311.services.demo_api_key_ensure) and prints it as
`Open311 api_key: <key>`.

Needs "places.*" and "accounts.*" in `ctx.data`, or the same rows in the database. Leaves:
  "workorders.orders"  how many generated orders exist
  "open311.api_key"    the demo client's key, valid until the next run
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.open311.services import demo_api_key_ensure
from gongzhi.workorders import taxonomy
from gongzhi.workorders.demo import district as demo_district
from gongzhi.workorders.demo.generate import Generator
from gongzhi.workorders.demo.season import ORDERS_PER_COMPOUND
from gongzhi.workorders.demo.write import SOURCE, delete_generated, write
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.sla import SHANGHAI

if TYPE_CHECKING:
    import datetime as dt

    from gongzhi.web.demo import DemoContext, Progress


def build(ctx: DemoContext, progress: Progress) -> None:
    with progress.step(_("诉求类别")) as step:
        created = taxonomy.seed_categories()
        rules = taxonomy.seed_matrix()
        # Only what changed is counted, so that a re-run says it added nothing.
        if created:
            step.count(_("新增类别"), created)
        if rules:
            step.count(_("新增权责清单"), rules)
    build_orders(ctx, progress)
    # The Open311 key of the demo's client system (only its hash is stored, so each run
    # issues a fresh one and revokes the last): printed for the person trying the API.
    key = demo_api_key_ensure()
    ctx.data["open311.api_key"] = key
    progress.write(f"Open311 api_key: {key}")


def build_orders(
    ctx: DemoContext,
    progress: Progress,
    *,
    now: dt.datetime | None = None,
    count: int | None = None,
) -> int:
    """Generate the year of orders (`count` overrides the size); returns how many exist."""
    now = now or timezone.now()
    compounds = ctx.data.get("places.compounds")
    communities = ctx.data.get("places.communities")
    subdistrict_ids = None
    if compounds and communities:
        subdistrict_of = {c.pk: c.subdistrict_id for c in communities.values()}
        subdistrict_ids = {subdistrict_of[k.community_id] for k in compounds.values()}
    with progress.step(_("工单")) as step:
        district = demo_district.load(subdistrict_ids)
        if count is None:
            count = round(ORDERS_PER_COMPOUND * len(district.compounds))
        end_day = now.astimezone(SHANGHAI).date()
        run = f"{ctx.seed}-{end_day:%Y%m%d}-{count}"
        existing = WorkOrder.objects.filter(source=SOURCE)
        if existing.filter(idempotency_key=f"{run}-0").exists():
            n = existing.count()
            step.count(_("工单"), n)
            step.note = _("（已存在，未改动）")
            ctx.data["workorders.orders"] = n
            return n
        removed = delete_generated()
        generator = Generator(district, now=now, rng=ctx.rng)
        people = ctx.data.get("accounts.people") or {}
        resident = people.get("resident")
        if resident is not None:
            for compound_id, person_id in district.residents.items():
                if person_id == resident.pk:
                    generator.favoured[compound_id] = person_id
        plan = generator.plan(count)
        written = write(plan.sims, keys=[f"{run}-{i}" for i in range(len(plan.sims))])
        step.count(_("工单"), written.orders)
        step.count(_("事件"), written.events)
        step.count(_("回访"), written.callbacks)
        step.count(_("吹哨"), written.whistles)
        if removed:
            step.note = _("（替换旧演示工单 %(n)d）") % {"n": removed}
        ctx.data["workorders.orders"] = written.orders
        return written.orders
