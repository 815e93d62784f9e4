"""Layout in a real browser at phone width (390 px): nothing runs off the side, form widgets read right."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.models import Alert, Consultation, HandoutBatch, Reminder
from practice import team
from tests.conftest import need, sign_in_by_cookie
from tests.factories import ClientFactory, MembershipFactory, assign
from tests.test_browser_journey import AXE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# Everything a table shows, including what a screen reader alone reads, must sit inside the screen.
OFF_SCREEN = """() => [...document.querySelectorAll('main td, main td *')]
    .filter(e => { const box = e.getBoundingClientRect(); return box.width && (box.left < 0 || box.right > 390); })
    .map(e => e.textContent.trim().slice(0, 40))"""
# A card scrolls sideways only when what it holds is wider: then a column sits out of sight.
CARDS_SCROLLING_SIDEWAYS = """() => [...document.querySelectorAll('main .card')]
    .filter(card => card.scrollWidth > card.clientWidth)
    .map(card => (card.querySelector('h1, h2, th') || card).textContent.trim().slice(0, 40))"""
# A caption reads across its table, not squeezed into a column a word or two wide.
SQUEEZED_CAPTIONS = """() => [...document.querySelectorAll('main table caption:not(.visually-hidden)')]
    .filter(c => c.getBoundingClientRect().width && c.getBoundingClientRect().width < 0.9 * c.closest('table').getBoundingClientRect().width)
    .map(c => c.textContent.trim().slice(0, 40))"""


@pytest.fixture
def phone(chromium):
    return chromium.new_page(viewport={"width": 390, "height": 844})


@pytest.fixture
def busy_practice(db):
    """An owner with a long email, a colleague, an open invitation and a client on two programs."""
    call_command("seed_library")
    owner = MembershipFactory(
        user__email="pat.practitioner@a-rather-long-clinic-name.example",
        user__name="Pat Practitioner",
        role="owner",
    )
    MembershipFactory(
        practice=owner.practice,
        user__email="someone.with.a.long.name@physio-clinic.example",
        user__name="Sam Long",
    )
    team.practitioner_invite(
        practice=owner.practice,
        email="another.practitioner@long-domain.example",
        role="practitioner",
        by=owner.user,
    )
    bob = ClientFactory(practice=owner.practice, name="Lucía Fernández", email="lucia.fernandez@example.com")
    assign(bob, start=timezone.localdate())
    assign(bob, start=timezone.localdate())
    held = timezone.now() - timedelta(days=1)
    Consultation.objects.create(
        client=bob, practitioner=owner.user, scheduled_at=held, pain=7, odi_percent=40
    )
    reminders_sent_and_skipped(bob, owner.user)
    HandoutBatch.objects.create(practice=owner.practice, requested_by=owner.user, total=2, done=1, failed=1)
    Alert.objects.create(
        client=bob, kind=Alert.PAIN, local_date=held.date(), raised_at=held, reason="Pain 8/10 in Deep squat"
    )
    Consultation.objects.create(
        client=bob, practitioner=owner.user, scheduled_at=timezone.now() + timedelta(hours=3)
    )
    return owner.user, bob


def reminders_sent_and_skipped(client, practitioner):
    now = timezone.now()
    for days, kind, status, reason, recipient in (
        (1, Reminder.EXERCISE, Reminder.SKIPPED, "falls in the client's quiet hours", None),
        (2, Reminder.EXERCISE, Reminder.FAILED, "SMTPServerDisconnected on attempt 5", None),
        (3, Reminder.PAIN_ALERT, Reminder.SENT, "", practitioner),
    ):
        due = now - timedelta(days=days)
        Reminder.objects.create(
            client=client,
            recipient=recipient,
            kind=kind,
            local_date=due.date(),
            due_at=due,
            status=status,
            reason=reason,
            attempts=5 if status == Reminder.FAILED else 0,
        )


def sign_in(phone, live_server, user):
    sign_in_by_cookie(phone.context, live_server, user)
    phone.goto(f"{live_server.url}/clients/")
    phone.get_by_role("heading", name="Clients").wait_for()


def workspace_pages(client) -> list[str]:
    """The workspace pages with tables, about one client."""
    return [
        "/attention/",
        f"/attention/alerts/{client.alerts.get().pk}/",
        "/clients/",
        f"/clients/{client.pk}/",
        f"/clients/{client.pk}/reminders/",
        f"/clients/{client.pk}/audit/",
        "/library/",
        "/practice/",
        "/practice/history/",
    ]


def test_workspace_pages_fit_a_phone_screen_without_sideways_scrolling(phone, live_server, busy_practice):
    owner, bob = busy_practice
    sign_in(phone, live_server, owner)

    for path in [*workspace_pages(bob), "/handouts/batches/"]:
        phone.goto(f"{live_server.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
        assert phone.evaluate(OFF_SCREEN) == [], f"{path} hides table cells off the side"
        assert phone.evaluate(CARDS_SCROLLING_SIDEWAYS) == [], f"{path} has a card to scroll sideways"
        assert phone.evaluate(SQUEEZED_CAPTIONS) == [], f"{path} squeezes a table's caption"


def test_on_a_phone_the_outcomes_explanation_reads_across_the_card(phone, live_server, busy_practice):
    owner, bob = busy_practice
    sign_in(phone, live_server, owner)
    phone.goto(f"{live_server.url}/clients/{bob.pk}/")

    said = phone.locator("#outcomes-heading + p")
    card = phone.locator("#outcomes")
    assert said.bounding_box()["width"] >= card.bounding_box()["width"] - 64  # the card's padding
    assert said.bounding_box()["height"] < 200  # a few lines, not a word a line


def test_on_a_phone_every_column_of_a_clients_reminders_shows_with_its_name(
    phone, live_server, busy_practice
):
    owner, bob = busy_practice
    sign_in(phone, live_server, owner)
    phone.goto(f"{live_server.url}/clients/{bob.pk}/reminders/")

    why = phone.locator("td[data-label='Why']", has_text="quiet hours")
    assert why.is_visible()
    box = why.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    for label in ("What", "To", "Status"):
        assert phone.locator(f"td[data-label='{label}']").first.is_visible()


def test_on_a_phone_every_column_of_the_clients_list_shows_with_its_name(phone, live_server, busy_practice):
    owner, _ = busy_practice
    sign_in(phone, live_server, owner)

    row = phone.locator("#client-rows tbody tr").first
    for label in ("Status", "Adherence (14 days)", "Last activity"):
        cell = row.locator(f"td[data-label='{label}']")
        assert cell.is_visible() and cell.bounding_box()["x"] + cell.bounding_box()["width"] <= 390
    assert row.get_by_text("None yet").is_visible()


def test_on_a_phone_each_handout_run_shows_its_status_and_progress_with_their_names(
    phone, live_server, busy_practice
):
    owner, _ = busy_practice
    sign_in(phone, live_server, owner)
    phone.goto(f"{live_server.url}/handouts/batches/")

    for label, text in (("Status", "Waiting"), ("Progress", "1 of 2 · 1 failed")):
        cell = phone.locator(f"td[data-label='{label}']")
        assert cell.inner_text() == text
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert (
        phone.locator("table.stack thead").bounding_box()["height"] <= 1
    )  # headers read by screen readers only


def test_on_a_phone_a_programs_edit_pause_and_end_are_on_screen(phone, live_server, busy_practice):
    owner, bob = busy_practice
    sign_in(phone, live_server, owner)
    phone.goto(f"{live_server.url}/clients/{bob.pk}/")

    for action in (
        phone.get_by_role("link", name="Edit program").first,
        phone.get_by_role("button", name="Pause").first,
        phone.get_by_role("link", name="End", exact=False).first,
    ):
        action.scroll_into_view_if_needed()
        box = action.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    phone.get_by_role("button", name="Pause").first.click()
    phone.get_by_role("button", name="Resume").first.wait_for()


def test_stacked_tables_stay_accessible_at_phone_width(phone, live_server, busy_practice):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    owner, bob = busy_practice
    sign_in(phone, live_server, owner)
    for path in workspace_pages(bob):
        phone.goto(f"{live_server.url}{path}")
        assert_accessible(phone)


def test_the_clear_box_of_a_current_logo_reads_inline_not_as_a_field_label(phone, live_server):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    alice = MembershipFactory(user__email="alice@example.com", user__name="Alice Physio", role="owner").user
    practice = alice.memberships.get().practice
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, "PNG")
    practice.logo.save("logo.png", ContentFile(out.getvalue()))

    sign_in(phone, live_server, alice)
    phone.goto(f"{live_server.url}/practice/")

    clear = phone.locator("label", has_text="Clear")
    assert clear.evaluate("label => getComputedStyle(label).display") == "inline"
    assert clear.evaluate("label => getComputedStyle(label).fontWeight") == "400"


def test_the_accent_colour_is_a_swatch_not_a_full_width_bar(phone, live_server):
    alice = MembershipFactory(user__email="alice@example.com", user__name="Alice Physio", role="owner").user

    sign_in(phone, live_server, alice)
    phone.goto(f"{live_server.url}/practice/")

    box = phone.locator("input[type=color]").bounding_box()
    assert box["width"] <= 80 and box["height"] >= 30, box


def test_on_a_phone_the_top_bar_is_one_row_and_its_menu_opens_without_script(
    chromium, live_server, busy_practice
):
    owner, _ = busy_practice
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    sign_in_by_cookie(context, live_server, owner)
    page = context.new_page()
    page.goto(f"{live_server.url}/clients/")
    clients = page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients")

    assert page.locator("header.topbar").bounding_box()["height"] < 80  # one row, not two or three
    assert not clients.is_visible()
    page.locator("header summary", has_text="Menu").click()
    assert clients.is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    clients.click()
    page.get_by_role("heading", name="Clients").wait_for()


def test_on_a_wide_screen_the_sections_sit_in_the_bar_with_no_menu_to_open(
    chromium, live_server, busy_practice
):
    owner, _ = busy_practice
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    sign_in_by_cookie(page.context, live_server, owner)
    page.goto(f"{live_server.url}/clients/")

    assert not page.locator("header summary", has_text="Menu").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert [
        nav.get_by_role("link", name=name).is_visible() for name in ("Clients", "Library", "Practice")
    ] == [
        True,
        True,
        True,
    ]
    assert page.locator("header.topbar").bounding_box()["height"] < 80
