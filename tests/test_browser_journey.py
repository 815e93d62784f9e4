"""The practitioner's thin journey, walked in headless Chromium against a live server."""

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from clients.assignments import changes
from clients.models import Assignment, Client, Consultation, Invitation
from programs.library import TEMPLATE
from programs.models import Program
from tests.conftest import need, sign_in_by_cookie
from tests.factories import ClientFactory, MembershipFactory, assign

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(chromium):
    return chromium.new_page(accept_downloads=True)


def test_practitioner_signs_in_assigns_the_template_and_downloads_the_handout(page, live_server, tmp_path):
    call_command("seed_library")
    alice = MembershipFactory(user__email="alice@example.com", user__name="Alice Physio").user
    ClientFactory(practice=alice.memberships.get().practice, name="Bob Client")

    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Clients", exact=True).click()  # from Needs attention, the first page
    page.get_by_role("link", name="Bob Client").click()
    page.get_by_text("Quick-assign a template as it is").click()
    page.get_by_label("Template", exact=True).select_option(label="Back pain: movement as medicine")
    page.get_by_label("Weeks", exact=True).fill("4")
    page.get_by_role("button", name="Assign").click()

    assert page.get_by_text("Program assigned to Bob Client").is_visible()
    assert Assignment.objects.get().weeks == 4
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "back-pain-movement-as-medicine-bob-client.pdf"
    assert Path(saved).read_bytes().startswith(b"%PDF")


def assert_accessible(page) -> None:
    """axe-core inside the page: no serious or critical WCAG 2.1 AA violation."""
    # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays on.
    page.evaluate(AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]


