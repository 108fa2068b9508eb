"""The demo's deliberation: halls and representatives for every community, and a few dozen
cases spread over all five steps, some started from work-order hotspots.

`build(ctx, progress)` is the deliberation builder of the demo orchestrator (gongzhi/web/demo.py).

- Halls: a fixed hall and an online hall for every community, and a mobile hall (移动议事厅)
  under a building of about every other community's first compound (≈ 1,900 for the whole
  district, like Chaoyang's 1,922). Upserted by (community, name).
- Representatives: 5–9 per community (community level), people `rep-<community code>-<n>`
  living in the community's compounds, a third of them with the community's volunteer as
  substitute. Upserted by user name / (person, place, term).
- Cases: ~40 in the demo logins' community and others nearby, driven through the real
  services with explicit times (so every row is one the system itself produces): open and
  declined proposals, cases in collect, deliberate, notice (some with objections, answered or
  not), act (budgets, milestones), supervise (progress, spending, visits, one late project
  warned by the scan), evaluate (ratings coming in), closed (evaluated; one after a reopening)
  and one withdrawn. Hotspot cases take the compounds with the most demo work orders of one
  category and link those orders to the case and its project.

Cases and proposals the builder makes carry source "demo"; a re-run with the same seed and the
same work orders changes nothing, otherwise the demo's cases are replaced (never anyone else's).

Needs "places.*", "accounts.*" and the demo work orders. Leaves:
  "deliberation.cases"  how many demo cases exist
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Membership, Person, Role, Unit
from gongzhi.deliberation import rules, services
from gongzhi.deliberation.models import (
    Case,
    CaseEvent,
    Hall,
    HallKind,
    Majority,
    Meeting,
    Motion,
    Objection,
    Origin,
    Place,
    PlaceLevel,
    Project,
    ProjectKind,
    Proposal,
    Rating,
    Representative,
    Resolution,
    Satisfaction,
    Step,
    SupervisionVisit,
    place_of,
)
from gongzhi.places.demo.names import person_name
from gongzhi.places.models import Building, Community, Compound
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.sla import SHANGHAI

if TYPE_CHECKING:
    from gongzhi.web.demo import DemoContext, Progress

SOURCE = "demo"
HOME_COMMUNITY = "110105015044"  # the demo logins' community (gongzhi.accounts.demo)
TERM_START = dt.date(2024, 1, 1)
TERM_END = dt.date(2026, 12, 31)


@dataclass(frozen=True)
class Topic:
    title: str
    body: str
    kind: str
    budget: tuple[tuple[str, int], ...]
    milestones: tuple[str, ...]


TOPICS = [
    Topic(
        "小区南门加装路灯",
        "南门到公交站一段晚上没有照明，老人和孩子出行不安全，建议加装路灯。",
        ProjectKind.FACILITIES,
        (("路灯采购", 18000), ("安装施工", 9000)),
        ("方案确定", "采购到货", "安装完成"),
    ),
    Topic(
        "规范电动自行车停放和充电",
        "楼道里停放电动车、飞线充电现象多，存在火灾隐患，建议建设集中充电棚。",
        ProjectKind.SAFETY,
        (("充电棚建设", 46000), ("充电桩设备", 32000)),
        ("选址公示", "车棚施工", "设备调试"),
    ),
    Topic(
        "老旧楼加装电梯",
        "楼里老人多，上下楼困难，多数住户同意加装电梯，希望社区协调推进。",
        ProjectKind.ELEVATOR,
        (("设计与审批", 60000), ("电梯设备及安装", 520000)),
        ("住户意见征询", "设计审批", "施工", "验收"),
    ),
    Topic(
        "增设夜间共享停车位",
        "晚上小区停车难，周边单位停车场夜间空置，建议协调错时共享停车。",
        ProjectKind.PARKING,
        (("标识标线", 8000), ("道闸改造", 15000)),
        ("协议签订", "标线施工", "试运行"),
    ),
    Topic(
        "楼门口加装扶手和坡道",
        "单元门口台阶没有扶手，轮椅进不去，建议进行适老化改造。",
        ProjectKind.AGEING,
        (("扶手坡道施工", 24000),),
        ("入户征求意见", "施工", "验收"),
    ),
    Topic(
        "垃圾分类驿站改造",
        "垃圾桶站周边脏乱、异味大，建议改造成封闭式分类驿站。",
        ProjectKind.ENVIRONMENT,
        (("驿站建设", 38000), ("宣传物料", 3000)),
        ("选址", "建设", "启用"),
    ),
    Topic(
        "中心绿地补植和座椅",
        "中心绿地黄土裸露，休息座椅不够，建议补植绿化、增设座椅。",
        ProjectKind.GREENING,
        (("苗木补植", 21000), ("座椅采购", 12000)),
        ("设计", "补植", "座椅安装"),
    ),
    Topic(
        "开设社区便民理发和修补点",
        "附近缺少便民理发、修鞋、配钥匙的地方，建议在社区引入便民服务点。",
        ProjectKind.CONVENIENCE,
        (("场地整理", 9000), ("设备", 6000)),
        ("招募服务商", "场地改造", "开业"),
    ),
]

# How many days ago a demo case at each step was proposed (low, high).
SPANS: dict[str, tuple[int, int]] = {
    Step.COLLECT: (2, 10),
    Step.DELIBERATE: (3, 8),
    Step.NOTICE: (6, 12),
    Step.ACT: (25, 40),
    Step.SUPERVISE: (75, 95),
    Step.EVALUATE: (70, 90),
    Step.CLOSED: (200, 260),
    Step.WITHDRAWN: (30, 50),
}

# The steps of the demo's cases (in order of the case list), each repeated as many times as
# shown; hotspot cases are taken first.
PLAN: list[tuple[str, int]] = [
    (Step.COLLECT, 4),
    (Step.DELIBERATE, 4),
    (Step.NOTICE, 6),
    (Step.ACT, 5),
    (Step.SUPERVISE, 8),
    (Step.EVALUATE, 4),
    (Step.CLOSED, 7),
    (Step.WITHDRAWN, 1),
]


def build(ctx: DemoContext, progress: Progress) -> None:
    communities: dict[str, Community] = ctx.data["places.communities"]
    compounds: dict[str, Compound] = ctx.data["places.compounds"]
    with progress.step(_("议事厅")) as step:
        halls = _halls(ctx, communities, compounds)
        halls.report(step, _("议事厅"))
    with progress.step(_("议事代表")) as step:
        _representatives(ctx, communities, compounds, step)
    with progress.step(_("议事案")) as step:
        n, note = _cases(ctx, communities, compounds)
        step.count(_("议事案"), n)
        step.note = note
        ctx.data["deliberation.cases"] = n


# --- Halls and representatives ------------------------------------------------------------------


def _halls(
    ctx: DemoContext, communities: dict[str, Community], compounds: dict[str, Compound]
) -> Any:
    from gongzhi.web.demo import upsert

    rng = ctx.rng("deliberation", "halls")
    first_compound: dict[int, Compound] = {}
    for _code, k in sorted(compounds.items()):
        first_compound.setdefault(k.community_id, k)
    buildings = {
        b.compound_id: b
        for b in Building.objects.filter(
            compound_id__in=[k.pk for k in first_compound.values()]
        ).order_by("-id")
    }
    rows: list[Hall] = []
    for _code, c in sorted(communities.items()):
        place = Place(PlaceLevel.COMMUNITY, c.subdistrict_id, c.pk)
        for name, kind in (
            (f"{c.name}议事厅", HallKind.FIXED),
            (f"{c.name}线上议事厅", HallKind.ONLINE),
        ):
            hall = Hall(name=name, kind=kind, is_active=True, address=f"{c.name}党群服务中心")
            if kind == HallKind.ONLINE:
                hall.address = ""
            hall.set_place(place)
            rows.append(hall)
        first = first_compound.get(c.pk)
        building = buildings.get(first.pk) if first else None
        if first is not None and building is not None and rng.random() < 0.5:
            hall = Hall(
                name=f"{first.name}{building.number}楼下议事点",
                kind=HallKind.MOBILE,
                is_active=True,
                address=f"{first.name}{building.number}楼前",
            )
            hall.set_place(
                Place(PlaceLevel.BUILDING, c.subdistrict_id, c.pk, first.pk, building.pk)
            )
            rows.append(hall)
    _saved, synced = upsert(
        Hall,
        rows=rows,
        key=lambda h: (h.community_id, h.name),
        existing=Hall.objects.filter(community_id__in=[c.pk for c in communities.values()]),
        fields=["kind", "address", "is_active", "level", "subdistrict", "compound", "building"],
    )
    return synced


def _representatives(
    ctx: DemoContext,
    communities: dict[str, Community],
    compounds: dict[str, Compound],
    step: Any,
) -> None:
    from gongzhi.web.demo import upsert

    rng = ctx.rng("deliberation", "representatives")
    names = ctx.rng("deliberation", "names")
    template = Person.objects.filter(username="resident").first()
    password = template.password if template else "!"
    by_community: dict[int, list[Compound]] = {}
    for _code, k in sorted(compounds.items()):
        by_community.setdefault(k.community_id, []).append(k)
    volunteers = dict(
        Membership.objects.filter(
            role=Role.VOLUNTEER, person__username__startswith="v-"
        ).values_list("community_id", "person_id")
    )
    planned: list[tuple[str, Community, Compound | None]] = []
    for code, c in sorted(communities.items()):
        homes = by_community.get(c.pk, [])
        for i in range(1, rng.randint(5, 9) + 1):
            planned.append((f"rep-{code}-{i}", c, rng.choice(homes) if homes else None))
    people_rows = [
        Person(
            username=username,
            display_name=person_name(names),
            phone=f"136{names.randint(0, 99_999_999):08d}",
            password=password,
            is_active=True,
        )
        for username, _c, _k in planned
    ]
    saved, synced = upsert(
        Person,
        rows=people_rows,
        key=lambda p: p.username,
        existing=Person.objects.filter(username__startswith="rep-"),
        fields=["display_name", "phone", "password", "is_active"],
    )
    synced.report(step, _("代表人员"))
    people = {str(k): v for k, v in saved.items()}
    memberships = [
        Membership(
            person_id=people[u].pk,
            role=Role.RESIDENT,
            community_id=c.pk,
            compound_id=k.pk if k else None,
            is_active=True,
        )
        for u, c, k in planned
    ]
    _m, synced = upsert(
        Membership,
        rows=memberships,
        key=lambda m: (m.person_id, m.role),
        existing=Membership.objects.filter(person__username__startswith="rep-", role=Role.RESIDENT),
        fields=["community", "compound", "is_active"],
    )
    reps = []
    for username, c, _k in planned:
        rep = Representative(
            person_id=people[username].pk,
            term_start=TERM_START,
            term_end=TERM_END,
            is_active=True,
            substitute_person_id=volunteers.get(c.pk) if rng.random() < 0.33 else None,
        )
        rep.set_place(Place(PlaceLevel.COMMUNITY, c.subdistrict_id, c.pk))
        reps.append(rep)
    _r, synced = upsert(
        Representative,
        rows=reps,
        key=lambda r: (r.person_id, r.level, r.community_id, r.term_start),
        existing=Representative.objects.filter(person__username__startswith="rep-"),
        fields=["term_end", "is_active", "substitute_person", "subdistrict"],
    )
    synced.report(step, _("议事代表"))


# --- Cases ---------------------------------------------------------------------------------------


def _delete_demo_cases() -> int:
    cases = Case.objects.filter(source=SOURCE)
    n = cases.count()
    projects = Project.objects.filter(case__in=cases)
    Rating.objects.filter(project__in=projects).delete()
    SupervisionVisit.objects.filter(project__in=projects).delete()
    projects.delete()
    Objection.objects.filter(resolution__case__in=cases).delete()
    Resolution.objects.filter(case__in=cases).delete()
    Motion.objects.filter(case__in=cases).delete()
    Meeting.objects.filter(cases__in=cases).delete()
    Proposal.objects.filter(Q(source=SOURCE) | Q(case__in=cases)).delete()
    cases.delete()
    return n


@dataclass
class _Cast:
    """The people who act in one community's cases."""

    community: Community
    place: Place
    secretary: Person
    subdistrict_staff: Person | None
    reps: list[Representative]
    residents: list[Person]
    hall: Hall
    lead_unit: Unit
    assist_unit: Unit | None


