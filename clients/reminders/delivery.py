"""Daily exercise reminders, row first: a Reminder row exists before any send is queued.

The sweep (one iteration: `sweep`) turns due assignments into Reminder rows under a
unique key and advances each assignment's `next_reminder_at`; sends are queued only
after that commits. A send claims its row, so a duplicate task finds nothing to do.
Retries are rows too: a failed send is put back with `not_before`, and the sweep
queues it again when that time has come. No task is ever queued with an ETA.
"""

import logging
import threading
import time
from collections import defaultdict
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from smtplib import SMTPException
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db import connection as db
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as KombuOperationalError

from practice.zones import zone_info
from programs.models import ProgramExercise, dosage_words

from ..assignments import changes
from ..assignments.handouts import assignment_handout
from ..checkoffs.today import Slot, day_slots, done_by_slot
from ..models import Assignment, Client, Completion, Consultation, Reminder
from ..scheduling import in_quiet_hours, local_date, next_reminder_at, save_next_reminders, with_schedules
from . import alerts, programs
from .calendar import consultation_ics
from .channels import PUSH, Notice, channel_for, unsubscribe_url
from .waiting import message_waiting_notice, questionnaire_due_notice

log = logging.getLogger(__name__)

SWEEP_BATCH = 5000
MAX_ATTEMPTS = 5
REQUEUE_AFTER = timedelta(minutes=10)
QUEUE_CHUNK = 50
# Sent rows are marked together at most this often: one UPDATE for many emails, and a worker
# killed in between re-sends only what it sent in that moment.
MARK_EVERY_SECONDS = 0.2
RECENT_CHANGE = timedelta(days=7)
DAY_KINDS = {Reminder.EXERCISE: "exercise_reminder", Reminder.NUDGE: "missed_nudge"}  # kind: template
CONSULTATION_NOTICES = {
    Reminder.CONSULTATION_DAY: timedelta(hours=24),
    Reminder.CONSULTATION_HOUR: timedelta(hours=1),
}


def sweep(*, now: datetime | None = None) -> list[int]:
    """One beat tick: write the rows for every due reminder and queue what should be sent."""
    now = now or timezone.now()
    with transaction.atomic():
        due = with_schedules(_lock_due_assignments(now))  # the rule's pauses and versions, once
        wanted = [a for a in due if a.client.reminders_enabled]
        rows = [_reminder_for(a) for a in wanted] + alerts.missed_day_rows(due)
        rows += _consultation_reminders(now) + alerts.pain_alert_rows(now)
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        alerts.raise_alerts(rows, due, now)
        _advance(due, now)
        reminder_ids = _claim_for_queueing(now)
        transaction.on_commit(lambda: _queue_sends(reminder_ids))
    return reminder_ids


def _advance(due: list[Assignment], now: datetime) -> None:
    for assignment in due:
        assignment.next_reminder_at = next_reminder_at(assignment, after=now)
    save_next_reminders(due)


def _lock_due_assignments(now: datetime) -> list[Assignment]:
    # SKIP LOCKED: a second beat sweeping at the same moment takes other rows, not these.
    return list(
        Assignment.objects.filter(status=Assignment.ACTIVE, next_reminder_at__lte=now)
        .select_related("client__practice")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("next_reminder_at")[:SWEEP_BATCH]
    )


def _reminder_for(assignment: Assignment) -> Reminder:
    return Reminder(
        client=assignment.client,
        assignment=assignment,
        kind=Reminder.EXERCISE,
        local_date=local_date(assignment.client, assignment.next_reminder_at),
        due_at=assignment.next_reminder_at,
    )


def _consultation_reminders(now: datetime) -> list[Reminder]:
    """A row for each consultation that has come within 24 h (or 1 h) and has none of that kind
    for its current time yet: one sent before a move does not stand in for the new time's."""
    rows = []
    for kind, ahead in CONSULTATION_NOTICES.items():
        written = Reminder.objects.filter(
            consultation=OuterRef("pk"), kind=kind, consultation_sequence=OuterRef("sequence")
        )
        upcoming = (
            Consultation.objects.filter(
                status=Consultation.SCHEDULED, scheduled_at__gt=now, scheduled_at__lte=now + ahead
            )
            .exclude(Exists(written))
            .select_related("client")
        )
        rows += [
            Reminder(
                client=consultation.client,
                consultation=consultation,
                consultation_sequence=consultation.sequence,
                kind=kind,
                local_date=local_date(consultation.client, consultation.scheduled_at),
                due_at=consultation.scheduled_at - ahead,
            )
            for consultation in upcoming
        ]
    return rows


