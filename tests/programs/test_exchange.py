"""A practice's own exercises exported as JSON and imported into another practice, all or nothing."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from programs import exchange
from programs.models import Exercise
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_exercises(alice_practice):
    """Two of Alice's own exercises, variants of each other, the harder also of a library one."""
    library = ExerciseFactory(slug="bridge", name="Bridge", region="hip")
    easy = ExerciseFactory(
        practice=alice_practice,
        slug="knee-rocking",
        name="Knee rocking",
        summary="Rock the knee gently.",
        steps=["Sit tall.", "Rock the knee.", "Rest."],
        cues=["Slow"],
        region="knee",
        position="sitting",
        level=1,
        equipment="Chair",
        tags=["mobility"],
        sets=2,
        reps=None,
        duration_seconds=60,
        side="each",
        translations={
            "es": {"name": "Balanceo de rodilla", "steps": ["Siéntate.", "Balancea.", "Descansa."]}
        },
    )
    hard = ExerciseFactory(
        practice=alice_practice, slug="knee-drive", name="Knee drive", region="knee", level=2, reps=12
    )
    easy.variants.add(hard)
    hard.variants.add(library)
    return easy, hard, library


def comparable(exercise: Exercise) -> dict:
    row = {name: getattr(exercise, name) for name in exchange.FIELDS}
    return {**row, "variants": sorted(v.slug for v in exercise.variants.all())}


def test_exported_exercises_imported_into_another_practice_are_the_same_words_dosage_and_variants(
    alice_practice, charlie, alices_exercises
):
    gym = charlie.memberships.get().practice
    data = json.loads(json.dumps(exchange.exercises_export(practice=alice_practice)))

    created, updated = exchange.exercises_import(practice=gym, data=data)

    assert (created, updated) == (2, 0)
    for original in alices_exercises[:2]:
        copy = Exercise.objects.get(practice=gym, slug=original.slug)
        assert comparable(copy) == comparable(original)
    copy_hard = Exercise.objects.get(practice=gym, slug="knee-drive")
    assert set(copy_hard.variants.values_list("practice", flat=True)) == {
        gym.pk,
        None,
    }  # the library's bridge


def test_importing_the_same_file_twice_updates_instead_of_duplicating(
    alice_practice, charlie, alices_exercises
):
    gym = charlie.memberships.get().practice
    data = exchange.exercises_export(practice=alice_practice)
    exchange.exercises_import(practice=gym, data=data)

    assert exchange.exercises_import(practice=gym, data=data) == (0, 2)
    assert Exercise.objects.filter(practice=gym).count() == 2


def test_the_export_holds_only_the_practices_own_exercises(alice_practice, charlie, alices_exercises):
    ExerciseFactory(practice=charlie.memberships.get().practice, slug="charlies-secret")

    slugs = [row["slug"] for row in exchange.exercises_export(practice=alice_practice)["exercises"]]

    assert slugs == ["knee-drive", "knee-rocking"]


def a_file(*rows) -> dict:
    good = {"slug": "ok", "name": "Fine", "region": "knee", "steps": ["Move."], "reps": 5}
    return {"format": exchange.FORMAT, "version": 1, "exercises": [good, *rows]}


@pytest.mark.parametrize(
    "row, says",
    [
        ({"slug": "elbow", "name": "Elbow", "region": "elbow", "reps": 5}, "Exercise 2 (elbow), region:"),
        (
            {"slug": "no-count", "name": "Sets only", "region": "knee", "sets": 3},
            "Exercise 2 (no-count), reps:",
        ),
        ({"slug": "no-name", "region": "knee", "reps": 5}, "Exercise 2 (no-name), name:"),
        ({"slug": "bad", "name": "Bad", "region": "knee", "reps": 0}, "Exercise 2 (bad), reps:"),
        ({"slug": "ok", "name": "Again", "region": "knee", "reps": 5}, "Exercise 2 (ok), slug: given twice"),
        (
            {"slug": "lost", "name": "Lost", "region": "knee", "reps": 5, "variants": ["nowhere"]},
            "variants: no",
        ),
        ({"name": "No slug", "region": "knee", "reps": 5}, "Exercise 2, slug:"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_the_row_and_field(alice_practice, row, says):
    with pytest.raises(exchange.ValidationError) as refused:
        exchange.exercises_import(practice=alice_practice, data=a_file(row))

    assert any(message.startswith(says) or says in message for message in refused.value.messages), (
        refused.value.messages
    )
    assert not Exercise.objects.filter(practice=alice_practice).exists()


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"format": "other"},
        {"format": exchange.FORMAT, "version": 9},
        {"format": exchange.FORMAT, "version": 1},
    ],
)
def test_a_file_that_is_not_an_exercise_file_is_refused_saying_why(alice_practice, data):
    with pytest.raises(exchange.ValidationError):
        exchange.exercises_import(practice=alice_practice, data=data)


def test_the_workspace_exports_the_current_practices_exercises_as_a_download(client, alice, alices_exercises):
    client.force_login(alice)

    response = client.get("/library/exercises.json")

    assert response["Content-Disposition"].startswith('attachment; filename="exercises-')
    assert [row["slug"] for row in response.json()["exercises"]] == ["knee-drive", "knee-rocking"]


def test_the_workspace_import_adds_the_exercises_and_a_bad_file_lists_each_error(
    client, charlie, alice_practice, alices_exercises
):
    client.force_login(charlie)
    data = exchange.exercises_export(practice=alice_practice)
    data["exercises"].append({"slug": "elbow", "name": "Elbow", "region": "elbow", "reps": 0})

    refused = client.post("/library/import/", {"file": upload(data)})
    data["exercises"].pop()
    accepted = client.post("/library/import/", {"file": upload(data)}, follow=True)

    page = refused.content.decode()
    assert refused.status_code == 400 and "Nothing was imported" in page
    assert "Exercise 3 (elbow), region:" in page and "Exercise 3 (elbow), reps:" in page
    assert "Imported: 2 new exercises, 0 updated." in accepted.content.decode()
    assert Exercise.objects.filter(practice=charlie.memberships.get().practice).count() == 2


def test_the_workspace_import_refuses_a_file_that_is_not_json(client, alice):
    client.force_login(alice)

    response = client.post("/library/import/", {"file": SimpleUploadedFile("x.json", b"{not json")})

    assert response.status_code == 400 and b"This is not a JSON file" in response.content


def test_the_commands_export_and_import_between_practices(
    tmp_path, alice_practice, charlie, alices_exercises
):
    path = tmp_path / "exercises.json"
    gym = charlie.memberships.get().practice
    call_command("export_exercises", alice_practice.slug, "-o", str(path))
    out = io.StringIO()

    call_command("import_exercises", gym.slug, str(path), stdout=out)

    assert "2 new exercises" in out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(a_file({"slug": "x", "name": "X", "region": "elbow", "reps": 1})))
    with pytest.raises(CommandError, match=r"Exercise 2 \(x\), region:"):
        call_command("import_exercises", gym.slug, str(bad))


def upload(data: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("exercises.json", json.dumps(data).encode(), content_type="application/json")
