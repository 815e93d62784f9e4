from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from clients.models import Client, Completion, Invitation
from clients.privacy.rights import client_erase
from tests.conftest import api_as
from tests.factories import ClientFactory, assign

pytestmark = pytest.mark.django_db


def test_client_list_shows_adherence_last_activity_and_status(client, alice, bob_assignment, dana):
    item = bob_assignment.program.items.first()
    yesterday = timezone.localdate() - timedelta(days=1)
    Completion.objects.create(assignment=bob_assignment, assignment_exercise=item, date=yesterday)
    Completion.objects.create(assignment=bob_assignment, assignment_exercise=item, date=timezone.localdate())
    client.force_login(alice)

    response = client.get("/clients/")

    rows = {row.client.name: row for row in response.context["rows"]}
    assert rows["Bob Client"].percent is not None and rows["Bob Client"].percent > 0
    assert b"1 of 6 today" in response.content
    assert rows["Bob Client"].last_activity is not None
    assert rows["Bob Client"].status.label == "Active"
    assert rows["Dana Client"].status.label == "No program"
    assert b"Adherence (14 days)" in response.content


def test_client_list_leaves_today_out_of_the_percentage_and_shows_it_apart_as_the_api_does(
    client, alice, bob, bob_assignment
):
    items = list(bob_assignment.program.items.all())  # 3 exercises, twice a day, started 3 days ago
    today = timezone.localdate()
    for item in items:
        Completion.objects.create(
            assignment=bob_assignment, assignment_exercise=item, date=today - timedelta(days=1)
        )
    for item in items[:2]:
        Completion.objects.create(assignment=bob_assignment, assignment_exercise=item, date=today)
    client.force_login(alice)

    listed = {row.client.name: row for row in client.get("/clients/").context["rows"]}["Bob Client"]
    figures = api_as(alice).get(f"/api/v1/clients/{bob.pk}/adherence/").json()

    # 3 days ended (18 slots), 3 done yesterday; today's 2 of 6 are apart.
    assert listed.percent == round(100 * 3 / 18) == round(figures["percent"])
    assert (listed.today.done, listed.today.scheduled) == (2, 6)
    assert figures["today"] == {"scheduled": 6, "done": 2}


def test_client_list_search_finds_by_name_or_email(client, alice, bob, dana):
    client.force_login(alice)

    response = client.get("/clients/", {"q": "dana@"})

    assert [row.client.name for row in response.context["rows"]] == ["Dana Client"]


def test_client_list_search_answers_htmx_with_the_rows_only(client, alice, bob):
    client.force_login(alice)

    response = client.get("/clients/", {"q": "bob"}, headers={"HX-Request": "true"})

    assert b"<html" not in response.content
    assert b"Bob Client" in response.content


def test_client_list_of_200_clients_takes_a_constant_number_of_queries(
    client, alice, alice_practice, django_assert_max_num_queries
):
    for n in range(200):
        someone = ClientFactory(practice=alice_practice, user=None)
        if n % 20 == 0:
            assign(someone, start=timezone.localdate() - timedelta(days=10))
    client.force_login(alice)

    with django_assert_max_num_queries(12):
        response = client.get("/clients/")

    assert response.status_code == 200
    assert len(response.context["rows"]) == 50


def test_adding_a_client_emails_an_invitation(client, alice, alice_practice):
    client.force_login(alice)

    response = client.post(
        "/clients/new/",
        {
            "name": "Fay Client",
            "email": "Fay@Example.com",
            "phone": "+44 20 7946 0000",
            "timezone": "Europe/Paris",
            "notes": "Desk job",
        },
    )

    fay = Client.objects.get(name="Fay Client")
    assert response.status_code == 302
    assert (
        fay.practice == alice_practice and fay.email == "fay@example.com" and fay.timezone == "Europe/Paris"
    )
    assert Invitation.objects.filter(client=fay, accepted_at__isnull=True).exists()


