"""A client's record as one FHIR R4 Bundle of type `collection`, validated and audited.

Why a collection and not a document: a `document` Bundle is an attested, immutable clinical
document (a Composition first, its author and sections), which is not what this is; it is the
current state of the client's records, exported again whenever asked, for a receiver to import
or reconcile by identifier. Each entry's `fullUrl` is its `urn:uuid:` (`ids.py`), the same in
every export, so references resolve inside the Bundle and a second import updates the first.

Versions: each version of an assignment is its own CarePlan (period from the day it came into
force until the next one did), the newer `replaces` the older, and a replaced one is `revoked`:
an EHR lists the one plan in force and can walk back what was prescribed before, and each
check-off Observation is `basedOn` the version it was done against.
"""

import logging
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from programs.models import ProgramExercise

from ..assignments import changes
from ..assignments.versions import schedule_of
from ..audit import audit_record
from ..consultations.questionnaires import QUESTIONNAIRES
from ..models import Assignment, AssignmentVersion, AuditEvent, Client, Completion
from ..scheduling import local_date, version_terms
from . import resources

MEDIA_TYPE = "application/fhir+json"

log = logging.getLogger(__name__)


class InvalidBundle(Exception):
    """The Bundle failed R4's rules: our bug. Nothing of it is sent (not half a record)."""


def fhir_export(*, client: Client, by, request=None) -> dict:
    """The Bundle, for the practitioner's API and the client's own alike; the export is audited."""
    bundle = client_bundle(client)
    audit_record(
        actor=by, client=client, action=AuditEvent.EXPORT_DATA, request=request, object_type="FHIR Bundle"
    )
    return bundle


def client_bundle(client: Client, *, now=None) -> dict:
    """Everything about the client as FHIR resources, checked against the R4 models of
    `fhir.resources` (R4B, whose resources used here are R4's) before it leaves."""
    now = now or timezone.now()
    client = Client.objects.select_related("practice", "practitioner").get(pk=client.pk)
    p = client.practice_id
    assignments = _assignments_of(client)
    consultations = list(client.consultations.select_related("practitioner").order_by("scheduled_at", "pk"))
    plans, plan_of_item = _care_plans(client, assignments, today=local_date(client, now))
    entries = [
        resources.patient(client),
        resources.organization(client.practice),
        *[
            resources.practitioner(user, practice_id=p)
            for user in _practitioners(client, assignments, consultations)
        ],
        *plans,
        *_consultations(consultations, practice_id=p, now=now),
        *_check_offs(client, plan_of_item),
        *_questionnaire_responses(client),
    ]
    bundle = {
        "resourceType": "Bundle",
        "meta": {"lastUpdated": resources._instant(now)},
        "type": "collection",
        "timestamp": resources._instant(now),
        "entry": [{"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in entries],
    }
    _validate(bundle, client_id=client.pk)
    return bundle


def _validate(bundle: dict, *, client_id: int) -> None:
    """Refuse what R4 would refuse. Logged by where and which rule only: pydantic's message
    quotes the offending value, which may be a name, an email or a note."""
    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        failed = [(".".join(str(part) for part in error["loc"]), error["type"]) for error in exc.errors()]
        log.error("FHIR bundle of client %s failed validation: %s", client_id, failed[:20])
        raise InvalidBundle from None


def _assignments_of(client: Client) -> list[Assignment]:
    items = ProgramExercise.objects.select_related("exercise").order_by("position", "pk")
    return list(
        client.assignments.select_related("program", "assigned_by", "client")
        .prefetch_related(
            Prefetch("versions", AssignmentVersion.objects.select_related("program", "created_by")),
            Prefetch("versions__program__items", items),
            Prefetch("program__items", items),
        )
        .order_by("start_date", "pk")
    )


def _versions_of(assignment: Assignment) -> list[AssignmentVersion]:
    """Oldest first; an assignment saved without versions (not through the services) has its one."""
    versions = sorted(assignment.versions.all(), key=lambda version: version.number)
    return versions or [
        AssignmentVersion(
            assignment=assignment,
            number=assignment.version,
            program=assignment.program,
            schedule=schedule_of(assignment),
            created_at=assignment.created_at,
            created_by=assignment.assigned_by,
        )
    ]


def _care_plans(client: Client, assignments: list[Assignment], *, today) -> tuple[list[dict], dict]:
    """A CarePlan per version, and {assignment exercise id: its version's plan key}."""
    plans, plan_of_item = [], {}
    for assignment in assignments:
        versions = _versions_of(assignment)
        changes.word_versions(versions, language=client.language)
        history = [(v.number, v.created_at, v.schedule or schedule_of(assignment), ()) for v in versions]
        terms = version_terms(assignment, client.timezone, history)
        for n, (version, version_terms_) in enumerate(zip(versions, terms, strict=True)):
            newer = terms[n + 1] if n + 1 < len(terms) else None
            plans.append(
                resources.care_plan(
                    assignment,
                    version,
                    terms=version_terms_,
                    until=newer.since - timedelta(days=1) if newer else None,
                    status=resources.care_plan_status(assignment, superseded=newer is not None, today=today),
                    replaces=versions[n - 1] if n else None,
                    title=version.program.title,
                )
            )
            for item in version.program.items.all():
                plan_of_item[item.pk] = f"{assignment.pk}.{version.number}"
        for item in assignment.program.items.all():  # the current program, when versions are not kept
            plan_of_item.setdefault(item.pk, f"{assignment.pk}.{versions[-1].number}")
    return plans, plan_of_item


def _practitioners(client: Client, assignments, consultations) -> list:
    """Everyone of the practice who looked after the client: theirs, who prescribed, who saw them."""
    users = [client.practitioner]
    users += [assignment.assigned_by for assignment in assignments]
    users += [version.created_by for assignment in assignments for version in assignment.versions.all()]
    users += [consultation.practitioner for consultation in consultations]
    return list({user.pk: user for user in users if user is not None}.values())


def _consultations(consultations, *, practice_id: int, now) -> list[dict]:
    found = []
    for consultation in consultations:
        found.append(resources.encounter(consultation, practice_id=practice_id, now=now))
        if consultation.pain is not None:
            found.append(resources.consultation_pain(consultation, practice_id=practice_id))
        if consultation.odi_percent is not None:
            found.append(resources.consultation_odi(consultation, practice_id=practice_id))
    return found


def _check_offs(client: Client, plan_of_item: dict) -> list[dict]:
    p = client.practice_id
    rows = (
        Completion.objects.filter(assignment__client=client)
        .select_related("assignment_exercise__exercise")
        .order_by("date", "session", "assignment_exercise__position", "pk")
    )
    found = []
    for completion in rows:
        plan = plan_of_item.get(completion.assignment_exercise_id, f"{completion.assignment_id}.1")
        found.append(resources.check_off(completion, practice_id=p, client_id=client.pk, plan_key=plan))
        if completion.pain is not None:
            found.append(resources.check_off_pain(completion, practice_id=p, client_id=client.pk))
    return found


def _questionnaire_responses(client: Client) -> list[dict]:
    found = []
    for response in client.questionnaire_responses.order_by("answered_on", "pk"):
        questionnaire = QUESTIONNAIRES.get(response.questionnaire)
        if questionnaire is None:
            continue
        found.append(
            resources.questionnaire_response(
                response, practice_id=client.practice_id, questionnaire=questionnaire
            )
        )
        if response.questionnaire == "nprs" and isinstance((response.answers or {}).get("pain"), int):
            found.append(resources.questionnaire_pain(response, practice_id=client.practice_id))
    return found