def test_practitioner_goes_from_a_new_client_to_a_consultation_to_an_assigned_program(
    page, live_server, tmp_path
):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    call_command("seed_library")
    alice = MembershipFactory(
        user__email="alice@example.com", user__name="Alice Physio", role="owner", timezone="Europe/London"
    ).user
    tomorrow = timezone.localdate() + timedelta(days=1)

    page.goto(f"{live_server.url}/")
    assert_accessible(page)  # the sign-in page
    sign_in_by_cookie(page.context, live_server, alice)
    page.goto(f"{live_server.url}/")
    assert_accessible(page)  # Needs attention, the first page

    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="Add a client").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Fay Client")
    page.get_by_label("Email").fill("fay@example.com")
    page.get_by_label("Timezone").select_option("Europe/Paris")
    page.get_by_role("button", name="Add client and send the invitation").click()
    page.get_by_role("heading", name="Fay Client").wait_for()
    assert Invitation.objects.filter(client__email="fay@example.com").exists()
    assert_accessible(page)

    page.get_by_role("link", name="Schedule a consultation").click()
    assert_accessible(page)
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Time").fill("09:30")
    page.get_by_role("button", name="Schedule and send the invite").click()
    page.get_by_text("Consultation scheduled").wait_for()
    assert_accessible(page)

    # The call is held at its time; its record (pain, Oswestry) is written then.
    held = datetime.combine(tomorrow, time(9, 40), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(held, tick=True):
        page.get_by_label("Status").select_option(label="Completed")
        page.get_by_label("Subjective").fill("Low back pain after long drives.")
        page.get_by_label("Pain now (0–10)").fill("6")
        for number in range(1, 11):
            page.get_by_label(f"{number}.", exact=False).first.select_option("2")
        page.get_by_role("button", name="Save the record").click()
        page.get_by_text("Consultation record saved").wait_for()
        consultation = Consultation.objects.get(client__email="fay@example.com")
        assert (consultation.pain, consultation.odi_percent, consultation.status) == (6, 40, "completed")

        page.get_by_role("link", name="Prescribe from this consultation").click()
        assert_accessible(page)
        page.get_by_label("Back pain: movement as medicine").check()
        page.get_by_role("button", name="Start building").click()
        page.get_by_role("heading", name="Exercises").wait_for()
        assert_accessible(page)

        first = page.locator("li.builder-item").first
        first.get_by_label("Sets").fill("4")
        first.get_by_label("Sets").press("Tab")  # saved as typed
        page.locator("li.builder-item").first.get_by_text("4 sets").wait_for()
        page.get_by_role("spinbutton", name="Weeks").fill("4")
        page.get_by_role("button", name="Assign to Fay Client").click()
        page.get_by_text("Program assigned to Fay Client").wait_for()
        assert_accessible(page)

        assignment = Assignment.objects.get(client=Client.objects.get(email="fay@example.com"))
        assert assignment.weeks == 4
        assert assignment.program.items.order_by("position").first().sets == 4
        with page.expect_download() as download:
            page.get_by_role("link", name="Download PDF").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")

        page.get_by_role("link", name="Library").click()
        assert_accessible(page)
        page.get_by_role("link", name="Practice").click()
        assert_accessible(page)


def test_practitioner_edits_an_assigned_program_and_the_client_gets_version_two(page, live_server):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    call_command("seed_library")
    alice = MembershipFactory(user__email="alice@example.com", role="owner").user
    bob = ClientFactory(practice=alice.memberships.get().practice, name="Bob Client")
    assignment = assign(bob, start=timezone.localdate(), template=Program.objects.get(slug=TEMPLATE["slug"]))

    sign_in_by_cookie(page.context, live_server, alice)
    page.goto(f"{live_server.url}/clients/{bob.pk}/")
    page.get_by_role("link", name="Edit program").click()
    assert_accessible(page)

    page.get_by_label("Search").fill("plank")
    page.get_by_role("button", name="Add Side plank again", exact=True).click()
    page.locator("li.builder-item").last.get_by_text("Side plank", exact=True).wait_for()
    page.locator("#unpublished").get_by_text("Not published yet: new: side plank").wait_for()
    removed = page.locator("li.builder-item").first.locator(".item-name").inner_text()
    page.locator("li.builder-item").first.get_by_role("button", name=f"Remove {removed}").click()
    page.get_by_role("button", name=f"Remove {removed}").wait_for(state="detached")
    second = page.locator("li.builder-item").nth(1).locator(".item-name").inner_text()
    page.get_by_role("button", name=f"Move {second} up").click()
    page.locator("li.builder-item").first.get_by_text(second, exact=True).wait_for()
    page.get_by_role("button", name="Publish version 2").click()
    page.get_by_text("Version 2 given to Bob Client").wait_for()

    assignment.refresh_from_db()
    assert assignment.version == 2
    said = changes.word_versions([assignment.current_version], language="en")[0].said
    assert f"removed: {removed.lower()}" in said
    assert "new order" in said
    assert "new: side plank" in said
    page.get_by_text("Versions", exact=True).first.click()
    page.get_by_role("link", name="Version 1").click()
    page.get_by_text(removed, exact=True).first.wait_for()
    assert_accessible(page)


def test_a_practitioner_who_forgot_their_password_chooses_a_new_one_and_signs_in(
    page, live_server, mailoutbox
):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    MembershipFactory(user__email="alice@example.com", user__name="Alice Physio")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    (message,) = mailoutbox
    link = next(word for word in message.body.split() if "/accounts/password/reset/" in word)
    page.goto(live_server.url + link.split("8000", 1)[1])
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("a-fresh-long-passphrase")
    page.get_by_label("New password confirmation").fill("a-fresh-long-passphrase")
    page.get_by_role("button", name="Save the new password").click()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("a-fresh-long-passphrase")
    page.get_by_role("button", name="Sign in").click()

    assert page.url == f"{live_server.url}/attention/"


def test_the_owner_removes_a_practitioner_and_hands_their_clients_to_a_colleague(page, live_server):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    owner = MembershipFactory(user__email="alice@example.com", user__name="Alice Physio", role="owner")
    practice = owner.practice
    gina = MembershipFactory(practice=practice, user__name="Gina Physio").user
    hal = MembershipFactory(practice=practice, user__name="Hal Physio").user
    ClientFactory(practice=practice, practitioner=gina, name="Ivy Client")

    sign_in_by_cookie(page.context, live_server, owner.user)
    page.goto(f"{live_server.url}/clients/")
    page.get_by_role("link", name="Practice").click()
    assert_accessible(page)
    page.get_by_role("link", name="Remove Gina Physio").click()
    assert_accessible(page)
    page.get_by_label("Who takes over").select_option(label=f"Hal Physio · {hal.email}")
    page.get_by_label("Yes, remove Gina Physio").check()
    page.get_by_role("button", name="Remove Gina Physio").click()

    page.get_by_text("Gina Physio no longer works in").wait_for()
    assert page.get_by_text("1 client handed to Hal Physio.").is_visible()
    assert Client.objects.get(name="Ivy Client").practitioner == hal
    assert_accessible(page)