def _claim_for_queueing(now: datetime, rows=None) -> list[int]:
    """Rows never queued, due for a retry, queued but lost, or held by a dead worker."""
    lease_over = now - settings.REMINDER_CLAIM_LEASE
    waiting = Q(status=Reminder.PENDING) & (Q(not_before__isnull=True) | Q(not_before__lte=now))
    unqueued = Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    abandoned = Q(status=Reminder.SENDING, claimed_at__lt=lease_over)
    rows = (Reminder.objects.all() if rows is None else rows).filter((waiting & unqueued) | abandoned)
    ids = list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True)[:SWEEP_BATCH])
    Reminder.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


def _queue_sends(reminder_ids: list[int]) -> None:
    # Chunks: one broker message per QUEUE_CHUNK sends keeps a 1,000-reminder minute cheap to
    # publish, and lets a worker reuse one SMTP connection for the chunk.
    for start in range(0, len(reminder_ids), QUEUE_CHUNK):
        try:
            send_reminders.delay(reminder_ids[start : start + QUEUE_CHUNK])
        except KombuOperationalError:
            _unqueue(reminder_ids[start:])
            return


def _unqueue(reminder_ids: list[int]) -> None:
    # Not queued after all (the broker is down): the rows stay due, and the first sweep once it
    # is back (beat's, within a minute) queues them, rather than waiting out REQUEUE_AFTER.
    Reminder.objects.filter(pk__in=reminder_ids, status=Reminder.PENDING).update(queued_at=None)
    log.warning("broker unavailable: %s reminder sends wait for the next sweep", len(reminder_ids))


def deliver_many(reminder_ids: list[int], *, now: datetime | None = None, connection=None) -> dict[int, str]:
    """Claim a chunk, then send each over one SMTP connection; the status each claimed row ended in."""
    now = now or timezone.now()
    claim = _claim(reminder_ids, now)
    if claim is None:
        return {}
    rows = list(
        Reminder.objects.select_related(
            "client", "assignment", "consultation", "recipient", "version__program"
        )
        .prefetch_related("client__practice")  # one Practice per practice, not one per row
        .filter(pk__in=claim.ids)
        .order_by("pk")
    )
    _attach_day_slots(rows)
    with _commits_without_flush_wait():
        return _deliver_chunk(rows, claim, now, connection or _kept_smtp())


def deliver(reminder_id: int, *, now: datetime | None = None, connection=None) -> str | None:
    """Send one reminder if this call wins its claim; returns the status it ended in."""
    return deliver_many([reminder_id], now=now, connection=connection).get(reminder_id)


@dataclass
class Claim:
    """The rows of a chunk a worker still holds, each with `claimed_at` = `token`."""

    ids: list[int]
    token: datetime


def _claim(reminder_ids: list[int], now: datetime) -> Claim | None:
    # Locked and marked in one transaction: of two deliveries of one row, one wins and the
    # other finds it locked or already SENDING. A claim older than the lease was a dead worker's.
    lease_over = now - settings.REMINDER_CLAIM_LEASE
    claimable = Q(status=Reminder.PENDING) | Q(status=Reminder.SENDING, claimed_at__lt=lease_over)
    with transaction.atomic():
        rows = Reminder.objects.select_for_update(skip_locked=True).filter(claimable, pk__in=reminder_ids)
        won = list(rows.values_list("pk", flat=True))
        Reminder.objects.filter(pk__in=won).update(status=Reminder.SENDING, claimed_at=now)
    return Claim(ids=won, token=now) if won else None


