import io
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from clients.assignments.handouts import handout_filename, handout_for
from programs.handouts import Handout, HandoutOptions, render_handout
from programs.models import Program
from tests.conftest import make_alice, make_bob, make_bob_assignment
from tests.factories import assign

MON_WED_FRI = [0, 2, 4]


@dataclass(frozen=True)
class Prescribed:
    name: str
    dosage: str
    steps: tuple[str, ...]
    illustration_alt: str
    illustration_end_alt: str


@dataclass
class SharedHandout:
    """An assignment's handout, read once, and its PDFs, rendered once per input (seconds each).

    For the tests that only read a PDF; a test that changes what goes into one renders its own.
    """

    title: str
    filename: str
    exercises: tuple[Prescribed, ...]
    client_language: str
    handouts: dict[str, Handout]  # by language
    pdfs: dict = field(default_factory=dict)

    def pdf(self, options: HandoutOptions | None = None, *, language: str | None = None) -> bytes:
        """As `assignment_handout` renders it; `language` gives the content another language than the options'."""
        options = options or HandoutOptions()
        language = language or options.language or self.client_language
        if (language, options) not in self.pdfs:
            self.pdfs[language, options] = render_handout(self.handouts[language], options=options)
        return self.pdfs[language, options]


def shared(assignment) -> SharedHandout:
    return SharedHandout(
        title=assignment.program.title,
        filename=handout_filename(assignment),
        exercises=tuple(
            Prescribed(
                item.exercise.name,
                item.dosage_text(),
                tuple(item.exercise.steps),
                item.exercise.illustration_alt,
                item.exercise.illustration_end_alt,
            )
            for item in assignment.program.items.all()
        ),
        client_language=assignment.client.language,
        handouts={language: handout_for(assignment, language=language) for language, _ in settings.LANGUAGES},
    )


@pytest.fixture(scope="session")
def shared_handouts(django_db_setup, django_db_blocker):
    """Bob's handout (as the bob_assignment fixture makes it) and his seeded back-pain program's.

    The rows they are read from are rolled back at once: no test sees them.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        bob = make_bob(make_alice())
        bobs = shared(make_bob_assignment(bob))
        call_command("seed_library", stdout=io.StringIO())
        template = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
        back_pain = shared(assign(bob, start=date(2026, 3, 2), weeks=6, days=MON_WED_FRI, template=template))
        transaction.set_rollback(True)
    return {"bob": bobs, "back pain": back_pain}


@pytest.fixture
def bobs_handout(shared_handouts) -> SharedHandout:
    return shared_handouts["bob"]


@pytest.fixture
def back_pain_handout(shared_handouts) -> SharedHandout:
    return shared_handouts["back pain"]
