"""Adherence figures: done slots over scheduled slots, counted the same way everywhere.

A slot is one exercise of one session on a scheduled day of an assignment, between its
start and the end of the range (never past today), on a day that is not paused.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from .models import Assignment, Completion


@dataclass(frozen=True)
class Adherence:
    scheduled: int
    done: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.done / self.scheduled, 1) if self.scheduled else None


def adherence(assignments, *, start: date, end: date) -> Adherence:
    """Over the given assignments and the inclusive range, in a constant number of queries."""
    assignments = list(
        assignments.annotate(item_count=Count("program__items", distinct=True)).prefetch_related("pauses")
    )
    days = {a.pk: set(expected_days(a, start, end)) for a in assignments}
    sessions = {a.pk: a.sessions_per_day for a in assignments}
    scheduled = sum(len(days[a.pk]) * a.sessions_per_day * a.item_count for a in assignments)
    completions = Completion.objects.filter(
        assignment__in=assignments, date__gte=start, date__lte=end
    ).values_list("assignment_id", "date", "session")
    done = sum(1 for pk, day, session in completions if day in days[pk] and session <= sessions[pk])
    return Adherence(scheduled=scheduled, done=done)


def expected_days(assignment: Assignment, start: date, end: date):
    """Scheduled, unpaused days of the assignment inside [start, end]."""
    day, last = max(start, assignment.start_date), min(end, assignment.last_day)
    while day <= last:
        if assignment.expects_exercise_on(day):
            yield day
        day += timedelta(days=1)
