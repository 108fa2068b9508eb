"""The shapes of Open311 GeoReport v2: what a client may send, and what we send back.

Input is checked here, at the edge (presence, types, formats); every rule of the domain
(an active category, a point inside the district, an acceptable photo) is the workorders
services' to decide. Output is built field by field in the specification's order, from public
fields only: the requester's name, phone and account never leave through Open311.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.open311.responses import Open311Error, Open311Errors
from gongzhi.workorders.models import OPEN_STATUSES, Category, Kind, Status, Urgency, WorkOrder
from gongzhi.workorders.privacy import mask_phone

# --- services ---------------------------------------------------------------------------------

DEFAULT_KIND = Kind.HELP
DEFAULT_URGENCY = Urgency.NORMAL


def leaf_services(categories: list[Category]) -> list[Category]:
    """The categories a request can be filed under: those with no active children."""
    parents = {c.parent_id for c in categories if c.parent_id is not None}
    return [c for c in categories if c.pk not in parents]


def service_out(category: Category) -> dict[str, Any]:
    parent = category.parent
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.full_name,
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords,
        "group": parent.name if parent is not None else category.name,
    }


def _singlevaluelist(
    code: str, order: int, description: str, choices: list[tuple[str, Any]], default: str
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": _("可不填，默认为“%(label)s”（%(key)s）")
        % {"label": dict(choices)[default], "key": default},
        "order": order,
        "description": description,
        "values": [{"key": key, "name": str(name)} for key, name in choices],
    }


def service_definition_out(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            _singlevaluelist("kind", 1, _("诉求类型"), Kind.choices, DEFAULT_KIND),
            _singlevaluelist("urgency", 2, _("紧急程度"), Urgency.choices, DEFAULT_URGENCY),
        ],
    }


# --- POST requests ----------------------------------------------------------------------------

ATTRIBUTE_KEY = re.compile(r"^attribute\[(?P<code>[^\]]+)\](\[\])?$")
ATTRIBUTE_CHOICES = {"kind": Kind, "urgency": Urgency}


class _RequestFields(forms.Form):
    """The form fields of POST requests.{fmt}, as the specification names them."""

    service_code = forms.CharField(max_length=48)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(required=False, max_length=255)
    # Our master address repository is the place registry: an address_id is a compound's id.
    address_id = forms.IntegerField(required=False, min_value=1)
    email = forms.EmailField(required=False)
    device_id = forms.CharField(required=False, max_length=128)
    account_id = forms.CharField(required=False, max_length=128)
    first_name = forms.CharField(required=False, max_length=32)
    last_name = forms.CharField(required=False, max_length=32)
    phone = forms.RegexField(required=False, regex=r"^[0-9+\-\s()]{5,20}$", max_length=20)
    description = forms.CharField(max_length=4000)
    media_url = forms.URLField(required=False, max_length=1000, assume_scheme="https")
    idempotency_key = forms.CharField(required=False, max_length=128)


# One set of field objects shared by every RequestForm: Django's form deep-copies its fields
# for each instance so that rendering may change them, and this form is only ever cleaned
# (cleaning reads a field, never changes it). Declared here, `media` would shadow Form.media.
_FIELDS: dict[str, forms.Field] = {
    **_RequestFields.base_fields,
    "media": forms.FileField(required=False),
}


class RequestForm(forms.Form):
    """The fields of POST requests.{fmt} (`_RequestFields`, and `media`) and the service's
    attributes (attribute[kind], attribute[urgency])."""

    def __init__(self, data: QueryDict, files: Any = None) -> None:
        super().__init__(data, files)  # no fields of its own to copy
        # The fields sent, and the required ones: an optional field that is absent cleans to
        # nothing and cannot fail (its value is then missing from cleaned_data, not empty).
        sent = files.keys() | data.keys() if files else data.keys()
        self.fields = {k: f for k, f in _FIELDS.items() if f.required or k in sent}
        self.attributes: dict[str, str] = {}
        self.attribute_errors: dict[str, str] = {}
        for key in data:
            match = ATTRIBUTE_KEY.match(key)
            if match is None:
                continue
            code, value = match.group("code"), data.get(key, "").strip()
            choices = ATTRIBUTE_CHOICES.get(code)
            if choices is None:
                self.attribute_errors[key] = _("未知的属性")
            elif value and value not in choices.values:
                self.attribute_errors[key] = _("取值应为：%(v)s") % {"v": ", ".join(choices.values)}
            elif value:
                self.attributes[code] = value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lng = data.get("lat"), data.get("long")
        if (
            (lat is None) != (lng is None)
            and "lat" not in self.errors
            and "long" not in self.errors
        ):
            raise forms.ValidationError(_("lat 和 long 须同时提供"), code="half_point")
        if (
            lat is None
            and not data.get("address_string")
            and not data.get("address_id")
            and not ({"lat", "long", "address_id"} & set(self.errors))
        ):
            raise forms.ValidationError(
                _("须提供位置：lat 和 long、address_string 或 address_id 之一"),
                code="no_location",
            )
        return data

    def open311_errors(self) -> Open311Errors:
        errors = [
            Open311Error(400, f"{field}: {' '.join(str(m) for m in messages)}")
            if field != "__all__"
            else Open311Error(400, " ".join(str(m) for m in messages))
            for field, messages in self.errors.items()
        ]
        errors += [Open311Error(400, f"{k}: {v}") for k, v in self.attribute_errors.items()]
        return Open311Errors(errors)

    def is_complete(self) -> bool:
        return self.is_valid() and not self.attribute_errors


def requester_name(data: dict[str, Any]) -> str:
    """A Chinese name is written family name first."""
    return f"{data.get('last_name') or ''}{data.get('first_name') or ''}".strip()


def description_with_media(data: dict[str, Any]) -> str:
    """The work order has no field for a link to a photo held elsewhere, so a media_url is
    kept with the description for the handler to see."""
    description: str = data["description"]
    if data.get("media_url"):
        description += "\n" + _("附图链接：%(url)s") % {"url": data["media_url"]}
    return description


def idempotency_key_of(request: HttpRequest, data: dict[str, Any]) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip() or data.get("idempotency_key")
    return key or None


def created_out(order: WorkOrder, *, token: str, account_id: str | None) -> list[dict[str, Any]]:
    notice = _("已受理，工单编号 %(n)s。") % {"n": order.number}
    if order.resolve_due_at is not None:
        due = timezone.localtime(order.resolve_due_at)
        notice += _("办结时限：%(d)s。") % {"d": f"{due:%Y-%m-%d %H:%M}"}
    return [
        {
            "service_request_id": order.number,
            "token": token,
            "service_notice": notice,
            "account_id": account_id or None,
        }
    ]


# --- GET requests -----------------------------------------------------------------------------

DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_ROWS = 1000
STATUS_OPEN, STATUS_CLOSED = "open", "closed"


@dataclass(frozen=True)
class RequestFilters:
    numbers: list[str]
    service_codes: list[str]
    start: dt.datetime | None
    end: dt.datetime | None
    statuses: list[str]  # workorder statuses, empty for all


def _w3_datetime(name: str, value: str) -> dt.datetime:
    """A W3C datetime (2025-10-01T09:00:00+08:00, …Z, or a bare date); naive means Beijing."""
    text = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error(
            400,
            _("%(name)s 不是有效的 W3C 日期时间（如 2025-10-01T09:00:00+08:00）：%(v)s")
            % {"name": name, "v": value},
        ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _comma_list(params: QueryDict, name: str) -> list[str]:
    return [part.strip() for v in params.getlist(name) for part in v.split(",") if part.strip()]


def request_filters(params: QueryDict) -> RequestFilters:
    """The specification's filters. With service_request_id the others are ignored; with
    neither start_date nor end_date, the last 90 days."""
    numbers = _comma_list(params, "service_request_id")
    if numbers:
        return RequestFilters(numbers[:MAX_ROWS], [], None, None, [])
    start_text, end_text = params.get("start_date", ""), params.get("end_date", "")
    start = _w3_datetime("start_date", start_text) if start_text else None
    end = _w3_datetime("end_date", end_text) if end_text else None
    if start is not None and end is not None and start > end:
        raise Open311Error(400, _("start_date 不能晚于 end_date"))
    if start is None and end is None:
        start = timezone.now() - DEFAULT_WINDOW
    wanted = set(_comma_list(params, "status"))
    unknown = wanted - {STATUS_OPEN, STATUS_CLOSED}
    if unknown:
        raise Open311Error(
            400, _("status 只能为 open 或 closed：%(v)s") % {"v": ", ".join(sorted(unknown))}
        )
    statuses: list[str] = []
    if wanted == {STATUS_OPEN}:
        statuses = list(OPEN_STATUSES)
    elif wanted == {STATUS_CLOSED}:
        statuses = [s for s in Status.values if s not in OPEN_STATUSES]
    return RequestFilters([], _comma_list(params, "service_code"), start, end, statuses)


def _local(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# Phone numbers and identity card numbers written into a description are masked before it is
# published; names in free text cannot be found reliably and are the filer's to leave out.
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def public_text(text: str) -> str:
    text = _ID_CARD.sub(lambda m: m.group(0)[:4] + "*" * 10 + m.group(0)[-4:], text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)


def _status_notes(order: WorkOrder) -> str:
    if order.status == Status.DECLINED and order.decline_reason:
        return _("不予受理：%(r)s") % {"r": order.get_decline_reason_display()}
    if order.status == Status.MERGED and order.merged_into is not None:
        return _("重复诉求，已合并至工单 %(n)s") % {"n": order.merged_into.number}
    return str(order.get_status_display())


def request_out(order: WorkOrder, *, media_base: str) -> dict[str, Any]:
    """One service request. Needs category, lead_unit, compound and merged_into loaded, photos
    prefetched."""
    photos = list(order.photos.all())
    return {
        "service_request_id": order.number,
        "status": STATUS_OPEN if order.status in OPEN_STATUSES else STATUS_CLOSED,
        "status_notes": _status_notes(order),
        "service_name": order.category.name,
        "service_code": order.category.code,
        "description": public_text(order.description),
        "agency_responsible": order.lead_unit.name if order.lead_unit is not None else "",
        "service_notice": "",
        "requested_datetime": _local(order.received_at),
        "updated_datetime": _local(order.updated_at),
        "expected_datetime": _local(order.resolve_due_at),
        "address": order.address or (order.compound.name if order.compound else ""),
        "address_id": order.compound_id,
        "zipcode": None,
        "lat": order.lat,
        "long": order.lng,
        "media_url": (media_base + photos[0].file.url) if photos else None,
    }


def token_out(number: str, token: str) -> list[dict[str, Any]]:
    return [{"service_request_id": number, "token": token}]


def jurisdiction_check(params: QueryDict) -> None:
    """We serve one jurisdiction, the district; a client naming another gets a 404."""
    jurisdiction = (params.get("jurisdiction_id") or "").strip()
    if jurisdiction and jurisdiction != settings.GONGZHI_DISTRICT_CODE:
        raise Open311Error(404, _("jurisdiction_id 不存在：%(j)s") % {"j": jurisdiction})


API_KEY_MISSING = gettext_lazy("缺少 api_key")
API_KEY_INVALID = gettext_lazy("api_key 无效或已吊销")
