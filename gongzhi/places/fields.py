"""A model field that stores a shapely geometry as WKT text, in WGS-84 longitude/latitude.

The registry needs polygons for locating points and drawing maps, not spatial SQL, so a
portable text column is enough on SQLite and PostgreSQL alike; the spatial index lives in
memory (see locate.py).
"""

from typing import Any

from django.db import models
from shapely import wkt
from shapely.errors import ShapelyError
from shapely.geometry.base import BaseGeometry


class GeometryField(models.TextField):
    description = "A shapely geometry (WGS-84), stored as WKT"
    # For django-stubs: model attributes of this field are shapely geometries, not str.
    _pyi_private_set_type: BaseGeometry | str
    _pyi_private_get_type: BaseGeometry

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return wkt.loads(value)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, BaseGeometry):
            return value
        if value == "":
            return None
        try:
            return wkt.loads(value)
        except ShapelyError as exc:
            from django.core.exceptions import ValidationError

            raise ValidationError(f"not a WKT geometry: {exc}") from exc

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, BaseGeometry):
            return wkt.dumps(value, rounding_precision=7)
        return value

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else wkt.dumps(value, rounding_precision=7)
