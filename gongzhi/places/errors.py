"""Domain errors of the place registry, each with a stable code."""


class PlaceError(Exception):
    code = "place_error"


class DivisionImportError(PlaceError):
    """A division file was refused. Nothing was written."""

    code = "division_import_refused"

    def __init__(self, *, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


class OutsideDistrict(PlaceError):
    code = "outside_district"
