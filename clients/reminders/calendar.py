"""The calendar invite (.ics) a consultation notice carries."""

from datetime import UTC, timedelta
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from ..models import Client, Consultation


def calendar_uid(consultation: Consultation) -> str:
    """Unique everywhere (not a row number another database may reuse); a consultation invited
    before UIDs were kept goes on with the one its client's calendar already has."""
    if consultation.calendar_uid is None:
        return f"consultation-{consultation.pk}@rehabit"
    return f"{consultation.calendar_uid}@rehabit"


def consultation_ics(consultation: Consultation) -> bytes:
    """The calendar invite as it stands: the event, or its cancellation, in the client's language.

    METHOD:REQUEST with an ORGANIZER (RFC 5546 requires one) rather than PUBLISH: Gmail, Outlook
    and Apple Calendar move an event they already have when a REQUEST with the same UID and a
    higher SEQUENCE arrives, and remove it on a CANCEL, but treat PUBLISH as a copy to import
    (an update adds a second event, and nothing withdraws one). The organizer is the address the
    email comes from, so mail apps do not flag the invite as sent on someone else's behalf;
    RSVP=FALSE tells them no reply is expected, as nobody reads that mailbox.
    """
    client = consultation.client
    cancelled = consultation.status == Consultation.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rehabit//Consultations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", calendar_uid(consultation))
    event.add("sequence", consultation.sequence)
    event.add("dtstamp", timezone.now())
    # In UTC: a local time would need a VTIMEZONE for its TZID (RFC 5545 3.2.19), or calendars guess.
    starts_at = consultation.scheduled_at.astimezone(UTC)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=consultation.duration_minutes))
    event.add("organizer", _organizer(client.practice.name))
    event.add("attendee", _attendee(client))
    with translation.override(client.language):
        event.add(
            "summary", gettext("Video consultation with %(practice)s") % {"practice": client.practice.name}
        )
        event.add("description", gettext("Join the video call: %(url)s") % {"url": consultation.video_url})
    event.add("location", consultation.video_url)
    event.add("url", consultation.video_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def _organizer(name: str) -> icalendar.vCalAddress:
    organizer = icalendar.vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["CN"] = name
    return organizer


def _attendee(client: Client) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(f"mailto:{client.email}")
    attendee.params.update(
        {"CN": client.name, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    )
    return attendee
