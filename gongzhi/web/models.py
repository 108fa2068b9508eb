"""The web shell's only table: the periodic jobs' claim rows (gongzhi.web.scheduler)."""

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
