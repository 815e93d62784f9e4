"""Erasing a client leaves nothing of them: not in any text column of any table, not in any stored
file; the audit still says who did what, without the client's address. Over the API as on the page."""

import io
import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from pypdf import PdfReader

from clients.models import AuditEvent, Client, Completion, Consultation
from clients.privacy.rights import client_data
from tests.conftest import api_as, need, on_postgres
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

BOBS_ADDRESS = "203.0.113.77"
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "inet", "cidr")


@pytest.fixture
def own_files(settings, tmp_path):
    """Stored files of this test only: the scan must not read other tests' Bobs."""
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "media", tmp_path / "private"


@pytest.fixture
def bobs_life(own_files, bob, bob_assignment, alice):
    """Bob as he is after weeks of use: a phone, notes, a consultation, check-offs from his own
    address, a downloaded handout in the cache, and an admin's edit in the admin's history."""
    need("PostgreSQL", on_postgres(), "the scan reads every table's columns from PostgreSQL's catalogue")
    bob.phone, bob.notes = "+44 7700 900456", "Bob Client rows a boat on Sundays."
    bob.save()
    Consultation.objects.create(client=bob, practitioner=alice, scheduled_at=bob_assignment.created_at)
    api = api_as(bob.user)
    item = bob_assignment.program.items.first()
    checked = api.put(
        f"/api/v1/me/completions/{uuid.uuid4()}/",
        {"assignment_exercise": item.pk, "date": str(bob_assignment.start_date), "session": 1, "pain": 3},
        format="json",
        REMOTE_ADDR=BOBS_ADDRESS,
    )
    assert checked.status_code in (200, 201), checked.content
    handout = api.get(f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf", REMOTE_ADDR=BOBS_ADDRESS)
    assert handout.status_code == 200
    LogEntry.objects.log_actions(
        user_id=alice.pk, queryset=[bob], action_flag=CHANGE, change_message="Changed phone."
    )
    return bob


def traces(client: Client) -> list[str]:
    return [client.name, client.email, client.phone]


def tables_mentioning(value: str) -> list[str]:
    """Every text column of every table in the database that holds `value`, case aside."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s)",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608 (catalogue names)
                [f"%{value}%"],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


def stored_files() -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]  # the handout cache is private
    return [Path(folder) / name for root in roots for folder, _, names in os.walk(root) for name in names]


def file_text(path: Path) -> str:
    content = path.read_bytes()
    if content.startswith(b"%PDF"):
        reader = PdfReader(io.BytesIO(content))
        words = [page.extract_text() or "" for page in reader.pages]
        return " ".join([*words, str(reader.metadata or "")])
    return content.decode("utf-8", "replace")


def files_mentioning(value: str) -> list[str]:
    return [str(path) for path in stored_files() if value.lower() in file_text(path).lower()]


def test_after_erasure_no_table_and_no_stored_file_holds_the_clients_name_email_or_phone(alice, bobs_life):
    before = traces(bobs_life)
    assert tables_mentioning(bobs_life.name) and files_mentioning(bobs_life.name)  # the scan finds them

    response = api_as(alice).post(f"/api/v1/clients/{bobs_life.pk}/erase/")

    assert response.status_code == 200
    assert response.json()["name"] != before[0]
    for value in before:
        assert tables_mentioning(value) == [], value
        assert files_mentioning(value) == [], value
    assert tables_mentioning(BOBS_ADDRESS) == []


def test_the_audit_keeps_who_did_what_after_erasure_without_the_clients_address(alice, bobs_life):
    done_before = Completion.objects.filter(assignment__client=bobs_life).count()

    api_as(alice).post(f"/api/v1/clients/{bobs_life.pk}/erase/", REMOTE_ADDR="198.51.100.5")

    events = AuditEvent.objects.filter(client=bobs_life).order_by("at", "id")
    assert [e.action for e in events][-1] == AuditEvent.ERASE_CLIENT
    assert AuditEvent.RECORD_COMPLETION in [e.action for e in events]
    assert BOBS_ADDRESS not in [e.ip for e in events]
    assert events.last().ip == "198.51.100.5"  # the owner's own address stays: it is hers
    log = client_data(Client.objects.get(pk=bobs_life.pk))["access_log"]
    assert {"by": "the client", "ip": None} in [{"by": row["by"], "ip": row["ip"]} for row in log]
    assert {row["by"] for row in log} >= {"the client", alice.name}
    assert Completion.objects.filter(assignment__client=bobs_life).count() == done_before


def test_only_an_owner_may_erase_over_the_api_and_only_once(alice, alice_practice, bob):
    colleague = MembershipFactory(practice=alice_practice, role="practitioner").user

    refused = api_as(colleague).post(f"/api/v1/clients/{bob.pk}/erase/")
    erased = api_as(alice).post(f"/api/v1/clients/{bob.pk}/erase/")
    again = api_as(alice).post(f"/api/v1/clients/{bob.pk}/erase/")

    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert erased.status_code == 200
    assert (again.status_code, again.json()["code"]) == (409, "conflict")


def test_another_practice_cannot_erase_a_client_and_learns_nothing(charlie, bob):
    response = api_as(charlie).post(f"/api/v1/clients/{bob.pk}/erase/")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    bob.refresh_from_db()
    assert bob.erased_at is None


def test_the_schema_offers_erasure_with_its_errors(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    responses = schema["paths"]["/api/v1/clients/{id}/erase/"]["post"]["responses"]

    assert {"200", "403", "404", "409"} <= set(responses)


def test_the_admins_history_of_an_erased_client_names_no_one(alice, bobs_life):
    api_as(alice).post(f"/api/v1/clients/{bobs_life.pk}/erase/")

    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Client))
    assert "Bob" not in entry.object_repr
