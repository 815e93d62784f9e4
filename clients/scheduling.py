"""When a client's exercises are due, in the client's own timezone.

Here lives the one rule of which days expect exercise (`expected_terms`): the version of the
program in force that day says whether it is a day of the program and what it asks; a pause
or a break holds it whatever the version. Today's list, adherence, reminders, missed-day
alerts, the handout's log grid and the client overview all ask it, never a copy of it.

Every day is counted under the version that governed it: the latest version published on or
before that day, by the client's own calendar (the date in their timezone at the moment it
was published). The day a version is published belongs to the new version, and every day
before the second version belongs to the first, however late the first was saved. So a
revision never changes what was owed on the days before it.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.db import connection as db
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from practice.zones import TIMEZONES, zone_info  # noqa: F401  (TIMEZONES: the clients' list is everyone's)

from .models import Assignment, AssignmentPause, AssignmentVersion

DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
TIMES_A_DAY = {1: "once a day", 2: "twice a day"}


def schedule_text(days_of_week: list[int], sessions_per_day: int) -> str:
    """E.g. "Mon, Wed, Fri · once a day" or "Every day · 3 times a day"."""
    days = "Every day" if len(days_of_week) == 7 else ", ".join(DAY_NAMES[d] for d in sorted(days_of_week))
    return f"{days} · {TIMES_A_DAY.get(sessions_per_day, f'{sessions_per_day} times a day')}"


def local_date(client, instant: datetime) -> date:
    """The calendar day it is for the client at `instant`."""
    return date_in(client.timezone, instant)


def local_time(client, instant: datetime) -> time:
    """The wall-clock time it is for the client at `instant`."""
    return instant.astimezone(zone_info(client.timezone)).time().replace(tzinfo=None)


def date_in(zone: str, instant: datetime) -> date:
    """The calendar day it is at `instant` in the IANA timezone `zone`."""
    return instant.astimezone(zone_info(zone)).date()


def in_quiet_hours(client, instant: datetime) -> bool:
    """Whether `instant` falls in the client's quiet hours; a span like 22:00 to 07:00 wraps midnight."""
    start, end = client.quiet_hours_start, client.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    return _within(local_time(client, instant), start, end)


def _within(moment: time, start: time, end: time) -> bool:
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


# --- which version governs a day, and whether exercise is expected on it --------------


@dataclass(frozen=True)
class Terms:
    """What one version asked, in force from `since` until the next version's `since`."""

    since: date
    start_date: date
    end_date: date  # the planned end
    last_day: date  # the planned end, or the day before the assignment was ended early
    days_of_week: frozenset[int]
    sessions_per_day: int
    items: tuple[tuple[int, int], ...] = ()  # (assignment exercise, exercise), in program order

    @property
    def slots(self) -> int:
        return self.sessions_per_day * len(self.items)

    @cached_property
    def own(self) -> frozenset[int]:
        return frozenset(item for item, _ in self.items)

    def schedules(self, day: date) -> bool:
        return self.start_date <= day <= self.last_day and day.weekday() in self.days_of_week


def version_terms(
    assignment: Assignment, zone: str, history: Iterable[tuple], unversioned_items=()
) -> list[Terms]:
    """Each version's terms, oldest first. `history` is (number, published at, schedule, items)
    per version, in any order; a version governs from the day it was published in the client's
    timezone `zone`. Without any (an assignment not saved through the services), its own
    schedule governs throughout, asking `unversioned_items`."""
    terms = []
    for _, published_at, schedule, items in sorted(history, key=lambda version: version[0]):
        since = date_in(zone, published_at) if terms else date.min
        terms.append(_terms(assignment, schedule, since, items))
    return terms or own_terms(assignment, unversioned_items)


def own_terms(assignment: Assignment, items=()) -> list[Terms]:
    """The assignment's own schedule (its newest version's) as the only terms, asking `items`:
    enough for any day from the client's today on, since the newest version governs them."""
    return [_terms(assignment, _own_schedule(assignment), date.min, items)]


