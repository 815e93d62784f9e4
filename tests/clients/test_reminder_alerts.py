from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
import time_machine
from django.core import mail

from clients.accounts import profiles
from clients.checkoffs import completions
from clients.models import Alert, AssignmentPause, Completion, Consultation, Reminder
from clients.reminders import delivery
from tests.factories import assign

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


def evening(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 18, 1, tzinfo=UTC)  # just after 18:00 in London


@pytest.fixture
def started_monday(bob):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
        return assign(bob, start=MONDAY)


def sweep_and_send(day: date) -> dict[str, str]:
    now = evening(day)
    with time_machine.travel(now, tick=False):
        ids = delivery.sweep(now=now)
        return {Reminder.objects.get(pk=pk).kind: delivery.deliver(pk, now=now) for pk in ids}


def check_off(assignment, day: date, *, pain=None) -> None:
    Completion.objects.create(
        assignment=assignment, assignment_exercise=assignment.program.items.first(), date=day, pain=pain
    )


def test_a_client_who_missed_two_scheduled_days_gets_one_nudge(started_monday, bob):
    assert Reminder.NUDGE not in sweep_and_send(MONDAY + timedelta(days=1))

    sent = sweep_and_send(MONDAY + timedelta(days=2))
    later = sweep_and_send(MONDAY + timedelta(days=3))

    assert sent == {Reminder.EXERCISE: Reminder.SKIPPED, Reminder.NUDGE: Reminder.SENT}
    assert Reminder.NUDGE not in later  # once per streak, not every day it goes on
    that_day = [m for m in mail.outbox if "Wednesday 25 November" in m.body]
    (nudge,) = that_day  # one email that day, not a reminder and a nudge at once
    assert nudge.subject == "Shall we pick your exercises back up today?"
    assert nudge.to == [bob.email]
    for item in started_monday.program.items.all():
        assert item.exercise.name in nudge.body
    assert "List-Unsubscribe" in nudge.extra_headers
    assert Reminder.objects.get(kind=Reminder.EXERCISE, local_date=MONDAY + timedelta(days=2)).reason == (
        "the nudge went instead, with the day's exercises"
    )


def nudge_after_checking_off_the_first_exercise(assignment) -> tuple[str, str]:
    sweep_and_send(MONDAY + timedelta(days=1))
    mail.outbox.clear()
    wednesday = MONDAY + timedelta(days=2)
    check_off(assignment, wednesday)

    assert sweep_and_send(wednesday)[Reminder.NUDGE] == Reminder.SENT

    (nudge,) = mail.outbox
    return nudge.body, nudge.alternatives[0][0]


def test_a_nudge_on_a_day_begun_says_how_many_are_done_and_lists_only_the_rest(started_monday):
    first, *rest = started_monday.program.items.order_by("position")

    text, html = nudge_after_checking_off_the_first_exercise(started_monday)

    total = len(rest) + 1
    assert f"You have checked off 1 of {total} for Wednesday 25 November. Here is what is left:" in text
    assert f"You have checked off 1 of {total} for <strong>Wednesday 25 November</strong>." in html
    assert f"- {first.exercise.name}:" not in text
    assert all(f"- {item.exercise.name}:" in text for item in rest)


def test_a_spanish_nudge_on_a_day_begun_says_how_many_are_done_in_spanish(started_monday, bob):
    bob.language = "es"
    bob.save()
    total = started_monday.program.items.count()

    text, html = nudge_after_checking_off_the_first_exercise(started_monday)

    assert f"Ya ha marcado 1 de {total} para el miércoles 25 de noviembre. Esto es lo que le queda:" in text
    assert f"Ya ha marcado 1 de {total} para el <strong>miércoles 25 de noviembre</strong>." in html


def test_no_nudge_when_the_day_is_already_done_before_the_reminder(started_monday):
    sweep_and_send(MONDAY + timedelta(days=1))
    mail.outbox.clear()
    for item in started_monday.program.items.all():
        Completion.objects.create(
            assignment=started_monday, assignment_exercise=item, date=MONDAY + timedelta(days=2)
        )

    sent = sweep_and_send(MONDAY + timedelta(days=2))

    assert sent == {Reminder.EXERCISE: Reminder.SKIPPED, Reminder.NUDGE: Reminder.SKIPPED}
    assert mail.outbox == []


