"""Fields and widgets the deliberation forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone

from gongzhi.accounts.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input read in the current time zone (Asia/Shanghai): always aware."""

    widget = DateTimeInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if result is not None and timezone.is_naive(result):
            result = timezone.make_aware(result)
        return result


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field. Type, size and count are the domain's rules (the services
    read the bytes); nothing is checked here."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [f for f in files if f]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class Choice(forms.ModelChoiceField):
    """A choice among objects the view already loaded, labelled by a function."""

    def __init__(self, *args: Any, label_of: Any = str, **kwargs: Any) -> None:
        self._label_of = label_of
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(self._label_of(obj))


def units_for_place(*, subdistrict_id: int, community_id: int) -> Any:
    """The units that may take responsibility for a practical matter of a community: its
    committee, its subdistrict's office, the property companies serving its compounds, and the
    district's departments and utilities."""
    K = Unit.Kind
    return (
        Unit.objects.filter(is_active=True)
        .filter(
            Q(community_id=community_id)
            | Q(kind=K.SUBDISTRICT_OFFICE, subdistrict_id=subdistrict_id)
            | Q(kind=K.PROPERTY_COMPANY, compounds__community_id=community_id)
            | Q(kind__in=[K.DEPARTMENT, K.UTILITY])
        )
        .distinct()
        .order_by("kind", "name")
    )
