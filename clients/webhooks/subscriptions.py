"""Which events a practice's endpoints hear of, kept on the practice (`Practice.webhook_events`)
whenever an endpoint is registered, changed, turned off or on, or deleted: the check-off, the
message and the other events of a practice with no endpoint then cost no query at all."""

from practice.models import Practice

from ..models import WebhookEndpoint


def practice_events_refresh(practice_id: int) -> None:
    heard = set()
    for events in WebhookEndpoint.objects.filter(practice_id=practice_id, enabled=True).values_list(
        "events", flat=True
    ):
        heard.update(events)
    Practice.objects.filter(pk=practice_id).update(webhook_events=sorted(heard))
