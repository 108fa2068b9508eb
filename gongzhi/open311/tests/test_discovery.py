from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from django.test import Client


def test_discovery_lists_this_endpoint_in_json(client: Client) -> None:
    response = client.get("/open311/v2/discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    endpoint = json.loads(response.content)["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"


def test_discovery_in_xml_lists_its_formats(client: Client) -> None:
    response = client.get("/open311/v2/discovery.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    doc = ET.fromstring(response.content)
    assert doc.tag == "discovery"
    assert [f.text for f in doc.findall("endpoints/endpoint/formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_discovery_refuses_post_in_the_error_format(client: Client) -> None:
    response = client.post("/open311/v2/discovery.json")
    assert response.status_code == 405
    assert json.loads(response.content)[0]["code"] == 405
