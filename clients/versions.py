"""Versions of an assignment: a new one at every edit, saying in plain words what changed.

The client keeps one sign-in and one history: check-offs keep pointing at the exercise of
the version they were made against, and every older version stays readable.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from programs.models import Program, ProgramExercise
from programs.services import program_clone

from . import reminders
from .models import Assignment, AssignmentVersion
from .scheduling import DAY_NAMES, schedule_text

SCHEDULE_FIELDS = ("start_date", "weeks", "days_of_week", "sessions_per_day")


@dataclass(frozen=True)
class Line:
    """One exercise as given: its identity (exercise and occurrence) and what the client reads."""

    key: tuple[int, int]
    name: str
    dosage: str
    note: str


@dataclass(frozen=True)
class Snapshot:
    lines: tuple[Line, ...]
    schedule: dict


def short_dosage(item) -> str:
    """Sets times reps or seconds, e.g. "3 × 10", "3 × 20 s", "2 × 8 · hold 5 s · each side"."""  # noqa: RUF002
    if item.reps:
        head = f"{item.sets} × {item.reps}"
    elif item.duration_seconds:
        head = f"{item.sets} × {item.duration_seconds} s"
    else:
        head = f"{item.sets} set{'s' if item.sets != 1 else ''}"
    parts = [head]
    if item.reps and item.duration_seconds:
        parts.append(f"{item.duration_seconds} s")
    if item.hold_seconds:
        parts.append(f"hold {item.hold_seconds} s")
    if item.side:
        parts.append(item.get_side_display())
    return " · ".join(parts)


def schedule_of(assignment: Assignment) -> dict:
    return {
        "start_date": assignment.start_date.isoformat(),
        "weeks": assignment.weeks,
        "days_of_week": sorted(assignment.days_of_week),
        "sessions_per_day": assignment.sessions_per_day,
    }


def snapshot(items, schedule: dict) -> Snapshot:
    """`items` are ProgramExercises in order, with their exercise loaded."""
    seen: Counter = Counter()
    lines = []
    for item in items:
        seen[item.exercise_id] += 1
        key = (item.exercise_id, seen[item.exercise_id])
        lines.append(Line(key, item.exercise.name.lower(), short_dosage(item), item.note.strip()))
    return Snapshot(tuple(lines), _normal_schedule(schedule))


def _normal_schedule(schedule: dict) -> dict:
    start = schedule["start_date"]
    return {
        "start_date": start.isoformat() if isinstance(start, date) else start,
        "weeks": int(schedule["weeks"]),
        "days_of_week": sorted(int(day) for day in schedule["days_of_week"]),
        "sessions_per_day": int(schedule["sessions_per_day"]),
    }


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What a client reads at the top of the new version: new, removed and re-dosed exercises, the schedule."""
    old = {line.key: line for line in before.lines}
    new = {line.key: line for line in after.lines}
    said = [f"new: {line.name}" for line in after.lines if line.key not in old]
    said += [f"removed: {line.name}" for line in before.lines if line.key not in new]
    for line in after.lines:
        if line.key in old and old[line.key].dosage != line.dosage:
            said.append(f"{line.name} now {line.dosage}")
        if line.key in old and old[line.key].note != line.note:
            said.append(f"{line.name}: new note")
    kept_before = [line.key for line in before.lines if line.key in new]
    kept_after = [line.key for line in after.lines if line.key in old]
    if kept_before != kept_after:
        said.append("new order")
    return said + schedule_changes(before.schedule, after.schedule)


def schedule_summary(schedule: dict) -> str:
    """A version's schedule in words, e.g. "From 25 Nov 2026 for 4 weeks · Mon, Wed, Fri · once a day"."""
    schedule = _normal_schedule(schedule)
    start, weeks = date.fromisoformat(schedule["start_date"]), schedule["weeks"]
    days = schedule_text(schedule["days_of_week"], schedule["sessions_per_day"])
    return f"From {start:%-d %b %Y} for {weeks} week{'s' if weeks != 1 else ''} · {days}"


def schedule_changes(before: dict, after: dict) -> list[str]:
    said = []
    if before["start_date"] != after["start_date"]:
        said.append(f"now starts {date.fromisoformat(after['start_date']):%-d %b %Y}")
    if before["weeks"] != after["weeks"]:
        said.append(f"now {after['weeks']} week{'s' if after['weeks'] != 1 else ''}")
    if before["days_of_week"] != after["days_of_week"]:
        days = after["days_of_week"]
        said.append("now every day" if len(days) == 7 else "now on " + ", ".join(DAY_NAMES[d] for d in days))
    if before["sessions_per_day"] != after["sessions_per_day"]:
        count = after["sessions_per_day"]
        said.append(f"now {count} session{'s' if count != 1 else ''} a day")
    return said


def _items(program: Program):
    return program.items.select_related("exercise")


def revision_draft(*, assignment: Assignment) -> Program:
    """The working copy of the current version, made on first edit and kept until published."""
    draft = Program.objects.filter(is_draft=True, source=assignment.program).first()
    if draft is None:
        draft = program_clone(program=assignment.program, practice=assignment.client.practice)
        draft.is_draft = True
        draft.save(update_fields=["is_draft"])
    return draft


@transaction.atomic
def assignment_revise(
    *, assignment: Assignment, draft: Program, schedule: dict, by=None
) -> AssignmentVersion:
    """Publish the draft as the next version; the same assignment, sign-in and history go on."""
    assignment = (
        Assignment.objects.select_for_update().select_related("client", "program").get(pk=assignment.pk)
    )
    if not draft.is_draft or draft.source_id != assignment.program_id:
        raise ValidationError({"program": "This draft is not a working copy of the current version."})
    if not draft.items.exists():
        raise ValidationError({"program": "Add at least one exercise before publishing."})
    said = changes(
        snapshot(_items(assignment.program), schedule_of(assignment)), snapshot(_items(draft), schedule)
    )
    if not said:
        raise ValidationError({"program": f"Nothing changed since version {assignment.version}."})
    schedule = _normal_schedule(schedule)
    for name in SCHEDULE_FIELDS:
        setattr(assignment, name, schedule[name])
    assignment.start_date = date.fromisoformat(schedule["start_date"])
    assignment.program, assignment.version = draft, assignment.version + 1
    assignment.full_clean(exclude=["program", "client"])
    Program.objects.filter(pk=draft.pk).update(is_draft=False)
    assignment.save()
    reminders.reschedule([assignment])
    return AssignmentVersion.objects.create(
        assignment=assignment,
        number=assignment.version,
        program=draft,
        changes=said,
        schedule=schedule,
        created_by=by,
    )


def first_version(assignment: Assignment, *, by=None) -> AssignmentVersion:
    return AssignmentVersion.objects.create(
        assignment=assignment,
        number=assignment.version,
        program=assignment.program,
        schedule=schedule_of(assignment),
        created_by=by,
    )


def items_of_client(client):
    """Every exercise the client was ever given, in any version: a phone may sync a check-off late."""
    return ProgramExercise.objects.filter(program__version__assignment__client=client)


def items_of_client_user(user):
    """As `items_of_client`, for the client signed in as `user` (none for anyone else)."""
    return ProgramExercise.objects.filter(program__version__assignment__client__user=user)


def assignment_of_item(item: ProgramExercise) -> Assignment:
    """The assignment an exercise belongs to, whether its version is the current one or older."""
    return AssignmentVersion.objects.select_related("assignment").get(program_id=item.program_id).assignment
