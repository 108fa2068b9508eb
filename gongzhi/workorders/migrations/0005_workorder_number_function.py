"""workorder_number(day): the next order number of a day, drawn from the day's sequence, which
it creates on the day's first call (PostgreSQL only; SQLite numbers with DailyCounter).

In the database so that intake's one statement can number the order itself (no round trip
before the insert) and so that a sequence created by a transaction that rolls back is rolled
back with it (nothing is remembered outside the database). Concurrent first calls of a day
are serialised by an advisory lock held until their transactions end; the later ones then see
the sequence. Numbers are YYYYMMDD and at least six digits (services/numbering.py)."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION workorder_number(day date) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    name text := 'workorder_seq_' || to_char(day, 'YYYYMMDD');
    seq bigint;
BEGIN
    IF to_regclass(name) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(name));
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', name);
    END IF;
    seq := nextval(name::regclass);
    RETURN to_char(day, 'YYYYMMDD') || lpad(seq::text, greatest(6, length(seq::text)), '0');
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS workorder_number(date);"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("workorders", "0004_place_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
