"""Session mode on the phone page at 390 px: the day's exercises one at a time, the timer built in,
a check-off for each, a summary at the end; offline too, and each check-off stored once."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import Completion
from programs.models import ProgramExercise
from tests.conftest import sign_in_by_token, wait_for
from tests.factories import ClientFactory, ExerciseFactory, MembershipFactory, TemplateFactory, assign
from tests.test_browser_journey import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("PHONE_SCREENSHOTS")


@pytest.fixture
def phone(chromium):
    return chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


@pytest.fixture
def hana():
    """A client whose day holds a side plank (a 2-second hold each side), bird dogs in reps and a
    timed march."""
    practice = MembershipFactory().practice
    hana = ClientFactory(practice=practice, name="Hana Client", email="hana@example.com", timezone="UTC")
    template = TemplateFactory(exercises=0)
    dosages = [
        ("Side plank", {"sets": 1, "reps": 1, "hold_seconds": 2, "side": "each"}),
        ("Bird dog", {"sets": 2, "reps": 8}),
        ("March on the spot", {"sets": 1, "duration_seconds": 3}),
    ]
    for position, (name, dosage) in enumerate(dosages):
        ProgramExercise.objects.create(
            program=template, exercise=ExerciseFactory(name=name), position=position, **dosage
        )
    assign(hana, start=timezone.localdate() - timedelta(days=2), template=template)
    return hana


def open_the_list(page, live_server, hana):
    sign_in_by_token(page.context, live_server, hana.user)
    page.goto(f"{live_server.url}/app/")
    page.get_by_role("button", name="Start the session").wait_for()


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def check_off(page, *, pain=None, difficulty=None):
    dialog = page.get_by_role("dialog", name="How did it go?")
    dialog.wait_for()
    if pain is not None:
        page.locator("#pain").fill(str(pain))
    if difficulty is not None:
        dialog.get_by_label(str(difficulty), exact=True).check()
    dialog.get_by_role("button", name="Save").click()


def completions(hana):
    return list(Completion.objects.filter(assignment__client=hana).order_by("assignment_exercise__position"))


def test_a_session_walks_each_exercise_with_its_timer_then_sums_up(phone, live_server, hana):
    page = phone.new_page()
    page.clock.install()
    open_the_list(page, live_server, hana)

    page.get_by_role("button", name="Start the session").click()

    page.get_by_role("heading", name="Side plank", level=2).wait_for()
    assert page.locator("#session-position").inner_text() == "Exercise 1 of 3"
    assert page.locator("#session-step").inner_text() == "Set 1 of 1 · Left side · Hold 1 of 1"
    shot(page, "session-start")
    page.get_by_role("button", name="Start the timer").click()
    page.clock.run_for(2_000)
    page.get_by_text("Rest, then switch sides", exact=True).wait_for()
    page.get_by_role("button", name="Skip rest").click()
    page.get_by_text("Set 1 of 1 · Right side · Hold 1 of 1", exact=True).wait_for()
    shot(page, "session-timer")
    page.clock.run_for(2_000)  # the last hold ends: the check-off opens by itself
    check_off(page, pain=3, difficulty=2)

    page.get_by_role("heading", name="Bird dog", level=2).wait_for()
    assert page.locator("#session-timer").is_hidden()  # reps: nothing to time
    page.get_by_role("button", name="Done: how did it go?").click()
    check_off(page, pain=5)

    page.get_by_role("heading", name="March on the spot", level=2).wait_for()
    page.get_by_role("button", name="Previous").click()
    page.get_by_role("heading", name="Bird dog", level=2).wait_for()
    assert page.locator("#session-state").inner_text() == "✓ Done"
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Skip March on the spot").click()

    page.get_by_role("heading", name="Session finished").wait_for()
    summary = dict(
        zip(
            page.locator("#session-summary dt").all_inner_texts(),
            page.locator("#session-summary dd").all_inner_texts(),
            strict=True,
        )
    )
    assert summary == {"Done": "2", "Skipped": "1", "Average pain": "4"}
    shot(page, "session-summary")
    assert wait_for(lambda: len(completions(hana)) == 2)
    assert [(c.assignment_exercise.exercise.name, c.pain, c.difficulty) for c in completions(hana)] == [
        ("Side plank", 3, 2),
        ("Bird dog", 5, None),
    ]

    page.get_by_role("button", name="Back to today").last.click()
    page.get_by_text("2 of 3 done today").wait_for()


def test_a_session_offline_queues_its_check_offs_and_they_reach_the_server_once(phone, live_server, hana):
    page = phone.new_page()
    open_the_list(page, live_server, hana)
    phone.set_offline(True)

    page.get_by_role("button", name="Start the session").click()
    page.get_by_role("heading", name="Side plank", level=2).wait_for()
    page.get_by_role("button", name="Skip Side plank").click()
    page.get_by_role("button", name="Done: how did it go?").click()
    check_off(page, pain=2)
    page.get_by_role("button", name="Done: how did it go?").click()
    check_off(page)
    page.get_by_role("heading", name="Session finished").wait_for()
    assert page.locator("#summary-pain").inner_text() == "2"
    assert completions(hana) == []

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("All check-offs synced.").wait_for()
    page.evaluate("sync()")  # a second send of the same queue stores nothing twice
    assert [(c.assignment_exercise.exercise.name, c.pain) for c in completions(hana)] == [
        ("Bird dog", 2),
        ("March on the spot", None),
    ]


def test_a_session_begun_before_the_page_knows_who_is_signed_in_carries_on_once_it_does(
    phone, live_server, hana
):
    page = phone.new_page()
    held = []
    page.route("**/api/v1/me/", lambda route: held.append(route))  # answered when the test says
    open_the_list(page, live_server, hana)  # a first visit: the list shows before /me/ answers
    page.get_by_role("button", name="Start the session").click()
    page.get_by_role("heading", name="Side plank", level=2).wait_for()

    held[0].continue_()
    page.wait_for_function("() => localStorage.getItem('rehabit.me')")
    page.get_by_role("button", name="Skip Side plank").click()

    page.get_by_role("heading", name="Bird dog", level=2).wait_for()
    assert page.locator("#session-position").inner_text() == "Exercise 2 of 3"


def test_a_reload_in_the_middle_of_a_session_carries_on_where_it_was(phone, live_server, hana):
    page = phone.new_page()
    open_the_list(page, live_server, hana)
    page.get_by_role("button", name="Start the session").click()
    page.get_by_role("button", name="Skip Side plank").click()
    page.get_by_role("heading", name="Bird dog", level=2).wait_for()

    page.reload()

    page.get_by_role("heading", name="Bird dog", level=2).wait_for()
    assert page.locator("#session-position").inner_text() == "Exercise 2 of 3"


def test_the_screen_stays_awake_while_a_session_shows_and_may_sleep_after(phone, live_server, hana):
    page = phone.new_page()
    open_the_list(page, live_server, hana)
    page.evaluate(
        """() => {
          window.locks = [];
          navigator.wakeLock.request = async () => {
            const lock = { released: false, release: async () => { lock.released = true; } };
            window.locks.push(lock);
            return lock;
          };
        }"""
    )  # headless Chromium has no screen to keep on: the browser's answer is stood in for

    page.get_by_role("button", name="Start the session").click()
    page.get_by_role("heading", name="Side plank", level=2).wait_for()
    page.wait_for_function("() => window.locks.length === 1 && !window.locks[0].released")
    page.get_by_role("button", name="Back to today").first.click()

    page.wait_for_function("() => window.locks.every((lock) => lock.released)")


def test_a_session_has_no_serious_accessibility_finding_and_reduced_motion_moves_nothing(
    chromium, live_server, hana
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, reduced_motion="reduce")
    page = context.new_page()
    open_the_list(page, live_server, hana)
    page.get_by_role("button", name="Start the session").click()
    page.get_by_role("heading", name="Side plank", level=2).wait_for()

    assert (
        page.evaluate("getComputedStyle(document.getElementById('session-bar')).transitionDuration") == "0s"
    )
    assert_accessible(page)