def _deliver_chunk(rows: list[Reminder], claim: Claim, now: datetime, smtp) -> dict[int, str]:
    statuses, sent, marked = {}, [], time.monotonic()
    try:
        for row in rows:
            if row.pk not in _held(claim):
                continue  # taken over after our lease ran out: the other worker sends it
            claim.ids.remove(row.pk)  # finished here, one way or another
            statuses[row.pk] = _deliver_claimed(row, now, smtp)
            sent += [row.pk] if statuses[row.pk] == Reminder.SENT else []
            if time.monotonic() - marked >= MARK_EVERY_SECONDS:
                sent, marked = _mark_sent(sent), time.monotonic()
    finally:
        _mark_sent(sent)  # also when a row raised
    return statuses


def _mark_sent(reminder_ids: list[int]) -> list:
    """One UPDATE for the rows sent since the last: a worker killed before it re-sends at most
    MARK_EVERY_SECONDS of messages, each under its first Message-ID."""
    if reminder_ids:
        Reminder.objects.filter(pk__in=reminder_ids, status=Reminder.SENDING).update(
            status=Reminder.SENT, reason="", sent_at=timezone.now()
        )
    return []


def _held(claim: Claim) -> list[int]:
    """The rows still ours. Once a quarter of the lease has gone, one conditional UPDATE renews
    it for every row of the chunk still carrying our token and tells which do: a chunk that
    outlasts the lease (a slow relay) keeps its rows, and a row a sweep did hand to another
    worker is not sent by this one. Between renewals nothing can have been taken over."""
    now = timezone.now()
    if now - claim.token < settings.REMINDER_CLAIM_LEASE / 4 or not claim.ids:
        return claim.ids
    ours = Reminder.objects.filter(pk__in=claim.ids, status=Reminder.SENDING, claimed_at=claim.token)
    if ours.update(claimed_at=now) != len(claim.ids):  # some were taken over: which are left (rare)
        renewed = Reminder.objects.filter(pk__in=claim.ids, status=Reminder.SENDING, claimed_at=now)
        claim.ids = list(renewed.values_list("pk", flat=True))
    claim.token = now
    return claim.ids


def _deliver_claimed(reminder: Reminder, now: datetime, smtp) -> str:
    notice = _compose(reminder, now)
    if isinstance(notice, str):
        return _finish(reminder, Reminder.SKIPPED, notice)
    reached = PUSH.send(notice) if _pushed(reminder, now) else 0
    if reminder.kind in PUSH_ONLY:
        return Reminder.SENT if reached else _finish(reminder, Reminder.SKIPPED, "no phone took the push")
    _keep_open(smtp)
    try:
        channel_for(notice.recipient).send(_with_message_id(notice, reminder), connection=smtp)
    except (SMTPException, OSError) as exc:
        smtp.close()  # a refused or broken session is not reused
        return _record_failure(reminder, exc, now)
    return Reminder.SENT  # marked with the others sent in the same moment (`_mark_sent`)


def _pushed(reminder: Reminder, now: datetime) -> bool:
    """Whether this send also goes to the client's phones: a kind they opted in to, outside their
    quiet hours, with the first attempt only (a retried email does not buzz the phone again)."""
    opt_in = PUSH_OPT_INS.get(reminder.kind)
    if opt_in is None or reminder.attempts or not getattr(reminder.client, opt_in):
        return False
    return not in_quiet_hours(reminder.client, now)


def message_id(reminder: Reminder) -> str:
    """The same for every attempt at one send (a retry, a takeover after a timeout that may have
    delivered), so a resend is recognisable as the same message; new for a resend asked for."""
    domain = urlsplit(settings.SITE_URL).hostname or "rehabit.invalid"
    return f"<reminder-{reminder.pk}-{int(reminder.due_at.timestamp())}@{domain}>"


def _with_message_id(notice: Notice, reminder: Reminder) -> Notice:
    return replace(notice, headers={**notice.headers, "Message-ID": message_id(reminder)})


@contextmanager
def _commits_without_flush_wait():
    """Each row is marked the moment its email is out; not waiting for the WAL flush makes
    that several times cheaper. Only a crash of PostgreSQL itself can lose such a mark (the
    last ~0.6 s): the row is then taken over after its lease and sent again, a rare duplicate
    rather than a lost reminder."""
    if db.vendor != "postgresql":
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with db.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            db.close()  # a kept connection must not carry the setting into the next task


