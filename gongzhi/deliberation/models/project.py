"""Practical-matter projects (实事项目): responsible units, budget lines and spending,
milestones, progress updates, supervision visits and the residents' evaluation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.deliberation.models.case import Case
from gongzhi.deliberation.models.choices import ProjectKind, Satisfaction, UnitRole
from gongzhi.deliberation.models.meeting import Representative, Resolution
from gongzhi.deliberation.models.place import Placed


class Project(Placed):
    """The practical matter a resolution became. One per case. Its deadline is a date; the
    warning and due instants are computed from it once (services) and indexed for the scan."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="project", verbose_name=_("议事案")
    )
    resolution = models.OneToOneField(
        Resolution, on_delete=models.PROTECT, related_name="project", verbose_name=_("决议")
    )
    title = models.CharField(_("项目名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=16, choices=ProjectKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    units = models.ManyToManyField(
        Unit,
        through="ProjectUnit",
        related_name="deliberation_projects",
        verbose_name=_("责任单位"),
    )
    work_orders = models.ManyToManyField(
        "workorders.WorkOrder",
        blank=True,
        related_name="deliberation_projects",
        verbose_name=_("关联工单"),
    )
    deadline = models.DateField(_("完成时限"))
    warn_at = models.DateTimeField(_("预警点"))
    due_at = models.DateTimeField(_("到期点"))
    warned_at = models.DateTimeField(_("已预警"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("已超期预警"), null=True, blank=True)
    overdue = models.BooleanField(_("已超期"), default=False)
    created_at = models.DateTimeField(_("立项时间"))
    launched_at = models.DateTimeField(_("实施时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完工时间"), null=True, blank=True)
    evaluation_ends_at = models.DateTimeField(_("评价截止"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("总体进度%"), default=0)
    # The mean rating (1–5) of the last closed evaluation round.
    score = models.DecimalField(
        _("满意度得分"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)

    class Meta:
        verbose_name = _("实事项目")
        verbose_name_plural = _("实事项目")
        ordering = ["-year", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["year", "kind"], name="project_year_kind"),
            models.Index(fields=["community", "year"], name="project_community_year"),
            models.Index(
                fields=["warn_at"],
                condition=models.Q(warned_at__isnull=True, completed_at__isnull=True),
                name="project_warn_due",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(overdue_at__isnull=True, completed_at__isnull=True),
                name="project_overdue_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def evaluation_round(self) -> int:
        """Ratings belong to a round: 0 for the first evaluation, +1 after each reopening."""
        return self.reopen_count


class ProjectUnit(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("职责"), max_length=8, choices=UnitRole.choices)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["project_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "unit"], name="project_unit_once"),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(role="lead"),
                name="project_one_lead_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.unit} · {self.get_role_display()}"


class BudgetLine(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("项目")
    )
    item = models.CharField(_("科目"), max_length=96)
    planned = models.DecimalField(_("计划金额（元）"), max_digits=14, decimal_places=2)
    spent = models.DecimalField(
        _("已支出（元）"), default=Decimal("0"), max_digits=14, decimal_places=2
    )

    class Meta:
        verbose_name = _("预算科目")
        verbose_name_plural = _("预算科目")
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return self.item

    @property
    def over_plan(self) -> bool:
        return self.spent > self.planned


class Spending(models.Model):
    """One payment against a budget line. Append-only; the line's `spent` is their sum."""

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="spendings", verbose_name=_("预算科目")
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    on = models.DateField(_("支出日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    over_plan = models.BooleanField(_("超出计划"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("支出记录")
        verbose_name_plural = _("支出记录")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.line} {self.amount}"


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("项目")
    )
    title = models.CharField(_("节点"), max_length=96)
    due_on = models.DateField(_("计划完成"))
    progress = models.PositiveSmallIntegerField(_("进度%"), default=0)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["project_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A progress report (appended; never edited)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="updates", verbose_name=_("项目")
    )
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("进展"))
    progress = models.PositiveSmallIntegerField(_("总体进度%"))

    class Meta:
        verbose_name = _("进展")
        verbose_name_plural = _("进展")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project} {self.progress}%"


class SupervisionVisit(models.Model):
    """A representative's supervision visit (督): who, when, what they found."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="visits", verbose_name=_("项目")
    )
    representative = models.ForeignKey(
        Representative, on_delete=models.PROTECT, related_name="visits", verbose_name=_("代表")
    )
    visited_at = models.DateTimeField(_("走访时间"))
    findings = models.TextField(_("发现情况"))
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("监督走访")
        verbose_name_plural = _("监督走访")
        ordering = ["visited_at", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.representative}"


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        instance.content_type, "bin"
    )
    return f"deliberation/visits/{instance.visit_id}/{instance.seq}.{ext}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        SupervisionVisit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("走访")
    )
    seq = models.PositiveSmallIntegerField(_("序号"), default=1)
    file = models.FileField(_("文件"), upload_to=visit_photo_path)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小"))

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["visit_id", "seq"]

    def __str__(self) -> str:
        return f"{self.visit} #{self.seq}"


class Rating(models.Model):
    """One person's rating of a project in one evaluation round: 1–5 (stars, or 满意 /
    基本满意 / 不满意 mapped to a score by the settings)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("项目")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("评价人"),
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=0)
    score = models.PositiveSmallIntegerField(_("得分"))
    satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    as_representative = models.BooleanField(_("代表评价"), default=False)
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person", "round"], name="rating_once_per_person_round"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.person}: {self.score}"
