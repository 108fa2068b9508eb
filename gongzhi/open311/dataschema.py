"""Dataclasses as the JSON API's schemas: parse input, dump output, describe both.

An input schema is a frozen dataclass; `parse(Schema, data)` checks a JSON object against its
type hints and returns an instance, or raises SchemaError listing every bad field. An output
schema is a dataclass that `dump()` turns into JSON-ready data. `json_schema()` describes either
as JSON Schema (2020-12, what OpenAPI 3.1 uses), so the OpenAPI document is derived from the
same classes the code runs, never written twice.

Supported field types: str, int, float, bool, datetime, date, enums (StrEnum / TextChoices),
Literal[...], X | None, list[X] and nested dataclasses; dict[str, Any] for output only.
Field metadata may carry `description`, `max_length`, `min_length`, `min_items`, `max_items`,
`minimum`, `maximum`.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from datetime import date, datetime
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

T = TypeVar("T")


class SchemaError(Exception):
    """Input that does not fit its schema: {field: message} for every bad field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class _Invalid(Exception):
    pass


def _is_optional(tp: Any) -> tuple[bool, Any]:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(get_args(tp)) == 2:
            return True, args[0]
    return False, tp


def _convert(tp: Any, value: Any, meta: typing.Mapping[str, Any]) -> Any:
    optional, tp = _is_optional(tp)
    if value is None:
        if optional:
            return None
        raise _Invalid(_("不能为空"))
    origin = get_origin(tp)
    if origin is list:
        if not isinstance(value, list):
            raise _Invalid(_("应为列表"))
        if "min_items" in meta and len(value) < meta["min_items"]:
            raise _Invalid(_("至少需要 %(n)d 项") % {"n": meta["min_items"]})
        if "max_items" in meta and len(value) > meta["max_items"]:
            raise _Invalid(_("最多 %(n)d 项") % {"n": meta["max_items"]})
        (item_tp,) = get_args(tp)
        return [_convert(item_tp, v, {}) for v in value]
    if origin is Literal:
        if value not in get_args(tp):
            raise _Invalid(_("取值应为：%(v)s") % {"v": ", ".join(map(str, get_args(tp)))})
        return value
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise _Invalid(_("取值应为：%(v)s") % {"v": allowed}) from None
    if tp is bool:
        if not isinstance(value, bool):
            raise _Invalid(_("应为 true 或 false"))
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(_("应为整数"))
        _check_range(value, meta)
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Invalid(_("应为数字"))
        _check_range(value, meta)
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise _Invalid(_("应为文本"))
        value = value.strip()
        if "min_length" in meta and len(value) < meta["min_length"]:
            raise _Invalid(_("不能少于 %(n)d 个字") % {"n": meta["min_length"]})
        if "max_length" in meta and len(value) > meta["max_length"]:
            raise _Invalid(_("不能超过 %(n)d 个字") % {"n": meta["max_length"]})
        return value
    if tp is datetime:
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            raise _Invalid(_("应为 ISO 8601 日期时间，如 2025-10-01T09:30:00+08:00"))
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed
    if tp is date:
        parsed_date = parse_date(value) if isinstance(value, str) else None
        if parsed_date is None:
            raise _Invalid(_("应为日期，如 2025-10-01"))
        return parsed_date
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise _Invalid(_("应为对象"))
        return parse(tp, value)
    raise TypeError(f"unsupported schema type {tp!r}")


def _check_range(value: float, meta: typing.Mapping[str, Any]) -> None:
    if "minimum" in meta and value < meta["minimum"]:
        raise _Invalid(_("不能小于 %(n)s") % {"n": meta["minimum"]})
    if "maximum" in meta and value > meta["maximum"]:
        raise _Invalid(_("不能大于 %(n)s") % {"n": meta["maximum"]})


def _hints(schema: Any) -> dict[str, Any]:
    """A dataclass's resolved type hints (a schema's do not change; resolving them is slow)."""
    return _resolved(schema)


@functools.cache
def _resolved(schema: Any) -> dict[str, Any]:
    return get_type_hints(schema)


