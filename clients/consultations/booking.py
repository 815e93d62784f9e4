"""Virtual consultations: scheduled with a private video link and a calendar invite, moved or
cancelled with the client told each time, and recorded."""

import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from practice.errors import Conflict
from practice.models import Membership

from ..models import Client, Consultation, Reminder
from ..reminders import delivery

ODI_SECTIONS = 10
# A call started a few minutes ago ("let's talk now") is still fine to book or move to.
GRACE = timedelta(minutes=5)
PAST_TIME = "This time has already passed; choose a later one."
NO_SUCH_TIME = "{time} does not exist on {day} in {zone}: the clocks go forward. Choose another time."
TWICE = (
    "{time} comes twice on {day} in {zone}, as the clocks go back: this is the {which} {time}, "
    "{abbr} (UTC{offset})."
)
BOOKED_SCHEDULED = (
    "A new consultation is scheduled (record how it went later), or one already held is "
    "recorded as completed."
)
NOT_PAST = (
    "This records a consultation that already took place: choose a time that has passed, "
    "or schedule the consultation instead."
)
NOT_MOVABLE = "Only a scheduled consultation can be moved."
STAYS_CANCELLED = "The client was told this consultation is cancelled; schedule a new one instead."
HELD_OR_MISSED = (Consultation.COMPLETED, Consultation.NO_SHOW)
NOT_BEGUN = "This consultation has not begun: it can be marked %s once it has (or cancelled at any time)."
CLIENT_EXPECTS_IT = "The client expects this consultation: cancel it (status `cancelled`) instead."
MEASURED_AHEAD = (
    "%s is measured at the consultation: record it once the consultation has begun "
    "(notes can be written ahead)."
)
MEASURES = {"pain": "Pain", "odi_percent": "The Oswestry Disability Index (ODI)"}
MEASURED_NOT_MOVABLE = (
    "Pain or ODI is recorded on this consultation and dated by its time: moved, it would be "
    "dated to a time it was not measured at. Schedule a new consultation instead."
)
RECORD_FIELDS = ["subjective", "objective", "assessment", "plan", "pain", "odi_percent", "odi_answers"]
HOLDS_RECORD = (
    "This consultation holds clinical notes or measures (%s), and a clinical record is never deleted."
)
TOLD_OF_IT = (
    "The client was written to about this consultation, and their reminders page keeps every "
    "email; the consultation is kept with them (cancelled, it stays listed as cancelled)."
)


def odi_percent(answers: list[int | None]) -> int | None:
    """Oswestry: points over 5 times the sections answered, as a percentage; skipped sections don't count."""
    answered = [a for a in answers if a is not None]
    if not answered:
        return None
    return round(100 * sum(answered) / (5 * len(answered)))


def video_link() -> str:
    # 128 random bits: the room name is the only thing keeping strangers out of the call.
    return settings.VIDEO_BASE_URL + secrets.token_urlsafe(16)