def _cast(community: Community, compounds: list[Compound]) -> _Cast | None:
    secretaries = list(
        Person.objects.filter(
            memberships__role=Role.COMMUNITY_SECRETARY,
            memberships__unit__community=community,
            memberships__is_active=True,
        ).order_by("username")
    )
    # The demo login "secretary" acts in its own community.
    secretaries.sort(key=lambda p: p.username != "secretary")
    secretary = secretaries[0] if secretaries else None
    hall = Hall.objects.filter(community=community, kind=HallKind.FIXED).first()
    lead = Unit.objects.filter(community=community, kind=Unit.Kind.COMMUNITY_COMMITTEE).first()
    if secretary is None or hall is None or lead is None:
        return None
    place = place_of(community=community)
    reps = list(
        Representative.objects.filter(
            community=community, level=PlaceLevel.COMMUNITY, is_active=True
        )
        .select_related("person")
        .order_by("id")
    )
    residents = list(
        Person.objects.filter(
            memberships__role=Role.RESIDENT,
            memberships__community=community,
            memberships__is_active=True,
        )
        .exclude(username__startswith="rep-")
        .order_by("username")
    )
    assist = (
        Unit.objects.filter(kind=Unit.Kind.PROPERTY_COMPANY, compounds__in=compounds)
        .order_by("code")
        .first()
    )
    return _Cast(community, place, secretary, None, reps, residents, hall, lead, assist)


