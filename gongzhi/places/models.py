"""The place registry: district → subdistrict → community → compound → building → entrance,
and grids. Codes are the official 12-digit division codes (统计用区划代码) where one exists.

Coordinates are WGS-84 longitude/latitude; GCJ-02 (what Chinese web maps use) is converted at
the edges by coords.py. Geometry produced by the demo is flagged `generated`.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from shapely.geometry import Point

from gongzhi.places.fields import GeometryField

division_code = RegexValidator(r"^\d{12}$", _("区划代码应为12位数字"))
grid_code = RegexValidator(r"^\d{15}$", _("网格编码应为15位数字"))


class District(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[division_code])
    name = models.CharField(_("名称"), max_length=64)
    outline = GeometryField(_("边界"), null=True, blank=True)

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")

    def __str__(self) -> str:
        return self.name


class Subdistrict(models.Model):
    class Kind(models.TextChoices):
        STREET = "street", _("街道")
        AREA = "area", _("地区")
        TOWNSHIP = "township", _("乡")

    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[division_code])
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("区")
    )
    area = GeometryField(_("范围"), null=True, blank=True)
    generated = models.BooleanField(_("生成的地理数据"), default=False)

    class Meta:
        verbose_name = _("街道/地区")
        verbose_name_plural = _("街道/地区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("居委会")
        VILLAGE = "village", _("村委会")
        QUASI = "quasi", _("类似居委会")

    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[division_code])
    name = models.CharField(_("名称"), max_length=64, help_text=_("常用名，如“华贸中心社区”"))
    official_name = models.CharField(_("正式名称"), max_length=96)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        related_name="communities",
        verbose_name=_("街道/地区"),
    )
    area = GeometryField(_("范围"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    generated = models.BooleanField(_("生成的地理数据"), default=False)

    class Meta:
        verbose_name = _("社区/村")
        verbose_name_plural = _("社区/村")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Compound(models.Model):
    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", _("商品房")
        AFFORDABLE = "affordable", _("保障房")
        REFORMED = "reformed", _("房改房")
        RESETTLEMENT = "resettlement", _("回迁房")
        MIXED = "mixed", _("多合一")
        OTHER = "other", _("其他")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="compounds", verbose_name=_("社区/村")
    )
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("编码"), max_length=32, unique=True, null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), default=0)
    population = models.PositiveIntegerField(_("常住人口"), default=0)
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=128, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    area = GeometryField(_("范围"), null=True, blank=True)
    generated = models.BooleanField(_("生成的地理数据"), default=False)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["community_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="compound_name_per_community"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def point(self) -> Point | None:
        return None if self.lng is None or self.lat is None else Point(self.lng, self.lat)


class Building(models.Model):
    compound = models.ForeignKey(
        Compound, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("小区")
    )
    number = models.CharField(_("楼号"), max_length=16)
    floors = models.PositiveSmallIntegerField(_("层数"), default=6)
    households = models.PositiveIntegerField(_("户数"), default=0)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["compound_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "number"], name="building_number_per_compound"
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.number}"


class Entrance(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="entrances", verbose_name=_("楼栋")
    )
    number = models.CharField(_("单元号"), max_length=16)
    households = models.PositiveIntegerField(_("户数"), default=0)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        ordering = ["building_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"], name="entrance_number_per_building"
            )
        ]

    def __str__(self) -> str:
        return f"{self.building}{self.number}"


class Grid(models.Model):
    """A Beijing grid: 15 digits = district 6 + subdistrict 3 + community 3 + grid 3."""

    code = models.CharField(_("网格编码"), max_length=15, unique=True, validators=[grid_code])
    name = models.CharField(_("名称"), max_length=64)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("社区/村")
    )
    area = GeometryField(_("范围"), null=True, blank=True)
    generated = models.BooleanField(_("生成的地理数据"), default=False)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


def grid_code_for(community_code: str, number: int) -> str:
    """The 15-digit grid code of grid `number` in a community with a 12-digit division code."""
    if not (1 <= number <= 999):
        raise ValueError("grid number must be 1..999")
    return f"{community_code[:6]}{community_code[6:9]}{community_code[9:12]}{number:03d}"