def local_start(day: date, at: time, zone: str) -> datetime:
    """A time on a clock. Where the clocks go back and it comes twice, the first of the two
    (fold 0); where they go forward and it never comes, `time_error` refuses it."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


def on_practitioners_clock(at: datetime, *, user, client: Client) -> datetime:
    """A time given without an offset (through the API) is on the practitioner's clock, as the
    workspace's form is: their timezone in the client's practice. One with an offset is kept."""
    if timezone.is_aware(at):
        return at
    memberships = Membership.objects.filter(user=user, practice_id=client.practice_id)
    zone = memberships.values_list("timezone", flat=True).first() or "UTC"
    return at.replace(tzinfo=ZoneInfo(zone))


def has_passed(starts_at: datetime, *, now: datetime | None = None) -> bool:
    return starts_at < (now or timezone.now()) - GRACE


def time_error(starts_at: datetime) -> str:
    """Why a consultation cannot be booked or moved to this time, or "" when it can."""
    if not _exists(starts_at):
        # Python would quietly read 01:30 in a skipped hour as 02:30: a call nobody chose.
        zone = starts_at.tzinfo.key
        return NO_SUCH_TIME.format(time=f"{starts_at:%H:%M}", day=_day(starts_at), zone=zone)
    return PAST_TIME if has_passed(starts_at) else ""


def already_held(*, starts_at: datetime, status: str) -> bool:
    """Given as completed at a time that has come: a consultation held before it was entered
    (`consultation_record_past`), not a booking. Completed at a time to come stays a refused booking."""
    return status == Consultation.COMPLETED and Consultation(scheduled_at=starts_at).has_begun(timezone.now())


def past_time_error(starts_at: datetime) -> str:
    """Why a consultation cannot be recorded as held at this time, or "" when it can."""
    if not _exists(starts_at):
        zone = starts_at.tzinfo.key
        return NO_SUCH_TIME.format(time=f"{starts_at:%H:%M}", day=_day(starts_at), zone=zone)
    return "" if Consultation(scheduled_at=starts_at).has_begun(timezone.now()) else NOT_PAST


def _exists(local: datetime) -> bool:
    """False for a wall time its zone skips; an instant given with an offset always exists."""
    if not isinstance(local.tzinfo, ZoneInfo):
        return True
    there_and_back = local.astimezone(UTC).astimezone(local.tzinfo)
    return there_and_back.replace(tzinfo=None) == local.replace(tzinfo=None)


def _day(local: datetime) -> str:
    return f"{local.day} {local:%B %Y}"


def repeated_time_note(local: datetime) -> str:
    """For a time on a clock that comes twice (the clocks go back), which of the two it is; else ""."""
    first, second = local.replace(fold=0), local.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return ""
    offset = local.strftime("%z")
    return TWICE.format(
        time=f"{local:%H:%M}",
        day=_day(local),
        zone=local.tzinfo.key,
        which="second" if local.fold else "first",
        abbr=local.tzname(),
        offset=f"{offset[:3]}:{offset[3:]}",
    )


def status_error(*, old: str, new: str, starts_at: datetime, now: datetime | None = None) -> str:
    """Why a status change is refused, or "" when it is fine."""
    if old == Consultation.CANCELLED and new == Consultation.SCHEDULED:
        # Reminders would start again for an event the client's calendar has removed.
        return STAYS_CANCELLED
    begun = Consultation(scheduled_at=starts_at).has_begun(now or timezone.now())
    if new in HELD_OR_MISSED and new != old and not begun:
        # Marked ahead, it could no longer be moved and would stay refused pain and ODI meanwhile.
        return NOT_BEGUN % dict(Consultation.STATUSES)[new]
    return ""


def _moved_field(consultation: Consultation, starts_at: datetime) -> str:
    """The field a refused move is blamed on: the time, unless only the length changed."""
    return "scheduled_at" if starts_at != consultation.scheduled_at else "duration_minutes"


@transaction.atomic
def consultation_schedule(
    *, client: Client, starts_at: datetime, duration_minutes: int, by, record: dict | None = None
) -> Consultation:
    if (record or {}).get("status", Consultation.SCHEDULED) != Consultation.SCHEDULED:
        raise ValidationError({"status": BOOKED_SCHEDULED})
    if refused := time_error(starts_at):
        raise ValidationError({"scheduled_at": refused})
    if refused := measures_error(Consultation(scheduled_at=starts_at, **(record or {})), before={}):
        raise ValidationError(refused)
    consultation = Consultation.objects.create(
        client=client,
        practitioner=by,
        scheduled_at=starts_at,
        duration_minutes=duration_minutes,
        video_url=video_link(),
        **(record or {}),
    )
    delivery.consultation_change_request(consultation=consultation, kind=Reminder.CONSULTATION_INVITE)
    return consultation


@transaction.atomic
def consultation_record_past(
    *,
    client: Client,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    by,
    record: dict,
    odi_answers: list[int | None] | None = None,
) -> Consultation:
    """A consultation that already took place (in clinic, or a call before Rehabit knew of it),
    with its notes and baseline: recorded as completed, with no video link and no invite."""
    if refused := past_time_error(starts_at):
        raise ValidationError({"scheduled_at": refused})
    consultation = Consultation(
        client=client,
        practitioner=by,
        scheduled_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        **{**record, "status": Consultation.COMPLETED},
    )
    if odi_answers is not None:  # the workspace's sections; the API gives the score itself
        consultation.odi_answers = odi_answers
        consultation.odi_percent = odi_percent(odi_answers)
    consultation.full_clean()
    consultation.save()
    return consultation


@transaction.atomic
def consultation_move(
    *, consultation: Consultation, starts_at: datetime, duration_minutes: int
) -> Consultation:
    """A new time (or length) for a scheduled consultation: the client is emailed the updated
    invite, and the reminders written for the old time are left behind (see
    `delivery._consultation_notice`)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.SCHEDULED:
        raise ValidationError({_moved_field(consultation, starts_at): NOT_MOVABLE})
    if (starts_at, duration_minutes) == (consultation.scheduled_at, consultation.duration_minutes):
        return consultation
    if _measured(consultation):
        raise ValidationError({_moved_field(consultation, starts_at): MEASURED_NOT_MOVABLE})
    if refused := time_error(starts_at):
        raise ValidationError({"scheduled_at": refused})
    consultation.scheduled_at = starts_at
    consultation.duration_minutes = duration_minutes
    consultation.moved_at = timezone.now()
    consultation.sequence += 1
    consultation.save(update_fields=["scheduled_at", "duration_minutes", "moved_at", "sequence"])
    delivery.consultation_change_request(consultation=consultation, kind=Reminder.CONSULTATION_MOVED)
    return consultation