def test_no_nudge_when_one_of_the_last_two_days_was_done(started_monday):
    check_off(started_monday, MONDAY + timedelta(days=1))

    assert Reminder.NUDGE not in sweep_and_send(MONDAY + timedelta(days=2))


def test_paused_days_are_not_missed_days(started_monday):
    AssignmentPause.objects.create(
        assignment=started_monday, start_date=MONDAY, end_date=MONDAY + timedelta(days=1)
    )

    assert Reminder.NUDGE not in sweep_and_send(MONDAY + timedelta(days=2))


def test_the_practitioner_is_alerted_after_the_practices_number_of_missed_days(
    started_monday, alice, alice_practice, bob
):
    alice_practice.missed_days_alert = 4
    alice_practice.save()

    assert Reminder.MISSED_ALERT not in sweep_and_send(MONDAY + timedelta(days=3))
    assert sweep_and_send(MONDAY + timedelta(days=4))[Reminder.MISSED_ALERT] == Reminder.SENT

    (alert,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert alert.subject == "Bob Client has missed 4 exercise days"
    assert f"/attention/alerts/{Alert.objects.get(client=bob, kind=Alert.MISSED).pk}/" in alert.body


def test_a_client_who_turned_reminders_off_gets_no_nudge_but_their_practitioner_is_still_alerted(
    started_monday, alice, alice_practice, bob
):
    alice_practice.missed_days_alert = 4
    alice_practice.save()
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=UTC), tick=False):
        profiles.client_update_settings(client=bob, reminders_enabled=False)

    kinds = [sweep_and_send(MONDAY + timedelta(days=back)) for back in range(1, 5)]

    assert kinds[:3] == [{}, {}, {}]
    assert kinds[3] == {Reminder.MISSED_ALERT: Reminder.SENT}
    assert [message.to for message in mail.outbox] == [[alice.email]]


def record(assignment, *, pain: int, at: datetime) -> None:
    """Check the next exercise off through the service, as the API does, at `at`."""
    item = list(assignment.program.items.all())[Completion.objects.filter(date=at.date()).count()]
    with time_machine.travel(at, tick=False):
        completions.completion_record(
            client=assignment.client,
            completion_id=uuid4(),
            item=item,
            fields={"date": at.date(), "session": 1, "pain": pain},
            actor=assignment.client.user,
        )


def sweep_at(now: datetime) -> None:
    with time_machine.travel(now, tick=False):
        for reminder_id in delivery.sweep(now=now):
            delivery.deliver(reminder_id, now=now)


NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Monday, hours before the 18:00 reminder


def test_a_check_off_with_severe_pain_alerts_the_practitioner_at_the_next_sweep_once_that_day(
    started_monday, alice
):
    record(started_monday, pain=8, at=NOON)
    sweep_at(NOON + timedelta(minutes=1))
    record(started_monday, pain=9, at=NOON + timedelta(minutes=5))
    sweep_at(NOON + timedelta(minutes=6))

    (alert,) = mail.outbox
    assert alert.to == [alice.email]
    assert alert.subject == "Pain alert: Bob Client"
    assert "pain 8/10" in alert.body
    assert Reminder.objects.filter(kind=Reminder.PAIN_ALERT).count() == 1


def test_a_painful_check_off_is_alerted_even_if_sweeps_were_missed_for_minutes(started_monday, alice):
    record(started_monday, pain=8, at=NOON)

    sweep_at(NOON + timedelta(minutes=10))

    assert [message.to for message in mail.outbox] == [[alice.email]]


def test_mild_pain_alerts_no_one(started_monday):
    record(started_monday, pain=2, at=NOON)

    sweep_at(NOON + timedelta(minutes=1))

    assert mail.outbox == []
    assert not Reminder.objects.filter(kind=Reminder.PAIN_ALERT).exists()


