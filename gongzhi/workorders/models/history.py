"""What happened to an order: the append-only event log and the records of extensions,
whistles, callbacks and reveals of the requester's contact data.

Rows here are written only by the services and never updated (events, callbacks, reveals) or
updated only by the service that owns the next step (an extension's decision, a whistle call's
report-in and action). The admin shows them read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.workorders.models.choices import EventKind, Satisfaction
from gongzhi.workorders.models.order import WorkOrder


class WorkOrderEvent(models.Model):
    """One step in an order's life. Append-only: no service updates or deletes one."""

    Kind = EventKind

    order = models.ForeignKey(  # event_order_at's first column
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("工单"),
        db_index=False,
    )
    at = models.DateTimeField(_("时间"))
    kind = models.CharField(_("事件"), max_length=24, choices=EventKind.choices)
    # None for the system (the deadline scan, automatic dispatch, an API client).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
        db_index=False,
    )
    actor_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作单位"),
        db_index=False,
    )
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["order", "at"], name="event_order_at"),
            models.Index(fields=["kind", "at"], name="event_kind_at"),
            # For the events that have an actor (the system's have none).
            models.Index(
                fields=["actor"], condition=models.Q(actor__isnull=False), name="event_actor"
            ),
            models.Index(
                fields=["actor_unit"],
                condition=models.Q(actor_unit__isnull=False),
                name="event_actor_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.get_kind_display()}"


class ExtensionRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        DENIED = "denied", _("已驳回")

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("工单")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("申请单位"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    working_days = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.TextField(_("理由"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(state="pending"),
                name="one_pending_extension_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} +{self.working_days}"


class WhistleCall(models.Model):
    """One department summoned by a subdistrict (吹哨), with its own report-in and action
    deadlines and records (报到)."""

    class State(models.TextChoices):
        CALLED = "called", _("待报到")
        REPORTED = "reported", _("已报到")
        ACTED = "acted", _("已处置")

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="whistle_calls", verbose_name=_("工单")
    )
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="whistle_calls", verbose_name=_("被召部门")
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    caller_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("吹哨单位")
    )
    called_at = models.DateTimeField(_("吹哨时间"))
    note = models.TextField(_("事由"), blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default="called")
    report_due_at = models.DateTimeField(_("报到时限"))
    action_due_at = models.DateTimeField(_("处置时限"))
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_note = models.TextField(_("报到说明"), blank=True)
    acted_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_note = models.TextField(_("处置说明"), blank=True)

    class Meta:
        verbose_name = _("吹哨报到")
        verbose_name_plural = _("吹哨报到")
        ordering = ["called_at", "id"]
        indexes = [models.Index(fields=["department", "state"], name="whistle_department_state")]

    def __str__(self) -> str:
        return f"{self.order} → {self.department}"

    @property
    def reported_in_time(self) -> bool | None:
        if self.reported_at is None:
            return None
        return self.reported_at <= self.report_due_at


class Callback(models.Model):
    """A callback to the requester (回访). Valid callbacks (reached, order counted) feed the
    resolution and satisfaction rates; `round` is the order's reopen_count at the time.

    Two channels: a callback agent's call (`by` is the agent), or the requester's own rating
    online (`by` is None; proven by the phone on the order). The requester's rating IS the
    callback of its round: it counts as a valid callback like an agent's, and at most one is
    given per round (a constraint backs the service's status check)."""

    class Channel(models.TextChoices):
        AGENT = "agent", _("回访员回访")
        REQUESTER = "requester", _("诉求人网上评价")

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="callbacks", verbose_name=_("工单")
    )
    at = models.DateTimeField(_("回访时间"))
    channel = models.CharField(
        _("回访方式"), max_length=12, choices=Channel.choices, default=Channel.AGENT
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("回访员"),
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=0)
    reached = models.BooleanField(_("已接通"), default=True)
    resolved = models.BooleanField(_("已解决"), null=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    note = models.TextField(_("回访记录"), blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="callback_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel="agent", by__isnull=False)
                | models.Q(channel="requester", by__isnull=True),
                name="callback_agent_has_person",
            ),
            models.UniqueConstraint(
                fields=["order", "round"],
                condition=models.Q(channel="requester"),
                name="one_requester_rating_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} @ {self.at:%Y-%m-%d}"


class RevealLog(models.Model):
    """Every time someone saw a requester's full name and phone, and why. Read-only."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="reveals", verbose_name=_("工单")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("查看人"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("查看人单位")
    )
    at = models.DateTimeField(_("时间"))
    purpose = models.CharField(_("用途"), max_length=255)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.person} · {self.order} · {self.at:%Y-%m-%d %H:%M}"
