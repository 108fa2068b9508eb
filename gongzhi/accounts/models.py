"""People, the units they work for, and their roles.

A Person is the login. A Unit (承办单位) is an organisation that handles matters and serves
places: a subdistrict office serves its subdistrict, a community committee its community, a
property company its compounds, a district department or utility the whole district. A
Membership gives a person a role, in a unit (staff) or at a place (residents, volunteers).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.places.models import Community, Compound, District, Subdistrict


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    RIDER = "rider", _("骑手/快递员")
    VOLUNTEER = "volunteer", _("志愿者")
    SOCIAL_WORKER = "social_worker", _("社工")
    COMMUNITY_SECRETARY = "community_secretary", _("社区书记")
    SUBDISTRICT_STAFF = "subdistrict_staff", _("街道工作人员")
    DISTRICT_STAFF = "district_staff", _("区级工作人员")
    DEPARTMENT_STAFF = "department_staff", _("委办局工作人员")
    PROPERTY_STAFF = "property_staff", _("物业工作人员")
    HOTLINE_OPERATOR = "hotline_operator", _("12345接线员")
    DISPATCHER = "dispatcher", _("派单员")
    CALLBACK_AGENT = "callback_agent", _("回访员")
    ADMINISTRATOR = "administrator", _("系统管理员")


# Roles held at a place rather than in a unit.
CITIZEN_ROLES = frozenset({Role.RESIDENT, Role.RIDER, Role.VOLUNTEER})


class Person(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.display_name or self.username


class Unit(models.Model):
    class Kind(models.TextChoices):
        SUBDISTRICT_OFFICE = "subdistrict_office", _("街道办事处")
        COMMUNITY_COMMITTEE = "community_committee", _("社区居委会")
        PROPERTY_COMPANY = "property_company", _("物业公司")
        DEPARTMENT = "department", _("区委办局")
        UTILITY = "utility", _("公共服务企业")
        HOTLINE_CENTRE = "hotline_centre", _("12345热线中心")

    name = models.CharField(_("名称"), max_length=96)
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices, db_index=True)
    # A stable short code, e.g. "dept-traffic", "utility-water", "so-110105015": used by the
    # responsibility matrix and by imports.
    code = models.SlugField(_("代码"), max_length=48, unique=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="units", verbose_name=_("区")
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("街道/地区"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("社区/村"),
    )
    compounds = models.ManyToManyField(
        Compound, blank=True, related_name="units", verbose_name=_("服务小区")
    )
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("人员")
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("单位"),
    )
    # For roles held at a place (a resident's home compound, a volunteer's community).
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("社区/村")
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("小区")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色任职")
        verbose_name_plural = _("角色任职")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role", "unit"],
                condition=models.Q(unit__isnull=False),
                name="membership_once_per_unit_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.compound or self.community or ""
        return f"{self.person} · {self.get_role_display()} · {where}"


class LoginThrottle(models.Model):
    """Failed logins per user name; a name with too many in a row is locked for a while."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"
