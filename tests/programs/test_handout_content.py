"""What a client holds in their hands: the handout read back from the PDF."""

import io
import re
from dataclasses import replace
from datetime import date

import page
import pdfplumber
import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.core.management import call_command
from PIL import Image

from clients.assignments import versions
from clients.assignments.handouts import assignment_handout, handout_for
from programs.handouts import Branding, HandoutOptions, render_handout
from programs.models import Program
from tests.factories import assign
from tests.programs.conftest import MON_WED_FRI

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def handout_cache(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def structure(pdf: bytes):
    """Every element of the tagged PDF's structure tree, as (role, element) pairs."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append((str(node["/S"]), node))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def children(element, role: str) -> list:
    kids = element.get("/K", [])
    kids = kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]
    return [
        kid.get_object() for kid in kids if getattr(kid.get_object(), "get", lambda _: None)("/S") == role
    ]


def log_day_columns(pdf: bytes) -> list[int]:
    """For each week's table, how many day columns its header row has (the first is the exercise)."""
    columns = []
    for role, table in structure(pdf):
        if role == "/Table":
            header_row = children(children(table, "/THead")[0], "/TR")[0]
            columns.append(len(children(header_row, "/TH")) - 1)
    return columns


def test_the_handout_names_every_exercise_with_its_dosage_in_plain_words(bobs_handout):
    pdf = bobs_handout.pdf()

    text = pdf_text(pdf)
    for exercise in bobs_handout.exercises:
        assert exercise.name in text
        assert exercise.dosage in text
        for step in exercise.steps:
            assert step.split()[0] in text
    assert "Bob Client" in text
    assert "Alice Physio" in text
    assert "Alice's Clinic" in text
    assert "Every day · twice a day" in text
    assert "When to stop and call" in text
    assert "Page 1 of" in text


def test_the_schedule_reads_as_words_and_the_log_has_a_column_per_scheduled_day(bob):
    assignment = assign(bob, start=date(2026, 3, 2), weeks=3, days=MON_WED_FRI)

    pdf, _ = assignment_handout(assignment)

    assert "Mon, Wed, Fri · once a day" in pdf_text(pdf)
    assert log_day_columns(pdf) == [3, 3, 3]


def test_a_spanish_handout_writes_the_days_lower_case_as_spanish_does(bob):
    bob.language = "es"
    bob.save()
    assignment = assign(bob, start=date(2026, 3, 2), weeks=1, days=MON_WED_FRI)

    text = pdf_text(assignment_handout(assignment)[0])

    assert "lun, mié, vie · una vez al día" in text
    assert re.findall(r"\b(?:lun|mié|vie) \d", text) == ["lun 2", "mié 4", "vie 6"]  # the log's columns
    assert "2 de marzo de 2026" in text  # the dates: month names as Spanish writes them
    assert re.findall(r"\b\d+ mar\b", text) == ["2 mar", "4 mar", "6 mar"]
    assert not re.search(r"\d (?:Mar|Lun)\b", text)
    assert not re.search(r"\b(?:Lun|Mié|Vie)\b", text)


def test_the_log_grid_has_one_row_per_exercise_in_every_week(bob):
    assignment = assign(bob, start=date(2026, 3, 2), weeks=2, days=[1, 3])

    pdf, _ = assignment_handout(assignment)

    exercises = assignment.program.items.count()
    tables = [element for role, element in structure(pdf) if role == "/Table"]
    assert len(tables) == 2
    for table in tables:
        assert len(children(children(table, "/TBody")[0], "/TR")) == exercises


def test_the_qr_code_opens_the_clients_check_in_page(bobs_handout):
    pdf = bobs_handout.pdf()

    first_page = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(first_page)]

    assert decoded == [f"{settings.SITE_URL}/app/"]
    assert f"{settings.SITE_URL.split('://')[1]}/app/" in pdf_text(pdf)


@pytest.fixture
def back_pain_assignment(bob):
    call_command("seed_library", stdout=io.StringIO())
    template = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
    return assign(bob, start=date(2026, 3, 2), weeks=6, days=MON_WED_FRI, template=template)


