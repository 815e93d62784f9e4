from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client as WebClient

from clients.models import Completion, Reminder
from clients.reminders import channels, delivery
from clients.scheduling import in_quiet_hours
from tests.factories import TemplateFactory, assign

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday; London is on UTC in November
EVENING = NOON.replace(hour=18, minute=1)


@pytest.fixture
def due(bob):
    with time_machine.travel(NOON, tick=False):
        return assign(bob, start=date(2026, 11, 25))


def send_todays_reminder() -> str | None:
    (reminder_id,) = delivery.sweep(now=EVENING)
    return delivery.deliver(reminder_id, now=EVENING)


def test_the_reminder_email_has_text_and_html_a_link_to_the_phone_page_and_one_click_unsubscribe(
    due, settings
):
    settings.SITE_URL = "https://rehabit.example"

    assert send_todays_reminder() == Reminder.SENT

    (message,) = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "https://rehabit.example/app/" in message.body
    assert 'href="https://rehabit.example/app/"' in html
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://rehabit.example/reminders/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body and unsubscribe in html


def test_a_reminder_that_falls_in_the_clients_quiet_hours_is_skipped_and_says_why(due, bob):
    bob.quiet_hours_start, bob.quiet_hours_end = time(17, 30), time(7, 0)
    bob.save()

    assert send_todays_reminder() == Reminder.SKIPPED
    assert Reminder.objects.get().reason == "falls in the client's quiet hours"
    assert mail.outbox == []


def test_quiet_hours_wrap_past_midnight_in_the_clients_own_timezone(bob):
    bob.timezone = "America/New_York"
    bob.quiet_hours_start, bob.quiet_hours_end = time(22, 0), time(7, 0)

    assert in_quiet_hours(bob, datetime(2026, 11, 25, 4, 0, tzinfo=UTC))  # 23:00 in New York
    assert in_quiet_hours(bob, datetime(2026, 11, 25, 11, 59, tzinfo=UTC))  # 06:59
    assert not in_quiet_hours(bob, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # 07:00
    assert not in_quiet_hours(bob, datetime(2026, 11, 25, 2, 59, tzinfo=UTC))  # 21:59


def unsubscribe_link() -> str:
    send_todays_reminder()
    return mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").split("://", 1)[1].split("/", 1)[1]


def test_opening_the_unsubscribe_link_asks_first_and_changes_nothing(due, bob):
    page = WebClient().get("/" + unsubscribe_link())

    assert page.status_code == 200
    assert b"Turn reminders off" in page.content
    bob.refresh_from_db()
    assert bob.reminders_enabled


def test_one_click_unsubscribe_from_the_mail_app_turns_reminders_off_without_a_csrf_token(due, bob):
    mail_app = WebClient(enforce_csrf_checks=True)

    response = mail_app.post(
        "/" + unsubscribe_link(),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert b"Reminders are off" in response.content
    assert b"You can turn reminders back on in the app, under Settings." in response.content
    assert b'<a href="/app/#settings">Open the settings in the app</a>' in response.content
    bob.refresh_from_db()
    due.refresh_from_db()
    assert not bob.reminders_enabled
    mail.outbox.clear()
    tomorrow = EVENING + timedelta(days=1)
    for reminder_id in delivery.sweep(now=tomorrow):
        delivery.deliver(reminder_id, now=tomorrow)
    assert [message for message in mail.outbox if bob.email in message.to] == []


def test_an_expired_or_forged_unsubscribe_link_is_not_found_and_changes_nothing(due, bob):
    link = "/" + unsubscribe_link()

    with time_machine.travel(datetime.now(UTC) + channels.UNSUBSCRIBE_MAX_AGE + timedelta(days=1)):
        expired = WebClient().post(link)
    forged = WebClient().post(link[:-3] + "abc/")

    assert (expired.status_code, forged.status_code) == (404, 404)
    assert b'<a href="/app/#settings">Open the settings in the app</a>' in expired.content
    bob.refresh_from_db()
    assert bob.reminders_enabled


def check_off(assignment, items, session=1):
    for item in items:
        Completion.objects.create(
            assignment=assignment, assignment_exercise=item, date=EVENING.date(), session=session
        )


def test_the_reminder_lists_only_the_exercises_left_and_says_how_many_are_done(bob):
    with time_machine.travel(NOON, tick=False):
        assignment = assign(bob, start=date(2026, 11, 25), template=TemplateFactory(exercises=5))
    items = list(assignment.program.items.order_by("position"))
    check_off(assignment, items[:3])

    assert send_todays_reminder() == Reminder.SENT

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "You have checked off 3 of 5 for Wednesday 25 November. Here is what is left:" in message.body
    listed = [line[2:].split(":")[0] for line in message.body.splitlines() if line.startswith("- ")]
    assert listed == [item.exercise.name for item in items[3:]]
    for item in items[:3]:
        assert f"<strong>{item.exercise.name}</strong>" not in html


def test_an_exercise_done_in_one_session_but_not_the_other_is_still_listed(bob):
    with time_machine.travel(NOON, tick=False):
        assignment = assign(bob, start=date(2026, 11, 25), sessions=2, template=TemplateFactory(exercises=2))
    first, second = assignment.program.items.order_by("position")
    check_off(assignment, [first, second])
    check_off(assignment, [first], session=2)

    assert send_todays_reminder() == Reminder.SENT

    (message,) = mail.outbox
    assert "You have checked off 3 of 4" in message.body
    assert f"- {second.exercise.name}:" in message.body
    assert f"- {first.exercise.name}:" not in message.body


def test_a_day_with_everything_checked_off_gets_no_reminder(bob):
    with time_machine.travel(NOON, tick=False):
        assignment = assign(bob, start=date(2026, 11, 25), template=TemplateFactory(exercises=2))
    check_off(assignment, assignment.program.items.all())

    assert send_todays_reminder() == Reminder.SKIPPED
    assert Reminder.objects.get().reason == "the day's exercises were already done"
    assert mail.outbox == []
