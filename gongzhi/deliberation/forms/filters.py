"""Filter forms of the lists: cases, the ledger, supervision. Place choices are the district's
subdistricts, and the communities of the chosen subdistrict (a district has hundreds)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.deliberation.models import ProjectKind, Step
from gongzhi.places.models import Community, Subdistrict


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class PlaceFilterForm(forms.Form):
    subdistrict = forms.TypedChoiceField(
        label=_("街道/地区"), required=False, coerce=int, empty_value=None
    )
    community = forms.TypedChoiceField(
        label=_("社区/村"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subdistricts = list(Subdistrict.objects.order_by("code").values_list("id", "name"))
        _choice(self, "subdistrict").choices = [("", _("全部街道")), *subdistricts]
        chosen = self.data.get("subdistrict") if self.is_bound else None
        communities: list[tuple[int, str]] = []
        if chosen and str(chosen).isdigit():
            communities = list(
                Community.objects.filter(subdistrict_id=int(chosen))
                .order_by("code")
                .values_list("id", "name")
            )
        _choice(self, "community").choices = [
            ("", _("全部社区") if communities else _("先选择街道")),
            *communities,
        ]

    def place(self) -> dict[str, int | None]:
        """The chosen subdistrict and community ids (None when not chosen or not valid)."""
        self.is_valid()  # an invalid field is left out; the valid ones still filter
        data = getattr(self, "cleaned_data", {})
        return {
            "subdistrict_id": data.get("subdistrict"),
            "community_id": data.get("community"),
        }


class CaseFilterForm(PlaceFilterForm):
    step = forms.ChoiceField(label=_("环节"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "step").choices = [("", _("全部环节")), *Step.choices]


class LedgerFilterForm(PlaceFilterForm):
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("类别"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "year").choices = [("", _("全部年度")), *((y, str(y)) for y in years)]
        _choice(self, "kind").choices = [("", _("全部类别")), *ProjectKind.choices]

    def filters(self) -> dict[str, Any]:
        place = self.place()
        data = getattr(self, "cleaned_data", {})
        return {
            **place,
            "year": data.get("year"),
            "kind": data.get("kind") or None,
        }
