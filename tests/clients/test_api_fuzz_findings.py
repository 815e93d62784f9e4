"""What schemathesis found against a running server: each answered in the one error shape, never a 500."""

import pytest

from clients.audit import audit_record
from clients.models import AuditEvent, Client
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def test_deleting_a_client_whose_access_log_must_be_kept_is_a_409_and_keeps_the_client(alice, bob):
    audit_record(actor=alice, client=bob, action=AuditEvent.VIEW_CLIENT)

    response = api_as(alice).delete(f"/api/v1/clients/{bob.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "protected"
    assert Client.objects.filter(pk=bob.pk).exists()


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/clients/?practitioner=5753181243794506064215166511218688", "practitioner"),
        ("/api/v1/clients/?practice=1.5", "practice"),
        ("/api/v1/consultations/?client=18446744073709551617", "client"),
        ("/api/v1/assignments/?client=99999999999999999999", "client"),
    ],
)
def test_an_id_filter_that_is_no_id_is_a_400_naming_it(alice, url, field):
    response = api_as(alice).get(url)

    assert response.status_code == 400
    assert response.json()["field"] == field


def test_a_has_account_filter_that_is_no_yes_or_no_is_a_400_naming_it(alice, bob):
    response = api_as(alice).get("/api/v1/clients/?has_account=maybe")

    assert response.status_code == 400
    assert response.json()["field"] == "has_account"


@pytest.mark.parametrize(
    "value, listed", [("true", True), ("1", True), ("False", False), ("0", False), ("", True)]
)
def test_has_account_filters_clients_by_whether_they_signed_up(alice, bob, value, listed):
    response = api_as(alice).get(f"/api/v1/clients/?has_account={value}")

    assert response.status_code == 200
    assert ([row["id"] for row in response.json()["results"]] == [bob.pk]) is listed


def test_the_schema_documents_has_account_as_a_boolean(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    (param,) = [
        p for p in schema["paths"]["/api/v1/clients/"]["get"]["parameters"] if p["name"] == "has_account"
    ]
    assert param["schema"]["type"] == "boolean"


def test_the_schema_documents_the_409_of_a_delete(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert "409" in schema["paths"]["/api/v1/clients/{id}/"]["delete"]["responses"]
