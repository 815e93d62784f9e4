"""Invitations made before their delivery was kept read as emailed when they were made."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from clients.accounts.invitations import open_invitation
from clients.models import Invitation
from practice.models import PractitionerInvitation
from tests.factories import ClientFactory

# Outside a test transaction: SQLite's schema editor cannot run inside one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def newcomer(alice_practice):
    return ClientFactory(practice=alice_practice, email="nora@example.com", user=None)


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


def test_an_invitation_sent_before_the_change_says_when_it_was_emailed_not_that_it_is_on_its_way(
    newcomer, alice, alice_practice, latest_migrations
):
    old = migrate(("clients", "0016_consultation_calendar_uid"), ("practice", "0005_team_history"))
    week_ago = timezone.now() - timezone.timedelta(days=6)
    client_invitation = old.get_model("clients", "Invitation").objects.create(
        client_id=newcomer.pk, token_hash="a" * 64, expires_at=week_ago + timezone.timedelta(days=7)
    )
    team_invitation = old.get_model("practice", "PractitionerInvitation").objects.create(
        practice_id=alice_practice.pk, email="ivy@example.com", token_hash="b" * 64, expires_at=week_ago
    )
    migrate(("clients", "0017_invitation_delivery"), ("practice", "0006_invitation_delivery"))

    migrated = Invitation.objects.get(pk=client_invitation.pk)
    assert migrated.emailed_at == migrated.created_at
    assert open_invitation(newcomer).state == "emailed"
    team = PractitionerInvitation.objects.get(pk=team_invitation.pk)
    assert team.emailed_at == team.created_at and team.undelivered_at is None
