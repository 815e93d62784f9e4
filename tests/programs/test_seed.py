from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.forms.models import model_to_dict

from clients.models import Assignment, Client
from practice.models import Membership
from programs.models import Exercise, Program, ProgramExercise

pytestmark = pytest.mark.django_db

ARTICLE_EXERCISES = [
    "feet-and-shin-rolling",
    "side-plank",
    "pelvic-floor-lengthening",
    "deep-squat",
    "twists-and-side-bends",
    "foam-roller-inversion-rocking",
]


def snapshot() -> list:
    return [
        [model_to_dict(row) for row in model.objects.order_by("pk")]
        for model in (Exercise, Program, ProgramExercise)
    ]


def test_the_library_holds_the_articles_six_exercises_each_complete():
    call_command("seed_library")

    for slug in ARTICLE_EXERCISES:
        exercise = Exercise.objects.get(practice=None, slug=slug)
        assert exercise.steps and exercise.cues and exercise.region and exercise.illustration_alt
        drawing = ElementTree.parse(finders.find(exercise.illustration)).getroot()
        assert drawing.tag.endswith("svg")
        assert exercise.dosage_text()


def test_the_back_pain_template_lists_the_six_exercises():
    call_command("seed_library")

    template = Program.objects.get(title="Back pain: movement as medicine")
    assert template.is_template and template.practice is None
    assert sorted(item.exercise.slug for item in template.items.all()) == sorted(ARTICLE_EXERCISES)


def test_seeding_the_library_twice_changes_nothing():
    call_command("seed_library")
    first = snapshot()

    call_command("seed_library")

    assert snapshot() == first


def test_seed_demo_creates_the_sign_ins_and_an_active_assignment_once(capsys):
    call_command("seed_demo", slug="acme", password="a-long-password")
    call_command("seed_demo", slug="acme", password="a-long-password")

    output = capsys.readouterr().out
    assert "practitioner@acme.example" in output and "client@acme.example" in output
    assert Membership.objects.get(practice__slug="acme").user.check_password("a-long-password")
    client = Client.objects.get(email="client@acme.example")
    assert client.user.check_password("a-long-password")
    assert Assignment.objects.filter(client=client, status="active").count() == 1


def test_seed_demo_runs_again_after_the_demo_clients_email_was_edited(capsys):
    call_command("seed_demo", slug="acme", password="a-long-password")
    Client.objects.filter(email="client@acme.example").update(email="casey.new@acme.example")

    call_command("seed_demo", slug="acme", password="a-long-password")

    client = Client.objects.get(practice__slug="acme")
    assert client.email == "casey.new@acme.example"
    assert Assignment.objects.filter(client=client, status="active").count() == 1
