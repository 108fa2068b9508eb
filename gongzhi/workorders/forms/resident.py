"""The public resident pages: file a request, track it, rate it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gongzhi.places.coords import gcj02_to_wgs84
from gongzhi.places.models import Compound
from gongzhi.workorders.forms.fields import (
    PHONE_RE,
    RESOLVED_CHOICES,
    MultipleFileField,
    _yes_no,
    category_index,
)
from gongzhi.workorders.models import Kind, Satisfaction


class PointMixin(forms.Form):
    """A point picked on the map. The map speaks the tile server's datum; stored points are
    WGS-84, so a GCJ-02 map's clicks are converted here, at the edge."""

    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lng, lat = data.get("lng"), data.get("lat")
        if (lng is None) != (lat is None):
            raise forms.ValidationError(_("请在地图上重新选点。"), code="half_point")
        if lng is not None and lat is not None and settings.GONGZHI_TILE_CRS == "gcj02":
            data["lng"], data["lat"] = gcj02_to_wgs84(lng, lat)
        return data


class FileRequestForm(PointMixin):
    """A resident files a request on the public page."""

    kind = forms.ChoiceField(
        label=_("诉求类型"),
        choices=Kind.choices,
        initial=Kind.HELP,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(label=_("诉求类别"), choices=())
    description = forms.CharField(
        label=_("诉求内容"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": _("发生了什么？在哪里？持续多久了？")}
        ),
    )
    compound = forms.ModelChoiceField(
        queryset=Compound.objects.all(), required=False, widget=forms.HiddenInput
    )
    address = forms.CharField(
        label=_("详细地址"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：3号楼2单元门口")}),
    )
    photos = MultipleFileField(label=_("照片"))
    name = forms.CharField(label=_("您的称呼"), max_length=64)
    phone = forms.RegexField(
        label=_("手机号"),
        regex=PHONE_RE,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"invalid": _("请填写正确的电话号码。")},
        help_text=_("凭工单编号和此号码查询进度；工作人员仅在办理需要时可见。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_index().choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("lng") is None and not data.get("compound") and not data.get("address"):
            raise forms.ValidationError(
                _("请在地图上点选位置，或搜索小区，或填写详细地址。"), code="no_place"
            )
        return data


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("工单编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    phone = forms.RegexField(
        label=_("提交时留的手机号"),
        regex=PHONE_RE,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"invalid": _("请填写正确的电话号码。")},
    )

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).strip().upper()


class RateForm(forms.Form):
    """The requester's own evaluation of a resolved order."""

    resolved = forms.TypedChoiceField(
        label=_("问题解决了吗？"),
        choices=RESOLVED_CHOICES,
        coerce=_yes_no,
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=_("您对办理满意吗？"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("补充意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
