"""What waits for someone: a message (an email to the client or to the client's practitioner,
and to the client's phones by push where they opted in), or a questionnaire to answer (by push
only). Neither carries what was written: only that something waits, and where."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from ..models import Message, Reminder
from ..scheduling import in_quiet_hours
from .alerts import practitioner_of
from .channels import Notice


def message_waiting_notice(reminder: Reminder, now: datetime) -> Notice | str:
    client = reminder.client
    to_client = reminder.kind == Reminder.MESSAGE_TO_CLIENT
    if client.erased_at is not None:
        return "the client's data was erased"
    if not Message.objects.filter(client=client, from_client=not to_client, read_at=None).exists():
        return "read before the email left"
    context = {"client": client, "practice": client.practice}
    if to_client:
        if client.user_id is None:
            return "the client has no sign-in yet"
        context["app_url"] = f"{settings.SITE_URL}/app/"
        return Notice("message_to_client", client, context, zone=client.timezone, language=client.language)
    practitioner = practitioner_of(client)
    if practitioner is None:
        return "client has no practitioner"
    context["messages_url"] = settings.SITE_URL + reverse("workspace:client-messages", args=[client.pk])
    return Notice("message_to_practice", practitioner, context, zone=client.timezone)


def questionnaire_due_notice(reminder: Reminder, now: datetime) -> Notice | str:
    """The push that a questionnaire fell due today (`consultations.asking` writes the row)."""
    client = reminder.client
    if client.erased_at is not None or client.user_id is None:
        return "the client has no sign-in"
    if not client.push_questionnaires:
        return "client turned questionnaire notifications off"
    if in_quiet_hours(client, now):
        return "falls in the client's quiet hours"
    context = {"client": client, "practice": client.practice}
    return Notice("questionnaire_due", client, context, zone=client.timezone, language=client.language)
