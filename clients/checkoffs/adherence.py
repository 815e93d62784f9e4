"""Adherence figures: done slots over scheduled slots, counted the same way everywhere.

The honest rule: adherence counts only days that have ended where the client lives. Today is
never in the percentage (a morning before exercise is no missed day, and a day half done is
not yet a full one); it is shown apart, as "3 of 6 today" (`Figures.today`, `Report.today`).
The client list, the client page, the practitioner API, the weekly summary and
`/api/v1/me/adherence/` all read these functions.

A slot is one exercise of one session on a day exercise is expected on, between the start
and the end of the range (never past today). Which days those are, and what each asked, is
the one rule of `scheduling.expected_terms`: the version in force that day, its schedule
and exercises, with pauses and an early end holding whatever the version.

A check-off counts for the slot it was made against; made against another version of the
same assignment (a phone still showing the old program on the day a new one came out, or
a late sync), it counts for a slot of the same exercise in the same session not done
otherwise, as the client's today list shows it (`today.day_slots`). Each check-off fills
one slot at most, so a day never counts more done than owed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import F, prefetch_related_objects
from django.utils import timezone

from programs.models import ProgramExercise

from ..models import Assignment, Completion
from ..scheduling import Terms, date_in, expected_days, local_date, version_terms

# A check-off as the figures read it: (assignment, date, session, assignment exercise, exercise).
CHECK_FIELDS = (
    "assignment_id",
    "date",
    "session",
    "assignment_exercise_id",
    "assignment_exercise__exercise_id",
)


ADHERENCE_DAYS = 14  # the recent window of the list and the client page: the last 14 days ended


@dataclass(frozen=True)
class Adherence:
    scheduled: int
    done: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.done / self.scheduled, 1) if self.scheduled else None


NOTHING = Adherence(0, 0)


@dataclass(frozen=True)
class Figures:
    """A client's adherence over days that have ended, and their today apart ("3 of 6 today")."""

    ended: Adherence
    today: Adherence


# --- loading what the figures read -------------------------------------------------


def with_versions(assignments) -> list[Assignment]:
    """The assignments as the figures need them, in two queries whatever their number: each
    with `terms` (every version, oldest first, with its exercises) and pauses.

    One row per exercise of each version, by left joins: an assignment saved without any
    version (not through the services) still comes, governed throughout by its own schedule.
    """
    rows = assignments.annotate(
        zone=F("client__timezone"),
        version_number=F("versions__number"),
        version_published_at=F("versions__created_at"),
        version_schedule=F("versions__schedule"),
        version_item=F("versions__program__items__id"),
        version_item_position=F("versions__program__items__position"),
        version_exercise=F("versions__program__items__exercise_id"),
    )
    loaded: dict[int, Assignment] = {}
    versions: dict[int, dict[int, tuple]] = defaultdict(dict)
    for row in rows:
        assignment = loaded.setdefault(row.pk, row)
        if row.version_number is None:
            continue
        _, _, items = versions[row.pk].setdefault(
            row.version_number, (row.version_published_at, row.version_schedule, [])
        )
        if row.version_item is not None:
            items.append((row.version_item_position, row.version_item, row.version_exercise))
    found = list(loaded.values())
    prefetch_related_objects(found, "pauses")
    current = _current_items([a for a in found if not versions[a.pk]])
    for assignment in found:
        history = [
            (number, published_at, schedule, [item[1:] for item in sorted(items)])
            for number, (published_at, schedule, items) in versions[assignment.pk].items()
        ]
        assignment.terms = version_terms(assignment, assignment.zone, history, current.get(assignment.pk, ()))
    return found


def _current_items(unversioned: list[Assignment]) -> dict[int, list[tuple[int, int]]]:
    if not unversioned:
        return {}
    programs = {a.program_id: a.pk for a in unversioned}
    items = defaultdict(list)
    for program, item, exercise in ProgramExercise.objects.filter(program__in=programs).values_list(
        "program_id", "id", "exercise_id"
    ):
        items[programs[program]].append((item, exercise))
    return items


def first_day(assignment: Assignment) -> date | None:
    """The first day a version had the program running (paused or not), if any has yet or will."""
    terms, days = assignment.terms, []
    for n, version in enumerate(terms):
        until = terms[n + 1].since - timedelta(days=1) if n + 1 < len(terms) else date.max
        first = max(version.since, version.start_date)
        if first <= min(until, version.last_day):
            days.append(first)
    return min(days, default=None)


# --- slots owed and done ---------------------------------------------------------------


