import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pypdf
import pytest
from django.utils.text import slugify
from weasyprint import HTML

from clients.handouts import assignment_handout
from programs.handouts import OWN_ORIGIN, OwnFilesFetcher

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


def test_the_handout_names_every_exercise_with_its_dosage(bob_assignment):
    pdf, filename = assignment_handout(bob_assignment)

    text = pdf_text(pdf)
    for item in bob_assignment.program.items.all():
        assert item.exercise.name in text
        assert item.dosage_text() in text
    assert "Bob Client" in text
    assert "When to stop and call" in text
    assert filename == f"{slugify(bob_assignment.program.title)}-bob-client.pdf"


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
    response = OwnFilesFetcher().fetch(f"{OWN_ORIGIN}static/programs/illustrations/deep-squat.svg")

    assert response.read().lstrip().startswith(b"<svg")
