"""The client's data export (a GDPR access request) holds everything stored about them, and only that."""

import io
import json
import zipfile
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from clients.assignments import versions
from clients.audit import audit_record
from clients.models import AuditEvent, Completion, Consultation, Reminder
from clients.privacy import rights
from programs.models import ProgramExercise
from tests.conftest import api_as
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db


def exported(client, by) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(rights.client_export(client=client, by=by)))
    return json.loads(archive.read("data.json"))


def revise(assignment, *, by, new_exercise: str, sets: int):
    """Version 2: every exercise re-dosed, one new exercise."""
    draft = versions.revision_draft(assignment=assignment)
    draft.items.update(sets=sets)
    ProgramExercise.objects.create(
        program=draft, exercise=ExerciseFactory(name=new_exercise), position=9, reps=8
    )
    return versions.assignment_revise(
        assignment=assignment, draft=draft, schedule=versions.schedule_of(assignment), by=by
    )


def check_off(assignment, *, days: int, note: str = ""):
    items = list(assignment.program.items.all())
    for day in range(days):
        for item in items:
            Completion.objects.create(
                assignment=assignment,
                assignment_exercise=item,
                date=assignment.start_date + timedelta(days=day),
                note=note,
            )


def test_the_export_has_every_setting_the_client_chose(bob, alice):
    bob.language, bob.reminders_enabled = "es", False
    bob.quiet_hours_start, bob.quiet_hours_end = time(22, 0), time(7, 30)
    bob.timezone, bob.reminder_time = "America/New_York", time(7, 45)
    bob.save()

    profile = exported(bob, alice)["profile"]

    assert profile["language"] == "es"
    assert (profile["quiet_hours_start"], profile["quiet_hours_end"]) == ("22:00:00", "07:30:00")
    assert (profile["timezone"], profile["reminder_time"]) == ("America/New_York", "07:45:00")
    assert profile["reminders_enabled"] is False


def test_the_export_has_every_version_with_its_exercises_and_what_changed(bob, alice, bob_assignment):
    first_exercises = [item.exercise.name for item in bob_assignment.program.items.all()]
    check_off(bob_assignment, days=1, note="done before the change")
    revise(bob_assignment, by=alice, new_exercise="Deep squat", sets=5)

    program = exported(bob, alice)["programs"][0]

    one, two = program["versions"]
    assert (one["number"], two["number"], program["current_version"]) == (1, 2, 2)
    assert [e["name"] for e in one["exercises"]] == first_exercises
    assert [e["name"] for e in two["exercises"]] == [*first_exercises, "Deep squat"]
    assert {e["sets"] for e in one["exercises"]} == {3}
    assert {e["dosage"] for e in two["exercises"][:-1]} == {"5 sets of 10"}
    assert two["what_changed"][0] == "new: deep squat"
    assert f"{first_exercises[0].lower()} now 5 × 10" in two["what_changed"]
    assert two["schedule"]["days_of_week"] == bob_assignment.days_of_week
    assert two["published_by"] == "Alice Physio"
    assert one["what_changed"] == []


def test_check_offs_say_which_version_and_exercise_they_were_made_against(bob, alice, bob_assignment):
    check_off(bob_assignment, days=1, note="a twinge")
    revise(bob_assignment, by=alice, new_exercise="Deep squat", sets=5)
    bob_assignment.refresh_from_db()
    check_off(bob_assignment, days=1)

    check_offs = exported(bob, alice)["check_offs"]

    made = {(c["version"], c["exercise"]) for c in check_offs}
    assert (2, "Deep squat") in made
    assert {c["version"] for c in check_offs} == {1, 2}
    assert any(c["note"] == "a twinge" and c["version"] == 1 for c in check_offs)


def test_the_words_are_in_the_clients_language(bob, alice, bob_assignment):
    bob.language = "es"
    bob.save()
    item = bob_assignment.program.items.first()

    exercise = exported(bob, alice)["programs"][0]["versions"][0]["exercises"][0]

    with translation.override("es"):
        assert exercise["dosage"] == item.dosage_text()
    assert exercise["dosage"] != item.dosage_text()


