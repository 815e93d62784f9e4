"""A consultation already held is recorded over the practitioner API as the workspace records it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clients.models import Consultation, Reminder
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def held(client_pk, **fields):
    return {
        "client": client_pk,
        "scheduled_at": (timezone.now() - timedelta(days=2)).isoformat(),
        "status": "completed",
        "place": "clinic",
        "subjective": "Seen in clinic",
        "pain": 6,
        "odi_percent": 38,
        **fields,
    }


def test_a_consultation_held_in_clinic_is_recorded_with_its_baseline_and_nobody_is_emailed(alice, bob):
    response = api_as(alice).post("/api/v1/consultations/", held(bob.pk), format="json")

    assert response.status_code == 201, response.json()
    consultation = Consultation.objects.get(pk=response.json()["id"])
    assert (consultation.status, consultation.place, consultation.pain, consultation.odi_percent) == (
        "completed",
        "clinic",
        6,
        38,
    )
    assert consultation.video_url == "" and consultation.practitioner == alice
    assert not mail.outbox and not Reminder.objects.filter(consultation=consultation).exists()


def test_a_completed_consultation_still_to_come_is_a_400_naming_its_status(alice, bob):
    future = (timezone.now() + timedelta(days=1)).isoformat()

    response = api_as(alice).post("/api/v1/consultations/", held(bob.pk, scheduled_at=future), format="json")

    assert (response.status_code, response.json()["field"]) == (400, "status")
    assert not Consultation.objects.exists()


def test_a_past_consultation_for_another_practices_client_is_refused(charlie, bob):
    response = api_as(charlie).post("/api/v1/consultations/", held(bob.pk), format="json")

    assert response.status_code == 400
    assert "client" in str(response.json())
    assert not Consultation.objects.exists()


def test_a_booking_still_says_where_it_is_held(alice, bob):
    soon = (timezone.now() + timedelta(days=3)).isoformat()

    response = api_as(alice).post(
        "/api/v1/consultations/", {"client": bob.pk, "scheduled_at": soon}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["place"] == "video" and response.json()["video_url"]
