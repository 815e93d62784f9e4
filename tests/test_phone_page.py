"""The phone page at /app/, walked in headless Chromium: a check-off made offline syncs once."""

import re
from datetime import time, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client as Browser
from django.utils import timezone
from knox.models import AuthToken

from clients.accounts import invitations
from clients.assignments import lifecycle, versions
from clients.models import Completion
from programs.models import Exercise, ProgramExercise
from tests.conftest import need, sign_in_by_token
from tests.factories import ClientFactory, ExerciseFactory, MembershipFactory, TemplateFactory, assign
from tests.test_browser_journey import AXE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context(chromium):
    return chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


@pytest.fixture
def fay():
    """A client with a one-exercise program that includes a 3-second hold."""
    practice = MembershipFactory().practice
    fay = ClientFactory(practice=practice, name="Fay Client", email="fay@example.com", timezone="UTC")
    template = TemplateFactory(exercises=0)
    ProgramExercise.objects.create(
        program=template,
        exercise=ExerciseFactory(name="Side plank"),
        sets=1,
        reps=1,
        hold_seconds=2,
        side="each",
    )
    assign(fay, start=timezone.localdate() - timedelta(days=2), template=template)
    return fay


def submit_sign_in(page, url, email="fay@example.com"):
    """Open `url` and sign in through the form it shows (the phone page's or the web's)."""
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, live_server, fay):
    """Fay's phone, signed in by token: the tests that are about signing in use the form."""
    sign_in_by_token(page.context, live_server, fay.user)
    page.goto(f"{live_server.url}/app/")
    page.get_by_role("button", name="Check off Side plank").wait_for()
    # The list shows first; the program card and the progress are read after it: all in.
    page.locator(".program").wait_for()
    page.locator("#progress").wait_for()


def test_a_check_off_made_offline_reaches_the_server_once_when_back_online(browser_context, live_server, fay):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)

    browser_context.set_offline(True)
    page.get_by_role("button", name="Check off Side plank").click()
    page.get_by_label("Pain during the exercise").fill("3")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Save").click()

    page.get_by_text("Offline: 1 check-off waiting to sync.").wait_for()
    assert page.get_by_text("✓ Done").is_visible()
    assert not Completion.objects.exists()

    browser_context.set_offline(False)
    page.get_by_text("All check-offs synced.").wait_for(timeout=20_000)
    page.reload()
    page.get_by_text("✓ Done").wait_for()

    completion = Completion.objects.get()
    assert (completion.pain, completion.difficulty, completion.date) == (3, 4, timezone.localdate())
    assert page.evaluate("localStorage.getItem('rehabit.queue')") == "[]"


