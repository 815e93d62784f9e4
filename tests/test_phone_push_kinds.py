"""Web Push beyond the daily reminder: a new message from the practice and a questionnaire falling
due reach the client's phones, each only where the client opted in from Settings, never in their
quiet hours and never twice for one row. The message's push says only that one waits.

The browser test drives the same real flow as tests/test_phone_push.py (the page's opt-in, the
API, the row, pywebpush's encryption, RFC 8291 decryption at a local push service)."""

from datetime import time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from clients.consultations import asking, questionnaires
from clients.messages import thread
from clients.models import PushSubscription, Reminder
from clients.reminders import delivery
from tests.conftest import api_as, sign_in_by_token, wait_for
from tests.test_phone_page import fay  # noqa: F401 (a fixture)
from tests.test_phone_push import Phone, browser_subscribes_as, push_service  # noqa: F401 (a fixture)

SECRET = "The scan shows a slipped disc at L4."


def subscribed(client, service) -> Phone:
    phone = Phone(service.url(f"/push/{client.pk}-phone"))
    PushSubscription.objects.create(client=client, endpoint=phone.endpoint, **phone.keys())
    return phone


def practitioner_writes(client):
    thread.message_send(client=client, author=client.practice.memberships.get().user, body=SECRET)
    return Reminder.objects.get(client=client, kind=Reminder.MESSAGE_TO_CLIENT)


def quiet_now(client):
    now = timezone.now()
    client.quiet_hours_start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    client.quiet_hours_end = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    client.save()


@pytest.mark.django_db(transaction=True)
def test_a_client_opts_in_to_messages_on_the_phone_and_a_new_message_is_pushed_without_its_text(
    chromium,
    live_server,
    push_service,  # noqa: F811
    fay,  # noqa: F811
):
    phone = Phone(push_service.url("/push/fay-phone"))
    context = chromium.new_context(viewport={"width": 390, "height": 844}, permissions=["notifications"])
    context.add_init_script(browser_subscribes_as(phone))
    sign_in_by_token(context, live_server, fay.user)
    page = context.new_page()
    page.goto(f"{live_server.url}/app/#settings")

    page.get_by_label("Notifications on this phone").check()
    page.get_by_text("Notifications are on for this phone.").wait_for()
    page.get_by_label("A new message from your physio").check()
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Saved.", exact=True).wait_for()

    assert wait_for(lambda: PushSubscription.objects.filter(client=fay).exists())
    fay.refresh_from_db()
    assert (fay.push_reminders, fay.push_messages, fay.push_questionnaires) == (True, True, False)

    row = practitioner_writes(fay)  # queued once committed: the send task runs it

    assert wait_for(lambda: Reminder.objects.get(pk=row.pk).status == Reminder.SENT)
    [post] = push_service.received
    assert post["headers"]["content-encoding"] == "aes128gcm"
    assert SECRET.encode() not in post["body"]
    assert phone.read(post["body"]) == {
        "kind": "message_to_client",
        "title": "A message from your physio is waiting",
        "body": f"From {fay.practice.name}: open Rehabit to read it.",
        "url": "/app/",
    }
    assert [m.to for m in mail.outbox] == [[fay.email]]  # the email still goes too


@pytest.mark.django_db
def test_a_new_message_is_not_pushed_to_a_client_who_did_not_opt_in(push_service, fay):  # noqa: F811
    subscribed(fay, push_service)

    assert delivery.deliver(practitioner_writes(fay).pk) == Reminder.SENT

    assert push_service.received == []
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_new_message_in_quiet_hours_is_emailed_but_not_pushed(push_service, fay):  # noqa: F811
    fay.push_messages = True
    quiet_now(fay)
    subscribed(fay, push_service)

    assert delivery.deliver(practitioner_writes(fay).pk) == Reminder.SENT

    assert push_service.received == []
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_new_message_is_pushed_once_however_often_its_row_is_delivered_or_retried(push_service, fay):  # noqa: F811
    fay.push_messages = True
    fay.save()
    subscribed(fay, push_service)
    row = practitioner_writes(fay)

    assert delivery.deliver(row.pk) == Reminder.SENT
    assert delivery.deliver(row.pk) is None  # claimed once
    Reminder.objects.filter(pk=row.pk).update(status=Reminder.PENDING, attempts=1)  # an email retry
    delivery.deliver(row.pk)

    assert len(push_service.received) == 1


@pytest.mark.django_db
def test_the_daily_reminder_is_not_pushed_once_the_client_turns_that_off(push_service, fay):  # noqa: F811
    fay.push_reminders = False
    fay.save()
    subscribed(fay, push_service)
    row = Reminder.objects.create(
        client=fay,
        assignment=fay.assignments.get(),
        kind=Reminder.EXERCISE,
        local_date=timezone.localdate(),
        due_at=timezone.now(),
    )

    assert delivery.deliver(row.pk) == Reminder.SENT  # by email

    assert push_service.received == []


