"""Consultations invited before calendar UIDs were kept go on with the UID their invite had."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from clients.models import Consultation
from clients.reminders import calendar

# Outside a test transaction: SQLite's schema editor cannot run inside one.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("clients", "0015_audit_practitioner_handover")
AFTER = ("clients", "0016_consultation_calendar_uid")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_a_consultation_invited_before_keeps_its_calendar_uid_and_a_new_one_gets_its_own(
    bob, latest_migrations
):
    old_apps = migrate(BEFORE)
    invited = old_apps.get_model("clients", "Consultation").objects.create(
        client_id=bob.pk, scheduled_at=timezone.now()
    )
    migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # the models of today: later columns too

    before = Consultation.objects.get(pk=invited.pk)
    after = Consultation.objects.create(client=bob, scheduled_at=timezone.now())
    assert calendar.calendar_uid(before) == f"consultation-{invited.pk}@rehabit"
    assert calendar.calendar_uid(after) == f"{after.calendar_uid}@rehabit"
