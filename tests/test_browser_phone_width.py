"""Layout in a real browser at phone width (390 px): nothing runs off the side, form widgets read right."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import ClientFactory, MembershipFactory, assign

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(chromium):
    return chromium.new_page(viewport={"width": 390, "height": 844})


def test_workspace_pages_fit_a_phone_screen_without_sideways_scrolling(phone, live_server):
    call_command("seed_library")
    alice = MembershipFactory(user__email="alice@example.com", user__name="Alice Physio").user
    bob = ClientFactory(practice=alice.memberships.get().practice, name="Bob Client", email="bob@example.com")
    assign(bob, start=timezone.localdate())

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("Email").fill("alice@example.com")
    phone.get_by_label("Password").fill("correct-horse-battery")
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("heading", name="Clients").wait_for()

    for path in ("/clients/", f"/clients/{bob.pk}/", "/library/", "/practice/", "/handouts/batches/"):
        phone.goto(f"{live_server.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"


def test_the_clear_box_of_a_current_logo_reads_inline_not_as_a_field_label(phone, live_server):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    alice = MembershipFactory(user__email="alice@example.com", user__name="Alice Physio", role="owner").user
    practice = alice.memberships.get().practice
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, "PNG")
    practice.logo.save("logo.png", ContentFile(out.getvalue()))

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("Email").fill("alice@example.com")
    phone.get_by_label("Password").fill("correct-horse-battery")
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("heading", name="Clients").wait_for()
    phone.goto(f"{live_server.url}/practice/")

    clear = phone.locator("label", has_text="Clear")
    assert clear.evaluate("label => getComputedStyle(label).display") == "inline"
    assert clear.evaluate("label => getComputedStyle(label).fontWeight") == "400"


def test_the_accent_colour_is_a_swatch_not_a_full_width_bar(phone, live_server):
    MembershipFactory(user__email="alice@example.com", user__name="Alice Physio", role="owner")

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("Email").fill("alice@example.com")
    phone.get_by_label("Password").fill("correct-horse-battery")
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("heading", name="Clients").wait_for()
    phone.goto(f"{live_server.url}/practice/")

    box = phone.locator("input[type=color]").bounding_box()
    assert box["width"] <= 80 and box["height"] >= 30, box
