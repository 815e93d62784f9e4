"""Giving a client a program and changing its course: assign, pause, break, resume, end."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from programs.models import Program
from programs.services import program_clone

from ..models import Assignment, AssignmentPause, Client
from ..scheduling import current_break, local_date, reschedule
from ..webhooks.events import emit
from . import versions


@transaction.atomic
def assignment_create(
    *,
    client: Client,
    template: Program,
    start_date: date,
    weeks: int,
    days_of_week: list[int],
    sessions_per_day: int = 1,
    by=None,
) -> Assignment:
    program = program_clone(program=template, practice=client.practice, language=client.language)
    return _assignment_start(
        client=client,
        program=program,
        by=by,
        start_date=start_date,
        weeks=weeks,
        days_of_week=days_of_week,
        sessions_per_day=sessions_per_day,
    )


@transaction.atomic
def assignment_create_from_draft(
    *,
    client: Client,
    draft: Program,
    start_date: date,
    weeks: int,
    days_of_week: list[int],
    sessions_per_day: int = 1,
    by=None,
) -> Assignment:
    """The draft built for this client becomes what they were given; no copy needed, it is private."""
    draft = Program.objects.select_for_update().get(pk=draft.pk)
    if (
        not draft.is_draft
        or draft.practice_id != client.practice_id
        or (draft.source_id and _is_version(draft))
    ):
        raise ValidationError({"program": "This program is not a draft of this practice."})
    if not draft.items.exists():
        raise ValidationError({"program": "Add at least one exercise before assigning."})
    draft.is_draft = False
    draft.save(update_fields=["is_draft"])
    return _assignment_start(
        client=client,
        program=draft,
        by=by,
        start_date=start_date,
        weeks=weeks,
        days_of_week=days_of_week,
        sessions_per_day=sessions_per_day,
    )


def _is_version(draft: Program) -> bool:
    """A working copy of an assigned program is published as a version, never as a new assignment."""
    return Assignment.objects.filter(program_id=draft.source_id).exists()


def _assignment_start(
    *, client, program, by, start_date, weeks, days_of_week, sessions_per_day
) -> Assignment:
    assignment = Assignment(
        client=client,
        program=program,
        assigned_by=by,
        start_date=start_date,
        weeks=weeks,
        days_of_week=sorted(set(days_of_week)),
        sessions_per_day=sessions_per_day,
    )
    assignment.full_clean(exclude=["program", "client"])
    assignment.save()
    versions.first_version(assignment, by=by)
    reschedule([assignment])
    emit("assignment.created", client.practice, assignment=assignment.pk, client=client.pk)
    return assignment


# Pause, resume and end take effect from the client's today (or the program's first day, when it
# has not begun): an earlier day would rewrite adherence already shown to client and practitioner.
# An open-ended pause and an end take effect no later either, since reminders stop the moment the
# status changes. A break (a pause with its last day, `until`) may be set ahead: the status stays
# active, even for one beginning today, because the break ends by itself; its days are simply not
# expected, so no reminder instant falls on them (`scheduling.next_reminder_at`) and the missed-day
# count skips them. A resume may be set for a later day: the days in between become such a break.


@transaction.atomic
def assignment_pause(
    *,
    assignment: Assignment,
    on: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> Assignment:
    """From `on`, nothing is expected or reminded: until resumed, or through `until` for a break."""
    if assignment.status != Assignment.ACTIVE:
        raise ValidationError({"status": "Only an active program can be paused."})
    today = local_date(assignment.client, now or timezone.now())
    first = max(today, assignment.start_date)
    if first > assignment.last_day:
        raise ValidationError({"on": f"This program's last day was {assignment.last_day.isoformat()}."})
    on = on or first
    if until is not None:
        return _break_schedule(assignment, on=on, until=until, today=today)
    _refuse_day(assignment, on, today=today, latest=first, what="A pause without an end date")
    # A resume set for a later day is taken back: the pause it would have closed goes on.
    held = assignment.pauses.filter(start_date__lte=on, end_date__gte=on).first()
    if held is not None:
        held.end_date = None
        held.save(update_fields=["end_date"])
    else:
        AssignmentPause.objects.create(assignment=assignment, start_date=on)
    return _set_status(assignment, Assignment.PAUSED)


def _break_schedule(assignment: Assignment, *, on: date, until: date, today: date) -> Assignment:
    """A break from `on` to `until` inclusive, today or ahead, not overlapping another pause."""
    # Two breaks set at once for one program wait for each other here, so they cannot overlap.
    list(Assignment.objects.select_for_update().filter(pk=assignment.pk).values_list("pk"))
    _refuse_day(assignment, on, today=today, latest=assignment.last_day, what="A break")
    if until < on:
        raise ValidationError({"until": f"A break ends on or after its first day ({on.isoformat()})."})
    if until > assignment.last_day:
        raise ValidationError({"until": f"The program's last day is {assignment.last_day.isoformat()}."})
    clash = (
        assignment.pauses.filter(start_date__lte=until)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .first()
    )
    if clash is not None:
        field = "on" if clash.covers(on) else "until"
        raise ValidationError({field: f"This break overlaps {_described(clash)}."})
    AssignmentPause.objects.create(assignment=assignment, start_date=on, end_date=until)
    return _set_status(assignment, Assignment.ACTIVE)


def _described(pause: AssignmentPause) -> str:
    if pause.end_date is None:
        return f"the pause that began on {pause.start_date.isoformat()}"
    return f"the break from {pause.start_date.isoformat()} to {pause.end_date.isoformat()}"


@transaction.atomic
def assignment_resume(
    *, assignment: Assignment, on: date | None = None, now: datetime | None = None
) -> Assignment:
    """Exercise is expected again from `on`, that day included: after a pause, or a break
    that has begun (ending it early)."""
    today = local_date(assignment.client, now or timezone.now())
    pause = _pause_to_resume(assignment, today)
    on = on or max(today, pause.start_date)
    if on < pause.start_date:
        raise ValidationError(
            {"on": f"The pause began on {pause.start_date.isoformat()}: resume on it or later."}
        )
    if pause.end_date is not None and on > pause.end_date:
        raise ValidationError(
            {"on": f"The break ends on {pause.end_date.isoformat()} already: resume on it or before."}
        )
    _refuse_day(assignment, on, today=today, latest=assignment.end_date, what="A resume")
    _fold_breaks_into(pause, on)
    if on == pause.start_date:
        pause.delete()  # resumed the day it began: it never held a day
    else:
        pause.end_date = on - timedelta(days=1)
        pause.save(update_fields=["end_date"])
    return _set_status(assignment, Assignment.ACTIVE)


def _pause_to_resume(assignment: Assignment, today: date) -> AssignmentPause:
    """The open pause of a paused program, or the break covering the client's today."""
    if assignment.status == Assignment.PAUSED:
        return assignment.pauses.get(end_date__isnull=True)
    running = None
    if assignment.status == Assignment.ACTIVE:
        running = current_break(assignment, today)
    if running is None:
        raise ValidationError({"status": "Only a paused program, or one on a break, can be resumed."})
    return running


