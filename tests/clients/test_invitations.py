import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from clients.accounts.invitations import invitation_send
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(alice_practice):
    """A client the practitioner just added: no sign-in yet."""
    return ClientFactory(practice=alice_practice, name="Nora New", email="nora@example.com", user=None)


def send_link(client, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(client=client)
    return re.search(r"http://\S+/invite/(\S+)/", mail.outbox[-1].body).group(0)


def test_the_invitation_email_links_to_a_page_where_the_client_chooses_a_password(
    client, newcomer, django_capture_on_commit_callbacks
):
    link = send_link(newcomer, django_capture_on_commit_callbacks)
    path = link.split("8000", 1)[1]

    assert mail.outbox[-1].to == ["nora@example.com"]
    assert b"Choose a password" in client.get(path).content
    response = client.post(path, {"password": "a-strong-passphrase"})

    assert b"You're in" in response.content
    newcomer.refresh_from_db()
    assert newcomer.user.check_password("a-strong-passphrase")


def test_accepting_the_invitation_signs_the_client_in_so_the_phone_page_needs_no_second_sign_in(
    client, newcomer, django_capture_on_commit_callbacks
):
    path = send_link(newcomer, django_capture_on_commit_callbacks).split("8000", 1)[1]

    client.post(path, {"password": "a-strong-passphrase"})

    assert client.get("/").url == "/app/"
    assert client.get("/app/").context["web_session"]["client"] is True


def test_an_invitation_works_once(client, newcomer, django_capture_on_commit_callbacks):
    path = send_link(newcomer, django_capture_on_commit_callbacks).split("8000", 1)[1]
    client.post(path, {"password": "a-strong-passphrase"})

    again = client.post(path, {"password": "another-passphrase"})

    assert again.status_code == 404
    newcomer.refresh_from_db()
    assert newcomer.user.check_password("a-strong-passphrase")


def test_an_expired_invitation_is_refused(client, newcomer, django_capture_on_commit_callbacks):
    path = send_link(newcomer, django_capture_on_commit_callbacks).split("8000", 1)[1]

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(path)

    assert response.status_code == 404
    assert b"expired" in response.content


def test_a_weak_password_is_refused_with_the_reason_and_no_account(
    client, newcomer, django_capture_on_commit_callbacks
):
    path = send_link(newcomer, django_capture_on_commit_callbacks).split("8000", 1)[1]

    response = client.post(path, {"password": "123"})

    assert response.status_code == 400
    assert b"too short" in response.content
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_the_phone_app_accepts_an_invitation_and_gets_a_token(
    client, newcomer, django_capture_on_commit_callbacks
):
    token = send_link(newcomer, django_capture_on_commit_callbacks).rstrip("/").rsplit("/", 1)[1]

    response = client.post(
        "/api/v1/auth/invitations/accept/",
        {"token": token, "password": "a-strong-passphrase"},
        content_type="application/json",
    )

    assert response.status_code == 200
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.json()["email"] == "nora@example.com"


def test_a_bad_invitation_token_is_a_400_naming_the_token(client, newcomer):
    response = client.post(
        "/api/v1/auth/invitations/accept/",
        {"token": "made-up", "password": "a-strong-passphrase"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "token"
