"""An invitation's token is derived from its row under SECRET_KEY, so its email task carries only
the invitation's id. Links emailed while tokens were random keep working, and the database alone
(which keeps only a hash) still makes no link."""

import re
import secrets
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from clients import tasks
from clients.accounts.invitations import invitation_send
from clients.models import Invitation
from practice import team
from practice.invitation_tokens import digest
from practice.models import Membership, PractitionerInvitation
from practice.tasks import email_practitioner_invitation
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(alice_practice):
    return ClientFactory(practice=alice_practice, name="Nora New", email="nora@example.com", user=None)


def emailed_path(body: str) -> str:
    return re.search(r"http://\S+?(/\S*invite/\S+/)", body).group(1)


def random_token_invitation(client) -> str:
    """An invitation as made before tokens were derived: a random token, only its hash stored."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        client=client, token_hash=digest(token), expires_at=timezone.now() + timedelta(days=7)
    )
    return token


def test_a_client_invitation_link_emailed_before_tokens_were_derived_still_works(client, newcomer):
    token = random_token_invitation(newcomer)

    response = client.post(f"/invite/{token}/", {"password": "a-strong-passphrase"})

    assert b"You're in" in response.content
    newcomer.refresh_from_db()
    assert newcomer.user.check_password("a-strong-passphrase")


def test_a_practitioner_invitation_link_emailed_before_tokens_were_derived_still_works(
    client, alice, alice_practice
):
    token = secrets.token_urlsafe(32)
    PractitionerInvitation.objects.create(
        practice=alice_practice,
        email="ivy@example.com",
        invited_by=alice,
        token_hash=digest(token),
        expires_at=timezone.now() + timedelta(days=7),
    )

    response = client.post(f"/team/invite/{token}/", {"name": "Ivy", "password": "a-long-enough-passphrase"})

    assert response.status_code == 302
    assert Membership.objects.filter(user__email="ivy@example.com", practice=alice_practice).exists()


def test_an_invitation_made_before_tokens_were_derived_is_never_emailed_with_a_link_that_fails(newcomer):
    random_token_invitation(newcomer)

    tasks.email_invitation.delay(invitation_id=Invitation.objects.get().pk)

    assert mail.outbox == []


def test_links_made_under_a_signing_key_now_in_the_fallbacks_are_still_emailed_and_work(
    client, newcomer, alice, alice_practice
):
    with override_settings(SECRET_KEY="the-key-before-rotation"):
        invitation = invitation_send(client=newcomer)  # queued after commit: not sent yet
        colleague = team.practitioner_invite(
            practice=alice_practice, email="ivy@example.com", role="practitioner", by=alice
        )

    with override_settings(
        SECRET_KEY="the-key-after-rotation", SECRET_KEY_FALLBACKS=["the-key-before-rotation"]
    ):
        tasks.email_invitation.delay(invitation_id=invitation.pk)
        email_practitioner_invitation.delay(invitation_id=colleague.pk)

    client_mail, colleague_mail = mail.outbox
    assert client.get(emailed_path(client_mail.body)).status_code == 200
    assert client.get(emailed_path(colleague_mail.body)).status_code == 200


def test_without_the_signing_key_a_stolen_invitation_row_makes_no_link(newcomer, alice, alice_practice):
    with override_settings(SECRET_KEY="the-real-key"):
        invitation = invitation_send(client=newcomer)
        colleague = team.practitioner_invite(
            practice=alice_practice, email="ivy@example.com", role="practitioner", by=alice
        )

    with override_settings(SECRET_KEY="a-guessed-key"):
        tasks.email_invitation.delay(invitation_id=invitation.pk)
        email_practitioner_invitation.delay(invitation_id=colleague.pk)

    assert mail.outbox == []
