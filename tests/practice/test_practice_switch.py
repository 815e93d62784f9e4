"""A practitioner of several practices works in one at a time and switches between them."""

import pytest
from django.core import mail

from clients.accounts import handover
from clients.models import Client, HandoutBatch
from practice import team
from practice.models import Membership
from programs.models import Exercise, Program
from tests.conftest import api_as
from tests.factories import ExerciseFactory, MembershipFactory, TemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gym(charlie):
    return charlie.memberships.get().practice


@pytest.fixture
def alice_at_the_gym(alice, gym):
    """Alice also works at Charlie's Gym, joined after her own clinic."""
    return MembershipFactory(user=alice, practice=gym, timezone="America/New_York")


def switch(client, practice, next_page=""):
    return client.post("/practice/switch/", {"practice": practice.pk, "next": next_page})


def clients_listed(client) -> str:
    return client.get("/clients/").content.decode()


def test_a_practitioner_of_two_practices_sees_one_practices_clients_at_a_time(
    client, alice, bob, erin, gym, alice_at_the_gym
):
    client.force_login(alice)
    assert "Bob Client" in clients_listed(client) and "Erin Client" not in clients_listed(client)

    response = switch(client, gym)

    assert response.status_code == 302 and response["Location"] == "/attention/"  # the first page
    page = clients_listed(client)
    assert "Erin Client" in page and "Bob Client" not in page
    assert "You are working in Charlie&#x27;s Gym now." in page
    assert client.get(f"/clients/{erin.pk}/").status_code == 200
    assert client.get(f"/clients/{bob.pk}/").status_code == 404


def test_the_choice_is_remembered_for_the_session_only(client, alice, bob, erin, gym, alice_at_the_gym):
    client.force_login(alice)
    switch(client, gym)

    assert "Erin Client" in clients_listed(client)
    client.logout()
    client.force_login(alice)
    assert "Bob Client" in clients_listed(client)


def test_the_header_names_the_current_practice_and_offers_the_others(
    client, alice, alice_practice, gym, alice_at_the_gym
):
    client.force_login(alice)

    page = client.get("/library/").content.decode()

    assert 'action="/practice/switch/"' in page
    assert "<strong>Alice&#x27;s Clinic</strong>" in page
    assert f'<option value="{gym.pk}">Charlie&#x27;s Gym</option>' in page
    assert f'<option value="{alice_practice.pk}">' not in page
    assert 'name="next" value="/library/"' in page
    assert 'name="csrfmiddlewaretoken"' in page.split('action="/practice/switch/"')[1]


def test_a_practitioner_of_one_practice_sees_no_switch(client, alice, bob):
    client.force_login(alice)

    for url in ["/clients/", f"/clients/{bob.pk}/", "/library/", "/practice/"]:
        page = client.get(url).content.decode()
        assert "/practice/switch/" not in page, url
        assert "<strong>Alice&#x27;s Clinic</strong>" not in page, url


def test_switching_returns_to_a_practice_wide_page_and_leaves_a_page_about_one_object(
    client, alice, bob, gym, alice_at_the_gym
):
    client.force_login(alice)

    on_a_client = client.get(f"/clients/{bob.pk}/").content.decode()
    assert 'name="next" value="/attention/"' in on_a_client
    assert switch(client, gym, "/library/")["Location"] == "/library/"
    assert switch(client, gym, "https://evil.example/")["Location"] == "/attention/"
    assert switch(client, gym, "//evil.example/clients/")["Location"] == "/attention/"


def test_a_switch_without_a_practice_is_refused_naming_the_field(client, alice, alice_at_the_gym):
    client.force_login(alice)

    response = client.post("/practice/switch/", {"practice": "gym"})

    assert response.status_code == 400
    assert b"practice" in response.content
    assert client.get("/practice/switch/").status_code == 405


def test_when_the_current_practice_removes_them_the_workspace_falls_back_to_one_they_keep(
    client, alice, bob, erin, charlie, gym, alice_at_the_gym
):
    client.force_login(alice)
    switch(client, gym)
    assert "Erin Client" in clients_listed(client)

    handover.practitioner_remove(membership=alice_at_the_gym, successor=charlie, by=charlie)

    page = clients_listed(client)
    assert "Bob Client" in page and "Erin Client" not in page
    assert "/practice/switch/" not in page  # one practice left: nothing to switch
    assert client.get(f"/clients/{erin.pk}/").status_code == 404
    assert "workspace_practice" not in client.session


