"""The owners' history of their endpoints: each change, who made it (or why Rehabit did), and the
URL as it was, kept after the endpoint is deleted. Written in the transaction of the change."""

from practice.models import Practice

from ..models import WebhookEndpoint, WebhookEndpointEvent

HISTORY_SHOWN = 20


def history_record(endpoint: WebhookEndpoint, *, action: str, by, detail: str = "") -> WebhookEndpointEvent:
    """`by` None: Rehabit did it (turned off after failures or a 410), and `detail` says why."""
    return WebhookEndpointEvent.objects.create(
        practice_id=endpoint.practice_id,
        endpoint_id=endpoint.pk,
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        url=endpoint.url,
        detail=detail,
    )


def history_of(practice: Practice):
    """The practice's latest endpoint changes, newest first."""
    return WebhookEndpointEvent.objects.filter(practice=practice).select_related("actor")[:HISTORY_SHOWN]
