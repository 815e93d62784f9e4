"""The builder's operations in the practitioner API: reorder, the whole template's dosage, favourites."""

import pytest

from programs.models import Exercise
from tests.conftest import api_as
from tests.factories import ExerciseFactory, TemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(alice_practice):
    template = TemplateFactory(practice=alice_practice, exercises=0)
    for position, (name, dosage) in enumerate(
        [
            ("Bridge", {"reps": 10}),
            ("Side plank", {"reps": None, "hold_seconds": 15}),
            ("Wall sit", {"reps": None, "hold_seconds": 30}),
        ]
    ):
        template.items.create(exercise=ExerciseFactory(name=name), position=position, **{"sets": 2, **dosage})
    return template


def names(template):
    return [item.exercise.name for item in template.items.order_by("position")]


def test_a_practitioner_reorders_a_template_and_gets_it_back_in_the_new_order(alice, template):
    ids = list(template.items.order_by("position").values_list("pk", flat=True))

    response = api_as(alice).post(
        f"/api/v1/programs/{template.pk}/reorder/", {"items": [ids[2], ids[0], ids[1]]}, format="json"
    )

    assert response.status_code == 200
    assert [item["exercise_name"] for item in response.json()["items"]] == [
        "Wall sit",
        "Bridge",
        "Side plank",
    ]
    assert names(template) == ["Wall sit", "Bridge", "Side plank"]


def test_a_reorder_that_leaves_out_or_invents_an_item_is_refused_naming_items_and_moves_nothing(
    alice, template
):
    ids = list(template.items.order_by("position").values_list("pk", flat=True))
    api = api_as(alice)

    for order in ([ids[1], ids[0]], [*ids, 999999], [ids[0], ids[0], ids[1]], ["x"]):
        response = api.post(f"/api/v1/programs/{template.pk}/reorder/", {"items": order}, format="json")
        assert response.status_code == 400, order
        assert response.json()["field"].startswith("items")

    assert names(template) == ["Bridge", "Side plank", "Wall sit"]


def test_every_hold_of_a_template_set_to_20_s_at_once_and_sets_to_3_on_every_item(alice, template):
    response = api_as(alice).post(
        f"/api/v1/programs/{template.pk}/dosage/", {"hold_seconds": 20, "sets": 3}, format="json"
    )

    assert response.status_code == 200 and response.json()["changed"] == 3
    dosages = [(i.sets, i.reps, i.hold_seconds) for i in template.items.order_by("position")]
    assert dosages == [(3, 10, None), (3, None, 20), (3, None, 20)]


@pytest.mark.parametrize(
    "body, field",
    [({}, None), ({"hold_seconds": 0}, "hold_seconds"), ({"side": "up"}, "side")],
)
def test_a_bad_whole_template_dosage_is_refused_naming_the_field_and_changes_nothing(
    alice, template, body, field
):
    response = api_as(alice).post(f"/api/v1/programs/{template.pk}/dosage/", body, format="json")

    assert response.status_code == 400 and response.json()["field"] == field
    assert [i.hold_seconds for i in template.items.order_by("position")] == [None, 15, 30]


def test_the_shared_library_templates_cannot_be_reordered_or_redosed(alice):
    shared = TemplateFactory(practice=None)
    api = api_as(alice)

    assert api.post(f"/api/v1/programs/{shared.pk}/dosage/", {"sets": 3}, format="json").status_code == 403
    ids = list(shared.items.values_list("pk", flat=True))
    assert (
        api.post(f"/api/v1/programs/{shared.pk}/reorder/", {"items": ids}, format="json").status_code == 403
    )


def test_a_practitioner_stars_a_library_exercise_and_finds_it_under_favourite(alice, charlie):
    starred, other = ExerciseFactory(name="Chin tuck"), ExerciseFactory(name="Bridge")
    api = api_as(alice)

    assert api.put(f"/api/v1/exercises/{starred.pk}/favourite/").status_code == 204
    assert api.put(f"/api/v1/exercises/{starred.pk}/favourite/").status_code == 204  # twice is once

    mine = api.get("/api/v1/exercises/", {"favourite": "true"}).json()["results"]
    everything = {row["name"]: row["is_favourite"] for row in api.get("/api/v1/exercises/").json()["results"]}
    charlies = api_as(charlie).get("/api/v1/exercises/", {"favourite": "true"}).json()["results"]
    assert [row["name"] for row in mine] == ["Chin tuck"]
    assert everything == {"Chin tuck": True, "Bridge": False}
    assert charlies == []  # favourites are each practitioner's own
    assert api.delete(f"/api/v1/exercises/{starred.pk}/favourite/").status_code == 204
    assert api.get("/api/v1/exercises/", {"favourite": "true"}).json()["results"] == []
    assert other.favourites.count() == 0


def test_another_practices_exercise_linked_as_a_variant_of_a_library_one_stays_hidden(alice, charlie):
    library = ExerciseFactory(name="Bridge")
    charlies = ExerciseFactory(name="Charlie's bridge", practice=charlie.memberships.get().practice)
    library.variants.add(charlies)

    row = api_as(alice).get(f"/api/v1/exercises/{library.pk}/").json()

    assert row["variants"] == []
    assert Exercise.objects.get(pk=library.pk).variants.count() == 1
