"""A forgotten password: a link by email, in the client's language, and every old sign-in ends."""

import json
import re

import pytest
from axes.helpers import get_lockout_response
from django.core import mail
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db(transaction=True)  # the request commits: its email is queued at once

NEW_PASSWORD = "a-fresh-long-passphrase"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the once-every-few-minutes mark of an earlier test's account
    yield
    cache.clear()


def ask_for_a_link(client, email: str, **headers):
    return client.post("/accounts/password/reset/", {"email": email}, headers=headers, follow=True)


def link_path(message) -> str:
    link = re.search(r"http://\S+/accounts/password/reset/\S+/\S+/", message.body).group(0)
    return link.split("8000", 1)[1]


def choose(client, path: str, password: str, **headers):
    page = client.get(path, headers=headers, follow=True)
    return client.post(
        page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        headers=headers,
        follow=True,
    )


def api_token(email: str, password: str) -> int:
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def test_a_client_who_forgot_their_password_chooses_a_new_one_and_old_phones_are_signed_out(client, bob):
    _, old_token = AuthToken.objects.create(bob.user)

    page = ask_for_a_link(client, "BOB@example.com")
    (message,) = mail.outbox
    finished = choose(client, link_path(message), NEW_PASSWORD)

    assert b"Check your email" in page.content
    assert message.to == ["bob@example.com"]
    assert message.subject == "Choose a new Rehabit password"
    assert b"Password saved" in finished.content and b'href="/app/"' in finished.content
    bob.user.refresh_from_db()
    assert bob.user.check_password(NEW_PASSWORD)
    old_phone = APIClient(headers={"Authorization": f"Token {old_token}"})
    assert old_phone.get("/api/v1/me/").status_code == 401
    assert api_token("bob@example.com", NEW_PASSWORD).status_code == 200


def test_a_client_who_reads_spanish_gets_the_email_and_pages_in_spanish(client, bob):
    bob.language = "es"
    bob.save()

    page = ask_for_a_link(client, "bob@example.com", accept_language="es")
    (message,) = mail.outbox

    assert message.subject == "Elija una nueva contraseña de Rehabit"
    assert (
        "Alguien ha pedido elegir una nueva contraseña para su cuenta de Rehabit (bob@example.com)."
        in message.body
    )
    assert '<html lang="es">' in message.alternatives[0][0]
    assert "Revise su correo" in page.content.decode()


def test_a_practitioner_resets_in_english_and_is_sent_to_sign_in(client, alice):
    ask_for_a_link(client, "alice@example.com")
    (message,) = mail.outbox
    finished = choose(client, link_path(message), NEW_PASSWORD)

    assert "Someone asked to choose a new password for the Rehabit sign-in alice@example.com" in message.body
    assert b'href="/accounts/login/"' in finished.content
    signed_in = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": NEW_PASSWORD}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == "/attention/"


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, bob):
    page = ask_for_a_link(client, "nobody@example.com")

    assert b"Check your email" in page.content
    assert mail.outbox == []


def test_asking_again_within_minutes_sends_one_email(client, bob):
    ask_for_a_link(client, "bob@example.com")
    ask_for_a_link(client, "bob@example.com")

    assert len(mail.outbox) == 1


def test_a_weak_new_password_is_refused_naming_the_field_and_the_old_one_stays(client, bob):
    ask_for_a_link(client, "bob@example.com")

    refused = choose(client, link_path(mail.outbox[0]), "12345")

    assert refused.status_code == 400
    assert (
        b'<ul class="errorlist" id="id_new_password2_error"><li>This password is too short.'
        in refused.content
    )
    bob.user.refresh_from_db()
    assert bob.user.check_password("correct-horse-battery")


def test_a_used_link_cannot_be_used_again(client, bob):
    ask_for_a_link(client, "bob@example.com")
    path = link_path(mail.outbox[0])
    choose(client, path, NEW_PASSWORD)

    again = client.get(path, follow=True)

    assert "This link can't be used" in again.content.decode()
    assert b'href="/accounts/password/reset/"' in again.content