def _own_schedule(assignment: Assignment) -> dict:
    return {
        "start_date": assignment.start_date,
        "weeks": assignment.weeks,
        "days_of_week": assignment.days_of_week,
        "sessions_per_day": assignment.sessions_per_day,
    }


def _terms(assignment: Assignment, schedule: dict, since: date, items) -> Terms:
    start = schedule["start_date"]
    start = date.fromisoformat(start) if isinstance(start, str) else start
    end = start + timedelta(weeks=int(schedule["weeks"]), days=-1)
    last = min(end, assignment.ended_on - timedelta(days=1)) if assignment.ended_on else end
    return Terms(
        since=since,
        start_date=start,
        end_date=end,
        last_day=last,
        days_of_week=frozenset(int(day) for day in schedule["days_of_week"]),
        sessions_per_day=int(schedule["sessions_per_day"]),
        items=tuple(items),
    )


def with_schedules(assignments: list[Assignment]) -> list[Assignment]:
    """Load many assignments (their client at hand) for the rule in two queries: pauses, and
    `terms` from the schedules of the versions. Only revised ones have versions to read: an
    assignment still at version 1 has that version's schedule as its own."""
    revised = [assignment for assignment in assignments if assignment.version > 1]
    schedules = AssignmentVersion.objects.only("assignment", "number", "created_at", "schedule")
    prefetch_related_objects(assignments, "pauses")
    prefetch_related_objects(revised, Prefetch("versions", queryset=schedules))
    for assignment in assignments:
        assignment.terms = _read_terms(assignment)
    return assignments


def terms_of(assignment: Assignment) -> list[Terms]:
    """Every version's terms, oldest first: as loaded (`with_schedules`; adherence's
    `with_versions` adds the exercises), else read from `versions` (prefetch them for many)."""
    loaded = getattr(assignment, "terms", None)
    return loaded if loaded is not None else _read_terms(assignment)


def _read_terms(assignment: Assignment) -> list[Terms]:
    if assignment.version == 1:
        return own_terms(assignment)
    history = [(v.number, v.created_at, v.schedule, ()) for v in assignment.versions.all()]
    return version_terms(assignment, assignment.client.timezone, history)


def terms_on(assignment: Assignment, day: date) -> Terms:
    """The terms of the version that governed `day`."""
    return _governing(terms_of(assignment), day)


def _governing(terms: list[Terms], day: date) -> Terms:
    return next(version for version in reversed(terms) if version.since <= day)


def expected_terms(assignment: Assignment, day: date) -> Terms | None:
    """The terms of the version governing `day` if exercise is expected on it, else None.

    The one rule: the governing version schedules the day (its start, weeks and weekdays, up to
    an early end), and no pause or break holds it. Prefetch `pauses` when asking for many."""
    return expected_under(terms_of(assignment), list(assignment.pauses.all()), day)


def expected_under(terms: list[Terms], pauses: list[AssignmentPause], day: date) -> Terms | None:
    """`expected_terms` for an assignment's terms and pauses loaded by the caller."""
    governing = _governing(terms, day)
    if governing.schedules(day) and not any(pause.covers(day) for pause in pauses):
        return governing
    return None


def expects_exercise_on(assignment: Assignment, day: date) -> bool:
    return expected_terms(assignment, day) is not None


def expected_days(assignment: Assignment, start: date, end: date) -> Iterator[tuple[date, Terms]]:
    """The days in [start, end] exercise is expected on (`expected_terms`), each with its terms."""
    terms, pauses = terms_of(assignment), list(assignment.pauses.all())
    day = max(start, min(version.start_date for version in terms))
    last = min(end, max(version.last_day for version in terms))
    while day <= last:
        governing = expected_under(terms, pauses, day)
        if governing is not None:
            yield day, governing
        day += timedelta(days=1)


