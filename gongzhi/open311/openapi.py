"""The OpenAPI 3.1 description of the native JSON API, built from its endpoint table.

Nothing here is written by hand per endpoint: paths, parameters, request bodies and responses
come from each `Endpoint` row and the dataclasses it names (dataschema.json_schema), so the
document cannot drift from the code that serves it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.open311.dataschema import json_schema
from gongzhi.open311.jsonapi import Endpoint

API_VERSION = "1.0.0"
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_CONVERTER_SCHEMA = {
    "int": {"type": "integer"},
    "str": {"type": "string"},
    "slug": {"type": "string"},
}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "stable error code"},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def _error_descriptions() -> dict[int, str]:
    return {
        400: _("输入有误 (invalid_input, invalid_json, invalid_photo, outside_district …)"),
        401: _("未登录且未提供 API 密钥 (not_authenticated)"),
        403: _("无权操作、密钥无效或 CSRF 校验失败 (not_permitted, invalid_api_key, csrf_failed)"),
        404: _("工单不存在或不可见 (not_found)"),
        409: _("当前状态不允许此操作 (transition_not_allowed …)"),
    }


def _path_and_parameters(route: str) -> tuple[str, list[dict[str, Any]]]:
    parameters = []
    for match in _ROUTE_PARAM.finditer(route):
        converter = match.group("converter") or "str"
        parameters.append(
            {
                "name": match.group("name"),
                "in": "path",
                "required": True,
                "schema": dict(_CONVERTER_SCHEMA.get(converter, {"type": "string"})),
            }
        )
    return _ROUTE_PARAM.sub(lambda m: "{" + m.group("name") + "}", route), parameters


def _query_parameters(schema: type) -> list[dict[str, Any]]:
    # Query schemas become parameters, not components.
    scratch: dict[str, Any] = {}
    json_schema(schema, scratch)
    body = scratch[schema.__name__]
    required = set(body.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k != "description"},
            **({"description": prop["description"]} if "description" in prop else {}),
            **({"style": "form", "explode": False} if prop.get("type") == "array" else {}),
        }
        for name, prop in body["properties"].items()
    ]


def _operation(endpoint: Endpoint, components: dict[str, Any]) -> dict[str, Any]:
    _path, parameters = _path_and_parameters(endpoint.path)
    if endpoint.query is not None:
        parameters += _query_parameters(endpoint.query)
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": str(endpoint.summary),
        "tags": list(endpoint.tags),
    }
    if endpoint.description:
        operation["description"] = str(endpoint.description)
    if parameters:
        operation["parameters"] = parameters
    if endpoint.input is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": json_schema(endpoint.input, components)}},
        }
    success = "201" if endpoint.extra.get("created") else "200"
    ok: dict[str, Any] = {"description": _("成功")}
    if endpoint.output is not None:
        ref = json_schema(endpoint.output, components)
        schema = {"type": "array", "items": ref} if endpoint.output_is_list else ref
        ok["content"] = {"application/json": {"schema": schema}}
    responses: dict[str, Any] = {success: ok}
    descriptions = _error_descriptions()
    for status in endpoint.errors:
        responses[str(status)] = {
            "description": descriptions.get(status, _("错误")),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    operation["responses"] = responses
    operation["security"] = [{"session": [], "csrf": []}, {"apiKey": []}]
    return operation


def openapi_document(
    endpoints: Iterable[Endpoint], *, base_path: str = "/api/v1/", server_url: str = "/api/v1"
) -> dict[str, Any]:
    """The OpenAPI 3.1 document for `endpoints` served under `base_path`."""
    components: dict[str, Any] = {"Error": _ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        path, _params = _path_and_parameters(endpoint.path)
        item = paths.setdefault("/" + path, {})
        item[endpoint.method.lower()] = _operation(endpoint, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("共治 工作人员接口"),
            "version": API_VERSION,
            "description": _(
                "接诉即办的工作人员操作接口。以登录会话（POST 需 X-CSRFToken 请求头）"
                "或 API 密钥（Authorization: Bearer gz_…，客户端须设置代表人员）调用。"
                '错误统一为 {"error": {"code", "message", "details"}}。'
            ),
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "gz_<prefix>_<secret>",
                },
            },
        },
    }
