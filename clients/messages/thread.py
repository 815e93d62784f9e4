"""A client's thread with the practice: sending, read marks on each side, unread counts.

Messages are plain text: stored as typed, escaped wherever shown, never rendered as HTML. The
other side is emailed that a message waits, never what it says (`delivery.message_waiting_request`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practice.models import Practice

from ..audit import audit_record
from ..models import AuditEvent, Client, Message
from ..reminders import delivery
from ..webhooks.events import emit

RECENT = 5  # the messages the client page shows above its link to the whole thread
EMPTY = _("Write a message.")
TOO_LONG = _("Keep a message to %(max)s characters (this one has %(length)s).")
ERASED = _("This client's data was erased: there is no one to write to.")


def body_clean(body) -> str:
    """The message as it is stored, or a ValidationError naming `body`."""
    if not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": EMPTY})
    body = body.strip()
    if len(body) > Message.MAX_LENGTH:
        raise ValidationError({"body": TOO_LONG % {"max": Message.MAX_LENGTH, "length": len(body)}})
    return body


@transaction.atomic
def message_send(*, client: Client, author, body, request=None) -> Message:
    """From the client when `author` is the client's sign-in, else from the practice; the other
    side is emailed that a message waits."""
    if client.erased_at is not None:
        raise ValidationError({"body": ERASED})
    from_client = author.pk == client.user_id
    message = Message.objects.create(
        client=client, author=author, from_client=from_client, body=body_clean(body)
    )
    audit_record(actor=author, client=client, action=AuditEvent.SEND_MESSAGE, obj=message, request=request)
    delivery.message_waiting_request(client=client, to_client=not from_client)
    emit("message.created", client.practice, message=message.pk, client=client.pk)
    return message


def messages_of(client: Client):
    """The whole thread, oldest first, each with its author."""
    return Message.objects.filter(client=client).select_related("author", "client")


def recent(client: Client, count: int = RECENT) -> list[Message]:
    """The last `count` messages, oldest first."""
    return list(reversed(messages_of(client).order_by("-created_at", "-id")[:count]))


def read_by_client(*, client: Client) -> int:
    """The client opened the thread: the practice's messages are read."""
    return _mark_read(client, from_client=False, by=client.user)


def read_by_practice(*, client: Client, by) -> int:
    """A practitioner has read the thread: the client's messages are read."""
    return _mark_read(client, from_client=True, by=by)


def practice_reads(*, client: Client, by, request=None) -> None:
    """A practitioner reads the thread: audited, like every reading of a client's record."""
    audit_record(actor=by, client=client, action=AuditEvent.READ_MESSAGES, request=request)


def _mark_read(client: Client, *, from_client: bool, by) -> int:
    unread = Message.objects.filter(client=client, from_client=from_client, read_at=None)
    return unread.update(read_at=timezone.now(), read_by=by)


def unread_for_client(client: Client) -> int:
    return Message.objects.filter(client=client, from_client=False, read_at=None).count()


def unread_for_practice(client: Client) -> int:
    return Message.objects.filter(client=client, from_client=True, read_at=None).count()


@dataclass(frozen=True)
class Unread:
    client: Client
    count: int
    since: datetime  # when the longest-waiting of them came


def clients_with_unread_messages(*, practice: Practice) -> list[Unread]:
    """The practice's clients whose messages no practitioner has read yet, with how many, the
    longest waiting first. Two queries whatever the number of clients."""
    waiting = (
        Message.objects.filter(client__practice=practice, from_client=True, read_at=None)
        .values("client_id")
        .annotate(count=Count("id"), oldest=Min("created_at"))
    )
    by_client = {row["client_id"]: row for row in waiting}
    clients = Client.objects.filter(pk__in=by_client, practice=practice)
    ordered = sorted(clients, key=lambda c: (by_client[c.pk]["oldest"], c.pk))
    return [Unread(c, by_client[c.pk]["count"], by_client[c.pk]["oldest"]) for c in ordered]
