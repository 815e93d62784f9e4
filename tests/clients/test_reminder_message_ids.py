"""A reminder keeps one Message-ID across retries, so a resend after an ambiguous SMTP timeout is
recognisable as the same message; a resend asked for is a new message."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from clients.models import Assignment, Reminder
from clients.reminders import delivery
from tests.factories import assign

pytestmark = pytest.mark.django_db


class TimingOut:
    """An SMTP connection whose reply never comes: the email may or may not have gone."""

    def open(self):
        return False

    def close(self):
        pass

    def send_messages(self, messages):
        raise TimeoutError("timed out waiting for 250")


@pytest.fixture
def due_reminder(bob):
    assign(bob, start=timezone.localdate() - timedelta(days=1))
    Assignment.objects.update(next_reminder_at=timezone.now() - timedelta(seconds=5))
    with mock.patch("clients.reminders.delivery._queue_sends", lambda ids: None):
        (reminder_id,) = delivery.sweep()
    return Reminder.objects.get(pk=reminder_id)


def test_a_reminder_resent_after_an_smtp_timeout_carries_the_same_message_id(due_reminder):
    assert delivery.deliver(due_reminder.pk, connection=TimingOut()) == Reminder.PENDING
    retry_at = Reminder.objects.get(pk=due_reminder.pk).not_before + timedelta(seconds=1)

    assert delivery.deliver(due_reminder.pk, now=retry_at) == Reminder.SENT

    (sent,) = mail.outbox
    assert sent.extra_headers["Message-ID"] == delivery.message_id(due_reminder)
    assert sent.message()["Message-ID"].startswith(f"<reminder-{due_reminder.pk}-")


def test_a_resend_asked_for_is_a_new_message(due_reminder):
    delivery.deliver(due_reminder.pk)
    first = mail.outbox[0].extra_headers["Message-ID"]

    with mock.patch("clients.reminders.delivery._queue_sends", lambda ids: None):
        delivery.reminder_resend(reminder_ids=[due_reminder.pk], now=timezone.now() + timedelta(seconds=2))
    delivery.deliver(due_reminder.pk, now=timezone.now() + timedelta(seconds=2))

    assert len(mail.outbox) == 2
    assert mail.outbox[1].extra_headers["Message-ID"] != first