def test_the_first_load_says_the_exercises_are_coming_instead_of_a_blank_page(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    held = []
    page.route("**/api/v1/me/today/", lambda route: held.append(route))  # the answer is slow to come
    submit_sign_in(page, f"{live_server.url}/app/")

    page.get_by_text("Loading today's exercises…").wait_for()
    while not held:  # the request reaches the route a moment after the words appear
        page.wait_for_timeout(50)
    held[0].continue_()

    page.get_by_role("button", name="Check off Side plank").wait_for()
    assert page.locator("#status").text_content() == ""


def test_the_timer_counts_down_each_side_then_asks_how_it_went(browser_context, live_server, fay):
    page = browser_context.new_page()
    page.clock.install()  # the test moves the page's clock on: no waiting out the holds and rests
    sign_in(page, live_server, fay)

    page.get_by_role("button", name="Start timer for Side plank").click()

    step = page.locator("#timer-step")
    assert step.text_content() == "Set 1 of 1 · Left side · Hold 1 of 1"
    page.clock.run_for(2_000)  # the hold
    page.get_by_text("Rest, then switch sides", exact=True).wait_for(timeout=5_000)
    page.clock.run_for(10_000)  # the rest between sides
    page.get_by_text("Set 1 of 1 · Right side · Hold 1 of 1", exact=True).wait_for(timeout=5_000)
    page.clock.run_for(2_000)
    page.get_by_role("heading", name="How did it go?").wait_for(timeout=5_000)


def test_a_wrong_password_says_so_and_stores_no_token(browser_context, live_server, fay):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/app/")
    page.get_by_label("Email").fill("fay@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_text("Email or password is not right.").wait_for()
    assert page.evaluate("localStorage.getItem('rehabit.token')") is None


def test_a_spanish_phone_says_why_signing_in_failed_in_spanish_without_field_names(
    chromium, live_server, fay
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="es-ES")
    page = context.new_page()
    page.goto(f"{live_server.url}/app/")
    error = page.locator("#sign-in-error")

    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_text("Escriba su correo electrónico. Escriba su contraseña.", exact=True).wait_for()
    assert page.evaluate("document.activeElement.id") == "email"

    page.get_by_label("Correo electrónico").fill("fay")
    page.get_by_label("Contraseña").fill("wrong")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_text(
        "Escriba una dirección de correo válida, como nombre@ejemplo.com.", exact=True
    ).wait_for()

    page.get_by_label("Correo electrónico").fill("fay@example.com")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_text("El correo o la contraseña no son correctos.", exact=True).wait_for()

    page.route("**/api/v1/auth/token/", lambda route: route.fulfill(status=500, json=SERVER_ERROR))
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_text(
        "No se ha podido iniciar sesión en este momento. Inténtelo de nuevo.", exact=True
    ).wait_for()
    assert "Something" not in error.text_content()


SERVER_ERROR = {
    "code": "server_error",
    "field": None,
    "message": "Something went wrong on our side; it has been logged.",
    "errors": [{"code": "server_error", "field": None, "message": "Something went wrong on our side."}],
}


def test_a_spanish_phone_says_to_wait_after_too_many_wrong_passwords(chromium, live_server, fay, settings):
    rates = {"anon": "1000/min", "user": "1000/min", "sign_in": "1/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    cache.clear()
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="es-ES")
    page = context.new_page()
    page.goto(f"{live_server.url}/app/")
    page.get_by_label("Correo electrónico").fill("fay@example.com")
    page.get_by_label("Contraseña").fill("wrong")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_text("El correo o la contraseña no son correctos.", exact=True).wait_for()

    page.get_by_label("Contraseña").fill("correct-horse-battery")
    page.get_by_role("button", name="Iniciar sesión").click()

    page.get_by_text(
        "Demasiados intentos de inicio de sesión. Espere unos minutos y vuelva a intentarlo.", exact=True
    ).wait_for()
    assert page.evaluate("localStorage.getItem('rehabit.token')") is None
    cache.clear()


def test_a_client_who_forgot_their_password_asks_for_a_link_from_the_phone(
    chromium, live_server, fay, mailoutbox
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="es-ES")
    page = context.new_page()
    page.goto(f"{live_server.url}/app/")

    page.get_by_role("link", name="¿Ha olvidado su contraseña?").click()
    page.get_by_label("Correo electrónico").fill("fay@example.com")
    page.get_by_role("button", name="Enviar el enlace").click()

    page.get_by_role("heading", name="Revise su correo").wait_for()
    assert [message.to for message in mailoutbox] == [["fay@example.com"]]


def sign_in_on_a_spanish_phone(chromium, live_server, client):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="es-ES")
    sign_in_by_token(context, live_server, client.user)
    page = context.new_page()
    page.goto(f"{live_server.url}/app/")
    return page


def test_a_phone_set_to_spanish_gets_the_page_and_the_timer_in_spanish(chromium, live_server, fay):
    """Before signing in the phone's language is all there is; after, the client's (here the same)."""
    fay.language = "es"
    fay.save()
    page = sign_in_on_a_spanish_phone(chromium, live_server, fay)

    page.get_by_role("button", name="Iniciar el temporizador de Side plank").click()

    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#timer-step").text_content() == "Serie 1 de 1 · Lado izquierdo · Mantener 1 de 1"
    assert page.locator("#timer-next").text_content() == "Siguiente: Descanso y cambio de lado"
    assert page.locator("#today-title").text_content().startswith("Hoy, ")


def test_the_phone_page_speaks_the_phones_language_and_english_otherwise(client):
    response = client.get("/app/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    spanish = response.content.decode()
    english = client.get("/app/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()

    assert '<html lang="es">' in spanish and "Iniciar sesión" in spanish
    assert '<script src="/app/jsi18n/es/">' in spanish  # the script's words, in the page's language
    assert '<html lang="en">' in english and "Sign in" in english
    assert "Accept-Language" in response["Vary"]


def test_the_pages_first_reads_are_inline_in_its_head_under_the_nonce_its_policy_allows(client):
    response = client.get("/app/")
    page = response.content.decode()
    nonce = re.search(r'<script nonce="([^"]+)">', page).group(1)

    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert page.index(f'<script nonce="{nonce}">') < page.index('rel="stylesheet"')
    assert "fetch(`/api/v1${path}`" in page and "early.js" not in page
    assert re.search(r'<script nonce="([^"]+)">', client.get("/app/").content.decode()).group(1) != nonce


def test_the_time_zones_are_named_in_the_pages_language_whichever_was_asked_first(client):
    english = client.get("/app/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get("/app/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<optgroup label="Indian Ocean">' in english and '<optgroup label="Océano Índico">' not in english
    assert '<optgroup label="Océano Índico">' in spanish
    assert '<option value="Europe/Madrid">Madrid</option>' in spanish


def test_a_first_version_shows_no_empty_what_changed_box(browser_context, live_server, fay):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)

    assert page.locator(".changes").count() == 0


def test_what_changed_reads_each_change_apart(browser_context, live_server, fay):
    assignment = fay.assignments.get()
    draft = versions.revision_draft(assignment=assignment)
    draft.items.update(sets=2)
    versions.assignment_revise(
        assignment=assignment, draft=draft, schedule={**versions.schedule_of(assignment), "weeks": 8}
    )
    page = browser_context.new_page()
    sign_in(page, live_server, fay)

    changed = page.locator(".changes").text_content()
    assert changed == "What changed: side plank now 2 × 1 · hold 2 s · each side; now 8 weeks"


def test_a_spanish_client_reads_what_changed_in_spanish(chromium, live_server, fay):
    fay.language = "es"
    fay.save()
    Exercise.objects.filter(name="Side plank").update(translations={"es": {"name": "Plancha lateral"}})
    assignment = fay.assignments.get()
    draft = versions.revision_draft(assignment=assignment)
    draft.items.update(sets=2)
    versions.assignment_revise(
        assignment=assignment, draft=draft, schedule={**versions.schedule_of(assignment), "weeks": 8}
    )
    page = sign_in_on_a_spanish_phone(chromium, live_server, fay)
    page.locator(".changes").wait_for()

    changed = page.locator(".changes").text_content()
    assert (
        changed == "Qué ha cambiado: plancha lateral ahora 2 × 1 · mantener 2 s · cada lado; ahora 8 semanas"
    )


def test_each_check_off_starts_with_nothing_answered(browser_context, live_server, fay):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    page.get_by_role("button", name="Check off Side plank").click()
    page.get_by_label("Pain during the exercise").fill("4")
    page.get_by_label("5 very hard").check()
    page.get_by_label("Sets done").fill("2")
    page.get_by_role("button", name="Cancel").click()

    page.get_by_role("button", name="Check off Side plank").click()

    assert page.locator("#pain-value").text_content() == "Not set"
    assert page.locator("input[name=difficulty]:checked").count() == 0
    assert page.get_by_label("Sets done").input_value() == ""


def check_off(page, *, answer=lambda page: None):
    page.get_by_role("button", name="Check off Side plank").click()
    answer(page)
    page.get_by_role("button", name="Save", exact=True).click()


def test_a_check_off_saved_without_a_pain_or_difficulty_answer_reports_neither(
    browser_context, live_server, fay
):
    """Pain 0 or difficulty 3 by default would weigh on the week's figures as if the client had said so."""
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    page.get_by_role("button", name="Check off Side plank").click()
    assert page.locator("#pain-value").text_content() == "Not set"
    page.get_by_label("Pain during the exercise").fill("6")
    assert page.locator("#pain-value").text_content() == "6"
    page.get_by_role("button", name="Clear the pain score").click()
    assert page.locator("#pain-value").text_content() == "Not set"
    page.get_by_role("button", name="Save", exact=True).click()

    page.get_by_text("All check-offs synced.").wait_for()
    completion = Completion.objects.get()
    assert (completion.pain, completion.difficulty, completion.sets_done, completion.reps_done) == (
        None,
        None,
        None,
        None,
    )


def test_a_client_says_how_many_sets_and_reps_they_did_and_that_it_did_not_hurt(
    browser_context, live_server, fay
):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    page.get_by_role("button", name="Check off Side plank").click()

    assert page.get_by_label("Sets done").get_attribute("placeholder") == "1"  # what was prescribed
    assert page.get_by_text("Prescribed: 1 set of 1 · hold 2 s · each side.", exact=False).is_visible()
    assert_accessible(page)
    page.get_by_label("Sets done").fill("1")
    page.get_by_label("Reps done").fill("3")
    page.get_by_label("Pain during the exercise").press("Home")  # at 0 already: still an answer
    page.get_by_label("2", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()

    page.get_by_text("All check-offs synced.").wait_for()
    completion = Completion.objects.get()
    assert (completion.sets_done, completion.reps_done, completion.pain, completion.difficulty) == (
        1,
        3,
        0,
        2,
    )


def test_a_mistaken_check_off_is_undone(browser_context, live_server, fay):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    check_off(page)
    page.get_by_text("All check-offs synced.").wait_for()

    page.get_by_role("button", name="Undo the check-off of Side plank").click()

    page.get_by_text("The check-off of Side plank is undone.").wait_for()
    assert not Completion.objects.exists()
    page.reload()
    page.get_by_role("button", name="Check off Side plank").wait_for()


def test_undoing_a_check_off_still_waiting_offline_just_takes_it_out_of_the_queue(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    browser_context.set_offline(True)
    check_off(page)
    page.get_by_text("Offline: 1 check-off waiting to sync.").wait_for()

    page.get_by_role("button", name="Undo the check-off of Side plank").click()

    page.get_by_text("The check-off of Side plank is undone.").wait_for()
    assert page.evaluate("localStorage.getItem('rehabit.queue')") == "[]"
    browser_context.set_offline(False)
    page.reload()
    page.get_by_role("button", name="Check off Side plank").wait_for()
    assert not Completion.objects.exists()


def test_undoing_a_saved_check_off_offline_says_it_needs_a_connection_and_keeps_it(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    check_off(page)
    page.get_by_text("All check-offs synced.").wait_for()
    browser_context.set_offline(True)

    page.get_by_role("button", name="Undo the check-off of Side plank").click()

    page.get_by_text(
        "The check-off of Side plank is already saved, so undoing it needs a connection.", exact=False
    ).wait_for()
    assert page.get_by_text("✓ Done").is_visible()
    assert Completion.objects.count() == 1
    browser_context.set_offline(False)
    page.get_by_role("button", name="Undo the check-off of Side plank").click()
    page.get_by_text("The check-off of Side plank is undone.").wait_for()
    assert not Completion.objects.exists()


def test_a_spanish_client_reads_a_refused_check_off_in_spanish(chromium, live_server, fay):
    fay.language = "es"
    fay.save()
    page = sign_in_on_a_spanish_phone(chromium, live_server, fay)
    page.get_by_role("button", name="Marcar Side plank").wait_for()
    page.context.set_offline(True)
    page.get_by_role("button", name="Marcar Side plank").click()
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.get_by_text("Sin conexión: 1 ejercicio marcado pendiente de sincronizar.").wait_for()
    # Meanwhile the practitioner moves the start to tomorrow: the queued check-off is before it.
    fay.assignments.update(start_date=timezone.localdate() + timedelta(days=1))

    page.context.set_offline(False)

    page.get_by_text(
        "No se pudo guardar 1 ejercicio marcado. Su programa aún no había empezado ese día.", exact=True
    ).wait_for(timeout=20_000)
    assert not Completion.objects.exists()


def test_a_spanish_client_reads_undo_messages_that_fit_any_exercise_name(chromium, live_server, fay):
    fay.language = "es"
    fay.save()
    Exercise.objects.filter(name="Side plank").update(
        translations={"es": {"name": "Giros e inclinaciones laterales"}}
    )
    page = sign_in_on_a_spanish_phone(chromium, live_server, fay)
    name = "Giros e inclinaciones laterales"
    page.get_by_role("button", name=f"Marcar {name}").click()
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.get_by_text("Todos los ejercicios marcados están sincronizados.").wait_for()

    page.context.set_offline(True)
    page.get_by_role("button", name=f"Desmarcar {name}").click()
    page.get_by_text(
        f"La marca de {name} ya está guardada; para quitarla hace falta conexión. "
        "Vuelva a intentarlo cuando tenga conexión.",
        exact=True,
    ).wait_for()
    page.context.set_offline(False)
    page.get_by_role("button", name=f"Desmarcar {name}").click()

    page.get_by_text(f"Se ha quitado la marca de {name}.", exact=True).wait_for()
    assert not Completion.objects.exists()


def test_a_client_whose_language_is_english_gets_the_page_in_english_on_a_spanish_phone(
    chromium, live_server, fay
):
    page = sign_in_on_a_spanish_phone(chromium, live_server, fay)

    page.get_by_role("button", name="Check off Side plank").wait_for()  # as their emails and handouts


def test_a_client_whose_language_is_spanish_gets_the_page_in_spanish_on_an_english_phone(
    browser_context, live_server, fay
):
    fay.language = "es"
    fay.save()
    page = browser_context.new_page()
    submit_sign_in(page, f"{live_server.url}/app/")

    page.get_by_role("button", name="Marcar Side plank").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"


def test_the_page_opens_offline_with_the_saved_list(browser_context, live_server, fay):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker's care
    page.get_by_role("button", name="Check off Side plank").wait_for()

    browser_context.set_offline(True)
    page.reload()

    page.get_by_role("button", name="Check off Side plank").wait_for()
    page.get_by_text("Offline: showing your saved list.").wait_for()


# --- settings --------------------------------------------------------------------------


def open_settings_with_the_keyboard(page):
    page.get_by_role("link", name="Settings").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Settings").wait_for()


def test_a_client_turns_reminders_off_moves_the_time_and_takes_the_phones_zone_in_settings(
    chromium, live_server, fay
):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    phone = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, timezone_id="America/New_York"
    )
    page = phone.new_page()
    sign_in(page, live_server, fay)
    open_settings_with_the_keyboard(page)

    assert page.get_by_label("Daily exercise reminder").is_checked()
    assert page.get_by_label("Reminder time").input_value() == "18:00"
    assert page.get_by_label("Time zone").input_value() == "UTC"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Daily exercise reminder").uncheck()
    page.get_by_label("Reminder time").fill("07:15")
    page.get_by_role("button", name="Use this phone's time zone (America/New_York)").click()
    page.get_by_role("button", name="Save settings").click()

    page.get_by_text("Saved.", exact=True).wait_for()
    fay.refresh_from_db()
    assert (fay.reminders_enabled, fay.reminder_time, fay.timezone) == (
        False,
        time(7, 15),
        "America/New_York",
    )
    page.reload()
    assert page.get_by_label("Reminder time").input_value() == "07:15"  # the link /app/#settings opens them
    page.get_by_role("button", name="Back to today").click()
    page.get_by_role("button", name="Check off Side plank").wait_for()


def test_quiet_hours_with_a_start_and_no_end_show_the_error_at_until_and_save_nothing(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    page.get_by_role("link", name="Settings").click()

    page.get_by_label("Reminder time").fill("08:00")
    page.get_by_label("From", exact=True).fill("22:00")
    page.get_by_role("button", name="Save settings").click()

    error = page.locator("#quiet_hours_end-error")
    error.wait_for()
    assert error.text_content() == "Quiet hours need both a start and an end, or neither."
    assert page.get_by_label("Until", exact=True).get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "quiet_hours_end"
    assert page.locator("#quiet_hours_start-error").is_hidden()
    fay.refresh_from_db()
    assert (fay.reminder_time, fay.quiet_hours_start) == (time(18, 0), None)  # nothing half-saved

    page.get_by_label("Until", exact=True).fill("07:00")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Saved.", exact=True).wait_for()
    assert error.is_hidden()
    fay.refresh_from_db()
    assert (fay.reminder_time, fay.quiet_hours_start, fay.quiet_hours_end) == (time(8), time(22), time(7))


def test_a_spanish_client_gets_the_settings_screen_and_its_errors_in_spanish(
    browser_context, live_server, fay
):
    fay.language = "es"
    fay.save()
    page = browser_context.new_page()
    submit_sign_in(page, f"{live_server.url}/app/#settings")  # the link on the unsubscribe page

    page.get_by_role("heading", name="Ajustes").wait_for()
    assert page.title() == "Ajustes · Rehabit"
    for label in (
        "Recordatorio diario de ejercicios",
        "Hora del recordatorio",
        "Desde",
        "Hasta",
        "Zona horaria",
        "Idioma",
    ):
        assert page.get_by_label(label).is_visible(), label
    assert page.get_by_label("Idioma").input_value() == "es"
    page.get_by_label("Hasta").fill("07:00")
    page.get_by_role("button", name="Guardar los ajustes").click()
    error = page.locator("#quiet_hours_start-error")
    error.wait_for()
    assert error.text_content() == "Las horas de silencio necesitan un inicio y un final, o ninguno."
    page.get_by_role("button", name="Volver a hoy").click()
    page.get_by_role("button", name="Marcar Side plank").wait_for()


def test_a_settings_error_the_page_has_no_words_for_is_a_plain_sentence_not_the_apis_english(
    browser_context, live_server, fay
):
    fay.language = "es"
    fay.save()
    page = browser_context.new_page()
    submit_sign_in(page, f"{live_server.url}/app/#settings")
    page.get_by_role("heading", name="Ajustes").wait_for()
    odd = {"field": "reminder_time", "code": "something_new", "message": "reminder_time: Something new."}
    page.route(
        "**/api/v1/me/",
        lambda route: (
            route.fulfill(status=400, json={**odd, "errors": [odd]})
            if route.request.method == "PATCH"
            else route.continue_()
        ),
    )

    page.get_by_role("button", name="Guardar los ajustes").click()

    error = page.locator("#reminder_time-error")
    error.wait_for()
    assert error.text_content() == "Revise este valor."


def test_a_client_who_chooses_spanish_gets_the_page_in_spanish_at_once(browser_context, live_server, fay):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    page.get_by_role("link", name="Settings").click()

    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Save settings").click()

    page.get_by_role("heading", name="Ajustes").wait_for()
    page.get_by_text("Guardado.", exact=True).wait_for()
    assert page.locator("html").get_attribute("lang") == "es"
    fay.refresh_from_db()
    assert fay.language == "es"


def test_settings_offline_say_they_cannot_be_saved_and_check_offs_still_queue(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Reminder time").wait_for()

    browser_context.set_offline(True)
    page.get_by_text("You are offline. Settings can be changed only with a connection.").wait_for()
    page.get_by_label("Reminder time").fill("06:30")
    page.get_by_role("button", name="Save settings").click()

    page.get_by_text("Not saved: there is no connection.", exact=False).wait_for()
    assert page.get_by_label("Reminder time").input_value() == "06:30"  # still there to save later
    fay.refresh_from_db()
    assert fay.reminder_time == time(18, 0)
    page.get_by_role("button", name="Back to today").click()
    page.get_by_role("button", name="Check off Side plank").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Offline: 1 check-off waiting to sync.").wait_for()


# --- signed in on the web: no second sign-in; signing out signs out ------------------------


def sign_in_on_the_web(page, live_server):
    submit_sign_in(page, f"{live_server.url}/accounts/login/")


def signed_in_on_the_web(page, live_server) -> bool:
    page.goto(f"{live_server.url}/")
    return not page.url.endswith("/accounts/login/")


def test_a_new_client_who_accepts_the_invitation_opens_todays_exercises_without_signing_in_again(
    browser_context, live_server, fay, mailoutbox
):
    nora = ClientFactory(practice=fay.practice, name="Nora New", email="nora@example.com", user=None)
    assign(nora, start=timezone.localdate(), template=fay.assignments.get().program)
    invitations.invitation_send(client=nora)
    path = re.search(r"/invite/\S+/", mailoutbox[-1].body).group(0)
    page = browser_context.new_page()

    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Password").fill("a-strong-passphrase")
    page.get_by_role("button", name="Accept the invitation").click()
    page.get_by_role("link", name="Open today's exercises").click()

    page.get_by_role("button", name="Check off Side plank").wait_for()
    assert page.evaluate("localStorage.getItem('rehabit.token')") is not None


def test_a_client_who_signs_in_on_the_web_sign_in_page_arrives_on_the_phone_page_signed_in(
    browser_context, live_server, fay
):
    page = browser_context.new_page()

    sign_in_on_the_web(page, live_server)

    page.get_by_role("button", name="Check off Side plank").wait_for()
    assert page.url == f"{live_server.url}/app/"


def test_signing_out_of_the_phone_page_signs_out_of_the_web_too(browser_context, live_server, fay):
    page = browser_context.new_page()
    sign_in_on_the_web(page, live_server)
    page.get_by_role("button", name="Check off Side plank").wait_for()

    page.get_by_role("button", name="Sign out").click()

    page.get_by_text("You are signed out.").wait_for()
    page.reload()
    page.get_by_label("Email").wait_for()
    assert page.evaluate("localStorage.getItem('rehabit.token')") is None
    assert not signed_in_on_the_web(page, live_server)
    assert not AuthToken.objects.exists()


def test_after_a_password_change_on_the_web_the_phone_page_carries_on_with_a_fresh_token(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    sign_in_on_the_web(page, live_server)
    page.get_by_role("button", name="Check off Side plank").wait_for()
    first_token = page.evaluate("localStorage.getItem('rehabit.token')")

    page.goto(f"{live_server.url}/accounts/password/change/")
    page.get_by_label("Old password").fill("correct-horse-battery")
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase")
    page.get_by_label("New password confirmation").fill("a-brand-new-passphrase")
    page.get_by_role("button", name="Save the new password").click()
    page.get_by_role("heading", name="Password changed").wait_for()
    assert not AuthToken.objects.exists()  # the phone's token went with the old password

    page.goto(f"{live_server.url}/app/")
    check_off(page)

    page.get_by_text("All check-offs synced.").wait_for()
    assert page.locator("#sign-in").is_hidden()
    assert page.evaluate("localStorage.getItem('rehabit.token')") not in (None, first_token)
    assert AuthToken.objects.count() == 1
    assert Completion.objects.count() == 1


def test_a_phone_without_a_web_session_whose_token_was_revoked_asks_to_sign_in_again(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)  # on the phone page only: no web session
    AuthToken.objects.all().delete()  # a password changed on another device

    page.reload()

    page.get_by_text("Your sign-in has expired. Please sign in again.", exact=True).wait_for()
    page.get_by_label("Email").wait_for()
    page.wait_for_timeout(500)  # the rest of the start-up does not wipe the message
    assert page.locator("#status").text_content() == "Your sign-in has expired. Please sign in again."
    assert page.locator("#today").is_hidden()


def test_a_sign_out_the_server_has_not_heard_of_is_not_undone_by_the_web_session_and_ends_it_later(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    sign_in_on_the_web(page, live_server)
    page.get_by_role("button", name="Check off Side plank").wait_for()
    page.route("**/api/v1/auth/logout/", lambda route: route.abort())  # no connection just then

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out.").wait_for()
    page.reload()  # the web session is still there, but the client asked to be signed out

    page.get_by_label("Email").wait_for()
    assert page.locator("#today").is_hidden()
    assert page.evaluate("localStorage.getItem('rehabit.token')") is None
    assert AuthToken.objects.count() == 1  # the phone's token, waiting to be revoked
    page.unroute("**/api/v1/auth/logout/")
    page.reload()
    page.wait_for_function("() => localStorage.getItem('rehabit.signing_out') === null")
    assert not AuthToken.objects.exists()
    assert not signed_in_on_the_web(page, live_server)


@pytest.fixture
def gus(fay):
    """Another client of fay's practice, with a program of his own, on the same phone."""
    gus = ClientFactory(practice=fay.practice, name="Gus Client", email="gus@example.com", timezone="UTC")
    assign(gus, start=timezone.localdate() - timedelta(days=2), template=TemplateFactory(exercises=1))
    return gus


def sign_in_as(page, live_server, email):
    submit_sign_in(page, f"{live_server.url}/app/", email)
    page.locator("#today").wait_for()


def test_check_offs_waiting_on_a_shared_phone_are_sent_only_as_the_client_who_made_them(
    browser_context, live_server, fay, gus
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    browser_context.set_offline(True)
    check_off(page)
    page.get_by_text("Offline: 1 check-off waiting to sync.").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("1 check-off not sent yet waits on this phone until you sign in again.").wait_for()
    browser_context.set_offline(False)
    sign_in_as(page, live_server, "gus@example.com")
    page.wait_for_function("() => document.querySelectorAll('#slots li').length === 1")
    page.wait_for_timeout(500)  # time enough for a sync, were one to send fay's check-off as gus's

    assert not Completion.objects.exists()
    assert "✓ Done" not in page.locator("#slots").inner_text()
    assert "waiting" not in page.locator("#status").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out.", exact=True).wait_for()
    sign_in_as(page, live_server, "fay@example.com")
    page.wait_for_function("() => localStorage.getItem('rehabit.queue') === '[]'")
    assert Completion.objects.get().assignment.client == fay


def test_a_phone_whose_token_was_revoked_does_not_carry_on_as_another_clients_web_session(
    browser_context, live_server, fay, gus
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)  # fay, on the phone page only
    web = Browser()
    web.force_login(gus.user)  # meanwhile gus signs in on the web in the same browser
    browser_context.add_cookies(
        [{"name": "sessionid", "value": web.cookies["sessionid"].value, "url": live_server.url}]
    )
    AuthToken.objects.filter(user=fay.user).delete()  # and fay changes her password on another device

    page.reload()

    page.get_by_text("Your sign-in has expired. Please sign in again.", exact=True).wait_for()
    assert page.locator("#today").is_hidden()
    assert page.evaluate("localStorage.getItem('rehabit.token')") is None
    assert not AuthToken.objects.exists()


def test_a_sync_the_server_asks_to_slow_down_says_the_check_offs_wait_and_keeps_them(
    browser_context, live_server, fay
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    too_many = '{"code": "throttled", "message": "Request was throttled."}'
    page.route(
        "**/api/v1/me/completions/batch/",
        lambda route: route.fulfill(status=429, body=too_many, content_type="application/json"),
    )

    check_off(page)

    page.get_by_text(
        "Rehabit asked for a short pause: 1 check-off waits here and is sent shortly."
    ).wait_for()
    page.unroute("**/api/v1/me/completions/batch/")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.get_by_text("All check-offs synced.").wait_for()
    assert Completion.objects.count() == 1


# --- a page left open overnight ----------------------------------------------------------


def long_date(day):
    return f"{day:%A}, {day:%B} {day.day}"


def open_for_the_night(browser_context, live_server, fay):
    """Signed in on a phone whose clock the test moves on (the page stays open meanwhile)."""
    page = browser_context.new_page()
    page.clock.install()
    sign_in(page, live_server, fay)
    page.get_by_role("heading", name=f"Today, {long_date(timezone.localdate())}").wait_for()
    return page


def the_night_passes(page):
    page.clock.set_system_time(timezone.now() + timedelta(days=1))
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # the phone wakes up


def test_a_page_left_open_overnight_shows_the_new_day_and_checks_off_on_it(browser_context, live_server, fay):
    page = open_for_the_night(browser_context, live_server, fay)
    tomorrow = timezone.localdate() + timedelta(days=1)

    with time_machine.travel(timezone.now() + timedelta(days=1), tick=True):
        the_night_passes(page)
        page.get_by_role("heading", name=f"Today, {long_date(tomorrow)}").wait_for()
        check_off(page)
        page.get_by_text("All check-offs synced.").wait_for()

    assert Completion.objects.get().date == tomorrow


def test_a_page_left_open_overnight_offline_shows_the_old_list_by_its_date_and_checks_nothing_off_on_it(
    browser_context, live_server, fay
):
    page = open_for_the_night(browser_context, live_server, fay)
    today = timezone.localdate()
    browser_context.set_offline(True)

    the_night_passes(page)

    page.get_by_role("heading", name=long_date(today), exact=True).wait_for()
    page.get_by_text(
        f"This is the list of {long_date(today)}; today's exercises load once you are online."
    ).wait_for()
    page.get_by_role("button", name="Check off Side plank").click()
    page.get_by_text(
        f"Not checked off: this list is not today's but that of {long_date(today)}. "
        "Today's exercises load once you are online.",
        exact=True,
    ).wait_for()
    assert page.locator("#check-off").is_hidden()
    assert page.evaluate("localStorage.getItem('rehabit.queue')") is None

    with time_machine.travel(timezone.now() + timedelta(days=1), tick=True):
        browser_context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        page.get_by_role("heading", name=f"Today, {long_date(today + timedelta(days=1))}").wait_for()
    assert not Completion.objects.exists()


def test_a_refused_check_off_stays_said_while_the_list_first_loads(browser_context, live_server, fay):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    browser_context.set_offline(True)
    check_off(page)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("1 check-off not sent yet waits on this phone until you sign in again.").wait_for()
    fay.assignments.update(start_date=timezone.localdate() + timedelta(days=1))  # the start moves on
    browser_context.set_offline(False)

    sign_in_as(page, live_server, "fay@example.com")

    refused = "1 check-off could not be saved. Your program had not started yet on that day."
    page.get_by_text(refused, exact=True).wait_for()
    page.wait_for_function("() => document.querySelector('#today-title').textContent.startsWith('Today, ')")
    page.wait_for_timeout(500)  # the list has loaded: the refusal is still there to read
    assert page.locator("#status").text_content() == refused


def test_after_a_spanish_client_signs_out_the_page_follows_the_phones_language_again(
    browser_context, live_server, fay
):
    fay.language = "es"
    fay.save()
    page = browser_context.new_page()  # an English phone
    sign_in_as(page, live_server, "fay@example.com")
    page.get_by_role("button", name="Marcar Side plank").wait_for()

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_function("() => localStorage.getItem('rehabit.signing_out') === null")
    page.reload()

    page.get_by_role("button", name="Sign in").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "django_language" not in {cookie["name"] for cookie in browser_context.cookies()}


def test_the_program_card_and_what_changed_show_when_the_page_opens_offline(
    browser_context, live_server, fay
):
    assignment = fay.assignments.get()
    draft = versions.revision_draft(assignment=assignment)
    draft.items.update(sets=2)
    versions.assignment_revise(assignment=assignment, draft=draft, schedule=versions.schedule_of(assignment))
    page = browser_context.new_page()
    sign_in(page, live_server, fay)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker's care
    page.locator(".changes").wait_for()

    browser_context.set_offline(True)
    page.reload()

    page.get_by_text("Offline: showing your saved list.").wait_for()
    program = page.locator(".program")
    assert program.get_by_text(fay.assignments.get().program.title).is_visible()
    assert program.get_by_role("link", name="Handout (PDF)").is_visible()
    assert (
        page.locator(".changes").text_content() == "What changed: side plank now 2 × 1 · hold 2 s · each side"
    )

    page.get_by_role("button", name="Sign out").click()
    assert page.evaluate("localStorage.getItem('rehabit.programs')") is None


def test_a_sign_out_finished_later_does_not_end_another_clients_web_session_on_the_same_browser(
    browser_context, live_server, fay, gus
):
    page = browser_context.new_page()
    sign_in(page, live_server, fay)  # fay, on the phone page only
    AuthToken.objects.filter(user=fay.user).delete()  # her token stopped working meanwhile
    browser_context.set_offline(True)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out.", exact=True).wait_for()
    web = Browser()
    web.force_login(gus.user)  # then gus signs in on the web in this browser
    session = web.cookies["sessionid"].value
    browser_context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    browser_context.set_offline(False)  # fay's sign-out is finished now

    page.wait_for_function("() => localStorage.getItem('rehabit.signing_out') === null")
    assert Session.objects.filter(session_key=session).exists()
    assert Browser(HTTP_COOKIE=f"sessionid={session}").get("/accounts/password/change/").status_code == 200


def test_the_program_card_says_when_a_break_set_by_the_practitioner_comes(browser_context, live_server, fay):
    assignment = fay.assignments.get()
    start = timezone.localdate() + timedelta(days=3)
    lifecycle.assignment_pause(assignment=assignment, on=start, until=start + timedelta(days=4))
    page = browser_context.new_page()
    sign_in(page, live_server, fay)

    last = start + timedelta(days=4)
    said = f"No exercises from {start:%b} {start.day} to {last:%b} {last.day}."  # the page's English dates
    page.get_by_text(said).wait_for()
    assert page.get_by_role("button", name="Check off Side plank").is_visible()  # today is no break day
