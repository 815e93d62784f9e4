"""The program builder in the workspace: order, dosage in the row and for the whole program,
swapping for a variant, favourites, search filters and thumbnails; each with and without htmx."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from programs.models import Exercise, Favourite, Program
from tests.factories import ExerciseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def knee(alice_practice):
    """Alice's knee template: four exercises, the second with a hold, the third with a harder variant."""
    program = Program.objects.create(practice=alice_practice, title="Knee", is_template=True)
    specs = [
        ("Heel slide", {"reps": 10}),
        ("Thigh squeeze", {"reps": 10, "hold_seconds": 5}),
        ("Mini squat", {"reps": 10}),
        ("Wall sit", {"reps": None, "hold_seconds": 30}),
    ]
    for position, (name, dosage) in enumerate(specs):
        exercise = ExerciseFactory(name=name, region="knee", level=1 if name != "Wall sit" else 3)
        program.items.create(exercise=exercise, position=position, sets=2, **dosage)
    return program


def names(program):
    return [item.exercise.name for item in program.items.order_by("position", "id")]


def item_of(program, name):
    return program.items.get(exercise__name=name)


def test_dropping_a_row_saves_the_whole_new_order(client, alice, knee):
    client.force_login(alice)
    ids = list(knee.items.order_by("position").values_list("pk", flat=True))

    response = client.post(
        f"/programs/{knee.pk}/order/", {"order": ",".join(map(str, [ids[3], *ids[:3]]))}, headers=HTMX
    )

    assert names(knee) == ["Wall sit", "Heel slide", "Thigh squeeze", "Mini squat"]
    assert response.content.decode().index("Wall sit") < response.content.decode().index("Heel slide")


def test_an_order_from_a_page_out_of_date_is_refused_saying_so_and_moves_nothing(client, alice, knee):
    client.force_login(alice)
    ids = list(knee.items.order_by("position").values_list("pk", flat=True))

    response = client.post(f"/programs/{knee.pk}/order/", {"order": f"{ids[1]},{ids[0]}"}, headers=HTMX)

    assert b"changed on another page meanwhile" in response.content
    assert names(knee) == ["Heel slide", "Thigh squeeze", "Mini squat", "Wall sit"]


def test_without_javascript_the_last_exercise_goes_to_the_top_in_one_click_and_the_page_comes_back(
    client, alice, knee
):
    client.force_login(alice)
    last = item_of(knee, "Wall sit")

    response = client.post(
        f"/programs/items/{last.pk}/move/", {"direction": "top", "next": f"/programs/{knee.pk}/"}
    )

    assert response.status_code == 302 and response["Location"] == f"/programs/{knee.pk}/"
    assert names(knee)[0] == "Wall sit"
    client.post(f"/programs/items/{last.pk}/move/", {"direction": "down"})
    assert names(knee)[:2] == ["Heel slide", "Wall sit"]


def test_adding_an_exercise_tells_the_search_to_refresh_which_are_already_in(client, alice, knee):
    client.force_login(alice)

    response = client.post(f"/programs/{knee.pk}/items/", {"exercise": ExerciseFactory().pk}, headers=HTMX)

    assert response["HX-Trigger"] == "program-changed"


def test_a_dosage_typed_in_the_row_comes_back_as_that_row_alone_saved(client, alice, knee):
    client.force_login(alice)
    item = item_of(knee, "Mini squat")
    prefix = f"item-{item.pk}"

    response = client.post(
        f"/programs/items/{item.pk}/dosage/",
        {f"{prefix}-sets": 4, f"{prefix}-reps": 12, f"{prefix}-side": "each", f"{prefix}-note": "Slowly"},
        headers=HTMX,
    )

    page = response.content.decode()
    item.refresh_from_db()
    assert (item.sets, item.reps, item.side, item.note) == (4, 12, "each", "Slowly")
    assert "4 sets of 12 · each side · saved" in page
    assert "Heel slide" not in page  # only the row: the field typed in keeps its focus


def test_a_bad_dosage_in_the_row_names_the_field_and_keeps_what_was_saved(client, alice, knee):
    client.force_login(alice)
    item = item_of(knee, "Mini squat")
    prefix = f"item-{item.pk}"

    response = client.post(
        f"/programs/items/{item.pk}/dosage/", {f"{prefix}-sets": 0, f"{prefix}-reps": 10}, headers=HTMX
    )

    assert "Sets: Ensure this value is greater than or equal to 1." in response.content.decode()
    assert b'aria-invalid="true"' in response.content
    item.refresh_from_db()
    assert item.sets == 2


