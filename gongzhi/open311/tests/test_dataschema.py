from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import pytest
from django.http import QueryDict

from gongzhi.open311.dataschema import SchemaError, dump, json_schema, parse, query_data
from gongzhi.workorders.models import Urgency


@dataclass(frozen=True)
class Note:
    text: str = field(metadata={"max_length": 5})
    urgency: Urgency = Urgency.NORMAL
    unit_ids: list[int] = field(default_factory=list, metadata={"max_items": 2})
    when: datetime | None = None
    mode: Literal["a", "b"] = "a"


def test_it_parses_a_valid_object() -> None:
    note = parse(Note, {"text": " 好 ", "urgency": "urgent", "unit_ids": [1, 2]})
    assert note == Note(text="好", urgency=Urgency.URGENT, unit_ids=[1, 2])


def test_it_lists_every_bad_field_at_once() -> None:
    with pytest.raises(SchemaError) as caught:
        parse(Note, {"urgency": "whenever", "unit_ids": ["x"], "extra": 1})
    assert set(caught.value.errors) == {"text", "urgency", "unit_ids", "extra"}


def test_it_refuses_text_over_its_length() -> None:
    with pytest.raises(SchemaError) as caught:
        parse(Note, {"text": "太长太长太长"})
    assert "text" in caught.value.errors


def test_it_refuses_a_non_object_body() -> None:
    with pytest.raises(SchemaError):
        parse(Note, ["text"])


def test_it_makes_naive_datetimes_aware_in_the_display_zone() -> None:
    note = parse(Note, {"text": "x", "when": "2025-10-01T09:00:00"})
    assert note.when is not None
    assert dump(note)["when"] == "2025-10-01T09:00:00+08:00"


def test_query_parameters_take_comma_lists_and_numbers() -> None:
    data = query_data(Note, QueryDict("text=x&unit_ids=1,2"))
    assert parse(Note, data).unit_ids == [1, 2]


def test_the_json_schema_marks_required_and_nullable_fields() -> None:
    components: dict = {}
    json_schema(Note, components)
    schema = components["Note"]
    assert schema["required"] == ["text"]
    assert schema["properties"]["when"]["type"] == ["string", "null"]
    assert schema["properties"]["urgency"]["enum"] == ["normal", "urgent", "emergency"]
    assert schema["properties"]["text"]["maxLength"] == 5
