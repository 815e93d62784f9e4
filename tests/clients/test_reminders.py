from datetime import UTC, date, datetime, timedelta
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from django.core import mail

from clients.models import Assignment, Completion, Reminder
from clients.reminders import delivery
from tests.factories import assign

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday; 18:00 reminders are due at 18:00 UTC
EVENING = NOON.replace(hour=18, minute=1)


@pytest.fixture
def due(bob):
    with time_machine.travel(NOON, tick=False):
        assignment = assign(bob, start=date(2026, 11, 25))
    assert assignment.next_reminder_at == NOON.replace(hour=18, minute=0)
    return assignment


def test_the_sweep_writes_one_reminder_advances_the_assignment_and_queues_after_commit(
    due, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        ids = delivery.sweep(now=EVENING)

    reminder = Reminder.objects.get()
    assert ids == [reminder.pk]
    assert (reminder.local_date, reminder.status) == (date(2026, 11, 25), Reminder.PENDING)
    assert len(queued) == 1
    due.refresh_from_db()
    assert due.next_reminder_at == datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def test_a_second_sweep_for_the_same_day_writes_nothing_more(due):
    delivery.sweep(now=EVENING)
    Assignment.objects.filter(pk=due.pk).update(next_reminder_at=EVENING)

    delivery.sweep(now=EVENING + timedelta(minutes=1))

    assert Reminder.objects.count() == 1


def test_delivering_sends_the_days_exercises_once(due, bob):
    reminder_id = delivery.sweep(now=EVENING)[0]

    first = delivery.deliver(reminder_id, now=EVENING)
    again = delivery.deliver(reminder_id, now=EVENING)

    assert (first, again) == (Reminder.SENT, None)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [bob.email]
    for item in due.program.items.all():
        assert item.exercise.name in mail.outbox[0].body


def test_no_reminder_is_sent_for_a_day_already_done(due):
    for item in due.program.items.all():
        Completion.objects.create(
            assignment=due, assignment_exercise=item, date=date(2026, 11, 25), session=1
        )
    reminder_id = delivery.sweep(now=EVENING)[0]

    assert delivery.deliver(reminder_id, now=EVENING) == Reminder.SKIPPED
    assert "already done" in Reminder.objects.get().reason
    assert mail.outbox == []


def test_a_reminder_found_hours_late_is_skipped_not_sent_at_night(due):
    reminder_id = delivery.sweep(now=EVENING)[0]

    assert delivery.deliver(reminder_id, now=EVENING + timedelta(hours=6)) == Reminder.SKIPPED
    assert mail.outbox == []


def test_an_smtp_failure_is_put_back_for_a_later_sweep_then_sent(due, monkeypatch):
    reminder_id = delivery.sweep(now=EVENING)[0]
    monkeypatch.setattr("practice.mail.EmailMultiAlternatives.send", _raise_disconnected)

    assert delivery.deliver(reminder_id, now=EVENING) == Reminder.PENDING
    assert delivery.sweep(now=EVENING + timedelta(seconds=30)) == []  # not before its backoff
    monkeypatch.undo()
    assert delivery.sweep(now=EVENING + timedelta(minutes=3)) == [reminder_id]
    assert delivery.deliver(reminder_id, now=EVENING + timedelta(minutes=3)) == Reminder.SENT
    assert Reminder.objects.get().attempts == 1


def test_a_send_that_keeps_failing_ends_failed_with_the_reason(due, monkeypatch):
    reminder_id = delivery.sweep(now=EVENING)[0]
    monkeypatch.setattr("practice.mail.EmailMultiAlternatives.send", _raise_disconnected)

    for _ in range(delivery.MAX_ATTEMPTS):
        Reminder.objects.filter(pk=reminder_id).update(not_before=None)
        delivery.deliver(reminder_id, now=EVENING)

    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.FAILED
    assert "SMTPServerDisconnected" in reminder.reason


def test_a_send_held_by_a_dead_worker_is_taken_over_after_its_lease(due, settings):
    reminder_id = delivery.sweep(now=EVENING)[0]
    Reminder.objects.filter(pk=reminder_id).update(status=Reminder.SENDING, claimed_at=EVENING)

    assert delivery.sweep(now=EVENING + timedelta(seconds=10)) == []
    later = EVENING + settings.REMINDER_CLAIM_LEASE + timedelta(seconds=1)
    assert delivery.sweep(now=later) == [reminder_id]
    assert delivery.deliver(reminder_id, now=later) == Reminder.SENT


def _raise_disconnected(*args, **kwargs):
    raise SMTPServerDisconnected("down")


def test_a_client_with_two_programs_gets_one_reminder_listing_both(due, bob):
    with time_machine.travel(NOON, tick=False):
        second = assign(bob, start=date(2026, 11, 25))

    ids = delivery.sweep(now=EVENING)
    for reminder_id in ids:
        delivery.deliver(reminder_id, now=EVENING)

    assert len(mail.outbox) == 1
    for item in [*due.program.items.all(), *second.program.items.all()]:
        assert item.exercise.name in mail.outbox[0].body
