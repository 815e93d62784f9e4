"""Offline sync: a phone sends the check-offs it queued in one call and learns each one's fate."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import Completion
from clients.scheduling import local_date
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/me/completions/batch/"


def item(assignment, *, position=0, days_ago=0, session=1, **overrides) -> dict:
    exercise = assignment.program.items.all()[position]
    day = local_date(assignment.client, timezone.now()) - timedelta(days=days_ago)
    return {
        "id": str(uuid.uuid4()),
        "assignment_exercise": exercise.pk,
        "date": day.isoformat(),
        "session": session,
        "pain": 2,
        "difficulty": 3,
        **overrides,
    }


def test_a_week_offline_syncs_in_one_call(bob, bob_assignment):
    items = [item(bob_assignment, position=p, days_ago=d) for d in range(3) for p in range(3)]

    response = api_as(bob.user).post(BATCH, {"items": items}, format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["id"], r["status"]) for r in results] == [(i["id"], 201) for i in items]
    assert results[0]["completion"]["pain"] == 2
    assert Completion.objects.filter(assignment=bob_assignment).count() == 9


def test_each_item_gets_its_own_status_and_a_bad_one_fails_alone(bob, bob_assignment, dana_assignment):
    api = api_as(bob.user)
    stored = item(bob_assignment, position=0)
    api.put(f"/api/v1/me/completions/{stored['id']}/", stored, format="json")
    items = [
        stored,  # a replay
        item(bob_assignment, position=1),  # new
        item(bob_assignment, position=2, pain=11),  # invalid
        item(bob_assignment, position=0),  # same slot, another id
        item(dana_assignment),  # someone else's exercise
        item(bob_assignment, position=2, date=(timezone.localdate() + timedelta(days=5)).isoformat()),
    ]

    results = api.post(BATCH, {"items": items}, format="json").json()["results"]

    assert [r["status"] for r in results] == [200, 201, 400, 409, 404, 400]
    assert (results[2]["error"]["field"], results[2]["error"]["code"]) == ("pain", "max_value")
    assert results[3]["existing_id"] == stored["id"]
    assert results[3]["error"]["code"] == "conflict"
    assert results[5]["error"]["field"] == "date"
    assert Completion.objects.count() == 2
    assert not Completion.objects.filter(assignment=dana_assignment).exists()


def test_an_item_without_a_usable_id_is_a_400_naming_the_id(bob, bob_assignment):
    items = [
        item(bob_assignment, id="not-a-uuid"),
        {**item(bob_assignment, position=1), "id": None},
        {**item(bob_assignment, position=2), "id": 5},  # a number is no uuid, whatever Python can make of it
    ]

    results = api_as(bob.user).post(BATCH, {"items": items}, format="json").json()["results"]

    assert [(r["status"], r["error"]["field"]) for r in results] == [(400, "id"), (400, "id"), (400, "id")]
    assert not Completion.objects.exists()


def test_an_item_naming_a_number_too_big_for_an_id_fails_alone_as_a_400(bob, bob_assignment):
    items = [item(bob_assignment, assignment_exercise=10**20), item(bob_assignment)]

    response = api_as(bob.user).post(BATCH, {"items": items}, format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [400, 201]
    assert results[0]["error"]["field"] == "assignment_exercise"
    assert Completion.objects.count() == 1


def test_replaying_a_whole_batch_stores_nothing_twice(bob, bob_assignment):
    api = api_as(bob.user)
    items = [item(bob_assignment, position=p) for p in range(3)]

    first = api.post(BATCH, {"items": items}, format="json").json()["results"]
    again = api.post(BATCH, {"items": items}, format="json").json()["results"]

    assert [r["status"] for r in again] == [200, 200, 200]
    assert [r["completion"] for r in again] == [r["completion"] for r in first]
    assert Completion.objects.count() == 3


def test_more_than_500_items_is_a_400_naming_the_field(bob, bob_assignment):
    items = [item(bob_assignment)] * 501

    response = api_as(bob.user).post(BATCH, {"items": items}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "items"
    assert not Completion.objects.exists()


@pytest.mark.parametrize("body", [{}, {"items": []}, {"items": "x"}, {"items": [1, 2]}, []])
def test_a_malformed_batch_is_a_400_naming_items(bob, body):
    response = api_as(bob.user).post(BATCH, body, format="json")

    assert response.status_code == 400
    assert response.json()["field"] in ("items", "items.0", None)


def test_each_malformed_item_is_named_by_its_position_the_first_too(bob):
    response = api_as(bob.user).post(BATCH, {"items": [1, "a"]}, format="json")

    assert [error["field"] for error in response.json()["errors"]] == ["items.0", "items.1"]


def test_a_practitioner_cannot_sync_as_a_client(alice, bob_assignment):
    response = api_as(alice).post(BATCH, {"items": [item(bob_assignment)]}, format="json")

    assert response.status_code == 404
    assert not Completion.objects.exists()
