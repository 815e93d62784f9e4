"""The events a practice's endpoints may hear of, and `emit`, which each room calls in the
transaction of its change: a delivery row for every enabled endpoint subscribed to the event,
committed with the change or not at all, then sent by a worker (`delivery`).

A payload holds ids and links to the API only: never a name, a note, a pain score or a message's
text. The receiver reads what it is allowed to through the API, with its own token.
"""

from collections.abc import Iterable
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practice.models import Practice

from ..models import WebhookDelivery, WebhookEndpoint
from .delivery import queue_deliveries
from .signing import new_webhook_id

EVENTS = {
    "completion.created": _("A client checked an exercise off"),
    "completion.deleted": _("A client took a check-off back"),
    "alert.raised": _("An alert was raised (pain, missed days, quiet)"),
    "assignment.created": _("A program was assigned"),
    "assignment.versioned": _("A new version of an assigned program was published"),
    "questionnaire.completed": _("A client answered a questionnaire"),
    "message.created": _("A message was written in a client's thread"),
}

# The API page of each id a payload may carry: (URL name, the ids it takes).
LINKS = {
    "client": ("api:client-detail", ("client",)),
    "assignment": ("api:assignment-detail", ("assignment",)),
    "messages": ("api:client-messages", ("client",)),
}
LINKED_BY = {"client": ("client", "messages"), "assignment": ("assignment",)}


def emit(event: str, practice: Practice, **ids) -> None:
    """Tell `practice`'s endpoints of `event` about the objects `ids` (names to ids). Nothing, not
    even a query, when none of them hears of it (`Practice.webhook_events`, the usual case)."""
    if heard(event, practice):
        emit_many(event, [(practice.pk, ids)])


def heard(event: str, practice: Practice) -> bool:
    """Whether any of `practice`'s endpoints hears of `event`, known without a query."""
    return event in practice.webhook_events


def emit_many(event: str, happenings: Iterable[tuple[int, dict]]) -> None:
    """As `emit`, for several happenings of one event, of practices not at hand: one query for all
    their practices, and that query is all it costs when none has an endpoint."""
    happenings = list(happenings)
    if not happenings:
        return
    endpoints = _subscribed(event, {practice_id for practice_id, _ in happenings})
    if not endpoints:
        return
    now = timezone.now()
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            webhook_id=new_webhook_id(),
            payload=payload(event, ids, at=now),
            next_attempt_at=now,
            queued_at=now,  # queued on commit, just below
        )
        for practice_id, ids in happenings
        for endpoint in endpoints.get(practice_id, ())
    ]
    WebhookDelivery.objects.bulk_create(rows)
    queue_after_commit([row.pk for row in rows])


def _subscribed(event: str, practice_ids: set[int]) -> dict[int, list[WebhookEndpoint]]:
    # The events are filtered here, not in SQL: a JSON list's containment is not portable to
    # SQLite, and a practice has a handful of endpoints at most.
    endpoints = {}
    for endpoint in WebhookEndpoint.objects.filter(practice_id__in=practice_ids, enabled=True):
        if event in endpoint.events:
            endpoints.setdefault(endpoint.practice_id, []).append(endpoint)
    return endpoints


def payload(event: str, ids: dict, *, at) -> dict:
    data = {name: str(value) if isinstance(value, UUID) else value for name, value in ids.items()}
    return {"type": event, "timestamp": at.isoformat(), "data": {**data, "links": links(ids)}}


def links(ids: dict) -> dict[str, str]:
    found = {}
    for name in ids:
        for link in LINKED_BY.get(name, ()):
            url_name, args = LINKS[link]
            found[link] = settings.SITE_URL + reverse(url_name, args=[ids[arg] for arg in args])
    return found


def queue_after_commit(delivery_ids: list[int]) -> None:
    """Queue the first attempts once the change is committed; should the broker be down, the
    sweep (every few seconds) finds the rows all the same."""
    transaction.on_commit(lambda: queue_deliveries(delivery_ids))
