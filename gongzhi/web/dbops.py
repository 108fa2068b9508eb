"""Migration operations of our own."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class DropForeignKeyIndex(migrations.operations.base.Operation):
    """Drop the single-column index Django made for a foreign key, and nothing else.

    For a migration that turns a foreign key's db_index off (the column being the first of
    another index, or indexed by a partial index): Django's AlterField would drop the foreign
    key constraint and add it again, which checks every row of the table under a lock. Used as
    the database side of SeparateDatabaseAndState, with the AlterField as its state side.
    """

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name: str, name: str) -> None:
        self.model_name = model_name
        self.name = name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.model_name, self.name], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # the state changes in the AlterField beside this operation

    def _indexes(self, schema_editor: Any, model: Any) -> list[str]:
        column = model._meta.get_field(self.name).column
        with schema_editor.connection.cursor() as cursor:
            found = schema_editor.connection.introspection.get_constraints(
                cursor, model._meta.db_table
            )
        return [
            name
            for name, info in found.items()
            if info["index"]
            and not info["unique"]
            and not info["primary_key"]
            and info["columns"] == [column]
            and name.startswith(model._meta.db_table)  # Django's own name, not one we chose
        ]

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        for name in self._indexes(schema_editor, model):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        if not self._indexes(schema_editor, model):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    def describe(self) -> str:
        return f"Drop the index of foreign key {self.model_name}.{self.name}"