def _cancel(consultation: Consultation) -> None:
    consultation.sequence += 1
    delivery.consultation_change_request(consultation=consultation, kind=Reminder.CONSULTATION_CANCELLED)


@transaction.atomic
def consultation_change(*, consultation: Consultation, fields: dict) -> Consultation:
    """An edit through the API: a new time or length moves it, Cancelled cancels it (both tell
    the client), anything else is the record. A move and a new status at once is refused: the
    client would be sent an invite for a time that no longer holds."""
    fields = dict(fields)
    stored = Consultation.objects.select_for_update().get(pk=consultation.pk)
    status = fields.get("status", stored.status)
    if refused := status_error(old=stored.status, new=status, starts_at=stored.scheduled_at):
        raise ValidationError({"status": refused})
    starts_at = fields.pop("scheduled_at", stored.scheduled_at)
    duration = fields.pop("duration_minutes", stored.duration_minutes)
    if (starts_at, duration) != (stored.scheduled_at, stored.duration_minutes):
        if status != Consultation.SCHEDULED:
            raise ValidationError({_moved_field(stored, starts_at): NOT_MOVABLE})
        stored = consultation_move(consultation=stored, starts_at=starts_at, duration_minutes=duration)
    return consultation_record(consultation=stored, fields=fields, odi_answers=None)


@transaction.atomic
def consultation_record(
    *, consultation: Consultation, fields: dict, odi_answers: list[int | None] | None
) -> Consultation:
    """Notes, pain, Oswestry and status; setting the status to Cancelled tells the client."""
    # The stored values, locked: a form may already have written the new ones on the instance.
    stored = (
        Consultation.objects.select_for_update()
        .values("status", "scheduled_at", *MEASURES)
        .get(pk=consultation.pk)
    )
    new_status = fields.get("status", consultation.status)
    if refused := status_error(old=stored["status"], new=new_status, starts_at=stored["scheduled_at"]):
        raise ValidationError({"status": refused})
    for name, value in fields.items():
        setattr(consultation, name, value)
    if odi_answers is not None:
        consultation.odi_answers = odi_answers
        consultation.odi_percent = odi_percent(odi_answers)
    if refused := measures_error(consultation, before=stored):
        raise ValidationError(refused)
    if stored["status"] == Consultation.SCHEDULED and consultation.status == Consultation.CANCELLED:
        _cancel(consultation)
    consultation.full_clean()
    consultation.save()
    return consultation


def measures_error(consultation: Consultation, *, before: dict) -> dict:
    """Pain or ODI newly entered on a consultation that has not begun, as {field: why}, else {}.

    They are measurements taken at the consultation: entered ahead, they would be counted as an
    outcome nobody measured. Notes may be written ahead; measures entered before this rule
    stay as they are (they are not counted until the consultation is held).
    """
    if consultation.has_begun(timezone.now()):
        return {}
    return {
        name: MEASURED_AHEAD % label
        for name, label in MEASURES.items()
        if getattr(consultation, name) is not None and getattr(consultation, name) != before.get(name)
    }


def _measured(consultation: Consultation) -> bool:
    return any(getattr(consultation, name) is not None for name in MEASURES)


def record_fields(consultation: Consultation) -> list[str]:
    """The fields of the clinical record the consultation holds."""
    return [name for name in RECORD_FIELDS if _holds(getattr(consultation, name))]


def _holds(value) -> bool:
    if isinstance(value, list):  # the Oswestry answers, None for a section skipped
        return any(answer is not None for answer in value)
    return value not in ("", None)


def deletion_error(consultation: Consultation) -> str:
    """Why the consultation is kept, or "" when deleting it loses nothing: not a call the client
    expects, a clinical record, or the history of what the client was told about it."""
    if consultation.status == Consultation.SCHEDULED and not has_passed(consultation.scheduled_at):
        # The event would stay in their calendar and they would wait on the call.
        return CLIENT_EXPECTS_IT
    if kept := record_fields(consultation):
        return HOLDS_RECORD % ", ".join(kept)
    # Every email about it (sent, waiting, skipped or failed) is a row of the client's reminders
    # history, made from the consultation: the history keeps every row, so the consultation stays.
    if consultation.reminders.exists():
        return TOLD_OF_IT
    return ""


@transaction.atomic
def consultation_delete(*, consultation: Consultation) -> None:
    # Locked as cancelling locks it: a cancellation committed just before is seen here.
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if refused := deletion_error(consultation):
        raise Conflict(refused)
    consultation.delete()
