"""The shared library a new practice finds: 80 exercises over the body, each drawn start and end."""

import io
import re
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programs.figures import render_pose
from programs.library import EXERCISES, TRANSLATIONS
from programs.models import REGIONS, Exercise, Program, dosage_errors
from programs.serializers import ExerciseWriteSerializer
from programs.services import program_clone
from tests.conftest import api_as
from tests.factories import ExerciseFactory

SVG = "{http://www.w3.org/2000/svg}"
PHONE_WIDTH = 240


def seed() -> None:
    call_command("seed_library", stdout=io.StringIO())


def test_the_library_holds_at_least_80_exercises_across_all_eight_regions():
    regions = Counter(spec["region"] for spec in EXERCISES)

    assert len(EXERCISES) >= 80
    assert set(regions) == {value for value, _ in REGIONS}
    assert min(regions.values()) >= 5


def test_every_library_exercise_has_three_steps_cues_and_a_dosage_the_builder_accepts():
    for spec in EXERCISES:
        assert len(spec["steps"]) >= 3 and spec["cues"], spec["slug"]
        assert spec["position"] and spec["level"] in (1, 2, 3), spec["slug"]
        assert dosage_errors(spec) == {}, spec["slug"]


def test_every_library_exercise_reads_in_spanish_with_as_many_steps_and_cues():
    spanish = TRANSLATIONS["es"]
    for spec in EXERCISES:
        words = spanish[spec["slug"]]
        assert words["name"] and words["summary"] and words["name"] != spec["name"], spec["slug"]
        assert len(words["steps"]) == len(spec["steps"]) and len(words["cues"]) == len(spec["cues"]), spec[
            "slug"
        ]
        assert words["illustration_alt"].startswith("Posición inicial: "), spec["slug"]
        assert words["illustration_end_alt"].startswith("Posición final: "), spec["slug"]


def test_every_exercise_has_a_start_and_an_end_drawing_with_alt_text():
    for spec in EXERCISES:
        assert spec["illustration_alt"].startswith("Start position: "), spec["slug"]
        assert spec["illustration_end_alt"].startswith("End position: "), spec["slug"]
        assert spec["poses"]["start"] != spec["poses"]["end"], spec["slug"]


def test_every_pose_renders_to_an_svg_legible_on_a_240_px_phone():
    for spec in EXERCISES:
        for name in ("start", "end"):
            drawing = ElementTree.fromstring(render_pose(spec["poses"][name], title=spec["name"]))
            assert drawing.tag == f"{SVG}svg", spec["slug"]
            _, _, width, _ = (float(n) for n in drawing.get("viewBox").split())
            strokes = [float(e.get("stroke-width")) for e in drawing.iter() if e.get("stroke-width")]
            thinnest = min(s for s in strokes if s > 0)
            assert thinnest * PHONE_WIDTH / width >= 2, (spec["slug"], name)


def test_every_pose_stays_inside_its_picture():
    for spec in EXERCISES:
        for name in ("start", "end"):
            svg = render_pose(spec["poses"][name])
            numbers = [float(n) for n in re.findall(r'(?:cx|cy|x|y)="(-?[\d.]+)"', svg)]
            path_numbers = [
                float(n) for d in re.findall(r' d="([^"]+)"', svg) for n in re.findall(r"-?[\d.]+", d)
            ]
            assert all(-1 <= n <= 241 for n in numbers + path_numbers), (spec["slug"], name)


def test_the_drawings_served_are_the_renderers_current_output():
    for spec in EXERCISES:
        for pose, path, alt in (
            (spec["poses"]["start"], spec["illustration"], spec["illustration_alt"]),
            (spec["poses"]["end"], spec["illustration_end"], spec["illustration_end_alt"]),
        ):
            found = finders.find(path)
            assert found, f"{path} missing: run manage.py draw_library"
            assert Path(found).read_text(encoding="utf-8") == render_pose(pose, title=alt), (
                f"{path} is stale: run manage.py draw_library"
            )


def test_a_drawings_title_is_escaped_and_everything_else_is_numbers():
    svg = render_pose(EXERCISES[0]["poses"]["start"], title='<script>alert("x")</script>')

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ElementTree.fromstring(svg)


def test_a_pose_with_an_unknown_prop_is_refused():
    with pytest.raises(ValueError, match="unknown prop"):
        render_pose({"props": [{"kind": "trampoline"}]})


@pytest.mark.django_db
def test_seeded_variants_point_both_ways_and_from_easier_to_harder():
    seed()

    linked = Exercise.objects.filter(practice=None, variants__isnull=False).distinct()
    assert linked.count() >= 40
    for exercise in linked.prefetch_related("variants"):
        for variant in exercise.variants.all():
            assert exercise in variant.variants.all(), (exercise.slug, variant.slug)
    bridge = Exercise.objects.get(practice=None, slug="bridge")
    assert {v.slug for v in bridge.variants.all()} == {"single-leg-bridge"}


@pytest.mark.django_db
def test_every_seeded_exercise_carries_region_position_poses_and_both_drawings():
    seed()

    for exercise in Exercise.objects.filter(practice=None):
        assert exercise.region in dict(REGIONS) and exercise.position, exercise.slug
        assert set(exercise.poses) == {"start", "end"}, exercise.slug
        assert finders.find(exercise.illustration) and finders.find(exercise.illustration_end), exercise.slug
        assert exercise.words_in("es")["illustration_end_alt"].startswith("Posición final"), exercise.slug


