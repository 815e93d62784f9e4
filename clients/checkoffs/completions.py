"""Check-offs: recorded once whatever the replays, held to the schedule of the day they are for."""

from contextlib import nullcontext
from datetime import date, datetime, timedelta
from functools import cache
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from practice.errors import Conflict
from programs.models import ProgramExercise

from ..audit import audit_record
from ..models import Assignment, AssignmentVersion, AuditEvent, Client, Completion
from ..scheduling import Terms, local_date, terms_on, version_terms
from ..webhooks.events import emit, heard

CHECK_OFF_DAYS_BACK = 7


def completion_record(
    *,
    client: Client,
    completion_id: UUID,
    item: ProgramExercise,
    fields: dict,
    actor,
    ip: str | None = None,
    now: datetime | None = None,
) -> tuple[Completion, bool]:
    """Check a slot off, idempotently: a replay of the same id updates, it never duplicates.

    The item may belong to an older version of the assignment: a phone that was offline
    syncs what was done against the program it had. The check-off and its audit event are
    written together, or neither is.
    """
    assignment = item.program.version.assignment
    _check_slot(assignment, item, fields["date"], fields["session"], now=now or timezone.now())
    slot = {"assignment_exercise": item, "date": fields["date"], "session": fields["session"]}
    values = {k: v for k, v in fields.items() if k not in ("date", "session")}
    written = _write_in_one_statement(client, assignment, completion_id, slot, values, actor=actor, ip=ip)
    if written is not None:
        return written
    try:
        with transaction.atomic():
            existing = Completion.objects.select_for_update().filter(pk=completion_id).first()
            created = existing is None
            if created:
                _refuse_a_slot_done_in_another_version(assignment, item, fields["date"], fields["session"])
                completion = Completion.objects.create(
                    id=completion_id, assignment=assignment, **slot, **values
                )
            else:
                completion = _replay(existing, client, assignment, slot, values)
            audit_record(
                actor=actor, client=client, action=AuditEvent.RECORD_COMPLETION, obj=completion, ip=ip
            )
            if created:
                emit(
                    "completion.created",
                    client.practice,
                    completion=completion.pk,
                    client=client.pk,
                    assignment=assignment.pk,
                )
            return completion, created
    except IntegrityError:
        # Lost a race: either the same id was written meanwhile, or another id holds the slot.
        if Completion.objects.filter(pk=completion_id).exists():
            return completion_record(
                client=client,
                completion_id=completion_id,
                item=item,
                fields=fields,
                actor=actor,
                ip=ip,
                now=now,
            )
        taken = Completion.objects.get(**slot)
        raise Conflict(
            "This exercise is already checked off for that day and session.",
            field="assignment_exercise",
            existing_id=taken.pk,
        ) from None


VALUE_FIELDS = ("sets_done", "reps_done", "pain", "difficulty", "note")


def _write_in_one_statement(
    client: Client, assignment: Assignment, completion_id: UUID, slot: dict, values: dict, *, actor, ip
) -> tuple[Completion, bool] | None:
    """The usual check-off, new, changed or replayed, with its audit event, in one statement
    (PostgreSQL): the insert of the check-off, or the update of the same id's same slot when a value
    sent changed, or the same id's same slot as it is when nothing changed, and the audit event, so
    both are written or neither. Nothing found (an id of another slot or client, a row changed
    meanwhile) or a slot taken under another id: None, and the rest of `completion_record` says
    what happens, as it would have without this path.

    It writes in one statement what the rest of `completion_record` writes in three (the id's row
    locked, written, its audit event): the check-off is the API's hottest write. A new check-off's
    webhook deliveries (`webhooks.events.emit`) are queued in the same transaction.
    """
    if connection.vendor != "postgresql" or assignment.version != 1:
        return None  # a revised program's new check-off must first look at the other versions
    sent = [name for name in VALUE_FIELDS if name in values]
    params = {
        "id": completion_id,
        "assignment": assignment.pk,
        "item": slot["assignment_exercise"].pk,
        "date": slot["date"],
        "session": slot["session"],
        **{name: values.get(name) for name in VALUE_FIELDS},
        "note": values.get("note", ""),
        "now": timezone.now(),
        "actor": actor.pk if actor is not None and actor.is_authenticated else None,
        "client": client.pk,
        "action": AuditEvent.RECORD_COMPLETION,
        "object_type": Completion.__name__,
        "ip": ip,
    }
    try:
        with _transaction_if_needed(client):
            with connection.cursor() as cursor:
                cursor.execute(_one_statement(tuple(sent)), params)
                found = cursor.fetchone()
            if found is None:
                return None
            *stored, created = found
            if created:
                emit(
                    "completion.created",
                    client.practice,
                    completion=completion_id,
                    client=client.pk,
                    assignment=assignment.pk,
                )
    except IntegrityError:
        return None  # another id holds the slot: the rest of `completion_record` answers 409
    return Completion.from_db(connection.alias, _RETURNED, stored), created