def day_figures(assignments: list[Assignment], checks, *, start: date, end: date) -> dict:
    """{(assignment id, day): (scheduled, done)} for each expected day with slots in [start, end];
    `checks` are rows of `CHECK_FIELDS`."""
    by_session = defaultdict(list)
    for assignment_id, day, session, item, exercise in checks:
        by_session[assignment_id, day, session].append((item, exercise))
    figures = {}
    for assignment in assignments:
        for day, terms in expected_days(assignment, start, end):
            if terms.slots:
                done = sum(
                    _matched(terms, by_session.get((assignment.pk, day, session), ()))
                    for session in range(1, terms.sessions_per_day + 1)
                )
                figures[assignment.pk, day] = (terms.slots, done)
    return figures


def _matched(terms: Terms, checks) -> int:
    """How many of a session's items are done: by their own check-off, else each by one check-off
    of the same exercise made against another version (as `today._match` shows them)."""
    done = {item for item, _ in checks if item in terms.own}
    if len(done) == len(checks):
        return len(done)  # the usual day: every check-off made against this version
    return len(_done_exercises(terms, checks))


def _done_exercises(terms: Terms, checks) -> list[int]:
    """The exercise of each of a session's items that is done, matched as `_matched` counts them."""
    own = {item for item, _ in checks if item in terms.own}
    others = Counter(exercise for item, exercise in checks if item not in terms.own)
    done = []
    for item, exercise in terms.items:
        if item in own:
            done.append(exercise)
        elif others[exercise]:
            others[exercise] -= 1
            done.append(exercise)
    return done


def adherence(assignments, *, start: date, end: date, now: datetime | None = None) -> Adherence:
    """Over the given assignments and the days of [start, end] that have ended, in a constant
    number of queries."""
    figures = adherence_by_client(with_versions(assignments), start=start, end=end, now=now).values()
    return Adherence(scheduled=sum(f.scheduled for f in figures), done=sum(f.done for f in figures))


def adherence_by_client(
    assignments: list[Assignment], *, start: date, end: date, now: datetime | None = None
) -> dict[int, Adherence]:
    """Per client, over the days of [start, end] that have ended where the client lives, for
    assignments loaded `with_versions`, in one query whatever their number."""
    today = _todays(assignments, now)
    figures = _figures(assignments, start=start, end=end)
    return {client: f.ended for client, f in _tally(assignments, figures, today=today).items()}


def recent_figures(
    assignments: list[Assignment], *, now: datetime | None = None, days: int = ADHERENCE_DAYS
) -> dict[int, Figures]:
    """Per client: the last `days` days that have ended where they live, and their today apart;
    for assignments loaded `with_versions`, in one query whatever their number."""
    today = _todays(assignments, now)
    if not today:
        return {}
    start = min(today.values()) - timedelta(days=days)
    figures = _figures(assignments, start=start, end=max(today.values()))
    since = {pk: day - timedelta(days=days) for pk, day in today.items()}
    return _tally(assignments, figures, today=today, since=since)


def _todays(assignments: list[Assignment], now: datetime | None) -> dict[int, date]:
    """Each assignment's today: the client's own calendar day."""
    now = now or timezone.now()
    return {a.pk: date_in(a.zone, now) for a in assignments}


def _figures(assignments: list[Assignment], *, start: date, end: date) -> dict:
    checks = Completion.objects.filter(assignment__in=assignments, date__gte=start, date__lte=end)
    return day_figures(assignments, checks.values_list(*CHECK_FIELDS), start=start, end=end)


def _tally(assignments, figures: dict, *, today: dict, since: dict | None = None) -> dict[int, Figures]:
    """Each client's day figures summed: days before their today as ended, today apart, later
    days (a range reaching past today) not at all."""
    owner = {a.pk: a.client_id for a in assignments}
    ended, current = defaultdict(Counter), defaultdict(Counter)
    for (pk, day), (owed, did) in figures.items():
        if since is not None and day < since[pk]:
            continue
        tally = ended if day < today[pk] else current if day == today[pk] else None
        if tally is not None:
            tally[owner[pk]].update(scheduled=owed, done=did)
    return {
        client: Figures(
            ended=Adherence(ended[client]["scheduled"], ended[client]["done"]),
            today=Adherence(current[client]["scheduled"], current[client]["done"]),
        )
        for client in set(owner.values())
    }


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
    """Adherence over the days of [start, end] that have ended as of `today`, today's slots
    apart (`today`), and the streaks and activity of the whole history.

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
    today: Adherence = NOTHING

    @property
    def percent(self) -> float | None:
        return _percent(self.done, self.scheduled)


@dataclass(frozen=True)
class _Row:
    assignment_id: int
    day: date
    session: int
    item: int
    exercise: int
    pain: int | None
    updated_at: datetime


def _percent(done: int, scheduled: int) -> float | None:
    return round(100 * done / scheduled, 1) if scheduled else None


def adherence_report(assignments, *, start: date, end: date, today: date) -> Report:
    """The report over the given assignments, in three queries whatever the history's length."""
    return _report(with_versions(assignments), start=start, end=end, today=today)


