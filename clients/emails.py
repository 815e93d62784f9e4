"""One small function per email kind; subject, text and HTML templates side by side."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import Reminder
from .today import Slot


def send_exercise_reminder(reminder: Reminder, slots: list[Slot]) -> None:
    """The day's exercises, from every program the client has due that day."""
    client = reminder.client
    context = {
        "client": client,
        "day": reminder.local_date,
        "practice": client.practice,
        "items": [slot.item for slot in slots if slot.session == 1],
        "sessions": max(slot.session for slot in slots),
        "site_url": settings.SITE_URL,
    }
    _send("exercise_reminder", context, to=client.email)


def send_invitation(client, link: str, expires_at) -> None:
    context = {"client": client, "practice": client.practice, "link": link, "expires_at": expires_at}
    _send("invitation", context, to=client.email)


def send_erasure_requested(client, owner_emails: list[str]) -> None:
    context = {"client": client, "practice": client.practice, "site_url": settings.SITE_URL}
    for email in owner_emails:
        _send("erasure_requested", context, to=email)


def _send(kind: str, context: dict, *, to: str, headers: dict | None = None) -> None:
    subject = render_to_string(f"emails/{kind}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{kind}.txt", context),
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"emails/{kind}.html", context), "text/html")
    message.send()