def test_the_handout_is_a_tagged_pdf_ua_with_title_and_language(bobs_handout):
    pdf = bobs_handout.pdf()

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == f"{bobs_handout.title} — Bob Client"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert b'pdfuaid:part="1"' in reader.trailer["/Root"]["/Metadata"].get_data()


def test_every_start_and_end_drawing_and_the_qr_code_carry_alternate_text(back_pain_handout):
    pdf = back_pain_handout.pdf()

    alts = [str(element["/Alt"]) for role, element in structure(pdf) if role == "/Figure"]
    exercises = back_pain_handout.exercises
    expected = [alt for e in exercises for alt in (e.illustration_alt, e.illustration_end_alt)]
    assert all(expected) and all(alt.startswith(("Start position: ", "End position: ")) for alt in expected)
    assert sorted(alts) == sorted([*expected, "QR code: scan to open your check-in page"])


def test_the_seeded_back_pain_program_passes_the_pdf_ua_checker(back_pain_handout):
    pdf = back_pain_handout.pdf()

    assert page.validate_pdf_bytes(pdf, profile="ua1").failures == []


@pytest.mark.parametrize(
    "options",
    [
        HandoutOptions(),
        HandoutOptions(page_size="letter", large_print=True),
        HandoutOptions(language="es"),
    ],
    ids=["a4", "letter-large-print", "spanish"],
)
def test_a_pdf_ua_checker_finds_no_error(bobs_handout, options):
    pdf = bobs_handout.pdf(options, language="en")  # the client's, whatever the options say

    report = page.validate_pdf_bytes(pdf, profile="ua1")

    assert [(failure.rule_id, failure.message) for failure in report.failures] == []
    assert report.is_compliant


def test_a_spanish_speaking_client_gets_the_handout_in_spanish(bob_assignment):
    bob_assignment.client.language = "es"
    bob_assignment.client.save()

    pdf, _ = assignment_handout(bob_assignment)

    text = pdf_text(pdf)
    assert "Cuándo parar y llamar" in text
    assert "Todos los días · dos veces al día" in text
    assert "Registro de ejercicios" in text
    assert "Página 1 de" in text
    assert pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "es"


def test_a_spanish_handout_of_the_seeded_program_gives_the_exercises_in_spanish(back_pain_assignment):
    back_pain_assignment.client.language = "es"
    back_pain_assignment.client.save()

    pdf, _ = assignment_handout(back_pain_assignment)

    text = " ".join(pdf_text(pdf).split())
    assert "Sentadilla profunda" in text and "Deep squat" not in text
    assert "Mantenga la posición de abajo y respire" in text  # a step
    assert "Los talones pesan en el suelo" in text  # a cue
    alts = [str(element["/Alt"]) for role, element in structure(pdf) if role == "/Figure"]
    assert "Posición inicial: Póngase de pie con los pies algo más separados que la cadera" in " ".join(alts)
    assert "Posición final: Baje tanto como pueda con comodidad sin levantar los talones" in " ".join(alts)


def test_a_spanish_speaking_client_given_the_seeded_template_reads_its_title_and_notes_in_spanish(bob):
    bob.language = "es"
    bob.save()
    call_command("seed_library", stdout=io.StringIO())
    template = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
    assignment = assign(bob, start=date(2026, 3, 2), weeks=6, days=MON_WED_FRI, template=template)

    pdf, _ = assignment_handout(assignment)

    text = " ".join(pdf_text(pdf).split())
    assert "Dolor de espalda: el movimiento como medicina" in text
    assert "Agárrese a una encimera o al marco de una puerta si necesita apoyo." in text
    assert "movement as medicine" not in text and "door frame" not in text


def test_an_exercise_without_a_translation_keeps_the_words_it_was_written_in(bobs_handout):
    pdf = bobs_handout.pdf(HandoutOptions(language="es"))

    names = [exercise.name for exercise in bobs_handout.exercises]
    assert all(name in pdf_text(pdf) for name in names)


def test_what_changed_in_a_new_version_is_headed_in_spanish_for_a_spanish_speaking_client(bob_assignment):
    bob_assignment.client.language = "es"
    bob_assignment.client.save()
    draft = versions.revision_draft(assignment=bob_assignment)
    versions.assignment_revise(
        assignment=bob_assignment, draft=draft, schedule={**versions.schedule_of(bob_assignment), "weeks": 8}
    )
    bob_assignment.refresh_from_db()

    pdf, _ = assignment_handout(bob_assignment)

    assert "Novedades de la versión 2" in pdf_text(pdf)


