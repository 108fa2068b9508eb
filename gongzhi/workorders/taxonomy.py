"""The default 12345 category tree, responsibility matrix and time limits, as data, with
idempotent seed functions that the demo, the tests and `gongzhi seed_workorders` call.

Codes are stable slugs (they are Open311 service codes and matrix keys); names are the
hotline's own. Running a seed twice changes nothing; an administrator's edits to names and
flags are kept (rows are created when missing, never overwritten).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Unit
from gongzhi.workorders.models import Category, LimitUnit, ResponsibilityRule, TimeLimit, Urgency

if TYPE_CHECKING:
    from gongzhi.web.demo import DemoContext, Progress

# (code, name, is_property_matter, children[(code, name)])
TREE: list[tuple[str, str, bool, list[tuple[str, str]]]] = [
    (
        "property",
        "物业管理",
        True,
        [
            ("property-elevator", "电梯故障"),
            ("property-fees", "物业收费"),
            ("property-sanitation", "小区环境卫生"),
            ("property-parking", "小区停车"),
            ("property-repair", "公共部位维修"),
            ("property-security", "小区安全管理"),
        ],
    ),
    (
        "sanitation",
        "市容环境卫生",
        False,
        [
            ("sanitation-garbage", "垃圾清运"),
            ("sanitation-sorting", "垃圾分类"),
            ("sanitation-street", "道路保洁"),
            ("sanitation-ads", "小广告"),
            ("sanitation-toilet", "公厕管理"),
        ],
    ),
    (
        "illegal-construction",
        "违法建设",
        False,
        [
            ("illegal-construction-rooftop", "楼顶违建"),
            ("illegal-construction-ground", "地面违建"),
            ("illegal-construction-partition", "群租隔断"),
        ],
    ),
    (
        "noise",
        "噪声扰民",
        False,
        [
            ("noise-construction", "施工噪声"),
            ("noise-commercial", "商业噪声"),
            ("noise-neighbour", "生活噪声"),
        ],
    ),
    (
        "heating",
        "供暖",
        False,
        [
            ("heating-cold", "室温不达标"),
            ("heating-leak", "暖气漏水"),
            ("heating-fees", "供暖缴费"),
        ],
    ),
    (
        "water",
        "供水",
        False,
        [
            ("water-outage", "停水"),
            ("water-pressure", "水压不足"),
            ("water-quality", "水质问题"),
            ("water-pipe", "管道漏水"),
        ],
    ),
    (
        "gas",
        "燃气",
        False,
        [("gas-outage", "停气"), ("gas-leak", "燃气泄漏"), ("gas-fees", "燃气缴费")],
    ),
    (
        "power",
        "供电",
        False,
        [("power-outage", "停电"), ("power-lines", "线路隐患")],
    ),
    (
        "ebike",
        "电动自行车充电",
        False,
        [
            ("ebike-charging-points", "充电设施不足"),
            ("ebike-indoor", "入户充电"),
            ("ebike-flying-wires", "飞线充电"),
        ],
    ),
    (
        "traffic",
        "交通秩序",
        False,
        [
            ("traffic-parking", "违章停车"),
            ("traffic-signals", "信号灯"),
            ("traffic-congestion", "交通拥堵"),
            ("traffic-bikes", "共享单车乱停"),
        ],
    ),
    (
        "roads",
        "道路设施",
        False,
        [
            ("roads-potholes", "道路破损"),
            ("roads-lights", "路灯"),
            ("roads-manholes", "井盖缺失"),
            ("roads-drainage", "积水"),
        ],
    ),
    (
        "greening",
        "园林绿化",
        False,
        [
            ("greening-trees", "树木修剪"),
            ("greening-catkins", "杨柳飞絮"),
            ("greening-parks", "公园管理"),
        ],
    ),
    (
        "elderly",
        "养老服务",
        False,
        [
            ("elderly-meals", "老年餐桌"),
            ("elderly-care", "居家养老"),
            ("elderly-subsidy", "养老补贴"),
        ],
    ),
    (
        "health",
        "医疗卫生",
        False,
        [
            ("health-clinics", "社区卫生服务"),
            ("health-vaccination", "疫苗接种"),
            ("health-pests", "病媒生物"),
        ],
    ),
    (
        "education",
        "教育",
        False,
        [
            ("education-enrolment", "入学入托"),
            ("education-training", "校外培训"),
            ("education-school-traffic", "校园周边"),
        ],
    ),
    (
        "labour",
        "劳动保障",
        False,
        [
            ("labour-wages", "拖欠工资"),
            ("labour-social-insurance", "社会保险"),
            ("labour-contracts", "劳动合同"),
        ],
    ),
    (
        "market",
        "市场监管",
        False,
        [
            ("market-food-safety", "食品安全"),
            ("market-prices", "价格问题"),
            ("market-unlicensed", "无照经营"),
            ("market-consumer", "消费纠纷"),
        ],
    ),
    (
        "public-safety",
        "公共安全",
        False,
        [
            ("public-safety-fire", "消防隐患"),
            ("public-safety-passages", "消防通道堵塞"),
            ("public-safety-buildings", "危旧房屋"),
        ],
    ),
    (
        "community-services",
        "社区服务",
        False,
        [
            ("community-services-certificates", "证明开具"),
            ("community-services-facilities", "便民设施"),
        ],
    ),
    ("other", "其他", False, []),
]

# (category code, lead kind or "", lead unit code or "", assist kinds, assist unit codes)
MATRIX: list[tuple[str, str, str, list[str], list[str]]] = [
    ("property", Unit.Kind.PROPERTY_COMPANY, "", [Unit.Kind.COMMUNITY_COMMITTEE], []),
    # Without a property company (older compounds), the community committee leads.
    ("property", Unit.Kind.COMMUNITY_COMMITTEE, "", [Unit.Kind.SUBDISTRICT_OFFICE], []),
    ("illegal-construction", Unit.Kind.SUBDISTRICT_OFFICE, "", [], []),
    ("sanitation", Unit.Kind.SUBDISTRICT_OFFICE, "", [], []),
    ("noise", Unit.Kind.SUBDISTRICT_OFFICE, "", [], []),
    ("ebike", Unit.Kind.SUBDISTRICT_OFFICE, "", [Unit.Kind.COMMUNITY_COMMITTEE], []),
    ("community-services", Unit.Kind.COMMUNITY_COMMITTEE, "", [], []),
    ("elderly", Unit.Kind.SUBDISTRICT_OFFICE, "", [Unit.Kind.COMMUNITY_COMMITTEE], []),
    ("traffic", "", "dept-traffic", [], []),
    ("roads", "", "dept-traffic", [], []),
    ("water", "", "utility-water", [], []),
    ("heating", "", "utility-heating", [], []),
    ("gas", "", "utility-gas", [], []),
    ("power", "", "utility-power", [], []),
    ("greening", "", "dept-greening", [], []),
    ("health", "", "dept-health", [], []),
    ("education", "", "dept-education", [], []),
    ("labour", "", "dept-labour", [], []),
    ("market", "", "dept-market", [], []),
    ("public-safety", Unit.Kind.SUBDISTRICT_OFFICE, "", [], ["dept-emergency"]),
]


@transaction.atomic
def seed_categories() -> int:
    """Create the default tree where missing; returns how many categories were created."""
    created = 0
    for order, (code, name, is_property, children) in enumerate(TREE):
        parent, made = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "is_property_matter": is_property, "sort_order": order},
        )
        created += made
        for child_order, (child_code, child_name) in enumerate(children):
            _, made = Category.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "parent": parent,
                    "is_property_matter": is_property,
                    "sort_order": child_order,
                },
            )
            created += made
    return created


@transaction.atomic
def seed_matrix() -> int:
    """Create the default district-wide matrix rows where missing; returns how many."""
    created = 0
    for rank, (code, lead_kind, lead_code, assist_kinds, assist_codes) in enumerate(MATRIX):
        category = Category.objects.filter(code=code).first()
        if category is None:
            continue
        _, made = ResponsibilityRule.objects.get_or_create(
            category=category,
            scope=ResponsibilityRule.Scope.DISTRICT,
            lead_kind=lead_kind,
            lead_unit_code=lead_code,
            defaults={
                "assist_kinds": list(assist_kinds),
                "assist_unit_codes": list(assist_codes),
                "rank": rank,
            },
        )
        created += made
    return created


# --- Time limits (办理时限) ------------------------------------------------------------------
#
# Contact (响应: first contact with the requester) and resolution (办结) limits per category ×
# urgency, modelled on Beijing's practice under the 接诉即办 regulation: an ordinary request is
# contacted within 24 hours and resolved within 7 working days; an urgent one within 2 hours
# and 2 working days; an emergency (燃气泄漏, a whole building without water, power or heat in
# winter, a missing manhole cover) within 1 hour and 24 clock hours. Matters that leave people
# without a utility are contacted within 2 hours and resolved within 24 hours even when filed
# as ordinary; requests that are mostly questions (fees, subsidies, certificates) are resolved
# within 3 working days. The hotline's operator raises the urgency of a call; the category sets
# the floor. These are seeds: administrators edit the rows (admin › 办理时限), a seed never
# overwrites a row, and a category without a row of its own uses its parent's, then
# settings.GONGZHI_TIME_LIMITS.
H, WD = LimitUnit.HOURS, LimitUnit.WORKING_DAYS
Span = tuple[int, str]
Limits = tuple[Span, Span]  # (contact, resolve)

ORDINARY: Limits = ((24, H), (7, WD))
URGENT: Limits = ((2, H), (2, WD))
EMERGENCY: Limits = ((1, H), (24, H))
WITHOUT_SUPPLY: Limits = ((2, H), (24, H))  # no water, power, gas or heat; a flooding leak
URGENT_WITHOUT_SUPPLY: Limits = ((1, H), (24, H))
HAZARD: Limits = ((4, H), (3, WD))  # a hazard to fix soon: fire risk, elevator, live wires
QUESTION: Limits = ((24, H), (3, WD))  # mostly an answer: fees, subsidies, certificates

# Every top-level category gets these three rows (the table an administrator starts from).
ROOT_LIMITS: dict[str, Limits] = {
    Urgency.NORMAL: ORDINARY,
    Urgency.URGENT: URGENT,
    Urgency.EMERGENCY: EMERGENCY,
}

# Sub-categories whose own limits differ from their top-level category's: code → urgency →
# limits (an urgency left out inherits the top-level row).
LIMIT_OVERRIDES: dict[str, dict[str, Limits]] = {
    # A gas leak is an emergency however it was filed.
    "gas-leak": {Urgency.NORMAL: EMERGENCY, Urgency.URGENT: EMERGENCY},
    "gas-outage": {Urgency.NORMAL: WITHOUT_SUPPLY, Urgency.URGENT: URGENT_WITHOUT_SUPPLY},
    "water-outage": {Urgency.NORMAL: WITHOUT_SUPPLY, Urgency.URGENT: URGENT_WITHOUT_SUPPLY},
    "power-outage": {Urgency.NORMAL: WITHOUT_SUPPLY, Urgency.URGENT: URGENT_WITHOUT_SUPPLY},
    # No heat in the heating season (室温不达标 is measured on site first).
    "heating-cold": {Urgency.NORMAL: ((4, H), (2, WD)), Urgency.URGENT: WITHOUT_SUPPLY},
    "heating-leak": {Urgency.NORMAL: WITHOUT_SUPPLY, Urgency.URGENT: URGENT_WITHOUT_SUPPLY},
    "water-pipe": {Urgency.NORMAL: ((4, H), (2, WD))},
    "roads-manholes": {Urgency.NORMAL: WITHOUT_SUPPLY, Urgency.URGENT: URGENT_WITHOUT_SUPPLY},
    "property-elevator": {Urgency.NORMAL: HAZARD},
    "power-lines": {Urgency.NORMAL: HAZARD},
    "public-safety-fire": {Urgency.NORMAL: HAZARD},
    "public-safety-passages": {Urgency.NORMAL: HAZARD},
    "ebike-flying-wires": {Urgency.NORMAL: HAZARD},
    "heating-fees": {Urgency.NORMAL: QUESTION},
    "gas-fees": {Urgency.NORMAL: QUESTION},
    "elderly-subsidy": {Urgency.NORMAL: QUESTION},
    "community-services-certificates": {Urgency.NORMAL: QUESTION},
}


def time_limit_rows() -> list[tuple[str, str, Limits]]:
    """(category code, urgency, limits) of every seeded row: the roots', then the overrides."""
    rows = [
        (code, urgency, limits) for code, *_rest in TREE for urgency, limits in ROOT_LIMITS.items()
    ]
    rows += [
        (code, urgency, limits)
        for code, by_urgency in LIMIT_OVERRIDES.items()
        for urgency, limits in by_urgency.items()
    ]
    return rows


