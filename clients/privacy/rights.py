"""A client's right to their data: a full export, and erasure that keeps only anonymous figures."""

import io
import json
import zipfile

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from celery import shared_task
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from knox.models import AuthToken

from practice.mail import EmailTask
from practice.models import Membership
from programs.models import ProgramExercise

from .. import emails
from ..assignments import changes
from ..assignments.handouts import HANDOUT_RELATED, assignment_handout, forget_handouts
from ..assignments.versions import schedule_of
from ..audit import audit_record
from ..models import (
    Assignment,
    AssignmentVersion,
    AuditEvent,
    Client,
    Completion,
    Consultation,
    ErasureRequest,
    Message,
    QuestionnaireResponse,
    Reminder,
)
from ..scheduling import local_date

PROFILE_FIELDS = [
    "name",
    "email",
    "phone",
    "timezone",
    "reminder_time",
    "reminders_enabled",
    "quiet_hours_start",
    "quiet_hours_end",
    "language",
    "notes",
    "created_at",
    "erased_at",
]
CONSULTATION_FIELDS = [
    "scheduled_at",
    "duration_minutes",
    "video_url",
    "status",
    "subjective",
    "objective",
    "assessment",
    "plan",
    "pain",
    "odi_percent",
    "odi_answers",
    "created_at",
]
COMPLETION_FIELDS = [
    "id",
    "assignment_id",
    "assignment_exercise_id",
    "date",
    "session",
    "sets_done",
    "reps_done",
    "pain",
    "difficulty",
    "note",
    "created_at",
    "updated_at",
]
RESPONSE_FIELDS = ["questionnaire", "due_on", "answered_on", "answers", "score", "submitted_at"]
REMINDER_FIELDS = ["kind", "local_date", "due_at", "status", "sent_at", "attempts", "reason"]


