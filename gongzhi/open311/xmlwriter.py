"""Plain data (dicts, lists, scalars) to the XML that GeoReport v2 describes.

GeoReport v2's XML is the JSON turned inside out: an object becomes child elements in key
order, a list becomes repeated elements under a wrapper, named by `ITEM_NAMES` (a list under
`services` holds `<service>` elements). None is an empty element, booleans are `true`/`false`.
ElementTree escapes markup; characters XML 1.0 cannot carry at all (control characters) are
dropped here, since no escape exists for them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

# Wrapper element → element name of each item in it.
ITEM_NAMES: dict[str, str] = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | float | int):
        return str(value)
    return _NOT_XML_CHARS.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child_value in value.items():
            _fill(ET.SubElement(element, key), child_value)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = xml_text(value)


def render_xml(root: str, value: Any) -> bytes:
    """The document `<root>…</root>` for `value`, UTF-8 with an XML declaration."""
    element = ET.Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")
