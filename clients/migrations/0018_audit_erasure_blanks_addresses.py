from django.db import migrations

# Audit events stay append-only, with one exception erasure needs: an event's address may be
# blanked (set to NULL) with nothing else about the row changed.
ALLOW_BLANKING = """
CREATE OR REPLACE FUNCTION clients_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.ip IS NULL
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.client_id, NEW.action, NEW.object_type, NEW.object_id)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.client_id, OLD.action, OLD.object_type, OLD.object_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
"""
FORBID_ALL = """
CREATE OR REPLACE FUNCTION clients_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def allow_blanking(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_BLANKING)


def forbid_all(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID_ALL)


class Migration(migrations.Migration):
    dependencies = [("clients", "0017_invitation_delivery")]

    operations = [migrations.RunPython(allow_blanking, forbid_all)]