# --- a questionnaire falling due ----------------------------------------------------------


def due_today(client):
    assignment = client.assignments.get()
    return questionnaires.questionnaire_schedule(
        assignment=assignment, questionnaire="nprs", every_days=14, starts_on=timezone.localdate(), by=None
    )


def at(hour: int):
    return time_machine.travel(timezone.now().replace(hour=hour, minute=5), tick=False)


@pytest.mark.django_db
def test_a_questionnaire_due_today_is_pushed_once_at_the_clients_reminder_time(push_service, fay):  # noqa: F811
    fay.push_questionnaires, fay.reminder_time = True, time(18, 0)
    fay.save()
    phone = subscribed(fay, push_service)
    due_today(fay)

    with at(17):
        assert asking.questionnaire_due_sweep() == []  # not before the client's time
    with at(18):
        [row] = asking.questionnaire_due_sweep()
        assert asking.questionnaire_due_sweep() == []  # told today already
        assert delivery.deliver(row) == Reminder.SENT
        assert delivery.deliver(row) is None
    with at(20):
        assert asking.questionnaire_due_sweep() == []

    [post] = push_service.received
    assert phone.read(post["body"]) == {
        "kind": "questionnaire_due",
        "title": "A questionnaire to answer",
        "body": f"{fay.practice.name} asks how you are doing: it takes a minute in Rehabit.",
        "url": "/app/",
    }
    assert mail.outbox == []  # by push only: the phone page lists what is due


@pytest.mark.django_db
def test_a_daily_questionnaire_is_pushed_again_the_next_day_at_the_same_time(push_service, fay):  # noqa: F811
    fay.push_questionnaires, fay.reminder_time = True, time(18, 0)
    fay.save()
    subscribed(fay, push_service)
    questionnaires.questionnaire_schedule(
        assignment=fay.assignments.get(),
        questionnaire="nprs",
        every_days=1,
        starts_on=timezone.localdate(),
        by=None,
    )
    evening = timezone.now().replace(hour=18, minute=5)

    for day in (0, 1):
        with time_machine.travel(evening + timedelta(days=day), tick=False):
            asking.questionnaire_due_sweep()

    # Told yesterday evening hides nothing of today's: a row for each of the client's days.
    rows = Reminder.objects.filter(client=fay, kind=Reminder.QUESTIONNAIRE_DUE)
    assert rows.values_list("local_date", flat=True).distinct().count() == 2


@pytest.mark.django_db
def test_a_spanish_client_reads_the_questionnaire_push_in_spanish(push_service, fay):  # noqa: F811
    fay.push_questionnaires, fay.reminder_time, fay.language = True, time(9, 0), "es"
    fay.save()
    phone = subscribed(fay, push_service)
    due_today(fay)

    with at(10):
        [row] = asking.questionnaire_due_sweep()
        delivery.deliver(row)

    message = phone.read(push_service.received[-1]["body"])
    assert message["title"] == "Un cuestionario por responder"


@pytest.mark.django_db
def test_no_questionnaire_push_without_the_opt_in_a_phone_or_in_quiet_hours(push_service, fay):  # noqa: F811
    fay.reminder_time = time(9, 0)
    fay.save()
    due_today(fay)
    with at(10):
        assert asking.questionnaire_due_sweep() == []  # not opted in
        fay.push_questionnaires = True
        fay.save()
        assert asking.questionnaire_due_sweep() == []  # no phone subscribed
        subscribed(fay, push_service)
        quiet_now(fay)
        assert asking.questionnaire_due_sweep() == []  # quiet hours
        fay.quiet_hours_start = fay.quiet_hours_end = None
        fay.save()
        assert len(asking.questionnaire_due_sweep()) == 1


@pytest.mark.django_db
def test_a_questionnaire_answered_or_not_due_today_is_not_pushed(push_service, fay):  # noqa: F811
    fay.push_questionnaires, fay.reminder_time = True, time(9, 0)
    fay.save()
    subscribed(fay, push_service)
    schedule = due_today(fay)
    questionnaires.response_submit(client=fay, schedule=schedule, answers={"pain": 3})

    with at(10):
        assert asking.questionnaire_due_sweep() == []
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        assert asking.questionnaire_due_sweep() == []  # the next day is not one of its days


@pytest.mark.django_db
def test_the_client_sets_each_push_opt_in_over_the_api_and_a_bad_value_names_the_field(fay):  # noqa: F811
    me = api_as(fay.user)

    answer = me.patch("/api/v1/me/", {"push_questionnaires": True, "push_reminders": False}, format="json")

    assert answer.status_code == 200
    assert (answer.json()["push_questionnaires"], answer.json()["push_reminders"]) == (True, False)
    assert answer.json()["push_messages"] is False
    refused = me.patch("/api/v1/me/", {"push_messages": "sometimes"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["field"] == "push_messages"
