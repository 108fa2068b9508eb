"""Forms of the secretary's meeting console."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.deliberation.forms.fields import Choice, PhotosField
from gongzhi.deliberation.models import Case, Majority, VoteChoice, VotingMode


class MotionForm(forms.Form):
    case = Choice(
        queryset=Case.objects.none(),
        label=_("议题"),
        label_of=lambda c: f"{c.number} {c.title}",
        empty_label=None,
    )
    text = forms.CharField(
        label=_("表决事项"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("如：同意在南门加装4盏路灯")}),
    )
    majority = forms.ChoiceField(
        label=_("表决规则"), choices=Majority.choices, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(
        label=_("表决方式"), choices=VotingMode.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["majority"].initial = Majority.SIMPLE
        self.fields["mode"].initial = VotingMode.HAND_COUNT


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=999,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "dl-count-input"}),
    )


class HandCountForm(forms.Form):
    yes = _count(_("赞成"))
    no = _count(_("反对"))
    abstain = _count(_("弃权"))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=VoteChoice.choices)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("会议纪要"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class PhotosForm(forms.Form):
    photos = PhotosField(label=_("会议照片"))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CheckInForm(forms.Form):
    representative = forms.IntegerField(widget=forms.HiddenInput)
    substitute = forms.BooleanField(required=False, widget=forms.HiddenInput)
