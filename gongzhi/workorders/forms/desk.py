"""The staff desks: the operator's intake, the queue filters, the ranking month."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.workorders.forms.fields import PHONE_RE, CategoryIndex, category_index
from gongzhi.workorders.models import HANDLING_STATUSES, Kind, Status, Urgency


class IntakeForm(forms.Form):
    """The hotline operator's intake. The place comes from the place search ("compound:12" or
    "community:5"); the category from a type-ahead text box."""

    place = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=_("地址"), max_length=255, required=False)
    category = forms.CharField(label=_("类别"), max_length=128)
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices, initial=Kind.COMPLAINT)
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    description = forms.CharField(label=_("诉求内容"), max_length=4000, widget=forms.Textarea)
    requester_name = forms.CharField(label=_("来电人"), max_length=64, required=False)
    requester_phone = forms.RegexField(
        label=_("来电号码"),
        regex=PHONE_RE,
        max_length=20,
        error_messages={"invalid": _("请填写正确的电话号码。")},
    )
    auto_dispatch = forms.BooleanField(label=_("按权责清单自动派单"), required=False, initial=True)

    # Alt+<key> jumps to the field; the page lists them.
    ACCESS_KEYS = {
        "requester_phone": "t",
        "requester_name": "n",
        "category": "c",
        "kind": "k",
        "urgency": "u",
        "description": "d",
    }
    # The tab order follows the call: number, name, place, address, category, kind, urgency,
    # what happened.
    field_order = [
        "requester_phone",
        "requester_name",
        "place",
        "address",
        "category",
        "kind",
        "urgency",
        "description",
        "auto_dispatch",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._categories: CategoryIndex | None = None
        for name, key in self.ACCESS_KEYS.items():
            self.fields[name].widget.attrs["accesskey"] = key
        phone = self.fields["requester_phone"].widget.attrs
        phone.update({"autofocus": True, "data-autofocus-after-swap": True, "inputmode": "tel"})
        self.fields["category"].widget.attrs.update(
            {
                "list": "category-names",
                "autocomplete": "off",
                "placeholder": _("输入关键字，如“电梯”"),
            }
        )
        self.fields["description"].widget.attrs["rows"] = 5

    @property
    def categories(self) -> CategoryIndex:
        if self._categories is None:
            self._categories = category_index()
        return self._categories

    def clean_category(self) -> str:
        """The category code for what the operator typed (a label from the list, a code, or a
        unique name)."""
        code = self.categories.lookup.get(self.cleaned_data["category"].strip())
        if code is None:
            raise forms.ValidationError(_("没有这个类别，请从列表中选择。"), code="unknown")
        return code


class QueueFilterForm(forms.Form):
    DEADLINE_CHOICES = [
        ("", _("全部")),
        ("overdue", _("已超期")),
        ("near", _("24小时内到期")),
        ("provisional", _("时限暂定")),
    ]
    status = forms.ChoiceField(label=_("状态"), required=False, choices=())
    deadline = forms.ChoiceField(label=_("时限"), required=False, choices=DEADLINE_CHOICES)
    category = forms.ChoiceField(label=_("类别"), required=False, choices=())
    community = forms.TypedChoiceField(label=_("社区"), required=False, coerce=int, choices=())

    def __init__(self, *args: Any, communities: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("办理中")),
            *[(s.value, s.label) for s in HANDLING_STATUSES],
            ("resolved", Status.RESOLVED.label),
            ("all", _("全部")),
        ]
        cats = category_index().choices
        cats[0] = ("", _("全部类别"))
        self.fields["category"].choices = cats  # type: ignore[attr-defined]
        self.fields["community"].choices = [("", _("全部社区"))] + [  # type: ignore[attr-defined]
            (c.pk, c.name) for c in communities
        ]


class RankingForm(forms.Form):
    month = forms.DateField(
        label=_("月份"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"}),
    )
    level = forms.ChoiceField(
        choices=[
            ("subdistrict", _("街道/地区")),
            ("community", _("社区/村")),
            ("unit", _("承办单位")),
        ],
        required=False,
    )
