"""Uploads are private: stored under generated names, reached only through short-lived signed links
that only those entitled are given; practice videos are checked by their bytes."""

import io
import re
import urllib.request
from datetime import timedelta

import pypdf
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from clients.assignments.handouts import assignment_handout
from programs.files import PRIVATE
from programs.models import Exercise
from tests.conftest import api_as
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg(name="bob-smith-knee.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def exercise_form(**extra) -> dict:
    return {"name": "Knee bends", "region": "knee", "sets": 2, "reps": 8, "side": "", **extra}


@pytest.fixture
def alices_exercise(alice_practice):
    return ExerciseFactory(practice=alice_practice, slug="knee-bends", name="Knee bends")


@pytest.fixture
def bobs_exercise(bob_assignment, alice_practice):
    """The first exercise of Bob's program, made his practice's own, with a video."""
    exercise = bob_assignment.program.items.first().exercise
    exercise.practice = alice_practice
    exercise.video.save("clip.mp4", ContentFile(MP4_HEAD), save=False)
    exercise.save()
    return exercise


def test_an_uploaded_photo_is_stored_under_a_generated_name_never_the_original(client, alice):
    client.force_login(alice)

    response = client.post(
        "/library/exercises/new/", {**exercise_form(image_alt="A knee bend"), "image": jpeg()}
    )

    assert response.status_code == 302
    name = Exercise.objects.get(name="Knee bends").image.name
    assert re.fullmatch(r"exercises/[0-9a-f]{32}\.jpg", name)
    assert PRIVATE.exists(name)


def test_a_photo_is_not_served_at_a_media_path_but_a_practice_logo_is(client, alice_practice):
    photo = PRIVATE.save("exercises/abc.jpg", ContentFile(b"photo"))
    default_storage.save("exercises/abc.jpg", ContentFile(b"an old public copy"))
    logo = default_storage.save("logos/logo.png", ContentFile(b"logo"))

    assert client.get(f"/media/{photo}").status_code == 404
    assert client.get(f"/media/{logo}").status_code == 200
    assert client.get("/media/logos/../exercises/abc.jpg").status_code == 404


def test_the_practice_sees_its_photo_through_a_signed_link_that_expires(client, alice, alices_exercise):
    alices_exercise.image.save("x.jpg", ContentFile(b"jpeg bytes"))
    client.force_login(alice)

    page = client.get(f"/library/exercises/{alices_exercise.pk}/").content.decode()
    link = re.search(r'src="(/files/[^"]+/)"', page).group(1)

    assert b"".join(client.get(link).streaming_content) == b"jpeg bytes"
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert client.get(link).status_code == 404
    assert client.get(link[:-3] + "xx/").status_code == 404  # altered


def test_a_signed_link_is_given_only_inside_what_the_caller_may_see(client, charlie, alices_exercise):
    alices_exercise.image.save("x.jpg", ContentFile(b"jpeg bytes"))
    client.force_login(charlie)

    assert client.get(f"/library/exercises/{alices_exercise.pk}/").status_code == 404
    assert api_as(charlie).get(f"/api/v1/exercises/{alices_exercise.pk}/").status_code == 404


# --- practice videos -------------------------------------------------------------------------


def test_a_practitioner_uploads_an_mp4_or_webm_recognised_by_its_bytes(alice, alices_exercise):
    api = api_as(alice)
    url = f"/api/v1/exercises/{alices_exercise.pk}/video/"

    mp4 = api.put(url, {"video": SimpleUploadedFile("clip.mov", MP4_HEAD)}, format="multipart")
    first = Exercise.objects.get(pk=alices_exercise.pk).video.name
    webm = api.put(url, {"video": SimpleUploadedFile("clip.bin", WEBM_HEAD)}, format="multipart")
    second = Exercise.objects.get(pk=alices_exercise.pk).video.name

    assert mp4.status_code == webm.status_code == 200
    assert re.fullmatch(r"videos/[0-9a-f]{32}\.mp4", first)
    assert re.fullmatch(r"videos/[0-9a-f]{32}\.webm", second)
    assert not PRIVATE.exists(first)  # the replaced video is gone
    assert "/files/" in webm.json()["video"]


def test_a_file_that_is_not_a_video_is_a_400_naming_the_field_whatever_its_name(alice, alices_exercise):
    response = api_as(alice).put(
        f"/api/v1/exercises/{alices_exercise.pk}/video/",
        {"video": SimpleUploadedFile("clip.mp4", b"<html>not a video</html>")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "video"
    assert not Exercise.objects.get(pk=alices_exercise.pk).video


def test_a_video_over_the_size_limit_is_a_400_naming_the_field(alice, alices_exercise, settings):
    settings.VIDEO_MAX_BYTES = 64

    response = api_as(alice).put(
        f"/api/v1/exercises/{alices_exercise.pk}/video/",
        {"video": SimpleUploadedFile("clip.mp4", MP4_HEAD + b"\x00" * 100)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "video"


def test_the_workspace_form_refuses_a_renamed_file_as_a_video(client, alice):
    client.force_login(alice)

    response = client.post(
        "/library/exercises/new/", {**exercise_form(), "video": SimpleUploadedFile("a.webm", b"GIF89a....")}
    )

    assert response.status_code == 400
    assert "not a video" in response.content.decode()


def test_another_practice_cannot_put_a_video_on_alices_exercise(charlie, alices_exercise):
    response = api_as(charlie).put(
        f"/api/v1/exercises/{alices_exercise.pk}/video/",
        {"video": SimpleUploadedFile("clip.mp4", MP4_HEAD)},
        format="multipart",
    )

    assert response.status_code == 404


def test_the_client_gets_the_video_of_todays_exercise_as_a_signed_link(client, bob, bobs_exercise):
    slots = api_as(bob.user).get("/api/v1/me/today/").json()["slots"]
    link = next(slot["exercise"]["video"] for slot in slots if slot["exercise"]["id"] == bobs_exercise.pk)

    assert b"".join(client.get(link).streaming_content) == MP4_HEAD
    assert "clip" not in link


# --- object storage ----------------------------------------------------------------------------


def test_on_object_storage_the_video_link_is_presigned_and_serves_the_bytes(
    bob, bob_assignment, object_storage
):
    exercise = bob_assignment.program.items.first().exercise
    exercise.video.save("clip.webm", ContentFile(WEBM_HEAD))

    slots = api_as(bob.user).get("/api/v1/me/today/").json()["slots"]
    link = next(slot["exercise"]["video"] for slot in slots if slot["exercise"]["id"] == exercise.pk)

    assert link.startswith(object_storage.env["S3_ENDPOINT_URL"]) and "X-Amz-Signature=" in link
    assert "X-Amz-Expires=300" in link
    with urllib.request.urlopen(link) as answer:  # noqa: S310 (the loopback S3 server)
        assert answer.read() == WEBM_HEAD  # (moto checks no signature; MinIO and S3 do)


def test_the_handout_points_to_the_video_through_its_qr_page(bob_assignment, bobs_exercise):
    pdf, _ = assignment_handout(bob_assignment)

    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Video: scan the QR code" in " ".join(text.split())