_kept = threading.local()


def _kept_smtp():
    """This worker's SMTP connection, kept open from chunk to chunk: a chunk no longer pays for
    connecting, greeting and quitting. One per thread; a new one when the email settings change
    (tests), and one the relay closed meanwhile is found out before the chunk's first send."""
    wanted = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)
    if getattr(_kept, "settings", None) != wanted:
        _kept.settings, _kept.smtp = wanted, get_connection()
    elif not _still_open(_kept.smtp):
        _kept.smtp.close()
    return _kept.smtp


def _still_open(smtp) -> bool:
    session = getattr(smtp, "connection", None)  # an SMTP backend's open session, if any
    if session is None:
        return True  # nothing open (or not SMTP): `_keep_open` opens what is needed
    try:
        return session.noop()[0] == 250
    except (SMTPException, OSError):
        return False


def _keep_open(smtp) -> None:
    # Should opening fail, the send itself fails the same way and is recorded on its row.
    with suppress(SMTPException, OSError):
        smtp.open()


def _attach_day_slots(rows: list[Reminder]) -> None:
    """Each exercise reminder's (and nudge's) slots for its day, for the whole chunk in five queries."""
    wanted = [row for row in rows if row.kind in DAY_KINDS]
    if not wanted:
        return
    nudged = set(
        Reminder.objects.filter(
            kind=Reminder.NUDGE,
            client__in={row.client_id for row in wanted},
            local_date__in={row.local_date for row in wanted},
        ).values_list("client_id", "local_date")
    )
    assignments = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(client__in={row.client_id for row in wanted})
        .select_related("program")
        # Items with their exercise joined: one query, and the changes' words are the one query
        # on exercises alone.
        .prefetch_related(
            Prefetch("program__items", queryset=ProgramExercise.objects.select_related("exercise")),
            "pauses",
            "versions",
        )
    ):
        assignments[assignment.client_id].append(assignment)
    done = done_by_slot(
        Completion.objects.filter(
            assignment__client__in={row.client_id for row in wanted},
            date__in={row.local_date for row in wanted},
        ).select_related("assignment_exercise")
    )
    for row in wanted:
        row.nudged = (row.client_id, row.local_date) in nudged
        row.day_slots = day_slots(assignments[row.client_id], row.local_date, done)
    _word_current_changes(wanted, assignments)


def _word_current_changes(rows: list[Reminder], assignments: dict[int, list[Assignment]]) -> None:
    """Each current version's changes in its client's language; one query for every exercise named."""
    language = {row.client_id: row.client.language for row in rows}
    reader = {}  # the client's language, by version
    for assignment in (a for group in assignments.values() for a in group if a.current_version):
        reader[assignment.current_version.pk] = language[assignment.client_id]
    current = [a.current_version for group in assignments.values() for a in group]
    changes.word_versions(current, language=lambda version: reader[version.pk])


def _compose(reminder: Reminder, now: datetime) -> Notice | str:
    """What to send, or why nothing is sent."""
    late = now - reminder.due_at > settings.REMINDER_MAX_LATENESS
    if late and reminder.kind not in USEFUL_HOWEVER_LATE:
        return "too late to be useful"
    return COMPOSERS[reminder.kind](reminder, now)


def _consultation_notice(reminder: Reminder, now: datetime) -> Notice | str:
    # An appointment reminder is a service message: sent even to a client who turned the
    # daily exercise reminders off, and not held back by quiet hours.
    consultation, client = reminder.consultation, reminder.client
    if consultation.status != Consultation.SCHEDULED:
        return f"consultation is {consultation.get_status_display().lower()}"
    if reminder.consultation_sequence != consultation.sequence:
        return "written for an earlier time; the consultation was moved"
    if consultation.created_at > reminder.due_at:
        return "booked after this reminder was due"
    if consultation.moved_at and consultation.moved_at > reminder.due_at:
        return "moved after this reminder was due"
    if consultation.scheduled_at <= now:
        return "the consultation has started"
    context = {
        "client": client,
        "practice": client.practice,
        "consultation": consultation,
        "starts_at": consultation.scheduled_at,
        "tomorrow": reminder.kind == Reminder.CONSULTATION_DAY,
        "app_url": f"{settings.SITE_URL}/app/",
    }
    return Notice("consultation_reminder", client, context, zone=client.timezone, language=client.language)


