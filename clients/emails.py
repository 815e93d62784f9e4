"""One small function per email kind; subject, text and HTML templates side by side."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import Assignment, Reminder
from .today import slots_for_day


def send_exercise_reminder(reminder: Reminder) -> None:
    client = reminder.client
    slots = slots_for_day(Assignment.objects.filter(pk=reminder.assignment_id), reminder.local_date)
    context = {
        "client": client,
        "day": reminder.local_date,
        "practice": client.practice,
        "items": [slot.item for slot in slots if slot.session == 1],
        "sessions": reminder.assignment.sessions_per_day,
        "site_url": settings.SITE_URL,
    }
    _send("exercise_reminder", context, to=client.email)


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
