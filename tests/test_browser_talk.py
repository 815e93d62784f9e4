"""In Chromium: the client answers a PSFS and writes to the practice at phone width (390 px); the
practitioner reads it and replies at 1280 px; the client sees the reply. Screenshots land in
var/screenshots/talk-*.png for a person to look at."""

from pathlib import Path

import pytest
from django.utils import timezone

from clients.consultations import questionnaires
from clients.models import Message, QuestionnaireResponse
from tests.conftest import need, sign_in_by_cookie, sign_in_by_token
from tests.factories import ClientFactory, MembershipFactory, assign
from tests.test_browser_journey import AXE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
# Anything wider than the phone's screen, or a tap target under 44 px high.
TOO_WIDE = "() => [...document.querySelectorAll('#today *')].filter(e => e.getBoundingClientRect().right > 391).map(e => e.id || e.tagName)"
SMALL_TARGETS = """() => [...document.querySelectorAll(`#questionnaires-due button, #messages button:not([hidden]),
    #messages textarea, #questionnaire button, #questionnaire select, #questionnaire input[type=text]`)]
    .filter(e => e.getBoundingClientRect().height && e.getBoundingClientRect().height < 43.5).map(e => e.id || e.textContent.slice(0, 20))"""


def test_a_client_answers_a_psfs_and_writes_and_the_practitioner_reads_and_replies(chromium, live_server):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    alice = MembershipFactory(user__email="alice@example.com", user__name="Alice Physio", role="owner").user
    bob = ClientFactory(practice=alice.memberships.get().practice, practitioner=alice, name="Bob Client")
    assignment = assign(bob, start=timezone.localdate())
    questionnaires.questionnaire_schedule(
        assignment=assignment, questionnaire="psfs", every_days=14, starts_on=timezone.localdate(), by=alice
    )

    phone = chromium.new_page(viewport={"width": 390, "height": 844})
    sign_in_by_token(phone.context, live_server, bob.user)
    phone.goto(f"{live_server.url}/app/")
    phone.wait_for_selector("#questionnaires-due:not([hidden])")
    phone.screenshot(path=SHOTS / "talk-phone-today.png")
    phone.get_by_role("button", name="Answer: Patient-Specific Functional Scale (PSFS)").click()
    phone.fill("#activity-0", "Climbing stairs")
    phone.select_option("#rating-0", "4")
    phone.fill("#activity-1", "Sitting through a film")
    phone.get_by_role("button", name="Send answers").click()
    phone.wait_for_selector("#err-answers\\.activities\\.1\\.rating:not(:empty)")
    assert "Choose a whole number" in phone.text_content("#err-answers\\.activities\\.1\\.rating")
    assert phone.evaluate(SMALL_TARGETS) == []
    phone.screenshot(path=SHOTS / "talk-phone-psfs.png")
    phone.select_option("#rating-1", "6")
    phone.get_by_role("button", name="Send answers").click()
    phone.wait_for_selector("#questionnaires-due", state="hidden")
    assert QuestionnaireResponse.objects.get().score == 5

    phone.fill("#message-body", "Stairs still hurt <b>going down</b>. Should I skip the squats?")
    phone.get_by_role("button", name="Send", exact=True).click()
    phone.wait_for_selector(".message.mine")
    assert phone.evaluate(TOO_WIDE) == []
    assert_accessible(phone)
    phone.locator("#messages").screenshot(path=SHOTS / "talk-phone-message.png")

    desk = chromium.new_page(viewport={"width": 1280, "height": 900})
    sign_in_by_cookie(desk.context, live_server, alice)
    desk.goto(f"{live_server.url}/clients/{bob.pk}/messages/")
    assert "Stairs still hurt <b>going down</b>." in desk.text_content(".message-body")
    assert desk.locator(".badge", has_text="New").count() == 1
    desk.fill("#id_body", "Keep the squats shallow this week, and tell me how the stairs feel on Friday.")
    desk.get_by_role("button", name="Send").click()
    desk.wait_for_selector("text=Message sent.")
    assert_accessible(desk)
    desk.screenshot(path=SHOTS / "talk-workspace-messages.png", full_page=True)
    desk.goto(f"{live_server.url}/clients/{bob.pk}/questionnaires/")
    assert "Climbing stairs: 4/10" in desk.text_content("main")
    assert_accessible(desk)
    desk.screenshot(path=SHOTS / "talk-workspace-questionnaires.png", full_page=True)

    phone.reload()
    phone.wait_for_selector(".message:not(.mine)")
    phone.locator("#messages").scroll_into_view_if_needed()
    phone.wait_for_selector("#messages-unread", state="hidden")
    assert Message.objects.get(from_client=False).read_at is not None
    phone.emulate_media(color_scheme="dark")
    phone.locator("#messages").screenshot(path=SHOTS / "talk-phone-reply-dark.png")
