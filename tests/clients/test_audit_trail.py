import uuid

import pytest
from django.utils import timezone

from clients.models import AuditEvent, Consultation
from clients.scheduling import local_date
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def actions(client) -> list[tuple]:
    return list(AuditEvent.objects.filter(client=client).values_list("actor__email", "action"))


def test_opening_a_clients_page_and_their_consultation_is_recorded_with_the_address(client, alice, bob):
    consultation = Consultation.objects.create(client=bob, practitioner=alice, scheduled_at=timezone.now())
    client.force_login(alice)

    client.get(f"/clients/{bob.pk}/", REMOTE_ADDR="203.0.113.7")
    client.get(f"/consultations/{consultation.pk}/")

    assert actions(bob) == [
        ("alice@example.com", AuditEvent.VIEW_CONSULTATION),
        ("alice@example.com", AuditEvent.VIEW_CLIENT),
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.VIEW_CLIENT).get().ip == "203.0.113.7"


def test_every_handout_download_is_recorded(client, alice, bob, bob_assignment):
    client.force_login(alice)

    client.get(f"/assignments/{bob_assignment.pk}/handout.pdf")
    api_as(bob.user).get(f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf")
    api_as(alice).get(f"/api/v1/assignments/{bob_assignment.pk}/handout.pdf")

    assert sorted(actions(bob)) == sorted(
        [
            ("alice@example.com", AuditEvent.DOWNLOAD_HANDOUT),
            ("bob@example.com", AuditEvent.DOWNLOAD_HANDOUT),
            ("alice@example.com", AuditEvent.DOWNLOAD_HANDOUT),
        ]
    )


def test_check_offs_and_their_removal_are_recorded(bob, bob_assignment):
    api, completion_id = api_as(bob.user), uuid.uuid4()
    body = {
        "assignment_exercise": bob_assignment.program.items.first().pk,
        "date": local_date(bob, timezone.now()).isoformat(),
        "session": 1,
        "pain": 2,
    }

    api.put(f"/api/v1/me/completions/{completion_id}/", body, format="json")
    api.delete(f"/api/v1/me/completions/{completion_id}/")

    assert actions(bob) == [
        ("bob@example.com", AuditEvent.DELETE_COMPLETION),
        ("bob@example.com", AuditEvent.RECORD_COMPLETION),
    ]


def test_a_refused_check_off_leaves_no_audit_event(bob, bob_assignment):
    body = {
        "assignment_exercise": bob_assignment.program.items.first().pk,
        "date": "2000-01-01",
        "session": 1,
    }

    api_as(bob.user).put(f"/api/v1/me/completions/{uuid.uuid4()}/", body, format="json")

    assert actions(bob) == []
