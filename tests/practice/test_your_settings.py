"""A practitioner sets their own timezone in the workspace (*Your settings* on /practice/)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as Browser

from clients.models import Consultation
from clients.reminders.delivery import alerts
from practice.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def set_timezone(client, zone: str):
    return client.post("/practice/you/", {"timezone": zone})


def zone_of(user, practice) -> str:
    return Membership.objects.get(user=user, practice=practice).timezone


def test_a_practitioner_who_is_not_an_owner_sets_their_timezone_and_the_page_shows_it(
    client, gina, alice_practice
):
    client.force_login(gina)

    response = set_timezone(client, "America/New_York")
    page = client.get("/practice/").text

    assert response.status_code == 302 and response["Location"] == "/practice/"
    assert zone_of(gina, alice_practice) == "America/New_York"
    # Selected where it is first listed: among the suggested zones.
    assert '<option value="America/New_York" selected>America/New York</option>' in page
    assert "Your timezone is America/New_York" in page


def test_consultations_booked_after_setting_the_timezone_are_on_the_new_clock(client, alice, bob):
    client.force_login(alice)
    day = date.today() + timedelta(days=3)

    set_timezone(client, "Asia/Tokyo")
    client.post(
        f"/clients/{bob.pk}/consultations/new/",
        {"date": day.isoformat(), "time": "09:30", "duration_minutes": 30},
    )

    assert Consultation.objects.get().scheduled_at == datetime(
        day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo")
    )


def test_an_unknown_timezone_is_refused_next_to_the_field_and_nothing_is_saved(client, alice, alice_practice):
    client.force_login(alice)

    response = set_timezone(client, "Mars/Olympus_Mons")

    assert response.status_code == 400
    assert response.context["settings_form"].errors == {
        "timezone": ["Rehabit does not know this time zone; choose one from the list."]
    }
    assert zone_of(alice, alice_practice) == "Europe/London"


def test_setting_the_timezone_changes_only_the_practice_the_workspace_works_in(
    client, alice, alice_practice, charlie
):
    gym = charlie.memberships.get().practice
    MembershipFactory(user=alice, practice=gym, timezone="Europe/London")
    client.force_login(alice)

    client.post("/practice/switch/", {"practice": gym.pk})
    set_timezone(client, "America/Chicago")
    page = client.get("/practice/").text

    assert (zone_of(alice, gym), zone_of(alice, alice_practice)) == ("America/Chicago", "Europe/London")
    assert zone_of(charlie, gym) == "Europe/London"
    assert "follows your timezone at Alice&#x27;s Clinic, the first you joined (Europe/London)" in page


def test_the_weekly_summary_comes_at_monday_eight_on_the_timezone_set_on_the_page(client, alice):
    client.force_login(alice)

    set_timezone(client, "Asia/Tokyo")
    monday_eight_in_tokyo = datetime(2027, 1, 3, 23, 0, tzinfo=UTC)  # Sunday 23:00 UTC

    (row,) = alerts.summary_rows(monday_eight_in_tokyo)
    assert (row.recipient_id, row.local_date) == (alice.pk, date(2027, 1, 4))
    assert alerts.summary_rows(monday_eight_in_tokyo - timedelta(minutes=1)) == []


def test_your_settings_are_saved_only_with_the_forms_csrf_token(alice, alice_practice):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(alice)

    response = set_timezone(browser, "Asia/Tokyo")

    assert response.status_code == 403
    assert zone_of(alice, alice_practice) == "Europe/London"


def test_someone_who_works_in_no_practice_has_no_settings_here(client):
    client.force_login(UserFactory())

    assert set_timezone(client, "Asia/Tokyo").status_code == 403