def test_every_hold_set_to_20_s_at_once_changes_only_the_exercises_with_a_hold(client, alice, knee):
    client.force_login(alice)

    response = client.post(
        f"/programs/{knee.pk}/dosage/", {"all-hold_seconds": 20, "all-sets": 3}, headers=HTMX
    )

    holds = {item.exercise.name: (item.sets, item.hold_seconds) for item in knee.items.all()}
    assert holds == {
        "Heel slide": (3, None),
        "Thigh squeeze": (3, 20),
        "Mini squat": (3, None),
        "Wall sit": (3, 20),
    }
    assert b"4 exercises changed." in response.content


def test_a_whole_program_dosage_with_a_bad_value_names_the_field_and_changes_nothing(client, alice, knee):
    client.force_login(alice)

    bad = client.post(f"/programs/{knee.pk}/dosage/", {"all-hold_seconds": 0}, headers=HTMX)
    empty = client.post(f"/programs/{knee.pk}/dosage/", {}, headers=HTMX)

    assert "Hold (s): Ensure this value is greater than or equal to 1." in bad.content.decode()
    assert "Give at least one value to change" in empty.content.decode()
    assert sorted(filter(None, knee.items.values_list("hold_seconds", flat=True))) == [5, 30]


def test_swapping_for_the_harder_variant_keeps_the_place_and_a_dosage_that_counts_the_same(
    client, alice, knee
):
    squat = item_of(knee, "Mini squat")
    squat.exercise.variants.add(item_of(knee, "Wall sit").exercise)
    harder = ExerciseFactory(name="Single-leg squat", region="knee", level=2, reps=6)
    squat.exercise.variants.add(harder)
    client.force_login(alice)

    page = client.get(f"/programs/{knee.pk}/").content.decode()
    client.post(f"/programs/items/{squat.pk}/swap/", {"direction": "harder"}, headers=HTMX)

    assert "Harder: Single-leg squat" in page  # the nearest level up, not the wall sit
    squat.refresh_from_db()
    assert names(knee)[2] == "Single-leg squat"
    assert (squat.sets, squat.reps) == (2, 10)  # reps for reps: the prescription stays


def test_swapping_to_a_variant_counted_otherwise_takes_its_default_dosage(client, alice, knee):
    squeeze = item_of(knee, "Thigh squeeze")
    easier = ExerciseFactory(name="Quad set", region="knee", level=0, reps=None, duration_seconds=60)
    Exercise.objects.filter(pk=easier.pk).update(level=1)
    Exercise.objects.filter(pk=squeeze.exercise_id).update(level=2)
    squeeze.exercise.variants.add(easier)
    client.force_login(alice)

    client.post(f"/programs/items/{squeeze.pk}/swap/", {"direction": "easier"})

    squeeze.refresh_from_db()
    assert squeeze.exercise == easier
    assert (squeeze.sets, squeeze.reps, squeeze.hold_seconds, squeeze.duration_seconds) == (2, None, None, 60)


def test_there_is_no_swap_where_no_variant_exists_nor_to_another_practices_exercise(
    client, alice, charlie, knee
):
    slide = item_of(knee, "Heel slide")
    theirs = ExerciseFactory(name="Charlie's slide", level=3, practice=charlie.memberships.get().practice)
    slide.exercise.variants.add(theirs)
    client.force_login(alice)

    response = client.post(f"/programs/items/{slide.pk}/swap/", {"direction": "harder"})

    assert response.status_code == 404
    assert "Charlie's slide" not in client.get(f"/programs/{knee.pk}/").content.decode()
    assert names(knee)[0] == "Heel slide"


def test_an_exercise_with_a_variant_of_the_same_level_offers_a_swap_to_it(client, alice, knee):
    slide = item_of(knee, "Heel slide")
    towel = ExerciseFactory(name="Towel heel slide", region="knee", level=1, reps=12)
    slide.exercise.variants.add(towel)
    client.force_login(alice)

    page = client.get(f"/programs/{knee.pk}/").content.decode()
    response = client.post(
        f"/programs/items/{slide.pk}/swap/", {"direction": "alike", "variant": towel.pk}, headers=HTMX
    )

    assert "Variant: Towel heel slide" in page
    assert "Easier:" not in page and "Harder: Towel" not in page  # the same level is neither
    assert response.status_code == 200
    slide.refresh_from_db()
    assert names(knee)[0] == "Towel heel slide"
    assert (slide.sets, slide.reps) == (2, 10)  # reps for reps: the prescription stays


def test_a_same_level_swap_only_goes_to_one_of_the_items_own_variants(client, alice, charlie, knee):
    slide = item_of(knee, "Heel slide")
    stranger = ExerciseFactory(name="Unlinked slide", region="knee", level=1)
    theirs = ExerciseFactory(name="Charlie's slide", level=1, practice=charlie.memberships.get().practice)
    slide.exercise.variants.add(theirs)
    client.force_login(alice)

    for variant in (stranger, theirs):
        answer = client.post(
            f"/programs/items/{slide.pk}/swap/", {"direction": "alike", "variant": variant.pk}
        )
        assert answer.status_code == 404
    assert "Charlie's slide" not in client.get(f"/programs/{knee.pk}/").content.decode()
    assert names(knee)[0] == "Heel slide"


