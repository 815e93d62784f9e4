from django.db import migrations

# On PostgreSQL the database itself refuses to change or remove an audit event, so no
# code path (admin, shell, a bug) can rewrite the record of who saw a client's data.
FORBID = """
CREATE OR REPLACE FUNCTION clients_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clients_auditevent_append_only
    BEFORE UPDATE OR DELETE ON clients_auditevent
    FOR EACH ROW EXECUTE FUNCTION clients_auditevent_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS clients_auditevent_append_only ON clients_auditevent;
DROP FUNCTION IF EXISTS clients_auditevent_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_audit_and_erasure")]

    operations = [migrations.RunPython(forbid, allow)]
