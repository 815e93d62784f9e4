import pytest
from django.utils import timezone

from clients.models import Assignment
from tests.factories import MembershipFactory, TemplateFactory

pytestmark = pytest.mark.django_db


def test_practitioner_signs_in_and_sees_their_clients_only(client, alice, bob, erin):
    response = client.post(
        "/accounts/login/",
        {"username": "alice@example.com", "password": "correct-horse-battery"},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/attention/"  # Needs attention is the first page
    listed = client.get("/clients/").content
    assert b"Bob Client" in listed
    assert b"Erin Client" not in listed


def test_practitioner_assigns_a_template_from_the_client_page(client, alice, bob):
    template = TemplateFactory(title="Back basics")
    client.force_login(alice)

    response = client.post(
        f"/clients/{bob.pk}/assign/",
        {
            "template": template.pk,
            "start_date": timezone.localdate().isoformat(),
            "weeks": 4,
            "days_of_week": [0, 2, 4],
            "sessions_per_day": 1,
        },
        follow=True,
    )

    assignment = Assignment.objects.get(client=bob)
    assert assignment.program != template
    assert assignment.program.source == template
    assert assignment.days_of_week == [0, 2, 4]
    assert b"Program assigned to Bob Client" in response.content
    assert b"Back basics" in response.content


def test_assigning_without_days_shows_the_error_and_assigns_nothing(client, alice, bob):
    client.force_login(alice)

    response = client.post(
        f"/clients/{bob.pk}/assign/",
        {
            "template": TemplateFactory().pk,
            "start_date": timezone.localdate().isoformat(),
            "weeks": 4,
            "sessions_per_day": 1,
        },
    )

    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert not Assignment.objects.exists()


def test_a_template_of_another_practice_cannot_be_assigned(client, alice, bob, charlie):
    other = TemplateFactory(practice=charlie.memberships.get().practice)
    client.force_login(alice)

    client.post(
        f"/clients/{bob.pk}/assign/",
        {
            "template": other.pk,
            "start_date": timezone.localdate().isoformat(),
            "weeks": 4,
            "days_of_week": [0],
            "sessions_per_day": 1,
        },
    )

    assert not Assignment.objects.exists()


def test_practitioner_downloads_the_handout_of_their_clients_assignment(client, alice, bob_assignment):
    client.force_login(alice)

    response = client.get(f"/assignments/{bob_assignment.pk}/handout.pdf")

    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF")


def test_another_practices_client_and_handout_are_404(client, charlie, bob, bob_assignment):
    client.force_login(charlie)

    for path in [f"/clients/{bob.pk}/", f"/assignments/{bob_assignment.pk}/handout.pdf"]:
        assert client.get(path).status_code == 404
    assert client.post(f"/clients/{bob.pk}/assign/", {}).status_code == 404


def test_a_client_has_no_workspace(client, bob):
    client.force_login(bob.user)

    assert client.get("/clients/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/clients/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_client_signing_in_on_the_web_is_sent_to_the_phone_page(client, bob):
    response = client.post(
        "/accounts/login/",
        {"username": "bob@example.com", "password": "correct-horse-battery"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/app/"
    assert response.status_code == 200


def test_a_client_who_opens_a_workspace_page_is_told_where_their_exercises_are(client, bob):
    client.force_login(bob.user)

    response = client.get("/clients/")

    assert response.status_code == 403
    assert 'href="/app/"' in response.content.decode()


def test_a_practitioner_refused_an_owners_action_is_told_why(client, alice, bob, alice_practice):
    colleague = MembershipFactory(practice=alice_practice, role="practitioner").user
    client.force_login(colleague)

    response = client.post(f"/clients/{bob.pk}/erase/", {"name": "Bob Client"})

    assert response.status_code == 403
    assert "Only an owner of the practice can erase a client." in response.content.decode()


def test_a_practitioner_removed_from_their_practice_signing_in_on_the_web_is_told_why(client, alice_practice):
    removed = MembershipFactory(practice=alice_practice, role="practitioner", user__email="lee@example.com")
    removed.delete()

    response = client.post(
        "/accounts/login/", {"username": "lee@example.com", "password": "correct-horse-battery"}, follow=True
    )

    # Not the phone page: its sign-in form would ask again for a sign-in that just worked.
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 403
    assert "not part of any practice" in response.content.decode()
