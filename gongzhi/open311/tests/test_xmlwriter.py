from __future__ import annotations

import xml.etree.ElementTree as ET

from gongzhi.open311.xmlwriter import render_xml


def test_it_names_list_items_after_their_wrapper() -> None:
    doc = ET.fromstring(render_xml("services", [{"service_code": "a"}, {"service_code": "b"}]))
    assert [s.findtext("service_code") for s in doc.findall("service")] == ["a", "b"]


def test_it_escapes_markup_in_text() -> None:
    body = render_xml("errors", [{"code": 400, "description": '<b>&"坏"</b>'}])
    assert b"<b>" not in body
    assert ET.fromstring(body).findtext("error/description") == '<b>&"坏"</b>'


def test_it_drops_characters_xml_cannot_carry() -> None:
    doc = ET.fromstring(render_xml("x", {"d": "a\x00b\x1bc"}))
    assert doc.findtext("d") == "abc"


def test_it_writes_none_as_an_empty_element_and_booleans_as_words() -> None:
    doc = ET.fromstring(render_xml("service", {"account_id": None, "metadata": True}))
    assert doc.find("account_id") is not None
    assert doc.findtext("account_id") == ""
    assert doc.findtext("metadata") == "true"


def test_it_declares_utf8_and_keeps_chinese_text() -> None:
    body = render_xml("x", {"name": "噪声扰民"})
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "噪声扰民".encode() in body
