"""Limits a mobile team can rely on: body size, page size, exact replays, explicit fields."""

import importlib
import inspect
import uuid

import pytest
from django.utils import timezone
from rest_framework import serializers

from clients.scheduling import local_date
from practice.rest import Pagination
from tests.conftest import api_as
from tests.factories import assign

pytestmark = pytest.mark.django_db


def test_a_json_body_over_the_limit_is_a_json_413(bob, bob_assignment, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    item = bob_assignment.program.items.first()
    body = {"items": [{"id": str(uuid.uuid4()), "assignment_exercise": item.pk, "note": "x" * 900}] * 20}

    response = api_as(bob.user).post("/api/v1/me/completions/batch/", body, format="json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_large"


def test_a_replayed_check_off_answers_exactly_as_the_first_call_did(bob, bob_assignment):
    api, url = api_as(bob.user), f"/api/v1/me/completions/{uuid.uuid4()}/"
    body = {
        "assignment_exercise": bob_assignment.program.items.first().pk,
        "date": local_date(bob, timezone.now()).isoformat(),
        "pain": 4,
    }

    first = api.put(url, body, format="json")
    replay = api.put(url, body, format="json")

    assert replay.json() == first.json()  # updated_at included: a replay writes nothing
    assert replay.status_code == 200


def test_a_page_is_never_larger_than_the_maximum(bob, bob_assignment, monkeypatch):
    monkeypatch.setattr(Pagination, "max_page_size", 2)
    for _ in range(2):
        assign(bob, start=bob_assignment.start_date)

    page = api_as(bob.user).get("/api/v1/me/assignments/?page_size=1000").json()

    assert (page["count"], len(page["results"])) == (3, 2)
    assert page["next"]


SERIALIZER_MODULES = ["clients.api.serializers", "programs.serializers", "practice.api", "clients.api"]


@pytest.mark.parametrize("module", SERIALIZER_MODULES)
def test_serializers_list_their_fields(module):
    for name, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass):
        meta = getattr(cls, "Meta", None)
        if issubclass(cls, serializers.ModelSerializer) and meta is not None:
            assert isinstance(meta.fields, list | tuple), name
            assert not hasattr(meta, "exclude"), name
