"""The figures on the client list, for a whole page of clients in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from ..models import Assignment, Client, Completion, Invitation
from ..scheduling import local_date, on_break
from .adherence import NOTHING, Adherence, recent_figures, with_versions

QUIET_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Status:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    client: Client
    percent: int | None
    today: Adherence  # today's slots, apart from the percentage: "3 of 6 today"
    last_activity: datetime | None
    status: Status


def client_rows(
    clients: list[Client], *, today: date, assignments: list[Assignment] | None = None
) -> list[Row]:
    """One page of clients; adherence counts the last 14 days that have ended where each client
    lives (`adherence.recent_figures`), today apart.

    Figures are read for this page's clients only, after paginating: a subquery per row in
    the list query would be evaluated for every client of the practice before the sort.
    `assignments`, when the caller has loaded them `with_versions` already, are all of theirs.
    """
    ids = [c.pk for c in clients]
    if assignments is None:
        assignments = with_versions(Assignment.objects.filter(client__in=ids))
    by_client = defaultdict(list)
    for assignment in assignments:
        by_client[assignment.client_id].append(assignment)
    figures = recent_figures(assignments, now=timezone.now())
    last = dict(
        Completion.objects.filter(assignment__client__in=ids)
        .values("assignment__client")
        .annotate(last=Max("created_at"))
        .values_list("assignment__client", "last")
    )
    invited = dict(
        Invitation.objects.filter(
            client__in=ids, accepted_at__isnull=True, expires_at__gt=timezone.now()
        ).values_list("client_id", "undelivered_at")
    )
    return [
        Row(
            c,
            _whole_percent(figures[c.pk].ended if c.pk in figures else None),
            figures[c.pk].today if c.pk in figures else NOTHING,
            last.get(c.pk),
            status_of(
                c,
                by_client[c.pk],
                invited=c.pk in invited,
                undelivered=invited.get(c.pk) is not None,
                last_activity=last.get(c.pk),
                today=today,
            ),
        )
        for c in clients
    ]


def _whole_percent(figures: Adherence | None) -> int | None:
    return round(figures.percent) if figures and figures.percent is not None else None


def status_of(
    client: Client,
    assignments: list[Assignment],
    *,
    invited: bool,
    undelivered: bool = False,
    last_activity=None,
    today: date | None = None,
) -> Status:
    if client.erased_at:
        return Status("erased", "Erased")
    if client.user_id is None:
        if undelivered:
            return Status("pending", "Invitation not delivered")
        return Status("invited", "Invited") if invited else Status("pending", "Not signed up")
    # Before "quiet": a client on holiday is not going quiet. Their own today, as breaks are dated.
    active = [a for a in assignments if a.status == Assignment.ACTIVE]
    if active and all(on_break(a, local_date(client, timezone.now())) for a in active):
        return Status("break", "On a break")
    if today and _quiet(assignments, last_activity, today):
        return Status("quiet", "Quiet for a week")
    statuses = {a.status for a in assignments}
    for key in (Assignment.ACTIVE, Assignment.PAUSED, Assignment.ENDED):
        if key in statuses:
            return Status(key, dict(Assignment.STATUSES)[key])
    return Status("none", "No program")


def _quiet(assignments: list[Assignment], last_activity, today: date) -> bool:
    """Running for a week or more, and nothing checked off in the last seven days."""
    running = [
        a for a in assignments if a.status == Assignment.ACTIVE and a.start_date <= today - QUIET_AFTER
    ]
    if not running:
        return False
    return last_activity is None or last_activity.date() < today - QUIET_AFTER
