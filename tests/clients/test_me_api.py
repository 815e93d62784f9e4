from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clients.reminders import delivery
from tests.conftest import api_as
from tests.factories import assign

pytestmark = pytest.mark.django_db


def test_client_reads_their_own_settings(bob):
    me = api_as(bob.user).get("/api/v1/me/").json()

    assert me["email"] == "bob@example.com"
    assert (me["timezone"], me["reminder_time"], me["reminders_enabled"]) == ("Europe/London", "18:00", True)


@time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), tick=False)
def test_changing_the_reminder_time_moves_the_next_reminder(bob):
    assignment = assign(bob, start=date(2026, 11, 20))

    response = api_as(bob.user).patch(
        "/api/v1/me/", {"reminder_time": "09:30", "timezone": "America/New_York"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["reminder_time"] == "09:30"
    assignment.refresh_from_db()
    assert assignment.next_reminder_at == datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


@time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), tick=False)
def test_opting_out_stops_the_reminder_emails_and_the_practitioner_sees_none_coming(bob, alice):
    assignment = assign(bob, start=date(2026, 11, 25))

    api_as(bob.user).patch("/api/v1/me/", {"reminders_enabled": False}, format="json")

    evening = datetime(2026, 11, 25, 18, 1, tzinfo=UTC)
    for reminder_id in delivery.sweep(now=evening):
        delivery.deliver(reminder_id, now=evening)
    assert [message for message in mail.outbox if bob.email in message.to] == []
    seen = api_as(alice).get(f"/api/v1/assignments/{assignment.pk}/").json()
    assert seen["next_reminder_at"] is None


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("timezone", "Mars/Olympus", "unknown_timezone"), ("reminder_time", "25:00", "invalid")],
)
def test_bad_settings_are_a_400_naming_the_field(bob, field, value, code):
    response = api_as(bob.user).patch("/api/v1/me/", {field: value}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["code"] == code


def test_a_practitioner_has_no_client_settings(alice):
    assert api_as(alice).get("/api/v1/me/").status_code == 404


def test_a_client_sets_quiet_hours_and_the_handout_language(bob):
    response = api_as(bob.user).patch(
        "/api/v1/me/",
        {"quiet_hours_start": "22:00", "quiet_hours_end": "07:30", "language": "es"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["quiet_hours_start"], response.json()["quiet_hours_end"]) == ("22:00", "07:30")
    bob.refresh_from_db()
    assert bob.language == "es"


def test_half_a_quiet_hours_pair_is_a_400_naming_the_missing_end(bob):
    response = api_as(bob.user).patch("/api/v1/me/", {"quiet_hours_start": "22:00"}, format="json")

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == (
        "quiet_hours_end",
        "quiet_hours_incomplete",
    )


def test_a_placeholder_zone_is_not_a_place_to_live(bob):
    api = api_as(bob.user)

    for zone in ("Factory", "localtime"):
        response = api.patch("/api/v1/me/", {"timezone": zone}, format="json")
        assert response.status_code == 400 and response.json()["field"] == "timezone"


# Madrid is UTC+1 in December: a 17:57 reminder is due at 16:57 UTC.
MADRID_DUE = datetime(2026, 12, 7, 16, 57, tzinfo=UTC)


@pytest.fixture
def madrid(bob):
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), tick=False):
        assignment = assign(bob, start=date(2026, 12, 7))
        api_as(bob.user).patch(
            "/api/v1/me/", {"timezone": "Europe/Madrid", "reminder_time": "17:57"}, format="json"
        )
    assignment.refresh_from_db()
    assert assignment.next_reminder_at == MADRID_DUE
    return assignment


def test_saving_settings_just_after_the_reminder_time_still_sends_that_days_reminder(bob, madrid):
    with time_machine.travel(MADRID_DUE + timedelta(seconds=30), tick=False):
        saved = api_as(bob.user).patch("/api/v1/me/", {"reminder_time": "17:57"}, format="json")
    sweep_at = MADRID_DUE + timedelta(minutes=1)
    for reminder_id in delivery.sweep(now=sweep_at):
        delivery.deliver(reminder_id, now=sweep_at)

    assert saved.status_code == 200
    assert [message.to for message in mail.outbox] == [[bob.email]]
    madrid.refresh_from_db()
    assert madrid.next_reminder_at == MADRID_DUE + timedelta(days=1)


def test_saving_other_settings_at_the_reminder_time_keeps_it_due(bob, madrid):
    with time_machine.travel(MADRID_DUE + timedelta(seconds=30), tick=False):
        api_as(bob.user).patch("/api/v1/me/", {"quiet_hours_start": None, "language": "es"}, format="json")

    madrid.refresh_from_db()
    assert madrid.next_reminder_at == MADRID_DUE


def test_a_new_reminder_time_moves_a_reminder_that_was_due(bob, madrid):
    with time_machine.travel(MADRID_DUE + timedelta(seconds=30), tick=False):
        api_as(bob.user).patch("/api/v1/me/", {"reminder_time": "19:00"}, format="json")

    madrid.refresh_from_db()
    assert madrid.next_reminder_at == datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def test_a_reminder_the_sweep_already_sent_is_not_kept_due_by_saving_settings(bob, madrid):
    delivery.sweep(now=MADRID_DUE + timedelta(seconds=10))
    with time_machine.travel(MADRID_DUE + timedelta(seconds=30), tick=False):
        api_as(bob.user).patch("/api/v1/me/", {"reminder_time": "17:57"}, format="json")

    madrid.refresh_from_db()
    assert madrid.next_reminder_at == MADRID_DUE + timedelta(days=1)
