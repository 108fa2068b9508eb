"""Bad input is refused in the specification's error format, and nothing is stored."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from gongzhi.open311.models import ApiClient
from gongzhi.open311.selectors import apikey_active
from gongzhi.open311.services import apikey_revoke
from gongzhi.workorders.models import Photo, WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def valid(key: str, **fields: Any) -> dict[str, Any]:
    data = {
        "api_key": key,
        "service_code": "property-elevator",
        "description": "3号楼电梯停运两天",
        "lat": "39.95",
        "long": "116.35",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def errors_of(response: Any) -> list[dict[str, Any]]:
    return json.loads(response.content)


def assert_nothing_stored() -> None:
    assert not WorkOrder.objects.exists()
    assert not WorkOrderEvent.objects.exists()
    assert not Photo.objects.exists()


def test_it_refuses_every_missing_field_at_once(client: Client, api_key: str) -> None:
    response = client.post(
        "/open311/v2/requests.json",
        valid(api_key, service_code=None, description=None, lat=None, long=None),
    )
    assert response.status_code == 400
    descriptions = " ".join(e["description"] for e in errors_of(response))
    assert "service_code" in descriptions
    assert "description" in descriptions
    assert "address_string" in descriptions  # the location alternatives are named
    assert {e["code"] for e in errors_of(response)} == {400}
    assert_nothing_stored()


def test_it_refuses_half_a_point(client: Client, api_key: str) -> None:
    response = client.post("/open311/v2/requests.json", valid(api_key, long=None))
    assert response.status_code == 400
    assert_nothing_stored()


def test_it_refuses_a_point_outside_the_district(client: Client, api_key: str) -> None:
    response = client.post("/open311/v2/requests.json", valid(api_key, long="117.50"))
    assert response.status_code == 400
    assert errors_of(response)[0]["description"] == "位置不在本区范围内"
    assert_nothing_stored()


def test_it_refuses_an_unknown_service_code_as_not_found(client: Client, api_key: str) -> None:
    response = client.post("/open311/v2/requests.json", valid(api_key, service_code="ufo"))
    assert response.status_code == 404
    assert "ufo" in errors_of(response)[0]["description"]
    assert_nothing_stored()


def test_it_refuses_an_unknown_attribute_value(client: Client, api_key: str) -> None:
    response = client.post(
        "/open311/v2/requests.json", valid(api_key, **{"attribute[kind]": "rant"})
    )
    assert response.status_code == 400
    assert "attribute[kind]" in errors_of(response)[0]["description"]
    assert_nothing_stored()


def test_it_refuses_an_unknown_address_id(client: Client, api_key: str) -> None:
    response = client.post(
        "/open311/v2/requests.json", valid(api_key, lat=None, long=None, address_id="999999")
    )
    assert response.status_code == 400
    assert_nothing_stored()


def test_it_refuses_an_upload_that_is_not_an_image(client: Client, api_key: str) -> None:
    upload = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")
    response = client.post("/open311/v2/requests.json", valid(api_key, media=upload))
    assert response.status_code == 400
    assert "JPEG" in errors_of(response)[0]["description"]
    assert_nothing_stored()


@override_settings(GONGZHI_PHOTO_MAX_BYTES=32)
def test_it_refuses_an_oversized_photo(client: Client, api_key: str) -> None:
    upload = SimpleUploadedFile("photo.png", PNG, "image/png")
    response = client.post("/open311/v2/requests.json", valid(api_key, media=upload))
    assert response.status_code == 400
    assert "MB" in errors_of(response)[0]["description"]
    assert_nothing_stored()


def test_it_accepts_a_real_image_upload(
    client: Client, api_key: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("photo.png", PNG, "image/png")
    response = client.post("/open311/v2/requests.json", valid(api_key, media=upload))
    assert response.status_code == 200
    number = errors_of(response)[0]["service_request_id"]
    (read,) = json.loads(client.get(f"/open311/v2/requests/{number}.json").content)
    assert read["media_url"].startswith("http://testserver/media/workorders/")


def test_it_refuses_a_missing_api_key_with_403(client: Client, api_key: str) -> None:
    response = client.post("/open311/v2/requests.json", valid(api_key, api_key=None))
    assert response.status_code == 403
    assert errors_of(response) == [{"code": 403, "description": "缺少 api_key"}]
    assert_nothing_stored()


def test_it_refuses_a_wrong_api_key_with_403(client: Client, api_key: str) -> None:
    response = client.post("/open311/v2/requests.json", valid(api_key, api_key=api_key[:-1] + "x"))
    assert response.status_code == 403
    assert_nothing_stored()


def test_it_refuses_a_revoked_api_key_with_403(client: Client, api_key: str) -> None:
    found = apikey_active(key=api_key)
    assert found is not None
    apikey_revoke(api_key=found)
    response = client.post("/open311/v2/requests.json", valid(api_key))
    assert response.status_code == 403
    assert_nothing_stored()


def test_it_refuses_a_client_on_a_channel_without_api_intake(
    client: Client, api_key: str, open311_client: ApiClient
) -> None:
    open311_client.channel = "hotline"
    open311_client.save()
    response = client.post("/open311/v2/requests.json", valid(api_key))
    assert response.status_code == 403
    assert_nothing_stored()


def test_errors_in_xml_follow_the_specification(client: Client, api_key: str) -> None:
    response = client.post("/open311/v2/requests.xml", valid(api_key, api_key="gz_bad"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    doc = ET.fromstring(response.content)
    assert doc.tag == "errors"
    assert doc.findtext("error/code") == "403"
    assert doc.findtext("error/description") == "api_key 无效或已吊销"


@pytest.mark.parametrize(
    "query",
    ["start_date=yesterday", "end_date=2025-13-01", "start_date=2025-10-02&end_date=2025-10-01"],
)
def test_it_refuses_malformed_dates(client: Client, api_key: str, query: str) -> None:
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert errors_of(response)[0]["code"] == 400


def test_it_refuses_an_unknown_status_filter(client: Client, api_key: str) -> None:
    response = client.get("/open311/v2/requests.json?status=pending")
    assert response.status_code == 400


def test_an_unknown_request_id_is_a_404(client: Client, api_key: str) -> None:
    response = client.get("/open311/v2/requests/20990101000001.json")
    assert response.status_code == 404
    assert errors_of(response)[0]["code"] == 404


def test_another_jurisdiction_is_a_404(client: Client, api_key: str) -> None:
    response = client.get("/open311/v2/services.json?jurisdiction_id=sf.gov")
    assert response.status_code == 404


def test_the_same_idempotency_key_twice_gives_one_order(client: Client, api_key: str) -> None:
    first = client.post(
        "/open311/v2/requests.json", valid(api_key), headers={"Idempotency-Key": "k-1"}
    )
    again = client.post(
        "/open311/v2/requests.json", valid(api_key), headers={"Idempotency-Key": "k-1"}
    )
    assert errors_of(first)[0]["service_request_id"] == errors_of(again)[0]["service_request_id"]
    assert WorkOrder.objects.count() == 1


def test_the_idempotency_key_may_come_as_a_form_field(client: Client, api_key: str) -> None:
    client.post("/open311/v2/requests.json", valid(api_key, idempotency_key="k-2"))
    client.post("/open311/v2/requests.json", valid(api_key, idempotency_key="k-2"))
    assert WorkOrder.objects.count() == 1


def test_different_idempotency_keys_give_two_orders(client: Client, api_key: str) -> None:
    client.post("/open311/v2/requests.json", valid(api_key), headers={"Idempotency-Key": "a"})
    client.post("/open311/v2/requests.json", valid(api_key), headers={"Idempotency-Key": "b"})
    assert WorkOrder.objects.count() == 2
