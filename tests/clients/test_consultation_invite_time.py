"""The consultation invitation gives the client the time on their own clock, as it says it does."""

from datetime import date, timedelta

import pytest
from django.core import mail

from clients.reminders import delivery
from tests.factories import deliver_queued

pytestmark = pytest.mark.django_db


def test_the_invitation_email_shows_the_clients_local_time_not_the_practitioners(
    client, alice, bob, django_capture_on_commit_callbacks
):
    alice.memberships.update(timezone="Europe/London")
    bob.timezone = "America/New_York"
    bob.save(update_fields=["timezone"])
    client.force_login(alice)
    day = date(date.today().year + 1, 1, 15)  # winter: London is UTC, New York is UTC-5

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": day.isoformat(), "time": "15:30", "duration_minutes": 30},
        )
    deliver_queued()

    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    assert "at 10:30 (America/New_York)" in message.body
    assert "10:30</strong> (America/New_York)" in html
    assert "15:30" not in message.body + html
    assert f"{day:%-d} January" in message.subject


def test_plain_text_emails_and_subjects_carry_the_practice_name_unescaped(
    client, alice, bob, alice_practice, bob_assignment, django_capture_on_commit_callbacks
):
    alice_practice.name = "O'Brien & Daughters Physio"
    alice_practice.save(update_fields=["name"])
    client.force_login(alice)
    day = date.today() + timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": day.isoformat(), "time": "10:00", "duration_minutes": 30},
        )
        client.post("/practice/invitations/", {"email": "colleague@example.com", "role": "practitioner"})
    deliver_queued()

    for reminder_id in delivery.handout_email_request(assignment=bob_assignment):
        delivery.deliver(reminder_id)  # what the worker runs

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert "&#x27;" not in message.subject + message.body, message.subject
        assert "&amp;" not in message.subject + message.body, message.subject
    assert any("O'Brien & Daughters Physio" in message.subject for message in mail.outbox)
