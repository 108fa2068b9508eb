"""The native JSON API's edge: who is calling, what they sent, and how a refusal looks.

An endpoint is a typed handler plus its row in a table (`Endpoint`): method, path, input and
output schema, summary. The table drives the URLs and the OpenAPI document alike. `api_view`
wraps the handlers of one path:

- authentication: an API key (`Authorization: Bearer gz_…` or `X-Api-Key`) of a client that
  acts as a person, or else the session; CSRF is enforced for the session only (a key in a
  header is not ambient authority that another site could borrow);
- input: a JSON object parsed into the endpoint's input dataclass (dataschema.parse);
- errors: `{"error": {"code": "...", "message": "...", "details": {...}}}` with 400, 401, 403,
  404, 405 or 409; domain errors keep their stable `code`.

The handlers decide nothing: they call the workorders selectors and services.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongzhi.accounts.models import Person
from gongzhi.open311.dataschema import SchemaError, dump, parse, query_data
from gongzhi.open311.selectors import apikey_active
from gongzhi.open311.services import apikey_mark_used
from gongzhi.workorders.errors import WorkOrderError

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

# Domain error codes that mean "not in this state" rather than "bad input".
CONFLICT_CODES = frozenset(
    {
        "transition_not_allowed",
        "extension_pending",
        "no_pending_extension",
        "first_receiver_leads",
        "whistle_state",
        "invalid_merge",
    }
)
STATUS_BY_CODE = {"not_permitted": 403, "not_found": 404, "unknown_category": 400}


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def error_response(error: ApiError) -> HttpResponse:
    body: dict[str, Any] = {"code": error.code, "message": str(error.message)}
    if error.details:
        body["details"] = {k: str(v) for k, v in error.details.items()}
    return json_response({"error": body}, status=error.status)


def json_response(data: Any, *, status: int = 200) -> HttpResponse:
    body = json.dumps(dump(data), cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body.encode(), status=status, content_type=JSON_CONTENT_TYPE)


def domain_error(exc: Exception) -> ApiError:
    """A workorders domain error as an API error with the right status."""
    code = getattr(exc, "code", "error")
    status = 409 if code in CONFLICT_CODES else STATUS_BY_CODE.get(code, 400)
    details = {
        k: v for k, v in getattr(exc, "details", {}).items() if isinstance(v, str | int | float)
    }
    return ApiError(status, code, str(getattr(exc, "message", exc)), details)


@dataclass(frozen=True)
class Endpoint:
    """One row of the endpoint table."""

    method: str  # GET or POST
    path: str  # Django route under /api/v1/, e.g. "orders/<str:number>/accept"
    name: str  # URL name and OpenAPI operationId
    handler: Callable[..., Any]
    summary: str | Promise  # lazily translated
    input: type | None = None  # dataclass for a POST body
    output: type | None = None  # dataclass of the response body
    output_is_list: bool = False
    query: type | None = None  # dataclass of GET query parameters (all optional)
    tags: tuple[str, ...] = ("workorders",)
    errors: tuple[int, ...] = (400, 401, 403, 404)
    description: str | Promise = ""
    extra: dict[str, Any] = field(default_factory=dict)


def api_caller(request: HttpRequest) -> tuple[Person, bool]:
    """The person calling and whether they came with an API key (then `request.api_client`
    is the client). Raises ApiError(401/403)."""
    header = request.headers.get("Authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else ""
    key = key or request.headers.get("X-Api-Key", "").strip()
    if key:
        api_key = apikey_active(key=key)
        if api_key is None:
            raise ApiError(403, "invalid_api_key", _("API 密钥无效或已吊销"))
        person = api_key.client.acts_as
        if person is None or not person.is_active:
            raise ApiError(
                403, "client_not_allowed", _("该客户端未获授权调用工作人员接口（未设置代表人员）")
            )
        apikey_mark_used(api_key=api_key)
        request.api_client = api_key.client  # type: ignore[attr-defined]
        return person, True
    user = request.user
    if not user.is_authenticated:
        raise ApiError(401, "not_authenticated", _("请先登录，或在请求头中提供 API 密钥"))
    return user, False


def _enforce_csrf(request: HttpRequest) -> None:
    def _no_response(_request: HttpRequest) -> HttpResponse:  # pragma: no cover
        return HttpResponse()

    check = CsrfViewMiddleware(_no_response)
    check.process_request(request)
    rejected = check.process_view(request, lambda r: HttpResponse(), (), {})
    if rejected is not None:
        raise ApiError(403, "csrf_failed", _("CSRF 校验失败：请在 X-CSRFToken 请求头中提供令牌"))


def _body(request: HttpRequest) -> Any:
    if not request.body:
        return {}
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", _("请求体不是有效的 JSON")) from None


def api_view(endpoints: list[Endpoint]) -> Callable[..., HttpResponse]:
    """The Django view for the endpoints that share one path (one per method)."""
    by_method = {e.method: e for e in endpoints}

    @csrf_exempt  # enforced below for session callers; API keys need none
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            endpoint = by_method.get(request.method or "")
            if endpoint is None:
                raise ApiError(405, "method_not_allowed", _("不支持此请求方法"))
            person, by_key = api_caller(request)
            if request.method == "POST" and not by_key:
                _enforce_csrf(request)
            if endpoint.input is not None:
                kwargs["data"] = parse(endpoint.input, _body(request))
            if endpoint.query is not None:
                kwargs["query"] = parse(endpoint.query, query_data(endpoint.query, request.GET))
            result = endpoint.handler(request, person=person, **kwargs)
        except ApiError as exc:
            return error_response(exc)
        except SchemaError as exc:
            return error_response(ApiError(400, "invalid_input", _("输入有误"), exc.errors))
        except WorkOrderError as exc:
            return error_response(domain_error(exc))
        if isinstance(result, HttpResponse):
            return result
        return json_response(result, status=201 if endpoint.extra.get("created") else 200)

    return view
