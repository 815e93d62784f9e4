"""Questionnaires the client fills in, defined as data: items, scale, scoring and MCID.

A practitioner schedules one on an assignment (every so many days); it is due on each of those
days until answered, the client answers it on the phone page or over the API, and each answer is
stored scored (`QuestionnaireResponse`). `outcome_series` gives a client's scores per measure,
consultations' resting pain and ODI included, so that only like measures are compared.

The Oswestry Disability Index keeps its ten named sections and its scoring here; its statements
are licensed, so a practice enters them once (`Practice.odi_wording`) and the client is asked it
only where the practice has.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practice.errors import Conflict
from practice.models import Practice

from ..audit import audit_record
from ..models import (
    Assignment,
    AuditEvent,
    Client,
    Consultation,
    QuestionnaireResponse,
    QuestionnaireSchedule,
)
from ..scheduling import local_date
from ..webhooks.events import emit
from . import outcomes
from .booking import odi_percent

OVERDUE_AFTER = timedelta(days=3)  # unanswered this long after its day, it shows as overdue
PSFS_MAX_ACTIVITIES = 5
ACTIVITY_MAX_LENGTH = 80
ODI_SECTIONS = [
    _("Pain intensity"),
    _("Personal care"),
    _("Lifting"),
    _("Walking"),
    _("Sitting"),
    _("Standing"),
    _("Sleeping"),
    _("Sex life"),
    _("Social life"),
    _("Travelling"),
]
ODI_STATEMENTS = 6  # each section's statements score 0 to 5


@dataclass(frozen=True)
class Questionnaire:
    key: str
    name: str
    short: str
    instructions: str
    low: int  # the scale of each answer
    high: int
    low_label: str
    high_label: str
    mcid: float  # the minimal clinically important difference of the score
    better: str  # "lower" or "higher": which way the score improves
    unit: str
    licensed: bool = False
    items: list[str] = field(default_factory=list)


NPRS = Questionnaire(
    key="nprs",
    name=_("Pain rating (NPRS)"),
    short=_("Pain"),
    instructions=_("How bad has your pain been, on average, over the last 24 hours?"),
    low=0,
    high=10,
    low_label=_("No pain"),
    high_label=_("Worst pain imaginable"),
    mcid=2,
    better="lower",
    unit="/10",
)
PSFS = Questionnaire(
    key="psfs",
    name=_("Patient-Specific Functional Scale (PSFS)"),
    short=_("PSFS"),
    instructions=_(
        "Name up to five activities you find hard because of your problem, and rate how well you "
        "can do each one today."
    ),
    low=0,
    high=10,
    low_label=_("Unable to do it"),
    high_label=_("Able to do it as before"),
    mcid=2,
    better="higher",
    unit="/10",
)
GROC = Questionnaire(
    key="groc",
    name=_("Global rating of change"),
    short=_("Change"),
    instructions=_("Since you started your program, how would you describe your condition overall?"),
    low=-7,
    high=7,
    low_label=_("A very great deal worse"),
    high_label=_("A very great deal better"),
    mcid=3,  # ±3 or beyond is a change the client notices as important
    better="higher",
    unit="",
)
ODI = Questionnaire(
    key="odi",
    name=_("Oswestry Disability Index (ODI)"),
    short=_("ODI"),
    instructions=_("For each section, choose the one statement that best describes you today."),
    low=0,
    high=5,
    low_label=_("No disability"),
    high_label=_("Most disability"),
    mcid=10,
    better="lower",
    unit="%",
    licensed=True,
    items=ODI_SECTIONS,
)
QUESTIONNAIRES = {q.key: q for q in (NPRS, PSFS, GROC, ODI)}
CHOICES = [(q.key, q.name) for q in QUESTIONNAIRES.values()]

NOT_OFFERED = _("The practice has not entered the ODI's wording: enter it in the practice settings first.")
ALREADY_ANSWERED = _("This questionnaire was already answered for its day.")
UNKNOWN = _("Choose one of the questionnaires offered.")
NOT_DUE = _("This questionnaire is not due: it was answered for its day, stopped or not yet begun.")


# --- the ODI's wording, as the practice's licence has it --------------------------------


def odi_wording_ready(practice: Practice) -> bool:
    """Every section with its six statements: only then is the ODI offered to the practice's clients."""
    wording = practice.odi_wording or []
    return len(wording) == len(ODI_SECTIONS) and all(
        len(section) == ODI_STATEMENTS and all(str(s).strip() for s in section) for section in wording
    )


