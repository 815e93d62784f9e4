"""A program rendered to a PDF handout with WeasyPrint: one pure function, no request."""

import mimetypes
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from practice.models import Practice

from .models import Program

# Relative URLs in the handout resolve against this made-up origin; only it is served.
OWN_ORIGIN = "https://handout.rehabit.invalid/"


@dataclass(frozen=True)
class Handout:
    """Everything a handout says; the clients app fills it in from an assignment."""

    practice: Practice
    program: Program
    client_name: str
    practitioner_name: str
    start_date: date
    end_date: date
    schedule_text: str
    checkin_url: str
    log_weeks: list = field(default_factory=list)


@dataclass(frozen=True)
class HandoutOptions:
    page_size: str = "A4"
    large_print: bool = False


def render_handout(handout: Handout, *, options: HandoutOptions | None = None) -> bytes:
    options = options or HandoutOptions()
    html = render_to_string(
        "handouts/program.html",
        {
            "handout": handout,
            "items": handout.program.items.select_related("exercise"),
            "options": options,
            "qr_svg": mark_safe(segno.make(handout.checkin_url, error="m").svg_inline(scale=3)),  # noqa: S308 (segno's own markup)
        },
    )
    document = HTML(string=html, base_url=OWN_ORIGIN, url_fetcher=OwnFilesFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")


class OwnFilesFetcher(URLFetcher):
    """Serves the project's own static and media files and refuses everything else.

    With WeasyPrint's default fetcher, text a practitioner typed could make the
    renderer request any URL or embed any server file; here it fetches nothing.
    """

    def fetch(self, url, headers=None):
        path = _own_file(url)
        if path is None:
            raise ValueError("Only Rehabit's own static and media files are used in handouts.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def _own_file(url: str) -> Path | None:
    if not url.startswith(OWN_ORIGIN):
        return None
    relative = unquote(urlsplit(url).path).lstrip("/")
    static_prefix, media_prefix = settings.STATIC_URL.strip("/") + "/", settings.MEDIA_URL.strip("/") + "/"
    if relative.startswith(static_prefix):
        found = finders.find(relative.removeprefix(static_prefix))
        return Path(found) if found else None
    if relative.startswith(media_prefix):
        root = Path(settings.MEDIA_ROOT).resolve()
        path = (root / relative.removeprefix(media_prefix)).resolve()
        return path if path.is_relative_to(root) and path.is_file() else None
    return None
