"""A program rendered to a PDF handout with WeasyPrint: pure functions, no request.

A `Handout` is plain data (the clients app fills it in from an assignment), so the
cache key is a hash of exactly what goes into the PDF.
"""

import functools
import hashlib
import json
import mimetypes
import re
import threading
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .files import PRIVATE, stored_files
from .models import Program, ProgramExercise, dosage_words

# Relative URLs in the handout resolve against this made-up origin; only it is served.
OWN_ORIGIN = "https://handout.rehabit.invalid/"
TEMPLATE = "handouts/program.html"
# Bump when something that shapes the PDF changes outside the template (CSS is inside it).
RENDERER_VERSION = "5"
PAGE_SIZES = ("A4", "letter")
DEFAULT_ACCENT = "#0f766e"
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# A handout is read on paper: text past this is cut, so pasted megabytes cannot stall a render.
MAX_TEXT = 2000
# Rendered PDFs in the private storage: handouts/<practice>/<client>/<hash>.pdf.
HANDOUT_CACHE = "handouts"
# In a handout's HTML, uploads of the private storage are named under this made-up path.
PRIVATE_PREFIX = "private-file/"


@dataclass(frozen=True)
class Branding:
    name: str
    accent_color: str = DEFAULT_ACCENT
    logo_url: str = ""

    def __post_init__(self):
        # The colour lands in CSS: anything but a plain hex colour is ignored.
        if not HEX_COLOR.match(self.accent_color or ""):
            object.__setattr__(self, "accent_color", DEFAULT_ACCENT)


@dataclass(frozen=True)
class HandoutItem:
    name: str
    sets: int = 1
    reps: int | None = None
    hold_seconds: int | None = None
    duration_seconds: int | None = None
    side: str = ""
    steps: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    note: str = ""
    picture_url: str = ""
    picture_alt: str = ""
    is_photo: bool = False
    picture_end_url: str = ""  # the library's drawings come in pairs: start and end position
    picture_end_alt: str = ""
    has_video: bool = False  # the practice's own video, watched from the check-in page the QR opens

    def dosage_words(self) -> str:
        return dosage_words(self)


@dataclass(frozen=True)
class Handout:
    """Everything a handout says, as plain values."""

    branding: Branding
    title: str
    client_name: str
    practitioner_name: str
    start_date: date
    end_date: date
    checkin_url: str
    items: tuple[HandoutItem, ...] = ()
    summary: str = ""
    days_of_week: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    sessions_per_day: int = 1
    log_weeks: tuple[tuple[date, ...], ...] = field(default_factory=tuple)
    language: str = "en"
    version: int = 1
    changes: tuple[str, ...] = ()  # what this version changed since the one before
    safety: tuple[str, ...] = ()  # the program's own safety points; empty: the general ones


@dataclass(frozen=True)
class HandoutOptions:
    page_size: str = "A4"
    large_print: bool = False
    language: str | None = None  # None: the client's own

    def __post_init__(self):
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"page_size must be one of {sorted(PAGE_SIZES)}")
        if self.language is not None and self.language not in dict(settings.LANGUAGES):
            raise ValueError(f"language must be one of {sorted(dict(settings.LANGUAGES))}")


# --- from the programs app's models to handout data ---------------------------------------


def handout_items(program: Program, language: str = "en") -> tuple[HandoutItem, ...]:
    return tuple(handout_item(item, language) for item in program.items.select_related("exercise"))


def handout_item(item: ProgramExercise, language: str = "en") -> HandoutItem:
    exercise = item.exercise
    words = exercise.words_in(language)
    photo = getattr(exercise, "image", None)  # an uploaded photo, where the model has one
    if photo:
        picture_url, alt, is_photo = private_reference(photo.name), getattr(exercise, "image_alt", ""), True
    elif exercise.illustration:
        picture_url, alt, is_photo = static(exercise.illustration), words["illustration_alt"], False
    else:
        picture_url, alt, is_photo = "", "", False
    end_url = static(exercise.illustration_end) if exercise.illustration_end and not is_photo else ""
    return HandoutItem(
        name=clip(words["name"]),
        **item.dosage_fields(),
        steps=tuple(clip(str(step)) for step in words["steps"] or ()),
        cues=tuple(clip(str(cue)) for cue in words["cues"] or ()),
        note=clip(item.note),
        picture_url=picture_url,
        picture_alt=alt or words["name"],
        is_photo=is_photo,
        picture_end_url=end_url,
        picture_end_alt=(words["illustration_end_alt"] or words["name"]) if end_url else "",
        has_video=bool(getattr(exercise, "video", None)),
    )


def private_reference(name: str) -> str:
    """How a handout names a private upload: a path the fetcher reads from the private storage,
    stable from render to render (a signed link changes every second)."""
    return f"/{PRIVATE_PREFIX}{name}"


