"""The roll-up tables: the counters the three rates need, per day × lead unit × place × category
and per month at coarser grains, kept up to date from the work-order event log
(rollups/ says how and why).

Every roll-up row carries the same counters (`Counters`). For the orders *received* in the
row's day or month (Asia/Shanghai), attributed to their *current* lead unit, community,
subdistrict and category — exactly as workorders/rates.py counts them:

    received            every order received
    dispatched          dispatched at least once (dispatched_at set)
    declined            declined (不予受理)
    merged              merged into another order (合并)
    unreasonable        marked unreasonable (excluded_from_scoring)
    counted             the orders that count (rates.py rule 1): dispatched, not declined,
                        not merged, not unreasonable.  All counters below are of these.
    contacted           with a `contacted` event
    response_due        contacted, or contact deadline passed by RollupState.as_of
    contacted_in_time   first `contacted` event at or before the contact deadline
    resolved            resolved (办结, resolved_at set; a reopened order until it is again)
    overdue             flagged overdue in its current round
    callbacks           with a valid callback (the latest reached one says resolved or not)
    callbacks_resolved  whose valid callback says resolved
    satisfied / basically / unsatisfied   the satisfaction of the latest reached callback

so that response = contacted_in_time ÷ response_due, resolution = callbacks_resolved ÷
callbacks, satisfaction = (satisfied + w·basically) ÷ callbacks, as in rates.py.

Place and unit columns are plain references without database constraints or per-column
indexes: the tables are derived data, rebuilt in bulk, and read through the indexes below.
A NULL unit / community / subdistrict is a real bucket (an order not dispatched, or with no
place); its uniqueness is kept by the single writer (RollupState's row lock), since a unique
constraint treats NULLs as distinct.
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.places.models import Community, Compound, Subdistrict
from gongzhi.workorders.models import Category

# The counters, in the order of the bits of OrderContribution.flags.
COUNTERS: tuple[str, ...] = (
    "received",
    "dispatched",
    "declined",
    "merged",
    "unreasonable",
    "counted",
    "contacted",
    "response_due",
    "contacted_in_time",
    "resolved",
    "overdue",
    "callbacks",
    "callbacks_resolved",
    "satisfied",
    "basically",
    "unsatisfied",
)


def _ref(model: type[models.Model], verbose: Any, *, null: bool = True) -> Any:
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose,
    )


class Counters(models.Model):
    received = models.IntegerField(_("受理"), default=0)
    dispatched = models.IntegerField(_("派单"), default=0)
    declined = models.IntegerField(_("不予受理"), default=0)
    merged = models.IntegerField(_("合并"), default=0)
    unreasonable = models.IntegerField(_("不合理诉求"), default=0)
    counted = models.IntegerField(_("计入考核"), default=0)
    contacted = models.IntegerField(_("已响应"), default=0)
    response_due = models.IntegerField(_("应响应"), default=0)
    contacted_in_time = models.IntegerField(_("按时响应"), default=0)
    resolved = models.IntegerField(_("已办结"), default=0)
    overdue = models.IntegerField(_("超期"), default=0)
    callbacks = models.IntegerField(_("有效回访"), default=0)
    callbacks_resolved = models.IntegerField(_("回访已解决"), default=0)
    satisfied = models.IntegerField(_("满意"), default=0)
    basically = models.IntegerField(_("基本满意"), default=0)
    unsatisfied = models.IntegerField(_("不满意"), default=0)

    class Meta:
        abstract = True


class DailyRollup(Counters):
    """Day (of receipt) × lead unit × community (with its subdistrict) × category."""

    day = models.DateField(_("日期"))
    subdistrict = _ref(Subdistrict, _("街道/地区"))
    community = _ref(Community, _("社区/村"))
    unit = _ref(Unit, _("主办单位"))
    category = _ref(Category, _("类别"), null=False)

    class Meta:
        verbose_name = _("日汇总")
        verbose_name_plural = _("日汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "community", "subdistrict", "category"],
                name="insights_daily_bucket",
            )
        ]
        indexes = [
            # A month's hotspot scan and drill-down: community × category over days.
            models.Index(fields=["community", "category", "day"], name="insights_daily_place"),
        ]

    def __str__(self) -> str:
        return f"{self.day} u{self.unit_id} c{self.community_id} k{self.category_id}"


class MonthlyRollup(Counters):
    """Month × lead unit × community (with its subdistrict): what the rankings read."""

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    subdistrict = _ref(Subdistrict, _("街道/地区"))
    community = _ref(Community, _("社区/村"))
    unit = _ref(Unit, _("主办单位"))

    class Meta:
        verbose_name = _("月汇总")
        verbose_name_plural = _("月汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit", "community", "subdistrict"],
                name="insights_monthly_bucket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} u{self.unit_id} c{self.community_id}"


class MonthlyCategoryRollup(Counters):
    """Month × subdistrict × category: the dashboard's trends and category charts."""

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    subdistrict = _ref(Subdistrict, _("街道/地区"))
    category = _ref(Category, _("类别"), null=False)

    class Meta:
        verbose_name = _("月分类汇总")
        verbose_name_plural = _("月分类汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "subdistrict", "category"], name="insights_monthly_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} s{self.subdistrict_id} k{self.category_id}"


