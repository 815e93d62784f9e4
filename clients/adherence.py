"""Adherence figures: done slots over scheduled slots, counted the same way everywhere.

A slot is one exercise of one session on a scheduled day of an assignment, between its
start and the end of the range (never past today), on a day that is not paused.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from .models import Assignment, Completion
from .scheduling import local_date


@dataclass(frozen=True)
class Adherence:
    scheduled: int
    done: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.done / self.scheduled, 1) if self.scheduled else None


def adherence(assignments, *, start: date, end: date) -> Adherence:
    """Over the given assignments and the inclusive range, in a constant number of queries."""
    figures = adherence_by_client(with_counts(assignments), start=start, end=end).values()
    return Adherence(scheduled=sum(f.scheduled for f in figures), done=sum(f.done for f in figures))


def with_counts(assignments) -> list[Assignment]:
    """Assignments loaded as `adherence_by_client` needs them: item count and pauses at hand."""
    return list(
        assignments.annotate(item_count=Count("program__items", distinct=True)).prefetch_related("pauses")
    )


def adherence_by_client(assignments: list[Assignment], *, start: date, end: date) -> dict[int, Adherence]:
    """Per client, for assignments loaded by `with_counts`, in one query whatever their number.

    A day's done slots count up to its scheduled slots: check-offs against an earlier
    version of the same day never make it more than done.
    """
    slots = {a.pk: a.sessions_per_day * a.item_count for a in assignments}
    days = {a.pk: set(expected_days(a, start, end)) for a in assignments}
    sessions = {a.pk: a.sessions_per_day for a in assignments}
    done_per_day = Counter(
        (pk, day)
        for pk, day, session in Completion.objects.filter(
            assignment__in=assignments, date__gte=start, date__lte=end
        ).values_list("assignment_id", "date", "session")
        if day in days[pk] and session <= sessions[pk]
    )
    scheduled, done = Counter(), Counter()
    for assignment in assignments:
        scheduled[assignment.client_id] += len(days[assignment.pk]) * slots[assignment.pk]
    owner = {a.pk: a.client_id for a in assignments}
    for (pk, _day), count in done_per_day.items():
        done[owner[pk]] += min(count, slots[pk])
    return {
        client: Adherence(scheduled=scheduled[client], done=done[client]) for client in set(owner.values())
    }


def expected_days(assignment: Assignment, start: date, end: date):
    """Scheduled, unpaused days of the assignment inside [start, end]."""
    day, last = max(start, assignment.start_date), min(end, assignment.last_day)
    while day <= last:
        if assignment.expects_exercise_on(day):
            yield day
        day += timedelta(days=1)


# --- the full report: percent to date, weeks, streaks, pain, last activity -------------

PAIN_TREND_POINTS = 1.0  # a change of a whole point on the 0-10 scale is a trend, less is noise


@dataclass(frozen=True)
class Week:
    start: date  # the Monday
    scheduled: int
    done: int
    average_pain: float | None

    @property
    def percent(self) -> float | None:
        return _percent(self.done, self.scheduled)


@dataclass(frozen=True)
class Report:
    """Adherence over [start, end] as of `today`, and the streaks and activity of the whole history.

    Today's slots count once done: a morning before exercise never lowers the figure.
    A streak is a run of consecutive expected days with every slot done; days with nothing
    expected (unscheduled, paused) are skipped, and today not done yet does not break it.
    """

    start: date
    end: date
    scheduled: int
    done: int
    weeks: list[Week]
    current_streak: int
    best_streak: int
    pain_trend: str | None
    pain_change: float | None
    last_activity: datetime | None
    last_done_on: date | None

    @property
    def percent(self) -> float | None:
        return _percent(self.done, self.scheduled)


@dataclass(frozen=True)
class _Row:
    assignment_id: int
    day: date
    session: int
    pain: int | None
    updated_at: datetime


def _percent(done: int, scheduled: int) -> float | None:
    return round(100 * done / scheduled, 1) if scheduled else None


def adherence_report(assignments, *, start: date, end: date, today: date) -> Report:
    """The report over the given assignments, in three queries whatever the history's length."""
    assignments = list(
        assignments.annotate(item_count=Count("program__items", distinct=True)).prefetch_related("pauses")
    )
    rows = [
        _Row(*values)
        for values in Completion.objects.filter(assignment__in=assignments, date__lte=today).values_list(
            "assignment_id", "date", "session", "pain", "updated_at"
        )
    ]
    expected = _expected_slots(assignments, today)  # {day: {assignment_id: slots}}
    done = _done_slots(assignments, rows)  # {day: {assignment_id: slots done}}
    last = max(rows, key=lambda row: row.updated_at, default=None)
    end = min(end, today)
    weeks = _weeks(expected, done, rows, start, end, today)
    current, best = _streaks(expected, done, today)
    trend, change = _pain_trend(weeks)
    return Report(
        start=start,
        end=end,
        scheduled=sum(week.scheduled for week in weeks),
        done=sum(week.done for week in weeks),
        weeks=weeks,
        current_streak=current,
        best_streak=best,
        pain_trend=trend,
        pain_change=change,
        last_activity=last.updated_at if last else None,
        last_done_on=max((row.day for row in rows), default=None),
    )