def parse(schema: type[T], data: Any) -> T:
    """An instance of the dataclass `schema` from a JSON object; SchemaError lists the faults."""
    if not isinstance(data, dict):
        raise SchemaError({"": _("请求体应为 JSON 对象")})
    hints = _hints(schema)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    known = set()
    for f in dataclasses.fields(schema):  # type: ignore[arg-type]
        known.add(f.name)
        if f.name not in data:
            has_default = (
                f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            )
            if not has_default:
                errors[f.name] = _("必填")
            continue
        try:
            values[f.name] = _convert(hints[f.name], data[f.name], f.metadata)
        except _Invalid as exc:
            errors[f.name] = str(exc)
        except SchemaError as exc:
            errors.update({f"{f.name}.{k}": v for k, v in exc.errors.items()})
    for extra in sorted(set(data) - known):
        errors[extra] = _("未知字段")
    if errors:
        raise SchemaError(errors)
    return schema(**values)


_PLAIN_JSON = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(cls: Any) -> tuple[str, ...] | None:
    """A dataclass's field names, or None for another type (asked once per type)."""
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return None


def dump(value: Any) -> Any:
    """JSON-ready data from an output dataclass (datetimes in the display zone, ISO 8601)."""
    kind: Any = type(value)
    if kind in _PLAIN_JSON:  # most values: plain text and numbers (not enums, below)
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: dump(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


# --- JSON Schema ------------------------------------------------------------------------------

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}
_META_KEYWORDS = {
    "max_length": "maxLength",
    "min_length": "minLength",
    "min_items": "minItems",
    "max_items": "maxItems",
    "minimum": "minimum",
    "maximum": "maximum",
}


def _type_schema(tp: Any, components: dict[str, Any]) -> dict[str, Any]:
    optional, tp = _is_optional(tp)
    schema: dict[str, Any]
    origin = get_origin(tp)
    if origin is list:
        (item_tp,) = get_args(tp)
        schema = {"type": "array", "items": _type_schema(item_tp, components)}
    elif origin is dict or tp is dict:
        schema = {"type": "object"}
    elif origin is Literal:
        values = list(get_args(tp))
        schema = {"type": "string", "enum": values}
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        schema = {"type": "string", "enum": [m.value for m in tp]}
    elif tp in _SCALARS:
        schema = dict(_SCALARS[tp])
    elif dataclasses.is_dataclass(tp) and isinstance(tp, type):
        json_schema(tp, components)
        schema = {"$ref": f"#/components/schemas/{tp.__name__}"}
    else:
        raise TypeError(f"unsupported schema type {tp!r}")
    if optional:
        if "$ref" in schema:
            return {"oneOf": [schema, {"type": "null"}]}
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def json_schema(schema: type, components: dict[str, Any]) -> dict[str, Any]:
    """Add the JSON Schema of a dataclass (and of the dataclasses it holds) to `components`;
    return a `$ref` to it."""
    name = schema.__name__
    if name not in components:
        components[name] = {}  # placeholder against recursion
        hints = _hints(schema)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for f in dataclasses.fields(schema):
            prop = _type_schema(hints[f.name], components)
            for key, keyword in _META_KEYWORDS.items():
                if key in f.metadata:
                    prop[keyword] = f.metadata[key]
            if "description" in f.metadata:
                prop["description"] = str(f.metadata["description"])
            properties[f.name] = prop
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                required.append(f.name)
        body: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            body["required"] = required
        if schema.__doc__ and not schema.__doc__.startswith(f"{name}("):
            body["description"] = " ".join(schema.__doc__.split())
        components[name] = body
    return {"$ref": f"#/components/schemas/{name}"}


def query_data(schema: type, params: Any) -> dict[str, Any]:
    """Query parameters (a QueryDict) as the JSON object `parse` expects for `schema`.

    A list field takes repeated or comma-separated values; int, float and bool fields are
    converted when they look right (otherwise left as text, for parse to refuse clearly).
    """
    hints = _hints(schema)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(schema):
        if f.name not in params:
            continue
        _, tp = _is_optional(hints[f.name])
        raw: list[str] = params.getlist(f.name)
        if get_origin(tp) is list:
            (item_tp,) = get_args(tp)
            items = [part.strip() for value in raw for part in value.split(",") if part.strip()]
            out[f.name] = [_query_scalar(item_tp, i) for i in items]
        else:
            out[f.name] = _query_scalar(tp, raw[-1])
    return out


def _query_scalar(tp: Any, value: str) -> Any:
    try:
        if tp is int:
            return int(value)
        if tp is float:
            return float(value)
    except ValueError:
        return value
    if tp is bool:
        lowered = value.lower()
        if lowered in ("1", "true", "yes"):
            return True
        if lowered in ("0", "false", "no"):
            return False
    return value