class MonthlyPlaceCategoryRollup(Counters):
    """Month × community (with its subdistrict) × category: the hotspot scan's baseline months
    and the topics' spread across places."""

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    subdistrict = _ref(Subdistrict, _("街道/地区"))
    community = _ref(Community, _("社区/村"))
    category = _ref(Category, _("类别"), null=False)

    class Meta:
        verbose_name = _("月社区分类汇总")
        verbose_name_plural = _("月社区分类汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "community", "subdistrict", "category"],
                name="insights_monthly_place_category",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} c{self.community_id} k{self.category_id}"


class MonthlyLevelRollup(Counters):
    """Month × ranking level × key: one row per subdistrict, community and lead unit of the
    month, so that the ranking and the dashboard read a few hundred rows, not aggregate
    thousands. `key` is the subdistrict, community or unit id (NULL: the orders without one;
    the subdistrict level's rows, NULL included, add up to the district); `subdistrict` is the
    subdistrict of a subdistrict or community row (NULL for units, which may serve several)."""

    class Level(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("街道/地区")
        COMMUNITY = "community", _("社区/村")
        UNIT = "unit", _("承办单位")

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    key = models.BigIntegerField(_("编号"), null=True, blank=True)
    subdistrict = _ref(Subdistrict, _("街道/地区"))

    class Meta:
        verbose_name = _("月排名汇总")
        verbose_name_plural = _("月排名汇总")
        constraints = [
            models.UniqueConstraint(fields=["month", "level", "key"], name="insights_monthly_level")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.level} {self.key}"


class OrderContribution(models.Model):
    """What one order currently adds to the roll-ups: its bucket and one bit per counter
    (COUNTERS order). The incremental job recomputes an order's row when it changes and
    applies the difference; a rebuild recomputes them all. No foreign key: an order deleted
    outright (only the demo does that) leaves its row until `gongzhi rollups rebuild`."""

    order_id = models.BigIntegerField(_("工单"), primary_key=True)
    day = models.DateField(_("受理日期"))
    subdistrict_id = models.IntegerField(_("街道/地区"), null=True)
    community_id = models.IntegerField(_("社区/村"), null=True)
    unit_id = models.IntegerField(_("主办单位"), null=True)
    category_id = models.IntegerField(_("类别"))
    flags = models.IntegerField(_("计数位"))

    class Meta:
        verbose_name = _("工单计数")
        verbose_name_plural = _("工单计数")
        indexes = [models.Index(fields=["day"], name="insights_contribution_day")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.flags:#x}"


class RollupState(models.Model):
    """The roll-ups' watermark (one row, name "rollups"), locked by whoever writes the roll-ups.

    event_id: every event with an id at or below it has been applied, except the ids in
    `gaps` ([id, first_seen ISO] pairs: ids skipped while their transaction was still open,
    retried until they appear or grow older than the grace period). as_of: the time up to
    which passed contact deadlines are counted in `response_due`.
    """

    name = models.CharField(primary_key=True, max_length=32)
    event_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=list, blank=True)
    as_of = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("汇总水位")
        verbose_name_plural = _("汇总水位")

    def __str__(self) -> str:
        return f"{self.name} @ {self.event_id}"


class MonthlyTopic(models.Model):
    """A problem chosen as the month's topic (每月一题) of the district (no subdistrict) or of
    one subdistrict: a category (with a kind of compound, when the candidates were split by
    it), the score and the evidence it was chosen on, as the candidates showed them, who chose
    it and the plan (who leads, what is done)."""

    month = models.DateField(_("月份"))  # the first day of the month
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("街道/地区"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("类别")
    )
    place_kind = models.CharField(
        _("小区类型"), max_length=16, blank=True, choices=Compound.Kind.choices
    )
    score = models.FloatField(_("得分"))
    evidence = models.JSONField(_("依据"), default=dict, encoder=DjangoJSONEncoder)
    plan = models.TextField(_("办理计划"), blank=True)
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("牵头单位"),
    )
    chosen_by = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("选定人")
    )
    chosen_at = models.DateTimeField(_("选定时间"))

    class Meta:
        verbose_name = _("每月一题")
        verbose_name_plural = _("每月一题")
        ordering = ["month", "subdistrict_id", "-score"]
        constraints = [
            # A problem is chosen once per month and scope (NULL subdistrict: the district).
            models.UniqueConstraint(
                fields=["month", "category", "place_kind"],
                condition=models.Q(subdistrict__isnull=True),
                name="insights_topic_once_district",
            ),
            models.UniqueConstraint(
                fields=["month", "subdistrict", "category", "place_kind"],
                condition=models.Q(subdistrict__isnull=False),
                name="insights_topic_once_subdistrict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category_id} {self.place_kind}"
