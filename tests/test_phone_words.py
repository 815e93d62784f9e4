"""The phone page's words come from the gettext catalogue through Django's JavaScript catalogue."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.trans_real import DjangoTranslation

from tests.conftest import sign_in_by_token
from tests.test_phone_page import fay  # noqa: F401 (a fixture)

SCRIPTS = [Path(settings.BASE_DIR) / "practice/static/app/app.js"]
LITERAL = r'"((?:[^"\\]|\\.)*)"'


def script_words() -> list[tuple[str, ...]]:
    """Every msgid the page's scripts hand to gettext, and every (singular, plural) to ngettext."""
    words = []
    for script in SCRIPTS:
        text = script.read_text()
        words += [(word,) for word in re.findall(rf"\bgettext\({LITERAL}\)", text)]
        words += re.findall(rf"\bngettext\({LITERAL},\s*{LITERAL}", text)
    return [tuple(json.loads(f'"{form}"') for form in word) for word in words]


def test_every_word_of_the_phone_pages_script_has_its_spanish():
    spanish = DjangoTranslation("es", domain="djangojs")
    words = script_words()

    def untranslated(word):
        if len(word) == 1:
            return spanish.gettext(word[0]) == word[0]
        return spanish.ngettext(*word, 1) == word[0] or spanish.ngettext(*word, 2) == word[1]

    assert len(words) > 90
    assert [word for word in words if untranslated(word)] == []


def test_the_catalogue_is_served_per_language_and_an_unknown_one_is_404(client):
    spanish = client.get("/app/jsi18n/es/")
    english = client.get("/app/jsi18n/en/")

    assert spanish.status_code == english.status_code == 200
    assert spanish["Content-Type"].startswith("text/javascript")
    assert '"Check off": "Marcar"' in spanish.content.decode()
    assert "Marcar" not in english.content.decode()
    assert client.get("/app/jsi18n/fr/").status_code == 404


def test_the_page_carries_no_words_of_its_script_itself(client):
    page = client.get("/app/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Marcar {name}" not in page
    assert page.index('src="/app/jsi18n/es/"') < page.index('src="/static/app/app.js"')


@pytest.mark.django_db(transaction=True)
def test_a_spanish_page_shows_the_scripts_words_in_spanish_from_the_catalogue(chromium, live_server, fay):  # noqa: F811
    fay.language = "es"
    fay.save()
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="es-ES")
    sign_in_by_token(context, live_server, fay.user)
    page = context.new_page()
    page.goto(f"{live_server.url}/app/")

    page.get_by_role("button", name="Marcar Side plank").wait_for()

    assert page.evaluate("typeof window.gettext") == "function"
    assert page.evaluate("gettext('Check off')") == "Marcar"
    assert page.locator("#today-title").inner_text().startswith("Hoy, ")
    assert page.get_by_role("button", name="Iniciar el temporizador de Side plank").is_visible()
