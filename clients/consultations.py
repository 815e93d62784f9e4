"""Virtual consultations: scheduled with a private video link and a calendar invite, then recorded."""

import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from practice.mail import send

from .models import Client, Consultation

ODI_SECTIONS = 10


def odi_percent(answers: list[int | None]) -> int | None:
    """Oswestry: points over 5 times the sections answered, as a percentage; skipped sections don't count."""
    answered = [a for a in answers if a is not None]
    if not answered:
        return None
    return round(100 * sum(answered) / (5 * len(answered)))


def video_link() -> str:
    # 128 random bits: the room name is the only thing keeping strangers out of the call.
    return settings.VIDEO_BASE_URL + secrets.token_urlsafe(16)


def local_start(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


@transaction.atomic
def consultation_schedule(*, client: Client, starts_at: datetime, duration_minutes: int, by) -> Consultation:
    consultation = Consultation.objects.create(
        client=client,
        practitioner=by,
        scheduled_at=starts_at,
        duration_minutes=duration_minutes,
        video_url=video_link(),
    )
    transaction.on_commit(lambda: send_consultation_invite(consultation))
    return consultation


@transaction.atomic
def consultation_record(
    *, consultation: Consultation, fields: dict, odi_answers: list[int | None]
) -> Consultation:
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.odi_answers = odi_answers
    consultation.odi_percent = odi_percent(odi_answers)
    consultation.full_clean()
    consultation.save()
    return consultation


def consultation_ics(consultation: Consultation) -> bytes:
    practice = consultation.client.practice
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rehabit//Consultations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"consultation-{consultation.pk}@rehabit")
    event.add("dtstamp", timezone.now())
    # In UTC: a local time would need a VTIMEZONE for its TZID (RFC 5545 3.2.19), or calendars guess.
    starts_at = consultation.scheduled_at.astimezone(UTC)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=consultation.duration_minutes))
    event.add("summary", f"Video consultation with {practice.name}")
    event.add("location", consultation.video_url)
    event.add("url", consultation.video_url)
    event.add("description", f"Join the video call: {consultation.video_url}")
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def send_consultation_invite(consultation: Consultation) -> None:
    client = consultation.client
    local = consultation.scheduled_at.astimezone(ZoneInfo(client.timezone))
    context = {
        "client": client,
        "practice": client.practice,
        "consultation": consultation,
        "local": local,
        "site_url": settings.SITE_URL,
    }
    # Templates show datetimes in the active timezone: make it the client's, whoever sends.
    with timezone.override(ZoneInfo(client.timezone)), translation.override(client.language):
        send(
            "consultation_invite",
            context,
            to=client.email,
            attachments=[
                ("consultation.ics", consultation_ics(consultation), "text/calendar; method=REQUEST")
            ],
        )
