"""The findings pages' forms: the list filters (GET) and the actions (POST). Validated here,
once; the services trust what reaches them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.insights.hotspots.models import SignalStatus
from gongzhi.places.models import Compound
from gongzhi.workorders.models import Urgency

Choices = list[tuple[Any, Any]]


class MonthField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("月份"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"invalid": _("月份格式应为 年-月，如 2025-11")})
        super().__init__(
            input_formats=["%Y-%m"],
            widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"}),
            **kwargs,
        )


def _id_choices(rows: Choices, everything: Any) -> Choices:
    return [("", everything), *((str(pk), name) for pk, name in rows)]


class SignalFilterForm(forms.Form):
    """Month, status, subdistrict and category of the hotspot and cluster lists."""

    month = MonthField()
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("需关注（超限或已处置）")), *SignalStatus.choices],
    )
    subdistrict = forms.TypedChoiceField(
        label=_("街道/地区"), required=False, coerce=int, empty_value=None
    )
    category = forms.TypedChoiceField(label=_("类别"), required=False, coerce=int, empty_value=None)

    def __init__(
        self, data: Any, *, subdistricts: Choices, categories: Choices, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["subdistrict"].choices = _id_choices(subdistricts, _("全部"))  # type: ignore[attr-defined]
        self.fields["category"].choices = _id_choices(categories, _("全部类别"))  # type: ignore[attr-defined]

    def month_or(self, default: dt.date) -> dt.date:
        month = self.cleaned_data.get("month") if self.is_valid() else None
        return (month or default).replace(day=1)


class TopicForm(forms.Form):
    month = MonthField()
    subdistrict = forms.TypedChoiceField(
        label=_("范围"), required=False, coerce=int, empty_value=None
    )
    by_place_kind = forms.BooleanField(label=_("按小区类型细分"), required=False)

    def __init__(self, data: Any, *, subdistricts: Choices, district: bool, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["subdistrict"]
        if district:
            field.choices = _id_choices(subdistricts, _("全区"))  # type: ignore[attr-defined]
        else:
            field.choices = [(str(pk), name) for pk, name in subdistricts]  # type: ignore[attr-defined]


class ToOrderForm(forms.Form):
    description = forms.CharField(
        label=_("工单内容"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空则以热点依据作为工单内容"),
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )


class ToProposalForm(forms.Form):
    title = forms.CharField(label=_("议题标题"), required=False, max_length=120)
    body = forms.CharField(
        label=_("议题内容"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空则以热点依据作为议题内容"),
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("忽略理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写忽略理由")},
    )


class TopicChooseForm(forms.Form):
    """Choosing one of the month's candidate problems as its topic (每月一题)."""

    month = MonthField(required=True)
    subdistrict = forms.IntegerField(required=False, min_value=1)
    category = forms.IntegerField(min_value=1)
    place_kind = forms.ChoiceField(required=False, choices=[("", ""), *Compound.Kind.choices])
    plan = forms.CharField(
        label=_("办理计划"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("牵头单位、主要措施和完成时间"),
    )
    lead_unit = forms.TypedChoiceField(
        label=_("牵头单位"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, units: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].choices = _id_choices(units or [], _("（不指定）"))  # type: ignore[attr-defined]
