"""A client's right to their data: a full export, and erasure that keeps only anonymous figures."""

import io
import json
import zipfile

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from practice.models import Membership

from . import emails
from .audit import audit_record
from .handouts import assignment_handout
from .models import Assignment, AuditEvent, Client, Completion, Consultation, ErasureRequest, Reminder

PROFILE_FIELDS = [
    "name",
    "email",
    "phone",
    "timezone",
    "reminder_time",
    "reminders_enabled",
    "notes",
    "created_at",
]
CONSULTATION_FIELDS = [
    "scheduled_at",
    "duration_minutes",
    "status",
    "subjective",
    "objective",
    "assessment",
    "plan",
    "pain",
    "odi_percent",
]
COMPLETION_FIELDS = [
    "assignment_id",
    "date",
    "session",
    "sets_done",
    "reps_done",
    "pain",
    "difficulty",
    "note",
]


def client_export(*, client: Client, by, request=None) -> bytes:
    """A ZIP of everything Rehabit holds about the client: data.json and every handout."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("data.json", json.dumps(_client_data(client), cls=DjangoJSONEncoder, indent=2))
        for assignment in client.assignments.select_related("program", "client__practice"):
            pdf, filename = assignment_handout(assignment)
            zipped.writestr(f"handouts/{assignment.pk}-{filename}", pdf)
    audit_record(actor=by, client=client, action=AuditEvent.EXPORT_DATA, request=request)
    return archive.getvalue()


def _client_data(client: Client) -> dict:
    assignments = client.assignments.select_related("program").prefetch_related("program__items__exercise")
    return {
        "exported_at": timezone.now(),
        "practice": client.practice.name,
        "profile": {name: getattr(client, name) for name in PROFILE_FIELDS},
        "consultations": list(client.consultations.values(*CONSULTATION_FIELDS)),
        "programs": [
            {
                "id": a.pk,
                "title": a.program.title,
                "status": a.status,
                "start_date": a.start_date,
                "weeks": a.weeks,
                "days_of_week": a.days_of_week,
                "sessions_per_day": a.sessions_per_day,
                "exercises": [
                    {"name": i.exercise.name, "dosage": i.dosage_text(), "note": i.note}
                    for i in a.program.items.all()
                ],
            }
            for a in assignments
        ],
        "check_offs": list(Completion.objects.filter(assignment__client=client).values(*COMPLETION_FIELDS)),
        "reminders": list(client.reminders.values("kind", "local_date", "status", "sent_at")),
    }


@transaction.atomic
def erasure_request(*, client: Client) -> ErasureRequest:
    """The client asks; the practice's owners are told and carry it out from the client's page."""
    request, _ = ErasureRequest.objects.get_or_create(client=client, completed_at=None)
    owners = Membership.objects.filter(practice=client.practice, role=Membership.OWNER).select_related("user")
    emails_to = [owner.user.email for owner in owners]
    transaction.on_commit(lambda: emails.send_erasure_requested(client, emails_to))
    return request


@transaction.atomic
def client_erase(*, client: Client, by, request=None) -> Client:
    """Remove every personal field; check-off counts, dates and scores stay, tied to no one."""
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
    client.invitations.all().delete()
    client.assignments.exclude(status=Assignment.ENDED).update(
        status=Assignment.ENDED, ended_on=timezone.localdate(), next_reminder_at=None
    )
    if user is not None:
        _erase_user(user, client.pk)
    ErasureRequest.objects.filter(client=client, completed_at=None).update(completed_at=timezone.now())
    audit_record(actor=by, client=client, action=AuditEvent.ERASE_CLIENT, request=request)
    return client


def _erase_user(user, client_id: int) -> None:
    AuthToken.objects.filter(user=user).delete()
    for log in (AccessAttempt, AccessLog, AccessFailureLog):  # sign-in records name the email
        log.objects.filter(username__iexact=user.email).delete()
    user.email = f"erased-user-{client_id}-{user.pk}@erased.invalid"
    user.name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
