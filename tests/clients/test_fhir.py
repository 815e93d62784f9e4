"""A client's record as FHIR R4: every export validates with fhir.resources and says what an EHR needs."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from clients.assignments import versions
from clients.fhir import outcomes, resources
from clients.fhir.bundle import client_bundle
from clients.models import AuditEvent, Completion, Consultation, QuestionnaireResponse
from clients.privacy import rights
from programs.models import ProgramExercise
from tests.conftest import api_as
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

PAIN_LOINC = "72514-3"


def resources_of(bundle: dict, kind: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def export(user, path: str) -> dict:
    response = api_as(user).get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    Bundle.model_validate(bundle)  # every export is valid FHIR (R4B models, R4's resources)
    return bundle


@pytest.fixture
def bobs_record(alice, bob, bob_assignment):
    """A consultation on video with pain and ODI, a revised program, check-offs with pain, an NPRS."""
    today = timezone.localdate()
    Consultation.objects.create(
        client=bob,
        practitioner=alice,
        scheduled_at=timezone.now() - timedelta(days=5),
        status=Consultation.COMPLETED,
        place=Consultation.VIDEO,
        pain=6,
        odi_percent=34,
    )
    Consultation.objects.create(
        client=bob,
        practitioner=alice,
        scheduled_at=timezone.now() - timedelta(days=9),
        place=Consultation.CLINIC,
    )
    first = bob_assignment.program.items.order_by("position").first()
    Completion.objects.create(
        assignment=bob_assignment,
        assignment_exercise=first,
        date=today - timedelta(days=1),
        sets_done=2,
        reps_done=10,
        pain=4,
        difficulty=3,
    )
    draft = versions.revision_draft(assignment=bob_assignment)
    ProgramExercise.objects.create(
        program=draft,
        exercise=ExerciseFactory(name="Deep squat"),
        position=99,
        sets=3,
        reps=8,
        hold_seconds=5,
    )
    versions.assignment_revise(
        assignment=bob_assignment, draft=draft, schedule=versions.schedule_of(bob_assignment), by=alice
    )
    QuestionnaireResponse.objects.create(
        client=bob, questionnaire="nprs", due_on=today, answered_on=today, answers={"pain": 3}, score=3
    )
    QuestionnaireResponse.objects.create(
        client=bob,
        questionnaire="psfs",
        due_on=today,
        answered_on=today,
        answers={"activities": [{"activity": "=Gardening", "rating": 4}]},
        score=4,
    )
    return bob


def test_the_practitioner_gets_a_valid_bundle_with_patient_practitioner_and_practice(alice, bobs_record):
    bundle = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")

    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    [patient] = resources_of(bundle, "Patient")
    assert patient["name"] == [{"text": "Bob Client"}]
    assert [p["name"][0]["text"] for p in resources_of(bundle, "Practitioner")] == ["Alice Physio"]
    assert resources_of(bundle, "Organization")[0]["name"] == "Alice's Clinic"
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert patient["generalPractitioner"][0]["reference"] in urls


def test_every_reference_resolves_inside_the_bundle(alice, bobs_record):
    bundle = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    urls = {entry["fullUrl"] for entry in bundle["entry"]}

    def references(value):
        if isinstance(value, dict):
            if isinstance(value.get("reference"), str):
                yield value["reference"]
            for inner in value.values():
                yield from references(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from references(inner)

    assert set(references(bundle["entry"])) - urls == set()


def test_pain_scores_are_observations_coded_loinc(alice, bobs_record):
    bundle = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    pains = [
        o
        for o in resources_of(bundle, "Observation")
        if o["code"]["coding"][0]
        == {
            "system": "http://loinc.org",
            "code": PAIN_LOINC,
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        }
    ]
    # at the consultation, at the check-off, and the NPRS answer
    assert sorted(o["valueInteger"] for o in pains) == [3, 4, 6]
    assert all(o["subject"]["reference"].startswith("urn:uuid:") for o in pains)


def test_a_video_consultation_is_a_virtual_encounter_and_a_clinic_one_ambulatory(alice, bobs_record):
    bundle = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    classes = sorted(e["class"]["code"] for e in resources_of(bundle, "Encounter"))

    assert classes == ["AMB", "VR"]
    virtual = next(e for e in resources_of(bundle, "Encounter") if e["class"]["code"] == "VR")
    assert virtual["class"]["system"] == "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    assert virtual["class"]["display"] == "virtual"
    assert virtual["status"] == "finished"
    assert virtual["length"] == {
        "value": 45,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }


def test_each_version_is_a_care_plan_with_its_exercises_dosage_and_timing(alice, bobs_record, bob_assignment):
    bundle = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    plans = resources_of(bundle, "CarePlan")

    assert [p["status"] for p in plans] == ["revoked", "active"]
    older, newer = plans
    assert newer["replaces"] == [{"reference": f"urn:uuid:{older['id']}"}]
    assert newer["intent"] == "order"
    assert len(newer["activity"]) == len(older["activity"]) + 1
    squat = next(a["detail"] for a in newer["activity"] if a["detail"]["code"]["text"] == "Deep squat")
    assert squat["description"].startswith("3 sets of 8 · hold 5 s")
    dosage = {part["url"]: part for part in squat["extension"][0]["extension"]}
    assert dosage["sets"]["valueInteger"] == 3 and dosage["reps"]["valueInteger"] == 8
    assert dosage["hold"]["valueDuration"]["value"] == 5
    repeat = squat["scheduledTiming"]["repeat"]
    weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert repeat["dayOfWeek"] == [weekdays[d] for d in sorted(bob_assignment.days_of_week)]
    assert repeat["frequency"] == 2 and repeat["period"] == 1 and repeat["periodUnit"] == "d"


def test_a_check_off_is_an_observation_based_on_the_version_it_was_done_against(alice, bobs_record):
    bundle = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    [done] = [
        o
        for o in resources_of(bundle, "Observation")
        if o["code"]["coding"][0]["code"] == "exercise-check-off"
    ]
    first_version = resources_of(bundle, "CarePlan")[0]

    assert done["basedOn"] == [{"reference": f"urn:uuid:{first_version['id']}"}]
    parts = {c["code"]["coding"][0]["code"]: c for c in done["component"]}
    assert parts["sets-done"]["valueInteger"] == 2 and parts["reps-done"]["valueInteger"] == 10
    assert parts["difficulty"]["valueInteger"] == 3


def test_questionnaire_responses_carry_their_answers_and_score(alice, bobs_record):
    bundle = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    by_key = {r["questionnaire"].rsplit("/", 1)[1]: r for r in resources_of(bundle, "QuestionnaireResponse")}

    assert by_key["nprs"]["item"][0]["answer"] == [{"valueInteger": 3}]
    assert by_key["nprs"]["item"][-1] == {
        "linkId": "score",
        "text": "Score",
        "answer": [{"valueDecimal": 3.0}],
    }
    activity = by_key["psfs"]["item"][0]["item"]
    assert activity[0]["answer"] == [{"valueString": "=Gardening"}]


def test_ids_are_the_same_in_every_export(alice, bobs_record):
    first = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    second = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")

    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert [e["resource"]["id"] for e in first["entry"]] == [e["resource"]["id"] for e in second["entry"]]
    assert len({e["fullUrl"] for e in first["entry"]}) == len(first["entry"])


def test_the_client_gets_their_own_record_and_nobody_elses(bobs_record, dana, dana_assignment):
    mine = export(bobs_record.user, "/api/v1/me/fhir/")
    danas = export(dana.user, "/api/v1/me/fhir/")

    assert resources_of(mine, "Patient")[0]["name"] == [{"text": "Bob Client"}]
    assert resources_of(danas, "Patient")[0]["name"] == [{"text": dana.name}]
    assert "Bob Client" not in str(danas)
    assert {e["fullUrl"] for e in mine["entry"]} & {e["fullUrl"] for e in danas["entry"]} == {
        e["fullUrl"]
        for e in mine["entry"]
        if e["resource"]["resourceType"] in ("Organization", "Practitioner")
    }


def test_another_practice_gets_404_and_anonymous_401(bobs_record, charlie, erin):
    assert api_as(charlie).get(f"/api/v1/clients/{bobs_record.pk}/fhir/").status_code == 404
    assert api_as(erin.user).get(f"/api/v1/clients/{bobs_record.pk}/fhir/").status_code == 404
    assert api_as(None).get(f"/api/v1/clients/{bobs_record.pk}/fhir/").status_code == 401
    assert api_as(None).get("/api/v1/me/fhir/").status_code == 401
    assert api_as(charlie).get("/api/v1/me/fhir/").status_code == 404


def test_each_export_is_in_the_clients_access_log(alice, bobs_record):
    export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    export(bobs_record.user, "/api/v1/me/fhir/")

    events = AuditEvent.objects.filter(
        client=bobs_record, action=AuditEvent.EXPORT_DATA, object_type="FHIR Bundle"
    )
    assert sorted(events.values_list("actor__email", flat=True)) == ["alice@example.com", "bob@example.com"]


def test_a_caller_asking_for_plain_json_gets_the_same_bundle_as_json(alice, bobs_record):
    response = api_as(alice).get(f"/api/v1/clients/{bobs_record.pk}/fhir/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    Bundle.model_validate(response.json())


def test_the_export_takes_the_same_number_of_queries_however_long_the_history(bobs_record, bob_assignment):
    with CaptureQueriesContext(connection) as short:
        client_bundle(bobs_record)
    items = list(bob_assignment.program.items.all())
    for days_ago in range(2, 12):
        for item in items:
            Completion.objects.create(
                assignment=bob_assignment,
                assignment_exercise=item,
                date=timezone.localdate() - timedelta(days=days_ago),
                pain=days_ago % 10,
            )
    Consultation.objects.create(client=bobs_record, scheduled_at=timezone.now() + timedelta(days=3))
    with CaptureQueriesContext(connection) as long:
        bundle = client_bundle(bobs_record)

    assert len(long) == len(short)
    assert len(bundle["entry"]) > 40


def test_a_phone_call_is_virtual_too_and_each_encounter_says_where_it_stands(alice, bob, bob_assignment):
    soon = timezone.now() + timedelta(days=2)
    Consultation.objects.create(client=bob, practitioner=alice, scheduled_at=soon, place=Consultation.PHONE)
    Consultation.objects.create(
        client=bob,
        practitioner=alice,
        scheduled_at=soon,
        place=Consultation.VIDEO,
        status=Consultation.CANCELLED,
    )
    Consultation.objects.create(
        client=bob,
        scheduled_at=timezone.now() - timedelta(days=1),
        place=Consultation.VIDEO,
        status=Consultation.NO_SHOW,
    )
    encounters = resources_of(export(alice, f"/api/v1/clients/{bob.pk}/fhir/"), "Encounter")

    assert {e["class"]["code"] for e in encounters} == {"VR"}
    assert sorted(e["status"] for e in encounters) == ["cancelled", "cancelled", "planned"]


def test_an_erased_clients_record_is_still_valid_fhir_with_nothing_personal(alice, bob, bob_assignment):
    rights.client_erase(client=bob, by=alice)
    bundle = export(alice, f"/api/v1/clients/{bob.pk}/fhir/")
    [patient] = resources_of(bundle, "Patient")

    assert patient["active"] is False
    assert "bob@example.com" not in str(bundle) and "Bob Client" not in str(bundle)


# --- errors, as a FHIR server answers them ------------------------------------------------------


def outcome_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = response.json()
    OperationOutcome.model_validate(outcome)
    return outcome


def test_a_bundle_failing_validation_is_a_500_outcome_with_nothing_of_the_record_logged_or_sent(
    alice, bobs_record, monkeypatch, caplog
):
    patient = resources.patient

    def broken_patient(client):  # a bug of ours: a value R4 refuses, and it is personal
        return {**patient(client), "birthDate": client.name}

    monkeypatch.setattr(resources, "patient", broken_patient)

    response = api_as(alice).get(f"/api/v1/clients/{bobs_record.pk}/fhir/")

    outcome = outcome_of(response, 500)
    assert [issue["code"] for issue in outcome["issue"]] == ["exception"]
    assert b"Bob Client" not in response.content and b"entry" not in response.content
    assert b"Traceback" not in response.content
    [record] = [r for r in caplog.records if r.name == "clients.fhir.bundle"]
    assert record.levelname == "ERROR" and "birthDate" in record.getMessage()
    assert "Bob Client" not in caplog.text and "bob@example.com" not in caplog.text
    assert not AuditEvent.objects.filter(client=bobs_record, object_type="FHIR Bundle").exists()


def test_the_clients_own_export_failing_validation_is_a_500_outcome_too(bobs_record, monkeypatch):
    organization = resources.organization
    monkeypatch.setattr(resources, "organization", lambda practice: {**organization(practice), "active": "?"})

    outcome = outcome_of(api_as(bobs_record.user).get("/api/v1/me/fhir/"), 500)

    assert outcome["issue"][0]["code"] == "exception"


def test_any_other_failure_of_the_export_is_a_500_outcome_not_a_page_or_half_a_bundle(
    alice, bobs_record, monkeypatch
):
    def broken(*args, **kwargs):
        raise KeyError("id")

    monkeypatch.setattr(resources, "encounter", broken)

    response = api_as(alice).get(f"/api/v1/clients/{bobs_record.pk}/fhir/")

    assert outcome_of(response, 500)["issue"][0]["code"] == "exception"
    assert b"Bob Client" not in response.content and b"KeyError" not in response.content


def test_outside_the_practice_and_signed_out_the_fhir_answer_is_an_operation_outcome(bobs_record, charlie):
    not_found = api_as(charlie).get(f"/api/v1/clients/{bobs_record.pk}/fhir/")
    signed_out = api_as(None).get("/api/v1/me/fhir/")
    not_a_client = api_as(charlie).get("/api/v1/me/fhir/")

    assert outcome_of(not_found, 404)["issue"][0]["code"] == "not-found"
    assert outcome_of(not_a_client, 404)["issue"][0]["code"] == "not-found"
    assert outcome_of(signed_out, 401)["issue"][0]["code"] == "login"
    assert outcome_of(api_as(charlie).get("/api/v1/clients/null,null/fhir/"), 404)["issue"][0]["code"] == (
        "not-found"
    )
    assert signed_out["WWW-Authenticate"] == "Token"


def test_the_rest_of_the_api_keeps_its_own_error_shape(bobs_record, charlie):
    response = api_as(charlie).get(f"/api/v1/clients/{bobs_record.pk}/")

    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found" and "resourceType" not in response.json()


def test_rehabits_own_definitions_are_named_under_the_sites_address_and_identifiers_never_move(
    alice, bobs_record, settings
):
    settings.SITE_URL = "https://clinic.example"
    bundle = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")

    [plan, *_] = resources_of(bundle, "CarePlan")
    [dosage] = plan["activity"][0]["detail"]["extension"]
    assert dosage["url"] == "https://clinic.example/fhir/StructureDefinition/exercise-dosage"
    questionnaires = {r["questionnaire"] for r in resources_of(bundle, "QuestionnaireResponse")}
    assert questionnaires == {
        "https://clinic.example/fhir/Questionnaire/nprs",
        "https://clinic.example/fhir/Questionnaire/psfs",
    }
    check_off = next(
        r for r in resources_of(bundle, "Observation") if r["category"][0]["coding"][0]["code"] == "activity"
    )
    assert check_off["code"]["coding"][0]["system"] == "https://clinic.example/fhir/CodeSystem/observation"
    assert "rehabit.example" not in json.dumps(bundle)

    settings.SITE_URL = "https://elsewhere.example"
    again = export(alice, f"/api/v1/clients/{bobs_record.pk}/fhir/")
    identifiers = [entry["resource"]["identifier"] for entry in bundle["entry"]]
    assert identifiers == [entry["resource"]["identifier"] for entry in again["entry"]]
    assert {
        i["system"] for found in identifiers for i in (found if isinstance(found, list) else [found])
    } == {"urn:ietf:rfc:3986"}


def test_each_error_status_is_said_with_fhirs_issue_type_and_names_its_field():
    said = {status: outcomes.issue_code(status) for status in (400, 401, 403, 404, 429, 500, 503)}
    outcome = outcomes.operation_outcome(400, [{"field": "date", "code": "invalid", "message": "Bad."}])

    assert said == {
        400: "invalid",
        401: "login",
        403: "forbidden",
        404: "not-found",
        429: "throttled",
        500: "exception",
        503: "exception",
    }
    assert outcome["issue"] == [
        {"severity": "error", "code": "invalid", "diagnostics": "Bad.", "expression": ["date"]}
    ]
    OperationOutcome.model_validate(outcome)
