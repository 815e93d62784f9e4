"""Erasing a client cannot be undone, so the owner's confirmation is checked by the server."""

import pytest

from clients.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_erasure_posted_without_the_confirmation_box_erases_nothing(client, alice, bob):
    client.force_login(alice)

    response = client.post(f"/clients/{bob.pk}/erase/", follow=True)

    bob.refresh_from_db()
    assert bob.name == "Bob Client"
    assert bob.user.is_active
    assert not AuditEvent.objects.filter(client=bob, action=AuditEvent.ERASE_CLIENT).exists()
    assert "Nothing was erased" in response.content.decode()


def test_an_erasure_with_the_box_ticked_erases_the_client(client, alice, bob):
    client.force_login(alice)

    client.post(f"/clients/{bob.pk}/erase/", {"confirm": "on"})

    bob.refresh_from_db()
    assert bob.name == f"Erased client {bob.pk}"
