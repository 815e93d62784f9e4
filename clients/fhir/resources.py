"""One function per FHIR R4 resource, each taking rows already loaded and returning plain JSON.

References between resources are the `urn:uuid:` of the entry referred to (`ids.py`), which a
receiver resolves inside the Bundle. Codes are the standard ones where one fits (LOINC 72514-3
for a 0-10 pain score, v3 ActCode VR for a virtual encounter, SNOMED CT 229065009 "Exercise
therapy" for the plan); what no standard names (a check-off, the parts of an exercise's dosage)
is coded in Rehabit's own code system and extension, whose canonical URLs are under the site's
own address (`canonical`).
"""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings

from programs.models import ProgramExercise

from ..models import Assignment, AssignmentVersion, Client, Completion, Consultation, QuestionnaireResponse
from ..scheduling import Terms
from . import ids

UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

PAIN_CODE = {
    "coding": [
        {
            "system": LOINC,
            "code": "72514-3",
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        }
    ],
    "text": "Pain (0-10)",
}
EXERCISE_THERAPY = {
    "coding": [{"system": SNOMED, "code": "229065009", "display": "Exercise therapy"}],
    "text": "Home exercise program",
}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]  # Monday is 0, as in date.weekday()
VIRTUAL = {"system": ACT_CODE, "code": "VR", "display": "virtual"}
AMBULATORY = {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"}
PLACES = dict(Consultation.PLACES)


def canonical(path: str) -> str:
    """The canonical URL of a definition of Rehabit's (a code system, an extension, a
    questionnaire): under SITE_URL, the deployment's own address, so it names this Rehabit and
    stays the same from one export to the next while SITE_URL does."""
    return f"{settings.SITE_URL}/fhir/{path}"


def observation_codes() -> str:
    return canonical("CodeSystem/observation")


def dosage_extension_url() -> str:
    return canonical("StructureDefinition/exercise-dosage")


# --- who ---------------------------------------------------------------------------------


def patient(client: Client) -> dict:
    p = client.practice_id
    resource = {
        "resourceType": "Patient",
        "id": ids.resource_id(p, "client", client.pk),
        "identifier": ids.identifier(p, "client", client.pk),
        "active": client.erased_at is None,
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": client.language}]}}],
        "managingOrganization": ids.reference(p, "practice", p),
    }
    if client.name:
        resource["name"] = [{"text": client.name}]
    telecom = [{"system": "email", "value": client.email}] if client.email else []
    telecom += [{"system": "phone", "value": client.phone}] if client.phone else []
    if telecom:
        resource["telecom"] = telecom
    if client.practitioner_id:
        resource["generalPractitioner"] = [ids.reference(p, "user", client.practitioner_id)]
    return resource


def practitioner(user, *, practice_id: int) -> dict:
    return {
        "resourceType": "Practitioner",
        "id": ids.resource_id(practice_id, "user", user.pk),
        "identifier": ids.identifier(practice_id, "user", user.pk),
        "active": user.is_active,
        "name": [{"text": user.name or user.email}],
        "telecom": [{"system": "email", "value": user.email, "use": "work"}],
    }


def organization(practice) -> dict:
    return {
        "resourceType": "Organization",
        "id": ids.resource_id(practice.pk, "practice", practice.pk),
        "identifier": ids.identifier(practice.pk, "practice", practice.pk),
        "active": True,
        "name": practice.name,
    }


# --- what was prescribed: a CarePlan per version ----------------------------------------


def care_plan(
    assignment: Assignment,
    version: AssignmentVersion,
    *,
    terms: Terms,
    until: date | None,
    status: str,
    replaces: AssignmentVersion | None,
    title: str,
) -> dict:
    """One version of an assignment: its period, its exercises as activities, and `replaces`
    pointing at the version it took over from (each keeps its own id, so an EHR sees the chain)."""
    p = assignment.client.practice_id
    start = max(terms.since, terms.start_date)
    end = max(start, min(until, terms.last_day) if until else terms.last_day)
    resource = {
        "resourceType": "CarePlan",
        "id": ids.resource_id(p, "careplan", f"{assignment.pk}.{version.number}"),
        "identifier": ids.identifier(p, "careplan", f"{assignment.pk}.{version.number}"),
        "status": status,
        "intent": "order",
        "category": [EXERCISE_THERAPY],
        "title": f"{title} (version {version.number})",
        "subject": ids.reference(p, "client", assignment.client_id),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "created": _instant(version.created_at),
        "activity": [
            care_plan_activity(item, terms=terms, start=start, end=end, status=activity_status(status))
            for item in version.program.items.all()
        ],
    }
    if version.created_by_id:
        resource["author"] = ids.reference(p, "user", version.created_by_id)
    if replaces is not None:
        resource["replaces"] = [ids.reference(p, "careplan", f"{assignment.pk}.{replaces.number}")]
    if getattr(version, "said", None):
        resource["note"] = [{"text": line} for line in version.said]
    return resource


def care_plan_status(assignment: Assignment, *, superseded: bool, today: date) -> str:
    """An older version was replaced before its end (revoked); the newest is as the assignment is."""
    if superseded:
        return "revoked"
    if assignment.status == Assignment.PAUSED:
        return "on-hold"
    if assignment.ended_on and assignment.ended_on <= assignment.end_date:
        return "revoked"  # ended early
    if assignment.status == Assignment.ENDED or today > assignment.last_day:
        return "completed"
    return "active"


def activity_status(plan_status: str) -> str:
    return {"active": "in-progress", "on-hold": "on-hold", "completed": "completed"}.get(
        plan_status, "stopped"
    )


def care_plan_activity(item: ProgramExercise, *, terms: Terms, start: date, end: date, status: str) -> dict:
    """An exercise as the plan's activity: its name, its dosage in words and as data, and when."""
    repeat = {
        "boundsPeriod": {"start": start.isoformat(), "end": end.isoformat()},
        "frequency": terms.sessions_per_day,
        "period": 1,
        "periodUnit": "d",
        "dayOfWeek": [WEEKDAYS[day] for day in sorted(terms.days_of_week)],
    }
    if item.duration_seconds:
        repeat |= {"duration": item.duration_seconds, "durationUnit": "s"}
    described = item.dosage_text() + (f". {item.note}" if item.note else "")
    return {
        "detail": {
            "extension": [dosage_extension(item)],
            "kind": "ServiceRequest",
            "code": {"text": item.exercise.name},
            "status": status,
            "scheduledTiming": {"repeat": repeat},
            "description": described,
        }
    }


def dosage_extension(item: ProgramExercise) -> dict:
    """Sets, reps, hold, duration and side as data: FHIR's Timing has no place for sets and reps."""
    parts = [{"url": "sets", "valueInteger": item.sets}]
    if item.reps:
        parts.append({"url": "reps", "valueInteger": item.reps})
    if item.hold_seconds:
        parts.append({"url": "hold", "valueDuration": _seconds(item.hold_seconds)})
    if item.duration_seconds:
        parts.append({"url": "duration", "valueDuration": _seconds(item.duration_seconds)})
    if item.side:
        parts.append({"url": "side", "valueCode": item.side})
    return {"url": dosage_extension_url(), "extension": parts}


# --- consultations ------------------------------------------------------------------------


def encounter(consultation: Consultation, *, practice_id: int, now: datetime) -> dict:
    p = practice_id
    ends = consultation.scheduled_at + timedelta(minutes=consultation.duration_minutes)
    virtual = consultation.place in (Consultation.VIDEO, Consultation.PHONE)
    resource = {
        "resourceType": "Encounter",
        "id": ids.resource_id(p, "consultation", consultation.pk),
        "identifier": ids.identifier(p, "consultation", consultation.pk),
        "status": encounter_status(consultation, ends=ends, now=now),
        "class": VIRTUAL if virtual else AMBULATORY,
        "type": [{"text": str(PLACES.get(consultation.place, consultation.place))}],
        "subject": ids.reference(p, "client", consultation.client_id),
        "period": {"start": _instant(consultation.scheduled_at), "end": _instant(ends)},
        "length": {"value": consultation.duration_minutes, "unit": "min", "system": UCUM, "code": "min"},
        "serviceProvider": ids.reference(p, "practice", p),
    }
    if consultation.practitioner_id:
        resource["participant"] = [
            {
                "type": [
                    {"coding": [{"system": PARTICIPATION, "code": "PPRF", "display": "primary performer"}]}
                ],
                "individual": ids.reference(p, "user", consultation.practitioner_id),
            }
        ]
    return resource


def encounter_status(consultation: Consultation, *, ends: datetime, now: datetime) -> str:
    """R4 has no no-show status: a missed consultation is a cancelled encounter."""
    if consultation.status in (Consultation.CANCELLED, Consultation.NO_SHOW):
        return "cancelled"
    if consultation.status == Consultation.COMPLETED or ends <= now:
        return "finished"
    return "in-progress" if consultation.has_begun(now) else "planned"


def consultation_pain(consultation: Consultation, *, practice_id: int) -> dict:
    return pain_observation(
        practice_id,
        f"consultation-pain/{consultation.pk}",
        client_id=consultation.client_id,
        value=consultation.pain,
        effective=_instant(consultation.scheduled_at),
        extra={"encounter": ids.reference(practice_id, "consultation", consultation.pk)},
    )


def consultation_odi(consultation: Consultation, *, practice_id: int) -> dict:
    """The Oswestry Disability Index recorded at a consultation, in percent."""
    p = practice_id
    return {
        "resourceType": "Observation",
        "id": ids.resource_id(p, "consultation-odi", consultation.pk),
        "identifier": ids.identifier(p, "consultation-odi", consultation.pk),
        "status": "final",
        "category": [_category("survey", "Survey")],
        "code": {
            "coding": [
                {"system": observation_codes(), "code": "odi", "display": "Oswestry Disability Index"}
            ],
            "text": "Oswestry Disability Index",
        },
        "subject": ids.reference(p, "client", consultation.client_id),
        "encounter": ids.reference(p, "consultation", consultation.pk),
        "effectiveDateTime": _instant(consultation.scheduled_at),
        "valueQuantity": {"value": consultation.odi_percent, "unit": "%", "system": UCUM, "code": "%"},
    }


# --- how the client did -------------------------------------------------------------------


def pain_observation(
    practice_id: int, kind: str, *, client_id: int, value: int, effective: str, extra: dict | None = None
) -> dict:
    """A pain score 0-10 as reported: LOINC 72514-3, whichever record it came from."""
    return {
        "resourceType": "Observation",
        "id": ids.resource_id(practice_id, "pain", kind),
        "identifier": ids.identifier(practice_id, "pain", kind),
        "status": "final",
        "category": [_category("survey", "Survey")],
        "code": PAIN_CODE,
        "subject": ids.reference(practice_id, "client", client_id),
        "effectiveDateTime": effective,
        "valueInteger": value,
        **(extra or {}),
    }


def check_off(completion: Completion, *, practice_id: int, client_id: int, plan_key: str) -> dict:
    """One exercise checked off for one session on the client's day: an Observation based on the
    CarePlan version it was done against, what was done as components."""
    p = practice_id
    exercise = completion.assignment_exercise.exercise.name
    components = [
        _component("exercise", "Exercise", {"valueCodeableConcept": {"text": exercise}}),
        _component("session", "Session of the day", {"valueInteger": completion.session}),
    ]
    for name, display, value in (
        ("sets-done", "Sets done", completion.sets_done),
        ("reps-done", "Reps done", completion.reps_done),
        ("difficulty", "Difficulty 1-5", completion.difficulty),
    ):
        if value is not None:
            components.append(_component(name, display, {"valueInteger": value}))
    resource = {
        "resourceType": "Observation",
        "id": ids.resource_id(p, "completion", completion.pk),
        "identifier": ids.identifier(p, "completion", completion.pk),
        "basedOn": [ids.reference(p, "careplan", plan_key)],
        "status": "final",
        "category": [_category("activity", "Activity")],
        "code": {
            "coding": [
                {"system": observation_codes(), "code": "exercise-check-off", "display": "Home exercise done"}
            ],
            "text": f"Done: {exercise}",
        },
        "subject": ids.reference(p, "client", client_id),
        "effectiveDateTime": completion.date.isoformat(),
        "issued": _instant(completion.updated_at),
        "valueBoolean": True,
        "component": components,
    }
    if completion.note:
        resource["note"] = [{"text": completion.note}]
    return resource


def check_off_pain(completion: Completion, *, practice_id: int, client_id: int) -> dict:
    return pain_observation(
        practice_id,
        f"completion-pain/{completion.pk}",
        client_id=client_id,
        value=completion.pain,
        effective=completion.date.isoformat(),
        extra={"derivedFrom": [ids.reference(practice_id, "completion", completion.pk)]},
    )


def questionnaire_response(response: QuestionnaireResponse, *, practice_id: int, questionnaire) -> dict:
    """The answers as items, and the score as the last item (`score`, a decimal)."""
    p = practice_id
    patient_ref = ids.reference(p, "client", response.client_id)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": ids.resource_id(p, "questionnaire-response", response.pk),
        "identifier": ids.identifier(p, "questionnaire-response", response.pk)[0],
        "questionnaire": canonical(f"Questionnaire/{response.questionnaire}"),
        "status": "completed",
        "subject": patient_ref,
        "authored": _instant(response.submitted_at),
        "author": patient_ref,
        "source": patient_ref,
        "item": [
            *answer_items(response, questionnaire),
            {"linkId": "score", "text": "Score", "answer": [{"valueDecimal": response.score}]},
        ],
    }


