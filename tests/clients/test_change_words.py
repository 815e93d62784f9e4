"""What changed in a new version reads in the reader's language: the client's own, the workspace's English."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.assignments import versions
from clients.assignments.handouts import assignment_handout
from clients.models import Assignment, Reminder
from clients.reminders import delivery
from programs.models import ProgramExercise
from tests.conftest import api_as
from tests.factories import ClientFactory, ExerciseFactory, TemplateFactory, assign
from tests.programs.test_handouts import pdf_text

pytestmark = pytest.mark.django_db

ENGLISH = ["new: bridge", "removed: side plank", "bird dog now 3 × 10 · hold 5 s", "now 8 weeks"]
SPANISH = [
    "nuevo: puente",
    "retirado: plancha lateral",
    "perro de caza ahora 3 × 10 · mantener 5 s",
    "ahora 8 semanas",
]


def spanish_named(name: str, spanish: str):
    return ExerciseFactory(name=name, translations={"es": {"name": spanish}})


def assign_and_revise(client) -> Assignment:
    """Version 1: side plank and bird dog; version 2 drops the plank, adds a bridge, holds the bird dog."""
    template = TemplateFactory(exercises=0)
    for position, exercise in enumerate(
        [spanish_named("Side plank", "Plancha lateral"), spanish_named("Bird dog", "Perro de caza")]
    ):
        ProgramExercise.objects.create(
            program=template, exercise=exercise, position=position, sets=3, reps=10
        )
    assignment = assign(client, start=timezone.localdate() - timedelta(days=3), template=template)
    draft = versions.revision_draft(assignment=assignment)
    draft.items.filter(exercise__name="Side plank").delete()
    draft.items.filter(exercise__name="Bird dog").update(hold_seconds=5)
    draft.items.create(exercise=spanish_named("Bridge", "Puente"), position=9, sets=2, reps=8)
    versions.assignment_revise(
        assignment=assignment, draft=draft, schedule={**versions.schedule_of(assignment), "weeks": 8}
    )
    assignment.refresh_from_db()
    return assignment


@pytest.fixture
def bob_in_spanish(bob):
    bob.language = "es"
    bob.save()
    return bob


def test_a_spanish_client_reads_what_changed_in_spanish_in_the_api(bob_in_spanish):
    assignment = assign_and_revise(bob_in_spanish)
    api = api_as(bob_in_spanish.user)

    listed = api.get("/api/v1/me/assignments/").json()["results"]
    one = api.get(f"/api/v1/me/assignments/{assignment.pk}/").json()

    assert listed[0]["changes"] == SPANISH
    assert one["changes"] == SPANISH


def test_an_english_client_reads_the_english_lines_as_before(bob):
    assignment = assign_and_revise(bob)

    body = api_as(bob.user).get(f"/api/v1/me/assignments/{assignment.pk}/").json()

    assert body["changes"] == ENGLISH


def test_the_workspace_reads_a_spanish_clients_changes_in_english(client, alice, bob_in_spanish):
    assignment = assign_and_revise(bob_in_spanish)
    client.force_login(alice)

    page = client.get(f"/clients/{bob_in_spanish.pk}/").content.decode()
    version = client.get(f"/assignments/{assignment.pk}/versions/2/").content.decode()

    assert f"version 2: {'; '.join(ENGLISH)}" in page
    assert f"Changed since version 1:</strong> {'; '.join(ENGLISH)}" in version
    assert "puente" not in page + version


def test_publishing_for_a_spanish_client_tells_the_practitioner_in_english(client, alice, bob_in_spanish):
    assignment = assign(bob_in_spanish, start=timezone.localdate())
    client.force_login(alice)
    draft = client.get(f"/assignments/{assignment.pk}/edit/").context["program"]
    client.post(f"/programs/{draft.pk}/items/", {"exercise": spanish_named("Bridge", "Puente").pk})

    response = client.post(
        f"/assignments/{assignment.pk}/edit/",
        {**versions.schedule_of(assignment), "weeks": 8},
        follow=True,
    )

    assert "Version 2 given to Bob Client: new: bridge; now 8 weeks" in response.content.decode()


def test_the_practitioner_api_reads_the_changes_in_english(alice, bob_in_spanish):
    assignment = assign_and_revise(bob_in_spanish)

    body = api_as(alice).get(f"/api/v1/assignments/{assignment.pk}/").json()

    assert body["changes"] == ENGLISH


def test_a_spanish_clients_reminder_says_what_is_new_in_spanish(bob_in_spanish):
    assignment = assign_and_revise(bob_in_spanish)
    now = timezone.now()
    Assignment.objects.filter(pk=assignment.pk).update(next_reminder_at=now - timedelta(minutes=1))
    mail.outbox.clear()

    delivery.sweep(now=now)
    for reminder in Reminder.objects.filter(status=Reminder.PENDING):
        delivery.deliver(reminder.pk, now=now)

    (message,) = [message for message in mail.outbox if message.to == [bob_in_spanish.email]]
    assert f"Novedades de su programa esta semana: {'; '.join(SPANISH)}" in message.body
    assert "; ".join(SPANISH) in message.alternatives[0][0]


def test_a_spanish_clients_handout_says_what_is_new_in_spanish(bob_in_spanish):
    assignment = assign_and_revise(bob_in_spanish)

    text = " ".join(pdf_text(assignment_handout(assignment)[0]).split())

    assert "Novedades de la versión 2" in text
    assert "; ".join(SPANISH) in text


def test_an_english_clients_handout_says_what_is_new_in_english(bob):
    assignment = assign_and_revise(bob)

    text = " ".join(pdf_text(assignment_handout(assignment)[0]).split())

    assert f"New in version 2 {'; '.join(ENGLISH)}" in text


def test_listing_more_changed_programs_takes_no_more_queries(bob_in_spanish, alice_practice):
    assign_and_revise(bob_in_spanish)
    api = api_as(bob_in_spanish.user)

    def queries_to_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/me/assignments/").status_code == 200
        return len(queries)

    one = queries_to_list()
    assign_and_revise(bob_in_spanish)
    assign_and_revise(bob_in_spanish)

    assert queries_to_list() == one


def test_reminders_for_many_changed_programs_name_the_exercises_in_one_query(alice, alice_practice):
    clients = [
        ClientFactory(practice=alice_practice, practitioner=alice, language=language)
        for language in ("es", "en", "es")
    ]
    for each in clients:
        assign_and_revise(each)
    now = timezone.now()
    Assignment.objects.update(next_reminder_at=now - timedelta(minutes=1))
    ids = delivery.sweep(now=now)
    mail.outbox.clear()

    with CaptureQueriesContext(connection) as queries:
        delivery.deliver_many(ids, now=now)

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "; ".join(SPANISH) in bodies[clients[0].email]
    assert "; ".join(ENGLISH) in bodies[clients[1].email]
    exercise_queries = [q for q in queries if 'FROM "programs_exercise"' in q["sql"] and "IN (" in q["sql"]]
    assert len(exercise_queries) == 1
