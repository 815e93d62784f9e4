"""Active assignments of clients who had turned reminders off had no next reminder moment, so
their missed days were never counted. Making them due now lets the next sweep count them and
set the proper moment; no reminder email goes to these clients, and nothing is deleted."""

from django.db import migrations
from django.db.models.functions import Now


def make_due(apps, schema_editor):
    Assignment = apps.get_model("clients", "Assignment")
    Assignment.objects.filter(
        status="active", next_reminder_at__isnull=True, client__reminders_enabled=False
    ).update(next_reminder_at=Now())


class Migration(migrations.Migration):
    dependencies = [("clients", "0008_client_erased_at")]

    operations = [migrations.RunPython(make_due, migrations.RunPython.noop)]
