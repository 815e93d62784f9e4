from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from practice import team
from practice.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def png(size=(40, 20)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGBA", size, (15, 118, 110, 255)).save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def test_the_owner_sets_name_accent_colour_and_logo(client, alice, alice_practice, tmp_path):
    client.force_login(alice)

    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post(
            "/practice/",
            {"name": "Alice Physio Ltd", "accent_color": "#1d4ed8", "logo": png(), "missed_days_alert": 3},
        )

    alice_practice.refresh_from_db()
    assert response.status_code == 302
    assert (alice_practice.name, alice_practice.accent_color) == ("Alice Physio Ltd", "#1d4ed8")
    assert alice_practice.logo.name.endswith(".png")


def test_a_logo_that_is_not_an_image_is_refused_next_to_the_field(client, alice, alice_practice):
    client.force_login(alice)
    fake = SimpleUploadedFile("logo.png", b"<?php echo 1; ?>", content_type="image/png")

    response = client.post("/practice/", {"name": "Typed name", "accent_color": "#1d4ed8", "logo": fake})

    assert response.status_code == 400
    assert b"Upload a valid image" in response.content
    assert b'value="Typed name"' in response.content
    alice_practice.refresh_from_db()
    assert alice_practice.name == "Alice's Clinic"


@override_settings(UPLOAD_MAX_BYTES=100)
def test_a_logo_over_the_size_limit_is_refused(client, alice):
    client.force_login(alice)

    response = client.post("/practice/", {"name": "x", "accent_color": "#1d4ed8", "logo": png((300, 300))})

    assert response.status_code == 400
    assert b"The logo is over" in response.content


@override_settings(UPLOAD_MAX_BYTES=3 * 1024 * 1024)
def test_the_logo_field_says_the_upload_limit_in_force(client, alice):
    client.force_login(alice)

    assert b"JPEG, PNG or WebP up to 3 MB" in client.get("/practice/").content


def test_a_bad_colour_is_refused(client, alice):
    client.force_login(alice)

    response = client.post("/practice/", {"name": "x", "accent_color": "red"})

    assert b"Use a colour like #0f766e." in response.content


def test_the_owner_sets_after_how_many_missed_days_the_practitioner_is_alerted(client, alice, alice_practice):
    client.force_login(alice)

    response = client.post(
        "/practice/", {"name": "Alice's Clinic", "accent_color": "#0f766e", "missed_days_alert": 5}
    )

    assert response.status_code == 302
    alice_practice.refresh_from_db()
    assert alice_practice.missed_days_alert == 5


def test_the_missed_days_alert_field_shows_the_setting_and_says_what_it_does(client, alice, alice_practice):
    alice_practice.missed_days_alert = 4
    alice_practice.save()
    client.force_login(alice)

    html = client.get("/practice/").content.decode()

    assert 'name="missed_days_alert"' in html and 'value="4"' in html
    assert "when a client has missed this many scheduled exercise days in a row" in html
    assert "From 1 to 30 days." in html


@pytest.mark.parametrize("days", [0, 31, ""])
def test_a_missed_days_alert_outside_1_to_30_days_is_refused_next_to_the_field(
    client, alice, alice_practice, days
):
    client.force_login(alice)

    response = client.post(
        "/practice/", {"name": "Renamed", "accent_color": "#0f766e", "missed_days_alert": days}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["missed_days_alert"]
    assert "1 to 30" in response.context["form"].errors["missed_days_alert"][0]
    alice_practice.refresh_from_db()
    assert (alice_practice.name, alice_practice.missed_days_alert) == ("Alice's Clinic", 3)


def test_a_practitioner_who_is_not_owner_sees_the_missed_days_alert_but_cannot_change_it(
    client, alice_practice
):
    colleague = MembershipFactory(practice=alice_practice).user
    client.force_login(colleague)

    page = client.get("/practice/").content.decode()
    refused = client.post("/practice/", {"name": "x", "accent_color": "#000000", "missed_days_alert": 9})

    assert "alerted after 3 scheduled days missed in a row" in page
    assert 'name="missed_days_alert"' not in page
    assert refused.status_code == 404
    alice_practice.refresh_from_db()
    assert alice_practice.missed_days_alert == 3


def test_a_practitioner_who_is_not_owner_cannot_change_the_practice(client, alice_practice):
    colleague = MembershipFactory(practice=alice_practice).user
    client.force_login(colleague)

    assert client.get("/practice/").status_code == 200
    assert client.post("/practice/", {"name": "Mine now", "accent_color": "#000000"}).status_code == 404
    assert (
        client.post("/practice/invitations/", {"email": "x@example.com", "role": "owner"}).status_code == 404
    )


def test_an_invited_practitioner_joins_with_a_one_use_link(
    client, alice, alice_practice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/practice/invitations/", {"email": "Gina@Example.com", "role": "practitioner"})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/team/invite/" in line)
    path = link[link.index("/team/invite/") :]
    client.logout()

    response = client.post(path, {"name": "Gina Physio", "password": "a-long-enough-passphrase"})

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="gina@example.com")
    assert membership.practice == alice_practice and membership.role == "practitioner"
    assert client.get(path).status_code == 404


def test_an_expired_practitioner_invitation_does_nothing(
    client, alice, alice_practice, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-01-01"), django_capture_on_commit_callbacks(execute=True):
        team.practitioner_invite(
            practice=alice_practice, email="old@example.com", role="practitioner", by=alice
        )
    body = mail.outbox[-1].body
    path = body[body.index("/team/invite/") :].split()[0]

    with time_machine.travel("2026-02-01"):
        response = client.post(path, {"name": "Old", "password": "a-long-enough-passphrase"})

    assert response.status_code == 404
    assert b"expired" in response.content
    assert not Membership.objects.filter(user__email="old@example.com").exists()