def test_an_address_that_is_not_one_is_refused_naming_the_field(client):
    response = client.post("/accounts/password/reset/", {"email": "not-an-address"})

    assert response.status_code == 400
    assert b'aria-describedby="email-errors" aria-invalid="true"' in response.content
    assert mail.outbox == []


def test_the_sign_in_page_offers_a_link_for_a_forgotten_password(client):
    assert b'href="/accounts/password/reset/"' in client.get("/accounts/login/").content


def test_the_sign_in_page_is_in_spanish_for_a_spanish_browser_as_the_password_pages_are(client):
    page = client.get("/accounts/login/", headers={"accept-language": "es"}).content.decode()

    assert '<html lang="es">' in page
    assert "<h1>Iniciar sesión</h1>" in page
    assert "Correo electrónico" in page and "Contraseña" in page
    assert "¿Ha olvidado su contraseña?" in page


def test_the_sign_in_page_is_in_english_by_default(client):
    page = client.get("/accounts/login/").content.decode()

    assert '<html lang="en">' in page and "<h1>Sign in</h1>" in page


def test_a_wrong_password_on_the_spanish_sign_in_page_is_said_in_spanish(client, bob):
    refused = client.post(
        "/accounts/login/",
        {"username": "bob@example.com", "password": "wrong"},
        headers={"accept-language": "es"},
    )

    assert "El correo o la contraseña no son correctos." in refused.content.decode()


def test_a_spanish_clients_reset_link_opened_on_an_english_phone_is_in_spanish(client, bob):
    bob.language = "es"
    bob.save()
    ask_for_a_link(client, "bob@example.com")

    page = client.get(link_path(mail.outbox[0]), headers={"accept-language": "en"}, follow=True)
    refused = choose(client, link_path(mail.outbox[0]), "12345")

    assert '<html lang="es">' in page.content.decode()
    assert "Elija una nueva contraseña" in page.content.decode()
    assert refused.status_code == 400 and '<html lang="es">' in refused.content.decode()


def test_a_spanish_client_who_chose_a_password_on_an_english_phone_is_told_it_is_saved_in_spanish(
    client, bob
):
    bob.language = "es"
    bob.save()
    ask_for_a_link(client, "bob@example.com")

    finished = choose(client, link_path(mail.outbox[0]), NEW_PASSWORD, accept_language="en")

    page = finished.content.decode()
    assert '<html lang="es">' in page
    assert "<h1>Contraseña guardada</h1>" in page
    assert 'href="/app/"' in page


def test_an_english_client_on_a_spanish_phone_is_told_it_is_saved_in_english(client, bob):
    ask_for_a_link(client, "bob@example.com")

    finished = choose(client, link_path(mail.outbox[0]), NEW_PASSWORD, accept_language="es")

    assert "<h1>Password saved</h1>" in finished.content.decode()


def test_a_practitioner_is_told_the_password_is_saved_in_the_visitors_language(client, alice):
    ask_for_a_link(client, "alice@example.com")

    finished = choose(client, link_path(mail.outbox[0]), NEW_PASSWORD, accept_language="es")

    assert "<h1>Contraseña guardada</h1>" in finished.content.decode()


def test_a_reset_link_that_is_no_longer_valid_stays_in_the_visitors_language(client, bob):
    bob.language = "es"
    bob.save()
    ask_for_a_link(client, "bob@example.com")
    path = link_path(mail.outbox[0])
    choose(client, path, NEW_PASSWORD)

    again = client.get(path, headers={"accept-language": "en"}, follow=True)

    assert "This link can't be used" in again.content.decode()


def test_a_practitioners_reset_link_follows_the_visitors_language(client, alice):
    ask_for_a_link(client, "alice@example.com")

    page = client.get(link_path(mail.outbox[0]), headers={"accept-language": "es"}, follow=True)

    assert "Elija una nueva contraseña" in page.content.decode()


