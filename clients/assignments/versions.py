"""Versions of an assignment: a new one at every edit, keeping what changed (see `changes.py`).

The client keeps one sign-in and one history: check-offs keep pointing at the exercise of
the version they were made against, and every older version stays readable.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from practice import rows
from practice.models import Practice
from programs.models import Program, ProgramExercise
from programs.services import program_clone

from ..models import Assignment, AssignmentVersion, Client, Reminder
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


def items_for_check_off(user, ids: set[int]) -> dict[int, ProgramExercise]:
    """As `items_of_client` among `ids`, for the client signed in as `user` (none for anyone else),
    by id, each with what a check-off reads of its version, assignment, client and practice
    (`completions.completion_record`: the schedules, the timezone, the practice's webhook events).
    Each knows when its assignment's newest version was published (`newest_published_at`): a late
    check-off for a day before it is held to an older version's schedule.

    One statement written out, loaded as `select_related` would load it: the check-off is the API's
    hottest call, and building and compiling the ORM's five-table query took longer than the
    database's answering it. Each value goes through its field's converters, as the ORM's."""
    if not ids:
        return {}
    sql = _ITEMS_FOR_CHECK_OFF.format(ids=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *ids])
        found = cursor.fetchall()
    return {item.pk: item for item in map(_item_of_row, found)}


_ASSIGNMENT_READS = ["id", "client_id", "program_id", "start_date", "weeks", "days_of_week"]
_ASSIGNMENT_READS += ["sessions_per_day", "status", "ended_on", "version"]
# What a check-off reads: each model with its table's alias in _ITEMS_FOR_CHECK_OFF and its columns.
_CHECK_OFF_READS = [
    (ProgramExercise, "pe", ["id", "program_id", "exercise_id"]),
    (AssignmentVersion, "v", ["id", "assignment_id", "program_id", "number", "created_at", "schedule"]),
    (Assignment, "a", _ASSIGNMENT_READS),
    (Client, "c", ["id", "user_id", "practice_id", "timezone"]),
    (Practice, "p", ["id", "webhook_events"]),
]
# In the model's order of fields, which `Model.from_db` takes the values of a partial row in.
_CHECK_OFF_FIELDS = [(model, alias, rows.fields_of(model, names)) for model, alias, names in _CHECK_OFF_READS]
_NEWEST = AssignmentVersion._meta.get_field("created_at")


# Every name below is a table or column of the models above; the values go in as parameters.
_ITEMS_FOR_CHECK_OFF = f"""
SELECT {", ".join(rows.select_list(alias, fields) for _, alias, fields in _CHECK_OFF_FIELDS)},
    (SELECT n.created_at FROM {AssignmentVersion._meta.db_table} n
     WHERE n.assignment_id = a.id AND n.number = a.version) AS newest_published_at
FROM {ProgramExercise._meta.db_table} pe
JOIN {AssignmentVersion._meta.db_table} v ON v.program_id = pe.program_id
JOIN {Assignment._meta.db_table} a ON a.id = v.assignment_id
JOIN {Client._meta.db_table} c ON c.id = a.client_id
JOIN {Practice._meta.db_table} p ON p.id = c.practice_id
WHERE c.user_id = %s AND pe.id IN ({{ids}})
"""  # noqa: S608


def _item_of_row(row) -> ProgramExercise:
    values = iter(row)
    item, version, assignment, client, practice = (
        rows.instance(model, fields, [next(values) for _ in fields]) for model, _, fields in _CHECK_OFF_FIELDS
    )
    item.newest_published_at = rows.load(_NEWEST, next(values))
    program = Program.from_db(connection.alias, ["id"], [item.program_id])
    pairs = [(item, program), (program, version), (version, program), (version, assignment)]
    pairs += [(assignment, client), (client, practice)]
    for field, (instance, related) in zip(_LINKS, pairs, strict=True):
        field.set_cached_value(instance, related)
    return item


# How the objects of a row hold each other, as `select_related` leaves them.
_LINKS = [
    ProgramExercise._meta.get_field("program"),
    Program._meta.get_field("version"),
    AssignmentVersion._meta.get_field("program"),
    AssignmentVersion._meta.get_field("assignment"),
    Assignment._meta.get_field("client"),
    Client._meta.get_field("practice"),
]


def assignment_of_item(item: ProgramExercise) -> Assignment:
    """The assignment an exercise belongs to, whether its version is the current one or older."""
    return AssignmentVersion.objects.select_related("assignment").get(program_id=item.program_id).assignment