def _transaction_if_needed(client: Client):
    """A transaction for a new check-off's webhook deliveries, or a savepoint inside a caller's
    transaction (an IntegrityError must not break it); otherwise none: one statement is atomic
    on its own, and BEGIN and COMMIT would be two round trips more than the write itself."""
    if connection.in_atomic_block or heard("completion.created", client.practice):
        return transaction.atomic()
    return nullcontext()


_RETURNED = ["id", "assignment_id", "assignment_exercise_id", "date", "session", *VALUE_FIELDS]
_RETURNED += ["created_at", "updated_at"]


@cache  # one text per set of values sent
def _one_statement(sent: tuple[str, ...]) -> str:
    """ON CONFLICT (id) takes the same id's row only when it is of the same slot and a value sent
    changed, and then updates only the values sent, as `_replay` does; xmax = 0 marks a row
    inserted, not updated. A plain replay (the same id, slot and values, as the statement's
    snapshot holds them) writes nothing but its audit event and answers the row as it is. A clash
    on the slot's unique constraint (the slot taken under another id) is an IntegrityError, as an
    INSERT's."""
    changes = " OR ".join(f"c.{name} IS DISTINCT FROM EXCLUDED.{name}" for name in sent) or "FALSE"
    same = " AND ".join(f"c.{name} IS NOT DISTINCT FROM %({name})s" for name in sent) or "TRUE"
    columns = ", ".join(f"c.{name}" for name in _RETURNED)
    # Every name below is a column of VALUE_FIELDS or _RETURNED; the values go in as parameters.
    return f"""
WITH written AS (
    INSERT INTO {Completion._meta.db_table} AS c (
        id, assignment_id, assignment_exercise_id, date, session,
        sets_done, reps_done, pain, difficulty, note, created_at, updated_at
    ) VALUES (
        %(id)s, %(assignment)s, %(item)s, %(date)s, %(session)s,
        %(sets_done)s, %(reps_done)s, %(pain)s, %(difficulty)s, %(note)s, %(now)s, %(now)s
    )
    ON CONFLICT (id) DO UPDATE SET
        {"".join(f"{name} = EXCLUDED.{name}, " for name in sent)}updated_at = EXCLUDED.updated_at
    WHERE c.assignment_exercise_id = EXCLUDED.assignment_exercise_id
        AND c.date = EXCLUDED.date AND c.session = EXCLUDED.session AND ({changes})
    RETURNING {columns}, (c.xmax = 0) AS created
), replayed AS (
    SELECT {columns}, FALSE AS created FROM {Completion._meta.db_table} AS c
    WHERE c.id = %(id)s AND c.assignment_exercise_id = %(item)s AND c.date = %(date)s
        AND c.session = %(session)s AND {same} AND NOT EXISTS (SELECT FROM written)
), answered AS (
    SELECT * FROM written UNION ALL SELECT * FROM replayed
), audited AS (
    INSERT INTO {AuditEvent._meta.db_table} (at, actor_id, client_id, action, object_type, object_id, ip)
    SELECT %(now)s, %(actor)s, %(client)s, %(action)s, %(object_type)s, answered.id::text, %(ip)s::inet
    FROM answered
)
SELECT * FROM answered
"""  # noqa: S608


