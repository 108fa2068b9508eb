"""Halls (议事厅), representatives (议事代表), meetings (议事会) with sign-in, motions, votes,
minutes and photos; resolutions (决议) on public notice (公示) and residents' objections."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.deliberation.models.case import Case
from gongzhi.deliberation.models.choices import (
    CheckInMethod,
    HallKind,
    Majority,
    MeetingStatus,
    MotionStatus,
    ResolutionStatus,
    VoteChoice,
    VotingMode,
)
from gongzhi.deliberation.models.place import Placed


class Hall(Placed):
    """A deliberation hall attached to a place: fixed, mobile (under a building) or online."""

    name = models.CharField(_("名称"), max_length=96)
    kind = models.CharField(_("类型"), max_length=12, choices=HallKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("议事厅")
        verbose_name_plural = _("议事厅")
        ordering = ["community_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="hall_name_per_community")
        ]

    def __str__(self) -> str:
        return self.name


class Representative(Placed):
    """An elected representative (议事代表) of a place for a term, with a substitute who may
    sign in and vote in their place: another representative or a named person."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deliberation_representatives",
        verbose_name=_("代表"),
    )
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)
    substitute = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substituting_for",
        verbose_name=_("替补代表"),
    )
    substitute_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("替补人员"),
    )
    is_active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("议事代表")
        verbose_name_plural = _("议事代表")
        ordering = ["community_id", "level", "id"]
        indexes = [
            models.Index(fields=["community", "level", "is_active"], name="rep_place_active"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    def serving_on(self, day: dt.date) -> bool:
        return (
            self.is_active
            and self.term_start <= day
            and (self.term_end is None or day <= self.term_end)
        )

    @property
    def substitute_person_id_or_none(self) -> int | None:
        """The person who may stand in (the substitute representative's person first)."""
        if self.substitute_id is not None:
            return self.substitute.person_id  # type: ignore[union-attr]
        return self.substitute_person_id


class Meeting(Placed):
    """A meeting (议事会) in a hall about one or more cases. Its place is the hall's place:
    the representatives of that place are the ones who sign in, count for quorum and vote."""

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("议事厅")
    )
    cases = models.ManyToManyField(Case, related_name="meetings", verbose_name=_("议事案"))
    title = models.CharField(_("会议名称"), max_length=120)
    scheduled_at = models.DateTimeField(_("召开时间"), db_index=True)
    agenda = models.TextField(_("议程"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Frozen when the meeting opens: the number of serving representatives of the place, the
    # base of the quorum. Representatives elected later do not change a meeting in progress.
    eligible_count = models.PositiveSmallIntegerField(_("应到代表"), default=0)
    minutes = models.TextField(_("会议纪要"), blank=True)

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ["-scheduled_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """A representative signed in to a meeting: by themselves, by their substitute, or by the
    secretary. One row per representative per meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("议事会")
    )
    representative = models.ForeignKey(
        Representative, on_delete=models.PROTECT, related_name="+", verbose_name=_("代表")
    )
    # The person actually present: the representative or their substitute.
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_substitute = models.BooleanField(_("替补出席"), default=False)
    method = models.CharField(_("签到方式"), max_length=12, choices=CheckInMethod.choices)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("签到时间"))

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "representative"], name="attendance_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.representative}"


class Motion(models.Model):
    """A motion put to the vote. Counted either from named votes (Vote rows) or from a hand
    count the secretary enters; the counts and the present number are stored when decided."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="motions", verbose_name=_("议事会")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="motions", verbose_name=_("议事案")
    )
    text = models.TextField(_("表决事项"))
    majority = models.CharField(
        _("表决规则"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE
    )
    mode = models.CharField(
        _("表决方式"), max_length=12, choices=VotingMode.choices, default=VotingMode.NAMED
    )
    status = models.CharField(
        _("结果"), max_length=8, choices=MotionStatus.choices, default=MotionStatus.OPEN
    )
    yes = models.PositiveSmallIntegerField(_("赞成"), default=0)
    no = models.PositiveSmallIntegerField(_("反对"), default=0)
    abstain = models.PositiveSmallIntegerField(_("弃权"), default=0)
    present = models.PositiveSmallIntegerField(_("出席代表"), default=0)
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_at = models.DateTimeField(_("表决时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("表决事项")
        verbose_name_plural = _("表决事项")
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Vote(models.Model):
    """A named vote of one representative on one motion (cast by them or their substitute)."""

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="votes", verbose_name=_("表决事项")
    )
    representative = models.ForeignKey(
        Representative, on_delete=models.PROTECT, related_name="votes", verbose_name=_("代表")
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(_("意见"), max_length=8, choices=VoteChoice.choices)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "representative"], name="vote_once_per_representative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative}: {self.get_choice_display()}"


def meeting_photo_path(instance: MeetingPhoto, filename: str) -> str:
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        instance.content_type, "bin"
    )
    return f"deliberation/meetings/{instance.meeting_id}/{instance.seq}.{ext}"


class MeetingPhoto(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="photos", verbose_name=_("议事会")
    )
    seq = models.PositiveSmallIntegerField(_("序号"), default=1)
    file = models.FileField(_("文件"), upload_to=meeting_photo_path)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")
        ordering = ["meeting_id", "seq"]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.seq}"


class Resolution(models.Model):
    """The passed motion made public (决议公示) for the notice period. Residents may object;
    every objection must be answered before the case moves on to act."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("议事案")
    )
    motion = models.OneToOneField(
        Motion, on_delete=models.PROTECT, related_name="resolution", verbose_name=_("表决事项")
    )
    text = models.TextField(_("决议内容"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ResolutionStatus.choices,
        default=ResolutionStatus.ON_NOTICE,
    )
    published_at = models.DateTimeField(_("公示开始"))
    notice_ends_at = models.DateTimeField(_("公示截止"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


class Objection(models.Model):
    """A resident's objection during the notice period and the answer to it."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="objections", verbose_name=_("决议")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提出人"),
    )
    text = models.TextField(_("异议内容"))
    at = models.DateTimeField(_("提出时间"))
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
