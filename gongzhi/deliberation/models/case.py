"""Proposals (议题 · 金点子), their supports, and the deliberation case (议事案) with its
append-only event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.deliberation.models.choices import (
    CaseEventKind,
    Origin,
    ProposalStatus,
    Step,
)
from gongzhi.deliberation.models.place import Placed


class Case(Placed):
    """One deliberation case through 集 议 (公示) 办 督 评. `step` is changed only by the
    services, checked against transitions.TABLE; the history is CaseEvent."""

    number = models.CharField(_("议事编号"), max_length=20, unique=True)
    title = models.CharField(_("议题"), max_length=120)
    summary = models.TextField(_("概要"), blank=True)
    step = models.CharField(
        _("环节"), max_length=12, choices=Step.choices, default=Step.COLLECT, db_index=True
    )
    opened_at = models.DateTimeField(_("立案时间"))
    step_changed_at = models.DateTimeField(_("进入本环节时间"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("立案人"),
    )
    # Work orders that started or belong to the case (a hotspot, a cluster). Projects carry
    # their own links (Project.work_orders); these are the case's evidence.
    work_orders = models.ManyToManyField(
        "workorders.WorkOrder",
        blank=True,
        related_name="deliberation_cases",
        verbose_name=_("相关工单"),
    )
    # Who made the row when not a person through the pages: "demo" for the demo builder
    # (which replaces only its own rows), an import's name. Blank for everything filed here.
    source = models.CharField(_("来源系统"), max_length=32, blank=True, default="")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("议事案")
        verbose_name_plural = _("议事案")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["community", "step"], name="case_community_step"),
            models.Index(fields=["subdistrict", "step"], name="case_subdistrict_step"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CaseEvent(models.Model):
    """One thing that happened to a case. Append-only: no service updates or deletes one."""

    Kind = CaseEventKind

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("议事案")
    )
    at = models.DateTimeField(_("时间"))
    kind = models.CharField(_("事件"), max_length=24, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    from_step = models.CharField(_("原环节"), max_length=12, blank=True)
    to_step = models.CharField(_("新环节"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("议事事件")
        verbose_name_plural = _("议事事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class Proposal(Placed):
    """A topic put forward (金点子): by a resident, from a work-order hotspot or cluster, from a
    walking round, or by staff. Screened into a case, merged into another, or declined."""

    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    origin = models.CharField(_("来源"), max_length=16, choices=Origin.choices)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.OPEN,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deliberation_proposals",
        verbose_name=_("提出人"),
    )
    submitted_at = models.DateTimeField(_("提出时间"))
    work_orders = models.ManyToManyField(
        "workorders.WorkOrder",
        blank=True,
        related_name="deliberation_proposals",
        verbose_name=_("相关工单"),
    )
    # For origin=hotspot: the category code of the hotspot (the insights app may not exist yet;
    # the orders themselves are the link).
    hotspot_category = models.CharField(_("热点类别"), max_length=48, blank=True)
    support_count = models.PositiveIntegerField(_("附议人数"), default=0)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("议事案"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
        verbose_name=_("合并至"),
    )
    decline_reason = models.TextField(_("未采纳理由（公开）"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    screened_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    source = models.CharField(_("来源系统"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("议题建议")
        verbose_name_plural = _("议题建议")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="proposal_community_status"),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalSupport(models.Model):
    """A resident of the proposal's place supports it (附议). One per person."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports", verbose_name=_("议题建议")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deliberation_supports",
        verbose_name=_("附议人"),
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="support_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.proposal}"
