"""The phone page at 390 px: an exercise's how-to, the client's progress, and installing the page."""

import io
import os
from datetime import datetime, time, timedelta
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.test import Client as Browser
from django.utils import timezone
from PIL import Image

from clients.checkoffs.completions import completion_record
from practice.models import User
from programs.models import Program
from tests.conftest import api_as, need, sign_in_by_token
from tests.factories import ClientFactory, MembershipFactory, assign
from tests.test_browser_journey import AXE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("PHONE_SCREENSHOTS")  # a folder: the tests leave their 390 px screenshots there


@pytest.fixture
def phone(chromium):
    return chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


@pytest.fixture
def gil():
    """A client three weeks into the back-pain program: every day done for the last five days,
    pain easing from 6 to 3, and three of today's six exercises done."""
    call_command("seed_library", stdout=io.StringIO())
    practice = MembershipFactory(practice__accent_color="#7c2d12").practice
    gil = ClientFactory(practice=practice, name="Gil Client", email="gil@example.com", timezone="UTC")
    template = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
    today = timezone.localdate()
    assignment = assign(gil, start=today - timedelta(days=20), template=template)
    items = list(assignment.program.items.order_by("position"))
    assignment.program.items.filter(pk=items[4].pk).update(note="Keep the knees soft; stop if it pinches.")
    for days_ago, pain in ((20, 6), (19, 6), (5, 3), (4, 3), (3, 3), (2, 3), (1, 3)):
        for item in items:
            check_off(gil, item, today - timedelta(days=days_ago), pain=pain)
    for item in items[:3]:
        check_off(gil, item, today)
    return gil


def check_off(client, item, day, **answers):
    at = timezone.make_aware(datetime.combine(day, time(18)))
    fields = {"date": day, "session": 1, **answers}
    completion_record(
        client=client, completion_id=uuid4(), item=item, fields=fields, actor=client.user, now=at
    )


def sign_in(page, live_server):
    """Gil's phone, signed in by token (signing in is not these tests' subject)."""
    sign_in_by_token(page.context, live_server, User.objects.get(email="gil@example.com"))
    page.goto(f"{live_server.url}/app/")
    page.get_by_role("heading", name="Your progress").wait_for()
    page.locator("#today-count").wait_for()  # the list comes with the progress or just after it


# Resolves, with how many, once every picture `selector` finds is in the service worker's picture
# cache (app/sw.js), which says nothing when it is done: each check waits for the next frame.
PICTURES_KEPT = """async (selector) => {
  const cache = await caches.open("rehabit-pictures");
  const urls = [...document.querySelectorAll(selector)].map((img) => img.src);
  const missing = async () => (await Promise.all(urls.map(async (url) => (await cache.match(url, { ignoreVary: true })) ? null : url))).filter(Boolean);
  const until = performance.now() + 30000;
  for (let left = await missing(); left.length; left = await missing()) {
    if (performance.now() > until) throw new Error(`pictures never kept: ${left.join(" ")}`);
    await new Promise(requestAnimationFrame);
  }
  return urls.length;
}"""


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_tapping_an_exercise_opens_its_how_to_and_back_returns_to_the_same_place(phone, live_server, gil):
    slot = api_as(gil.user).get("/api/v1/me/today/").json()["slots"][4]
    exercise = slot["exercise"]
    page = phone.new_page()
    sign_in(page, live_server)
    link = page.get_by_role("link", name=exercise["name"], exact=True)
    link.scroll_into_view_if_needed()
    place = page.evaluate("window.scrollY")
    assert place > 0

    link.click()
    page.get_by_role("heading", name=exercise["name"], level=2).wait_for()
    assert page.evaluate("location.hash") == f"#exercise/{slot['assignment_exercise']}-1"
    steps = page.locator("#exercise-body ol li")
    assert steps.all_inner_texts() == exercise["steps"]
    assert page.locator("#exercise-body ul li").all_inner_texts() == exercise["cues"]
    assert page.locator("#exercise-body").get_by_text("Keep the knees soft; stop if it pinches.").is_visible()
    picture = page.get_by_role("img", name=exercise["illustration_alt"]).last
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    assert picture.bounding_box()["width"] >= 300  # large, not the list's thumbnail
    shot(page, "exercise-detail")

    page.get_by_role("button", name="Back to today").click()
    page.get_by_role("heading", name="Your progress").wait_for()
    assert abs(page.evaluate("window.scrollY") - place) <= 2
    assert page.evaluate("document.activeElement.textContent") == exercise["name"]

    link.click()
    page.get_by_role("heading", name=exercise["name"], level=2).wait_for()
    page.go_back()  # the phone's own back button
    page.get_by_role("heading", name="Your progress").wait_for()
    assert abs(page.evaluate("window.scrollY") - place) <= 2


