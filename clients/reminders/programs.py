"""The client is told of a program: when a practitioner assigns one, and when they publish a new
version of it, with what changed. The row is written with the version (`assignments/versions.py`);
this composes what it says, or why nothing is sent."""

from datetime import datetime

from django.conf import settings
from django.utils import translation

from programs.models import dosage_words

from ..assignments import changes
from ..models import Assignment, Reminder
from .channels import Notice, unsubscribe_url

TEMPLATES = {Reminder.PROGRAM_ASSIGNED: "program_assigned", Reminder.PROGRAM_UPDATED: "program_updated"}


def program_notice(reminder: Reminder, now: datetime) -> Notice | str:
    client, assignment, version = reminder.client, reminder.assignment, reminder.version
    if not client.reminders_enabled:
        return "client turned reminders off"
    if assignment.status == Assignment.ENDED:
        return "the program has ended"
    changes.word_versions([version], language=client.language)
    context = {
        "client": client,
        "practice": client.practice,
        "assignment": assignment,
        "title": version.program.title,
        "version": version.number,
        "changes": version.said,
        "items": _items(version, client.language),
        "schedule": version.schedule,
        "app_url": f"{settings.SITE_URL}/app/",
    }
    return Notice(
        TEMPLATES[reminder.kind],
        client,
        context,
        unsubscribe_url=unsubscribe_url(client),
        zone=client.timezone,
        language=client.language,
    )


def _items(version, language: str) -> list[dict]:
    """The version's exercises with their dosage, in the client's language and the program's order."""
    with translation.override(language):
        return [
            {"name": item.exercise.words_in(language)["name"], "dosage": dosage_words(item)}
            for item in version.program.items.select_related("exercise").order_by("position")
        ]
