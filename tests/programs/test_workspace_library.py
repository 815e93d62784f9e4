import os
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from programs.forms import PHOTO_NOT_KEPT
from programs.models import NOTHING_TO_COUNT, Exercise, Program
from tests.factories import ExerciseFactory, TemplateFactory, assign

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> SimpleUploadedFile:
    out = BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Secret camera"
    Image.new("RGB", (3000, 2000), (200, 100, 50)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def exercise_post(**changes):
    return {
        "name": "Wall slide",
        "summary": "Slide up the wall.",
        "steps": "Stand with your back to a wall.\nSlide your arms up.",
        "cues": "Slow",
        "region": "lower-back",
        "equipment": "Wall",
        "tags": "Mobility, posture",
        "sets": 2,
        "reps": 8,
        "side": "",
        "video_url": "https://video.example/wall-slide",
        "image_alt": "A person slides their arms up a wall.",
        **changes,
    }


def test_the_library_lists_shared_and_own_exercises_and_filters_them(client, alice, alice_practice, charlie):
    ExerciseFactory(name="Deep squat", region="hip", tags=["strength"])
    ExerciseFactory(name="Our bridge", practice=alice_practice, region="hip")
    ExerciseFactory(name="Their secret", practice=charlie.memberships.get().practice)
    client.force_login(alice)

    everything = {e.name for e in client.get("/library/").context["exercises"]}
    strength = {e.name for e in client.get("/library/", {"tag": "strength"}).context["exercises"]}

    assert everything == {"Deep squat", "Our bridge"}
    assert strength == {"Deep squat"}


def test_the_library_shows_and_filters_each_exercise_by_its_region(client, alice):
    ExerciseFactory(name="Band row", region="upper-back")
    ExerciseFactory(name="Chin tuck", region="neck")
    client.force_login(alice)

    page = client.get("/library/", {"region": "upper-back"})

    assert {e.name for e in page.context["exercises"]} == {"Band row"}
    assert '<td data-label="Region">Upper back</td>' in page.content.decode()


def test_a_practice_adds_its_own_exercise_with_a_re_encoded_photo(client, alice, alice_practice, tmp_path):
    client.force_login(alice)

    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post("/library/exercises/new/", exercise_post(image=jpeg_with_exif()))
        exercise = Exercise.objects.get(name="Wall slide")
        with Image.open(exercise.image.path) as saved:
            assert max(saved.size) <= 1600
            assert not saved.getexif()

    assert response.status_code == 302
    assert exercise.practice == alice_practice
    assert exercise.steps == ["Stand with your back to a wall.", "Slide your arms up."]
    assert exercise.tags == ["mobility", "posture"]


def test_a_file_that_is_not_an_image_is_refused_and_the_form_kept(client, alice):
    client.force_login(alice)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")

    response = client.post("/library/exercises/new/", exercise_post(image=fake))

    assert response.status_code == 400
    assert b"Upload a valid image" in response.content
    assert b'value="Wall slide"' in response.content
    assert not Exercise.objects.filter(name="Wall slide").exists()


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_a_photo_over_the_upload_limit_is_refused_next_to_the_field_naming_the_limit(client, alice):
    client.force_login(alice)
    out = BytesIO()
    Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(out, format="PNG")  # ~1.9 MB
    big = SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")

    response = client.post("/library/exercises/new/", exercise_post(image=big))

    assert response.status_code == 400
    assert response.context["form"].errors["image"] == ["The photo is over 1 MB."]
    assert not Exercise.objects.filter(name="Wall slide").exists()


@override_settings(UPLOAD_MAX_BYTES=5 * 1024 * 1024)
def test_the_photo_field_says_the_upload_limit_in_force(client, alice):
    client.force_login(alice)

    response = client.get("/library/exercises/new/")

    assert b"JPEG, PNG or WebP up to 5 MB" in response.content


def test_an_image_needs_a_description(client, alice, tmp_path):
    client.force_login(alice)

    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post("/library/exercises/new/", exercise_post(image=jpeg_with_exif(), image_alt=""))

    assert response.status_code == 400
    assert b"Describe the image" in response.content


def test_when_another_field_is_refused_the_form_says_the_photo_must_be_chosen_again(client, alice, tmp_path):
    client.force_login(alice)

    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post(
            "/library/exercises/new/", exercise_post(image=jpeg_with_exif(), video_url="javascript:alert(1)")
        )

    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [PHOTO_NOT_KEPT]
    assert "video_url" in response.context["form"].errors
    assert not Exercise.objects.filter(name="Wall slide").exists()


def test_editing_with_a_refused_field_says_the_new_photo_must_be_chosen_again(
    client, alice, alice_practice, tmp_path
):
    mine = ExerciseFactory(practice=alice_practice)
    client.force_login(alice)

    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post(
            f"/library/exercises/{mine.pk}/edit/", exercise_post(image=jpeg_with_exif(), sets=0)
        )

    assert response.status_code == 400
    assert PHOTO_NOT_KEPT.encode() in response.content


def test_a_form_refused_without_a_photo_says_nothing_about_one(client, alice):
    client.force_login(alice)

    response = client.post("/library/exercises/new/", exercise_post(video_url="javascript:alert(1)"))

    assert response.status_code == 400
    assert "image" not in response.context["form"].errors


def test_the_shared_library_is_read_only(client, alice):
    shared = ExerciseFactory()
    client.force_login(alice)

    assert client.get(f"/library/exercises/{shared.pk}/").status_code == 200
    assert client.get(f"/library/exercises/{shared.pk}/edit/").status_code == 404
    assert client.post(f"/library/exercises/{shared.pk}/edit/", exercise_post()).status_code == 404


def test_another_practices_exercise_is_404(client, alice, charlie):
    theirs = ExerciseFactory(practice=charlie.memberships.get().practice)
    client.force_login(alice)

    assert client.get(f"/library/exercises/{theirs.pk}/").status_code == 404
    assert client.get(f"/library/exercises/{theirs.pk}/edit/").status_code == 404


def test_a_shared_template_can_be_read_before_it_is_given_or_copied(client, alice):
    template = TemplateFactory(title="Knee basics", summary="Three moves for a stiff knee.")
    client.force_login(alice)

    library = client.get("/library/").content.decode()
    page = client.get(f"/library/templates/{template.pk}/").content.decode()

    assert f'href="/library/templates/{template.pk}/"' in library
    assert "Three moves for a stiff knee." in page and "Shared library, read-only" in page
    for item in template.items.all():
        assert item.exercise.name in page and item.dosage_text() in page
    assert f'action="/programs/{template.pk}/save-as-template/"' in page


def test_a_practice_renames_its_template_and_a_blank_title_is_refused(client, alice, alice_practice):
    template = TemplateFactory(practice=alice_practice, title="Knee basics")
    client.force_login(alice)

    refused = client.post(f"/programs/{template.pk}/", {"title": "", "summary": "New words"})
    saved = client.post(f"/programs/{template.pk}/", {"title": "Knee, week one", "summary": "New words"})

    assert refused.status_code == 400 and b"This field is required" in refused.content
    assert saved.status_code == 302
    template.refresh_from_db()
    assert (template.title, template.summary) == ("Knee, week one", "New words")


def test_deleting_a_template_leaves_what_was_given_from_it(client, alice, alice_practice, bob):
    template = TemplateFactory(practice=alice_practice, title="Knee basics")
    given = assign(bob, start=date(2026, 11, 2), template=template)
    client.force_login(alice)

    response = client.post(f"/programs/{template.pk}/delete/", follow=True)

    assert b"Programs given from it are unchanged" in response.content
    assert not Program.objects.filter(pk=template.pk).exists()
    given.refresh_from_db()
    assert given.program.items.count() == 3


def test_deleting_a_template_asks_first(client, alice, alice_practice):
    template = TemplateFactory(practice=alice_practice, title="Knee basics")
    client.force_login(alice)

    page = client.get(f"/programs/{template.pk}/").content.decode()
    asked = client.get(f"/programs/{template.pk}/delete/")

    assert f'href="/programs/{template.pk}/delete/"' in page
    assert asked.status_code == 200 and b"Deleting cannot be undone." in asked.content
    assert Program.objects.filter(pk=template.pk).exists()


def test_the_shared_library_template_cannot_be_renamed_or_deleted(client, alice):
    template = TemplateFactory(title="Knee basics")
    client.force_login(alice)

    assert client.post(f"/programs/{template.pk}/", {"title": "Mine now"}).status_code == 404
    assert client.post(f"/programs/{template.pk}/delete/").status_code == 404
    assert Program.objects.get(pk=template.pk).title == "Knee basics"


def test_an_exercise_whose_default_dosage_has_nothing_to_count_is_refused_next_to_reps(client, alice):
    client.force_login(alice)

    response = client.post("/library/exercises/new/", exercise_post(reps=""))

    assert response.status_code == 400
    assert NOTHING_TO_COUNT in response.content.decode()
    assert not Exercise.objects.filter(name="Wall slide").exists()


@pytest.mark.parametrize("query", ["q=%00", "tag=%00", "region=%00", "equipment=a%00b"])
def test_a_library_filter_holding_a_nul_character_is_refused_not_a_server_error(client, alice, query):
    client.force_login(alice)

    response = client.get(f"/library/?{query}")

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_adding_an_exercise_that_is_not_an_id_to_a_program_is_not_found(client, alice):
    client.force_login(alice)
    draft = TemplateFactory(practice=alice.memberships.get().practice, exercises=0)

    response = client.post(f"/programs/{draft.pk}/items/", {"exercise": "abc"})
    added = client.post(f"/programs/{draft.pk}/items/", {"exercise": ExerciseFactory().pk})

    assert response.status_code == 404
    assert added.status_code == 302 and draft.items.count() == 1
