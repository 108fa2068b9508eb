"""Believable Chinese names for generated compounds and roads.

A compound's name follows its kind, as in Beijing: commercial estates carry a developer-style
name (锦绣家园, 观澜国际), reformed work-unit housing the name of its place (团结湖北里, 劲松
三区), resettlement housing its village (东坝新村), staff dormitories their employer (纺织局宿舍).
The prefixes are invented word pairs, not real developers' brands.
"""

from __future__ import annotations

import random


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BRAND_PREFIXES = _words(
    "金域 锦绣 碧水 星河 观澜 润泽 泰和 首城 东润 嘉铭 鸿博 天域 枫林 绿洲 世纪 丽景 翠城 朗园 "
    "汇景 盛世 京润 康城 北岸 瑞府 星源 怡景 蓝堡 金港 银河 青年 东方 名都 中环 红杉 紫薇 玉兰 "
    "海棠 丁香 银杏 水岸 湖光 林溪 晨光 新华 建邦 美然 尚都 万和 远景 鑫泰 嘉和 瑞景 长安 澳林 "
    "香榭 博雅 润园 逸翠 东恒 华腾 金汉 绿茵 华清 嘉润 和泓 君悦 阳光 春晖 秀水 明月 望湖 "
    "知本 御景 富润 恒通 广渠 东景 祥和 顺源 安华 新世界 万象 清枫 雅宝 曙光"
)
COMMERCIAL_SUFFIXES = _words(
    "家园 花园 嘉园 苑 公寓 国际 新城 华府 名苑 雅苑 佳园 小区 国际公寓 花园小区 公馆 庭院 "
    "天地 时代 城 湾 尚城 东区 西区 北区"
)
AFFORDABLE_SUFFIXES = _words("家园 嘉园 佳苑 康居苑 安居苑 公租房 馨园 欣苑")
AFFORDABLE_WORDS = _words("安居 康居 和谐 幸福 育新 惠民 安泰 乐居 福润 宜居")
REFORMED_SUFFIXES = _words("北里 南里 东里 西里 中里 小区 一区 二区 三区 四区 北区 南区")
RESETTLEMENT_SUFFIXES = _words("新村 家园 嘉园 新苑 回迁楼 佳园 东区 西区")
MIXED_TEMPLATES = ("{root}{n}号院", "{root}综合小区", "{root}联合小区", "{root}{n}号院")
EMPLOYERS = _words(
    "纺织局 化工厂 机械厂 棉纺厂 电子管厂 玻璃厂 印染厂 汽车配件厂 铁路 邮电 建工 服装厂 "
    "仪表厂 钢琴厂 电机厂 造纸厂 水泵厂 染织厂 军休所 机关 科研所 设计院 医院 学院 地质队 "
    "煤炭部 外贸 粮食局 供销社 电车公司 热电厂 光学仪器厂"
)
STAFF_SUFFIXES = _words("宿舍 家属院 大院 职工宿舍 宿舍楼")
PROPERTY_WORDS = _words(
    "朝华 安居 嘉和 恒信 金都 京诚 泰和 瑞祥 华辰 东润 康泰 鸿运 明远 惠通 宏达 德润 兴业 和美 "
    "信诚 长青 鼎盛 天润 佳禾 融汇 祥瑞 博远 正源 新景 华宇 万家 盛达 安和 永泰 怡和 民安 鑫源"
)
ROAD_SUFFIXES = _words("路 东路 西路 南路 北路 中路 大街 东街 西街 北街 南街")
ORDINALS = _words("二 三 四 五 六 七 八 九 十")

_PLACE_SUFFIXES = ("街道", "地区", "社区", "乡", "村")


def root_of(name: str) -> str:
    """The place word of a division name: 八里庄街道 → 八里庄, 东坝村 → 东坝."""
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _candidate(kind: str, root: str, village: bool, rng: random.Random) -> str:
    if kind == "commercial":
        if rng.random() < 0.15:
            return root + rng.choice(COMMERCIAL_SUFFIXES)
        return rng.choice(BRAND_PREFIXES) + rng.choice(COMMERCIAL_SUFFIXES)
    if kind == "affordable":
        word = root if rng.random() < 0.7 else rng.choice(AFFORDABLE_WORDS)
        return word + rng.choice(AFFORDABLE_SUFFIXES)
    if kind == "reformed":
        if root.endswith(("里", "院", "园", "苑", "区")) and rng.random() < 0.5:
            return root + rng.choice(("", "小区", "东区", "西区"))
        return root + rng.choice(REFORMED_SUFFIXES)
    if kind == "resettlement":
        if village:
            return root + rng.choice(("新村", "回迁楼", "家园", "新居"))
        return root + rng.choice(RESETTLEMENT_SUFFIXES)
    if kind == "mixed":
        return rng.choice(MIXED_TEMPLATES).format(root=root, n=rng.randint(1, 30))
    employer = rng.choice(EMPLOYERS)
    prefix = root if rng.random() < 0.4 else ""
    return prefix + employer + rng.choice(STAFF_SUFFIXES)


def compound_name(
    *, kind: str, community_name: str, village: bool, used: set[str], rng: random.Random
) -> str:
    """A name for a compound of `kind` in a community, not in `used` (which it joins)."""
    root = root_of(community_name)
    for _try in range(40):
        name = _candidate(kind, root, village, rng)
        if name not in used:
            used.add(name)
            return name
    base = _candidate(kind, root, village, rng)
    for ordinal in ORDINALS:
        name = f"{base}{ordinal}期"
        if name not in used:
            used.add(name)
            return name
    n = 2
    while f"{base}{n}" in used:
        n += 1
    used.add(f"{base}{n}")
    return f"{base}{n}"


def roads_for(subdistrict_name: str, community_name: str) -> list[str]:
    """Road names near a community: named after its subdistrict and itself."""
    sd, comm = root_of(subdistrict_name), root_of(community_name)
    return [sd + s for s in ROAD_SUFFIXES] + [comm + "路", comm + "街"]


SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志海燕红梅玉淑珍宁欣怡晨浩然宇轩"
    "子涵雨萱思博文佳琪梓鹏飞俊凯婷颖琳雪慧晶鑫亮斌波辉峰"
)


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given
