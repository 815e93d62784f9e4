import email
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from clients.models import Assignment, Reminder
from clients.tasks import sweep_reminders
from tests.conftest import api_as, wait_for
from tests.factories import assign

pytestmark = pytest.mark.django_db(transaction=True)


def test_beats_sweep_reaches_a_real_worker_which_emails_the_due_reminder(celery_worker, smtp_inbox, bob):
    assignment = assign(bob, start=timezone.localdate() - timedelta(days=1))
    Assignment.objects.filter(pk=assignment.pk).update(next_reminder_at=timezone.now() - timedelta(seconds=5))

    sweep_reminders.delay()

    assert wait_for(lambda: smtp_inbox.messages, timeout=30), "".join(celery_worker[-30:])
    (message,) = smtp_inbox.messages
    assert message.rcpt_tos == [bob.email]
    assert b"Today's exercises" in message.content
    assert wait_for(lambda: Reminder.objects.filter(status=Reminder.SENT).exists(), timeout=10)


def calendar_methods(messages) -> list[str]:
    parts = [part for message in messages for part in email.message_from_bytes(message.content).walk()]
    invites = [part.get_payload(decode=True) for part in parts if part.get_content_type() == "text/calendar"]
    return [str(icalendar.Calendar.from_ical(invite)["METHOD"]) for invite in invites]


def test_a_consultation_cancelled_and_deleted_at_once_reaches_the_client_as_a_cancellation_and_is_kept(
    celery_worker, smtp_inbox, alice, bob
):
    api = api_as(alice)
    starts = timezone.now().replace(microsecond=0) + timedelta(days=2)
    created = api.post(
        "/api/v1/consultations/", {"client": bob.pk, "scheduled_at": starts.isoformat()}, format="json"
    ).json()
    url = f"/api/v1/consultations/{created['id']}/"
    api.patch(url, {"status": "cancelled"}, format="json")

    at_once = api.delete(url)

    assert at_once.status_code == 409
    assert wait_for(lambda: "CANCEL" in calendar_methods(smtp_inbox.messages), timeout=30), "".join(
        celery_worker[-30:]
    )
    assert all(message.rcpt_tos == [bob.email] for message in smtp_inbox.messages)
    assert api.delete(url).status_code == 409  # told, it stays with the emails about it
    assert Reminder.objects.filter(consultation=created["id"], kind=Reminder.CONSULTATION_CANCELLED).exists()
