"""A questionnaire falling due, told to the client's phones: on its day, once the client's
reminder time has come there and outside their quiet hours, for clients who opted in.

The row is written first under its key (client, kind, local day) and sent by the reminders'
delivery like every notice, so a second sweep or a retried task never pushes twice.
"""

from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from ..models import Client, PushSubscription, Reminder
from ..reminders.delivery import questionnaire_due_request
from ..scheduling import in_quiet_hours, local_date, local_time
from .questionnaires import due_among, open_schedules


def clients_to_tell(now: datetime) -> list[Client]:
    """The opted-in clients with a questionnaire whose day is today where they live, whose
    reminder time has come, outside their quiet hours, not yet told on that day of theirs."""
    listening = Client.objects.filter(
        push_questionnaires=True,
        erased_at=None,
        user__isnull=False,
        pk__in=PushSubscription.objects.values("client"),
    )
    due = due_among(list(open_schedules(listening)), now)
    clients = {
        d.schedule.assignment.client for d in due if d.due_on == local_date(d.schedule.assignment.client, now)
    }
    ready = [c for c in clients if local_time(c, now) >= c.reminder_time and not in_quiet_hours(c, now)]
    # The row's own key (client, local day): told yesterday evening does not hide today's.
    told = set(
        Reminder.objects.filter(
            kind=Reminder.QUESTIONNAIRE_DUE, client__in=ready, local_date__gte=now.date() - timedelta(days=1)
        ).values_list("client_id", "local_date")
    )
    return [c for c in ready if (c.pk, local_date(c, now)) not in told]


def questionnaire_due_sweep(*, now: datetime | None = None) -> list[int]:
    """One beat tick: a row for each client to tell, queued after it commits."""
    now = now or timezone.now()
    return questionnaire_due_request(clients=clients_to_tell(now), now=now)


@shared_task(name="clients.tasks.sweep_questionnaires_due")
def sweep_questionnaires_due() -> int:
    return len(questionnaire_due_sweep())