def test_an_exercise_reads_at_twice_the_text_size_without_sideways_scrolling(phone, live_server, gil):
    page = phone.new_page()
    sign_in(page, live_server)
    page.locator("#slots a.name").first.click()
    page.locator("#exercise-body ol").wait_for()

    page.evaluate("document.documentElement.style.fontSize = '200%'")

    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 34
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "exercise-detail-200-percent")


def test_the_list_says_how_many_are_done_today_and_the_progress_matches_the_api(phone, live_server, gil):
    api = api_as(gil.user)
    slots = api.get("/api/v1/me/today/").json()["slots"]
    report = api.get("/api/v1/me/adherence/").json()
    page = phone.new_page()
    sign_in(page, live_server)

    done = sum(slot["done"] for slot in slots)
    assert (done, len(slots)) == (3, 6)
    assert page.locator("#today-count-text").inner_text() == f"{done} of {len(slots)} done today"
    assert page.locator("#streak-current").inner_text() == f"{report['current_streak']} days"
    assert page.locator("#streak-best").inner_text() == f"{report['best_streak']} days"
    weeks = page.locator("#weeks li")
    assert weeks.count() == 4
    last = report["weeks"][-1]
    # This week counts its days that have ended: on a Monday, none yet.
    figure = f"{last['done']} of {last['scheduled']} done" if last["scheduled"] else "Nothing done yet"
    assert figure in weeks.last.inner_text()
    assert report["pain_trend"] == "falling"
    assert page.locator("#pain-trend").inner_text().startswith("Easing: 3 points lower")
    # Signed in on the phone alone, with no web session: the bar still takes the practice's colour.
    assert page.locator('meta[name="theme-color"]').get_attribute("content") == "#7c2d12"
    shot(page, "progress")

    page.get_by_role("button", name=f"Check off {slots[3]['exercise']['name']}").click()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("4 of 6 done today").wait_for()


def test_offline_the_progress_shows_the_last_figures_saying_so_and_pictures_still_show(
    phone, live_server, gil
):
    page = phone.new_page()
    sign_in(page, live_server)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker's care
    page.get_by_role("heading", name="Your progress").wait_for()
    streak = page.locator("#streak-current").inner_text()
    # The page puts the list's pictures in the service worker's cache one by one after the list
    # shows (keepPictures): going offline before the last is kept would leave it blank.
    assert page.evaluate(PICTURES_KEPT, "#slots img") > 0

    phone.set_offline(True)
    page.reload()

    page.get_by_text("Offline: these are your figures from").wait_for()
    # The list is drawn again once the page has tried the server: the last time as it says so.
    page.get_by_text("Offline: showing your saved list.").wait_for()
    assert page.locator("#streak-current").inner_text() == streak
    assert page.locator("#today-count-text").inner_text() == "3 of 6 done today"
    pictures = page.locator("#slots img")
    pictures.last.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('#slots img')].every((img) => img.complete)")
    assert pictures.evaluate_all("imgs => imgs.every(img => img.naturalWidth > 0)")
    shot(page, "progress-offline")
    phone.set_offline(False)


