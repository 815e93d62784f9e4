import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.models import Program
from tests.conftest import api_as
from tests.factories import TemplateFactory, assign

pytestmark = pytest.mark.django_db


def test_today_lists_every_exercise_of_every_session_with_its_dosage(bob, bob_assignment):
    today = api_as(bob.user).get("/api/v1/me/today/").json()

    items = list(bob_assignment.program.items.all())
    assert len(today["slots"]) == len(items) * 2
    first = today["slots"][0]
    assert set(first) >= {"assignment_exercise", "session", "exercise", "dosage", "done", "completion"}
    assert first["dosage"]["text"] == "3 sets of 10"
    assert (first["done"], first["completion"]) == (False, None)


def test_a_day_outside_the_program_has_no_slots(bob, bob_assignment):
    before = bob_assignment.start_date.replace(year=bob_assignment.start_date.year - 1)

    today = api_as(bob.user).get(f"/api/v1/me/today/?date={before.isoformat()}").json()

    assert today == {"date": before.isoformat(), "slots": []}


@pytest.mark.parametrize("day", ["yesterday", "20261206", "2026-W49-7"])
def test_a_date_not_written_yyyy_mm_dd_is_a_400_naming_the_field(bob, day):
    response = api_as(bob.user).get(f"/api/v1/me/today/?date={day}")

    assert response.status_code == 400
    assert response.json()["field"] == "date"
    assert "YYYY-MM-DD" in response.json()["message"]


def test_today_takes_the_same_number_of_queries_for_a_long_program(bob, bob_assignment):
    api = api_as(bob.user)
    with CaptureQueriesContext(connection) as short:
        api.get("/api/v1/me/today/")
    assign(bob, start=bob_assignment.start_date, template=TemplateFactory(exercises=20))

    with CaptureQueriesContext(connection) as long:
        response = api.get("/api/v1/me/today/")

    assert len(response.json()["slots"]) == 3 * 2 + 20
    assert len(long) == len(short)


@pytest.mark.parametrize("exercises", [1, 30])
def test_today_takes_three_queries_whatever_the_programs_size_and_its_check_offs(
    bob, exercises, django_assert_num_queries
):
    assignment = assign(bob, start=timezone.localdate(), template=TemplateFactory(exercises=exercises))
    api = api_as(bob.user)
    item = assignment.program.items.first()
    day = timezone.localdate().isoformat()
    body = {"assignment_exercise": item.pk, "date": day, "session": 1, "pain": 2}
    assert api.put(f"/api/v1/me/completions/{uuid.uuid4()}/", body, format="json").status_code == 201

    # The token with its user; the client with their assignments and pauses; the exercises of
    # those due with the day's check-offs.
    with django_assert_num_queries(3):
        response = api.get("/api/v1/me/today/")

    assert len(response.json()["slots"]) == exercises  # one session a day
    assert sum(slot["done"] for slot in response.json()["slots"]) == 1


@pytest.fixture
def spanish_back_pain_program(bob):
    call_command("seed_library", stdout=io.StringIO())
    bob.language = "es"
    bob.save()
    template = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
    return assign(bob, start=timezone.localdate(), template=template)


def test_a_spanish_speaking_client_reads_today_and_their_program_in_spanish(bob, spanish_back_pain_program):
    api = api_as(bob.user)

    today = api.get("/api/v1/me/today/").json()
    program = api.get("/api/v1/me/assignments/").json()["results"][0]

    squat = next(slot for slot in today["slots"] if slot["exercise"]["slug"] == "deep-squat")
    assert squat["exercise"]["name"] == "Sentadilla profunda"
    assert squat["exercise"]["cues"][0] == "Los talones pesan en el suelo"
    assert squat["dosage"]["text"] == "3 series de 5 · mantener 10 s"
    names = [item["exercise"]["name"] for item in program["exercises"]]
    assert "Sentadilla profunda" in names and "Deep squat" not in names