def clip(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def branding_of(practice) -> Branding:
    logo = getattr(practice, "logo", None)  # a practice may not have a logo field (yet)
    return Branding(name=practice.name, accent_color=practice.accent_color, logo_url=logo.url if logo else "")


# --- words, in the language active while rendering ------------------------------------------


def schedule_words(days_of_week, sessions_per_day: int) -> str:
    """E.g. "Mon, Wed, Fri · once a day" or "Every day · 3 times a day"."""
    when = gettext("Every day") if len(days_of_week) == 7 else day_names(days_of_week)
    if sessions_per_day == 1:
        times = gettext("once a day")
    elif sessions_per_day == 2:
        times = gettext("twice a day")
    else:
        times = gettext("%(count)d times a day") % {"count": sessions_per_day}
    return f"{when} · {times}"


def day_names(days) -> str:
    """E.g. "Mon, Wed, Fri" in the active language: "lun, mié, vie" in Spanish, which writes
    them lower-case (as Django's catalogue gives them)."""
    return ", ".join(str(WEEKDAYS_ABBR[day]) for day in sorted(days))


def page_counter_css(language: str) -> str:
    """The footer's "Page 2 of 4" as a CSS content value, translated."""
    with translation.override(language):
        words = gettext("Page {page} of {pages}")
    parts = re.split(r"(\{page\}|\{pages\})", words)
    css = []
    for part in parts:
        if part == "{page}":
            css.append("counter(page)")
        elif part == "{pages}":
            css.append("counter(pages)")
        elif part:
            css.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(css)


# --- rendering and the cache ---------------------------------------------------------------


def handout_html(handout: Handout, *, options: HandoutOptions) -> str:
    language = options.language or handout.language
    with translation.override(language):
        return render_to_string(
            TEMPLATE,
            {
                "handout": handout,
                "options": options,
                "language": language,
                "schedule": schedule_words(handout.days_of_week, handout.sessions_per_day),
                "rows": _card_rows(handout.items, per_row=1 if options.large_print else 2),
                "sessions": range(handout.sessions_per_day),
                "short_link": handout.checkin_url.split("://", 1)[-1],
                "qr_svg": _qr_svg(handout.checkin_url),
                "footer_size": "12pt" if options.large_print else "8pt",
                "page_counter": mark_safe(page_counter_css(language)),  # noqa: S308 (built from quoted CSS strings)
            },
        )


def _card_rows(items, *, per_row: int) -> list[list[dict]]:
    """Exercise cards side by side, numbered; a row never breaks across pages."""
    cards = [
        {"number": number, **asdict(item), "dosage_words": item.dosage_words()}
        for number, item in enumerate(items, 1)
    ]
    return [cards[start : start + per_row] for start in range(0, len(cards), per_row)]


def render_handout(handout: Handout, *, options: HandoutOptions | None = None) -> bytes:
    """The PDF, always freshly rendered; downloads go through `cached_handout`."""
    options = options or HandoutOptions()
    return write_pdf(handout_html(handout, options=options))


def write_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=OWN_ORIGIN, url_fetcher=OwnFilesFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", font_config=_font_config())


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    # Reused, one per thread: a fresh FontConfiguration per render (WeasyPrint's default)
    # grew a worker by about 240 KB a render on WeasyPrint 70, measured; reused, it stays flat.
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def stored_handout(handout: Handout, *, folder: str, options: HandoutOptions | None = None) -> str:
    """The cache's name for the PDF, rendered and stored first when nothing stored matches.

    `folder` groups the cache by whom it is about ("<practice>/<client>"), so that a client's
    handouts can be found and deleted; the file name is a hash of everything in the PDF.
    """
    options = options or HandoutOptions()
    name = f"{HANDOUT_CACHE}/{folder}/{handout_key(handout, options=options)}.pdf"
    if not PRIVATE.exists(name):
        # Two nodes rendering at once store the same bytes under the same name: either wins.
        PRIVATE.save(name, ContentFile(render_handout(handout, options=options)))
    return name


def cached_handout(handout: Handout, *, folder: str, options: HandoutOptions | None = None) -> bytes:
    """The PDF's bytes, from the cache when nothing that goes into it changed."""
    with PRIVATE.open(stored_handout(handout, folder=folder, options=options)) as stored:
        return stored.read()


def handout_cache_forget(folder: str) -> int:
    """Delete every cached handout under `folder` (a client's, on erasure); how many went."""
    names = [name for name, _, _ in stored_files(PRIVATE, f"{HANDOUT_CACHE}/{folder}")]
    for name in names:
        PRIVATE.delete(name)
    return len(names)


def handout_cache_evict(*, max_bytes: int, max_age: timedelta, now: datetime) -> int:
    """Oldest first, delete cached handouts older than `max_age` and then as many as keep the
    cache under `max_bytes`; a deleted one is simply rendered again on its next download."""
    files = sorted(stored_files(PRIVATE, HANDOUT_CACHE), key=lambda file: file[2])
    total = sum(size for _, size, _ in files)
    evicted = 0
    for name, size, modified in files:
        if total <= max_bytes and modified >= now - max_age:
            break
        PRIVATE.delete(name)
        total -= size
        evicted += 1
    return evicted


def handout_key(handout: Handout, *, options: HandoutOptions) -> str:
    """A hash of everything that shapes the PDF: content, branding, options, language, template, files."""
    pictures = [url for item in handout.items for url in (item.picture_url, item.picture_end_url)]
    pictures.append(handout.branding.logo_url)
    payload = {
        "handout": handout,
        "options": options,
        "language": options.language or handout.language,
        "template": _template_digest(),
        "renderer": [RENDERER_VERSION, weasyprint.__version__],
        "files": [_file_version(url) for url in pictures if url],
        "translations": _catalog_versions(options.language or handout.language),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=_plain).encode()).hexdigest()


