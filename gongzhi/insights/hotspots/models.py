"""The rows of 未诉先办 (proactive handling): the compound-level monthly counts the hotspot scan
reads, the hotspots and clusters it finds, and the append-only log of what was done with them.

Registered by InsightsConfig.ready() (the app's models.py belongs to the roll-ups).

A Hotspot or a Cluster *becomes* a proactive work order and/or a deliberation proposal through
gongzhi.insights.services; the row keeps the link (work_order, proposal), and the order and
proposal point back through the reverse relations (`order.hotspots`, `order.clusters`,
`proposal.hotspots`, `proposal.clusters`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.places.models import Community, Compound, Subdistrict
from gongzhi.workorders.models import Category, WorkOrder


class CompoundMonthCount(models.Model):
    """Orders received per month × compound × category (Asia/Shanghai month of receipt).

    The roll-ups stop at the community (MonthlyPlaceCategoryRollup); a hotspot in one compound
    of a large community would drown there, so the scan also reads this table. Derived data:
    rebuilt from the orders by hotspots.counts (all months, or one month), with plain integer
    references and no constraints, like the roll-ups. Orders without a compound are not here
    (they count at the community level only).
    """

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    subdistrict_id = models.IntegerField(_("街道/地区"), null=True)
    community_id = models.IntegerField(_("社区/村"))
    compound_id = models.IntegerField(_("小区"))
    category_id = models.IntegerField(_("类别"))
    received = models.IntegerField(_("受理"), default=0)

    class Meta:
        verbose_name = _("小区月分类计数")
        verbose_name_plural = _("小区月分类计数")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "compound_id", "category_id"], name="insights_compound_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} p{self.compound_id} k{self.category_id}: {self.received}"


class Level(models.TextChoices):
    COMPOUND = "compound", _("小区")
    COMMUNITY = "community", _("社区")


class Window(models.TextChoices):
    MONTH = "month", _("月")
    WEEK = "week", _("周")
    DAY = "day", _("日")


class SignalStatus(models.TextChoices):
    OPEN = "open", _("待研判")
    ACTED = "acted", _("已处置")
    DISMISSED = "dismissed", _("已忽略")


class Signal(models.Model):
    """Abstract: what hotspots and clusters share — a place, a category, a period, a status,
    and what they became."""

    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道/地区")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区/村")
    )
    compound = models.ForeignKey(
        Compound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("类别")
    )
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"), help_text=_("不含当日"))
    status = models.CharField(
        _("状态"), max_length=12, choices=SignalStatus.choices, default=SignalStatus.OPEN
    )
    work_order = models.ForeignKey(
        WorkOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("主动工单"),
    )
    proposal = models.ForeignKey(
        "deliberation.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("议题建议"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处置人"),
    )
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True

    @property
    def place_name(self) -> str:
        """'社区 · 小区' (select_related community and compound on lists)."""
        parts = [str(self.community.name)]
        if self.compound_id:
            parts.append(str(self.compound.name))  # type: ignore[union-attr]
        return " · ".join(parts)


class Hotspot(Signal):
    """A place × category whose count in a window is above its expected level: the evidence
    (observed, expected, limit, z, p and the baseline used, in `evidence`) is kept as the last
    scan of the window found it. The contributing orders are a query
    (hotspots.selectors.hotspot_orders): the category's orders at the place in the window."""

    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    window = models.CharField(_("时间窗"), max_length=8, choices=Window.choices)
    # The compound's id at compound level, the community's at community level: the place's
    # identity in the unique key (a NULL compound would not be unique).
    place_key = models.IntegerField(_("地点键"))
    observed = models.IntegerField(_("实际数"))
    expected = models.FloatField(_("预期数"))
    limit = models.IntegerField(_("控制上限"), help_text=_("达到此数即超出控制限"))
    z = models.FloatField(_("标准分"))
    p_value = models.FloatField(_("p值"))
    evidence = models.JSONField(_("依据"), default=dict)
    # Above the limit at the latest scan of its window (a mid-month hotspot can fall back).
    flagged = models.BooleanField(_("超出控制限"), default=True)
    first_flagged_at = models.DateTimeField(_("首次发现时间"))
    scanned_at = models.DateTimeField(_("最近扫描时间"))

    class Meta:
        verbose_name = _("热点")
        verbose_name_plural = _("热点")
        ordering = ["-period_start", "p_value", "-observed"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "period_start", "level", "place_key", "category"],
                name="hotspot_once_per_window_place_category",
            )
        ]
        indexes = [
            models.Index(fields=["window", "period_start", "flagged"], name="hotspot_period"),
            models.Index(fields=["subdistrict", "period_start"], name="hotspot_subdistrict"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d} {self.place_key} {self.category_id}"

    @property
    def excess(self) -> float:
        return self.observed - self.expected


class HotspotScan(models.Model):
    """One run of the scan over one window: what it tested and found (the pages show when the
    hotspots were last looked for; the benchmark reads the timings)."""

    window = models.CharField(_("时间窗"), max_length=8, choices=Window.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    scanned_at = models.DateTimeField(_("扫描时间"))
    tested = models.PositiveIntegerField(_("检验的地点×类别"), default=0)
    flagged = models.PositiveIntegerField(_("超出控制限"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0.0)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)

    class Meta:
        verbose_name = _("热点扫描")
        verbose_name_plural = _("热点扫描")
        ordering = ["-scanned_at", "-id"]
        indexes = [models.Index(fields=["window", "period_start"], name="hotspot_scan_period")]

    def __str__(self) -> str:
        return f"{self.window} {self.period_start} @ {self.scanned_at:%Y-%m-%d %H:%M}"


class Cluster(Signal):
    """Orders of one place × category × window whose texts are near-duplicates of one another:
    one problem reported many times. Members in ClusterMember; `anchor` (the earliest member)
    gives the cluster its identity across rescans."""

    anchor = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="+", verbose_name=_("首个工单")
    )
    representative = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="+", verbose_name=_("代表工单")
    )
    size = models.PositiveIntegerField(_("工单数"))
    cohesion = models.FloatField(_("平均相似度"))
    orders = models.ManyToManyField(
        WorkOrder, through="ClusterMember", related_name="+", verbose_name=_("工单")
    )
    found_at = models.DateTimeField(_("发现时间"))
    scanned_at = models.DateTimeField(_("最近扫描时间"))

    class Meta:
        verbose_name = _("相似诉求聚类")
        verbose_name_plural = _("相似诉求聚类")
        ordering = ["-period_start", "-size"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "category", "anchor"],
                name="cluster_once_per_window_anchor",
            )
        ]
        indexes = [
            models.Index(fields=["period_start", "status"], name="cluster_period"),
            models.Index(fields=["subdistrict", "period_start"], name="cluster_subdistrict"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d} {self.anchor_id} ×{self.size}"


class ClusterMember(models.Model):
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="members", verbose_name=_("聚类")
    )
    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="+", verbose_name=_("工单")
    )
    # Cosine similarity of the order's text to the cluster's representative.
    similarity = models.FloatField(_("相似度"))

    class Meta:
        verbose_name = _("聚类成员")
        verbose_name_plural = _("聚类成员")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "order"], name="cluster_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} ∋ {self.order_id}"


class SignalEventKind(models.TextChoices):
    ORDERED = "ordered", _("转为主动工单")
    PROPOSED = "proposed", _("转为议题建议")
    DISMISSED = "dismissed", _("忽略")


class SignalEvent(models.Model):
    """What was done with a hotspot or a cluster. Append-only."""

    Kind = SignalEventKind

    hotspot = models.ForeignKey(
        Hotspot,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("热点"),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("聚类"),
    )
    kind = models.CharField(_("事件"), max_length=12, choices=SignalEventKind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("热点处置记录")
        verbose_name_plural = _("热点处置记录")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hotspot__isnull=False, cluster__isnull=True)
                | models.Q(hotspot__isnull=True, cluster__isnull=False),
                name="signal_event_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"
