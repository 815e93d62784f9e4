"""Every change to a practice's team leaves one line in its history, which only its owners read."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from clients.accounts import handover
from clients.models import Consultation
from practice import team
from practice.admin import TeamEventAdmin
from practice.models import Membership, PractitionerInvitation, TeamEvent
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def membership(user, practice) -> Membership:
    return Membership.objects.get(user=user, practice=practice)


def the_event(practice) -> TeamEvent:
    """The practice's one event: more or fewer than one fails the test."""
    (event,) = TeamEvent.objects.filter(practice=practice)
    return event


def invitation_link(client, email: str, role: str, capture) -> str:
    with capture(execute=True):
        client.post("/practice/invitations/", {"email": email, "role": role})
    body = mail.outbox[-1].body
    return body[body.index("/team/invite/") :].split()[0]


def open_invitation(practice, email="ivy@example.com", role="practitioner") -> PractitionerInvitation:
    return PractitionerInvitation.objects.create(
        practice=practice,
        email=email,
        role=role,
        token_hash=email.ljust(64, "x")[:64],
        expires_at=timezone.now() + timedelta(days=1),
    )


# --- each change leaves one event ------------------------------------------------------------


def test_inviting_a_practitioner_records_who_invited_whom_as_what(
    client, alice, alice_practice, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    invitation_link(client, "Ivy@Example.com", "owner", django_capture_on_commit_callbacks)

    event = the_event(alice_practice)
    assert (event.action, event.actor, event.email, event.name) == ("invited", alice, "ivy@example.com", "")
    assert event.detail == "as owner"


def test_a_second_invitation_to_the_same_address_says_it_replaces_the_first(alice, alice_practice):
    team.practitioner_invite(practice=alice_practice, email="ivy@example.com", role="practitioner", by=alice)
    team.practitioner_invite(practice=alice_practice, email="ivy@example.com", role="owner", by=alice)

    latest = TeamEvent.objects.filter(practice=alice_practice).first()
    assert TeamEvent.objects.filter(practice=alice_practice).count() == 2
    assert latest.detail == "as owner, replacing the earlier invitation"


def test_a_refused_invitation_records_nothing(client, alice, alice_practice, gina):
    client.force_login(alice)

    response = client.post("/practice/invitations/", {"email": "gina@example.com", "role": "practitioner"})

    assert response.status_code == 400
    assert not TeamEvent.objects.exists()


def test_withdrawing_an_invitation_records_it_once(client, alice, alice_practice):
    invitation = open_invitation(alice_practice, role="owner")
    client.force_login(alice)

    client.post(f"/practice/invitations/{invitation.pk}/revoke/")
    again = team.practitioner_invitation_revoke(invitation=invitation, by=alice)

    assert again is False
    event = the_event(alice_practice)
    assert (event.action, event.actor, event.email) == ("invitation_revoked", alice, "ivy@example.com")
    assert event.detail == "was invited as owner"


def test_joining_by_an_invitation_records_the_new_member_and_who_invited_them(
    client, alice, alice_practice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    path = invitation_link(client, "ivy@example.com", "practitioner", django_capture_on_commit_callbacks)
    client.logout()

    client.post(path, {"name": "Ivy Physio", "password": "a-long-enough-passphrase"})

    joined = TeamEvent.objects.get(practice=alice_practice, action="joined")
    assert joined.actor.email == "ivy@example.com"
    assert (joined.name, joined.email) == ("Ivy Physio", "ivy@example.com")
    assert joined.detail == "as practitioner, invited by Alice Physio"
    assert TeamEvent.objects.filter(practice=alice_practice).count() == 2  # invited, joined


def test_a_refused_join_records_nothing(client, alice, alice_practice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    path = invitation_link(client, "ivy@example.com", "practitioner", django_capture_on_commit_callbacks)
    client.logout()

    response = client.post(path, {"name": "Ivy", "password": "short"})

    assert response.status_code == 400
    assert not TeamEvent.objects.filter(action="joined").exists()


def test_changing_a_role_records_from_what_to_what_and_by_whom(client, alice, alice_practice, gina):
    client.force_login(alice)

    client.post(f"/practice/members/{membership(gina, alice_practice).pk}/role/", {"role": "owner"})

    event = the_event(alice_practice)
    assert (event.action, event.actor, event.name, event.email) == (
        "role_changed",
        alice,
        "Gina Physio",
        "gina@example.com",
    )
    assert event.detail == "from practitioner to owner"


def test_choosing_the_role_a_member_already_has_changes_and_records_nothing(
    client, alice, alice_practice, gina
):
    client.force_login(alice)

    response = client.post(
        f"/practice/members/{membership(gina, alice_practice).pk}/role/",
        {"role": "practitioner"},
        follow=True,
    )

    assert "Gina Physio is already a practitioner of Alice&#x27;s Clinic: nothing changed." in (
        response.content.decode()
    )
    assert not TeamEvent.objects.exists()


def test_a_refused_role_change_records_nothing(client, alice, alice_practice, gina):
    client.force_login(alice)

    client.post(f"/practice/members/{membership(alice, alice_practice).pk}/role/", {"role": "practitioner"})
    client.post(f"/practice/members/{membership(gina, alice_practice).pk}/role/", {"role": "admin"})

    assert membership(alice, alice_practice).role == "owner"
    assert not TeamEvent.objects.exists()


def test_removing_a_practitioner_records_the_handover_and_outlives_their_membership(
    client, alice, alice_practice, gina, hal
):
    clients = [ClientFactory(practice=alice_practice, practitioner=gina) for _ in range(2)]
    Consultation.objects.create(
        client=clients[0], practitioner=gina, scheduled_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(alice)

    client.post(
        f"/practice/members/{membership(gina, alice_practice).pk}/remove/",
        {"successor": hal.pk, "confirm": "on"},
    )

    assert not Membership.objects.filter(user=gina).exists()
    event = the_event(alice_practice)
    assert (event.action, event.actor, event.name, event.email) == (
        "removed",
        alice,
        "Gina Physio",
        "gina@example.com",
    )
    assert event.detail == "2 clients and 1 upcoming consultation handed to Hal Physio"
    page = client.get("/practice/").content.decode()
    assert "Gina Physio" in page and "2 clients and 1 upcoming consultation handed to Hal Physio" in page


def test_removing_someone_with_no_clients_says_there_was_nothing_to_hand_over(alice, alice_practice, gina):
    handover.practitioner_remove(membership=membership(gina, alice_practice), successor=alice, by=alice)

    assert the_event(alice_practice).detail == "no clients or upcoming consultations to hand to Alice Physio"


def test_a_refused_removal_records_nothing(client, alice, alice_practice, gina):
    with pytest.raises(ValidationError):
        handover.practitioner_remove(membership=membership(gina, alice_practice), successor=gina, by=alice)
    client.force_login(alice)
    last_owner = client.post(
        f"/practice/members/{membership(alice, alice_practice).pk}/remove/",
        {"successor": gina.pk, "confirm": "on"},
    )

    assert last_owner.status_code == 409
    assert not TeamEvent.objects.exists()


# --- the record cannot be changed ------------------------------------------------------------


def test_a_team_event_cannot_be_changed_or_deleted(alice, alice_practice):
    team.practitioner_invite(practice=alice_practice, email="ivy@example.com", role="practitioner", by=alice)
    event = TeamEvent.objects.get()

    event.detail = "as owner"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert TeamEvent.objects.get().detail == "as practitioner"


def test_the_admin_shows_team_events_read_only(alice):
    request = RequestFactory().get("/admin/practice/teamevent/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    events_admin = TeamEventAdmin(TeamEvent, site)

    assert events_admin.has_view_permission(request)
    assert not events_admin.has_add_permission(request)
    assert not events_admin.has_change_permission(request)
    assert not events_admin.has_delete_permission(request)


# --- who reads it ----------------------------------------------------------------------------


def test_the_owner_reads_the_latest_changes_newest_first_on_the_practice_page(
    client, alice, alice_practice, gina
):
    with time_machine.travel("2026-03-01 09:00Z"):
        team.practitioner_invite(practice=alice_practice, email="ivy@example.com", role="owner", by=alice)
    with time_machine.travel("2026-03-02 09:00Z"):
        team.membership_role_change(membership=membership(gina, alice_practice), role="owner", by=alice)
    client.force_login(alice)

    page = client.get("/practice/").content.decode()

    history = page[page.index("Team history") :]
    assert history.index("from practitioner to owner") < history.index("ivy@example.com")
    assert "2 Mar 2026, 09:00" in history  # Alice's timezone, Europe/London, is UTC in March
    assert "Show the whole team history" not in history


def test_beyond_ten_changes_the_practice_page_links_to_the_whole_history(client, alice, alice_practice):
    for n in range(11):
        team.practitioner_invite(
            practice=alice_practice, email=f"p{n}@example.com", role="practitioner", by=alice
        )
    client.force_login(alice)

    page = client.get("/practice/").content.decode()
    whole = client.get("/practice/history/").content.decode()

    history = page[page.index("Team history") :]
    assert "p10@example.com" in history and "p0@example.com" not in history
    assert 'href="/practice/history/"' in history
    assert all(f"p{n}@example.com" in whole for n in range(11))


def test_the_whole_history_is_paged_fifty_at_a_time(client, alice, alice_practice):
    for n in range(51):
        team.practitioner_invite(
            practice=alice_practice, email=f"p{n}@example.com", role="practitioner", by=alice
        )
    client.force_login(alice)

    first = client.get("/practice/history/").content.decode()
    second = client.get("/practice/history/?page=2").content.decode()

    assert "p0@example.com" not in first and "Page 1 of 2" in first
    assert "p0@example.com" in second and "p50@example.com" not in second


def test_a_practitioner_who_is_not_an_owner_does_not_see_the_team_history(
    client, alice, alice_practice, gina
):
    team.practitioner_invite(practice=alice_practice, email="ivy@example.com", role="practitioner", by=alice)
    client.force_login(gina)

    page = client.get("/practice/").content.decode()

    assert "Team history" not in page and "ivy@example.com" not in page
    assert client.get("/practice/history/").status_code == 404


def test_a_client_has_no_team_history_page(client, bob):
    client.force_login(bob.user)

    assert client.get("/practice/history/").status_code == 403


def test_an_owner_who_steps_down_no_longer_sees_the_history(client, alice, alice_practice, gina):
    Membership.objects.filter(user=gina).update(role="owner")
    client.force_login(alice)

    client.post(f"/practice/members/{membership(alice, alice_practice).pk}/role/", {"role": "practitioner"})

    assert client.get("/practice/history/").status_code == 404
    assert the_event(alice_practice).detail == "from owner to practitioner"
