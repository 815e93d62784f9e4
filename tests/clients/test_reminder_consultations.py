from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clients.models import Consultation, Reminder
from clients.reminders import delivery

pytestmark = pytest.mark.django_db

BOOKED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
STARTS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 15:00 in London, 10:00 in New York


def book(client, *, at=STARTS, booked=BOOKED, **fields) -> Consultation:
    with time_machine.travel(booked, tick=False):
        return Consultation.objects.create(
            client=client, scheduled_at=at, video_url="https://meet.example/rehabit-abc", **fields
        )


def send_due(now: datetime) -> list[str | None]:
    return [delivery.deliver(pk, now=now) for pk in delivery.sweep(now=now)]


def test_a_client_is_reminded_the_day_before_and_an_hour_before_with_the_video_link(bob):
    book(bob)

    assert send_due(STARTS - timedelta(hours=30)) == []
    assert send_due(STARTS - timedelta(hours=24)) == [Reminder.SENT]
    assert send_due(STARTS - timedelta(hours=23)) == []
    assert send_due(STARTS - timedelta(minutes=59)) == [Reminder.SENT]

    day_before, hour_before = mail.outbox
    assert day_before.subject == "Your consultation with Alice's Clinic is tomorrow at 15:00"
    assert hour_before.subject == "Your consultation with Alice's Clinic starts in an hour"
    for message in (day_before, hour_before):
        assert "https://meet.example/rehabit-abc" in message.body
        assert 'href="https://meet.example/rehabit-abc"' in message.alternatives[0][0]


def test_the_consultation_time_is_given_in_the_clients_own_timezone(bob):
    bob.timezone = "America/New_York"
    bob.save()
    book(bob)

    send_due(STARTS - timedelta(hours=24))

    assert mail.outbox[0].subject.endswith("tomorrow at 10:00")
    assert "Thursday 26 November at 10:00 (America/New_York)" in mail.outbox[0].body


def test_a_consultation_cancelled_after_its_reminder_was_written_is_not_reminded(bob):
    consultation = book(bob)
    (reminder_id,) = delivery.sweep(now=STARTS - timedelta(hours=24))
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.CANCELLED)

    assert delivery.deliver(reminder_id, now=STARTS - timedelta(hours=24)) == Reminder.SKIPPED
    assert Reminder.objects.get().reason == "consultation is cancelled"
    assert mail.outbox == []


def test_a_consultation_booked_for_later_today_gets_only_the_hour_before_reminder(bob):
    book(bob, booked=STARTS - timedelta(hours=3))

    assert send_due(STARTS - timedelta(hours=3)) == [Reminder.SKIPPED]
    assert send_due(STARTS - timedelta(minutes=50)) == [Reminder.SENT]
    assert Reminder.objects.get(kind=Reminder.CONSULTATION_DAY).reason == "booked after this reminder was due"
    assert len(mail.outbox) == 1


def test_two_consultations_on_one_day_are_each_reminded(bob):
    book(bob)
    book(bob, at=STARTS + timedelta(hours=3))

    assert send_due(STARTS - timedelta(hours=24)) == [Reminder.SENT]
    assert send_due(STARTS - timedelta(hours=21)) == [Reminder.SENT]

    assert [m.subject[-5:] for m in mail.outbox] == ["15:00", "18:00"]
