"""The email that a message waits: to the client, or to the client's practitioner. It never
carries the message: only that one waits, and where to read it."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from ..models import Message, Reminder
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