def _hotspots(communities: dict[str, Community], limit: int) -> list[tuple[int, int, list[int]]]:
    """(compound id, category id, order ids) of the compounds with the most demo orders of one
    category, one per community."""
    community_ids = [c.pk for c in communities.values()]
    rows = (
        WorkOrder.objects.filter(community_id__in=community_ids, compound__isnull=False)
        .values("compound_id", "community_id", "category_id")
        .annotate(n=Count("id"))
        .order_by("-n", "compound_id")[: limit * 4]
    )
    seen: set[int] = set()
    found = []
    for row in rows:
        if row["community_id"] in seen or row["n"] < 3:
            continue
        seen.add(row["community_id"])
        ids = list(
            WorkOrder.objects.filter(compound_id=row["compound_id"], category_id=row["category_id"])
            .order_by("-received_at")
            .values_list("id", flat=True)[:20]
        )
        found.append((row["compound_id"], row["category_id"], ids))
        if len(found) == limit:
            break
    return found


def _cases(
    ctx: DemoContext, communities: dict[str, Community], compounds: dict[str, Compound]
) -> tuple[int, str]:
    orders = ctx.data.get("workorders.orders", WorkOrder.objects.count())
    today = timezone.localdate()
    run = f"{ctx.seed}-{today:%Y%m%d}-{orders}-{len(communities)}"
    marker = CaseEvent.objects.filter(
        case__source=SOURCE, kind="opened", data__demo_run=run
    ).exists()
    if marker:
        return Case.objects.filter(source=SOURCE).count(), _("（已存在，未改动）")
    removed = _delete_demo_cases()
    rng = ctx.rng("deliberation", "cases")
    by_id = {c.pk: c for c in communities.values()}
    compounds_of: dict[int, list[Compound]] = {}
    for _code, k in sorted(compounds.items()):
        compounds_of.setdefault(k.community_id, []).append(k)
    # The home community first (where the demo logins work), then others at random.
    home = communities.get(HOME_COMMUNITY)
    others = [c for code, c in sorted(communities.items()) if code != HOME_COMMUNITY]
    rng.shuffle(others)
    pool = ([home] if home else []) + others[:12]
    casts: dict[int, _Cast] = {}
    for c in pool:
        cast = _cast(c, compounds_of.get(c.pk, []))
        if cast is not None and len(cast.reps) >= 5 and cast.residents:
            casts[c.pk] = cast
    if not casts:
        return 0, ""
    hotspots = _hotspots({str(k): by_id[k] for k in casts}, 5)
    now = timezone.now()
    steps = [s for s, n in PLAN for _i in range(n)]
    made = 0
    home_id = home.pk if home else None
    cast_ids = list(casts)
    for i, step in enumerate(steps):
        # Every other case in the home community, so the demo logins see each step.
        cast = (
            casts[home_id]
            if home_id in casts and i % 2 == 0
            else casts[cast_ids[i % len(cast_ids)]]
        )
        hotspot = (
            hotspots.pop(0) if hotspots and step not in (Step.COLLECT,) and i % 3 == 0 else None
        )
        if hotspot is not None:
            compound = Compound.objects.select_related("community").get(pk=hotspot[0])
            if compound.community_id in casts:
                cast = casts[compound.community_id]
            else:
                hotspot = None
        topic = TOPICS[i % len(TOPICS)]
        late = step == Step.SUPERVISE and i == steps.index(Step.SUPERVISE)
        reopened = step == Step.CLOSED and i == steps.index(Step.CLOSED)
        driver = _Driver(cast, topic, rng, run, hotspot, now)
        driver.run(step, late=late, reopened=reopened, number=i)
        made += 1
    # Open proposals waiting for screening, one declined and one merged, in the home community.
    if home_id in casts:
        _open_proposals(casts[home_id], rng, now)
    services.projects_scan(now=now)
    note = _("（替换旧演示议事案 %(n)d）") % {"n": removed} if removed else ""
    return made, note