# The connection drops while the progress answer comes in: its headers arrive, its body never does.
# `window.progressCutOff` resolves once the page has read that body (and handled its failure).
CUT_OFF = """(() => {
  const fetchFromNetwork = window.fetch;
  let cut;
  window.progressCutOff = new Promise((resolve) => (cut = resolve));
  window.fetch = async (input, init) => {
    const response = await fetchFromNetwork(input, init);
    if (!String(input).endsWith("/api/v1/me/adherence/")) return response;
    const body = new ReadableStream({ pull(stream) { stream.error(new TypeError("network error")); setTimeout(cut); } });
    return new Response(body, { status: response.status, headers: response.headers });
  };
})();"""


def test_progress_cut_off_on_its_way_leaves_the_last_figures_kept_for_offline(phone, live_server, gil):
    page = phone.new_page()
    sign_in(page, live_server)
    streak = page.locator("#streak-current").inner_text()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    phone.add_init_script(CUT_OFF)
    page.reload()
    page.evaluate("window.progressCutOff.then(() => new Promise((resolve) => setTimeout(resolve)))")
    assert page.locator("#streak-current").inner_text() == streak
    assert page.get_by_text("Offline: these are your figures from").is_visible()

    phone.set_offline(True)
    page.reload()
    page.get_by_text("Offline: these are your figures from").wait_for()
    assert page.locator("#streak-current").inner_text() == streak
    phone.set_offline(False)


def test_the_detail_and_progress_have_no_serious_accessibility_finding_light_or_dark(
    chromium, live_server, gil
):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    for scheme in ("light", "dark"):
        context = chromium.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme=scheme
        )
        page = context.new_page()
        sign_in(page, live_server)
        page.locator("#weeks li").first.wait_for()
        assert_accessible(page)
        shot(page, f"list-and-progress-{scheme}")
        page.locator("#slots a.name").nth(4).click()
        page.locator("#exercise-body ol").wait_for()
        assert_accessible(page)
        shot(page, f"exercise-detail-{scheme}")
        context.close()


def test_every_tap_target_on_the_list_and_an_exercise_is_at_least_44_px_high(phone, live_server, gil):
    page = phone.new_page()
    sign_in(page, live_server)
    small = "() => [...document.querySelectorAll('main button, main a.name, main a.video')].filter(e => e.offsetParent && e.getBoundingClientRect().height < 44).map(e => e.textContent.trim())"
    assert page.evaluate(small) == []
    page.locator("#slots a.name").first.click()
    page.locator("#exercise-body ol").wait_for()
    assert page.evaluate(small) == []


def test_an_exercise_is_checked_off_from_its_how_to_and_the_list_counts_it(phone, live_server, gil):
    page = phone.new_page()
    sign_in(page, live_server)
    page.get_by_role("link", name="Side plank", exact=True).click()

    page.get_by_role("button", name="Check off Side plank").click()
    page.get_by_role("button", name="Save").click()

    page.locator("#exercise-body").get_by_text("✓ Done").wait_for()
    page.get_by_role("button", name="Back to today").click()
    page.get_by_text("4 of 6 done today").wait_for()


def test_a_client_goes_through_the_exercises_not_done_one_at_a_time_and_back_to_the_list(
    phone, live_server, gil
):
    names = [slot["exercise"]["name"] for slot in api_as(gil.user).get("/api/v1/me/today/").json()["slots"]]
    page = phone.new_page()
    sign_in(page, live_server)

    page.get_by_role("button", name=f"Go on with {names[3]}").click()
    page.get_by_role("heading", name=names[3], level=2).wait_for()
    assert page.get_by_role("navigation", name="Exercise 4 of 6").is_visible()
    page.get_by_role("link", name=f"Next: {names[4]}").click()
    page.get_by_role("heading", name=names[4], level=2).wait_for()
    page.get_by_role("link", name=f"Previous: {names[3]}").click()
    page.get_by_role("heading", name=names[3], level=2).wait_for()
    page.get_by_role("link", name=f"Next: {names[4]}").click()
    page.get_by_role("heading", name=names[4], level=2).wait_for()
    shot(page, "exercise-step-through")

    page.go_back()  # one step back is the list, however many exercises were seen

    page.get_by_role("heading", name="Your progress").wait_for()
    assert page.evaluate("document.activeElement.textContent") == names[4]
    assert page.evaluate("location.hash") == ""


