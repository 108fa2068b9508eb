"""The work order (工单) and what hangs on it directly: its units, its photos, its number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.places.models import Community, Compound, Subdistrict
from gongzhi.workorders.models.category import Category
from gongzhi.workorders.models.choices import (
    OPEN_STATUSES,
    Channel,
    DeclineReason,
    Kind,
    Priority,
    Satisfaction,
    Status,
    UnitRole,
    Urgency,
)


class DailyCounter(models.Model):
    """The last sequence number issued on one day (Asia/Shanghai). Incremented with one atomic
    upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent intakes never collide."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("工单日序号")
        verbose_name_plural = _("工单日序号")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class WorkOrder(models.Model):
    # The vocabularies, reachable as WorkOrder.Status etc. as well as module-level names.
    Kind = Kind
    Channel = Channel
    Urgency = Urgency
    Priority = Priority
    Status = Status
    DeclineReason = DeclineReason

    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    kind = models.CharField(_("诉求类型"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="orders", verbose_name=_("类别")
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    priority = models.PositiveSmallIntegerField(
        _("优先级"), choices=Priority.choices, default=Priority.NORMAL
    )
    description = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=255, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True, help_text=_("WGS-84"))
    lat = models.FloatField(_("纬度"), null=True, blank=True, help_text=_("WGS-84"))
    # The place columns are indexed by the (place, received_at) indexes in Meta, whose first
    # column serves every look-up by place; a plain index each would only slow every insert.
    compound = models.ForeignKey(
        Compound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("小区"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("社区/村"),
    )
    # Denormalised from the community for scoping and rates without joins.
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("街道/地区"),
    )

    # Personal information: shown masked (privacy.requester_masked) unless revealed.
    requester_name = models.CharField(_("诉求人姓名"), max_length=64, blank=True)
    requester_phone = models.CharField(_("诉求人电话"), max_length=20, blank=True)
    requester_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("诉求人账号"),
        db_index=False,
    )

    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_orders",
        verbose_name=_("主办单位"),
        db_index=False,
    )
    units = models.ManyToManyField(
        Unit, through="Assignment", related_name="assigned_orders", verbose_name=_("承办单位")
    )

    received_at = models.DateTimeField(_("受理时间"))
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    # The FIRST contact with the requester: what the response rate measures.
    contacted_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    # Deadlines, computed once by sla.py; the periodic scan claims rows by these columns.
    contact_due_at = models.DateTimeField(_("响应时限"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("办结时限"), null=True, blank=True)
    # True when a deadline falls in a year the official calendar does not cover yet.
    deadline_provisional = models.BooleanField(_("时限为暂定"), default=False)
    # When the deadline scan warns: the warning lead time before the deadline, but never
    # earlier than half-way through the limit (sla.warn_time).
    contact_warn_at = models.DateTimeField(_("响应预警点"), null=True, blank=True)
    resolve_warn_at = models.DateTimeField(_("办结预警点"), null=True, blank=True)
    contact_warned_at = models.DateTimeField(_("响应预警时间"), null=True, blank=True)
    contact_overdue_at = models.DateTimeField(_("响应超时时间"), null=True, blank=True)
    resolve_warned_at = models.DateTimeField(_("办结预警时间"), null=True, blank=True)
    resolve_overdue_at = models.DateTimeField(_("办结超期时间"), null=True, blank=True)
    # The resolution deadline of the current round has passed while the order was open.
    overdue = models.BooleanField(_("已超期"), default=False)
    extended_days = models.PositiveSmallIntegerField(_("已延期工作日"), default=0)

    feedback = models.TextField(_("办理结果"), blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)

    # Classified handling: kept out of the three rates, with who decided and why.
    excluded_from_scoring = models.BooleanField(_("不计入考核"), default=False)
    exclusion_reason = models.CharField(_("不计入考核原因"), max_length=255, blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("认定人"),
        db_index=False,
    )
    excluded_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    decline_reason = models.CharField(
        _("不予受理原因"), max_length=24, choices=DeclineReason.choices, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("合并至"),
        db_index=False,
    )

    # Where it came from: "web", "hotline", or the code of an API client system; the same
    # idempotency key from the same source gives back the same order.
    source = models.CharField(_("来源系统"), max_length=48, blank=True, default="")
    idempotency_key = models.CharField(_("幂等键"), max_length=128, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
        db_index=False,
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="workorder_idempotency_per_source",
            ),
        ]
        indexes = [
            # The periodic deadline scan: only open rows not yet flagged are indexed.
            models.Index(
                fields=["contact_warn_at"],
                condition=models.Q(
                    status__in=OPEN_STATUSES,
                    contacted_at__isnull=True,
                    contact_warned_at__isnull=True,
                ),
                name="wo_contact_warn_open",
            ),
            models.Index(
                fields=["resolve_warn_at"],
                condition=models.Q(status__in=OPEN_STATUSES, resolve_warned_at__isnull=True),
                name="wo_resolve_warn_open",
            ),
            models.Index(
                fields=["contact_due_at"],
                condition=models.Q(
                    status__in=OPEN_STATUSES,
                    contacted_at__isnull=True,
                    contact_overdue_at__isnull=True,
                ),
                name="wo_contact_due_open",
            ),
            models.Index(
                fields=["resolve_due_at"],
                condition=models.Q(status__in=OPEN_STATUSES, resolve_overdue_at__isnull=True),
                name="wo_resolve_due_open",
            ),
            # A unit's queue.
            models.Index(
                fields=["lead_unit", "status", "priority", "resolve_due_at"], name="wo_queue"
            ),
            # Rates and rankings by place and month; intake's duplicate search (the newest
            # open orders at a compound or community: dispatch.duplicates).
            models.Index(fields=["compound", "received_at"], name="wo_compound_received"),
            models.Index(fields=["subdistrict", "received_at"], name="wo_subdistrict_received"),
            models.Index(fields=["community", "received_at"], name="wo_community_received"),
            models.Index(fields=["status", "received_at"], name="wo_status_received"),
            # The people and orders an order points to, for the few orders that point: an
            # intake writes no entry in them (a lead unit's orders are wo_queue's first column).
            *(
                models.Index(
                    fields=[name], condition=models.Q((f"{name}__isnull", False)), name=index
                )
                for name, index in (
                    ("requester_person", "wo_requester_person"),
                    ("excluded_by", "wo_excluded_by"),
                    ("merged_into", "wo_merged_into"),
                    ("created_by", "wo_created_by"),
                )
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_emergency(self) -> bool:
        return self.urgency == Urgency.EMERGENCY


class Assignment(models.Model):
    """A unit on an order: the lead (主办) or an assisting unit (协办), with its own status.
    A re-dispatch releases the old rows (released_at) and adds new ones; history stays."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("待签收")
        ACCEPTED = "accepted", _("已签收")
        DONE = "done", _("已完成")
        RELEASED = "released", _("已解除")

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("工单")
    )
    unit = models.ForeignKey(  # assignment_unit_live's first column
        Unit,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("单位"),
        db_index=False,
    )
    role = models.CharField(_("角色"), max_length=8, choices=UnitRole.choices)
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.ASSIGNED
    )
    assigned_at = models.DateTimeField(_("派发时间"))
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("承办单位分工")
        verbose_name_plural = _("承办单位分工")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "unit"],
                condition=models.Q(released_at__isnull=True),
                name="assignment_once_per_live_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "released_at"], name="assignment_unit_live")]

    def __str__(self) -> str:
        return f"{self.order} · {self.unit} · {self.get_role_display()}"


def photo_path(instance: Photo, filename: str) -> str:
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        instance.content_type, "bin"
    )
    return f"workorders/{instance.order.number[:6]}/{instance.order.number}-{instance.seq}.{ext}"


class Photo(models.Model):
    """A photo attached at intake, checked by its magic bytes (JPEG, PNG, WebP) and size."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="photos", verbose_name=_("工单")
    )
    seq = models.PositiveSmallIntegerField(_("序号"), default=1)
    file = models.FileField(_("文件"), upload_to=photo_path)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["order_id", "seq"]

    def __str__(self) -> str:
        return f"{self.order} #{self.seq}"
