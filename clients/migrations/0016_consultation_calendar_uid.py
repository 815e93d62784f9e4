import uuid

from django.db import migrations, models

HELP = (
    "The calendar invite's UID, unique everywhere; empty for consultations invited before it was "
    "kept, whose invites keep the UID they were first sent with"
)


class Migration(migrations.Migration):
    """Consultations already invited keep an empty UID (their calendars know them by the old
    one); only those booked from now on get one of their own."""

    dependencies = [
        ("clients", "0015_audit_practitioner_handover"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultation",
            name="calendar_uid",
            field=models.UUIDField(blank=True, editable=False, help_text=HELP, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="consultation",
            name="calendar_uid",
            field=models.UUIDField(
                blank=True, default=uuid.uuid4, editable=False, help_text=HELP, null=True, unique=True
            ),
        ),
    ]
