"""Today's list words each exercise with a plain function, not the serializer: the two agree."""

import pytest
import time_machine
from django.core.files.base import ContentFile
from rest_framework.test import APIRequestFactory

from programs.files import PRIVATE
from programs.models import ProgramExercise
from programs.serializers import DosageSerializer, ExerciseSerializer, dosage_data, exercise_data
from tests.factories import ExerciseFactory, TemplateFactory

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64


@pytest.fixture
def drawn_translated_filmed_exercise(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "programs.files.PrivateFileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    exercise = ExerciseFactory(
        illustration="figures/deep-squat.svg",
        illustration_alt="A deep squat",
        illustration_end="figures/deep-squat-end.svg",
        position="standing",
        level=2,
        equipment="A chair",
        tags=["hips", "knees"],
        video_url="https://example.com/squat",
        translations={"es": {"name": "Sentadilla", "cues": ["Despacio"]}},
    )
    exercise.video.save("clip.mp4", ContentFile(MP4_HEAD), save=True)
    yield exercise
    PRIVATE.delete(exercise.video.name)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("with_request", [True, False])
def test_the_plain_exercise_answer_is_the_serializers(
    drawn_translated_filmed_exercise, language, with_request
):
    request = APIRequestFactory().get("/api/v1/me/today/") if with_request else None
    context = {"language": language, "request": request}

    with time_machine.travel("2026-12-08 09:00Z", tick=False):  # the video's signed link is dated
        plain = exercise_data(drawn_translated_filmed_exercise, language=language, request=request)
        serialized = ExerciseSerializer(drawn_translated_filmed_exercise, context=context).data

    assert plain == serialized
    assert plain["name"] == ("Sentadilla" if language == "es" else drawn_translated_filmed_exercise.name)
    assert plain["video"] and plain["illustration_url"]


def test_the_plain_exercise_answer_of_a_bare_exercise_is_the_serializers():
    exercise = ExerciseFactory(steps=[], cues=[])

    assert (
        exercise_data(exercise, language="en")
        == ExerciseSerializer(exercise, context={"language": "en"}).data
    )


def test_the_plain_dosage_answer_is_the_serializers():
    item = ProgramExercise.objects.filter(program=TemplateFactory(exercises=1)).get()
    item.hold_seconds, item.side = 5, "each"

    assert dosage_data(item) == DosageSerializer(item).data
