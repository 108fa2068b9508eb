"""Fields and choices the work-order forms share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.workorders.models import Category

PHONE_RE = r"^[0-9+\-\s]{5,20}$"
RESOLVED_CHOICES = [("yes", _("已解决")), ("no", _("未解决"))]


def _yes_no(value: str) -> bool:
    return value == "yes"


@dataclass(frozen=True)
class CategoryIndex:
    """The active categories, read in one query: grouped choices for a <select>, the labels a
    type-ahead offers, and what an operator may type (label, code or unique name) → code.
    Values are category codes; the domain's category_for() checks them."""

    choices: list[tuple[Any, Any]]
    labels: list[str]
    lookup: dict[str, str]
    # code → "物业管理 › 电梯故障" for every category, a top one with children too (the
    # classifier suggests top categories, which the grouped choices show only as group names).
    names: dict[str, str]


def category_index() -> CategoryIndex:
    rows = list(
        Category.objects.filter(is_active=True)
        .order_by("sort_order", "code")
        .values_list("id", "parent_id", "name", "code")
    )
    by_id = {pk: (name, code) for pk, _parent, name, code in rows}
    children: dict[int, list[tuple[str, str]]] = {}
    for _pk, parent_id, name, code in rows:
        if parent_id is not None:
            children.setdefault(parent_id, []).append((code, name))
    choices: list[tuple[Any, Any]] = [("", _("请选择诉求类别"))]
    labels: list[str] = []
    lookup: dict[str, str] = {}
    names: dict[str, str] = {}
    name_count: dict[str, int] = {}
    for pk, parent_id, name, code in rows:
        lookup[code] = code
        names[code] = name
        name_count[name] = name_count.get(name, 0) + 1
        if parent_id is None:
            kids = children.get(pk)
            choices.append((name, kids) if kids else (code, name))
            if not kids:
                labels.append(name)
                lookup[name] = code
        else:
            parent_name = by_id[parent_id][0] if parent_id in by_id else ""
            label = f"{parent_name} › {name}" if parent_name else name
            labels.append(label)
            lookup[label] = code
            names[code] = label
    for _pk, _parent, name, code in rows:
        if name_count[name] == 1:
            lookup.setdefault(name, code)
    return CategoryIndex(choices, labels, lookup, names)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field. Nothing is checked here: type, size and count are the
    domain's rules (photos.check_photos reads the bytes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [f for f in files if f]


def _handling_units() -> Any:
    return Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.HOTLINE_CENTRE)


def unit_label(unit: Any) -> str:
    """A unit as the unit pickers name it: its name and kind."""
    return f"{unit.name}（{unit.get_kind_display()}）"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)
