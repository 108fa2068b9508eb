"""The web shell's tables: the periodic jobs' claim rows (gongzhi.web.scheduler) and the
failure counts that pause a client after repeated failures (gongzhi.web.throttle)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """One periodic job: the last time slot for which a scheduler enqueued it.

    A slot is the Unix time divided by the job's interval. A scheduler enqueues a job only
    after moving `slot` forward with a conditional UPDATE (`WHERE slot < current`), so that
    however many schedulers run, each slot is enqueued at most once.
    """

    name = models.CharField(_("任务"), max_length=64, primary_key=True)
    slot = models.BigIntegerField(_("时间槽"), default=-1)
    enqueued_at = models.DateTimeField(_("最近入队"), null=True, blank=True)
    task_id = models.CharField(_("最近任务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name


class Throttle(models.Model):
    """Failures of one client at one thing (`scope`) within a window. Kept in the database so
    that every server process counts the same failures (a per-process cache let a client try
    as many times as there are processes). `key` is a keyed hash of the client's address, not
    the address."""

    scope = models.CharField(_("范围"), max_length=32)
    key = models.CharField(_("客户端"), max_length=64)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    window_ends_at = models.DateTimeField(_("计数截止"))

    class Meta:
        verbose_name = _("失败计数")
        verbose_name_plural = _("失败计数")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="web_throttle_scope_key")
        ]
        indexes = [models.Index(fields=["window_ends_at"], name="web_throttle_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}… {self.failures}"
