"""A consultation moved or cancelled: the client is told each time, their calendar follows,
and the reminders go for the time that holds."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from clients.admin import ConsultationAdmin
from clients.consultations import booking
from clients.models import Consultation, Reminder
from clients.reminders import calendar, delivery
from tests.conftest import api_as
from tests.factories import deliver_queued

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
BOOKED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
STARTS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday, 15:00 in London
MOVED_TO = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)  # Saturday, 11:00 in London


def book(client, alice, bob) -> Consultation:
    client.force_login(alice)
    with time_machine.travel(BOOKED, tick=False):
        client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": "2026-11-26", "time": "15:00", "duration_minutes": 30},
        )
        deliver_queued(now=BOOKED)
    return Consultation.objects.get(client=bob)


def move(client, consultation, *, to: datetime, at: datetime, minutes: int = 45, follow: bool = False):
    local = to.astimezone(LONDON)
    with time_machine.travel(at, tick=False):
        response = client.post(
            f"/consultations/{consultation.pk}/move/",
            {
                "move-date": local.date().isoformat(),
                "move-time": f"{local:%H:%M}",
                "move-duration_minutes": minutes,
            },
            follow=follow,
        )
        deliver_queued(now=at)
    return response


def cancel(client, consultation, *, at: datetime):
    with time_machine.travel(at, tick=False):
        response = client.post(f"/consultations/{consultation.pk}/", {"status": "cancelled"})
        deliver_queued(now=at)
    return response


def event_of(message) -> tuple[icalendar.Calendar, icalendar.Event]:
    content = message.attachments[0][1]
    calendar = icalendar.Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def send_due(now: datetime) -> list[str | None]:
    return [delivery.deliver(pk, now=now) for pk in delivery.sweep(now=now)]


@pytest.fixture
def practitioner_in_london(alice):
    alice.memberships.update(timezone="Europe/London")
    return alice


def test_moving_a_consultation_moves_the_event_in_the_clients_calendar(client, practitioner_in_london, bob):
    consultation = book(client, practitioner_in_london, bob)
    invite = mail.outbox[-1]

    response = move(client, consultation, to=MOVED_TO, at=BOOKED + timedelta(hours=1))

    assert response.status_code == 302
    moved = mail.outbox[-1]
    assert moved.to == ["bob@example.com"]
    assert moved.subject == "Your consultation with Alice's Clinic is moved to 28 November at 11:00"
    assert "is moved to Saturday 28 November 2026 at 11:00 (Europe/London), for 45 minutes" in moved.body
    assert moved.attachments[0][2] == "text/calendar; method=REQUEST"
    (_, first), (calendar, event) = event_of(invite), event_of(moved)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["UID"] == first["UID"]
    assert event["SEQUENCE"] > first["SEQUENCE"]
    assert event.decoded("dtstart") == MOVED_TO
    assert event.decoded("dtend") == MOVED_TO + timedelta(minutes=45)
    assert str(event["STATUS"]) == "CONFIRMED"


def test_each_consultation_has_a_calendar_uid_of_its_own_and_an_older_one_keeps_its_first(
    client, practitioner_in_london, bob
):
    first = book(client, practitioner_in_london, bob)
    _, event = event_of(mail.outbox[-1])
    second = Consultation.objects.create(client=bob, scheduled_at=STARTS)
    legacy = Consultation.objects.create(client=bob, scheduled_at=STARTS, calendar_uid=None)

    assert str(event["UID"]) == f"{first.calendar_uid}@rehabit"
    assert first.calendar_uid != second.calendar_uid
    assert calendar.calendar_uid(legacy) == f"consultation-{legacy.pk}@rehabit"


def test_the_invite_names_the_practice_sender_as_organizer_and_asks_no_reply(
    client, practitioner_in_london, bob, settings
):
    settings.DEFAULT_FROM_EMAIL = "Alice's Clinic <bookings@alice.example>"

    book(client, practitioner_in_london, bob)

    _, event = event_of(mail.outbox[-1])
    assert str(event["ORGANIZER"]) == "mailto:bookings@alice.example"
    assert event["ORGANIZER"].params["CN"] == "Alice's Clinic"
    assert str(event["ATTENDEE"]) == "mailto:bob@example.com"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"


def test_reminders_follow_the_new_time_and_none_goes_for_the_old_one(client, practitioner_in_london, bob):
    consultation = book(client, practitioner_in_london, bob)
    move(client, consultation, to=MOVED_TO, at=BOOKED + timedelta(hours=1))
    mail.outbox.clear()

    assert send_due(STARTS - timedelta(hours=24)) == []
    assert send_due(STARTS - timedelta(hours=1)) == []
    assert send_due(MOVED_TO - timedelta(hours=24)) == [Reminder.SENT]
    assert send_due(MOVED_TO - timedelta(minutes=59)) == [Reminder.SENT]

    assert [m.subject for m in mail.outbox] == [
        "Your consultation with Alice's Clinic is tomorrow at 11:00",
        "Your consultation with Alice's Clinic starts in an hour",
    ]


def test_a_reminder_sent_before_the_move_does_not_stand_in_for_the_new_time(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    assert send_due(STARTS - timedelta(hours=24)) == [Reminder.SENT]

    move(client, consultation, to=MOVED_TO, at=STARTS - timedelta(hours=20))

    assert send_due(STARTS - timedelta(minutes=59)) == []
    assert send_due(MOVED_TO - timedelta(hours=24)) == [Reminder.SENT]
    assert mail.outbox[-1].subject.endswith("tomorrow at 11:00")


def test_a_reminder_written_for_the_old_time_but_not_yet_sent_is_not_sent(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    (written,) = delivery.sweep(now=STARTS - timedelta(hours=24))
    mail.outbox.clear()

    move(client, consultation, to=MOVED_TO, at=STARTS - timedelta(hours=24))  # the worker then sends both

    row = Reminder.objects.get(pk=written)
    assert (row.status, row.reason) == (
        Reminder.SKIPPED,
        "written for an earlier time; the consultation was moved",
    )
    assert [m.subject for m in mail.outbox] == [
        "Your consultation with Alice's Clinic is moved to 28 November at 11:00"
    ]


def test_a_consultation_moved_to_within_the_hour_is_not_reminded_of_what_the_email_just_said(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    now = STARTS - timedelta(hours=3)

    move(client, consultation, to=now + timedelta(minutes=40), at=now)
    mail.outbox.clear()

    assert send_due(now) == [Reminder.SKIPPED, Reminder.SKIPPED]
    assert mail.outbox == []


def test_cancelling_tells_the_client_and_removes_the_event_and_no_reminder_follows(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    invite = mail.outbox[-1]

    response = cancel(client, consultation, at=BOOKED + timedelta(days=1))

    assert response.status_code == 302
    cancelled = mail.outbox[-1]
    assert cancelled.subject == "Cancelled: your consultation with Alice's Clinic on 26 November"
    assert "on Thursday 26 November 2026 at 15:00 (Europe/London) is cancelled" in cancelled.body
    assert cancelled.attachments[0][2] == "text/calendar; method=CANCEL"
    (_, first), (calendar, event) = event_of(invite), event_of(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert (event["UID"], str(event["STATUS"])) == (first["UID"], "CANCELLED")
    assert event["SEQUENCE"] > first["SEQUENCE"]
    assert str(event["ORGANIZER"]) == str(first["ORGANIZER"])
    mail.outbox.clear()
    assert send_due(STARTS - timedelta(hours=24)) == []
    assert send_due(STARTS - timedelta(minutes=59)) == []
    assert mail.outbox == []


def test_saving_the_record_of_a_cancelled_consultation_again_sends_nothing_more(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    cancel(client, consultation, at=BOOKED + timedelta(days=1))
    mail.outbox.clear()

    cancel(client, consultation, at=BOOKED + timedelta(days=2))

    assert mail.outbox == []


def test_a_cancelled_consultation_cannot_be_scheduled_again(client, practitioner_in_london, bob):
    consultation = book(client, practitioner_in_london, bob)
    cancel(client, consultation, at=BOOKED + timedelta(days=1))

    with time_machine.travel(BOOKED + timedelta(days=1), tick=False):
        response = client.post(f"/consultations/{consultation.pk}/", {"status": "scheduled"})
        moved = move(client, consultation, to=MOVED_TO, at=BOOKED + timedelta(days=1))

    assert response.status_code == 400
    assert b"schedule a new one instead" in response.content
    assert moved.status_code == 400
    consultation.refresh_from_db()
    assert (consultation.status, consultation.scheduled_at) == ("cancelled", STARTS)


def test_a_consultation_cancelled_while_the_move_page_was_open_is_not_moved(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.CANCELLED)
    sent = len(mail.outbox)

    with time_machine.travel(BOOKED, tick=False), pytest.raises(ValidationError) as refused:
        booking.consultation_move(consultation=consultation, starts_at=MOVED_TO, duration_minutes=30)

    assert refused.value.message_dict == {"scheduled_at": [booking.NOT_MOVABLE]}
    consultation.refresh_from_db()
    assert (consultation.status, consultation.scheduled_at) == ("cancelled", STARTS)
    assert len(mail.outbox) == sent


def test_a_consultation_cancelled_while_its_record_page_was_open_is_not_scheduled_again(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.CANCELLED)

    with time_machine.travel(BOOKED, tick=False), pytest.raises(ValidationError) as refused:
        booking.consultation_record(
            consultation=consultation, fields={"status": "scheduled", "plan": "Walk daily"}, odi_answers=None
        )

    assert refused.value.message_dict == {"status": [booking.STAYS_CANCELLED]}
    consultation.refresh_from_db()
    assert (consultation.status, consultation.plan) == ("cancelled", "")


def test_moving_a_cancelled_consultation_in_the_workspace_says_why_it_is_refused(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    cancel(client, consultation, at=BOOKED + timedelta(days=1))

    response = move(client, consultation, to=MOVED_TO, at=BOOKED + timedelta(days=1))

    assert response.status_code == 400
    assert b"Only a scheduled consultation can be moved." in response.content


def test_a_consultation_cannot_be_moved_into_the_past(client, practitioner_in_london, bob):
    consultation = book(client, practitioner_in_london, bob)
    sent = len(mail.outbox)

    response = move(client, consultation, to=BOOKED - timedelta(hours=1), at=BOOKED + timedelta(hours=1))

    assert response.status_code == 400
    assert response.context["move_form"].errors == {"time": [booking.PAST_TIME]}
    consultation.refresh_from_db()
    assert consultation.scheduled_at == STARTS
    assert len(mail.outbox) == sent


def test_moving_to_an_earlier_day_says_what_booking_an_earlier_day_says_on_the_same_field(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    at = BOOKED + timedelta(days=1)

    moved = move(client, consultation, to=at - timedelta(days=1), at=at)
    with time_machine.travel(at, tick=False):
        booked = client.post(
            f"/clients/{bob.pk}/consultations/new/",
            {"date": f"{at - timedelta(days=1):%Y-%m-%d}", "time": "15:00", "duration_minutes": 30},
        )

    assert moved.context["move_form"].errors == booked.context["form"].errors == {"time": [booking.PAST_TIME]}


def test_after_a_refused_move_the_record_form_still_saves_the_notes(client, practitioner_in_london, bob):
    consultation = book(client, practitioner_in_london, bob)
    refused = move(client, consultation, to=BOOKED - timedelta(hours=1), at=BOOKED + timedelta(hours=1))
    # The page is shown at the move URL: the record form must not post its notes there.
    record_form = re.search(r'<form class="card form"[^>]*>', refused.content.decode()).group(0)
    action = re.search(r'action="([^"]+)"', record_form)
    target = action.group(1) if action else f"/consultations/{consultation.pk}/move/"

    with time_machine.travel(BOOKED + timedelta(hours=1), tick=False):
        response = client.post(target, {"status": "scheduled", "subjective": "Sleeps better"})

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.subjective == "Sleeps better"
    assert consultation.scheduled_at == STARTS


def test_a_spanish_speaking_client_is_told_of_the_move_and_the_cancellation_in_spanish(
    client, practitioner_in_london, bob
):
    bob.language = "es"
    bob.save()
    consultation = book(client, practitioner_in_london, bob)

    move(client, consultation, to=MOVED_TO, at=BOOKED + timedelta(hours=1))
    cancel(client, consultation, at=BOOKED + timedelta(hours=2))

    invite, moved, cancelled = mail.outbox
    assert invite.subject == "Su consulta por vídeo con Alice's Clinic el 26 de noviembre"
    assert moved.subject == "Su consulta con Alice's Clinic se ha cambiado al 28 de noviembre a las 11:00"
    assert "se ha cambiado al sábado 28 de noviembre de 2026 a las 11:00 (Europe/London)" in moved.body
    assert '<html lang="es">' in moved.alternatives[0][0]
    assert cancelled.subject == "Cancelada: su consulta con Alice's Clinic el 28 de noviembre"
    assert "ha sido cancelada" in cancelled.body
    _, event = event_of(moved)
    assert str(event["SUMMARY"]) == "Consulta por vídeo con Alice's Clinic"


def test_another_practice_cannot_move_or_cancel_a_consultation(client, practitioner_in_london, bob, charlie):
    consultation = book(client, practitioner_in_london, bob)
    client.force_login(charlie)

    assert move(client, consultation, to=MOVED_TO, at=BOOKED).status_code == 404
    assert cancel(client, consultation, at=BOOKED).status_code == 404
    consultation.refresh_from_db()
    assert (consultation.status, consultation.scheduled_at) == ("scheduled", STARTS)


# --- the practitioner API --------------------------------------------------------------


def api_book(api, bob, *, at=STARTS, now=BOOKED):
    with time_machine.travel(now, tick=False):
        response = api.post(
            "/api/v1/consultations/", {"client": bob.pk, "scheduled_at": at.isoformat()}, format="json"
        )
        deliver_queued(now=now)
    return response


def api_patch(api, consultation_id, body, *, now):
    with time_machine.travel(now, tick=False):
        response = api.patch(f"/api/v1/consultations/{consultation_id}/", body, format="json")
        deliver_queued(now=now)
    return response


def test_booking_through_the_api_makes_a_video_link_and_sends_the_invite(alice, bob, settings):
    settings.VIDEO_BASE_URL = "https://video.example/rehabit-"

    response = api_book(api_as(alice), bob)

    assert response.status_code == 201
    body = response.json()
    assert body["video_url"].startswith("https://video.example/rehabit-")
    assert len(body["video_url"]) > len("https://video.example/rehabit-") + 20
    assert body["practitioner"] == alice.pk
    (invite,) = mail.outbox
    assert body["video_url"] in invite.body
    _, event = event_of(invite)
    assert event.decoded("dtstart") == STARTS
    assert send_due(STARTS - timedelta(hours=24)) == [Reminder.SENT]


def test_the_api_refuses_a_past_time_naming_the_field(alice, bob):
    api = api_as(alice)

    response = api_book(api, bob, at=datetime(2020, 1, 1, 9, 0, tzinfo=UTC))
    created = api_book(api, bob).json()
    moved = api_patch(api, created["id"], {"scheduled_at": "2020-01-01T09:00:00Z"}, now=BOOKED)

    assert (response.status_code, response.json()["field"]) == (400, "scheduled_at")
    assert "already passed" in response.json()["message"]
    assert (moved.status_code, moved.json()["field"]) == (400, "scheduled_at")
    assert list(Consultation.objects.values_list("scheduled_at", flat=True)) == [STARTS]


def test_the_api_refuses_a_video_link_or_a_status_other_than_scheduled_on_booking(alice, bob):
    api = api_as(alice)
    with time_machine.travel(BOOKED, tick=False):
        mine = api.post(
            "/api/v1/consultations/",
            {"client": bob.pk, "scheduled_at": STARTS.isoformat(), "video_url": "https://evil.example/"},
            format="json",
        )
        completed = api.post(
            "/api/v1/consultations/",
            {"client": bob.pk, "scheduled_at": STARTS.isoformat(), "status": "completed"},
            format="json",
        )

    assert mine.json()["video_url"] != "https://evil.example/"
    assert (completed.status_code, completed.json()["field"]) == (400, "status")


def test_patching_the_time_through_the_api_moves_it_like_the_workspace(alice, bob):
    api = api_as(alice)
    created = api_book(api, bob).json()

    response = api_patch(api, created["id"], {"scheduled_at": MOVED_TO.isoformat()}, now=BOOKED)

    assert response.status_code == 200
    assert response.json()["scheduled_at"] == "2026-11-28T11:00:00Z"
    invite, moved = mail.outbox
    assert moved.subject == "Your consultation with Alice's Clinic is moved to 28 November at 11:00"
    assert event_of(moved)[1]["UID"] == event_of(invite)[1]["UID"]
    assert event_of(moved)[1]["SEQUENCE"] > event_of(invite)[1]["SEQUENCE"]
    mail.outbox.clear()
    assert send_due(STARTS - timedelta(hours=24)) == []
    assert send_due(MOVED_TO - timedelta(hours=24)) == [Reminder.SENT]


def test_patching_the_status_to_cancelled_through_the_api_cancels_it_like_the_workspace(alice, bob):
    api = api_as(alice)
    created = api_book(api, bob).json()

    response = api_patch(api, created["id"], {"status": "cancelled"}, now=BOOKED)
    again = api_patch(api, created["id"], {"status": "scheduled"}, now=BOOKED)

    assert response.status_code == 200
    cancelled = mail.outbox[-1]
    calendar, event = event_of(cancelled)
    assert (str(calendar["METHOD"]), str(event["STATUS"])) == ("CANCEL", "CANCELLED")
    assert (again.status_code, again.json()["field"]) == (400, "status")
    assert len(mail.outbox) == 2
    assert send_due(STARTS - timedelta(hours=24)) == []


def test_a_cancelled_consultation_cannot_be_moved_through_the_api(alice, bob):
    api = api_as(alice)
    created = api_book(api, bob).json()
    api_patch(api, created["id"], {"status": "cancelled"}, now=BOOKED)

    response = api_patch(api, created["id"], {"scheduled_at": MOVED_TO.isoformat()}, now=BOOKED)

    assert (response.status_code, response.json()["field"]) == (400, "scheduled_at")


def test_the_api_refuses_a_move_with_a_new_status_or_a_new_length_of_a_cancelled_one_naming_the_field(
    alice, bob
):
    api = api_as(alice)
    created = api_book(api, bob).json()

    moved_and_cancelled = api_patch(
        api, created["id"], {"scheduled_at": MOVED_TO.isoformat(), "status": "cancelled"}, now=BOOKED
    )
    api_patch(api, created["id"], {"status": "cancelled"}, now=BOOKED)
    longer = api_patch(api, created["id"], {"duration_minutes": 60}, now=BOOKED)

    assert (moved_and_cancelled.status_code, moved_and_cancelled.json()["field"]) == (400, "scheduled_at")
    assert (longer.status_code, longer.json()["field"]) == (400, "duration_minutes")
    assert "Only a scheduled consultation can be moved." in longer.json()["message"]
    consultation = Consultation.objects.get()
    assert (consultation.scheduled_at, consultation.duration_minutes) == (STARTS, 45)
    assert [m.subject.split(":")[0] for m in mail.outbox][1:] == ["Cancelled"]


def test_notes_patched_through_the_api_tell_the_client_nothing(alice, bob):
    api = api_as(alice)
    created = api_book(api, bob).json()

    response = api_patch(api, created["id"], {"subjective": "Stiff mornings"}, now=BOOKED)

    assert response.status_code == 200
    assert len(mail.outbox) == 1


def test_an_upcoming_consultation_is_cancelled_not_deleted_through_the_api(alice, bob):
    api = api_as(alice)
    created = api_book(api, bob).json()

    with time_machine.travel(BOOKED, tick=False):
        response = api.delete(f"/api/v1/consultations/{created['id']}/")

    assert response.status_code == 409
    assert Consultation.objects.filter(pk=created["id"]).exists()


def cancel_before_the_worker_sends(api, consultation_id):
    with time_machine.travel(BOOKED, tick=False):
        api.patch(f"/api/v1/consultations/{consultation_id}/", {"status": "cancelled"}, format="json")


def api_delete(api, consultation_id):
    with time_machine.travel(BOOKED, tick=False):
        return api.delete(f"/api/v1/consultations/{consultation_id}/")


def test_a_cancelled_consultation_is_kept_before_and_after_the_client_is_told(alice, bob):
    api = api_as(alice)
    created = api_book(api, bob).json()
    cancel_before_the_worker_sends(api, created["id"])

    untold = api_delete(api, created["id"])
    deliver_queued(now=BOOKED)
    told = api_delete(api, created["id"])

    assert (untold.status_code, told.status_code) == (409, 409)
    assert "their reminders page keeps every email" in told.json()["message"]
    _, cancelled = mail.outbox
    assert cancelled.subject == "Cancelled: your consultation with Alice's Clinic on 26 November"
    assert str(event_of(cancelled)[0]["METHOD"]) == "CANCEL"
    assert Consultation.objects.filter(pk=created["id"]).exists()
    assert Reminder.objects.filter(consultation=created["id"]).count() == 2


def test_a_cancelled_consultation_whose_email_failed_for_good_is_kept(alice, bob):
    api = api_as(alice)
    created = api_book(api, bob).json()
    cancel_before_the_worker_sends(api, created["id"])
    told = Reminder.objects.filter(kind=Reminder.CONSULTATION_CANCELLED)
    told.update(status=Reminder.FAILED, attempts=5, reason="SMTPRecipientsRefused on attempt 5")

    response = api_delete(api, created["id"])

    assert response.status_code == 409
    assert Consultation.objects.filter(pk=created["id"]).exists()
    assert told.get().status == Reminder.FAILED  # still on the client's reminders page


def test_the_admin_offers_no_delete_of_a_consultation_the_client_was_told_of(alice, bob, django_user_model):
    request = RequestFactory().get("/admin/clients/consultation/")
    request.user = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    consultation_admin = ConsultationAdmin(Consultation, site)
    api = api_as(alice)
    consultation = Consultation.objects.get(pk=api_book(api, bob).json()["id"])
    cancel_before_the_worker_sends(api, consultation.pk)
    untold = consultation_admin.has_delete_permission(request, consultation)

    deliver_queued(now=BOOKED)

    assert not untold
    assert not consultation_admin.has_delete_permission(request, consultation)
    assert "delete_selected" not in consultation_admin.get_actions(request)


def test_another_practice_cannot_move_or_cancel_through_the_api(alice, bob, charlie):
    created = api_book(api_as(alice), bob).json()
    outsider = api_as(charlie)

    moved = api_patch(outsider, created["id"], {"scheduled_at": MOVED_TO.isoformat()}, now=BOOKED)
    cancelled = api_patch(outsider, created["id"], {"status": "cancelled"}, now=BOOKED)

    assert (moved.status_code, cancelled.status_code) == (404, 404)
    assert Consultation.objects.get().scheduled_at == STARTS
    assert len(mail.outbox) == 1


def test_a_short_consultation_booked_through_the_api_is_moved_in_the_workspace_keeping_its_length(
    client, practitioner_in_london, bob
):
    with time_machine.travel(BOOKED, tick=False):
        api_as(practitioner_in_london).post(
            "/api/v1/consultations/",
            {"client": bob.pk, "scheduled_at": STARTS.isoformat(), "duration_minutes": 5},
            format="json",
        )
    consultation = Consultation.objects.get(client=bob)
    client.force_login(practitioner_in_london)

    response = move(client, consultation, to=MOVED_TO, at=BOOKED, minutes=5)

    consultation.refresh_from_db()
    assert response.status_code == 302
    assert (consultation.scheduled_at, consultation.duration_minutes) == (MOVED_TO, 5)


def test_the_move_address_opened_again_leads_back_to_the_consultation(client, practitioner_in_london, bob):
    consultation = book(client, practitioner_in_london, bob)

    response = client.get(f"/consultations/{consultation.pk}/move/")

    assert response.status_code == 302 and response["Location"] == f"/consultations/{consultation.pk}/"


def test_moving_to_the_time_it_already_has_says_nothing_changed_and_emails_nobody(
    client, practitioner_in_london, bob
):
    consultation = book(client, practitioner_in_london, bob)
    sent = len(mail.outbox)

    response = move(client, consultation, to=STARTS, at=BOOKED, minutes=30, follow=True)

    assert b"nothing changed, nobody was emailed" in response.content
    assert len(mail.outbox) == sent
