from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from clients import reminders
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
    for reminder_id in reminders.sweep(now=evening):
        reminders.deliver(reminder_id, now=evening)
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
