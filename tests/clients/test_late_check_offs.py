"""A phone that was offline while the practitioner changed the program still syncs what was done."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from clients.assignments import versions
from clients.models import AssignmentPause, Completion
from clients.scheduling import local_date
from tests.conftest import api_as
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_item(bob_assignment, alice):
    """An exercise of version 1, after the practitioner published version 2."""
    item = bob_assignment.program.items.first()
    draft = versions.revision_draft(assignment=bob_assignment)
    draft.items.create(exercise=ExerciseFactory(name="Deep squat"), position=9, sets=2, reps=8)
    versions.assignment_revise(
        assignment=bob_assignment, draft=draft, schedule=versions.schedule_of(bob_assignment), by=alice
    )
    bob_assignment.refresh_from_db()
    assert bob_assignment.version == 2
    return item


def body(item, client) -> dict:
    yesterday = local_date(client, timezone.now()) - timedelta(days=1)
    return {"assignment_exercise": item.pk, "date": yesterday.isoformat(), "session": 1, "pain": 3}


def test_a_check_off_against_the_previous_version_is_stored_on_the_same_assignment(
    bob, bob_assignment, old_item
):
    response = api_as(bob.user).put(
        f"/api/v1/me/completions/{uuid.uuid4()}/", body(old_item, bob), format="json"
    )

    assert response.status_code == 201
    assert Completion.objects.get().assignment == bob_assignment


def test_an_offline_batch_with_the_previous_versions_exercises_syncs(bob, old_item):
    items = [{"id": str(uuid.uuid4()), **body(old_item, bob)}]

    response = api_as(bob.user).post("/api/v1/me/completions/batch/", {"items": items}, format="json")

    assert [result["status"] for result in response.json()["results"]] == [201]


def test_another_clients_old_exercise_stays_404(dana, old_item):
    response = api_as(dana.user).put(
        f"/api/v1/me/completions/{uuid.uuid4()}/", body(old_item, dana), format="json"
    )

    assert response.status_code == 404


def test_the_handout_says_what_changed_in_the_new_version(bob_assignment, old_item):
    from clients.assignments.handouts import assignment_handout
    from tests.programs.test_handouts import pdf_text

    bob_assignment.refresh_from_db()
    text = " ".join(pdf_text(assignment_handout(bob_assignment)[0]).split())

    assert "New in version 2" in text
    assert "new: deep squat" in text.lower()


def test_the_next_reminder_says_what_changed(bob, bob_assignment, old_item):
    from django.core import mail

    from clients.models import Assignment, Reminder
    from clients.reminders import delivery

    now = timezone.now()
    Assignment.objects.filter(pk=bob_assignment.pk).update(next_reminder_at=now - timedelta(minutes=1))
    delivery.sweep(now=now)
    for reminder in Reminder.objects.filter(status=Reminder.PENDING):
        delivery.deliver(reminder.pk, now=now)

    bodies = " ".join(message.body for message in mail.outbox if message.to == [bob.email])
    assert "new in your program this week: new: deep squat" in bodies.lower()


def test_a_resent_check_off_against_the_previous_version_answers_as_the_first_time(bob, old_item):
    """A phone that lost the first answer sends the same check-off again after the new version."""
    api, url = api_as(bob.user), f"/api/v1/me/completions/{uuid.uuid4()}/"
    first = api.put(url, body(old_item, bob), format="json")

    again = api.put(url, body(old_item, bob), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Completion.objects.count() == 1


def check_off_before_the_new_version(bob_assignment, bob, item) -> Completion:
    yesterday = local_date(bob, timezone.now()) - timedelta(days=1)
    return Completion.objects.create(
        assignment=bob_assignment, assignment_exercise=item, date=yesterday, session=1
    )


def test_an_exercise_checked_off_before_a_new_version_stays_done_in_that_days_list(
    bob, bob_assignment, alice
):
    item = bob_assignment.program.items.first()
    done = check_off_before_the_new_version(bob_assignment, bob, item)
    draft = versions.revision_draft(assignment=bob_assignment)
    draft.items.create(exercise=ExerciseFactory(name="Deep squat"), position=9, sets=2, reps=8)
    versions.assignment_revise(
        assignment=bob_assignment, draft=draft, schedule=versions.schedule_of(bob_assignment), by=alice
    )

    day = api_as(bob.user).get(f"/api/v1/me/today/?date={done.date.isoformat()}").json()

    done_slots = [(s["exercise"]["name"], s["session"], s["completion"]) for s in day["slots"] if s["done"]]
    assert done_slots == [(item.exercise.name, 1, str(done.pk))]


def test_the_same_exercise_cannot_be_checked_off_twice_that_day_across_versions(
    bob, bob_assignment, old_item
):
    done = check_off_before_the_new_version(bob_assignment, bob, old_item)
    bob_assignment.refresh_from_db()
    new_item = bob_assignment.program.items.get(exercise=old_item.exercise)

    response = api_as(bob.user).put(
        f"/api/v1/me/completions/{uuid.uuid4()}/", body(new_item, bob), format="json"
    )

    assert response.status_code == 409
    assert response.json()["existing_id"] == str(done.pk)
    assert Completion.objects.count() == 1


def test_exercise_done_on_a_paused_day_is_kept_as_activity_and_leaves_adherence_as_it_was(
    bob, bob_assignment
):
    """A phone may sync a check-off for a day the practitioner paused meanwhile: what the client
    did and the pain they reported are kept, as on a rest day; the day is still not owed."""
    yesterday = local_date(bob, timezone.now()) - timedelta(days=1)
    AssignmentPause.objects.create(assignment=bob_assignment, start_date=yesterday, end_date=yesterday)
    api = api_as(bob.user)
    before = api.get("/api/v1/me/adherence/").json()

    response = api.put(
        f"/api/v1/me/completions/{uuid.uuid4()}/",
        body(bob_assignment.program.items.first(), bob),
        format="json",
    )
    after = api.get("/api/v1/me/adherence/").json()

    owed_and_done = [(week["scheduled"], week["done"]) for week in after["weeks"]]
    assert response.status_code == 201
    assert after["percent"] == before["percent"]
    assert owed_and_done == [(week["scheduled"], week["done"]) for week in before["weeks"]]
    assert after["last_done_on"] == yesterday.isoformat()
    assert 3 in [week["average_pain"] for week in after["weeks"]]
