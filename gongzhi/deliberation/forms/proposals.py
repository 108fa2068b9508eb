"""Forms of 集 collect: a resident's proposal (金点子) and staff screening it."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.deliberation.forms.fields import Choice
from gongzhi.deliberation.models import Case, Place, Proposal


class ProposeForm(forms.Form):
    """`places` are the (key, label, Place) a person may propose for (their homes); the domain
    checks the place again."""

    place = forms.ChoiceField(label=_("议题范围"), widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("标题"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("一句话说清要办的事，如：南门加装路灯")}),
    )
    body = forms.CharField(
        label=_("具体内容"),
        max_length=4000,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": _("现在的情况、为什么要办、建议怎么办")}
        ),
    )

    def __init__(self, *args: Any, places: list[tuple[str, str, Place]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._places = {key: place for key, _label, place in places}
        cast(forms.ChoiceField, self.fields["place"]).choices = [
            (key, label) for key, label, _place in places
        ]
        if places:
            self.fields["place"].initial = places[0][0]

    def clean_place(self) -> Place:
        return self._places[self.cleaned_data["place"]]


class AcceptForm(forms.Form):
    title = forms.CharField(
        label=_("议事案标题"),
        max_length=120,
        required=False,
        help_text=_("可改得更概括；留空则沿用议题标题"),
    )
    into = Choice(
        queryset=Case.objects.none(),
        label=_("并入已有议事案"),
        required=False,
        empty_label=_("不并入，新立一案"),
        label_of=lambda c: f"{c.number} {c.title}",
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = cases  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    into = Choice(
        queryset=Proposal.objects.none(),
        label=_("合并到议题"),
        label_of=lambda p: f"{p.title}（{p.support_count}人附议）",
    )

    def __init__(self, *args: Any, proposals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = proposals  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("未采纳理由（将公开）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