@transaction.atomic
def seed_time_limits() -> int:
    """Create the default time limits where missing (an edited row is kept as it is); returns
    how many rows were created. Categories that do not exist are skipped."""
    categories = dict(Category.objects.values_list("code", "pk"))
    existing = set(TimeLimit.objects.values_list("category_id", "urgency"))
    new = []
    for code, urgency, ((contact, contact_unit), (resolve, resolve_unit)) in time_limit_rows():
        category_id = categories.get(code)
        if category_id is None or (category_id, urgency) in existing:
            continue
        existing.add((category_id, urgency))
        new.append(
            TimeLimit(
                category_id=category_id,
                urgency=urgency,
                contact_amount=contact,
                contact_unit=contact_unit,
                resolve_amount=resolve,
                resolve_unit=resolve_unit,
            )
        )
    TimeLimit.objects.bulk_create(new)
    if new:
        # bulk_create sends no post_save: the intake's cached configuration must forget its
        # time limits here (other processes re-read within GONGZHI_REFERENCE_TTL).
        from gongzhi.workorders import reference

        reference.invalidate()
    return len(new)


def build(ctx: DemoContext, progress: Progress) -> None:
    """The demo's time limits (a builder of gongzhi.web.demo.BUILDERS), before the demo orders
    so that their deadlines follow the seeded table."""
    with progress.step(_("办理时限")) as step:
        categories = seed_categories()
        limits = seed_time_limits()
        # Only what changed is counted, so that a re-run says it added nothing.
        if categories:
            step.count(_("新增类别"), categories)
        if limits:
            step.count(_("新增办理时限"), limits)
        step.note = _("共 %(n)d 条") % {"n": TimeLimit.objects.count()}