def test_adding_a_client_sends_the_invitation_email_after_commit(
    client, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/clients/new/", {"name": "Gil", "email": "gil@example.com", "timezone": "Europe/London"})

    assert mail.outbox[-1].to == ["gil@example.com"]
    assert "/invite/" in mail.outbox[-1].body


def test_a_client_added_in_spanish_is_invited_in_spanish(client, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/clients/new/",
            {"name": "Inés", "email": "ines@example.com", "timezone": "Europe/Madrid", "language": "es"},
        )

    ines = Client.objects.get(email="ines@example.com")
    assert ines.language == "es"
    assert mail.outbox[-1].subject == "Alice's Clinic le invita a Rehabit"
    assert "Europe/Madrid · Español · reminders" in client.get(f"/clients/{ines.pk}/").content.decode()


def test_adding_a_client_with_bad_input_keeps_what_was_typed(client, alice, bob):
    client.force_login(alice)

    response = client.post(
        "/clients/new/",
        {"name": "Bobby", "email": "bob@example.com", "timezone": "Mars/Olympus", "notes": "kept"},
    )

    assert response.status_code == 400
    assert b"Another client of this practice has this email." in response.content
    assert b"Select a valid choice" in response.content
    assert b'value="Bobby"' in response.content
    assert b"kept" in response.content
    assert Client.objects.filter(practice=bob.practice).count() == 1


def test_editing_a_client_saves_and_reschedules(client, alice, bob, bob_assignment):
    client.force_login(alice)

    response = client.post(
        f"/clients/{bob.pk}/edit/",
        {
            "name": "Robert Client",
            "email": "bob@example.com",
            "phone": "123",
            "timezone": "America/New_York",
            "notes": "",
        },
    )

    bob.refresh_from_db()
    bob_assignment.refresh_from_db()
    assert response.status_code == 302
    assert (bob.name, bob.timezone, bob.phone) == ("Robert Client", "America/New_York", "123")


def test_resending_an_invitation_replaces_the_open_one(client, alice, alice_practice):
    fay = ClientFactory(practice=alice_practice, user=None, email="fay@example.com")
    client.force_login(alice)

    client.post(f"/clients/{fay.pk}/invitation/")
    first = Invitation.objects.get(client=fay)
    client.post(f"/clients/{fay.pk}/invitation/")

    assert Invitation.objects.filter(client=fay).count() == 1
    assert Invitation.objects.get(client=fay).pk != first.pk


def test_a_client_who_signed_up_is_not_invited_again(client, alice, bob):
    client.force_login(alice)

    response = client.post(f"/clients/{bob.pk}/invitation/", follow=True)

    assert b"already has a sign-in" in response.content
    assert not Invitation.objects.filter(client=bob).exists()


def test_another_practices_client_cannot_be_edited_or_invited(client, charlie, bob):
    client.force_login(charlie)

    assert client.get(f"/clients/{bob.pk}/edit/").status_code == 404
    assert client.post(f"/clients/{bob.pk}/edit/", {"name": "x"}).status_code == 404
    assert client.post(f"/clients/{bob.pk}/invitation/").status_code == 404


def test_a_client_with_nothing_done_for_a_week_shows_as_quiet(client, alice, dana):
    assign(dana, start=timezone.localdate() - timedelta(days=10))
    client.force_login(alice)

    rows = client.get("/clients/").context["rows"]

    assert rows[0].status.label == "Quiet for a week"


def test_an_erased_client_shows_as_erased_in_the_list(client, alice, bob_assignment):
    client_erase(client=bob_assignment.client, by=alice)
    client.force_login(alice)

    response = client.get("/clients/")

    (row,) = response.context["rows"]
    assert row.status.label == "Erased"
    assert b"Not signed up" not in response.content


def test_a_new_email_becomes_the_clients_sign_in_and_the_old_address_is_told(
    client, alice, bob, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/clients/{bob.pk}/edit/",
            {"name": "Bob Client", "email": "Bob.New@example.com", "timezone": "Europe/London", "notes": ""},
        )

    (notice,) = mailoutbox
    assert notice.to == ["bob@example.com"] and notice.subject == "Your Rehabit sign-in has changed"
    assert "you now sign in with bob.new@example.com instead of bob@example.com" in notice.body

    bob.user.refresh_from_db()
    assert bob.user.email == "bob.new@example.com"
    token = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "bob.new@example.com", "password": "correct-horse-battery"},
        format="json",
    )
    assert token.status_code == 200


def test_an_email_another_account_signs_in_with_is_refused_and_nothing_changes(
    client, alice, bob, mailoutbox
):
    client.force_login(alice)

    response = client.post(
        f"/clients/{bob.pk}/edit/",
        {"name": "Robert", "email": "alice@example.com", "timezone": "Europe/London", "notes": ""},
    )

    assert response.status_code == 400
    assert b"Another Rehabit account signs in with this email." in response.content
    bob.refresh_from_db()
    bob.user.refresh_from_db()
    assert (bob.name, bob.email, bob.user.email) == ("Bob Client", "bob@example.com", "bob@example.com")
    assert mailoutbox == []


def test_client_list_says_just_now_for_a_check_off_made_seconds_ago(client, alice, bob_assignment):
    item = bob_assignment.program.items.first()
    Completion.objects.create(assignment=bob_assignment, assignment_exercise=item, date=timezone.localdate())
    client.force_login(alice)

    response = client.get("/clients/")

    assert b"just now" in response.content
    assert b"0 minutes" not in response.content


def test_client_list_says_how_long_ago_an_older_check_off_was(client, alice, bob_assignment):
    item = bob_assignment.program.items.first()
    done = Completion.objects.create(
        assignment=bob_assignment, assignment_exercise=item, date=timezone.localdate()
    )
    Completion.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(hours=3, minutes=5))
    client.force_login(alice)

    response = client.get("/clients/")

    assert b"3\xc2\xa0hours, 5\xc2\xa0minutes ago" in response.content


def test_a_client_search_holding_a_nul_character_is_refused_not_a_server_error(client, alice, bob):
    client.force_login(alice)

    response = client.get("/clients/?q=Bob%00")

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
