"""The configuration administrators edit: the category tree, time limits per category and
urgency, and the responsibility matrix (权责清单: category × place → unit)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.places.models import Community, Subdistrict
from gongzhi.workorders.models.choices import LimitUnit, Urgency


class Category(models.Model):
    """A node of the request category tree (物业管理 › 电梯故障). The `code` is a stable slug:
    the Open311 service_code and the key the matrix, the settings and the classifier use."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级类别"),
    )
    code = models.SlugField(_("代码"), max_length=48, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    keywords = models.CharField(_("关键词"), max_length=255, blank=True, help_text=_("逗号分隔"))
    # Property matters (物业类) go to the compound's property company first with the community
    # watching the same order (专班).
    is_property_matter = models.BooleanField(_("物业类"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " › ".join(c.name for c in reversed(self.lineage()))

    def lineage(self) -> list[Category]:
        """This category, then its parent, up to the root (one query per level not cached)."""
        chain: list[Category] = []
        node: Category | None = self
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def lineage_ids(self) -> list[int]:
        return [c.pk for c in self.lineage()]


class TimeLimit(models.Model):
    """Contact and resolution limits for one category and urgency. A category without a row
    uses its nearest ancestor's row, then the defaults in settings (GONGZHI_TIME_LIMITS)."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="time_limits", verbose_name=_("类别")
    )
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices)
    contact_amount = models.PositiveIntegerField(_("响应时限"))
    contact_unit = models.CharField(
        _("响应时限单位"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.HOURS
    )
    resolve_amount = models.PositiveIntegerField(_("办结时限"))
    resolve_unit = models.CharField(
        _("办结时限单位"),
        max_length=16,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAYS,
    )

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "urgency"], name="time_limit_per_category_urgency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.get_urgency_display()}"


class ResponsibilityRule(models.Model):
    """One row of the responsibility matrix (权责清单).

    Matches an order whose category is `category` or one of its descendants, at a place in
    `scope` (the whole district, one subdistrict or one community). The lead is either a unit
    kind resolved against the order's place (the property company serving its compound, the
    community committee of its community, the office of its subdistrict) or one specific unit
    by code (dept-traffic, utility-water). Assisting units are given the same two ways.
    The most specific rule wins: deepest category first, then community over subdistrict over
    district, then the lowest `rank`.
    """

    class Scope(models.TextChoices):
        DISTRICT = "district", _("全区")
        SUBDISTRICT = "subdistrict", _("街道/地区")
        COMMUNITY = "community", _("社区/村")

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="rules", verbose_name=_("类别")
    )
    scope = models.CharField(
        _("适用范围"), max_length=16, choices=Scope.choices, default=Scope.DISTRICT
    )
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("街道/地区")
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("社区/村")
    )
    lead_kind = models.CharField(
        _("主办单位类型"), max_length=24, choices=Unit.Kind.choices, blank=True
    )
    lead_unit_code = models.SlugField(_("主办单位代码"), max_length=48, blank=True)
    assist_kinds = models.JSONField(_("协办单位类型"), default=list, blank=True)
    assist_unit_codes = models.JSONField(_("协办单位代码"), default=list, blank=True)
    rank = models.PositiveSmallIntegerField(_("优先序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("权责清单条目")
        verbose_name_plural = _("权责清单")
        ordering = ["category__code", "scope", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(lead_kind="") & models.Q(lead_unit_code="")),
                name="responsibility_rule_has_lead",
            ),
            models.CheckConstraint(
                condition=models.Q(scope="district")
                | models.Q(scope="subdistrict", subdistrict__isnull=False)
                | models.Q(scope="community", community__isnull=False),
                name="responsibility_rule_scope_place",
            ),
        ]

    def __str__(self) -> str:
        lead = self.lead_unit_code or self.get_lead_kind_display()
        return f"{self.category} → {lead}"
