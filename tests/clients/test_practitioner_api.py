"""The practitioner API: library, templates, clients, consultations, assignments, adherence."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clients.models import Assignment, Client, Consultation, Invitation
from programs.models import Exercise, Program
from tests.conftest import api_as
from tests.factories import ExerciseFactory, MembershipFactory, TemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library_exercise(db):
    return ExerciseFactory(name="Deep squat")


@pytest.fixture
def alices_exercise(alice_practice):
    return ExerciseFactory(practice=alice_practice, name="Alice's wall slide")


@pytest.fixture
def charlies_exercise(charlie):
    return ExerciseFactory(practice=charlie.memberships.get().practice, name="Charlie's secret")


def ids(page) -> set:
    return {row["id"] for row in page["results"]}


# --- exercises -----------------------------------------------------------------------


def test_practitioner_sees_the_library_and_their_own_exercises_only(
    alice, library_exercise, alices_exercise, charlies_exercise
):
    page = api_as(alice).get("/api/v1/exercises/").json()

    assert ids(page) == {library_exercise.pk, alices_exercise.pk}
    assert api_as(alice).get(f"/api/v1/exercises/{charlies_exercise.pk}/").status_code == 404


def test_exercises_filter_by_source_and_words(alice, library_exercise, alices_exercise):
    api = api_as(alice)

    assert ids(api.get("/api/v1/exercises/?source=practice").json()) == {alices_exercise.pk}
    assert ids(api.get("/api/v1/exercises/?source=library").json()) == {library_exercise.pk}
    assert ids(api.get("/api/v1/exercises/?q=squat").json()) == {library_exercise.pk}


def test_practitioner_creates_an_exercise_in_their_practice(alice, alice_practice):
    response = api_as(alice).post(
        "/api/v1/exercises/",
        {"name": "Cat-camel", "region": "lower-back", "steps": ["Kneel.", "Round, then hollow."], "reps": 8},
        format="json",
    )

    assert response.status_code == 201, response.json()
    exercise = Exercise.objects.get(pk=response.json()["id"])
    assert (exercise.practice, exercise.slug, exercise.reps) == (alice_practice, "cat-camel", 8)
    assert response.json()["is_library"] is False


def test_the_shared_library_is_read_only(alice, library_exercise):
    response = api_as(alice).patch(
        f"/api/v1/exercises/{library_exercise.pk}/", {"name": "Mine"}, format="json"
    )

    assert response.status_code == 403
    library_exercise.refresh_from_db()
    assert library_exercise.name == "Deep squat"


def test_an_exercise_cannot_be_created_in_another_practice(alice, charlie):
    other = charlie.memberships.get().practice

    response = api_as(alice).post(
        "/api/v1/exercises/", {"name": "Sneaky", "region": "lower-back", "practice": other.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "practice"
    assert not Exercise.objects.filter(practice=other).exists()


def test_an_exercise_in_use_cannot_be_deleted(alice, alices_exercise):
    api = api_as(alice)
    api.post(
        "/api/v1/programs/",
        {"title": "Uses it", "items": [{"exercise": alices_exercise.pk, "reps": 10}]},
        format="json",
    )

    response = api.delete(f"/api/v1/exercises/{alices_exercise.pk}/")

    assert response.status_code == 409
    assert "existing_id" not in response.json()
    assert Exercise.objects.filter(pk=alices_exercise.pk).exists()


# --- programs ------------------------------------------------------------------------


def test_practitioner_builds_a_template_with_ordered_dosed_exercises(
    alice, library_exercise, alices_exercise
):
    api = api_as(alice)
    body = {
        "title": "Desk worker",
        "items": [
            {"exercise": alices_exercise.pk, "sets": 2, "reps": 12, "side": "each"},
            {"exercise": library_exercise.pk, "sets": 1, "hold_seconds": 30, "note": "Heels down"},
        ],
    }

    created = api.post("/api/v1/programs/", body, format="json")
    reordered = api.patch(
        f"/api/v1/programs/{created.json()['id']}/", {"items": body["items"][::-1]}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert [i["exercise"] for i in reordered.json()["items"]] == [library_exercise.pk, alices_exercise.pk]
    assert [i["position"] for i in reordered.json()["items"]] == [0, 1]
    assert reordered.json()["items"][0]["dosage_text"] == "1 set · hold 30 s"
    program = Program.objects.get(pk=created.json()["id"])
    assert program.is_template and program.items.count() == 2


def test_a_template_item_of_sets_alone_is_refused_naming_the_field(alice, library_exercise):
    body = {
        "title": "Nothing to count",
        "items": [{"exercise": library_exercise.pk, "sets": 3, "side": "each"}],
    }

    response = api_as(alice).post("/api/v1/programs/", body, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "items.0.reps"
    assert "reps, a hold or a duration" in response.json()["message"]
    assert not Program.objects.filter(title="Nothing to count").exists()


def test_replacing_a_templates_items_with_sets_alone_is_refused_and_keeps_them(alice, library_exercise):
    api = api_as(alice)
    item = {"exercise": library_exercise.pk, "sets": 2, "reps": 8}
    created = api.post("/api/v1/programs/", {"title": "Kept", "items": [item]}, format="json").json()

    response = api.patch(
        f"/api/v1/programs/{created['id']}/",
        {"items": [item, {"exercise": library_exercise.pk, "sets": 3, "reps": 0, "hold_seconds": None}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "items.1.reps"
    kept = Program.objects.get(pk=created["id"]).items.get()
    assert (kept.sets, kept.reps) == (2, 8)


def test_a_template_cannot_use_another_practices_exercise(alice, charlies_exercise):
    response = api_as(alice).post(
        "/api/v1/programs/", {"title": "X", "items": [{"exercise": charlies_exercise.pk}]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "items.0.exercise"
    assert not Program.objects.filter(title="X").exists()


def test_practitioner_copies_a_library_template_into_their_practice(alice, alice_practice):
    template = TemplateFactory(title="Back pain")

    response = api_as(alice).post(f"/api/v1/programs/{template.pk}/copy/")

    assert response.status_code == 201
    copy = Program.objects.get(pk=response.json()["id"])
    assert (copy.practice, copy.is_template, copy.items.count()) == (alice_practice, True, 3)


def test_programs_list_templates_not_clients_private_copies(alice, bob_assignment):
    listed = ids(api_as(alice).get("/api/v1/programs/").json())

    assert bob_assignment.program_id not in listed


# --- clients -------------------------------------------------------------------------


def test_adding_a_client_emails_an_invitation(alice, alice_practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(alice).post(
            "/api/v1/clients/",
            {"name": "Fay Newcomer", "email": "Fay@Example.com", "timezone": "Europe/Paris"},
            format="json",
        )

    assert response.status_code == 201, response.json()
    client = Client.objects.get(pk=response.json()["id"])
    assert (client.practice, client.practitioner, client.email) == (alice_practice, alice, "fay@example.com")
    assert Invitation.objects.filter(client=client).count() == 1
    assert [m.to for m in mail.outbox] == [["fay@example.com"]]
    assert response.json()["has_account"] is False


def test_a_client_email_is_unique_in_a_practice(alice, bob):
    response = api_as(alice).post(
        "/api/v1/clients/", {"name": "Bob 2", "email": "BOB@example.com"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "email"


def test_practitioner_lists_and_searches_their_own_clients(alice, bob, dana, erin):
    api = api_as(alice)

    assert ids(api.get("/api/v1/clients/").json()) == {bob.pk, dana.pk}
    assert ids(api.get("/api/v1/clients/?q=dana").json()) == {dana.pk}
    assert api.get(f"/api/v1/clients/{erin.pk}/").status_code == 404


def test_practitioner_updates_and_deletes_a_client(alice, dana):
    api = api_as(alice)

    assert (
        api.patch(f"/api/v1/clients/{dana.pk}/", {"phone": "+44 20"}, format="json").json()["phone"]
        == "+44 20"
    )
    assert api.delete(f"/api/v1/clients/{dana.pk}/").status_code == 204
    assert not Client.objects.filter(pk=dana.pk).exists()


def test_a_practitioner_changing_a_clients_email_or_reminder_time_through_the_api_acts_as_the_workspace(
    alice, bob, bob_assignment, dana
):
    api = api_as(alice)
    before = Assignment.objects.get(pk=bob_assignment.pk).next_reminder_at

    moved = api.patch(
        f"/api/v1/clients/{bob.pk}/",
        {"email": "bob.new@example.com", "reminder_time": "19:45"},
        format="json",
    )
    taken = api.patch(f"/api/v1/clients/{bob.pk}/", {"email": "alice@example.com"}, format="json")

    assert moved.status_code == 200 and moved.json()["reminder_time"] == "19:45"
    bob.user.refresh_from_db()
    assert bob.user.email == "bob.new@example.com"
    assert Assignment.objects.get(pk=bob_assignment.pk).next_reminder_at != before
    assert taken.status_code == 400 and taken.json()["field"] == "email"


def test_an_assignment_that_would_already_be_over_is_refused_naming_the_start_date(alice, bob):
    start = (timezone.localdate() - timedelta(weeks=10)).isoformat()
    body = {"client": bob.pk, "template": TemplateFactory().pk, "start_date": start, "weeks": 4}

    response = api_as(alice).post("/api/v1/assignments/", body, format="json")

    assert response.status_code == 400 and response.json()["field"] == "start_date"
    assert not Assignment.objects.filter(client=bob).exists()


def test_practitioner_reads_a_clients_adherence(alice, bob, bob_assignment):
    response = api_as(alice).get(f"/api/v1/clients/{bob.pk}/adherence/")

    assert response.status_code == 200
    assert {"percent", "weeks", "current_streak", "best_streak", "pain_trend"} <= set(response.json())


# --- consultations -------------------------------------------------------------------


def test_practitioner_records_a_consultation_for_their_own_client_only(alice, bob, erin):
    api = api_as(alice)
    body = {"scheduled_at": timezone.now().isoformat(), "pain": 6, "odi_percent": 34, "subjective": "Stiff"}

    mine = api.post("/api/v1/consultations/", {**body, "client": bob.pk}, format="json")
    theirs = api.post("/api/v1/consultations/", {**body, "client": erin.pk}, format="json")

    assert mine.status_code == 201
    assert (theirs.status_code, theirs.json()["field"]) == (400, "client")
    assert list(Consultation.objects.values_list("client", "practitioner")) == [(bob.pk, alice.pk)]
    assert ids(api.get(f"/api/v1/consultations/?client={bob.pk}").json()) == {mine.json()["id"]}


# --- assignments ---------------------------------------------------------------------


def test_practitioner_assigns_a_template_then_pauses_resumes_and_ends_it(alice, bob):
    template = TemplateFactory(title="Back pain")
    api = api_as(alice)
    start = timezone.localdate() - timedelta(days=1)

    created = api.post(
        "/api/v1/assignments/",
        {
            "client": bob.pk,
            "template": template.pk,
            "start_date": start.isoformat(),
            "weeks": 4,
            "days_of_week": [0, 2],
        },
        format="json",
    )
    assignment_id = created.json()["id"]
    paused = api.post(f"/api/v1/assignments/{assignment_id}/pause/", {}, format="json")
    paused_again = api.post(f"/api/v1/assignments/{assignment_id}/pause/", {}, format="json")
    resumed = api.post(f"/api/v1/assignments/{assignment_id}/resume/", {}, format="json")
    ended = api.post(f"/api/v1/assignments/{assignment_id}/end/", {}, format="json")

    assert created.status_code == 201, created.json()
    assert (created.json()["title"], created.json()["client"], created.json()["weeks"]) == (
        "Back pain",
        bob.pk,
        4,
    )
    assert [paused.json()["status"], resumed.json()["status"], ended.json()["status"]] == [
        "paused",
        "active",
        "ended",
    ]
    assert (paused_again.status_code, paused_again.json()["field"]) == (400, "status")
    assert Assignment.objects.get().assigned_by == alice


def test_assigning_to_another_practices_client_or_template_is_refused(alice, erin, charlie):
    theirs = TemplateFactory(practice=charlie.memberships.get().practice)
    api = api_as(alice)
    start = timezone.localdate().isoformat()

    to_erin = api.post(
        "/api/v1/assignments/",
        {"client": erin.pk, "template": TemplateFactory().pk, "start_date": start},
        format="json",
    )

    assert (to_erin.status_code, to_erin.json()["field"]) == (400, "client")
    assert not Assignment.objects.exists()
    assert theirs.pk not in ids(api.get("/api/v1/programs/").json())


def test_practitioner_downloads_an_assignments_handout(alice, bob_assignment, erin_assignment):
    api = api_as(alice)

    response = api.get(f"/api/v1/assignments/{bob_assignment.pk}/handout.pdf")

    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF")
    assert api.get(f"/api/v1/assignments/{erin_assignment.pk}/handout.pdf").status_code == 404


def test_assignments_filter_by_client_and_status(alice, bob_assignment, dana_assignment):
    api = api_as(alice)

    assert ids(api.get(f"/api/v1/assignments/?client={bob_assignment.client_id}").json()) == {
        bob_assignment.pk
    }
    assert ids(api.get("/api/v1/assignments/?status=paused").json()) == set()


# --- no mass assignment --------------------------------------------------------------


def test_a_client_cannot_set_their_practice_name_or_email(bob, charlie):
    other = charlie.memberships.get().practice

    api_as(bob.user).patch(
        "/api/v1/me/", {"practice": other.pk, "name": "Mallory", "email": "m@example.com"}, format="json"
    )

    bob.refresh_from_db()
    assert (bob.practice.name, bob.name, bob.email) == ("Alice's Clinic", "Bob Client", "bob@example.com")


def test_a_clients_check_off_cannot_set_the_assignment_or_dosage(bob, bob_assignment, dana_assignment):
    item = bob_assignment.program.items.first()
    body = {
        "assignment_exercise": item.pk,
        "date": timezone.localdate().isoformat(),
        "assignment": dana_assignment.pk,
        "sets": 99,
        "created_at": "2000-01-01T00:00:00Z",
    }

    response = api_as(bob.user).put(
        "/api/v1/me/completions/7b0c9e4e-8d8b-4a43-9a57-3d7ac8b1a111/", body, format="json"
    )

    assert response.status_code == 201
    item.refresh_from_db()
    assert item.sets == 3
    assert bob_assignment.completions.count() == 1
    assert not response.json()["created_at"].startswith("2000")


def test_a_practitioner_cannot_move_a_client_to_another_practice(alice, bob, charlie):
    other = charlie.memberships.get().practice

    api_as(alice).patch(f"/api/v1/clients/{bob.pk}/", {"practice": other.pk}, format="json")

    bob.refresh_from_db()
    assert bob.practice.name == "Alice's Clinic"


def test_clients_find_no_practitioner_api(bob, bob_assignment):
    api = api_as(bob.user)

    for path in [
        "/api/v1/clients/",
        "/api/v1/exercises/",
        "/api/v1/assignments/",
        f"/api/v1/clients/{bob.pk}/",
    ]:
        assert api.get(path).status_code == 404, path


def test_a_client_created_through_the_api_in_spanish_is_invited_in_spanish(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(alice).post(
            "/api/v1/clients/",
            {"name": "Inés", "email": "ines@example.com", "timezone": "Europe/Madrid", "language": "es"},
            format="json",
        )

    assert response.status_code == 201, response.content
    assert response.json()["language"] == "es"
    assert mail.outbox[-1].subject == "Alice's Clinic le invita a Rehabit"


def test_an_unknown_language_is_a_400_naming_the_field(alice, bob):
    response = api_as(alice).patch(f"/api/v1/clients/{bob.pk}/", {"language": "xx"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "language"


# --- a practitioner of several practices: the API names the practice, and never mixes two ---------


@pytest.fixture
def gym(charlie):
    return charlie.memberships.get().practice


@pytest.fixture
def alice_at_the_gym(alice, gym):
    return MembershipFactory(user=alice, practice=gym)


def test_a_practitioner_of_two_practices_says_which_one_a_copy_goes_to(
    alice, alice_practice, gym, alice_at_the_gym
):
    template = TemplateFactory(title="Back pain")
    api = api_as(alice)

    unnamed = api.post(f"/api/v1/programs/{template.pk}/copy/")
    named = api.post(f"/api/v1/programs/{template.pk}/copy/", {"practice": gym.pk}, format="json")

    assert (unnamed.status_code, unnamed.json()["field"]) == (400, "practice")
    assert named.status_code == 201
    assert Program.objects.get(pk=named.json()["id"]).practice == gym


def test_a_practices_own_template_is_copied_within_that_practice_only(
    alice, alice_practice, gym, alice_at_the_gym
):
    clinic_template = TemplateFactory(practice=alice_practice)
    api = api_as(alice)

    to_gym = api.post(f"/api/v1/programs/{clinic_template.pk}/copy/", {"practice": gym.pk}, format="json")
    in_clinic = api.post(
        f"/api/v1/programs/{clinic_template.pk}/copy/", {"practice": alice_practice.pk}, format="json"
    )

    assert (to_gym.status_code, to_gym.json()["field"]) == (400, "practice")
    assert in_clinic.status_code == 201
    assert not Program.objects.filter(practice=gym).exists()


def test_a_client_is_given_a_template_of_their_own_practice_or_the_library_only(
    alice, bob, gym, alice_at_the_gym
):
    gym_template = TemplateFactory(practice=gym)
    start = timezone.localdate().isoformat()

    response = api_as(alice).post(
        "/api/v1/assignments/",
        {"client": bob.pk, "template": gym_template.pk, "start_date": start},
        format="json",
    )

    assert (response.status_code, response.json()["field"]) == (400, "template")
    assert not Assignment.objects.exists()


def test_a_template_holds_exercises_of_its_own_practice_or_the_library_only(
    alice, alice_practice, gym, alice_at_the_gym, charlies_exercise, library_exercise
):
    api = api_as(alice)
    items = [{"exercise": library_exercise.pk, "reps": 10}, {"exercise": charlies_exercise.pk, "reps": 10}]

    mixed = api.post(
        "/api/v1/programs/", {"title": "Mixed", "practice": alice_practice.pk, "items": items}, format="json"
    )
    gyms = api.post(
        "/api/v1/programs/", {"title": "Gym's", "practice": gym.pk, "items": items}, format="json"
    )

    assert (mixed.status_code, mixed.json()["field"]) == (400, "items")
    assert not Program.objects.filter(title="Mixed").exists()
    assert gyms.status_code == 201


def test_an_exercise_whose_default_dosage_has_nothing_to_count_is_a_400_naming_reps(alice, alices_exercise):
    api = api_as(alice)
    practice = alice.memberships.get().practice

    created = api.post(
        "/api/v1/exercises/",
        {"name": "Sets only", "region": "lower-back", "practice": practice.pk, "sets": 3},
        format="json",
    )
    cleared = api.patch(
        f"/api/v1/exercises/{alices_exercise.pk}/",
        {"reps": None, "hold_seconds": None, "duration_seconds": None},
        format="json",
    )

    assert (created.status_code, created.json()["field"]) == (400, "reps")
    assert (cleared.status_code, cleared.json()["field"]) == (400, "reps")
    assert not Exercise.objects.filter(name="Sets only").exists()
