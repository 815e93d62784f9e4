"""A client's check-off log: each check-off with what was prescribed, newest first, filtered.

Read a page at a time (`Paginator`): the page's rows come in one query with their exercise and
dosage, the count in another, whatever the length of the history.
"""

from datetime import date

from django.db.models import QuerySet

from programs.models import Exercise

from ..models import Client, Completion

PER_PAGE = 25


def checkoff_log(
    client: Client, *, exercise: Exercise | None = None, start: date | None = None, end: date | None = None
) -> QuerySet[Completion]:
    checks = Completion.objects.filter(assignment__client=client)
    if exercise is not None:
        checks = checks.filter(assignment_exercise__exercise=exercise)
    if start is not None:
        checks = checks.filter(date__gte=start)
    if end is not None:
        checks = checks.filter(date__lte=end)
    return checks.select_related("assignment_exercise__exercise").order_by(
        "-date", "-session", "assignment_exercise__position", "pk"
    )


def logged_exercises(client: Client) -> QuerySet[Exercise]:
    """The exercises the client has checked off at least once, by name: the log's filter."""
    done = Completion.objects.filter(assignment__client=client).values("assignment_exercise__exercise")
    return Exercise.objects.filter(pk__in=done).order_by("name", "pk")
