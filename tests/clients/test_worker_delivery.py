from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import Assignment, Reminder
from clients.tasks import sweep_reminders
from tests.conftest import wait_for
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
