"""When a client's exercises are due, in the client's own timezone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection as db
from django.utils import timezone

from practice.zones import TIMEZONES  # noqa: F401  (the clients' list is everyone's)

from .models import Assignment

DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
TIMES_A_DAY = {1: "once a day", 2: "twice a day"}


def schedule_text(days_of_week: list[int], sessions_per_day: int) -> str:
    """E.g. "Mon, Wed, Fri · once a day" or "Every day · 3 times a day"."""
    days = "Every day" if len(days_of_week) == 7 else ", ".join(DAY_NAMES[d] for d in sorted(days_of_week))
    return f"{days} · {TIMES_A_DAY.get(sessions_per_day, f'{sessions_per_day} times a day')}"


def local_date(client, instant: datetime) -> date:
    """The calendar day it is for the client at `instant`."""
    return date_in(client.timezone, instant)


def date_in(zone: str, instant: datetime) -> date:
    """The calendar day it is at `instant` in the IANA timezone `zone`."""
    return instant.astimezone(ZoneInfo(zone)).date()


def in_quiet_hours(client, instant: datetime) -> bool:
    """Whether `instant` falls in the client's quiet hours; a span like 22:00 to 07:00 wraps midnight."""
    start, end = client.quiet_hours_start, client.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    now = instant.astimezone(ZoneInfo(client.timezone)).time().replace(tzinfo=None)
    return _within(now, start, end)


def _within(moment: time, start: time, end: time) -> bool:
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def next_reminder_at(assignment: Assignment, *, after: datetime) -> datetime | None:
    """The first reminder instant (UTC) strictly after `after` on a day exercise is expected,
    or None when none is left; prefetch `pauses` when asking for many.

    It comes whether or not the client wants reminders: it is also when the practitioner's
    missed-day alert is decided, which a client's opting out of emails must not silence.
    A reminder time that falls in a spring-forward gap fires at the same wall-clock
    time on the old offset, i.e. an hour later in the new one; in the repeated hour of
    a fall-back it fires on the first pass (fold=0).
    """
    client = assignment.client
    if assignment.status != Assignment.ACTIVE:
        return None
    zone = ZoneInfo(client.timezone)
    day = max(after.astimezone(zone).date(), assignment.start_date)
    # A paused day (a break, or a resume set for a later day) has no reminder instant at all:
    # the sweep is also when missed days are counted, and a break must not set that off.
    pauses = list(assignment.pauses.all())
    while day <= assignment.end_date:
        if assignment.is_scheduled_on(day) and not any(pause.covers(day) for pause in pauses):
            at = datetime.combine(day, client.reminder_time, tzinfo=zone).astimezone(UTC)
            if at > after:
                return at
        day += timedelta(days=1)
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
