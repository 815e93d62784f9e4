"""The web pages a signed-in client can reach read in the client's own language, header included;
the workspace stays in English whatever the browser says."""

import re

import pytest
from django.core import mail

from clients.accounts.invitations import invitation_send
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-long-passphrase"


@pytest.fixture
def spanish_bob(bob):
    bob.language = "es"
    bob.save()
    return bob


def header(page) -> str:
    return re.search(r'<header class="topbar">(.*?)</header>', page, re.S).group(1)


def change_password(client, **headers):
    form = {
        "old_password": "correct-horse-battery",
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    return client.post("/accounts/password/change/", form, headers=headers, follow=True)


def test_a_spanish_client_who_accepts_the_invitation_reads_the_header_in_spanish(
    client, alice_practice, django_capture_on_commit_callbacks
):
    newcomer = ClientFactory(practice=alice_practice, email="nora@example.com", user=None, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(client=newcomer)
    path = re.search(r"http://\S+/invite/(\S+)/", mail.outbox[-1].body).group(0).split("8000", 1)[1]

    page = client.post(path, {"password": NEW_PASSWORD}, headers={"accept-language": "en"}).content.decode()

    assert "Ya puede entrar" in page
    assert "Cerrar sesión" in header(page) and "Sign out" not in page
    assert 'title="Cambie su contraseña"' in header(page)


def test_a_spanish_client_changes_their_password_in_spanish_on_an_english_browser(client, spanish_bob):
    client.force_login(spanish_bob.user)

    page = client.get("/accounts/password/change/", headers={"accept-language": "en"}).content.decode()

    assert '<html lang="es">' in page
    assert "<h1>Cambie su contraseña</h1>" in page
    assert "Contraseña antigua" in page  # Django's own field labels follow
    assert "Cerrar sesión" in header(page)


def test_a_spanish_client_is_told_in_spanish_that_the_password_changed_and_is_offered_the_phone_page(
    client, spanish_bob
):
    client.force_login(spanish_bob.user)

    page = change_password(client, accept_language="en").content.decode()

    assert "<h1>Contraseña cambiada</h1>" in page
    assert '<a href="/app/">Abrir los ejercicios de hoy</a>' in page
    assert "workspace" not in page


def test_an_english_client_is_offered_the_phone_page_not_the_workspace_they_cannot_open(client, bob):
    client.force_login(bob.user)

    page = change_password(client).content.decode()

    assert "<h1>Password changed</h1>" in page
    assert '<a href="/app/">Open today\'s exercises</a>' in page
    assert "Back to the workspace" not in page


def test_a_spanish_clients_refused_password_change_is_explained_in_spanish(client, spanish_bob):
    client.force_login(spanish_bob.user)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert "Corrija los campos señalados a continuación." in response.content.decode()


def test_a_practitioner_who_changed_their_password_goes_back_to_the_workspace_in_english(client, alice):
    client.force_login(alice)

    page = change_password(client, accept_language="es").content.decode()

    assert "<h1>Password changed</h1>" in page
    assert '<a href="/">Back to the workspace</a>' in page
    assert "Sign out" in header(page)


def test_a_spanish_client_who_opens_a_workspace_page_is_told_in_spanish_where_their_exercises_are(
    client, spanish_bob
):
    client.force_login(spanish_bob.user)

    response = client.get("/clients/", headers={"accept-language": "en"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Esta página es para profesionales</h1>" in page
    assert '<a href="/app/">la página del móvil</a>' in page
    assert "Cerrar sesión" in header(page)


def test_an_english_client_on_a_spanish_browser_reads_the_refusal_in_english(client, bob):
    client.force_login(bob.user)

    page = client.get("/clients/", headers={"accept-language": "es"}).content.decode()

    assert "<h1>This page is for practitioners</h1>" in page


def test_a_removed_practitioner_is_told_in_their_browsers_language(client, alice_practice):
    removed = MembershipFactory(practice=alice_practice, role="practitioner")
    removed.delete()
    client.force_login(removed.user)

    page = client.get("/", headers={"accept-language": "es"}).content.decode()

    assert "<h1>Su cuenta no pertenece a ningún centro</h1>" in page


def test_a_missing_page_is_in_the_visitors_language_and_in_the_clients_own(client, spanish_bob):
    assert (
        "Página no encontrada" in client.get("/nowhere/", headers={"accept-language": "es"}).content.decode()
    )

    client.force_login(spanish_bob.user)
    page = client.get("/nowhere/", headers={"accept-language": "en"}).content.decode()
    assert "Página no encontrada" in page and "Cerrar sesión" in header(page)


def test_the_workspace_stays_in_english_on_a_spanish_browser(client, alice, bob):
    client.force_login(alice)

    for path in ("/clients/", f"/clients/{bob.pk}/", "/nowhere/", "/accounts/password/change/"):
        page = client.get(path, headers={"accept-language": "es"}).content.decode()
        assert '<html lang="en">' in page, path
        assert "Sign out" in header(page) and "Cerrar sesión" not in page, path