def _refuse_a_slot_done_in_another_version(
    assignment: Assignment, item: ProgramExercise, day: date, session: int
) -> None:
    """An exercise checked off that day and session against another version of the program
    is this slot already: today's list shows it done, and it counts once."""
    if assignment.version == 1:
        return  # one program only: the database's one-check-off-per-slot rule says it all
    others = list(
        Completion.objects.filter(
            assignment=assignment,
            date=day,
            session=session,
            assignment_exercise__exercise_id=item.exercise_id,
        ).exclude(assignment_exercise=item)
    )
    if others and len(others) >= item.program.items.filter(exercise_id=item.exercise_id).count():
        raise Conflict(
            "This exercise is already checked off for that day and session.",
            field="assignment_exercise",
            existing_id=others[0].pk,
        )


def _replay(
    existing: Completion, client: Client, assignment: Assignment, slot: dict, values: dict
) -> Completion:
    # The usual replay is of the same assignment: known to be the client's, no query needed.
    same_assignment = existing.assignment_id == assignment.pk
    if not same_assignment and existing.assignment.client_id != client.pk:
        raise Http404
    same_slot = (existing.assignment_exercise_id, existing.date, existing.session) == (
        slot["assignment_exercise"].pk,
        slot["date"],
        slot["session"],
    )
    if not same_slot:
        raise Conflict("This id already checks off another slot.", field="id", existing_id=existing.pk)
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if changed:  # a plain replay writes nothing, so it answers exactly as the first call did
        for name in changed:
            setattr(existing, name, values[name])
        existing.save()
    return existing


def _check_slot(
    assignment: Assignment, item: ProgramExercise, day: date, session: int, *, now: datetime
) -> None:
    """A check-off's day and session, held to the schedule of the version that governed the day."""
    today = local_date(assignment.client, now)
    if day > today:
        _refuse("date", "This date is still in the future where you are.", code="date_in_future")
    terms = _terms_on(assignment, item, day)
    if day < terms.start_date:
        _refuse("date", f"The program starts on {terms.start_date.isoformat()}.", code="before_start")
    if day > terms.end_date:
        _refuse("date", f"The program ended on {terms.end_date.isoformat()}.", code="after_end")
    if day < today - timedelta(days=CHECK_OFF_DAYS_BACK):
        _refuse("date", f"Check-offs can go back {CHECK_OFF_DAYS_BACK} days at most.", code="too_far_back")
    if session > terms.sessions_per_day:
        count = terms.sessions_per_day
        message = f"This program has {count} session{'s' if count != 1 else ''} a day."
        _refuse("session", message, code="session_past_schedule")


def _refuse(field: str, message: str, *, code: str) -> None:
    """A refused check-off, with a code of its own: the phone page says each in its language."""
    raise ValidationError({field: ValidationError(message, code=code)})


def _terms_on(assignment: Assignment, item: ProgramExercise, day: date) -> Terms:
    """The terms of the version that governed `day` (`scheduling.terms_on`): the current schedule,
    unless the day came before the newest version was published; then one query reads the
    schedules of every version."""
    history = []
    if assignment.version > 1 and day < _newest_version_day(assignment, item):
        history = [
            (number, published_at, schedule, ())
            for number, published_at, schedule in AssignmentVersion.objects.filter(
                assignment=assignment
            ).values_list("number", "created_at", "schedule")
        ]
    assignment.terms = version_terms(assignment, assignment.client.timezone, history)
    return terms_on(assignment, day)


def _newest_version_day(assignment: Assignment, item: ProgramExercise) -> date:
    """The client's calendar day the newest version came out, as far as known without a query
    (date.max when not known: the versions are read then)."""
    version = item.program.version
    published_at = getattr(item, "newest_published_at", None)
    if published_at is None and version.number == assignment.version:
        published_at = version.created_at
    return local_date(assignment.client, published_at) if published_at else date.max


@transaction.atomic
def completion_delete(*, client: Client, completion_id: UUID) -> None:
    deleted, _ = Completion.objects.filter(pk=completion_id, assignment__client=client).delete()
    if not deleted:
        raise Http404
    emit("completion.deleted", client.practice, completion=completion_id, client=client.pk)
