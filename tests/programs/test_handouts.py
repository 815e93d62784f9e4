import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pypdf
import pytest
from django.utils.text import slugify
from weasyprint import HTML

from clients.assignments.handouts import assignment_handout
from programs.handouts import OWN_ORIGIN, Branding, OwnFilesFetcher

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def counting_server():
    """A local HTTP server that counts every request it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_the_handout_names_every_exercise_with_its_dosage(bobs_handout):
    pdf, filename = bobs_handout.pdf(), bobs_handout.filename

    text = pdf_text(pdf)
    for exercise in bobs_handout.exercises:
        assert exercise.name in text
        assert exercise.dosage in text
    assert "Bob Client" in text
    assert "When to stop and call" in text
    assert filename == f"{slugify(bobs_handout.title)}-bob-client.pdf"


def test_a_hostile_note_fetches_nothing_and_reads_no_file(bob_assignment, counting_server):
    base, hits = counting_server
    item = bob_assignment.program.items.first()
    item.note = (
        f'<img src="{base}/note.png"><link rel="attachment" href="file:///etc/passwd">'
        f'<style>@import url("{base}/x.css");</style>'
    )
    item.save()

    pdf, _ = assignment_handout(bob_assignment)

    assert hits == []
    assert b"root:x:0:0" not in pdf
    assert "<img src=" in pdf_text(pdf)  # shown as the text it is


def test_the_fetcher_refuses_everything_but_rehabits_own_files(counting_server):
    base, hits = counting_server
    html = (
        f'<link rel="attachment" href="file:///etc/passwd"><img src="{base}/a.png" alt="a">'
        f'<img src="file:///etc/passwd" alt="b"><link rel="stylesheet" href="{base}/s.css">'
        f'<img src="/static/../../../../etc/passwd" alt="c">'
    )

    pdf = HTML(string=html, base_url=OWN_ORIGIN, url_fetcher=OwnFilesFetcher()).write_pdf()

    assert hits == []
    assert b"root:x:0:0" not in pdf
    assert pypdf.PdfReader(io.BytesIO(pdf)).attachments == {}


def test_the_fetcher_serves_the_libraries_illustrations():
    response = OwnFilesFetcher().fetch(f"{OWN_ORIGIN}static/programs/illustrations/deep-squat-start.svg")

    assert response.read().lstrip().startswith(b"<svg")


def hostile(base: str) -> str:
    """Markup a practitioner might paste: requests, a server file, an attachment, a huge inline image."""
    huge_image = "data:image/png;base64," + "iVBORw0KGgo" * 200_000
    return (
        f'<img src="{base}/img.png"><img src="file:///etc/passwd"><img src="{huge_image}">'
        f'<link rel="attachment" href="file:///etc/passwd"><link rel="stylesheet" href="{base}/s.css">'
        f'<style>@import url("{base}/import.css"); @font-face {{ src: url("{base}/f.woff"); }}</style>'
        f"<svg><image href='{base}/svg.png'/></svg>"
    )


def test_hostile_markup_in_any_text_fetches_nothing_attaches_nothing_and_still_renders(
    bob_assignment, counting_server, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    base, hits = counting_server
    payload = hostile(base)
    item = bob_assignment.program.items.select_related("exercise").first()
    item.note = payload
    item.save()
    exercise = item.exercise
    exercise.name, exercise.steps, exercise.cues = f'Squat <img src="{base}/n.png">', [payload], [payload]
    exercise.save()
    bob_assignment.program.summary = payload
    bob_assignment.program.save()
    bob_assignment.client.name = f'Bob <img src="{base}/c.png">'
    bob_assignment.client.save()

    pdf, _ = assignment_handout(bob_assignment)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert hits == []
    assert b"root:x:0:0" not in pdf
    assert reader.attachments == {}
    assert all(not page.images for page in reader.pages)
    assert "<img src=" in pdf_text(pdf)  # shown as the text it is
    assert len(pdf) < 2_000_000


def test_a_branding_colour_that_is_not_a_colour_never_reaches_the_css():
    branding = Branding(name="Clinic", accent_color="red; } @import url(http://x/)")

    assert branding.accent_color == "#0f766e"


def test_the_fetcher_refuses_data_urls_so_nothing_inline_is_embedded():
    image = (
        "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'><rect width='9' height='9'/></svg>"
    )
    html = f'<img src="{image}" alt="a"><link rel="attachment" href="data:text/plain,secret">'

    pdf = HTML(string=html, base_url=OWN_ORIGIN, url_fetcher=OwnFilesFetcher()).write_pdf()

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert b"secret" not in pdf
