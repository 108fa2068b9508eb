"""Forms of 集 collect: a resident's proposal (金点子) and staff screening it."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

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


class _PickForm(forms.Form):
    """A form whose `into` field picks one of the objects the view loaded once for the whole
    page (no query per rendered form)."""

    def _set_into(self, objects: list[Any], label_of: Any, empty: Any) -> None:
        self._objects = {str(o.pk): o for o in objects}
        field = cast(forms.ChoiceField, self.fields["into"])
        field.choices = [("", empty), *((str(o.pk), label_of(o)) for o in objects)]

    def clean_into(self) -> Any:
        value = self.cleaned_data["into"]
        return self._objects.get(value) if value else None


class AcceptForm(_PickForm):
    title = forms.CharField(
        label=_("议事案标题"),
        max_length=120,
        required=False,
        help_text=_("可改得更概括；留空则沿用议题标题"),
    )
    into = forms.ChoiceField(label=_("并入已有议事案"), required=False)

    def __init__(self, *args: Any, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_into(cases, lambda c: f"{c.number} {c.title}", _("不并入，新立一案"))


class MergeForm(_PickForm):
    into = forms.ChoiceField(label=_("合并到议题"))

    def __init__(self, *args: Any, proposals: list[Proposal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_into(
            proposals,
            lambda p: _("%(title)s（%(n)s 人附议）") % {"title": p.title, "n": p.support_count},
            "---------",
        )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("未采纳理由（将公开）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