@pytest.mark.django_db
def test_seeding_updates_an_earlier_install_in_place_and_leaves_practice_copies_alone(alice_practice):
    seed()
    bridge = Exercise.objects.get(practice=None, slug="bridge")
    Exercise.objects.filter(pk=bridge.pk).update(name="Old bridge", region="", poses={})
    bridge.variants.clear()
    own = ExerciseFactory(practice=alice_practice, slug="bridge", name="Our bridge", region="knee")

    seed()

    bridge.refresh_from_db()
    assert (bridge.name, bridge.region) == ("Bridge", "hip") and bridge.poses
    assert bridge.variants.filter(slug="single-leg-bridge").exists()
    own.refresh_from_db()
    assert (own.name, own.region, own.variants.count()) == ("Our bridge", "knee", 0)
    assert Exercise.objects.filter(practice=None, slug="bridge").count() == 1


@pytest.mark.django_db
def test_the_practitioner_api_shows_region_position_level_variants_and_both_drawings(alice):
    seed()
    bridge = Exercise.objects.get(practice=None, slug="bridge")
    harder = Exercise.objects.get(practice=None, slug="single-leg-bridge")

    page = api_as(alice).get("/api/v1/exercises/", {"region": "hip", "page_size": 100}).json()

    rows = {row["slug"]: row for row in page["results"]}
    assert {row["region"] for row in rows.values()} == {"hip"}
    assert rows["bridge"]["variants"] == [harder.pk] and rows["single-leg-bridge"]["variants"] == [bridge.pk]
    assert rows["bridge"]["position"] == "lying-back" and rows["bridge"]["level"] == 1
    assert rows["bridge"]["illustration_url"].endswith("bridge-start.svg")
    assert rows["bridge"]["illustration_end_url"].endswith("bridge-end.svg")
    assert rows["bridge"]["illustration_end_alt"].startswith("End position: ")
    assert rows["bridge"]["is_library"] is True


@pytest.mark.django_db
def test_a_practitioner_creates_an_exercise_with_a_region_and_one_without_is_refused_naming_it(alice):
    api = api_as(alice)

    knee = api.post(
        "/api/v1/exercises/", {"name": "Our knee drill", "region": "knee", "reps": 8}, format="json"
    )
    nowhere = api.post("/api/v1/exercises/", {"name": "Nowhere", "reps": 8}, format="json")
    elbow = api.post("/api/v1/exercises/", {"name": "Elbow", "region": "elbow", "reps": 8}, format="json")

    assert knee.status_code == 201 and knee.json()["region"] == "knee"
    assert "body_region" not in knee.json()
    assert nowhere.status_code == 400 and "region" in str(nowhere.json())
    assert elbow.status_code == 400 and "region" in str(elbow.json())


def test_the_exercise_serializer_offers_every_field_the_builder_filters_on():
    fields = ExerciseWriteSerializer.Meta.fields

    assert {"region", "position", "level", "variants", "equipment"} <= set(fields)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_exercises_a_region_and_loses_nothing():
    executor = MigrationExecutor(connection)
    executor.migrate([("programs", "0005_template_translations")])
    old_apps = executor.loader.project_state([("programs", "0005_template_translations")]).apps
    OldExercise = old_apps.get_model("programs", "Exercise")
    regions = {
        "feet": "ankle-foot",
        "hips": "hip",
        "core": "lower-back",
        "spine": "lower-back",
        "full": "balance",
    }
    for body_region in regions:
        OldExercise.objects.create(
            slug=f"old-{body_region}",
            name=f"Old {body_region}",
            body_region=body_region,
            steps=["Move."],
            reps=5,
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    for body_region, region in regions.items():
        exercise = Exercise.objects.get(slug=f"old-{body_region}")
        assert (exercise.region, exercise.steps, exercise.reps) == (region, ["Move."], 5)


CONDITIONS = {
    "back-pain-movement-as-medicine",
    "neck-pain",
    "knee-osteoarthritis",
    "patellofemoral-pain",
    "ankle-sprain",
    "rotator-cuff-shoulder",
    "hip-osteoarthritis",
    "knee-replacement-early",
}


@pytest.mark.django_db
def test_the_library_offers_a_template_for_each_of_eight_conditions_in_english_and_spanish():
    seed()

    templates = Program.objects.templates().filter(practice=None)
    assert set(templates.values_list("slug", flat=True)) == CONDITIONS
    for program in templates.exclude(slug="back-pain-movement-as-medicine"):
        spanish = program.words_in("es")
        assert len(program.safety) >= 3 and len(spanish["safety"]) == len(program.safety), program.slug
        assert spanish["title"] != program.title and spanish["summary"] != program.summary, program.slug
        assert program.items.count() >= 5, program.slug
        for item in program.items.all():
            assert dosage_errors(item.dosage_fields()) == {}, (program.slug, item.exercise.slug)
            assert bool(item.note) == bool(item.note_in("es")) and (
                not item.note or item.note_in("es") != item.note
            )


@pytest.mark.django_db
def test_a_copy_of_a_condition_template_keeps_its_safety_box_in_the_clients_language(alice_practice):
    seed()
    template = Program.objects.get(practice=None, slug="ankle-sprain")

    copy = program_clone(program=template, practice=alice_practice, language="es")

    assert copy.safety == template.translations["es"]["safety"]
