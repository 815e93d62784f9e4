"""The workspace's pages in a real browser, wide and phone-sized: no serious accessibility finding,
nothing off the side, and the timezone picker's search and device zone."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clients.accounts.invitations import invitation_send
from clients.models import Consultation, HandoutBatch
from programs.models import Exercise, Program
from tests.conftest import need, sign_in_by_cookie
from tests.factories import ClientFactory, MembershipFactory, assign
from tests.test_browser_journey import AXE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    """An owner with a client on a program, a consultation, a handout run and a template of her own."""
    call_command("seed_library")
    owner = MembershipFactory(user__name="Pat Practitioner", role="owner")
    client = ClientFactory(practice=owner.practice, practitioner=owner.user, name="Lucía Fernández")
    assign(client, start=timezone.localdate())
    consultation = Consultation.objects.create(
        client=client, practitioner=owner.user, scheduled_at=timezone.now() + timedelta(days=1)
    )
    batch = HandoutBatch.objects.create(practice=owner.practice, requested_by=owner.user, total=2, done=2)
    return owner.user, client, consultation, batch


def pages_of(demo) -> list[str]:
    _, client, consultation, batch = demo
    exercise = Exercise.objects.filter(practice=None).first()
    template = Program.objects.templates().filter(practice=None).first()
    return [
        "/clients/",
        "/clients/new/",
        f"/clients/{client.pk}/edit/",
        f"/clients/{client.pk}/reminders/",
        f"/clients/{client.pk}/audit/",
        f"/clients/{client.pk}/erase/",
        f"/clients/{client.pk}/consultations/new/",
        f"/consultations/{consultation.pk}/",
        "/library/",
        f"/library/exercises/{exercise.pk}/",
        "/library/exercises/new/",
        f"/library/templates/{template.pk}/",
        "/handouts/batches/",
        f"/handouts/batches/{batch.pk}/",
        "/practice/",
        "/practice/history/",
        "/accounts/password/change/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_workspace_pages_have_no_serious_accessibility_finding_wide_or_on_a_phone(
    chromium, live_server, demo, width
):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    page = chromium.new_page(viewport={"width": width, "height": 900})
    newcomer = ClientFactory(practice=demo[1].practice, user=None, email="nora@example.com")
    invitation_send(client=newcomer)
    invitation = re.search(r"/invite/[^/\s]+/", mail.outbox[-1].body).group(0)
    for path in ("/accounts/login/", "/accounts/password/reset/", invitation, "/invite/not-a-token/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
    sign_in_by_cookie(page.context, live_server, demo[0])

    for path in pages_of(demo):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= width, f"{path} is {width_used} px wide on a {width} px screen"


def test_the_timezone_search_picks_a_zone_and_this_devices_zone_comes_first(chromium, live_server, demo):
    context = chromium.new_context(timezone_id="America/Bogota")
    page = context.new_page()
    sign_in_by_cookie(context, live_server, demo[0])
    page.goto(f"{live_server.url}/clients/new/")

    first = page.locator("#id_timezone optgroup").first
    assert first.get_attribute("label") == "This device"
    assert first.locator("option").get_attribute("value") == "America/Bogota"

    page.get_by_label("Search time zones").fill("madrid")
    assert page.locator("#id_timezone").input_value() == "Europe/Madrid"
    page.get_by_text("Chosen: Europe/Madrid").wait_for()
    assert_accessible(page)


def test_without_javascript_the_timezone_picker_is_the_grouped_list(chromium, live_server, demo):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_by_cookie(context, live_server, demo[0])
    page.goto(f"{live_server.url}/practice/")

    assert page.locator(".tz-search").count() == 0
    page.get_by_label("Your timezone").select_option("Pacific/Chatham")
    page.get_by_role("button", name="Save your settings").click()

    assert page.get_by_text("Your timezone is Pacific/Chatham").is_visible()


def test_a_handout_run_page_updates_itself_when_the_run_finishes(chromium, live_server, demo):
    owner, _, _, batch = demo
    HandoutBatch.objects.filter(pk=batch.pk).update(status=HandoutBatch.RUNNING, done=1)
    page = chromium.new_page()
    sign_in_by_cookie(page.context, live_server, owner)
    page.goto(f"{live_server.url}/handouts/batches/{batch.pk}/")
    page.get_by_role("heading", name="Preparing handouts…").wait_for()

    HandoutBatch.objects.filter(pk=batch.pk).update(status=HandoutBatch.DONE, done=2)

    page.get_by_role("heading", name="Handouts ready").wait_for(timeout=10_000)
    assert page.get_by_text("2 of 2").is_visible()
