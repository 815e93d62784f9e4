from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from clients.admin import ReminderAdmin
from clients.models import Reminder
from clients.reminders import delivery
from clients.scheduling import local_date
from tests.factories import assign

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def row(client, status: str, reason: str = "", days_ago: int = 0, **fields) -> Reminder:
    return Reminder.objects.create(
        client=client,
        kind=Reminder.EXERCISE,
        local_date=date(2026, 11, 25) - timedelta(days=days_ago),
        due_at=DUE - timedelta(days=days_ago),
        status=status,
        reason=reason,
        **fields,
    )


def test_the_practitioner_sees_each_reminder_sent_skipped_or_failed_and_why(client, alice, bob, dana):
    bob.timezone = "America/New_York"
    bob.save()
    row(bob, Reminder.SENT, sent_at=DUE)
    row(bob, Reminder.SKIPPED, "the day's exercises were already done", days_ago=1)
    row(bob, Reminder.FAILED, "SMTPDataError on attempt 5", days_ago=2, attempts=5)
    row(dana, Reminder.SKIPPED, "falls in the client's quiet hours")
    client.force_login(alice)

    page = client.get(f"/clients/{bob.pk}/reminders/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Wed 25 Nov 2026, 13:00" in html  # 18:00 UTC in New York
    assert "the day&#x27;s exercises were already done" in html
    assert "SMTPDataError on attempt 5" in html and "5 failed attempts" in html
    assert "quiet hours" not in html  # Dana's, not Bob's


def test_another_practices_practitioner_gets_not_found_for_a_clients_reminders(client, charlie, bob):
    row(bob, Reminder.SENT)
    client.force_login(charlie)

    assert client.get(f"/clients/{bob.pk}/reminders/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_for_the_reminders_page(client, bob):
    response = client.get(f"/clients/{bob.pk}/reminders/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def admin_resend(reminder_ids: list[int], admin_user) -> None:
    request = RequestFactory().post("/admin/clients/reminder/")
    request.user = admin_user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    ReminderAdmin(Reminder, site).resend(request, Reminder.objects.filter(pk__in=reminder_ids))


def test_the_admin_resend_action_makes_a_failed_reminder_claimable_again_and_it_is_sent(
    bob, alice, django_capture_on_commit_callbacks, monkeypatch
):
    today = local_date(bob, timezone.now())
    assignment = assign(bob, start=today)
    failed = row(bob, Reminder.FAILED, "SMTPDataError on attempt 5", attempts=5, claimed_at=DUE)
    Reminder.objects.filter(pk=failed.pk).update(assignment=assignment, local_date=today)
    sent = []
    monkeypatch.setattr("clients.reminders.delivery._queue_sends", lambda ids: sent.extend(ids))

    with django_capture_on_commit_callbacks(execute=True):
        admin_resend([failed.pk], alice)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.reason) == (Reminder.PENDING, 0, "resend requested")
    assert sent == [failed.pk]
    assert delivery.deliver(failed.pk) == Reminder.SENT
    assert mail.outbox[0].to == [bob.email]


def test_resending_a_reminder_in_flight_leaves_its_claim_alone(
    bob, alice, django_capture_on_commit_callbacks
):
    in_flight = row(bob, Reminder.SENDING, claimed_at=DUE)

    with django_capture_on_commit_callbacks(execute=True):
        admin_resend([in_flight.pk], alice)

    in_flight.refresh_from_db()
    assert (in_flight.status, in_flight.claimed_at) == (Reminder.SENDING, DUE)
