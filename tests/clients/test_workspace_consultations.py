from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from clients.consultations.booking import PAST_TIME, odi_percent
from clients.models import Consultation
from tests.factories import deliver_queued

pytestmark = pytest.mark.django_db


def test_odi_is_points_over_five_times_the_sections_answered():
    assert odi_percent([5] * 10) == 100
    assert odi_percent([0] * 10) == 0
    assert odi_percent([2, 3, 1, 0, 4, 2, 1, None, 3, 2]) == 40  # 18 / 45 with sex life skipped
    assert odi_percent([None] * 10) is None


@override_settings(VIDEO_BASE_URL="https://video.example/rehabit-")
def test_scheduling_a_consultation_emails_a_video_link_and_a_calendar_invite(
    client, alice, bob, django_capture_on_commit_callbacks
):
    alice.memberships.update(timezone="America/New_York")
    client.force_login(alice)
    day = date.today() + timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": day.isoformat(), "time": "09:30", "duration_minutes": 30},
        )
    deliver_queued()

    consultation = Consultation.objects.get(client=bob)
    assert response.status_code == 302
    assert consultation.scheduled_at == datetime.combine(
        day, time(9, 30), tzinfo=ZoneInfo("America/New_York")
    )
    assert consultation.video_url.startswith("https://video.example/rehabit-")
    assert len(consultation.video_url) > len("https://video.example/rehabit-") + 20
    message = mail.outbox[-1]
    assert message.to == ["bob@example.com"]
    assert consultation.video_url in message.body
    name, content, mimetype = message.attachments[0]
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert name == "consultation.ics" and mimetype.startswith("text/calendar")
    assert event.decoded("dtstart") == consultation.scheduled_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
    assert str(event.get("location")) == consultation.video_url


def test_the_calendar_invite_names_no_timezone_it_does_not_define(
    client, alice, bob, django_capture_on_commit_callbacks
):
    # RFC 5545 3.2.19: every TZID used needs its VTIMEZONE, or calendars guess the hour.
    alice.memberships.update(timezone="America/New_York")
    client.force_login(alice)
    day = date.today() + timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": day.isoformat(), "time": "09:30", "duration_minutes": 30},
        )
    deliver_queued()

    calendar = icalendar.Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    event = calendar.walk("VEVENT")[0]
    defined = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    used = {event[name].params["TZID"] for name in ("DTSTART", "DTEND") if "TZID" in event[name].params}
    assert used <= defined
    assert event.decoded("dtstart") == datetime.combine(day, time(9, 30), tzinfo=ZoneInfo("America/New_York"))


def test_two_consultations_get_different_links(client, alice, bob):
    client.force_login(alice)
    day = (date.today() + timedelta(days=1)).isoformat()
    for _ in range(2):
        client.post(
            f"/clients/{bob.pk}/consultations/new/", {"date": day, "time": "10:00", "duration_minutes": 45}
        )

    assert len(set(Consultation.objects.values_list("video_url", flat=True))) == 2


def test_scheduling_with_bad_input_keeps_what_was_typed(client, alice, bob):
    client.force_login(alice)

    response = client.post(
        f"/clients/{bob.pk}/consultations/new/",
        {"date": "2020-01-01", "time": "25:00", "duration_minutes": 500},
    )

    assert response.status_code == 400
    assert b"Enter a valid time." in response.content
    assert b'value="2020-01-01"' in response.content
    assert not Consultation.objects.exists()


def test_a_consultation_cannot_be_scheduled_at_a_time_already_past_today(client, alice, bob):
    alice.memberships.update(timezone="America/New_York")
    client.force_login(alice)
    zone = ZoneInfo("America/New_York")

    with time_machine.travel(datetime(2026, 11, 26, 15, 0, tzinfo=zone)):
        past = client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": "2026-11-26", "time": "09:00", "duration_minutes": 30},
        )
        later = client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": "2026-11-26", "time": "16:00", "duration_minutes": 30},
        )

    assert past.status_code == 400
    assert past.context["form"].errors == {"time": [PAST_TIME]}
    assert later.status_code == 302
    assert Consultation.objects.get().scheduled_at == datetime(2026, 11, 26, 16, 0, tzinfo=zone)


def test_yesterday_in_the_practitioners_timezone_is_refused(client, alice, bob):
    alice.memberships.update(timezone="America/New_York")
    client.force_login(alice)

    with time_machine.travel(datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("America/New_York"))):
        response = client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": "2026-11-25", "time": "16:00", "duration_minutes": 30},
        )

    assert response.status_code == 400
    assert response.context["form"].errors == {"time": [PAST_TIME]}
    assert not Consultation.objects.exists()


def consultation_of(bob, alice):
    return Consultation.objects.create(
        client=bob, practitioner=alice, scheduled_at=datetime.now(UTC), video_url="https://meet.example/x"
    )


def test_recording_a_consultation_saves_soap_pain_and_the_odi_score(client, alice, bob):
    consultation = consultation_of(bob, alice)
    client.force_login(alice)
    answers = {f"odi_{n}": str(v) for n, v in zip(range(1, 11), [2, 3, 1, 0, 4, 2, 1, "", 3, 2], strict=True)}

    response = client.post(
        f"/consultations/{consultation.pk}/",
        {
            "status": "completed",
            "subjective": "Low back ache",
            "objective": "",
            "assessment": "",
            "plan": "Home program",
            "pain": 6,
            **answers,
        },
    )

    consultation.refresh_from_db()
    assert response.status_code == 302
    assert (consultation.status, consultation.pain, consultation.odi_percent) == ("completed", 6, 40)
    assert consultation.odi_answers[7] is None
    assert consultation.subjective == "Low back ache"


def test_a_pain_score_over_ten_is_refused_next_to_the_field(client, alice, bob):
    consultation = consultation_of(bob, alice)
    client.force_login(alice)

    response = client.post(
        f"/consultations/{consultation.pk}/",
        {"status": "completed", "pain": 11, "subjective": "typed", "odi_1": "9"},
    )

    assert response.status_code == 400
    assert b"Ensure this value is less than or equal to 10" in response.content
    assert b"typed" in response.content
    consultation.refresh_from_db()
    assert consultation.pain is None


def test_prescribing_from_a_consultation_carries_it_along(client, alice, bob):
    consultation = consultation_of(bob, alice)
    client.force_login(alice)

    response = client.post(
        f"/clients/{bob.pk}/prescribe/?consultation={consultation.pk}",
        {"title": "After the call", "consultation": consultation.pk},
    )

    assert f"consultation={consultation.pk}" in response["Location"]
    page = client.get(response["Location"])
    assert page.context["consultation"] == consultation


def test_another_practices_consultation_is_404(client, charlie, alice, bob):
    consultation = consultation_of(bob, alice)
    client.force_login(charlie)

    assert client.get(f"/consultations/{consultation.pk}/").status_code == 404
    assert client.post(f"/consultations/{consultation.pk}/", {"status": "cancelled"}).status_code == 404
    assert client.post(f"/clients/{bob.pk}/consultations/new/", {}).status_code == 404
