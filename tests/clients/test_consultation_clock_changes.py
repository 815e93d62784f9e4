"""Booking across the clocks changing: a time that does not exist is refused next to the field,
a time that comes twice is the first of the two and the page says which."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clients.models import Consultation
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def early_march_2027():
    # Sign-ins and tokens are made inside the travel, so they have not expired by then.
    with time_machine.travel(NOW, tick=False):
        yield


SKIPPED = (
    "01:30 does not exist on 28 March 2027 in Europe/London: the clocks go forward. Choose another time."
)


def book(client, bob, *, day, at):
    return client.post(
        f"/clients/{bob.pk}/consultations/new/", {"date": day, "time": at, "duration_minutes": 45}
    )


def test_booking_a_time_the_clocks_skip_is_refused_next_to_the_time(client, alice, bob):
    client.force_login(alice)

    response = book(client, bob, day="2027-03-28", at="01:30")

    assert response.status_code == 400
    assert response.context["form"].errors == {"time": [SKIPPED]}
    assert not Consultation.objects.exists()


def test_moving_to_a_time_the_clocks_skip_is_refused_and_the_consultation_stays(client, alice, bob):
    client.force_login(alice)
    consultation = Consultation.objects.get(
        pk=book(client, bob, day="2027-03-27", at="10:00").url.split("/")[2]
    )

    response = client.post(
        f"/consultations/{consultation.pk}/move/",
        {"move-date": "2027-03-28", "move-time": "01:30", "move-duration_minutes": 45},
    )

    assert response.status_code == 400
    assert response.context["move_form"].errors == {"time": [SKIPPED]}
    consultation.refresh_from_db()
    assert consultation.scheduled_at == datetime(2027, 3, 27, 10, 0, tzinfo=LONDON)


def test_a_time_that_comes_twice_is_booked_for_the_first_and_the_page_says_so(client, alice, bob):
    client.force_login(alice)

    response = book(client, bob, day="2027-10-31", at="01:30")
    page = client.get(response.url).text

    assert Consultation.objects.get().scheduled_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert "Sunday 31 Oct 2027, 01:30 (Europe/London)" in page
    assert "this is the first 01:30, BST (UTC+01:00)" in page


def test_changing_only_the_length_of_a_consultation_at_the_second_repeated_time_keeps_its_time(
    client, alice, bob
):
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 01:30 GMT, after the clocks went back
    consultation = Consultation.objects.create(
        client=bob, practitioner=alice, scheduled_at=second, video_url="https://meet.example/x"
    )
    client.force_login(alice)

    page = client.get(f"/consultations/{consultation.pk}/").text
    client.post(
        f"/consultations/{consultation.pk}/move/",
        {"move-date": "2027-10-31", "move-time": "01:30", "move-duration_minutes": 60},
    )

    consultation.refresh_from_db()
    assert "this is the second 01:30, GMT (UTC+00:00)" in page
    assert (consultation.scheduled_at, consultation.duration_minutes) == (second, 60)


def api_book(api, bob, scheduled_at: str):
    return api.post("/api/v1/consultations/", {"client": bob.pk, "scheduled_at": scheduled_at}, format="json")


def test_the_api_refuses_a_time_the_clocks_skip_naming_the_field(alice, bob):
    response = api_book(api_as(alice), bob, "2027-03-28T01:30:00")

    assert response.status_code == 400
    assert response.json()["field"] == "scheduled_at"
    assert SKIPPED in response.json()["message"]
    assert not Consultation.objects.exists()


def test_the_api_refuses_moving_to_a_time_the_clocks_skip_naming_the_field(alice, bob):
    api = api_as(alice)
    created = api_book(api, bob, "2027-03-27T10:00:00Z").json()

    response = api.patch(
        f"/api/v1/consultations/{created['id']}/", {"scheduled_at": "2027-03-28T01:30"}, format="json"
    )

    assert (response.status_code, response.json()["field"]) == (400, "scheduled_at")
    assert Consultation.objects.get().scheduled_at == datetime(2027, 3, 27, 10, 0, tzinfo=UTC)


def test_the_api_reads_a_time_without_offset_on_the_practitioners_clock_and_keeps_an_offset(alice, bob):
    alice.memberships.update(timezone="America/New_York")
    api = api_as(alice)

    local = api_book(api, bob, "2027-06-10T09:00:00")
    offset = api_book(api, bob, "2027-06-10T09:00:00+02:00")
    repeated = api_book(api, bob, "2027-11-07T01:30:00")  # New York's clocks go back that night

    assert local.json()["scheduled_at"] == "2027-06-10T13:00:00Z"
    assert offset.json()["scheduled_at"] == "2027-06-10T07:00:00Z"
    assert repeated.json()["scheduled_at"] == "2027-11-07T05:30:00Z"  # the first, EDT


def test_times_a_day_apart_across_the_change_are_a_day_apart_on_the_practitioners_clock(client, alice, bob):
    client.force_login(alice)

    book(client, bob, day="2027-03-27", at="09:00")
    book(client, bob, day="2027-03-28", at="09:00")

    first, second = Consultation.objects.order_by("scheduled_at").values_list("scheduled_at", flat=True)
    assert second - first == timedelta(hours=23)
    assert [at.astimezone(LONDON).hour for at in (first, second)] == [9, 9]
