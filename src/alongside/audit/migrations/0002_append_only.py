"""On PostgreSQL the application cannot UPDATE or DELETE audit rows.

A trigger refuses both. (TRUNCATE, used by test suites to reset a database,
needs table ownership and is not a row operation.) SQLite has no equivalent
that the application user could not simply drop, so there the hash chain and
`alongside audit verify` are the protection.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION alongside_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION alongside_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS alongside_audit_append_only();
"""


def _run(sql: str):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