def test_the_timer_skips_a_rest_on_request(phone, live_server, gil):
    page = phone.new_page()
    page.clock.install()
    sign_in(page, live_server)
    page.get_by_role("button", name="Start timer for Side plank").click()
    skip = page.get_by_role("button", name="Skip rest")
    assert page.locator("#timer-step").inner_text() == "Set 1 of 3 · Left side · Hold 1 of 1"
    assert skip.is_hidden()  # a hold is not skipped

    page.clock.run_for(21_000)
    page.get_by_text("Rest, then switch sides", exact=True).wait_for()
    skip.click()

    page.get_by_text("Set 1 of 3 · Right side · Hold 1 of 1", exact=True).wait_for()
    assert skip.is_hidden()
    page.get_by_role("button", name="Stop").click()
    page.wait_for_function("() => timer.lock === null", timeout=5_000)  # the screen may sleep again


# --- installing ----------------------------------------------------------------------------


def test_the_manifest_makes_the_page_installable_in_the_products_colour(db):
    answer = Browser().get("/app/manifest.json")

    assert answer["Content-Type"] == "application/manifest+json"
    manifest = answer.json()
    assert (manifest["name"], manifest["short_name"]) == ("Rehabit", "Rehabit")
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/app/", "/app/", "standalone")
    assert manifest["theme_color"] == "#0f766e"
    icons = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert icons == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}


def test_a_client_signed_in_on_the_web_gets_their_practices_colour(gil):
    browser = Browser()
    browser.force_login(gil.user)

    assert browser.get("/app/manifest.json").json()["theme_color"] == "#7c2d12"
    assert b'<meta name="theme-color" content="#7c2d12">' in browser.get("/app/").content


def test_a_spanish_phone_gets_the_manifest_in_spanish(db):
    manifest = Browser().get("/app/manifest.json", headers={"Accept-Language": "es"}).json()

    assert manifest["lang"] == "es"
    assert manifest["description"].startswith("Sus ejercicios en casa")


def test_chromium_reads_the_linked_manifest_and_its_icons_are_the_right_pngs(phone, live_server, gil):
    page = phone.new_page()
    sign_in(page, live_server)
    devtools = phone.new_cdp_session(page)

    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"].endswith("/app/manifest.json") and manifest["errors"] == []
    for icon in page.request.get(manifest["url"]).json()["icons"]:
        answer = page.request.get(f"{live_server.url}{icon['src']}")
        assert answer.status == 200 and answer.headers["content-type"] == "image/png"
        size = int(icon["sizes"].split("x")[0])
        assert Image.open(io.BytesIO(answer.body())).size == (size, size)
    # Installable but for the test browser's private profile, which no real phone has.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []


def test_a_spanish_speaking_client_reads_the_count_progress_and_how_to_in_spanish(phone, live_server, gil):
    gil.language = "es"
    gil.save()
    page = phone.new_page()
    page.goto(f"{live_server.url}/app/")
    page.get_by_label("Email").fill("gil@example.com")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="Su progreso").wait_for()
    page.locator("#today-count").wait_for()
    assert page.locator("#today-count-text").inner_text() == "3 de 6 hechos hoy"
    assert page.locator("#streak-current").inner_text() == "5 días"
    assert page.locator("#pain-trend").inner_text().startswith("Bajando: 3 puntos menos")
    page.locator("#slots a.name").nth(2).click()
    page.get_by_role("heading", name="Cómo hacerlo").wait_for()
    assert page.get_by_role("heading", name="Sentadilla profunda", level=2).is_visible()
    page.get_by_role("button", name="Volver a hoy").click()
    page.get_by_role("heading", name="Su progreso").wait_for()
