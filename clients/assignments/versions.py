"""Versions of an assignment: a new one at every edit, keeping what changed (see `changes.py`).

The client keeps one sign-in and one history: check-offs keep pointing at the exercise of
the version they were made against, and every older version stays readable.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from programs.models import Program, ProgramExercise
from programs.services import program_clone

from ..models import Assignment, AssignmentVersion, Reminder
from ..scheduling import local_date, reschedule, schedule_text
from ..webhooks.events import emit
from .changes import diff, exercises_named, names_in, normal_schedule, said, snapshot

SCHEDULE_FIELDS = ("start_date", "weeks", "days_of_week", "sessions_per_day")


def schedule_of(assignment: Assignment) -> dict:
    return {
        "start_date": assignment.start_date.isoformat(),
        "weeks": assignment.weeks,
        "days_of_week": sorted(assignment.days_of_week),
        "sessions_per_day": assignment.sessions_per_day,
    }


def schedule_summary(schedule: dict) -> str:
    """A version's schedule in words, e.g. "From 25 Nov 2026 for 4 weeks · Mon, Wed, Fri · once a day"."""
    schedule = normal_schedule(schedule)
    start, weeks = date.fromisoformat(schedule["start_date"]), schedule["weeks"]
    days = schedule_text(schedule["days_of_week"], schedule["sessions_per_day"])
    return f"From {start:%-d %b %Y} for {weeks} week{'s' if weeks != 1 else ''} · {days}"


def revision_draft(*, assignment: Assignment) -> Program:
    """The working copy of the current version, made on first edit and kept until published."""
    draft = Program.objects.filter(is_draft=True, source=assignment.program).first()
    if draft is None:
        draft = program_clone(program=assignment.program, practice=assignment.client.practice)
        draft.is_draft = True
        draft.save(update_fields=["is_draft"])
    return draft


def unpublished_edits(*, assignment: Assignment, draft: Program) -> list[str]:
    """What the working copy changes in the exercises so far, in the workspace's English."""
    schedule = schedule_of(assignment)
    changed = diff(snapshot(assignment.program.items.all(), schedule), snapshot(draft.items.all(), schedule))
    return said(changed, language="en", names=names_in("en", exercises_named([changed])))


def revision_discard(*, assignment: Assignment) -> bool:
    """Drop the unpublished working copy, if any: the next edit starts again from the current version."""
    deleted, _ = Program.objects.filter(is_draft=True, source=assignment.program).delete()
    return bool(deleted)


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
    before = snapshot(assignment.program.items.all(), schedule_of(assignment))
    changed = diff(before, snapshot(draft.items.all(), schedule))
    if not changed:
        raise ValidationError({"program": f"Nothing changed since version {assignment.version}."})
    schedule = normal_schedule(schedule)
    for name in SCHEDULE_FIELDS:
        setattr(assignment, name, schedule[name])
    assignment.start_date = date.fromisoformat(schedule["start_date"])
    assignment.program, assignment.version = draft, assignment.version + 1
    assignment.full_clean(exclude=["program", "client"])
    Program.objects.filter(pk=draft.pk).update(is_draft=False)
    assignment.save()
    version = AssignmentVersion.objects.create(
        assignment=assignment,
        number=assignment.version,
        program=draft,
        changes=changed,
        schedule=schedule,
        created_by=by,
    )
    reschedule([assignment])  # after the version is written: it governs from today
    tell_the_client(version)
    client = assignment.client
    emit(
        "assignment.versioned",
        client.practice,
        assignment=assignment.pk,
        version=version.number,
        client=client.pk,
    )
    return version


def first_version(assignment: Assignment, *, by=None) -> AssignmentVersion:
    version = AssignmentVersion.objects.create(
        assignment=assignment,
        number=assignment.version,
        program=assignment.program,
        schedule=schedule_of(assignment),
        created_by=by,
    )
    tell_the_client(version)
    return version


def tell_the_client(version: AssignmentVersion) -> None:
    """The client hears of a program a practitioner gave them, and of each new version, by email
    (what changed, for a new version). Row first, in the transaction that makes the version: the
    reminders' sweep queues it within a minute and its claim sends it once (`reminders/programs.py`).
    A version nobody made (seeded, imported) is told to no one."""
    if version.created_by_id is None:
        return
    client, now = version.assignment.client, timezone.now()
    kind = Reminder.PROGRAM_ASSIGNED if version.number == 1 else Reminder.PROGRAM_UPDATED
    Reminder.objects.bulk_create(
        [
            Reminder(
                client=client,
                assignment=version.assignment,
                version=version,
                kind=kind,
                local_date=local_date(client, now),
                due_at=now,
            )
        ],
        ignore_conflicts=True,
    )


def items_of_client(client):
    """Every exercise the client was ever given, in any version: a phone may sync a check-off late."""
    return ProgramExercise.objects.filter(program__version__assignment__client=client)


def items_of_client_user(user):
    """As `items_of_client`, for the client signed in as `user` (none for anyone else). Each
    knows when its assignment's newest version was published (`newest_published_at`): a late
    check-off for a day before it is held to an older version's schedule."""
    newest = AssignmentVersion.objects.filter(
        assignment=OuterRef("program__version__assignment"),
        number=OuterRef("program__version__assignment__version"),
    )
    return ProgramExercise.objects.filter(program__version__assignment__client__user=user).annotate(
        newest_published_at=Subquery(newest.values("created_at")[:1])
    )


def assignment_of_item(item: ProgramExercise) -> Assignment:
    """The assignment an exercise belongs to, whether its version is the current one or older."""
    return AssignmentVersion.objects.select_related("assignment").get(program_id=item.program_id).assignment