def test_the_language_option_overrides_the_clients_own(bobs_handout):
    pdf = bobs_handout.pdf(HandoutOptions(language="es"))

    assert "Cómo hacerlo" in pdf_text(pdf)


def test_a_us_client_gets_letter_paper(bobs_handout):
    pdf = bobs_handout.pdf(HandoutOptions(page_size="letter"))

    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_large_print_sets_every_word_above_the_footer_at_16_pt_or_more(bobs_handout):
    pdf = bobs_handout.pdf(HandoutOptions(large_print=True))

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        sizes = {
            round(char["size"], 1)
            for sheet in document.pages
            for char in sheet.chars
            if char["bottom"] < sheet.height - 16 * 72 / 25.4 and char["text"].strip()
        }
    assert min(sizes) >= 16


def test_regular_print_fits_several_exercises_on_a_page(bobs_handout):
    pdf = bobs_handout.pdf()

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        card_pages = [
            sheet.extract_text() for sheet in document.pages if "Week 1" not in sheet.extract_text()
        ]
    names = [exercise.name for exercise in bobs_handout.exercises]
    # The log pages name every exercise too; only the pages of cards count here.
    card_pages = [text for text in card_pages if "Exercise log" not in text and "Week" not in text]
    assert len(card_pages) < len(names)
    assert max(sum(name in text for name in names) for text in card_pages) >= 3


def test_unknown_options_are_refused():
    with pytest.raises(ValueError, match="page_size"):
        HandoutOptions(page_size="A3")
    with pytest.raises(ValueError, match="language"):
        HandoutOptions(language="xx")


def test_dosage_reads_in_the_clients_language(bob_assignment):
    bob_assignment.program.items.update(sets=3, reps=10, hold_seconds=5, duration_seconds=None, side="each")
    bob_assignment.client.language = "es"
    bob_assignment.client.save()

    pdf, _ = assignment_handout(bob_assignment)

    assert "3 series de 10 · mantener 5 s · cada lado" in pdf_text(pdf)


def test_a_practice_logo_is_shown_with_the_practice_name_as_its_alt_text(bob_assignment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Image.new("RGB", (120, 40), "#0f766e").save(tmp_path / "logo.png")
    handout = replace(
        handout_for(bob_assignment), branding=Branding(name="Alice's Clinic", logo_url="/media/logo.png")
    )

    pdf = render_handout(handout)

    alts = [str(element["/Alt"]) for role, element in structure(pdf) if role == "/Figure"]
    assert "Alice's Clinic" in alts
    assert page.validate_pdf_bytes(pdf, profile="ua1").failures == []


def test_without_a_logo_the_handout_shows_the_practice_name_only(bobs_handout):
    pdf = bobs_handout.pdf()

    alts = [str(element["/Alt"]) for role, element in structure(pdf) if role == "/Figure"]
    assert alts == ["QR code: scan to open your check-in page"]
    assert "Alice's Clinic" in pdf_text(pdf)


def test_the_client_page_offers_download_large_print_and_email(client, alice, bob, bob_assignment):
    client.force_login(alice)

    page_html = client.get(f"/clients/{bob.pk}/").content.decode()

    assert f"/assignments/{bob_assignment.pk}/handout.pdf" in page_html
    assert f"/assignments/{bob_assignment.pk}/handout.pdf?large=1" in page_html
    assert f'action="/assignments/{bob_assignment.pk}/handout/email/"' in page_html


def test_a_condition_templates_handout_carries_its_own_safety_box_and_stays_pdf_ua(bob):
    call_command("seed_library", stdout=io.StringIO())
    template = Program.objects.templates().get(slug="knee-replacement-early")
    assignment = assign(bob, start=date(2026, 3, 2), weeks=4, days=MON_WED_FRI, template=template)

    pdf, _ = assignment_handout(assignment)

    text = " ".join(pdf_text(pdf).split())
    assert "signs of a blood clot" in text
    assert "numbness around the groin" not in text  # the general (back-pain) points make way
    assert page.validate_pdf_bytes(pdf, profile="ua1").failures == []