def consultation_change_request(
    *, consultation: Consultation, kind: str, now: datetime | None = None
) -> list[int]:
    """The client is told of a booking, a move or a cancellation: a row for the consultation as
    it now stands (its SEQUENCE), written and queued like every email, so a refused send is
    retried by the sweep. Call it inside the transaction that makes the change."""
    now = now or timezone.now()
    row = Reminder(
        client=consultation.client,
        consultation=consultation,
        consultation_sequence=consultation.sequence,
        kind=kind,
        local_date=local_date(consultation.client, now),
        due_at=now,
    )
    this_change = Reminder.objects.filter(
        consultation=consultation, kind=kind, consultation_sequence=consultation.sequence
    )
    return _write_and_queue([row], now, this_change)


def _consultation_change_notice(reminder: Reminder, now: datetime) -> Notice | str:
    consultation, client = reminder.consultation, reminder.client
    if reminder.consultation_sequence != consultation.sequence:
        return "a later change was sent instead"  # its invite carries everything this one would
    cancelling = reminder.kind == Reminder.CONSULTATION_CANCELLED
    if not cancelling and consultation.status != Consultation.SCHEDULED:
        return f"consultation is {consultation.get_status_display().lower()}"
    if not cancelling and consultation.scheduled_at <= now:
        return "the consultation has started"
    method = "CANCEL" if cancelling else "REQUEST"
    context = {
        "client": client,
        "practice": client.practice,
        "consultation": consultation,
        "local": consultation.scheduled_at.astimezone(zone_info(client.timezone)),
        "site_url": settings.SITE_URL,
    }
    invite = ("consultation.ics", consultation_ics(consultation), f"text/calendar; method={method}")
    return Notice(
        reminder.kind, client, context, zone=client.timezone, language=client.language, attachments=(invite,)
    )


def _recent_changes(slots: list[Slot], now: datetime) -> list[str]:
    """What a program changed in its newest version, if that came in the last week; in the
    client's words (see `_word_current_changes`)."""
    said = []
    for assignment in {slot.assignment.pk: slot.assignment for slot in slots}.values():
        current = assignment.current_version
        if current and current.number > 1 and now - current.created_at < RECENT_CHANGE:
            said.extend(current.said)
    return said


def _exercise_notice(reminder: Reminder, now: datetime) -> Notice | str:
    client, assignment = reminder.client, reminder.assignment
    if not client.reminders_enabled:
        return "client turned reminders off"
    if assignment is None or assignment.status != Assignment.ACTIVE:
        return "assignment is not active"
    if in_quiet_hours(client, now):
        return "falls in the client's quiet hours"
    slots = reminder.day_slots
    if not slots:
        return "nothing is scheduled that day"
    if all(slot.done for slot in slots):
        return "the day's exercises were already done"
    if reminder.kind == Reminder.EXERCISE and reminder.nudged:
        return "the nudge went instead, with the day's exercises"  # one email, not two at once
    left = [slot for slot in slots if not slot.done]
    context = {
        "client": client,
        "day": reminder.local_date,
        "practice": client.practice,
        "items": _day_items(slots, left, client.language),
        "sessions": len({slot.session for slot in left}),
        "done": len(slots) - len(left),
        "total": len(slots),
        "changes": _recent_changes(slots, now),
        "missed": alerts.NUDGE_AFTER_MISSED,
        "app_url": f"{settings.SITE_URL}/app/",
    }
    return Notice(
        DAY_KINDS[reminder.kind],
        client,
        context,
        unsubscribe_url=unsubscribe_url(client),
        zone=client.timezone,
        language=client.language,
    )


def _day_items(slots: list[Slot], left: list[Slot], language: str) -> list[dict]:
    """The exercises still to do in a session of the day, each once and in the program's order,
    with name and dosage in the client's language."""
    wanted = {(slot.assignment.pk, slot.item.pk) for slot in left}
    with translation.override(language):
        return [
            {"name": slot.item.exercise.words_in(language)["name"], "dosage": dosage_words(slot.item)}
            for slot in slots
            if slot.session == 1 and (slot.assignment.pk, slot.item.pk) in wanted
        ]