def _report(assignments: list[Assignment], *, start: date, end: date, today: date) -> Report:
    rows = [
        _Row(*values)
        for values in Completion.objects.filter(assignment__in=assignments, date__lte=today).values_list(
            *CHECK_FIELDS, "pain", "updated_at"
        )
    ]
    checks = [(row.assignment_id, row.day, row.session, row.item, row.exercise) for row in rows]
    by_day = defaultdict(list)  # {day: [(scheduled, done) of each assignment expecting exercise]}
    for (_, day), figures in day_figures(assignments, checks, start=date.min, end=today).items():
        by_day[day].append(figures)
    last = max(rows, key=lambda row: row.updated_at, default=None)
    end = min(end, today)
    weeks = _weeks(by_day, rows, start, end, today)
    current, best = _streaks(by_day, today)
    trend, change = _pain_trend(weeks)
    todays = by_day.get(today, [])
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
        today=Adherence(sum(owed for owed, _ in todays), sum(did for _, did in todays)),
    )


def _day_figures(by_day: dict, day: date, today: date) -> tuple[int, int]:
    """(scheduled, done) slots of one day that has ended; today and later count nothing yet."""
    figures = by_day.get(day, []) if day < today else []
    return sum(owed for owed, _ in figures), sum(did for _, did in figures)


def _weeks(by_day: dict, rows: list[_Row], start: date, end: date, today: date) -> list[Week]:
    pains: dict[date, list[int]] = {}
    for row in rows:
        if row.pain is not None and start <= row.day <= end:
            pains.setdefault(_monday(row.day), []).append(row.pain)
    weeks = []
    monday = _monday(start)
    while monday <= end:
        days = [monday + timedelta(days=n) for n in range(7)]
        figures = [_day_figures(by_day, day, today) for day in days if start <= day <= end]
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


def _streaks(by_day: dict, today: date) -> tuple[int, int]:
    """(current, best) runs of fully done expected days, oldest first up to today."""
    current = best = 0
    for day in sorted(by_day):
        if all(did >= owed for owed, did in by_day[day]):
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
    assignments = with_versions(client.assignments.all())
    if start is None:
        days = [first_day(assignment) for assignment in assignments]
        first = min((day for day in days if day is not None), default=today)
        start = min(first, end or today)
    return _report(assignments, start=start, end=end or today, today=today)


# --- per exercise ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseFigures:
    """One exercise (the library's or the practice's, whatever version asked for it): its slots
    over the days ended and today apart, as the client's figures count them, and its pain."""

    exercise: int
    ended: Adherence
    today: Adherence
    average_pain: float | None
    last_pain: int | None


def exercise_figures(
    assignments: list[Assignment], *, start: date, end: date, now: datetime | None = None
) -> dict[int, ExerciseFigures]:
    """{exercise id: figures} over [start, end] for assignments loaded `with_versions`, in one query.

    Exercise pain is reported at check-offs, days ended and today alike (a pain is a pain)."""
    today = _todays(assignments, now)
    checks = Completion.objects.filter(assignment__in=assignments, date__gte=start, date__lte=end)
    rows = list(checks.order_by("date", "updated_at").values_list(*CHECK_FIELDS, "pain"))
    by_session = defaultdict(list)
    pains = defaultdict(list)
    for assignment_id, day, session, item, exercise, pain in rows:
        by_session[assignment_id, day, session].append((item, exercise))
        if pain is not None:
            pains[exercise].append(pain)
    ended, current = defaultdict(Counter), defaultdict(Counter)
    for assignment in assignments:
        for day, terms in expected_days(assignment, start, min(end, today[assignment.pk])):
            tally = ended if day < today[assignment.pk] else current
            for session in range(1, terms.sessions_per_day + 1):
                done = _done_exercises(terms, by_session.get((assignment.pk, day, session), ()))
                _tally_slots(tally, [exercise for _, exercise in terms.items], done)
    exercises = set(ended) | set(current) | set(pains)
    return {exercise: _exercise(exercise, ended, current, pains) for exercise in exercises}


def _tally_slots(tally: dict, owed: list[int], done: list[int]) -> None:
    for exercise in owed:
        tally[exercise]["scheduled"] += 1
    for exercise in done:
        tally[exercise]["done"] += 1


def _exercise(exercise: int, ended: dict, current: dict, pains: dict) -> ExerciseFigures:
    reported = pains.get(exercise, [])
    return ExerciseFigures(
        exercise=exercise,
        ended=Adherence(ended[exercise]["scheduled"], ended[exercise]["done"]),
        today=Adherence(current[exercise]["scheduled"], current[exercise]["done"]),
        average_pain=round(sum(reported) / len(reported), 1) if reported else None,
        last_pain=reported[-1] if reported else None,
    )
