"""Open311 responses: the same data as JSON or XML, and errors in the specification's format.

JSON errors: `[{"code": 400, "description": "…"}]`; XML errors:
`<errors><error><code>400</code><description>…</description></error></errors>`; the HTTP
status is the code of the first error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from gongzhi.open311.xmlwriter import render_xml

Format = Literal["json", "xml"]
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
XML_CONTENT_TYPE = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Open311Error(Exception):
    """A request the API refuses: the HTTP status and a description for the client."""

    status: int
    description: str

    def as_item(self) -> dict[str, Any]:
        return {"code": self.status, "description": str(self.description)}


class Open311Errors(Exception):
    """Several refusals at once (every missing field, not just the first)."""

    def __init__(self, errors: list[Open311Error]) -> None:
        super().__init__(errors)
        self.errors = errors


def render(data: Any, *, fmt: Format, root: str, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root`."""
    if fmt == "xml":
        return HttpResponse(render_xml(root, data), status=status, content_type=XML_CONTENT_TYPE)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body.encode(), status=status, content_type=JSON_CONTENT_TYPE)


def render_errors(errors: list[Open311Error], *, fmt: Format) -> HttpResponse:
    items = [e.as_item() for e in errors]
    return render(items, fmt=fmt, root="errors", status=errors[0].status)