def client_export(*, client: Client, by, request=None) -> bytes:
    """A ZIP of everything Rehabit holds about the client: data.json and every handout."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("data.json", json.dumps(client_data(client), cls=DjangoJSONEncoder, indent=2))
        for assignment in client.assignments.select_related(*HANDOUT_RELATED):
            pdf, filename = assignment_handout(assignment)
            zipped.writestr(f"handouts/{assignment.pk}-{filename}", pdf)
    audit_record(actor=by, client=client, action=AuditEvent.EXPORT_DATA, request=request)
    return archive.getvalue()


def export_download(*, client: Client, by, request) -> HttpResponse:
    """The client's data as a zip to download, for the practice's page and the client's API alike."""
    response = HttpResponse(
        client_export(client=client, by=by, request=request), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="rehabit-data-{client.pk}.zip"'
    return response


def client_data(client: Client) -> dict:
    """Everything stored about the client, words in their language; a fixed number of queries
    whatever the number of programs, versions and check-offs."""
    language = client.language
    assignments = _assignments_of(client)
    versions = {assignment.pk: _versions_of(assignment) for assignment in assignments}
    changes.word_versions([v for of_one in versions.values() for v in of_one], language=language)
    exercise_of = {
        item.pk: (version.number, item.exercise.words_in(language)["name"])
        for of_one in versions.values()
        for version in of_one
        for item in version.program.items.all()
    }
    with translation.override(language):
        programs = [_program(assignment, versions[assignment.pk], language) for assignment in assignments]
        return _everything(client, programs, exercise_of)


def _everything(client: Client, programs: list[dict], exercise_of: dict) -> dict:
    return {
        "exported_at": timezone.now(),
        "practice": client.practice.name,
        "practitioner": _name(client.practitioner),
        "profile": {name: getattr(client, name) for name in PROFILE_FIELDS},
        "invitations": list(client.invitations.values("created_at", "expires_at", "accepted_at")),
        "consultations": _consultations(client),
        "programs": programs,
        "check_offs": _check_offs(client, exercise_of),
        "reminders": _reminders(client),
        "messages": _messages(client),
        "questionnaires": _questionnaires(client),
        "erasure_requests": list(client.erasure_requests.values("requested_at", "completed_at")),
        "access_log": _access_log(client),
    }


def _consultations(client: Client) -> list[dict]:
    consultations = client.consultations.select_related("practitioner")
    return [
        {**{name: getattr(c, name) for name in CONSULTATION_FIELDS}, "practitioner": _name(c.practitioner)}
        for c in consultations
    ]


def _assignments_of(client: Client) -> list[Assignment]:
    items = ProgramExercise.objects.select_related("exercise")
    return list(
        client.assignments.select_related("program", "assigned_by").prefetch_related(
            "pauses",
            Prefetch("program__items", items),
            Prefetch("versions", AssignmentVersion.objects.select_related("program", "created_by")),
            Prefetch("versions__program__items", items),
        )
    )


def _versions_of(assignment: Assignment) -> list[AssignmentVersion]:
    """Oldest first; an assignment saved without versions (not through the services) has its one."""
    versions = sorted(assignment.versions.all(), key=lambda version: version.number)
    if versions:
        return versions
    return [
        AssignmentVersion(
            assignment=assignment,
            number=assignment.version,
            program=assignment.program,
            schedule=schedule_of(assignment),
            created_at=assignment.created_at,
            created_by=assignment.assigned_by,
        )
    ]


def _program(assignment: Assignment, versions: list[AssignmentVersion], language: str) -> dict:
    words = assignment.program.words_in(language)
    return {
        "id": assignment.pk,
        "title": words["title"],
        "summary": words["summary"],
        "status": assignment.status,
        "start_date": assignment.start_date,
        "weeks": assignment.weeks,
        "days_of_week": assignment.days_of_week,
        "sessions_per_day": assignment.sessions_per_day,
        "ended_on": assignment.ended_on,
        "assigned_at": assignment.created_at,
        "assigned_by": _name(assignment.assigned_by),
        "current_version": assignment.version,
        "paused": [{"from": p.start_date, "to": p.end_date} for p in assignment.pauses.all()],
        "versions": [_version(version, language) for version in versions],
    }


def _version(version: AssignmentVersion, language: str) -> dict:
    return {
        "number": version.number,
        "published_at": version.created_at,
        "published_by": _name(version.created_by),
        "schedule": version.schedule,
        "what_changed": version.said,
        "exercises": [_exercise(item, language) for item in version.program.items.all()],
    }


def _exercise(item: ProgramExercise, language: str) -> dict:
    return {
        "position": item.position,
        "name": item.exercise.words_in(language)["name"],
        "dosage": item.dosage_text(),
        **item.dosage_fields(),
        "note": item.note_in(language),
    }


def _check_offs(client: Client, exercise_of: dict) -> list[dict]:
    """Each with the version and exercise it was made against."""
    rows = Completion.objects.filter(assignment__client=client).order_by("date", "session")
    check_offs = []
    for row in rows.values(*COMPLETION_FIELDS):
        version, exercise = exercise_of.get(row["assignment_exercise_id"], (None, None))
        check_offs.append({**row, "version": version, "exercise": exercise})
    return check_offs


def _reminders(client: Client) -> list[dict]:
    kinds = dict(Reminder.KINDS)
    rows = client.reminders.order_by("due_at").values(*REMINDER_FIELDS)
    return [{**row, "what": str(kinds.get(row["kind"], row["kind"]))} for row in rows]


def _messages(client: Client) -> list[dict]:
    """The thread with the practice, oldest first; who wrote each and when the other side read it."""
    return [
        {
            "at": message.created_at,
            "by": gettext("the client") if message.from_client else _name(message.author),
            "body": message.body,
            "read_at": message.read_at,
        }
        for message in Message.objects.filter(client=client).select_related("author")
    ]


def _questionnaires(client: Client) -> dict:
    schedules = client.assignments.values(
        "questionnaire_schedules__questionnaire",
        "questionnaire_schedules__every_days",
        "questionnaire_schedules__starts_on",
        "questionnaire_schedules__stopped_at",
    ).filter(questionnaire_schedules__isnull=False)
    return {
        "asked": [{name.split("__")[1]: value for name, value in row.items()} for row in schedules],
        "answers": list(client.questionnaire_responses.values(*RESPONSE_FIELDS)),
    }


def _access_log(client: Client) -> list[dict]:
    """Who read or changed the client's data; an address is given only where it was the client's own."""
    actions = dict(AuditEvent.ACTIONS)
    log = []
    for event in client.audit_events.select_related("actor").order_by("at", "id"):
        own = _by_the_client(event, client)
        log.append(
            {
                "at": event.at,
                "what": str(actions.get(event.action, event.action)),
                "by": gettext("the client") if own else _name(event.actor),
                "ip": event.ip if own else None,
            }
        )
    return log


def _by_the_client(event: AuditEvent, client: Client) -> bool:
    """The client's own doing; after erasure, by their erased sign-in (`_erase_user` names it)."""
    if event.actor is None:
        return False
    if client.user_id is not None:
        return event.actor_id == client.user_id
    return event.actor.email.startswith(_erased_email_prefix(client.pk))


def _erased_email_prefix(client_id: int) -> str:
    return f"erased-user-{client_id}-"


def _name(user) -> str | None:
    return (user.name or gettext("a practitioner")) if user is not None else None


@transaction.atomic
def erasure_request(*, client: Client) -> ErasureRequest:
    """The client asks; the practice's owners are told once, and carry it out from the client's
    page. Asking again while it is pending answers the same request and tells no one again."""
    Client.objects.select_for_update().filter(pk=client.pk).first()  # one pending request at a time
    request, created = ErasureRequest.objects.get_or_create(client=client, completed_at=None)
    if not created:
        return request
    owners = Membership.objects.filter(practice=client.practice, role=Membership.OWNER)
    for owner_id in owners.values_list("user_id", flat=True):
        # One task per owner: a retry after an SMTP error does not tell the others twice.
        email_erasure_requested.delay_on_commit(erasure_request_id=request.pk, owner_id=owner_id)
    return request


def erasure_requested_email(*, erasure_request_id: int, owner_id: int) -> None:
    """Tell an owner of the client's practice; nothing once it was carried out or they are no owner."""
    request = (
        ErasureRequest.objects.select_related("client__practice")
        .filter(pk=erasure_request_id, completed_at__isnull=True)
        .first()
    )
    if request is None:
        return
    owner = (
        Membership.objects.select_related("user")
        .filter(user_id=owner_id, practice=request.client.practice_id, role=Membership.OWNER)
        .first()
    )
    if owner is not None:
        emails.send_erasure_requested(request.client, owner.user.email)


@transaction.atomic
def client_erase(*, client: Client, by, request=None) -> Client:
    """Remove every personal field and stored file; check-off counts, dates and scores stay, tied
    to no one, and the audit keeps who did what, without the client's addresses."""
    user = client.user
    client.name = f"Erased client {client.pk}"
    client.email = f"erased-{client.pk}@erased.invalid"
    client.phone = client.notes = ""
    client.reminders_enabled = False
    client.user = None
    client.erased_at = timezone.now()
    client.save()
    Consultation.objects.filter(client=client).update(
        subjective="", objective="", assessment="", plan="", video_url=""
    )
    Completion.objects.filter(assignment__client=client).update(note="")
    Reminder.objects.filter(client=client).update(reason="")
    Message.objects.filter(client=client).update(body="")
    _erase_activity_names(client)
    client.invitations.all().delete()
    client.assignments.exclude(status=Assignment.ENDED).update(
        status=Assignment.ENDED, ended_on=local_date(client, timezone.now()), next_reminder_at=None
    )
    # The client's own addresses go from their audit rows (the one change the database allows).
    AuditEvent.objects.filter(Q(actor__isnull=True) | Q(actor=user), client=client).update(ip=None)
    _forget_admin_log(Client, client.pk, f"Erased client {client.pk}")
    if user is not None:
        _erase_user(user, client.pk)
    forget_files(client)  # a cache: should the erasure roll back, a download renders it again
    ErasureRequest.objects.filter(client=client, completed_at=None).update(completed_at=timezone.now())
    audit_record(actor=by, client=client, action=AuditEvent.ERASE_CLIENT, request=request)
    return client


def forget_files(client: Client) -> None:
    """Every stored file about the client: the cached handouts, which print their name."""
    forget_handouts(client)


def _forget_admin_log(model, pk: int, label: str) -> None:
    """The admin's history names what it changed as it was then (a name, an email)."""
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(content_type=content_type, object_id=str(pk)).update(
        object_repr=label, change_message=""
    )


def _erase_activity_names(client: Client) -> None:
    """The activities a client named in the PSFS are their words; the ratings and scores stay."""
    responses = list(QuestionnaireResponse.objects.filter(client=client, questionnaire="psfs"))
    for response in responses:
        for activity in response.answers.get("activities", []):
            activity["activity"] = ""
    QuestionnaireResponse.objects.bulk_update(responses, ["answers"])


def _erase_user(user, client_id: int) -> None:
    AuthToken.objects.filter(user=user).delete()
    for log in (AccessAttempt, AccessLog, AccessFailureLog):  # sign-in records name the email
        log.objects.filter(username__iexact=user.email).delete()
    _forget_admin_log(type(user), user.pk, f"Erased user {user.pk}")
    user.email = f"{_erased_email_prefix(client_id)}{user.pk}@erased.invalid"
    user.name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


@shared_task(name="clients.tasks.email_erasure_requested", base=EmailTask)
def email_erasure_requested(*, erasure_request_id: int, owner_id: int) -> None:
    erasure_requested_email(erasure_request_id=erasure_request_id, owner_id=owner_id)
