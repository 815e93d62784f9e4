"""The phone page's manifest, its catalogue of words and its settings screen's time zones."""

from functools import cache

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_noop, override
from django.utils.translation import gettext as _
from django.views.i18n import JavaScriptCatalog

from practice.zones import place_of

from ..checkoffs.completions import CHECK_OFF_DAYS_BACK
from ..reminders.push import application_server_key, push_offered
from ..scheduling import TIMEZONES

PRODUCT_COLOUR = "#0f766e"  # Rehabit's own teal, the icons' background; 5.4:1 under white text


def phone_manifest(*, theme_color: str = PRODUCT_COLOUR) -> dict:
    """The web app manifest that makes /app/ installable, in the page's language."""
    start = reverse("phone-app")
    return {
        "id": start,
        "name": "Rehabit",
        "short_name": "Rehabit",
        "description": _("Your home exercises, check-offs and progress, even offline."),
        "lang": get_language(),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f3f4f6",
        "theme_color": theme_color,
        "icons": [
            {
                "src": static(f"app/icons/{kind}-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for kind, purpose in (("icon", "any"), ("maskable", "maskable"))
            for size in (192, 512)
        ],
    }


def phone_page_settings() -> dict:
    """What the page's script needs of the server's rules besides its words (those are the
    JavaScript catalogue's, `locale/*/LC_MESSAGES/djangojs.po`)."""
    return {
        "check_off_days_back": CHECK_OFF_DAYS_BACK,
        # The key a phone subscribes to Web Push with; empty where the server has none (no push).
        "push_key": application_server_key() if push_offered() else "",
        # Added once today's list is in (see `listed` in app.js), not by the page's head.
        "scripts_after_list": [static("app/talk.js")],
    }


# The page's words only: the project's own catalogue (LOCALE_PATHS), not every app's.
phone_catalog_response = JavaScriptCatalog.as_view(packages=["clients"])


# The regions of the IANA names a person picks from; the API takes any IANA name (the
# client's own zone is added to the list by the page when it is not one of these).
REGIONS = {
    "Africa": gettext_noop("Africa"),
    "America": gettext_noop("America"),
    "Antarctica": gettext_noop("Antarctica"),
    "Arctic": gettext_noop("Arctic"),
    "Asia": gettext_noop("Asia"),
    "Atlantic": gettext_noop("Atlantic"),
    "Australia": gettext_noop("Australia"),
    "Europe": gettext_noop("Europe"),
    "Indian": gettext_noop("Indian Ocean"),
    "Pacific": gettext_noop("Pacific"),
}


def timezone_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(region, [(IANA name, place)])] for the settings screen's select, in the page's language."""
    names = TIMEZONES
    return [
        (_(label), [(name, place_of(name)) for name in names if name.startswith(region + "/")])
        for region, label in REGIONS.items()
    ]


def timezone_options() -> SafeString:
    """The settings screen's time zone <option>s in the page's language: some four hundred of them,
    which rendered on every request were most of the page's time on the server (and the list waits
    for the page). Made once per language and process; the zones change only with tzdata."""
    return _timezone_options(get_language())


@cache
def _timezone_options(language: str) -> SafeString:
    with override(language):
        return render_to_string("app/timezone_options.html", {"timezone_groups": timezone_groups()})
