"""Use cases of the clients app that span models; views, serializers and tasks call these."""

from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from practice.errors import Conflict
from practice.models import Membership, User
from programs.models import Program, ProgramExercise
from programs.services import program_clone

from . import emails, invitations, reminders, versions
from .adherence import Terms, terms_of, terms_on
from .audit import audit_record
from .models import Assignment, AssignmentPause, AssignmentVersion, AuditEvent, Client, Completion
from .scheduling import local_date

CHECK_OFF_DAYS_BACK = 7


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
    reminders.reschedule([assignment])
    return assignment


@transaction.atomic
def client_create(*, practice, practitioner, **fields) -> Client:
    """A new client, emailed an invitation to sign in."""
    client = Client(practice=practice, practitioner=practitioner, **fields)
    client.full_clean()
    client.save()
    invitations.invitation_send(client=client)
    return client


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
        running = assignment.pauses.filter(start_date__lte=today, end_date__gte=today).first()
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
    reminders.reschedule([assignment])
    return assignment


SIGN_IN_TAKEN = "Another Rehabit account signs in with this email."
# Said the same for a practitioner of any practice: which one is not this practice's to know.
PRACTITIONER_SIGN_IN = (
    "This email is a practitioner's sign-in, and a practitioner's sign-in cannot be a client's: "
    "use an email of the client's own."
)


def sign_in_taken(client: Client, email: str) -> bool:
    """Whether the client's sign-in could not follow their email there: another account has it."""
    if client.user_id is None:
        return False
    return User.objects.filter(email__iexact=email).exclude(pk=client.user_id).exists()


def client_email_refusal(*, practice, email: str, client: Client | None = None) -> str:
    """Why a (new or existing) client of the practice cannot have this email, or "" when they can."""
    others = Client.objects.filter(practice=practice, email__iexact=email)
    if client is not None:
        others = others.exclude(pk=client.pk)
    if others.exists():
        return "Another client of this practice has this email."
    if client is not None and sign_in_taken(client, email):
        return SIGN_IN_TAKEN
    if (client is None or email.lower() != client.email.lower()) and is_practitioner_sign_in(email):
        return PRACTITIONER_SIGN_IN
    return ""


def is_practitioner_sign_in(email: str) -> bool:
    # One sign-in is never a client's and a member's at once: the client's would open the
    # workspace. An address kept from before this rule is left as it is.
    return Membership.objects.filter(user__email__iexact=email).exists()


@transaction.atomic
def client_update_settings(*, client: Client, **changes) -> Client:
    """Details changed: a new email is also the client's sign-in; reminders follow the new settings."""
    if "email" in changes and client.user_id:
        if sign_in_taken(client, changes["email"]):
            raise ValidationError({"email": SIGN_IN_TAKEN})
        old_email = User.objects.filter(pk=client.user_id).values_list("email", flat=True).get()
        User.objects.filter(pk=client.user_id).update(email=changes["email"].lower())
        if old_email != changes["email"].lower():
            from .tasks import email_sign_in_moved

            email_sign_in_moved.delay_on_commit(client_id=client.pk, old_email=old_email)
    for name, value in changes.items():
        setattr(client, name, value)
    client.save(update_fields=list(changes))
    assignments = list(client.assignments.filter(status=Assignment.ACTIVE).select_related("client"))
    reminders.reschedule(assignments)
    return client


def sign_in_moved_email(*, client_id: int, old_email: str) -> None:
    """Tell the address the sign-in left; nothing once the client was erased or moved back to it."""
    client = (
        Client.objects.select_related("practice")
        .filter(pk=client_id, erased_at__isnull=True)
        .exclude(email__iexact=old_email)
        .first()
    )
    if client is not None:
        emails.send_sign_in_moved(client, old_email)


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
    """The terms of the version that governed `day` (see `adherence`): the current schedule,
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
    assignment.terms = terms_of(assignment, assignment.client.timezone, history)
    return terms_on(assignment, day)


def _newest_version_day(assignment: Assignment, item: ProgramExercise) -> date:
    """The client's calendar day the newest version came out, as far as known without a query
    (date.max when not known: the versions are read then)."""
    version = item.program.version
    published_at = getattr(item, "newest_published_at", None)
    if published_at is None and version.number == assignment.version:
        published_at = version.created_at
    return local_date(assignment.client, published_at) if published_at else date.max


def completion_delete(*, client: Client, completion_id: UUID) -> None:
    deleted, _ = Completion.objects.filter(pk=completion_id, assignment__client=client).delete()
    if not deleted:
        raise Http404