def questionnaire_due_request(*, clients: list[Client], now: datetime | None = None) -> list[int]:
    """Tell each client by push that a questionnaire fell due today: one row per client and local
    day (the row's key), so a second sweep or a retried task never pushes twice."""
    now = now or timezone.now()
    rows = [
        Reminder(
            client=client, kind=Reminder.QUESTIONNAIRE_DUE, local_date=local_date(client, now), due_at=now
        )
        for client in clients
    ]
    return _write_and_queue(rows, now, Reminder.objects.filter(kind=Reminder.QUESTIONNAIRE_DUE))


def handout_email_request(*, assignment: Assignment, now: datetime | None = None) -> list[int]:
    """The practitioner emails a program's handout: a row first, like every email, so a refused
    send is retried by the sweep. Asked again the same day, the same row is sent again."""
    now = now or timezone.now()
    day = local_date(assignment.client, now)
    row = Reminder(
        client=assignment.client, assignment=assignment, kind=Reminder.HANDOUT, local_date=day, due_at=now
    )
    with transaction.atomic():
        Reminder.objects.bulk_create([row], ignore_conflicts=True)
        that_day = Reminder.objects.filter(assignment=assignment, kind=Reminder.HANDOUT, local_date=day)
        again = reminder_resend(reminder_ids=list(that_day.values_list("pk", flat=True)), now=now)
        return again + _write_and_queue([], now, that_day)


def message_waiting_request(*, client: Client, to_client: bool, now: datetime | None = None) -> list[int]:
    """Tell the other side a message waits: one email a day each way at most (the row's key),
    and another that day only when the day's was not needed (read before it left)."""
    now = now or timezone.now()
    kind = Reminder.MESSAGE_TO_CLIENT if to_client else Reminder.MESSAGE_TO_PRACTICE
    day = local_date(client, now)
    row = Reminder(
        client=client,
        recipient_id=None if to_client else client.practitioner_id,
        kind=kind,
        local_date=day,
        due_at=now,
    )
    that_day = Reminder.objects.filter(client=client, kind=kind, local_date=day)
    with transaction.atomic():
        Reminder.objects.bulk_create([row], ignore_conflicts=True)
        not_needed = that_day.filter(status=Reminder.SKIPPED).values_list("pk", flat=True)
        again = reminder_resend(reminder_ids=list(not_needed), now=now)
        return again + _write_and_queue([], now, that_day)


def _handout_notice(reminder: Reminder, now: datetime) -> Notice | str:
    assignment, client = reminder.assignment, reminder.client
    if assignment is None:
        return "the program was deleted"
    pdf, filename = assignment_handout(assignment)  # as it is now, in the client's language
    context = {"client": client, "practice": client.practice, "assignment": assignment}
    return Notice(
        "handout",
        client,
        context,
        zone=client.timezone,
        language=client.language,
        attachments=((filename, pdf, "application/pdf"),),
    )


def _record_failure(reminder: Reminder, exc: Exception, now: datetime) -> str:
    reminder.attempts += 1
    reason = f"{type(exc).__name__} on attempt {reminder.attempts}"
    log.warning("reminder %s send failed: %s", reminder.pk, reason)
    if reminder.attempts >= MAX_ATTEMPTS:
        return _finish(reminder, Reminder.FAILED, reason)
    reminder.not_before = now + timedelta(minutes=2**reminder.attempts)
    reminder.queued_at = None
    return _finish(reminder, Reminder.PENDING, reason)


def _finish(reminder: Reminder, status: str, reason: str, **fields) -> str:
    reminder.status = status
    reminder.reason = reason
    for name, value in fields.items():
        setattr(reminder, name, value)
    reminder.save(update_fields=["status", "reason", "attempts", "not_before", "queued_at", *fields])
    return status


