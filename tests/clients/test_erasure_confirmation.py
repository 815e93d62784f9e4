"""Erasing a client cannot be undone, so the owner confirms by typing the client's full name, and
the server checks it: a mismatch is a form error on that field and erases nothing."""

import pytest
from django.utils import translation

from clients.models import AuditEvent

pytestmark = pytest.mark.django_db


def nothing_erased(bob):
    bob.refresh_from_db()
    assert bob.name == "Bob Client"
    assert bob.user.is_active
    assert not AuditEvent.objects.filter(client=bob, action=AuditEvent.ERASE_CLIENT).exists()


def test_the_erase_page_asks_for_the_clients_full_name(client, alice, bob):
    client.force_login(alice)

    page = client.get(f"/clients/{bob.pk}/erase/").content.decode()

    assert "Type Bob Client’s full name to confirm" in page
    assert 'name="name"' in page
    assert 'type="checkbox"' not in page


def test_an_erasure_posted_without_the_name_erases_nothing_and_says_so_on_the_field(client, alice, bob):
    client.force_login(alice)

    response = client.post(f"/clients/{bob.pk}/erase/")

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert "Nothing was erased" in response.content.decode()
    nothing_erased(bob)


def test_another_name_is_a_form_error_naming_the_field_and_erases_nothing(client, alice, bob, dana):
    client.force_login(alice)

    response = client.post(f"/clients/{bob.pk}/erase/", {"name": dana.name})

    assert response.status_code == 400
    [error] = response.context["form"].errors["name"]
    assert error == "This is not Bob Client’s full name as their record has it: nothing was erased."
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert error.replace("’", "&#x27;") in page or error in page
    nothing_erased(bob)


def test_the_old_tick_box_alone_no_longer_erases(client, alice, bob):
    client.force_login(alice)

    client.post(f"/clients/{bob.pk}/erase/", {"confirm": "on"})

    nothing_erased(bob)


def test_typing_the_full_name_erases_the_client_whatever_the_spaces_and_capitals(client, alice, bob):
    client.force_login(alice)

    response = client.post(f"/clients/{bob.pk}/erase/", {"name": "  bob   CLIENT "})

    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.name == f"Erased client {bob.pk}"


def test_a_spanish_practitioner_reads_the_confirmation_in_spanish(client, alice, bob):
    client.force_login(alice)

    with translation.override("es"):
        response = client.post(f"/clients/{bob.pk}/erase/", {"name": "Bob"}, HTTP_ACCEPT_LANGUAGE="es")

    assert "no es el nombre completo de Bob Client" in response.content.decode()