def test_a_starred_exercise_shows_under_favourites_for_that_practitioner_only(client, alice, knee):
    colleague = alice_colleague(alice)
    chin = ExerciseFactory(name="Chin tuck", region="neck")
    client.force_login(alice)

    star = client.post(f"/library/exercises/{chin.pk}/favourite/", {"starred": "1"}, headers=HTMX)
    mine = client.get(f"/programs/{knee.pk}/exercises/", {"favourites": "1"})
    client.force_login(colleague)
    theirs = client.get(f"/programs/{knee.pk}/exercises/", {"favourites": "1"})

    assert b'aria-pressed="true"' in star.content
    assert [e.name for e in mine.context["results"]] == ["Chin tuck"]
    assert list(theirs.context["results"]) == []
    client.force_login(alice)
    client.post(f"/library/exercises/{chin.pk}/favourite/", {"starred": "0"})
    assert not Favourite.objects.exists()


def alice_colleague(alice):
    return MembershipFactory(practice=alice.memberships.get().practice, user__email="carol@example.com").user


def test_the_search_filters_by_position_and_level_and_shows_each_figure(client, alice, knee):
    ExerciseFactory(
        name="Step-up",
        region="knee",
        position="standing",
        level=2,
        illustration="programs/illustrations/step-up-start.svg",
    )
    ExerciseFactory(name="Straight-leg raise", region="knee", position="lying-back", level=2)
    client.force_login(alice)

    def found(**query):
        return [e.name for e in client.get(f"/programs/{knee.pk}/exercises/", query).context["results"]]

    assert found(position="standing", level=2) == ["Step-up"]
    assert found(q="raise") == ["Straight-leg raise"]
    assert (
        b'src="/static/programs/illustrations/step-up-start.svg"'
        in client.get(f"/programs/{knee.pk}/exercises/", {"q": "step"}).content
    )


def test_names_that_start_with_the_words_come_first_and_summaries_are_not_searched(client, alice, knee):
    ExerciseFactory(name="A wall push", summary="Like a squat, against the wall.")
    ExerciseFactory(name="Split squat")
    ExerciseFactory(name="Squat to chair")
    client.force_login(alice)

    results = client.get(f"/programs/{knee.pk}/exercises/", {"q": "squat"}).context["results"]

    assert [e.name for e in results] == ["Squat to chair", "Mini squat", "Split squat"]


def test_the_search_takes_the_same_queries_for_five_results_as_for_thirty(client, alice, knee):
    client.force_login(alice)
    url = f"/programs/{knee.pk}/exercises/"
    client.get(url, {"q": "move"})  # the session and the practice's first look-ups

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(url, {"q": "move"}, headers=HTMX)
        return len(captured)

    for n in range(5):
        ExerciseFactory(name=f"Move {n}", illustration="programs/illustrations/bridge-start.svg")
    few = queries()
    for n in range(5, 40):
        ExerciseFactory(name=f"Move {n}")
    assert queries() == few


def test_the_builder_page_takes_the_same_queries_for_four_rows_as_for_twelve(client, alice, knee):
    client.force_login(alice)
    url = f"/programs/{knee.pk}/"
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    few = queries()
    for position in range(4, 12):
        exercise = ExerciseFactory(name=f"Extra {position}")
        exercise.variants.add(ExerciseFactory(level=2))
        knee.items.create(exercise=exercise, position=position, reps=5)
    assert queries() == few


def test_the_assignment_edit_page_has_the_same_builder(client, alice, bob_assignment):
    client.force_login(alice)

    page = client.get(f"/assignments/{bob_assignment.pk}/edit/").content.decode()

    assert "data-sortable" in page and "Change the whole program" in page and 'id="f-level"' in page


@pytest.mark.django_db(transaction=True)
def test_retiring_body_region_gives_every_exercise_a_region_and_going_back_restores_it(latest_migrations):
    executor = MigrationExecutor(connection)
    executor.migrate([("programs", "0007_program_safety")])
    old = executor.loader.project_state([("programs", "0007_program_safety")]).apps.get_model(
        "programs", "Exercise"
    )
    old.objects.create(slug="only-old", name="Only old", body_region="hips", region="", reps=5)
    old.objects.create(slug="both", name="Both", body_region="core", region="neck", reps=5)

    executor = MigrationExecutor(connection)
    executor.migrate([("programs", "0008_retire_body_region")])
    regions = dict(
        executor.loader.project_state([("programs", "0008_retire_body_region")])
        .apps.get_model("programs", "Exercise")
        .objects.values_list("slug", "region")
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("programs", "0007_program_safety")])
    back = dict(old.objects.values_list("slug", "body_region"))

    assert regions == {"only-old": "hip", "both": "neck"}
    assert back == {"only-old": "hips", "both": "spine"}