def answer_items(response: QuestionnaireResponse, questionnaire) -> list[dict]:
    answers = response.answers or {}
    if "activities" in answers:  # PSFS: each activity a group of its name and rating
        return [
            {
                "linkId": f"activity.{n}",
                "item": [
                    {
                        "linkId": f"activity.{n}.name",
                        "text": "Activity",
                        "answer": [{"valueString": a["activity"]}],
                    },
                    {
                        "linkId": f"activity.{n}.rating",
                        "text": "Rating",
                        "answer": [{"valueInteger": a["rating"]}],
                    },
                ],
            }
            for n, a in enumerate(answers["activities"], start=1)
        ]
    if "sections" in answers:  # ODI: the sections answered, each 0-5
        return [
            {"linkId": f"section.{n}", "text": str(name), "answer": [{"valueInteger": value}]}
            for n, (name, value) in enumerate(
                zip(questionnaire.items, answers["sections"], strict=False), start=1
            )
            if value is not None
        ]
    return [  # NPRS ("pain") and GROC ("change"): one rating
        {"linkId": name, "text": str(questionnaire.instructions), "answer": [{"valueInteger": value}]}
        for name, value in answers.items()
        if isinstance(value, int)
    ]


def questionnaire_pain(response: QuestionnaireResponse, *, practice_id: int) -> dict:
    """An NPRS answer is a reported 0-10 pain score too: charted with the others."""
    return pain_observation(
        practice_id,
        f"questionnaire-pain/{response.pk}",
        client_id=response.client_id,
        value=response.answers["pain"],
        effective=response.answered_on.isoformat(),
        extra={"derivedFrom": [ids.reference(practice_id, "questionnaire-response", response.pk)]},
    )


# --- pieces -------------------------------------------------------------------------------


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _seconds(seconds: int) -> dict:
    return {"value": seconds, "unit": "s", "system": UCUM, "code": "s"}


def _category(code: str, display: str) -> dict:
    return {"coding": [{"system": CATEGORY, "code": code, "display": display}]}


def _component(code: str, display: str, value: dict) -> dict:
    return {"code": {"coding": [{"system": observation_codes(), "code": code, "display": display}]}, **value}