def test_a_practitioner_changing_their_password_stays_signed_in_and_their_api_tokens_end(client, alice):
    _, token = AuthToken.objects.create(alice)
    client.force_login(alice)

    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert b"Password changed" in response.content
    assert client.get("/clients/").status_code == 200
    assert APIClient(headers={"Authorization": f"Token {token}"}).get("/api/v1/clients/").status_code == 401


def pause_the_sign_in(client, email: str, attempts: int, **headers):
    for _ in range(attempts):
        client.post("/accounts/login/", {"username": email, "password": "wrong"}, headers=headers)
    return client.post(
        "/accounts/login/", {"username": email, "password": "correct-horse-battery"}, headers=headers
    )


def test_the_sign_in_pause_is_in_spanish_for_a_spanish_browser_as_the_sign_in_page_is(client, bob, settings):
    paused = pause_the_sign_in(client, "bob@example.com", settings.AXES_FAILURE_LIMIT, accept_language="es")

    page = paused.content.decode()
    assert paused.status_code == 429
    assert '<html lang="es">' in page
    assert "<h1>Inicio de sesión en pausa</h1>" in page
    assert "en pausa durante 15 minutos" in page
    assert '<a href="/accounts/password/reset/">elija una contraseña nueva</a>' in page


def test_the_sign_in_pause_is_in_english_by_default_whatever_the_clients_language(client, bob, settings):
    bob.language = "es"
    bob.save()

    paused = pause_the_sign_in(client, "bob@example.com", settings.AXES_FAILURE_LIMIT)

    page = paused.content.decode()
    assert paused.status_code == 429
    assert '<html lang="en">' in page and "<h1>Sign-in paused</h1>" in page
    assert "signing in is paused for 15 minutes" in page
    assert '<a href="/accounts/password/reset/">choose a new password</a>' in page


def test_a_paused_account_signing_in_through_the_api_is_still_answered_in_json(client, bob, settings):
    pause_the_sign_in(client, "bob@example.com", settings.AXES_FAILURE_LIMIT)

    refused = api_token("bob@example.com", "correct-horse-battery")

    assert refused.status_code == 429  # django-axes' pause, kept in the database: holds without Redis
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert not AuthToken.objects.filter(user=bob.user).exists()


def test_a_sign_in_pause_under_the_api_is_json_in_the_error_shape(rf):
    # The token view answers axes' pause itself (429); should axes' middleware ever draw a
    # lockout under /api/, the phone still reads the one error shape.
    paused = get_lockout_response(rf.post("/api/v1/auth/token/"))

    body = json.loads(paused.content)
    assert paused.status_code == 429
    assert body["code"] == "throttled"
    assert body["errors"] == [{"field": None, "code": "throttled", "message": body["message"]}]
    assert int(paused["Retry-After"]) == 15 * 60


def test_a_new_password_signs_in_at_once_even_after_the_sign_in_was_paused(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "alice@example.com", "password": "wrong"})
    ask_for_a_link(client, "alice@example.com")
    choose(client, link_path(mail.outbox[0]), NEW_PASSWORD)

    signed_in = client.post("/accounts/login/", {"username": "alice@example.com", "password": NEW_PASSWORD})

    assert signed_in.status_code == 302


def test_the_phone_app_asks_for_a_link_through_the_api_with_the_same_answer_for_any_address(bob):
    api = APIClient()

    known = api.post("/api/v1/auth/password-reset/", {"email": "bob@example.com"}, format="json")
    unknown = api.post("/api/v1/auth/password-reset/", {"email": "nobody@example.com"}, format="json")
    bad = api.post("/api/v1/auth/password-reset/", {"email": "bob"}, format="json")

    assert known.status_code == unknown.status_code == 202
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert bad.status_code == 400 and bad.json()["field"] == "email"