def test_every_workspace_page_works_in_the_current_practice(
    client, alice, alice_practice, gym, alice_at_the_gym
):
    clinic_template = TemplateFactory(practice=alice_practice, title="Clinic template")
    gym_template = TemplateFactory(practice=gym, title="Gym template")
    ExerciseFactory(practice=alice_practice, name="Clinic drill")
    client.force_login(alice)
    switch(client, gym)

    library = client.get("/library/").content.decode()
    assert "Gym template" in library and "Clinic template" not in library and "Clinic drill" not in library
    assert client.get(f"/library/templates/{clinic_template.pk}/").status_code == 404
    assert client.get(f"/programs/{gym_template.pk}/").status_code == 200
    assert "Charlie&#x27;s Gym" in client.get("/practice/").content.decode()
    assert "at Charlie&#x27;s Gym now" in client.get("/handouts/batches/").content.decode()

    client.post("/clients/new/", {"name": "New Client", "email": "new@example.com", "timezone": "UTC"})
    client.post(
        "/library/exercises/new/", {"name": "Gym drill", "region": "lower-back", "sets": 3, "reps": 10}
    )
    client.post(f"/programs/{gym_template.pk}/save-as-template/", {"title": "Gym copy"})
    client.post("/handouts/batches/")

    assert Client.objects.get(email="new@example.com").practice == gym
    assert Exercise.objects.get(name="Gym drill").practice == gym
    assert Program.objects.get(title="Gym copy").practice == gym
    assert HandoutBatch.objects.get().practice == gym


def test_consultations_are_booked_in_the_current_practices_timezone(
    client, alice, erin, gym, alice_at_the_gym
):
    client.force_login(alice)
    switch(client, gym)

    page = client.get(f"/clients/{erin.pk}/consultations/new/").content.decode()

    assert "America/New_York" in page


def test_team_pages_are_the_current_practices_and_an_owner_elsewhere_is_not_an_owner_here(
    client, alice, alice_practice, gym, alice_at_the_gym
):
    colleague = MembershipFactory(practice=alice_practice, user__email="gina@example.com")
    client.force_login(alice)
    switch(client, gym)

    settings = client.get("/practice/").content.decode()
    assert "gina@example.com" not in settings and "/role/" not in settings
    assert client.post(f"/practice/members/{colleague.pk}/role/", {"role": "owner"}).status_code == 404
    assert client.get(f"/practice/members/{colleague.pk}/remove/").status_code == 404

    switch(client, alice_practice)
    assert client.post(f"/practice/members/{colleague.pk}/role/", {"role": "owner"}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Membership.OWNER


def test_a_page_of_another_of_ones_practices_offers_to_open_it_there(
    client, alice, erin, gym, alice_at_the_gym
):
    client.force_login(alice)

    response = client.get(f"/clients/{erin.pk}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Erin" not in html
    assert "Open in Charlie&#x27;s Gym" in html and f'name="next" value="/clients/{erin.pk}/"' in html
    opened = switch(client, gym, f"/clients/{erin.pk}/")
    assert opened["Location"] == f"/clients/{erin.pk}/"
    assert client.get(opened["Location"]).status_code == 200


def test_with_debug_on_a_page_of_another_of_ones_practices_still_offers_to_open_it_there(
    client, settings, alice, erin, gym, alice_at_the_gym
):
    settings.DEBUG = True  # as under `make run`, where Django's technical 404 would answer
    gym_template = TemplateFactory(practice=gym, title="Gym circuit")
    client.force_login(alice)

    for page in (f"/clients/{erin.pk}/", f"/library/templates/{gym_template.pk}/"):
        response = client.get(page)

        assert response.status_code == 404
        html = response.content.decode()
        assert "You are working in Alice&#x27;s Clinic" in html
        assert "Open in Charlie&#x27;s Gym" in html and f'name="next" value="{page}"' in html
        assert "Erin" not in html and "Gym circuit" not in html


def test_joining_another_practice_opens_the_workspace_there(
    client, alice, bob, charlie, gym, erin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        team.practitioner_invite(practice=gym, email="alice@example.com", role="practitioner", by=charlie)
    body = mail.outbox[-1].body
    path = body[body.index("/team/invite/") :].split()[0]
    client.force_login(alice)

    response = client.post(path)

    assert response.status_code == 302
    page = clients_listed(client)
    assert "Erin Client" in page and "Bob Client" not in page


def test_the_api_still_answers_for_every_practice_of_the_caller(alice, bob, erin, gym, alice_at_the_gym):
    api = api_as(alice)

    names = {row["name"] for row in api.get("/api/v1/clients/").json()["results"]}

    assert names == {"Bob Client", "Erin Client"}