def offered(practice: Practice) -> list[Questionnaire]:
    """The questionnaires a practice may schedule: the ODI only once its wording is entered."""
    return [q for q in QUESTIONNAIRES.values() if not q.licensed or odi_wording_ready(practice)]


# --- answering: each questionnaire's answers checked and scored -------------------------


def _rating(value, *, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            {name: _("Choose a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}}
        )
    return value


def _single(answers: dict, name: str, questionnaire: Questionnaire) -> dict:
    value = answers.get(name)
    if value is None:
        raise ValidationError({f"answers.{name}": _("Choose an answer.")})
    return {name: _rating(value, name=f"answers.{name}", low=questionnaire.low, high=questionnaire.high)}


def _psfs(answers: dict) -> dict:
    activities = answers.get("activities")
    if not isinstance(activities, list) or not 1 <= len(activities) <= PSFS_MAX_ACTIVITIES:
        raise ValidationError({"answers.activities": _("Name from one to five activities.")})
    cleaned = []
    for number, entry in enumerate(activities):
        name = f"answers.activities.{number}"
        activity = entry.get("activity") if isinstance(entry, dict) else None
        if not isinstance(activity, str) or not activity.strip():
            raise ValidationError({f"{name}.activity": _("Name the activity.")})
        if len(activity.strip()) > ACTIVITY_MAX_LENGTH:
            raise ValidationError({f"{name}.activity": _("Keep it under 80 characters.")})
        rating = _rating(entry.get("rating"), name=f"{name}.rating", low=PSFS.low, high=PSFS.high)
        cleaned.append({"activity": activity.strip(), "rating": rating})
    return {"activities": cleaned}


def _odi(answers: dict) -> dict:
    sections = answers.get("sections")
    if not isinstance(sections, list) or len(sections) != len(ODI_SECTIONS):
        raise ValidationError(
            {"answers.sections": _("Give the ten sections, each 0 to 5 or null when skipped.")}
        )
    cleaned = [
        None if value is None else _rating(value, name=f"answers.sections.{n}", low=ODI.low, high=ODI.high)
        for n, value in enumerate(sections)
    ]
    if all(value is None for value in cleaned):
        raise ValidationError({"answers.sections": _("Answer at least one section.")})
    return {"sections": cleaned}


def answers_clean(questionnaire: Questionnaire, answers) -> dict:
    """The answers as stored, or a ValidationError naming the field (`answers.activities.1.rating`)."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Send the answers as an object.")})
    if questionnaire.key == "psfs":
        return _psfs(answers)
    if questionnaire.key == "odi":
        return _odi(answers)
    return _single(answers, "pain" if questionnaire.key == "nprs" else "change", questionnaire)


def score(questionnaire: Questionnaire, answers: dict) -> float:
    """NPRS and GROC: the answer; PSFS: the mean of the activities' ratings; ODI: its percentage."""
    if questionnaire.key == "psfs":
        ratings = [a["rating"] for a in answers["activities"]]
        return round(sum(ratings) / len(ratings), 1)
    if questionnaire.key == "odi":
        return float(odi_percent(answers["sections"]))
    return float(answers["pain" if questionnaire.key == "nprs" else "change"])


# --- scheduling and what is due ---------------------------------------------------------


@dataclass(frozen=True)
class Due:
    schedule: QuestionnaireSchedule
    questionnaire: Questionnaire
    due_on: date
    overdue: bool


def occurrence(schedule: QuestionnaireSchedule, day: date) -> date | None:
    """The last of the schedule's days on or before `day` within its assignment, or None."""
    last = min(day, schedule.assignment.last_day)
    if last < schedule.starts_on:
        return None
    return schedule.starts_on + timedelta(
        days=(last - schedule.starts_on).days // schedule.every_days * schedule.every_days
    )


def next_day(schedule: QuestionnaireSchedule, today: date) -> date | None:
    """The schedule's next day after today within its assignment, or None when none is left."""
    if today < schedule.starts_on:
        return schedule.starts_on
    following = occurrence(schedule, today) + timedelta(days=schedule.every_days)
    return following if following <= schedule.assignment.last_day else None


def questionnaire_schedule(
    *, assignment: Assignment, questionnaire: str, every_days: int, starts_on: date, by
) -> QuestionnaireSchedule:
    """The practitioner asks for a questionnaire every so many days of the assignment."""
    if questionnaire not in {q.key for q in offered(assignment.client.practice)}:
        raise ValidationError({"questionnaire": NOT_OFFERED if questionnaire == "odi" else UNKNOWN})
    if not 1 <= every_days <= 182:
        raise ValidationError({"every_days": _("Choose from 1 to 182 days.")})
    if not assignment.start_date <= starts_on <= assignment.last_day:
        raise ValidationError({"starts_on": _("Choose a day within the program's dates.")})
    return QuestionnaireSchedule.objects.create(
        assignment=assignment,
        questionnaire=questionnaire,
        every_days=every_days,
        starts_on=starts_on,
        created_by=by,
    )


def questionnaire_stop(*, schedule: QuestionnaireSchedule) -> None:
    QuestionnaireSchedule.objects.filter(pk=schedule.pk, stopped_at=None).update(stopped_at=timezone.now())


def open_schedules(clients):
    """The schedules still asked: not stopped, on an active or paused assignment of `clients`."""
    return QuestionnaireSchedule.objects.filter(
        assignment__client__in=clients,
        stopped_at=None,
        assignment__status__in=[Assignment.ACTIVE, Assignment.PAUSED],
    ).select_related("assignment__client__practice")


def due_for(client: Client, *, now: datetime | None = None) -> list[Due]:
    """The questionnaires the client has to answer now, oldest day first."""
    return due_among(list(open_schedules([client])), now or timezone.now())


def due_among(schedules: list[QuestionnaireSchedule], now: datetime) -> list[Due]:
    """Of these schedules, those whose latest day has come and has no answer: the one rule of
    what is due, for the client's list and the practice's overdue list alike."""
    answered = set(
        QuestionnaireResponse.objects.filter(schedule__in=schedules).values_list("schedule_id", "due_on")
    )
    due = []
    for schedule in schedules:
        client = schedule.assignment.client
        today = local_date(client, now)
        on = occurrence(schedule, today)
        questionnaire = QUESTIONNAIRES.get(schedule.questionnaire)
        if on is None or questionnaire is None or (schedule.pk, on) in answered:
            continue
        if questionnaire.licensed and not odi_wording_ready(client.practice):
            continue  # the practice withdrew the wording: the client cannot be shown it
        due.append(Due(schedule, questionnaire, on, today - on >= OVERDUE_AFTER))
    return sorted(due, key=lambda d: (d.due_on, d.schedule.pk))


def due_one(client: Client, schedule_id: int, *, now: datetime | None = None) -> Due | None:
    return next((d for d in due_for(client, now=now) if d.schedule.pk == schedule_id), None)


def last_activities(client: Client) -> list[str]:
    """The activities the client named in their last PSFS: asked again about the same ones."""
    last = client.questionnaire_responses.filter(questionnaire="psfs").order_by("-answered_on", "-id").first()
    return [a["activity"] for a in last.answers["activities"]] if last else []


@transaction.atomic
def response_submit(
    *, client: Client, schedule: QuestionnaireSchedule, answers, request=None
) -> QuestionnaireResponse:
    """The client's answers to a questionnaire due now, stored with their score; once per day it is due."""
    due = due_one(client, schedule.pk)
    if due is None:
        raise Conflict(str(NOT_DUE), field="questionnaire")
    cleaned = answers_clean(due.questionnaire, answers)
    try:
        with transaction.atomic():
            response = QuestionnaireResponse.objects.create(
                client=client,
                schedule=schedule,
                questionnaire=due.questionnaire.key,
                due_on=due.due_on,
                answered_on=local_date(client, timezone.now()),
                answers=cleaned,
                score=score(due.questionnaire, cleaned),
            )
    except IntegrityError:  # answered at the same moment from another phone
        raise Conflict(str(ALREADY_ANSWERED), field="questionnaire") from None
    audit_record(
        actor=client.user,
        client=client,
        action=AuditEvent.ANSWER_QUESTIONNAIRE,
        obj=response,
        request=request,
    )
    emit("questionnaire.completed", client.practice, questionnaire_response=response.pk, client=client.pk)
    return response


def responses_seen(*, client: Client, by) -> int:
    """The practitioner looked at the client's answers: they leave the "returned" list."""
    return QuestionnaireResponse.objects.filter(client=client, seen_at=None).update(
        seen_at=timezone.now(), seen_by=by
    )


# --- outcomes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    day: date
    value: float
    source: str  # "questionnaire" or "consultation"
    change: float | None  # since the point before, in the measure's own units
    important: bool  # the change reaches the MCID
    better: bool | None


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    unit: str
    mcid: float
    better: str
    low: float
    high: float
    points: list[Point]


SCALES = {"odi": (0, 100)}  # the score's range where it is not the answers'


def outcome_series(client: Client, *, now: datetime | None = None) -> dict[str, Series]:
    """The client's outcome measures, each its own series, keyed `nprs`, `psfs`, `odi`, `groc`.

    Resting pain measured at a held consultation joins the NPRS series and the consultation's ODI
    the ODI series: like with like. Exercise pain from check-offs is not here and never compared
    with these. Only measures with at least one point are given.
    """
    entries: dict[str, list[tuple[date, float, str]]] = {key: [] for key in QUESTIONNAIRES}
    for response in client.questionnaire_responses.order_by("answered_on", "id"):
        if response.questionnaire in entries:
            entries[response.questionnaire].append((response.answered_on, response.score, "questionnaire"))
    held = Consultation.objects.filter(client=client).held(now=now or timezone.now()).order_by("scheduled_at")
    for consultation in held:
        day = local_date(client, consultation.scheduled_at)
        if consultation.pain is not None:
            entries["nprs"].append((day, float(consultation.pain), "consultation"))
        if consultation.odi_percent is not None:
            entries["odi"].append((day, float(consultation.odi_percent), "consultation"))
    return {key: _series(QUESTIONNAIRES[key], sorted(points)) for key, points in entries.items() if points}


def _series(questionnaire: Questionnaire, entries: list[tuple[date, float, str]]) -> Series:
    """The points with their changes by the one like-with-like rule (`outcomes.compare`)."""
    measure = outcomes.MEASURE_OF_QUESTIONNAIRE[questionnaire.key]
    timeline = outcomes.compare(
        outcomes.Observation(day, measure, value, source) for day, value, source in entries
    )
    points = [
        Point(o.day, o.value, o.source, o.change, o.important, o.better if o.change else None)
        for o in timeline
    ]
    low, high = SCALES.get(questionnaire.key, (questionnaire.low, questionnaire.high))
    return Series(
        questionnaire.key,
        str(questionnaire.name),
        questionnaire.unit,
        questionnaire.mcid,
        questionnaire.better,
        low,
        high,
        points,
    )


# --- for the Needs attention page --------------------------------------------------------


@dataclass(frozen=True)
class Attention:
    client: Client
    returned: int  # answers not yet looked at by a practitioner
    overdue: list[Due]
    returned_at: datetime | None = None  # when the latest of them came

    @property
    def since(self) -> datetime | date | None:
        """What the practitioner is shown as its moment: the latest answer, else the first day overdue."""
        return self.returned_at or min((due.due_on for due in self.overdue), default=None)


def questionnaires_needing_attention(*, practice: Practice, now: datetime | None = None) -> list[Attention]:
    """The practice's clients with questionnaires returned since a practitioner last looked
    (`responses_seen`) or overdue (unanswered `OVERDUE_AFTER` past their day), by name.

    A fixed number of queries whatever the number of clients."""
    now = now or timezone.now()
    clients = Client.objects.filter(practice=practice, erased_at=None)
    returned = {
        client_id: (count, latest)
        for client_id, count, latest in QuestionnaireResponse.objects.filter(client__in=clients, seen_at=None)
        .values_list("client_id")
        .annotate(n=Count("id"), latest=Max("submitted_at"))
    }
    overdue: dict[int, list[Due]] = {}
    for due in due_among(list(open_schedules(clients)), now):
        if due.overdue:
            overdue.setdefault(due.schedule.assignment.client_id, []).append(due)
    wanted = Client.objects.filter(Q(pk__in=returned) | Q(pk__in=overdue)).order_by("name")
    attention = []
    for client in wanted:
        count, latest = returned.get(client.pk, (0, None))
        attention.append(Attention(client, count, overdue.get(client.pk, []), latest))
    return attention


def odi_wording_save(*, practice: Practice, wording: list[list[str]]) -> None:
    """An owner enters the ODI's licensed statements (or clears them: the ODI is then not asked)."""
    practice.odi_wording = wording
    practice.save(update_fields=["odi_wording"])