def _expected_slots(assignments: list[Assignment], today: date) -> dict[date, dict[int, int]]:
    expected: dict[date, dict[int, int]] = {}
    for assignment in assignments:
        slots = assignment.item_count * assignment.sessions_per_day
        for day in expected_days(assignment, assignment.start_date, today):
            if slots:
                expected.setdefault(day, {})[assignment.pk] = slots
    return expected


def _done_slots(assignments: list[Assignment], rows: list[_Row]) -> dict[date, dict[int, int]]:
    sessions = {a.pk: a.sessions_per_day for a in assignments}
    done: dict[date, dict[int, int]] = {}
    for row in rows:
        if row.session <= sessions[row.assignment_id]:
            per_day = done.setdefault(row.day, {})
            per_day[row.assignment_id] = per_day.get(row.assignment_id, 0) + 1
    return done


def _day_figures(expected: dict, done: dict, day: date, today: date) -> tuple[int, int]:
    """(scheduled, done) slots of one day; today's undone slots are not yet owed."""
    owed = expected.get(day, {})
    day_done = sum(min(count, owed[pk]) for pk, count in done.get(day, {}).items() if pk in owed)
    return (day_done if day == today else sum(owed.values())), day_done


def _weeks(expected, done, rows, start: date, end: date, today: date) -> list[Week]:
    pains: dict[date, list[int]] = {}
    for row in rows:
        if row.pain is not None and start <= row.day <= end:
            pains.setdefault(_monday(row.day), []).append(row.pain)
    weeks = []
    monday = _monday(start)
    while monday <= end:
        days = [monday + timedelta(days=n) for n in range(7)]
        figures = [_day_figures(expected, done, day, today) for day in days if start <= day <= end]
        week_pains = pains.get(monday)
        weeks.append(
            Week(
                start=monday,
                scheduled=sum(s for s, _ in figures),
                done=sum(d for _, d in figures),
                average_pain=round(sum(week_pains) / len(week_pains), 1) if week_pains else None,
            )
        )
        monday += timedelta(weeks=1)
    return weeks


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _streaks(expected: dict, done: dict, today: date) -> tuple[int, int]:
    """(current, best) runs of fully done expected days, oldest first up to today."""
    current = best = 0
    for day in sorted(expected):
        owed = expected[day]
        complete = all(done.get(day, {}).get(pk, 0) >= slots for pk, slots in owed.items())
        if complete:
            current += 1
            best = max(best, current)
        elif day != today:
            current = 0
    return current, best


def _pain_trend(weeks: list[Week]) -> tuple[str | None, float | None]:
    """From the first week with pain reported to the last: rising, falling or steady."""
    reported = [week.average_pain for week in weeks if week.average_pain is not None]
    if len(reported) < 2:
        return None, None
    change = round(reported[-1] - reported[0], 1)
    if change >= PAIN_TREND_POINTS:
        return "rising", change
    if change <= -PAIN_TREND_POINTS:
        return "falling", change
    return "steady", change


def client_adherence(client, *, start: date | None = None, end: date | None = None, now=None) -> Report:
    """The report over all of a client's programs, `today` being the client's own calendar day."""
    today = local_date(client, now or timezone.now())
    assignments = client.assignments.all()
    if start is None:
        first = assignments.order_by("start_date").values_list("start_date", flat=True).first()
        start = min(first or today, end or today)
    return adherence_report(assignments, start=start, end=end or today, today=today)
