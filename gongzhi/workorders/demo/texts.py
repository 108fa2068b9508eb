"""Generated texts of demo orders: descriptions, feedback, reasons and notes.

`description()` builds what a hotline operator would type: an opening that depends on the
channel and the kind of request, the place, one problem clause of the category
(phrasebook.PROBLEMS), often how long it has lasted and what was tried, and what the caller asks
for. Every piece is drawn from the demo's own phrasebook with a `random.Random`, so texts are
reproducible for a seed and varied across orders.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from gongzhi.workorders.demo import phrasebook as pb

_SLOT = re.compile(r"\{(\w+)\}")

OPENERS_BY_KIND: dict[str, tuple[str, ...]] = {
    "complaint": ("来电人反映：", "市民来电反映：", "来电人投诉：", "来电人称：", ""),
    "report": ("来电人举报：", "市民举报：", "来电人反映并举报："),
    "help": ("来电人求助：", "市民求助：", "来电人反映："),
    "consultation": ("来电人咨询：", "市民咨询：", "来电人询问："),
    "suggestion": ("来电人建议：", "市民建议：", "来电人提出建议："),
    "praise": ("来电人表扬：", "市民来电表扬：", "来电人致谢："),
}
OPENERS_BY_CHANNEL: dict[str, tuple[str, ...]] = {
    "web": ("网友留言：", "网民反映："),
    "app": ("用户通过北京12345小程序反映：", "市民在线反映："),
    "wechat": ("市民通过微信反映：", "微信留言："),
    "rider_snap": ("骑手随手拍：", "快递小哥随手拍反映："),
    "walking_round": ("社区走动式巡查发现：", "巡查发现："),
    "proactive": ("主动治理：", "未诉先办，巡查发现："),
    "deliberation": ("居民议事会提出：", "议事协商中居民反映："),
}
DURATIONS = (
    "已持续{days}",
    "这种情况已经{days}了",
    "问题存在{days}",
    "近{days}反复出现",
    "从{days}前开始一直这样",
)
HISTORY = (
    "之前找过物业，没有解决",
    "多次向社区反映未果",
    "此前已反映过一次，至今没有结果",
    "物业答复正在处理，但一直没有进展",
    "找过相关单位，互相推诿",
    "",
)
IMPACT = (
    "严重影响居民正常生活",
    "家中有老人和孩子，十分不便",
    "存在安全隐患",
    "周边居民意见很大",
    "",
)
DEMANDS_BY_KIND: dict[str, tuple[str, ...]] = {
    "complaint": (
        "希望相关部门尽快处理",
        "要求尽快解决",
        "请相关部门核实处理",
        "希望有关部门督促解决",
        "要求给予答复",
    ),
    "report": ("请相关部门依法查处", "希望执法部门尽快到场处理", "要求依法处理"),
    "help": ("请求尽快帮助解决", "希望尽快派人处理", "请求协调解决"),
    "consultation": ("希望相关部门给予答复", "请相关部门解答", "希望告知办理渠道"),
    "suggestion": ("希望相关部门采纳", "供相关部门参考", ""),
    "praise": ("特此表扬", "希望转达感谢", ""),
}
DAYS = ("三天", "一周", "两周", "半个月", "一个多月", "两天", "好几天", "十多天", "两个月")
HOURS = ("晚上10点", "晚上11点", "夜里12点", "凌晨1点", "晚上9点半")
TEMPS = ("12", "13", "14", "15", "16", "14到15")


# Slots inside a compound: the clause needs the compound before it.
INDOOR_SLOTS = ("building", "entrance", "floor", "room")
# Slots that name the place themselves.
PLACE_SLOTS = ("road", "compound", "community", "subdistrict")
# Matters of a person rather than a place (wages, school places, pensions, purchases).
PERSONAL_TOPS = frozenset({"labour", "education", "elderly", "health", "market"})


@dataclass(frozen=True)
class Slots:
    """The place words a text can use. `compound` is empty for an order on a road."""

    subdistrict: str
    community: str
    compound: str
    building: str  # "3号楼" or ""
    entrance: str  # "2单元" or ""
    road: str
    unit: str = ""  # the unit praised or the right unit named in a return reason

    def place(self) -> str:
        """How the caller names the place, from the compound down when there is one."""
        if self.compound:
            return f"{self.community}{self.compound}"
        return f"{self.community}{self.road}"


def _fill(template: str, slots: Slots, rng: random.Random) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "compound":
            return slots.compound or f"{slots.community}附近"
        if name == "building":
            return slots.building or "楼"
        if name == "entrance":
            return slots.entrance
        if name in ("road", "community", "subdistrict"):
            return str(getattr(slots, name))
        if name in ("unit", "right"):
            return slots.unit or "相关单位"
        if name == "floor":
            return str(rng.randint(2, 18))
        if name == "room":
            return f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}"
        if name == "days":
            return rng.choice(DAYS)
        if name == "temp":
            return rng.choice(TEMPS)
        if name == "hour":
            return rng.choice(HOURS)
        if name == "shop":
            return rng.choice(pb.SHOPS)
        if name == "n":
            return str(rng.randint(2, 6))
        if name == "amount":
            return str(rng.choice((3000, 4500, 6000, 8000, 12000, 20000, 800, 1500)))
        raise KeyError(f"unknown slot {{{name}}}")

    return _SLOT.sub(value, template)


def top_code(category_code: str, parents: dict[str, str]) -> str:
    return parents.get(category_code, category_code)


def _sentence(parts: list[str]) -> str:
    text = "，".join(p for p in parts if p)
    return text + "。"


def description(
    *, category: str, top: str, kind: str, channel: str, slots: Slots, rng: random.Random
) -> str:
    """The request as the operator records it (诉求内容)."""
    opener = rng.choice(OPENERS_BY_CHANNEL.get(channel) or OPENERS_BY_KIND[kind])
    demand = rng.choice(DEMANDS_BY_KIND[kind])
    if kind == "consultation":
        question = rng.choice(pb.QUESTIONS.get(top) or pb.QUESTIONS["other"])
        if rng.random() < 0.5:
            body = [f"家住{slots.place()}", _fill(question, slots, rng)]
        else:
            body = [_fill(question, slots, rng)]
        return opener + _sentence([*body, demand])
    if kind == "suggestion":
        idea = rng.choice(pb.SUGGESTIONS.get(top) or pb.SUGGESTIONS["other"])
        reason = _fill(rng.choice(pb.PROBLEMS.get(category) or pb.PROBLEMS["other"]), slots, rng)
        return opener + _sentence([reason, _fill(idea, slots, rng), demand])
    if kind == "praise":
        return opener + _sentence([_fill(rng.choice(pb.PRAISES), slots, rng), demand])
    template = rng.choice(pb.PROBLEMS.get(category) or pb.PROBLEMS["other"])
    problem = _fill(template, slots, rng)
    if any(f"{{{s}}}" in template for s in INDOOR_SLOTS):
        parts = [slots.place() + problem]  # "…小区3号楼2单元电梯…"
    elif any(f"{{{s}}}" in template for s in PLACE_SLOTS) or top in PERSONAL_TOPS:
        parts = [problem]  # the clause names its place, or the matter has none
    else:
        parts = [f"家住{slots.place()}", problem]
    if rng.random() < 0.55:
        parts.append(_fill(rng.choice(DURATIONS), slots, rng))
    if rng.random() < 0.45:
        parts.append(rng.choice(HISTORY))
    if rng.random() < 0.35:
        parts.append(rng.choice(IMPACT))
    parts.append(demand)
    return opener + _sentence(parts)


def feedback(*, top: str, slots: Slots, rng: random.Random) -> str:
    return _fill(rng.choice(pb.FEEDBACK.get(top) or pb.FEEDBACK["other"]), slots, rng) + "。"


def return_reason(*, right_unit: str, slots: Slots, rng: random.Random) -> str:
    named = replace(slots, unit=right_unit)
    return _fill(rng.choice(pb.RETURN_REASONS), named, rng) + "。"


def pick(options: tuple[str, ...], rng: random.Random) -> str:
    return rng.choice(options)


def address(slots: Slots) -> str:
    """The address line of the order: subdistrict, community, compound, building."""
    if slots.compound:
        return f"{slots.subdistrict}{slots.community}{slots.compound}{slots.building}"
    return f"{slots.subdistrict}{slots.community}{slots.road}"


def requester_phone(rng: random.Random) -> str:
    """A mobile-looking number that is visibly generated: the middle block is always 0000."""
    return f"1{rng.choice('35789')}{rng.randint(0, 9)}0000{rng.randint(0, 9999):04d}"