COMPOSERS = {
    Reminder.EXERCISE: _exercise_notice,
    Reminder.NUDGE: _exercise_notice,
    Reminder.CONSULTATION_DAY: _consultation_notice,
    Reminder.CONSULTATION_HOUR: _consultation_notice,
    Reminder.MISSED_ALERT: alerts.missed_alert_notice,
    Reminder.PAIN_ALERT: alerts.pain_alert_notice,
    Reminder.WEEKLY_SUMMARY: alerts.weekly_summary_notice,
    Reminder.HANDOUT: _handout_notice,
    Reminder.CONSULTATION_INVITE: _consultation_change_notice,
    Reminder.CONSULTATION_MOVED: _consultation_change_notice,
    Reminder.CONSULTATION_CANCELLED: _consultation_change_notice,
    Reminder.MESSAGE_TO_CLIENT: message_waiting_notice,
    Reminder.MESSAGE_TO_PRACTICE: message_waiting_notice,
    Reminder.PROGRAM_ASSIGNED: programs.program_notice,
    Reminder.PROGRAM_UPDATED: programs.program_notice,
    Reminder.QUESTIONNAIRE_DUE: questionnaire_due_notice,
}
# Each kind a client may have pushed to their phones, and the setting that opts them in to it.
PUSH_OPT_INS = {
    Reminder.EXERCISE: "push_reminders",
    Reminder.NUDGE: "push_reminders",
    Reminder.MESSAGE_TO_CLIENT: "push_messages",
    Reminder.QUESTIONNAIRE_DUE: "push_questionnaires",
}
PUSH_ONLY = {Reminder.QUESTIONNAIRE_DUE}  # no email: the phone page lists what is due
# An appointment reminder, invite or move is useful until the consultation starts (their
# composers check that), a cancellation or a handout whenever it arrives; the rest are
# skipped when hours late.
CONSULTATION_CHANGES = {
    Reminder.CONSULTATION_INVITE,
    Reminder.CONSULTATION_MOVED,
    Reminder.CONSULTATION_CANCELLED,
}
MESSAGES_WAITING = {Reminder.MESSAGE_TO_CLIENT, Reminder.MESSAGE_TO_PRACTICE}
USEFUL_HOWEVER_LATE = {
    *CONSULTATION_NOTICES,
    *CONSULTATION_CHANGES,
    Reminder.HANDOUT,
    *MESSAGES_WAITING,
    *programs.TEMPLATES,
}


def summary_sweep(*, now: datetime | None = None) -> list[int]:
    """Every quarter hour: the weekly summary of each practitioner whose Monday 08:00 has come."""
    now = now or timezone.now()
    rows = alerts.summary_rows(now)
    return _write_and_queue(rows, now, Reminder.objects.filter(kind=Reminder.WEEKLY_SUMMARY))


def _write_and_queue(rows: list[Reminder], now: datetime, of) -> list[int]:
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        reminder_ids = _claim_for_queueing(now, of)
        transaction.on_commit(lambda: _queue_sends(reminder_ids))
    return reminder_ids


def reminder_resend(*, reminder_ids: list[int], now: datetime | None = None) -> list[int]:
    """Give finished reminders a fresh claimable state and queue them; one in flight is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        finished = Reminder.objects.filter(pk__in=reminder_ids).exclude(
            status__in=[Reminder.PENDING, Reminder.SENDING]
        )
        resent = list(finished.select_for_update().values_list("pk", flat=True))
        Reminder.objects.filter(pk__in=resent).update(
            status=Reminder.PENDING,
            due_at=now,
            attempts=0,
            not_before=None,
            queued_at=None,
            claimed_at=None,
            sent_at=None,
            reason="resend requested",
        )
    return _write_and_queue([], now, Reminder.objects.filter(pk__in=resent))


# --- Celery tasks: thin, by id; the beat schedule and queued messages name them `clients.tasks.*` ---


@shared_task(name="clients.tasks.sweep_reminders")
def sweep_reminders() -> int:
    return len(sweep())


@shared_task(name="clients.tasks.send_reminders")
def send_reminders(reminder_ids: list[int]) -> None:
    deliver_many(reminder_ids)


@shared_task(name="clients.tasks.send_reminder")
def send_reminder(reminder_id: int) -> None:
    deliver(reminder_id)


@shared_task(name="clients.tasks.sweep_weekly_summaries")
def sweep_weekly_summaries() -> int:
    return len(summary_sweep())