def test_what_happened_reads_in_the_clients_language_too(bob, alice, bob_assignment):
    bob.language = "es"
    bob.save()
    Reminder.objects.create(
        client=bob, kind=Reminder.CONSULTATION_INVITE, local_date=timezone.localdate(), due_at=timezone.now()
    )
    audit_record(actor=bob.user, client=bob, action=AuditEvent.RECORD_COMPLETION)

    data = exported(bob, alice)

    assert data["reminders"][0]["what"] == "Invitación a la consulta"
    mine = next(event for event in data["access_log"] if event["what"] == "Registró un ejercicio hecho")
    assert mine["by"] == "el cliente"


def test_the_export_has_consultations_reminders_pauses_and_who_saw_the_data(
    client, bob, alice, bob_assignment
):
    Consultation.objects.create(
        client=bob, practitioner=alice, scheduled_at=timezone.now(), odi_answers=[1, 2, None], pain=5
    )
    Reminder.objects.create(
        client=bob, kind=Reminder.EXERCISE, local_date=timezone.localdate(), due_at=timezone.now()
    )
    client.force_login(alice)
    client.post(f"/assignments/{bob_assignment.pk}/pause/")
    client.get(f"/clients/{bob.pk}/")

    data = exported(bob, alice)

    consultation = data["consultations"][0]
    assert (consultation["odi_answers"], consultation["practitioner"]) == ([1, 2, None], "Alice Physio")
    assert data["reminders"][0]["what"] == "Daily exercise reminder"
    assert data["programs"][0]["paused"][0]["from"] == timezone.localdate().isoformat()
    assert {"what": "Viewed the client's record", "by": "Alice Physio"}.items() <= data["access_log"][
        0
    ].items()
    assert data["access_log"][0]["ip"] is None  # the practitioner's address is not the client's data
    assert data["practitioner"] == "Alice Physio"


def test_the_export_holds_nothing_of_other_clients_or_the_practices_team(
    bob, dana, alice, bob_assignment, dana_assignment
):
    check_off(dana_assignment, days=2, note="Dana's private note")
    Consultation.objects.create(
        client=dana, practitioner=alice, scheduled_at=timezone.now(), plan="Dana's plan"
    )

    text = json.dumps(exported(bob, alice))

    for other in ("Dana", "dana@example.com", "alice@example.com", "Dana's plan"):
        assert other not in text
    assert "token" not in text


def test_the_client_downloads_the_same_complete_export_with_their_own_addresses(bob, bob_assignment):
    bob.quiet_hours_start, bob.quiet_hours_end = time(21, 0), time(8, 0)
    bob.save()
    audit_record(actor=bob.user, client=bob, action=AuditEvent.RECORD_COMPLETION, ip="203.0.113.5")

    data = json.loads(
        zipfile.ZipFile(io.BytesIO(api_as(bob.user).get("/api/v1/me/export/").content)).read("data.json")
    )

    assert data["profile"]["quiet_hours_start"] == "21:00:00"
    assert data["access_log"] == [
        {
            "at": data["access_log"][0]["at"],
            "what": "Recorded a check-off",
            "by": "the client",
            "ip": "203.0.113.5",
        }
    ]


def export_queries(client, by, cache_dir) -> int:
    with override_settings(PRIVATE_MEDIA_ROOT=cache_dir), CaptureQueriesContext(connection) as queries:
        rights.client_export(client=client, by=by)
    return len(queries)


def test_the_exports_queries_do_not_grow_with_versions_and_check_offs(bob, alice, bob_assignment, tmp_path):
    revise(bob_assignment, by=alice, new_exercise="Deep squat", sets=4)
    bob_assignment.refresh_from_db()
    check_off(bob_assignment, days=1)
    few = export_queries(bob, alice, tmp_path / "few")

    for sets in (5, 6, 7):
        revise(bob_assignment, by=alice, new_exercise=f"Exercise at {sets} sets", sets=sets)
        bob_assignment.refresh_from_db()
        check_off(bob_assignment, days=3)
    many = export_queries(bob, alice, tmp_path / "many")

    assert Completion.objects.filter(assignment=bob_assignment).count() > 20
    assert many == few
