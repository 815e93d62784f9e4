"""The owner manages the team: withdraws invitations, changes roles, removes a practitioner."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.accounts import handover
from clients.models import AuditEvent, Client, Consultation, Reminder
from practice import team
from practice.models import Membership, PractitionerInvitation
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ginas_clients(alice_practice, gina):
    return [ClientFactory(practice=alice_practice, practitioner=gina) for _ in range(2)]


def membership(user, practice) -> Membership:
    return Membership.objects.get(user=user, practice=practice)


def page_after(response, client) -> str:
    return client.get(response["Location"]).content.decode()


# --- invitations -----------------------------------------------------------------------------


def test_a_revoked_invitation_link_says_it_is_no_longer_valid(
    client, alice, alice_practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = team.practitioner_invite(
            practice=alice_practice, email="ivy@example.com", role="practitioner", by=alice
        )
    body = mail.outbox[-1].body
    link = body[body.index("/team/invite/") :].split()[0]
    client.force_login(alice)

    response = client.post(f"/practice/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 302
    page = page_after(response, client)
    assert "The invitation to ivy@example.com is withdrawn" in page
    assert "Revoke<span" not in page
    client.logout()
    answer = client.post(link, {"name": "Ivy", "password": "a-long-enough-passphrase"})
    assert answer.status_code == 404
    assert b"no longer valid" in answer.content
    assert not Membership.objects.filter(user__email="ivy@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.accepted_at is None


def test_an_invitation_already_used_cannot_be_revoked(client, alice, alice_practice):
    invitation = PractitionerInvitation.objects.create(
        practice=alice_practice,
        email="used@example.com",
        token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(days=1),
        accepted_at=timezone.now(),
    )
    client.force_login(alice)

    assert client.post(f"/practice/invitations/{invitation.pk}/revoke/").status_code == 404


# --- roles -----------------------------------------------------------------------------------


def test_the_owner_makes_a_practitioner_an_owner_and_back(client, alice, alice_practice, gina):
    client.force_login(alice)
    gina_membership = membership(gina, alice_practice)

    response = client.post(f"/practice/members/{gina_membership.pk}/role/", {"role": "owner"})

    assert "Gina Physio is now an owner of Alice&#x27;s Clinic." in page_after(response, client)
    gina_membership.refresh_from_db()
    assert gina_membership.role == "owner"

    client.post(f"/practice/members/{gina_membership.pk}/role/", {"role": "practitioner"})
    gina_membership.refresh_from_db()
    assert gina_membership.role == "practitioner"


def test_the_last_owner_cannot_step_down_and_is_told_why(client, alice, alice_practice, gina):
    client.force_login(alice)
    own = membership(alice, alice_practice)

    response = client.post(f"/practice/members/{own.pk}/role/", {"role": "practitioner"})

    assert "Alice Physio is the only owner of Alice&#x27;s Clinic" in page_after(response, client)
    own.refresh_from_db()
    assert own.role == "owner"


def test_with_a_second_owner_the_first_can_step_down(client, alice, alice_practice, gina):
    Membership.objects.filter(user=gina, practice=alice_practice).update(role="owner")
    client.force_login(alice)
    own = membership(alice, alice_practice)

    client.post(f"/practice/members/{own.pk}/role/", {"role": "practitioner"})

    own.refresh_from_db()
    assert own.role == "practitioner"
    assert client.post("/practice/", {"name": "Not mine", "accent_color": "#000000"}).status_code == 404


def test_an_unknown_role_is_refused_naming_the_roles(client, alice, alice_practice, gina):
    client.force_login(alice)
    gina_membership = membership(gina, alice_practice)

    response = client.post(f"/practice/members/{gina_membership.pk}/role/", {"role": "admin"})

    assert "Choose a role: owner or practitioner." in page_after(response, client)
    gina_membership.refresh_from_db()
    assert gina_membership.role == "practitioner"


# --- removal ---------------------------------------------------------------------------------


def test_removing_a_practitioner_hands_their_clients_to_the_chosen_colleague(
    client, alice, alice_practice, gina, hal, bob, ginas_clients
):
    soon = Consultation.objects.create(
        client=ginas_clients[0], practitioner=gina, scheduled_at=timezone.now() + timedelta(days=2)
    )
    held = Consultation.objects.create(
        client=ginas_clients[0],
        practitioner=gina,
        scheduled_at=timezone.now() - timedelta(days=2),
        status=Consultation.COMPLETED,
    )
    client.force_login(alice)
    path = f"/practice/members/{membership(gina, alice_practice).pk}/remove/"

    page = client.get(path).content.decode()
    response = client.post(path, {"successor": hal.pk, "confirm": "on"})

    assert "looks after <strong>2 clients</strong>" in page
    assert "<strong>1 upcoming consultation</strong>" in page
    assert response.status_code == 302
    assert (
        "Gina Physio no longer works in Alice&#x27;s Clinic; 2 clients and 1 upcoming consultation "
        "handed to Hal Physio." in page_after(response, client)
    )
    assert not Membership.objects.filter(user=gina).exists()
    for moved in ginas_clients:
        moved.refresh_from_db()
        assert moved.practitioner == hal and moved.practice == alice_practice
    bob.refresh_from_db()
    assert bob.practitioner == alice
    soon.refresh_from_db()
    held.refresh_from_db()
    assert (soon.practitioner, held.practitioner) == (hal, gina)
    handed = AuditEvent.objects.filter(action=AuditEvent.CHANGE_PRACTITIONER)
    assert sorted(handed.values_list("client_id", flat=True)) == sorted(c.pk for c in ginas_clients)
    assert {(e.actor, e.object_id) for e in handed} == {(alice, str(hal.pk))}


def test_the_removed_practitioners_clients_go_to_the_owner_unless_told_otherwise(
    client, alice, alice_practice, gina, hal, ginas_clients
):
    client.force_login(alice)
    path = f"/practice/members/{membership(gina, alice_practice).pk}/remove/"

    page = client.get(path).content.decode()

    assert f'<option value="{alice.pk}" selected>' in page
    assert f'<option value="{gina.pk}"' not in page
    client.post(path, {"successor": alice.pk, "confirm": "on"})
    assert {c.practitioner for c in Client.objects.filter(practice=alice_practice)} == {alice}


def test_pending_alerts_about_a_handed_over_client_go_to_the_new_practitioner(
    alice, alice_practice, gina, hal, ginas_clients
):
    alert = Reminder.objects.create(
        client=ginas_clients[0],
        recipient=gina,
        kind=Reminder.PAIN_ALERT,
        local_date=timezone.localdate(),
        due_at=timezone.now(),
    )

    handover.practitioner_remove(membership=membership(gina, alice_practice), successor=hal, by=alice)

    alert.refresh_from_db()
    assert alert.recipient == hal


def test_nothing_is_removed_without_the_confirmation_box(client, alice, alice_practice, gina, ginas_clients):
    client.force_login(alice)

    response = client.post(
        f"/practice/members/{membership(gina, alice_practice).pk}/remove/", {"successor": alice.pk}
    )

    assert response.status_code == 400
    assert b"tick the box to confirm the removal" in response.content
    assert Membership.objects.filter(user=gina).exists()
    assert all(c.practitioner == gina for c in ginas_clients)


def test_clients_cannot_be_handed_to_someone_outside_the_practice(
    client, alice, alice_practice, gina, charlie, ginas_clients
):
    client.force_login(alice)

    response = client.post(
        f"/practice/members/{membership(gina, alice_practice).pk}/remove/",
        {"successor": charlie.pk, "confirm": "on"},
    )

    assert response.status_code == 400
    assert b"Choose someone who works in this practice and stays in it." in response.content
    assert Membership.objects.filter(user=gina).exists()
    for kept in ginas_clients:
        kept.refresh_from_db()
        assert kept.practitioner == gina


def test_a_refused_removal_leaves_everything_as_it_was(alice, alice_practice, gina, ginas_clients):
    with pytest.raises(ValidationError):
        handover.practitioner_remove(membership=membership(gina, alice_practice), successor=gina, by=alice)

    assert Membership.objects.filter(user=gina, practice=alice_practice).exists()
    for kept in ginas_clients:
        kept.refresh_from_db()
        assert kept.practitioner == gina
    assert not AuditEvent.objects.filter(action=AuditEvent.CHANGE_PRACTITIONER).exists()


def test_the_last_owner_cannot_be_removed_and_is_told_why(client, alice, alice_practice, gina):
    client.force_login(alice)
    path = f"/practice/members/{membership(alice, alice_practice).pk}/remove/"

    page = client.get(path).content.decode()
    response = client.post(path, {"successor": gina.pk, "confirm": "on"})

    assert "Alice Physio is the only owner of Alice&#x27;s Clinic</strong>" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]
    assert response.status_code == 409
    assert b"make someone else an owner before you remove them" in response.content
    assert membership(alice, alice_practice).role == "owner"


def test_an_owner_who_leaves_hands_their_clients_to_the_other_owner(client, alice, alice_practice, gina, bob):
    Membership.objects.filter(user=gina).update(role="owner")
    client.force_login(alice)
    path = f"/practice/members/{membership(alice, alice_practice).pk}/remove/"

    assert f'<option value="{gina.pk}" selected>' in client.get(path).content.decode()
    response = client.post(path, {"successor": gina.pk, "confirm": "on"})

    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.practitioner == gina
    assert list(Membership.objects.filter(practice=alice_practice).values_list("user", "role")) == [
        (gina.pk, "owner")
    ]
    assert client.get("/practice/").status_code == 403


def test_a_removed_practitioner_is_refused_on_their_next_request(
    client, alice, alice_practice, gina, ginas_clients
):
    token_api = api_as(gina)
    assert token_api.get(f"/api/v1/clients/{ginas_clients[0].pk}/").status_code == 200
    client.force_login(gina)
    assert client.get(f"/clients/{ginas_clients[0].pk}/").status_code == 200

    handover.practitioner_remove(membership=membership(gina, alice_practice), successor=alice, by=alice)

    assert client.get(f"/clients/{ginas_clients[0].pk}/").status_code == 403
    assert client.get("/clients/").status_code == 403
    assert client.get("/practice/").status_code == 403
    assert token_api.get(f"/api/v1/clients/{ginas_clients[0].pk}/").status_code == 401


def test_a_removed_practitioner_who_works_elsewhere_keeps_only_the_other_practice(
    client, alice, alice_practice, gina, ginas_clients, charlie
):
    MembershipFactory(user=gina, practice=charlie.memberships.get().practice)
    token_api = api_as(gina)
    # The workspace shows the first practice joined; Gina's other one is joined later.
    handover.practitioner_remove(membership=membership(gina, alice_practice), successor=alice, by=alice)
    client.force_login(gina)

    assert client.get(f"/clients/{ginas_clients[0].pk}/").status_code == 404
    assert token_api.get(f"/api/v1/clients/{ginas_clients[0].pk}/").status_code == 404
    assert token_api.get("/api/v1/clients/").json()["count"] == 0


# --- who may -----------------------------------------------------------------------------------


def test_only_an_owner_manages_the_team(client, alice, alice_practice, gina, hal, ginas_clients):
    invitation = PractitionerInvitation.objects.create(
        practice=alice_practice,
        email="ivy@example.com",
        token_hash="y" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    hals = membership(hal, alice_practice)
    client.force_login(gina)

    assert client.post(f"/practice/invitations/{invitation.pk}/revoke/").status_code == 404
    assert client.post(f"/practice/members/{hals.pk}/role/", {"role": "owner"}).status_code == 404
    assert client.get(f"/practice/members/{hals.pk}/remove/").status_code == 404
    remove = client.post(f"/practice/members/{hals.pk}/remove/", {"successor": gina.pk, "confirm": "on"})
    assert remove.status_code == 404
    page = client.get("/practice/").content.decode()
    assert "/remove/" not in page and "/revoke/" not in page and "/role/" not in page
    invitation.refresh_from_db()
    hals.refresh_from_db()
    assert invitation.revoked_at is None and hals.role == "practitioner"


def test_team_changes_are_post_only(client, alice, alice_practice, gina):
    client.force_login(alice)
    ginas = membership(gina, alice_practice)

    assert client.get(f"/practice/members/{ginas.pk}/role/").status_code == 405
    assert client.get(f"/practice/members/{ginas.pk}/remove/").status_code == 200
    assert Membership.objects.filter(pk=ginas.pk).exists()
