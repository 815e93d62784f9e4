"""A practice's endpoints: registered, changed, turned off and on, their secret rotated, deleted;
each change leaves a WebhookEndpointEvent in the same transaction, for the owners' history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from practice.models import Practice

from ..models import WebhookEndpoint, WebhookEndpointEvent
from .events import EVENTS
from .history import history_record
from .signing import new_secret
from .subscriptions import practice_events_refresh
from .targets import check_url


def events_clean(events) -> list[str]:
    """The events named, each known, in the order of EVENTS; refused naming `events`."""
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise ValidationError({"events": ValidationError(_("Choose at least one event."), code="required")})
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        message = _("Unknown event: %(names)s.") % {"names": ", ".join(unknown)}
        raise ValidationError({"events": ValidationError(message, code="unknown_event")})
    return [event for event in EVENTS if event in events]


@transaction.atomic
def endpoint_create(*, practice: Practice, url: str, events, by) -> WebhookEndpoint:
    check_url(url)
    endpoint = WebhookEndpoint.objects.create(
        practice=practice, url=url, events=events_clean(events), secret=new_secret(), created_by=by
    )
    practice_events_refresh(practice.pk)
    history_record(endpoint, action=WebhookEndpointEvent.REGISTERED, by=by)
    return endpoint


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, by, **changes) -> WebhookEndpoint:
    """Change the URL, the events, or turn it off and on; turned back on, its failures are forgotten."""
    if "url" in changes:
        check_url(changes["url"])
    if "events" in changes:
        changes["events"] = events_clean(changes["events"])
    switched = "enabled" in changes and changes["enabled"] != endpoint.enabled
    if changes.get("enabled") and not endpoint.enabled:
        changes.update(failure_streak=0, failing_since=None, disabled_at=None, disabled_because="")
    edited = any(
        changes.get(name, getattr(endpoint, name)) != getattr(endpoint, name) for name in ("url", "events")
    )
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.save()
    practice_events_refresh(endpoint.practice_id)
    if edited:
        history_record(endpoint, action=WebhookEndpointEvent.CHANGED, by=by)
    if switched:
        on = WebhookEndpointEvent.TURNED_ON if endpoint.enabled else WebhookEndpointEvent.TURNED_OFF
        history_record(endpoint, action=on, by=by)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, by) -> None:
    history_record(endpoint, action=WebhookEndpointEvent.DELETED, by=by)
    endpoint.delete()
    practice_events_refresh(endpoint.practice_id)


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """A new secret from now on; the old one signs nothing more (shown once, as the first)."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    history_record(endpoint, action=WebhookEndpointEvent.SECRET_ROTATED, by=by)
    return endpoint