def _fold_breaks_into(pause: AssignmentPause, on: date) -> None:
    """Breaks set ahead before an open-ended pause began: one over before `on` was within the
    pause and goes; `on` inside one would split it, so it is refused."""
    if pause.end_date is not None:
        return
    later = pause.assignment.pauses.filter(start_date__gt=pause.start_date, start_date__lt=on)
    for other in later:
        if other.end_date is None or other.end_date >= on:
            raise ValidationError(
                {"on": f"{on.isoformat()} falls in {_described(other)}: resume before it or after it."}
            )
    later.delete()


@transaction.atomic
def assignment_break_cancel(
    *, assignment: Assignment, pause: AssignmentPause, now: datetime | None = None
) -> Assignment:
    """A break set ahead is taken back before it begins: its days are exercise days again."""
    today = local_date(assignment.client, now or timezone.now())
    if pause.start_date <= today:
        raise ValidationError(
            {
                "start_date": f"This pause began on {pause.start_date.isoformat()}: "
                "resume the program to end it early."
            }
        )
    pause.delete()
    return _set_status(assignment, assignment.status)


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, on: date | None = None, now: datetime | None = None
) -> Assignment:
    """Ended early: nothing is expected from `on` on; the record of what was done stays."""
    if assignment.status == Assignment.ENDED:
        raise ValidationError({"status": "This program has already ended."})
    today = local_date(assignment.client, now or timezone.now())
    first = max(today, assignment.start_date)
    on = on or first
    _refuse_day(assignment, on, today=today, latest=first, what="An end")
    assignment.pauses.filter(end_date__isnull=True).update(end_date=on)
    assignment.pauses.filter(start_date__gt=on).delete()  # breaks set ahead that will never come
    assignment.ended_on = on
    return _set_status(assignment, Assignment.ENDED, "ended_on")


def _refuse_day(assignment: Assignment, on: date, *, today: date, latest: date, what: str) -> None:
    """`on` must fall in the program, not before the client's today, and not after `latest`."""
    if on < assignment.start_date:
        raise ValidationError({"on": f"The program starts on {assignment.start_date.isoformat()}."})
    if on < today:
        raise ValidationError(
            {
                "on": f"{what} cannot be dated before the client's today ({today.isoformat()}): "
                "the days before keep their record."
            }
        )
    if on > latest and on > assignment.end_date:
        raise ValidationError({"on": f"The program's last day is {assignment.end_date.isoformat()}."})
    if on > latest:
        hint = " For a break ahead, give its last day too." if what.startswith("A pause") else ""
        raise ValidationError(
            {
                "on": f"{what} takes effect on {latest.isoformat()} at the latest: "
                f"reminders stop the moment it is made.{hint}"
            }
        )


def _set_status(assignment: Assignment, status: str, *fields: str) -> Assignment:
    assignment.status = status
    assignment.save(update_fields=["status", *fields])
    getattr(assignment, "_prefetched_objects_cache", {}).pop("pauses", None)  # changed just now
    assignment.__dict__.pop("terms", None)  # loaded before an end that shortens them
    reschedule([assignment])
    return assignment
