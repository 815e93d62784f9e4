"""Prescribing in the browser: a draft built in place, then assigned; an assigned program edited as a version."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.models import Assignment
from programs.models import NOTHING_TO_COUNT, Program
from tests.factories import ExerciseFactory, TemplateFactory

pytestmark = pytest.mark.django_db


def schedule(**changes):
    return {
        "start_date": timezone.localdate().isoformat(),
        "weeks": 4,
        "days_of_week": [0, 2, 4],
        "sessions_per_day": 1,
        "reminder_time": "07:30",
        **changes,
    }


def start_from(client, bob, template):
    response = client.post(f"/clients/{bob.pk}/prescribe/", {"template": template.pk})
    return Program.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_prescribing_from_a_template_builds_a_private_draft(client, alice, bob):
    template = TemplateFactory(title="Back basics")
    client.force_login(alice)

    draft = start_from(client, bob, template)

    assert draft.is_draft and draft.practice == bob.practice and draft.source == template
    assert draft.items.count() == 3
    assert client.get(f"/clients/{bob.pk}/prescribe/{draft.pk}/").status_code == 200


def test_the_start_page_offers_each_template_with_its_size_and_drawings_and_no_other_practices(
    client, alice, bob, charlie
):
    TemplateFactory(title="Back basics")
    TemplateFactory(title="Charlie's secret plan", practice=charlie.memberships.get().practice)
    client.force_login(alice)

    page = client.get(f"/clients/{bob.pk}/prescribe/").content.decode()

    assert "Back basics" in page and "3 exercises" in page and 'class="thumb' in page
    assert "Charlie's secret plan" not in page
    assert page.count('type="radio" name="template"') == 2  # the template, and a blank program


def test_a_client_who_reads_spanish_gets_the_library_template_written_in_spanish_to_edit(client, alice, bob):
    call_command("seed_library", stdout=io.StringIO())
    template = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
    bob.language = "es"
    bob.save()
    client.force_login(alice)

    draft = start_from(client, bob, template)

    assert draft.title == "Dolor de espalda: el movimiento como medicina"
    assert (
        draft.items.first().note == "Un calentamiento suave; haga rodar las espinillas después de los pies."
    )
    page = client.get(f"/clients/{bob.pk}/prescribe/{draft.pk}/").content.decode()
    assert "Dolor de espalda" in page


def test_a_client_who_reads_english_gets_the_library_template_as_written(client, alice, bob):
    call_command("seed_library", stdout=io.StringIO())
    template = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
    client.force_login(alice)

    draft = start_from(client, bob, template)

    assert draft.title == "Back pain: movement as medicine"
    assert draft.items.first().note == "A gentle warm-up; roll the shins after the feet."


def test_a_practices_own_template_gives_its_own_words_whatever_the_clients_language(client, alice, bob):
    call_command("seed_library", stdout=io.StringIO())
    library = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
    client.force_login(alice)
    client.post(f"/programs/{library.pk}/save-as-template/", {"title": "Our back routine"})
    own = Program.objects.templates().get(title="Our back routine")
    bob.language = "es"
    bob.save()

    draft = start_from(client, bob, own)

    assert draft.title == "Our back routine"
    assert draft.items.first().note == "A gentle warm-up; roll the shins after the feet."


def test_a_blank_program_needs_a_title(client, alice, bob):
    client.force_login(alice)

    response = client.post(f"/clients/{bob.pk}/prescribe/", {"template": "", "title": ""})

    assert response.status_code == 400
    assert b"Give the blank program a title" in response.content


def test_exercises_are_added_reordered_dosed_and_removed_with_htmx(client, alice, bob):
    client.force_login(alice)
    response = client.post(f"/clients/{bob.pk}/prescribe/", {"title": "Bob's own"})
    draft = Program.objects.get(title="Bob's own")
    squat, plank = ExerciseFactory(name="Deep squat"), ExerciseFactory(name="Side plank")
    htmx = {"HX-Request": "true"}

    client.post(f"/programs/{draft.pk}/items/", {"exercise": squat.pk}, headers=htmx)
    response = client.post(f"/programs/{draft.pk}/items/", {"exercise": plank.pk}, headers=htmx)
    assert b"<html" not in response.content
    plank_item = draft.items.get(exercise=plank)
    client.post(f"/programs/items/{plank_item.pk}/move/", {"direction": "up"}, headers=htmx)
    prefix = f"item-{plank_item.pk}"
    client.post(
        f"/programs/items/{plank_item.pk}/dosage/",
        {
            f"{prefix}-sets": 3,
            f"{prefix}-duration_seconds": 20,
            f"{prefix}-side": "each",
            f"{prefix}-note": "Knees bent",
        },
        headers=htmx,
    )

    items = list(draft.items.select_related("exercise"))
    assert [i.exercise.name for i in items] == ["Side plank", "Deep squat"]
    assert (items[0].sets, items[0].duration_seconds, items[0].side, items[0].note) == (
        3,
        20,
        "each",
        "Knees bent",
    )
    client.post(f"/programs/items/{items[1].pk}/remove/", headers=htmx)
    assert draft.items.count() == 1


def test_a_bad_dosage_is_shown_next_to_the_field_and_kept(client, alice, bob):
    template = TemplateFactory()
    client.force_login(alice)
    draft = start_from(client, bob, template)
    item = draft.items.first()
    prefix = f"item-{item.pk}"

    response = client.post(
        f"/programs/items/{item.pk}/dosage/",
        {f"{prefix}-sets": 0, f"{prefix}-reps": "lots"},
        headers={"HX-Request": "true"},
    )

    assert b"Ensure this value is greater than or equal to 1" in response.content
    assert b'value="lots"' in response.content
    item.refresh_from_db()
    assert item.sets == 3


def test_without_javascript_the_builder_redirects_back(client, alice, bob):
    client.force_login(alice)
    draft = start_from(client, bob, TemplateFactory())
    back = f"/clients/{bob.pk}/prescribe/{draft.pk}/"

    response = client.post(f"/programs/{draft.pk}/items/", {"exercise": ExerciseFactory().pk, "next": back})

    assert response.status_code == 302 and response["Location"] == back


def test_the_library_search_filters_by_name_region_equipment_and_tag(client, alice, bob):
    ExerciseFactory(name="Deep squat", region="hip", equipment="Chair", tags=["strength"])
    ExerciseFactory(name="Side plank", region="lower-back", equipment="Mat", tags=["core"])
    client.force_login(alice)
    draft = start_from(client, bob, TemplateFactory(exercises=0))

    def names(**query):
        response = client.get(f"/programs/{draft.pk}/exercises/", query)
        return {e.name for e in response.context["results"]}

    assert names(q="squat") == {"Deep squat"}
    assert names(region="lower-back") == {"Side plank"}
    assert names(equipment="chair") == {"Deep squat"}
    assert names(tag="core") == {"Side plank"}


def test_assigning_the_draft_gives_it_to_the_client_with_its_schedule(client, alice, bob):
    client.force_login(alice)
    draft = start_from(client, bob, TemplateFactory())

    response = client.post(f"/clients/{bob.pk}/prescribe/{draft.pk}/", schedule())

    assignment = Assignment.objects.get(client=bob)
    bob.refresh_from_db()
    assert response.status_code == 302
    assert assignment.program == draft and assignment.version == 1
    assert assignment.days_of_week == [0, 2, 4]
    assert bob.reminder_time.strftime("%H:%M") == "07:30"
    draft.refresh_from_db()
    assert not draft.is_draft
    assert client.get(f"/clients/{bob.pk}/prescribe/{draft.pk}/").status_code == 404


def test_a_later_template_edit_never_reaches_what_was_given(client, alice, bob):
    template = TemplateFactory()
    client.force_login(alice)
    draft = start_from(client, bob, template)
    client.post(f"/clients/{bob.pk}/prescribe/{draft.pk}/", schedule())

    template.items.update(sets=9)

    assert set(Assignment.objects.get(client=bob).program.items.values_list("sets", flat=True)) == {3}


def test_an_empty_draft_is_not_assigned(client, alice, bob):
    client.force_login(alice)
    client.post(f"/clients/{bob.pk}/prescribe/", {"title": "Empty"})
    draft = Program.objects.get(title="Empty")

    response = client.post(f"/clients/{bob.pk}/prescribe/{draft.pk}/", schedule())

    assert response.status_code == 400
    assert b"Add at least one exercise" in response.content
    assert not Assignment.objects.exists()


def test_after_publishing_the_client_page_opens_at_the_programs(client, alice, bob_assignment):
    client.force_login(alice)
    draft = client.get(f"/assignments/{bob_assignment.pk}/edit/").context["program"]
    client.post(f"/programs/{draft.pk}/items/", {"exercise": ExerciseFactory().pk})

    response = client.post(
        f"/assignments/{bob_assignment.pk}/edit/", schedule(start_date=bob_assignment.start_date.isoformat())
    )

    assert response["Location"] == f"/clients/{bob_assignment.client_id}/#assignments-heading"


def test_editing_an_assigned_program_publishes_version_two(client, alice, bob_assignment):
    client.force_login(alice)
    page = client.get(f"/assignments/{bob_assignment.pk}/edit/")
    draft = page.context["program"]
    client.post(f"/programs/{draft.pk}/items/", {"exercise": ExerciseFactory(name="Deep squat").pk})

    response = client.post(
        f"/assignments/{bob_assignment.pk}/edit/",
        {
            "start_date": bob_assignment.start_date.isoformat(),
            "weeks": 4,
            "days_of_week": list(range(7)),
            "sessions_per_day": 2,
        },
        follow=True,
    )

    bob_assignment.refresh_from_db()
    assert bob_assignment.version == 2
    assert b"new: deep squat" in response.content
    old = client.get(f"/assignments/{bob_assignment.pk}/versions/1/")
    assert old.status_code == 200 and b"Deep squat" not in old.content


def test_a_template_of_the_shared_library_is_read_only(client, alice):
    shared = TemplateFactory()
    client.force_login(alice)

    assert client.get(f"/programs/{shared.pk}/").status_code == 404
    assert client.post(f"/programs/{shared.pk}/items/", {"exercise": ExerciseFactory().pk}).status_code == 404


def test_any_program_can_be_saved_as_a_practice_template(client, alice, alice_practice, bob_assignment):
    client.force_login(alice)

    response = client.post(
        f"/programs/{bob_assignment.program.pk}/save-as-template/", {"title": "Bob's program as a template"}
    )

    template = Program.objects.get(title="Bob's program as a template")
    assert response.status_code == 302
    assert template.is_template and template.practice == alice_practice
    assert template.items.count() == bob_assignment.program.items.count()


def draft_item(client, alice, bob):
    """Alice starts Bob's program from a template: the draft, its first item and the item's form prefix."""
    client.force_login(alice)
    draft = start_from(client, bob, TemplateFactory())
    item = draft.items.first()
    return draft, item, f"item-{item.pk}"


def test_a_dosage_of_sets_alone_is_refused_next_to_reps_and_the_saved_one_kept(client, alice, bob):
    _draft, item, prefix = draft_item(client, alice, bob)

    response = client.post(
        f"/programs/items/{item.pk}/dosage/",
        {f"{prefix}-sets": 3, f"{prefix}-reps": "", f"{prefix}-side": "each"},
        headers={"HX-Request": "true"},
    )

    form = response.context["row"].form
    assert form.errors == {"reps": [NOTHING_TO_COUNT]}
    assert NOTHING_TO_COUNT.encode() in response.content
    item.refresh_from_db()
    assert (item.sets, item.reps, item.side) == (3, 10, "")


@pytest.mark.parametrize("counted", ["reps", "hold_seconds", "duration_seconds"])
def test_sets_with_reps_a_hold_or_a_duration_are_saved(client, alice, bob, counted):
    _draft, item, prefix = draft_item(client, alice, bob)

    client.post(
        f"/programs/items/{item.pk}/dosage/",
        {f"{prefix}-sets": 2, f"{prefix}-{counted}": 30, f"{prefix}-side": "each"},
        headers={"HX-Request": "true"},
    )

    item.refresh_from_db()
    assert (item.sets, getattr(item, counted), item.side) == (2, 30, "each")


def test_without_javascript_a_bad_dosage_shows_the_builder_page_with_the_error(client, alice, bob):
    draft, item, prefix = draft_item(client, alice, bob)

    response = client.post(
        f"/programs/items/{item.pk}/dosage/",
        {f"{prefix}-sets": "", "next": f"/clients/{bob.pk}/prescribe/{draft.pk}/"},
    )

    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert b"<html" in response.content


def test_a_revision_draft_cannot_be_assigned_as_a_second_program(client, alice, bob, bob_assignment):
    client.force_login(alice)
    draft = client.get(f"/assignments/{bob_assignment.pk}/edit/").context["program"]

    response = client.post(f"/clients/{bob.pk}/prescribe/{draft.pk}/", schedule())

    assert response.status_code == 400
    assert Assignment.objects.filter(client=bob).count() == 1


def test_the_edit_page_says_what_is_not_published_yet(client, alice, bob_assignment):
    client.force_login(alice)
    first = client.get(f"/assignments/{bob_assignment.pk}/edit/")
    client.post(
        f"/programs/{first.context['program'].pk}/items/", {"exercise": ExerciseFactory(name="Deep squat").pk}
    )

    again = client.get(f"/assignments/{bob_assignment.pk}/edit/").content.decode()

    assert (
        "No exercise changed yet" in first.content.decode()
        and "Discard these edits" not in first.content.decode()
    )
    assert "<strong>Not published yet:</strong> new: deep squat" in again and "Discard these edits" in again


def test_the_edit_page_separates_unpublished_changes_as_the_published_ones_are(client, alice, bob_assignment):
    client.force_login(alice)
    draft = client.get(f"/assignments/{bob_assignment.pk}/edit/").context["program"]
    client.post(f"/programs/{draft.pk}/items/", {"exercise": ExerciseFactory(name="Deep squat").pk})
    client.post(f"/programs/{draft.pk}/items/", {"exercise": ExerciseFactory(name="Bridge").pk})

    page = client.get(f"/assignments/{bob_assignment.pk}/edit/").content.decode()

    # A dosage reads "3 sets · hold 30 s": a change ends at a semicolon, never at a middle dot.
    assert "<strong>Not published yet:</strong> new: deep squat; new: bridge" in page


def test_discarding_unpublished_edits_starts_the_next_edit_from_the_current_version(
    client, alice, bob_assignment
):
    client.force_login(alice)
    draft = client.get(f"/assignments/{bob_assignment.pk}/edit/").context["program"]
    client.post(f"/programs/{draft.pk}/items/", {"exercise": ExerciseFactory(name="Deep squat").pk})

    response = client.post(f"/assignments/{bob_assignment.pk}/edit/discard/", follow=True)

    assert b"keeps version 1 as it was" in response.content
    assert not Program.objects.filter(pk=draft.pk).exists()
    fresh = client.get(f"/assignments/{bob_assignment.pk}/edit/").context["program"]
    assert not fresh.items.filter(exercise__name="Deep squat").exists()
    assert fresh.items.count() == bob_assignment.program.items.count()
    bob_assignment.refresh_from_db()
    assert bob_assignment.version == 1


def test_the_builder_shows_an_exercise_already_in_the_program_and_one_given_twice(client, alice, bob):
    client.force_login(alice)
    client.post(f"/clients/{bob.pk}/prescribe/", {"title": "Bob's own"})
    draft = Program.objects.get(title="Bob's own")
    squat = ExerciseFactory(name="Deep squat")
    htmx = {"HX-Request": "true"}

    first = client.post(f"/programs/{draft.pk}/items/", {"exercise": squat.pk}, headers=htmx)
    results = client.get(f"/programs/{draft.pk}/exercises/", {"q": "squat"}, headers=htmx)
    second = client.post(f"/programs/{draft.pk}/items/", {"exercise": squat.pk}, headers=htmx)

    assert b"given again" not in first.content
    assert b'aria-label="Add Deep squat again"' in results.content
    assert b"already in this program" in results.content
    assert second.content.count(b"given again") == 1
    assert draft.items.filter(exercise=squat).count() == 2


def test_a_refused_assignment_or_version_opens_at_the_schedule_where_the_error_is(
    client, alice, bob, bob_assignment
):
    # The error sits under the long builder: the browser must land on it, not at the top.
    client.force_login(alice)
    client.post(f"/clients/{bob.pk}/prescribe/", {"title": "Empty"})
    draft = Program.objects.get(title="Empty")

    refused_assignment = client.post(f"/clients/{bob.pk}/prescribe/{draft.pk}/", schedule(weeks=0))
    refused_version = client.post(f"/assignments/{bob_assignment.pk}/edit/", schedule(weeks=0))

    for response in (refused_assignment, refused_version):
        assert response.status_code == 400
        assert b'action="#schedule-heading"' in response.content
        assert b'id="schedule-heading"' in response.content


def test_a_program_that_would_already_be_over_is_refused_at_its_start_date(client, alice, bob):
    client.force_login(alice)
    client.post(f"/clients/{bob.pk}/prescribe/", {"title": "Late"})
    draft = Program.objects.get(title="Late")
    client.post(f"/programs/{draft.pk}/items/", {"exercise": ExerciseFactory().pk})
    long_ago = (timezone.localdate() - timedelta(weeks=5)).isoformat()

    refused = client.post(f"/clients/{bob.pk}/prescribe/{draft.pk}/", schedule(start_date=long_ago, weeks=4))
    quick = client.post(
        f"/clients/{bob.pk}/assign/",
        {**schedule(start_date=long_ago, weeks=4), "template": TemplateFactory().pk},
    )
    begun = client.post(f"/clients/{bob.pk}/prescribe/{draft.pk}/", schedule(start_date=long_ago, weeks=6))

    for response in (refused, quick):
        assert response.status_code == 400
        assert b"before today: choose a later start date or more weeks." in response.content
    assert begun.status_code == 302
    assert Assignment.objects.filter(client=bob).count() == 1


def test_the_reminder_time_says_it_is_on_the_clients_clock_not_the_practitioners(client, alice, dana):
    alice.memberships.update(timezone="Europe/London")
    dana.timezone = "America/New_York"
    dana.save()
    client.force_login(alice)

    draft = start_from(client, dana, TemplateFactory(title="Back basics"))
    page = client.get(f"/clients/{dana.pk}/prescribe/{draft.pk}/").text

    assert "Reminder time (Dana Client&#x27;s time, America/New_York)" in page
    assert "reaches Dana Client at this time where they are" in page