class _Driver:
    """Takes one demo case through the services to a step, with times going backwards from now
    so that each step's time has passed."""

    def __init__(
        self,
        cast: _Cast,
        topic: Topic,
        rng: random.Random,
        run: str,
        hotspot: tuple[int, int, list[int]] | None,
        now: dt.datetime,
    ) -> None:
        self.c = cast
        self.topic = topic
        self.rng = rng
        self.run_key = run
        self.hotspot = hotspot
        self.now = now

    def run(self, step: str, *, late: bool, reopened: bool, number: int) -> Case:
        c, rng, topic = self.c, self.rng, self.topic
        # How long ago the case started: later steps started longer ago.
        low, high = SPANS[Step(step)]
        t = self.now - dt.timedelta(days=rng.randint(low, high), hours=rng.randint(0, 8))
        t = t.astimezone(SHANGHAI).replace(hour=9, minute=30, second=0, microsecond=0)
        if self.hotspot is not None:
            compound_id, _category, order_ids = self.hotspot
            compound = Compound.objects.select_related("community").get(pk=compound_id)
            orders = list(WorkOrder.objects.filter(pk__in=order_ids).select_related("category"))
            what = orders[0].category.name if orders else topic.title
            proposal = services.proposal_submit(
                by=c.secretary,
                place=place_of(compound=compound),
                title=f"{compound.name}：{what}集中反映问题",
                body=(
                    f"近期{compound.name}同类诉求{len(orders)}件，建议提交议事协商，统筹解决。"
                    f"{topic.body}"
                ),
                origin=Origin.HOTSPOT,
                work_orders=orders,
                hotspot_category=orders[0].category.code if orders else "",
                at=t,
            )
        else:
            proposal = services.proposal_submit(
                by=c.residents[number % len(c.residents)],
                place=c.place,
                title=topic.title,
                body=topic.body,
                at=t,
            )
        Proposal.objects.filter(pk=proposal.pk).update(source=SOURCE)
        supporters = [p for p in self.people() if rules.is_resident_of(p, proposal.place)]
        for person in supporters[1 : rng.randint(1, 3)]:
            services.proposal_support(proposal=proposal, by=person, at=t + dt.timedelta(hours=2))
        t += dt.timedelta(days=1)
        case = services.proposal_accept(proposal=proposal, by=c.secretary, at=t)
        Case.objects.filter(pk=case.pk).update(source=SOURCE)
        CaseEvent.objects.filter(case=case, kind="opened").update(
            data={"proposal": proposal.pk, "origin": proposal.origin, "demo_run": self.run_key}
        )
        if step == Step.COLLECT:
            return case
        if step == Step.WITHDRAWN:
            t = self._deliberate(case, t, passed=False)
            services.case_withdraw(
                case=case, by=c.secretary, reason="表决未通过，居民意见分歧较大，暂缓实施。", at=t
            )
            return case
        if step == Step.DELIBERATE:
            services.meeting_schedule(
                hall=c.hall,
                cases=[case],
                by=c.secretary,
                title=f"{c.community.name}居民议事会",
                scheduled_at=self.now + dt.timedelta(days=rng.randint(2, 9), hours=1),
                agenda=f"议题：{case.title}",
                at=t,
            )
            return case
        t = self._deliberate(case, t, passed=True)
        motion = Motion.objects.filter(case=case, status="passed").latest("id")
        resolution = services.resolution_publish(motion=motion, by=c.secretary, at=t)
        if step == Step.NOTICE:
            # Recent notices; some with objections, answered or not.
            objectors = [p for p in c.residents if rules.is_resident_of(p, case.place)]
            resident = objectors[number % len(objectors)] if objectors else None
            if resident is not None and number % 3 != 2:
                objection = services.objection_raise(
                    resolution=resolution,
                    by=resident,
                    text="施工时间请避开午休，并提前张贴通知。",
                    at=t + dt.timedelta(days=1),
                )
                if number % 3 == 0:
                    services.objection_answer(
                        objection=objection,
                        by=c.secretary,
                        answer="已采纳：施工安排在9:00—12:00、14:30—18:00，开工前三天张贴通知。",
                        at=t + dt.timedelta(days=2),
                    )
            return case
        t = resolution.notice_ends_at + dt.timedelta(hours=1)
        if late:
            deadline = (self.now - dt.timedelta(days=10)).date()
        elif step == Step.SUPERVISE:
            deadline = (self.now + dt.timedelta(days=rng.randint(3, 100))).date()
        else:
            deadline = (t + dt.timedelta(days=rng.randint(80, 150))).date()
        deadline_days = max(10, (deadline - t.date()).days)
        project = services.project_create(
            case=case,
            by=c.secretary,
            title=case.title.replace("建议", ""),
            kind=topic.kind,
            deadline=deadline,
            lead_unit=c.lead_unit,
            assist_units=[c.assist_unit] if c.assist_unit else [],
            budget=[services.BudgetItem(item, Decimal(amount)) for item, amount in topic.budget],
            milestones=[
                services.MilestoneItem(
                    title,
                    (
                        t
                        + dt.timedelta(days=(k + 1) * deadline_days // (len(topic.milestones) + 1))
                    ).date(),
                )
                for k, title in enumerate(topic.milestones)
            ],
            at=t,
        )
        if step == Step.ACT:
            return case
        t += dt.timedelta(days=3)
        services.project_launch(project=project, by=c.secretary, at=t)
        t = self._work(project, t, finish=step != Step.SUPERVISE, late=late)
        if step == Step.SUPERVISE:
            return case
        if step == Step.EVALUATE:
            # Finished a few days ago: the evaluation window is open and ratings come in.
            t = max(t, self.now - dt.timedelta(days=5))
        project = services.project_complete(project=project, by=c.secretary, at=t)
        if step == Step.EVALUATE:
            self._rate(project, t, count=2, good=True)
            return case
        if reopened:
            self._rate(project, t, count=4, good=False)
            services.evaluation_close(project=project, by=c.secretary, at=t + dt.timedelta(days=14))
            t += dt.timedelta(days=15)
            services.project_set_deadline(
                project=project,
                by=c.secretary,
                deadline=(t + dt.timedelta(days=30)).date(),
                reason="评价未达标，整改后重新验收",
                at=t,
            )
            services.project_launch(project=project, by=c.secretary, at=t + dt.timedelta(days=1))
            t = self._work(project, t + dt.timedelta(days=2), finish=True, late=False, spend=False)
            project = services.project_complete(project=project, by=c.secretary, at=t)
        self._rate(project, t, count=4, good=True)
        services.evaluation_close(project=project, by=c.secretary, at=t + dt.timedelta(days=14))
        return case

    def _deliberate(self, case: Case, t: dt.datetime, *, passed: bool) -> dt.datetime:
        c, rng = self.c, self.rng
        meeting = services.meeting_schedule(
            hall=c.hall,
            cases=[case],
            by=c.secretary,
            title=f"{c.community.name}居民议事会",
            scheduled_at=t + dt.timedelta(days=3),
            agenda=f"议题：{case.title}",
            at=t,
        )
        t += dt.timedelta(days=3)
        services.meeting_open(meeting=meeting, by=c.secretary, at=t)
        n = len(c.reps)
        # The quorum (settings) and sometimes one or two more.
        present = c.reps[: min(n, rules.quorum_needed(n) + rng.randint(0, 2))]
        for k, rep in enumerate(present):
            if k % 3 == 0:
                services.meeting_check_in(meeting=meeting, by=c.secretary, representative=rep, at=t)
            else:
                services.meeting_check_in(meeting=meeting, by=rep.person, at=t)
        majority = (
            Majority.TWO_THIRDS if self.topic.kind == ProjectKind.ELEVATOR else Majority.SIMPLE
        )
        motion = services.motion_propose(
            meeting=meeting,
            case=case,
            by=c.secretary,
            text=f"同意实施：{case.title}",
            majority=majority,
            at=t + dt.timedelta(minutes=40),
        )
        p = len(present)
        if passed:
            yes = p if majority == Majority.TWO_THIRDS else max(p // 2 + 1, p - rng.randint(0, 2))
        else:
            yes = p // 3
        no = (p - yes) // 2
        # Named online votes cost a row each; a quarter of the meetings use them, the rest a
        # hand count entered by the secretary.
        if rng.random() < 0.75:
            motion = services.motion_hand_count(
                motion=motion,
                by=c.secretary,
                yes=yes,
                no=no,
                abstain=p - yes - no,
                at=t + dt.timedelta(minutes=45),
            )
        else:
            choices = ["yes"] * yes + ["no"] * no + ["abstain"] * (p - yes - no)
            for rep, choice in zip(present, choices, strict=True):
                services.vote_cast(
                    motion=motion, by=rep.person, choice=choice, at=t + dt.timedelta(minutes=45)
                )
            services.motion_decide(motion=motion, by=c.secretary, at=t + dt.timedelta(minutes=50))
        services.meeting_record_minutes(
            meeting=meeting,
            by=c.secretary,
            minutes=(
                f"应到代表{n}人，实到{p}人，符合议事规则。代表围绕“{case.title}”充分发言，"
                f"社区介绍了方案和预算。表决结果：赞成{yes}，反对{no}，弃权{p - yes - no}。"
            ),
        )
        services.meeting_close(meeting=meeting, by=c.secretary, at=t + dt.timedelta(hours=2))
        return t + dt.timedelta(days=1)

    def people(self) -> list[Person]:
        """Everyone of the community who may support or rate: representatives, residents."""
        return [r.person for r in self.c.reps] + self.c.residents

    def _work(
        self, project: Project, t: dt.datetime, *, finish: bool, late: bool, spend: bool = True
    ) -> dt.datetime:
        c, rng = self.c, self.rng
        steps = 3 if finish else rng.randint(1, 2)
        for k in range(1, steps + 1):
            t += dt.timedelta(days=rng.randint(4, 9))
            progress = 100 if finish and k == steps else min(90, k * rng.randint(15, 30))
            if late:
                progress = min(progress, 40)
            services.progress_report(
                project=project,
                by=c.secretary,
                text=f"第{k}次进展：按计划推进，{'已完工' if progress == 100 else '施工中'}。",
                progress=progress,
                at=t,
            )
        for line in project.budget_lines.order_by("id") if spend else []:
            share = Decimal("1.00") if finish else Decimal(rng.choice(["0.3", "0.5", "0.6"]))
            over = finish and rng.random() < 0.15
            amount = (
                line.planned * share * (Decimal("1.06") if over else Decimal("0.97"))
            ).quantize(Decimal("0.01"))
            services.spending_record(
                line=line, by=c.secretary, amount=amount, on=t.date(), note="按合同付款", at=t
            )
        for milestone in project.milestones.order_by("id")[: None if finish else 1]:
            services.milestone_update(milestone=milestone, by=c.secretary, progress=100, at=t)
        rep = c.reps[rng.randrange(len(c.reps))]
        services.visit_record(
            project=project,
            by=rep.person,
            findings="现场查看施工进度，安全围挡到位，建议加快进度并及时清理渣土。",
            visited_at=t,
            at=t,
        )
        return t + dt.timedelta(days=1)

    def _rate(self, project: Project, t: dt.datetime, *, count: int, good: bool) -> None:
        raters = [p for p in self.people() if rules.rater_capacity(p, project) is not None]
        for k, person in enumerate(raters[:count]):
            if good:
                satisfaction = Satisfaction.SATISFIED if k % 4 != 3 else Satisfaction.BASICALLY
            else:
                satisfaction = Satisfaction.UNSATISFIED if k % 2 == 0 else Satisfaction.BASICALLY
            services.rating_submit(
                project=project,
                by=person,
                satisfaction=satisfaction,
                comment="" if k % 2 else ("效果很好" if good else "还有问题没解决"),
                at=t + dt.timedelta(days=1 + k),
            )


def _open_proposals(cast: _Cast, rng: random.Random, now: dt.datetime) -> None:
    texts = [
        ("楼道堆物清理", "楼道里长期堆放杂物，影响消防通道，建议集中清理并建立长效机制。"),
        ("增设快递柜", "快递经常放在门口丢失，建议在小区增设智能快递柜。"),
        ("儿童游乐设施更新", "小区儿童滑梯生锈破损，建议更新游乐设施。"),
        ("楼道堆物清理（补充）", "三号楼楼道同样存在堆物问题。"),
        ("禁止广场舞扰民", "晚上九点后广场舞音量太大，建议调整时间。"),
    ]
    made = []
    for k, (title, body) in enumerate(texts):
        author = cast.residents[k % len(cast.residents)]
        at = now - dt.timedelta(days=5 - k, hours=3)
        proposal = services.proposal_submit(
            by=author, place=cast.place, title=title, body=body, at=at
        )
        Proposal.objects.filter(pk=proposal.pk).update(source=SOURCE)
        for rep in cast.reps[: rng.randint(0, 3)]:
            services.proposal_support(
                proposal=proposal, by=rep.person, at=at + dt.timedelta(hours=1)
            )
        made.append(proposal)
    services.proposal_merge(
        proposal=made[3], into=made[0], by=cast.secretary, at=now - dt.timedelta(hours=2)
    )
    services.proposal_decline(
        proposal=made[4],
        by=cast.secretary,
        reason="属于噪声扰民的执法事项，已转12345工单由城管执法部门处理，不列入议事。",
        at=now - dt.timedelta(hours=1),
    )
