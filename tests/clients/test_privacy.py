import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from clients.audit import audit_record
from clients.checkoffs.adherence import adherence
from clients.models import AuditEvent, Completion, Consultation
from tests.conftest import api_as, on_postgres
from tests.factories import MembershipFactory, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_record(bob, bob_assignment, alice):
    """Bob's personal and health data, spread over several tables."""
    bob.phone, bob.notes = "+44 7700 900123", "Desk job; sciatica on the left since March."
    bob.save()
    Consultation.objects.create(
        client=bob,
        practitioner=alice,
        scheduled_at=timezone.now(),
        subjective="Bob says mornings are worst",
        assessment="Mechanical low back pain",
        pain=6,
    )
    Completion.objects.create(
        assignment=bob_assignment,
        assignment_exercise=bob_assignment.program.items.first(),
        date=bob_assignment.start_date,
        session=1,
        pain=4,
        note="Bob felt a twinge in the squat",
    )
    return bob


def test_a_client_downloads_all_their_data_with_their_handouts(bobs_record, bob_assignment):
    response = api_as(bobs_record.user).get("/api/v1/me/export/")

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == "bob@example.com"
    assert data["consultations"][0]["subjective"] == "Bob says mornings are worst"
    assert data["check_offs"][0]["note"] == "Bob felt a twinge in the squat"
    handouts = [name for name in archive.namelist() if name.startswith("handouts/")]
    assert len(handouts) == 1 and archive.read(handouts[0]).startswith(b"%PDF")
    assert AuditEvent.objects.filter(client=bobs_record, action=AuditEvent.EXPORT_DATA).exists()


def test_asking_for_erasure_tells_the_practices_owner(bob, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(bob.user).post("/api/v1/me/erasure/")

    assert response.status_code == 202
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "Bob" not in mail.outbox[0].body


def test_asking_again_while_the_erasure_is_pending_tells_the_owner_nothing_more(
    bob, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = api_as(bob.user).post("/api/v1/me/erasure/")
    with django_capture_on_commit_callbacks(execute=True):
        again = [api_as(bob.user).post("/api/v1/me/erasure/") for _ in range(3)]

    assert {response.json()["requested_at"] for response in [first, *again]} == {first.json()["requested_at"]}
    assert [m.to for m in mail.outbox] == [[alice.email]]


def personal_values(client) -> list[str]:
    values = [
        client.name,
        client.email,
        client.phone,
        client.notes,
        "Bob says mornings",
        "twinge in the squat",
    ]
    return [v for v in values if v]


def rows_mentioning(value: str) -> list[str]:
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField | models.JSONField) and f.concrete
        ]
        for name in text_fields:
            if model._default_manager.filter(**{f"{name}__icontains": value}).exists():
                found.append(f"{model._meta.label}.{name}")
    return found


def test_an_owner_erases_a_client_and_no_personal_field_remains_in_any_table(
    client, alice, bobs_record, bob_assignment
):
    before = personal_values(bobs_record)
    assignments = bob_assignment.__class__.objects.filter(pk=bob_assignment.pk)
    window = {"start": bob_assignment.start_date, "end": bob_assignment.start_date + timedelta(days=6)}
    done_before = adherence(assignments, **window).done
    client.post("/accounts/login/", {"username": "bob@example.com", "password": "wrong"})
    client.post("/accounts/login/", {"username": "bob@example.com", "password": "correct-horse-battery"})
    client.force_login(alice)

    client.post(f"/clients/{bobs_record.pk}/erase/", {"name": "Bob Client"})

    for value in before:
        assert rows_mentioning(value) == [], value
    assert adherence(assignments, **window).done == done_before


def test_an_erased_client_can_no_longer_sign_in(client, alice, bob):
    client.force_login(alice)
    client.post(f"/clients/{bob.pk}/erase/", {"name": "Bob Client"})

    response = api_as(None).post(
        "/api/v1/auth/token/",
        {"email": "bob@example.com", "password": "correct-horse-battery"},
        format="json",
    )

    assert response.status_code == 401


def test_only_an_owner_can_erase_and_outsiders_get_404(client, bob, charlie, alice_practice):
    colleague = MembershipFactory(practice=alice_practice, role="practitioner").user
    client.force_login(colleague)
    assert client.post(f"/clients/{bob.pk}/erase/").status_code == 403

    client.force_login(charlie)
    for path in [f"/clients/{bob.pk}/erase/", f"/clients/{bob.pk}/export.zip", f"/clients/{bob.pk}/audit/"]:
        assert (client.post(path) if path.endswith("erase/") else client.get(path)).status_code == 404
    bob.refresh_from_db()
    assert bob.name == "Bob Client"


def test_the_access_log_lists_who_did_what(client, alice, bob):
    audit_record(actor=alice, client=bob, action=AuditEvent.DOWNLOAD_HANDOUT)
    client.force_login(alice)

    response = client.get(f"/clients/{bob.pk}/audit/")

    assert b"Downloaded a handout" in response.content
    assert b"Alice Physio" in response.content


def test_audit_events_cannot_be_changed_or_deleted(alice, bob):
    event = audit_record(actor=alice, client=bob, action=AuditEvent.VIEW_CLIENT)

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    if on_postgres():
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(action=AuditEvent.EXPORT_DATA)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM clients_auditevent")


def test_an_erased_clients_page_offers_nothing_that_would_reach_them(client, alice, bob, bob_assignment):
    client.force_login(alice)
    client.post(f"/clients/{bob.pk}/erase/", {"name": "Bob Client"})

    page = client.get(f"/clients/{bob.pk}/").content.decode()

    assert "personal data was erased" in page
    for gone in (
        "Resend the invitation",
        "Email to",
        "Prescribe a program",
        "Erase this client",
        "Assign a program",
    ):
        assert gone not in page, gone
    bob_assignment.refresh_from_db()
    assert bob_assignment.status == "ended" and bob_assignment.next_reminder_at is None


def test_erasing_twice_changes_nothing_more(client, alice, bob):
    client.force_login(alice)
    client.post(f"/clients/{bob.pk}/erase/", {"name": "Bob Client"})

    client.post(f"/clients/{bob.pk}/erase/", {"name": "Bob Client"})

    assert AuditEvent.objects.filter(client=bob, action=AuditEvent.ERASE_CLIENT).count() == 1


def test_erasing_ends_the_programs_on_the_clients_own_day_not_the_practitioners(client, alice, bob):
    alice.memberships.update(timezone="America/New_York")
    bob.timezone = "Pacific/Kiritimati"  # UTC+14: already the 7th there while it is the 6th in New York
    bob.save()
    with time_machine.travel(datetime(2026, 12, 6, 12, 0, tzinfo=UTC), tick=False):
        program = assign(bob, start=date(2026, 12, 1))
        client.force_login(alice)

        client.post(f"/clients/{bob.pk}/erase/", {"name": "Bob Client"})

    program.refresh_from_db()
    assert program.ended_on == date(2026, 12, 7)
