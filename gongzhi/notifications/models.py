"""A notification is one message to one recipient through one channel, and its sending record.

The in-app channel's rows are the inbox itself (a person's, or a unit's shared by its staff).
Rows for a phone are sent by the SMS stand-in channel. A row is sent at most once: the sender
locks it and skips rows already sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit


class Notification(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=24)
    recipient_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收人"),
        db_index=False,  # notif_person
    )
    recipient_unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收单位"),
        db_index=False,  # notif_unit
    )
    recipient_phone = models.CharField(_("接收号码"), max_length=20, blank=True)
    event = models.CharField(_("事件"), max_length=32)
    template = models.CharField(_("模板代码"), max_length=48)
    params = models.JSONField(_("模板参数"), default=dict, blank=True)
    subject = models.CharField(_("标题"), max_length=128)
    body = models.TextField(_("内容"))
    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("相关工单"),
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A person's and a unit's inbox; a row is for one or the other (or a phone), so
            # each index holds only the rows it is for.
            models.Index(
                fields=["recipient_person", "-created_at"],
                condition=models.Q(recipient_person__isnull=False),
                name="notif_person",
            ),
            models.Index(
                fields=["recipient_unit", "-created_at"],
                condition=models.Q(recipient_unit__isnull=False),
                name="notif_unit",
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="queued"),
                name="notif_queued_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_person__isnull=False)
                | models.Q(recipient_unit__isnull=False)
                | ~models.Q(recipient_phone=""),
                name="notification_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.subject}"

    @property
    def recipient_label(self) -> str:
        if self.recipient_person_id:
            return str(self.recipient_person)
        if self.recipient_unit_id:
            return str(self.recipient_unit)
        return self.recipient_phone