def _plain(value):
    """What `json.dumps` makes of the payload's dataclasses (their fields, as `asdict` gives them,
    without its deep copy: a third of a cached download's time) and of anything else (its text)."""
    if is_dataclass(value):
        return {each.name: getattr(value, each.name) for each in fields(value)}
    return str(value)


def _template_digest() -> str:
    source = Path(get_template(TEMPLATE).origin.name).read_bytes()
    return hashlib.sha256(source).hexdigest()


def _catalog_versions(language: str) -> list[str]:
    """The compiled translations the handout's words come from: a retranslation renders afresh."""
    catalogs = [Path(folder) / language / "LC_MESSAGES" / "django.mo" for folder in settings.LOCALE_PATHS]
    return [f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}" for path in catalogs if path.is_file()]


def _file_version(url: str) -> str:
    """Static files change in place (size and time say so); uploads never do: a new upload has a
    new name, so their name is their version, and no storage is asked."""
    relative = unquote(urlsplit(url).path).lstrip("/")
    if not relative.startswith(settings.STATIC_URL.strip("/") + "/"):
        return url
    found = static_file(relative.removeprefix(settings.STATIC_URL.strip("/") + "/"))
    if found is None:
        return f"{url}:missing"
    stat = found.stat()
    return f"{url}:{stat.st_size}:{stat.st_mtime_ns}"


@functools.cache
def static_file(name: str) -> Path | None:
    """Where a static file is, found once per process: searching every app's static folder took
    a tenth of a cached download. Its content may still change in place (`_file_version` stats it)."""
    found = finders.find(name)
    return Path(found) if found else None


@receiver(setting_changed)
def _static_folders_changed(*, setting, **kwargs):
    if setting in {"STATICFILES_DIRS", "STATICFILES_FINDERS", "INSTALLED_APPS", "STATIC_ROOT"}:
        static_file.cache_clear()


def _qr_svg(url: str) -> str:
    title = gettext("QR code: scan to open your check-in page")
    svg = segno.make(url, error="m").svg_inline(scale=1, omitsize=True, title=title)
    return mark_safe(svg)  # noqa: S308 (segno's own markup; the title is escaped by segno)


# --- fetching: the project's own files only --------------------------------------------------


class OwnFilesFetcher(URLFetcher):
    """Serves the project's own static files, logos and uploads, and refuses everything else.

    With WeasyPrint's default fetcher, text a practitioner typed could make the
    renderer request any URL or embed any server file; here it fetches nothing.
    """

    def fetch(self, url, headers=None):
        body = _own_file(url)
        if body is None:
            raise ValueError("Only Rehabit's own static and media files are used in handouts.")
        content_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def _own_file(url: str) -> bytes | None:
    if not url.startswith(OWN_ORIGIN):
        return None
    relative = unquote(urlsplit(url).path).lstrip("/")
    static_prefix, media_prefix = settings.STATIC_URL.strip("/") + "/", settings.MEDIA_URL.strip("/") + "/"
    if relative.startswith(static_prefix):
        found = static_file(relative.removeprefix(static_prefix))
        return found.read_bytes() if found else None
    if relative.startswith(media_prefix):
        return _stored_bytes(default_storage, relative.removeprefix(media_prefix))
    if relative.startswith(PRIVATE_PREFIX):
        return _stored_bytes(PRIVATE, relative.removeprefix(PRIVATE_PREFIX))
    return None


def _stored_bytes(storage, name: str) -> bytes | None:
    try:
        with storage.open(name) as stored:
            return stored.read()
    except (OSError, SuspiciousOperation, ValueError):
        return None  # missing, or a name climbing out of the storage ("../../etc/passwd")
