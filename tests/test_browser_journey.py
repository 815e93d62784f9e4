"""The practitioner's thin journey, walked in headless Chromium against a live server."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from clients.models import Assignment
from tests.conftest import need
from tests.factories import ClientFactory, MembershipFactory

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(live_server, monkeypatch):
    need("Chromium", os.path.exists(CHROMIUM), f"{CHROMIUM} is missing (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still plain synchronous ones, which Django would otherwise refuse.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(accept_downloads=True)
        yield page
        browser.close()
        # The ORM calls made under Playwright's loop got a connection of their own: close it
        # here, in that context, or it outlives the test database.
        connections.close_all()


def test_practitioner_signs_in_assigns_the_template_and_downloads_the_handout(page, live_server, tmp_path):
    call_command("seed_library")
    alice = MembershipFactory(user__email="alice@example.com", user__name="Alice Physio").user
    ClientFactory(practice=alice.memberships.get().practice, name="Bob Client")

    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Bob Client").click()
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
