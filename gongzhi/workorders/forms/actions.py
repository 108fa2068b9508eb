"""One small form per action on an order (the order page, the desks)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.workorders import reference
from gongzhi.workorders.forms.fields import (
    RESOLVED_CHOICES,
    CategoryIndex,
    UnitChoiceField,
    UnitMultipleChoiceField,
    _handling_units,
    _yes_no,
    category_index,
    unit_label,
)
from gongzhi.workorders.matrix import Place
from gongzhi.workorders.models import DeclineReason, Satisfaction


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactForm(forms.Form):
    note = forms.CharField(
        label=_("联系情况"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("何时、以何种方式联系了诉求人，沟通了什么")}
        ),
    )


class AssistForm(forms.Form):
    note = forms.CharField(
        label=_("协办情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("本单位做了什么")}),
    )


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=30, initial=3)
    reason = forms.CharField(
        label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveForm(forms.Form):
    feedback = forms.CharField(
        label=_("办理结果（将告知诉求人）"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CallbackForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"), choices=RESOLVED_CHOICES, coerce=_yes_no, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("是否满意"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("回访记录"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("合并到工单编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "wo-mono"}),
    )

    def clean_into(self) -> str:
        return str(self.cleaned_data["into"]).strip().upper()


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("不予受理情形"), choices=DeclineReason.choices)
    note = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


REVEAL_PURPOSES = [
    ("contact", _("联系诉求人办理")),
    ("callback", _("回访")),
    ("verify", _("核实诉求情况")),
]


class RevealForm(forms.Form):
    purpose = forms.ChoiceField(label=_("用途"), choices=REVEAL_PURPOSES, initial="contact")


class DispatchForm(forms.Form):
    lead = UnitChoiceField(label=_("主办单位"), queryset=Unit.objects.none())
    assisting = UnitMultipleChoiceField(
        label=_("协办单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("按住 Ctrl（Mac 为 ⌘）可选多个。"),
    )
    # The dispatcher's correction of the category (blank or unchanged: the order keeps its own).
    category = forms.ChoiceField(label=_("类别"), required=False, choices=())
    note = forms.CharField(label=_("派单说明"), max_length=2000, required=False)

    def __init__(
        self,
        *args: Any,
        categories: CategoryIndex | None = None,
        unit_choices: list[tuple[str, list[tuple[int, str]]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        units = _handling_units()
        self.fields["lead"].queryset = units  # type: ignore[attr-defined]
        self.fields["assisting"].queryset = units  # type: ignore[attr-defined]
        if unit_choices is not None:
            # A desk card lists the units that matter for its order (unit_choices_for());
            # a posted form still checks its choice against all active units.
            empty = ("", self.fields["lead"].empty_label)  # type: ignore[attr-defined]
            self.fields["lead"].widget.choices = [empty, *unit_choices]
            self.fields["assisting"].widget.choices = unit_choices
        # A desk page builds the category list once and hands it to each card's form.
        choices = list((categories or category_index()).choices)
        choices[0] = ("", _("不更改类别"))
        self.fields["category"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead, assisting = data.get("lead"), data.get("assisting")
        if lead is not None and assisting is not None:
            data["assisting"] = [u for u in assisting if u.pk != lead.pk]
        return data


# The kinds a unit picker lists after the order's own units, each as a group: on a desk card
# the district-wide ones (the many community committees and property companies only for the
# order's own place); on the order page every kind.
DISTRICT_WIDE_KINDS = (Unit.Kind.DEPARTMENT, Unit.Kind.UTILITY, Unit.Kind.SUBDISTRICT_OFFICE)
_EVERY_KIND = (
    Unit.Kind.SUBDISTRICT_OFFICE,
    Unit.Kind.COMMUNITY_COMMITTEE,
    Unit.Kind.PROPERTY_COMPANY,
    Unit.Kind.DEPARTMENT,
    Unit.Kind.UTILITY,
)


def unit_choices_for(
    place: Place, suggested: Iterable[Unit] = (), *, every_kind: bool = False
) -> list[tuple[str, list[tuple[int, str]]]]:
    """The units a dispatch form offers, grouped: first the order's own (the matrix's
    suggestions, the property company of its compound, the committee of its community, the
    office of its subdistrict), then the district's departments, utilities and subdistrict
    offices (a desk card), or every handling unit by kind (`every_kind`: the order page). From
    the configuration snapshot: no query. A form posted with any active handling unit is
    accepted either way."""
    snapshot = reference.current()
    local: dict[int, Unit] = {u.pk: u for u in suggested}
    for kind, place_id in (
        (Unit.Kind.PROPERTY_COMPANY, place.compound_id),
        (Unit.Kind.COMMUNITY_COMMITTEE, place.community_id),
        (Unit.Kind.SUBDISTRICT_OFFICE, place.subdistrict_id),
    ):
        unit = snapshot.units_by_place.get((kind, place_id)) if place_id is not None else None
        if unit is not None:
            local.setdefault(unit.pk, unit)
    groups = [(str(_("本地单位")), [(u.pk, unit_label(u)) for u in local.values()])]
    for kind in _EVERY_KIND if every_kind else DISTRICT_WIDE_KINDS:
        units = [
            (u.pk, unit_label(u)) for u in snapshot.units_by_kind.get(kind, []) if u.pk not in local
        ]
        groups.append((str(Unit.Kind(kind).label), units))
    return [(label, units) for label, units in groups if units]


class WhistleForm(forms.Form):
    departments = UnitMultipleChoiceField(
        label=_("召集部门"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Unit.objects.filter(
            is_active=True, kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.UTILITY]
        )
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("yes", _("批准")), ("no", _("驳回"))],
        coerce=_yes_no,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("审核意见"), max_length=2000, required=False)
