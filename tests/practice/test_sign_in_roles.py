"""One sign-in is a practitioner's or a client's, never both: a client's sign-in would otherwise
open the workspace, with every client's data, and an API token that lists them all."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from clients.accounts.invitations import invitation_send
from clients.accounts.profiles import PRACTITIONER_SIGN_IN
from clients.models import Client
from practice import team
from practice.models import Membership, PractitionerInvitation, TeamEvent
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CLIENTS_SIGN_IN = (
    "This email is a client&#x27;s sign-in, and a client&#x27;s sign-in cannot be a practitioner&#x27;s"
)


@pytest.fixture
def lucia(alice_practice, alice):
    """Alice's client, signed up with her own sign-in."""
    return ClientFactory(
        practice=alice_practice, practitioner=alice, name="Lucía Client", email="lucia@example.com"
    )


def invite_link(invitation_body: str) -> str:
    return invitation_body[invitation_body.index("/team/invite/") :].split()[0]


# --- a client's sign-in is not made a practitioner -----------------------------------------------


def test_inviting_a_clients_sign_in_to_the_team_is_refused_on_the_email_field(
    client, alice, lucia, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/practice/invitations/", {"email": "Lucia@Example.com", "role": "owner"})

    assert response.status_code == 400
    assert response.context["invite_form"].errors == {"email": [team.CLIENT_SIGN_IN]}
    assert CLIENTS_SIGN_IN in response.content.decode()
    assert not PractitionerInvitation.objects.exists()
    assert not TeamEvent.objects.exists()
    assert mail.outbox == []


def test_inviting_another_practices_client_is_refused_without_naming_their_practice(
    client, alice, erin, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/practice/invitations/", {"email": "erin@example.com", "role": "practitioner"}
        )

    assert response.context["invite_form"].errors == {"email": [team.CLIENT_SIGN_IN]}
    page = response.content.decode()
    assert "Charlie" not in page and "Erin Client" not in page
    assert not PractitionerInvitation.objects.exists()
    assert mail.outbox == []


def test_the_invite_service_refuses_a_clients_sign_in_too(alice, alice_practice, lucia):
    with pytest.raises(ValidationError) as refused:
        team.practitioner_invite(practice=alice_practice, email="lucia@example.com", role="owner", by=alice)

    assert refused.value.message_dict == {"email": [team.CLIENT_SIGN_IN]}
    assert not PractitionerInvitation.objects.exists()


def test_an_invitation_to_an_address_that_became_a_clients_sign_in_cannot_be_accepted(
    client, alice, alice_practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = team.practitioner_invite(
            practice=alice_practice, email="lucia@example.com", role="practitioner", by=alice
        )
    path = invite_link(mail.outbox[-1].body)
    lucia = ClientFactory(
        practice=MembershipFactory().practice, name="Lucía Client", email="lucia@example.com"
    )
    client.force_login(lucia.user)

    response = client.post(path)

    assert response.status_code == 400
    assert team.CLIENT_SIGN_IN_JOINS in response.context["errors"]
    assert not Membership.objects.filter(user=lucia.user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert client.get("/clients/").status_code != 200
    assert api_as(lucia.user).get("/api/v1/clients/").status_code == 404


def test_a_clients_sign_in_opening_an_old_invitation_signed_out_is_refused_before_any_account_step(
    client, alice, alice_practice, lucia, django_capture_on_commit_callbacks
):
    Client.objects.filter(pk=lucia.pk).update(user=None)
    with django_capture_on_commit_callbacks(execute=True):
        team.practitioner_invite(
            practice=alice_practice, email="lucia@example.com", role="practitioner", by=alice
        )
    Client.objects.filter(pk=lucia.pk).update(user=lucia.user)  # she signed up meanwhile

    response = client.post(invite_link(mail.outbox[-1].body), {"name": "Lucía", "password": "x"})

    assert response.status_code == 400
    assert response.context["errors"] == [team.CLIENT_SIGN_IN_JOINS]
    assert not Membership.objects.filter(user=lucia.user).exists()


def test_a_client_who_has_not_signed_up_yet_can_still_be_invited_to_a_team(client, alice, alice_practice):
    ClientFactory(practice=MembershipFactory().practice, email="nora@example.com", user=None)
    client.force_login(alice)

    response = client.post("/practice/invitations/", {"email": "nora@example.com", "role": "practitioner"})

    assert response.status_code == 302
    assert PractitionerInvitation.objects.filter(email="nora@example.com").exists()


# --- a practitioner's sign-in is not made a client ---------------------------------------------


def test_adding_a_client_with_a_practitioners_sign_in_is_refused_on_the_email_field(client, alice, charlie):
    client.force_login(alice)

    response = client.post(
        "/clients/new/", {"name": "Charlie", "email": "Charlie@example.com", "timezone": "Europe/London"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"email": [PRACTITIONER_SIGN_IN]}
    assert "Charlie&#x27;s Gym" not in response.content.decode()
    assert not Client.objects.exists()
    assert mail.outbox == []


def test_the_api_refuses_a_client_with_a_practitioners_sign_in_naming_email(alice, charlie):
    response = api_as(alice).post(
        "/api/v1/clients/",
        {"name": "Charlie", "email": "charlie@example.com", "timezone": "Europe/London"},
        format="json",
    )

    assert (response.status_code, response.json()["field"]) == (400, "email")
    assert response.json()["message"] == f"email: {PRACTITIONER_SIGN_IN}"
    assert "Charlie's Gym" not in response.json()["message"]
    assert not Client.objects.exists()


def test_a_client_not_signed_up_cannot_be_moved_to_a_practitioners_sign_in(client, alice, alice_practice):
    nora = ClientFactory(practice=alice_practice, name="Nora", email="nora@example.com", user=None)
    colleague = MembershipFactory(practice=alice_practice, user__email="gina@example.com").user
    client.force_login(alice)

    form = client.post(
        f"/clients/{nora.pk}/edit/",
        {"name": "Nora", "email": colleague.email, "timezone": "Europe/London", "notes": ""},
    )
    api = api_as(alice).patch(f"/api/v1/clients/{nora.pk}/", {"email": colleague.email}, format="json")

    assert form.status_code == 400
    assert form.context["form"].errors == {"email": [PRACTITIONER_SIGN_IN]}
    assert (api.status_code, api.json()["field"]) == (400, "email")
    nora.refresh_from_db()
    assert nora.email == "nora@example.com"


def test_a_signed_up_client_moved_to_a_practitioners_sign_in_is_refused_as_before(alice, bob, charlie):
    response = api_as(alice).patch(
        f"/api/v1/clients/{bob.pk}/", {"email": "charlie@example.com"}, format="json"
    )

    assert (response.status_code, response.json()["field"]) == (400, "email")
    bob.user.refresh_from_db()
    assert bob.user.email == "bob@example.com"


def test_a_client_invitation_to_an_address_that_became_a_practitioners_sign_in_is_refused(
    client, alice_practice, django_capture_on_commit_callbacks
):
    nora = ClientFactory(practice=alice_practice, name="Nora", email="nora@example.com", user=None)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(client=nora)
    path = re.search(r"/invite/\S+/", mail.outbox[-1].body).group(0)
    MembershipFactory(user=UserFactory(email="nora@example.com"))  # she joined a team meanwhile

    page = client.post(path, {"password": "correct-horse-battery"})
    api = client.post(
        "/api/v1/auth/invitations/accept/",
        {"token": path.split("/")[2], "password": "correct-horse-battery"},
        content_type="application/json",
    )

    assert page.status_code == 400
    assert "a practitioner's sign-in and cannot also be a client's" in " ".join(page.context["errors"])
    assert (api.status_code, api.json()["field"]) == (400, "token")
    nora.refresh_from_db()
    assert nora.user is None