def test_pain_three_points_above_the_consultation_baseline_alerts_and_less_does_not(started_monday, bob):
    Consultation.objects.create(client=bob, scheduled_at=NOON - timedelta(days=7), pain=2)

    record(started_monday, pain=4, at=NOON)
    sweep_at(NOON + timedelta(minutes=1))
    assert mail.outbox == []

    record(started_monday, pain=5, at=NOON + timedelta(minutes=2))
    sweep_at(NOON + timedelta(minutes=3))
    assert "baseline at the last consultation: 2/10" in mail.outbox[0].body


def test_the_weekly_summary_reaches_each_practitioner_on_monday_at_eight_in_their_timezone(
    alice, bob, dana, charlie, erin
):
    alice.memberships.update(timezone="America/New_York")
    for client in (bob, dana, erin):
        assignment = assign(client, start=MONDAY)
        if client == bob:
            for day in range(7):
                check_off(assignment, MONDAY + timedelta(days=day))
    next_monday = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # 08:00 in New York

    delivery.summary_sweep(now=next_monday - timedelta(minutes=1))
    assert not Reminder.objects.filter(recipient=alice).exists()
    ids = delivery.summary_sweep(now=next_monday)
    assert delivery.summary_sweep(now=next_monday + timedelta(minutes=5)) == []
    statuses = {Reminder.objects.get(pk=pk).recipient: delivery.deliver(pk, now=next_monday) for pk in ids}

    assert statuses[alice] == Reminder.SENT
    (summary,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert summary.subject == "Your clients' week, 23 Nov to 29 Nov"
    assert summary.body.index("Dana Client: 0.0 %") < summary.body.index("Bob Client: 33.3 %")
    assert "Erin" not in summary.body


def test_a_practitioner_of_two_practices_gets_one_summary_naming_each_clients_practice(alice, bob, erin):
    from practice.models import Membership

    later = Membership.objects.create(user=alice, practice=erin.practice, timezone="Asia/Tokyo")
    Membership.objects.filter(pk=later.pk).update(created_at=datetime(2030, 1, 1, tzinfo=UTC))
    erin.practitioner = alice
    erin.save()
    for client in (bob, erin):
        assign(client, start=MONDAY)
    tokyo_monday_eight = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    london_monday_eight = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

    assert delivery.summary_sweep(now=tokyo_monday_eight) == []  # the first practice's time: London
    (summary_id,) = [
        pk
        for pk in delivery.summary_sweep(now=london_monday_eight)
        if Reminder.objects.get(pk=pk).recipient == alice
    ]
    assert delivery.deliver(summary_id, now=london_monday_eight) == Reminder.SENT

    (summary,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert "Bob Client (Alice's Clinic): 0.0 %" in summary.body
    assert "Erin Client (Charlie's Gym): 0.0 %" in summary.body
    html = summary.alternatives[0][0]
    assert "<th" in html and ">Practice</th>" in html and "Charlie&#x27;s Gym" in html


def test_beat_looks_for_due_weekly_summaries_every_quarter_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-weekly-summaries"]

    assert entry["task"] == "clients.tasks.sweep_weekly_summaries"
    assert entry["schedule"] == timedelta(minutes=15)


def test_the_weekly_summary_reads_every_clients_figures_in_the_same_number_of_queries(alice, bob, dana):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients.reminders.delivery import alerts
    from tests.factories import ClientFactory

    assign(bob, start=MONDAY)
    next_monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    summary = Reminder(
        recipient=alice, kind=Reminder.WEEKLY_SUMMARY, local_date=next_monday.date(), due_at=next_monday
    )

    with CaptureQueriesContext(connection) as few:
        alerts.weekly_summary_notice(summary, next_monday)
    for n in range(5):
        assign(
            ClientFactory(practice=bob.practice, practitioner=alice, email=f"more{n}@example.com"),
            start=MONDAY,
        )
    with CaptureQueriesContext(connection) as many:
        alerts.weekly_summary_notice(summary, next_monday)

    assert len(many) == len(few)
