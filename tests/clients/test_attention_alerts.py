"""Alerts are kept as rows, raised once on the sweep's row-first path, and leave Needs attention
once handled (who and when, in the audit)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clients.attention import actions
from clients.models import Alert, AssignmentPause, AuditEvent, Completion, Reminder
from clients.reminders import delivery
from tests.factories import assign

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 2)


def evening(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 18, 1, tzinfo=UTC)  # just after 18:00 in London


@pytest.fixture
def program(bob):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        return assign(bob, start=MONDAY, weeks=6)


def sweep(day: date, *, send=False) -> None:
    now = evening(day)
    with time_machine.travel(now, tick=False):
        ids = delivery.sweep(now=now)
        if send:
            for pk in ids:
                delivery.deliver(pk, now=now)


def check_off(assignment, day: date, *, pain=None, note="") -> Completion:
    return Completion.objects.create(
        assignment=assignment,
        assignment_exercise=assignment.program.items.first(),
        date=day,
        pain=pain,
        note=note,
    )


def test_a_painful_check_off_raises_one_pain_alert_naming_the_exercise_not_the_note(program, bob):
    day = MONDAY + timedelta(days=1)
    with time_machine.travel(evening(day) - timedelta(minutes=5), tick=False):
        check_off(program, day, pain=8, note="my knee cracked, private")

    sweep(day, send=True)
    sweep(day)  # the next minute: nothing new

    (alert,) = Alert.objects.filter(kind=Alert.PAIN)
    exercise = program.program.items.first().exercise.name
    assert (alert.client, alert.local_date, alert.reason) == (bob, day, f"Pain 8/10 in {exercise}")
    assert "cracked" not in alert.reason
    (email,) = [m for m in mail.outbox if m.subject.startswith("Pain alert")]
    assert f"/attention/alerts/{alert.pk}/" in email.body


def test_missing_the_practices_threshold_of_days_raises_one_missed_days_alert(program, bob):
    for offset in range(1, 6):
        sweep(MONDAY + timedelta(days=offset), send=True)

    (alert,) = Alert.objects.filter(kind=Alert.MISSED)
    assert alert.reason == "3 scheduled days missed in a row"
    assert Reminder.objects.filter(kind=Reminder.MISSED_ALERT).count() == 1
    (email,) = [m for m in mail.outbox if f"/attention/alerts/{alert.pk}/" in m.body]
    assert email.to == ["alice@example.com"]


def test_a_client_quiet_for_a_week_raises_one_alert_until_they_check_off_again(program, bob):
    check_off(program, MONDAY)
    for offset in range(1, 10):
        sweep(MONDAY + timedelta(days=offset))

    (alert,) = Alert.objects.filter(kind=Alert.QUIET)
    assert alert.local_date == MONDAY + timedelta(days=8)  # the first day with 7 quiet ones behind it

    check_off(program, MONDAY + timedelta(days=10))
    for offset in range(11, 19):
        sweep(MONDAY + timedelta(days=offset))

    assert Alert.objects.filter(kind=Alert.QUIET).count() == 2


def test_a_client_back_from_a_break_is_not_quiet(program, bob):
    AssignmentPause.objects.create(assignment=program, start_date=MONDAY, end_date=MONDAY + timedelta(days=8))
    for offset in range(9, 12):
        sweep(MONDAY + timedelta(days=offset))

    assert not Alert.objects.filter(kind=Alert.QUIET).exists()


@pytest.fixture
def pain_alert(bob):
    return Alert.objects.create(
        client=bob, kind=Alert.PAIN, local_date=MONDAY, raised_at=evening(MONDAY), reason="Pain 8/10 in Squat"
    )


def test_a_handled_alert_records_who_and_when_in_the_audit_and_leaves_the_list(
    client, alice, bob, pain_alert
):
    client.force_login(alice)
    assert "Pain 8/10 in Squat" in client.get("/attention/").text

    response = client.post(f"/attention/alerts/{pain_alert.pk}/handle/")

    assert response.status_code == 302
    pain_alert.refresh_from_db()
    assert pain_alert.handled_by == alice and pain_alert.handled_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.HANDLE_ALERT)
    assert (event.actor, event.client, event.object_id) == (alice, bob, str(pain_alert.pk))
    assert "Pain 8/10 in Squat" not in client.get("/attention/").text


def test_handling_twice_keeps_the_first_handler(alice, bob, pain_alert, charlie):
    assert actions.alert_handle(alert=pain_alert, by=alice)
    assert not actions.alert_handle(alert=pain_alert, by=alice)

    assert AuditEvent.objects.filter(action=AuditEvent.HANDLE_ALERT).count() == 1


def test_the_alert_emails_link_lands_on_the_alert_with_its_client_and_reason(client, alice, bob, pain_alert):
    client.force_login(alice)

    page = client.get(f"/attention/alerts/{pain_alert.pk}/").text

    assert "Bob Client" in page and "Pain 8/10 in Squat" in page
    assert f'href="/clients/{bob.pk}/#checkoffs"' in page
    assert "Mark handled" in page