def current_break(assignment: Assignment, day: date) -> AssignmentPause | None:
    """The break (a pause with its last day) holding `day`, if any; prefetch `pauses` for many.
    An open-ended pause is no break: it lasts until resumed, and the status says it."""
    return next((p for p in assignment.pauses.all() if p.end_date is not None and p.covers(day)), None)


def on_break(assignment: Assignment, day: date) -> bool:
    """Whether a break holds `day`, the client's today as breaks are dated."""
    return current_break(assignment, day) is not None


def next_reminder_at(assignment: Assignment, *, after: datetime) -> datetime | None:
    """The first reminder instant (UTC) strictly after `after` on a day exercise is expected
    (`expected_terms`), or None when none is left; load many `with_schedules` first.

    It comes whether or not the client wants reminders: it is also when the practitioner's
    missed-day alert is decided, which a client's opting out of emails must not silence.
    A paused day (a break, or a resume set for a later day) has no reminder instant at all,
    so a break never sets off the missed-day count. A reminder time that falls in a
    spring-forward gap fires at the same wall-clock time on the old offset, i.e. an hour
    later in the new one; in the repeated hour of a fall-back it fires on the first pass (fold=0).
    """
    if assignment.status != Assignment.ACTIVE:
        return None
    client = assignment.client
    zone = zone_info(client.timezone)
    for day, _ in expected_days(assignment, after.astimezone(zone).date(), date.max):
        at = datetime.combine(day, client.reminder_time, tzinfo=zone).astimezone(UTC)
        if at > after:
            return at
    return None


def already_over(client, start_date: date, weeks: int, *, now: datetime | None = None) -> str:
    """Why a new program with this start and length makes no sense, or "" when it does: one that
    would end before the client's today is a slip (a start in the past, begun at the visit, is fine)."""
    last_day = Assignment(start_date=start_date, weeks=weeks).end_date
    if last_day >= local_date(client, now or timezone.now()):
        return ""
    return (
        f"This program would be over by {last_day:%-d %b %Y}, before today: "
        "choose a later start date or more weeks."
    )


def reschedule(assignments, *, now: datetime | None = None) -> None:
    """Recompute `next_reminder_at` after a change of schedule, time, timezone or opt-out.

    A reminder already due that the sweep has not reached yet (the sweep moves
    `next_reminder_at` past the moment it handles) stays due while the new settings still
    put one at that moment: saving settings at 17:57:30 must not lose the 17:57 reminder.
    Should the day's row exist after all, its unique key keeps it from going twice.
    """
    now = now or timezone.now()
    assignments = list(assignments)
    for assignment in assignments:
        pending = assignment.next_reminder_at
        assignment.next_reminder_at = next_reminder_at(assignment, after=now)
        if _still_owed(assignment, pending, now):
            assignment.next_reminder_at = pending
    save_next_reminders(assignments)


def _still_owed(assignment: Assignment, pending: datetime | None, now: datetime) -> bool:
    """Due, not yet swept, not so late the send would be skipped, and still where the settings put it."""
    if pending is None or pending > now or now - pending > settings.REMINDER_MAX_LATENESS:
        return False
    return next_reminder_at(assignment, after=pending - timedelta(microseconds=1)) == pending


def save_next_reminders(due: list[Assignment]) -> None:
    if db.vendor != "postgresql" or not due:
        Assignment.objects.bulk_update(due, ["next_reminder_at"])
        return
    # One UPDATE ... FROM (VALUES ...): Django's bulk_update builds a CASE per row, 3x slower here.
    table = Assignment._meta.db_table
    values = ", ".join(["(%s, %s::timestamptz)"] * len(due))
    params = [p for a in due for p in (a.pk, a.next_reminder_at)]
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS a SET next_reminder_at = v.at FROM (VALUES {values}) AS v(id, at) "  # noqa: S608
            "WHERE a.id = v.id",
            params,
        )
