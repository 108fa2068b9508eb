"""One small form per action on a case page: meeting, notice, project, supervision,
evaluation. They parse input; every rule is the services'. Forms that act on one row of the
case (an objection, a motion, a budget line, a milestone) choose it among the case's own rows,
which the view passes in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.deliberation.forms.fields import (
    Choice,
    DateInput,
    LocalDateTimeField,
    PhotosField,
    UnitChoiceField,
    UnitMultipleChoiceField,
)
from gongzhi.deliberation.models import (
    BudgetLine,
    Hall,
    Milestone,
    Motion,
    Objection,
    ProjectKind,
    Satisfaction,
)


def _text(label: Any, rows: int = 3, placeholder: Any = "", required: bool = True) -> Any:
    return forms.CharField(
        label=label,
        max_length=4000,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows, "placeholder": placeholder}),
    )


class EmptyForm(forms.Form):
    """An action with no fields: a single button."""


class ReasonForm(forms.Form):
    reason = _text(_("理由（将公开）"))


class ScheduleMeetingForm(forms.Form):
    """`invited` is the number of serving representatives of each hall's place (the ones the
    meeting notice goes to), shown beside the hall."""

    hall = Choice(queryset=Hall.objects.none(), label=_("议事厅"))
    title = forms.CharField(label=_("会议名称"), max_length=120)
    scheduled_at = LocalDateTimeField(label=_("召开时间"))
    agenda = _text(_("议程"), rows=3, required=False)

    def __init__(
        self, *args: Any, halls: Any, invited: dict[int, int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        counts = invited or {}
        field = self.fields["hall"]
        field.queryset = halls  # type: ignore[attr-defined]
        field._label_of = lambda h: (  # type: ignore[attr-defined]
            str(_("%(name)s（%(kind)s）· 通知 %(n)s 位议事代表"))
            % {"name": h.name, "kind": h.get_kind_display(), "n": counts.get(h.pk, 0)}
        )
        field.help_text = _("议事厅所在小区或社区的在任代表将收到会议通知，并在会上签到、表决。")


class PublishForm(forms.Form):
    motion = Choice(
        queryset=Motion.objects.none(),
        label=_("通过的表决事项"),
        label_of=lambda m: m.text,
        empty_label=None,
    )
    text = _text(_("决议内容"), rows=3, required=False)

    def __init__(self, *args: Any, motions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["motion"].queryset = motions  # type: ignore[attr-defined]
        self.fields["text"].help_text = _("留空则以表决事项为决议内容")


class ObjectionForm(forms.Form):
    text = _text(_("异议内容"), placeholder=_("您对决议有什么不同意见"))


class AnswerForm(forms.Form):
    objection = forms.ModelChoiceField(queryset=Objection.objects.none(), widget=forms.HiddenInput)
    answer = _text(_("答复（将公开）"), rows=2)

    def __init__(self, *args: Any, objections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objection"].queryset = objections  # type: ignore[attr-defined]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类别"), choices=ProjectKind.choices)
    deadline = forms.DateField(label=_("完成时限"), widget=DateInput)
    lead_unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("牵头单位"))
    assist_units = UnitMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("配合单位"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["assist_units"].queryset = units  # type: ignore[attr-defined]


class BudgetLineForm(forms.Form):
    item = forms.CharField(label=_("预算科目"), max_length=96)
    planned = forms.DecimalField(
        label=_("计划金额（元）"), min_value=0, max_digits=14, decimal_places=2
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=96)
    due_on = forms.DateField(label=_("计划完成"), widget=DateInput)


# The project form carries a few budget lines and milestones; more are added on the page later.
BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=3, max_num=12)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3, max_num=12)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("总体进度%"), min_value=0, max_value=100)
    text = _text(_("进展情况"), rows=2)


class MilestoneProgressForm(forms.Form):
    milestone = forms.ModelChoiceField(queryset=Milestone.objects.none(), widget=forms.HiddenInput)
    progress = forms.IntegerField(label=_("进度%"), min_value=0, max_value=100)

    def __init__(self, *args: Any, milestones: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = milestones  # type: ignore[attr-defined]


class SpendForm(forms.Form):
    line = Choice(
        queryset=BudgetLine.objects.none(),
        label=_("预算科目"),
        label_of=lambda b: f"{b.item}（{b.spent}/{b.planned}）",
        empty_label=None,
    )
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=14, decimal_places=2)
    on = forms.DateField(label=_("支出日期"), widget=DateInput)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    findings = _text(_("走访发现"), rows=3, placeholder=_("现场看到的进展和问题"))
    visited_at = LocalDateTimeField(label=_("走访时间"), required=False)
    photos = PhotosField(label=_("照片"))


class LinkOrdersForm(forms.Form):
    numbers = forms.CharField(
        label=_("工单编号"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("一个或多个编号，用空格或换行分隔")}
        ),
    )

    def clean_numbers(self) -> list[str]:
        raw = self.cleaned_data["numbers"].replace("，", " ").replace(",", " ")
        numbers = [n for n in raw.split() if n]
        if not numbers:
            raise forms.ValidationError(_("请填写工单编号"))
        return numbers


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("您对这件实事满意吗"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = _text(_("意见和建议"), rows=2, required=False)


class ProjectBundle:
    """The project form with its budget lines and milestones, validated together. Blank rows
    of the formsets are skipped; `cleaned_data` carries `budget` and `milestones` as lists of
    the services' BudgetItem and MilestoneItem."""

    def __init__(self, data: Any = None, *, prefix: str, units: Any, initial: Any = None) -> None:
        self.form = ProjectForm(data, prefix=prefix, units=units, initial=initial)
        self.budget = BudgetFormSet(data, prefix=f"{prefix}-budget")
        self.milestones = MilestoneFormSet(data, prefix=f"{prefix}-ms")
        self.cleaned_data: dict[str, Any] = {}

    def is_valid(self) -> bool:
        from gongzhi.deliberation.services import BudgetItem, MilestoneItem

        valid = all([self.form.is_valid(), self.budget.is_valid(), self.milestones.is_valid()])
        if not valid:
            return False
        self.cleaned_data = {
            **self.form.cleaned_data,
            "budget": [
                BudgetItem(row["item"], row["planned"]) for row in self.budget.cleaned_data if row
            ],
            "milestones": [
                MilestoneItem(row["title"], row["due_on"])
                for row in self.milestones.cleaned_data
                if row
            ],
        }
        return True

    def non_field_errors(self) -> list[Any]:
        errors = list(self.form.non_field_errors())
        for formset in (self.budget, self.milestones):
            errors += list(formset.non_form_errors())
        return errors

    @property
    def errors(self) -> dict[str, Any]:
        errors: dict[str, Any] = dict(self.form.errors)
        for label, formset in ((_("预算"), self.budget), (_("节点"), self.milestones)):
            for form in formset.forms:
                for name, row_errors in form.errors.items():
                    errors.setdefault(f"{label}·{name}", []).extend(row_errors)
        return errors

    @property
    def fields(self) -> dict[str, Any]:
        return self.form.fields
