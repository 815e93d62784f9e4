import secrets

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.templatetags.static import static
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from practice.models import practices_of

from .models import DOSAGE_FIELDS, Dosage, Exercise, Program, ProgramExercise, dosage_errors
from .videos import checked_video


class Pictures(serializers.Serializer):
    """The start and end drawings' addresses (absolute when there is a request)."""

    illustration_url = serializers.SerializerMethodField()
    illustration_end_url = serializers.SerializerMethodField()

    def get_illustration_url(self, exercise: Exercise) -> str | None:
        return self._static_url(exercise.illustration)

    def get_illustration_end_url(self, exercise: Exercise) -> str | None:
        return self._static_url(exercise.illustration_end)

    def _static_url(self, path: str) -> str | None:
        if not path:
            return None
        url = static(path)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


def strings(help_text: str = "", **kwargs) -> serializers.ListField:
    """A JSON list of strings, typed so the schema says so (a bare JSONField is untyped)."""
    return serializers.ListField(child=serializers.CharField(), help_text=help_text, **kwargs)


class ExerciseSerializer(Pictures, serializers.ModelSerializer):
    steps = strings("How to do it, one step each, in order", read_only=True)
    cues = strings("Short reminders while doing it", read_only=True)
    tags = strings(read_only=True)
    video = serializers.FileField(
        read_only=True, help_text="The practice's own video (MP4 or WebM): a signed link that expires."
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "name",
            "summary",
            "steps",
            "cues",
            "region",
            "position",
            "level",
            "equipment",
            "tags",
            "illustration_url",
            "illustration_alt",
            "illustration_end_url",
            "illustration_end_alt",
            "video_url",
            "video",
        ]

    def to_representation(self, exercise: Exercise) -> dict:
        """The words in the `language` of the context (a client's), where translated."""
        data = super().to_representation(exercise)
        language = self.context.get("language")
        return {**data, **exercise.words_in(language)} if language else data


def exercise_data(exercise: Exercise, *, language: str, request=None) -> dict:
    """What `ExerciseSerializer` answers for `exercise` in `language`, built as a plain dict: a
    list read many times a second (today's) cannot afford the serializer's per-request set-up."""
    data = {
        "id": exercise.pk,
        "slug": exercise.slug,
        "region": exercise.region,
        "position": exercise.position,
        "level": exercise.level,
        "equipment": exercise.equipment,
        "tags": exercise.tags,
        "illustration_url": _static_url(exercise.illustration, request),
        "illustration_end_url": _static_url(exercise.illustration_end, request),
        "video_url": exercise.video_url,
        "video": _absolute(exercise.video.url, request) if exercise.video else None,
        **exercise.words_in(language),
    }
    return {name: data[name] for name in ExerciseSerializer.Meta.fields}


def _static_url(path: str, request) -> str | None:
    return _absolute(static(path), request) if path else None


def _absolute(url: str, request) -> str:
    return request.build_absolute_uri(url) if request else url


def dosage_data(dosage: Dosage) -> dict:
    """What `DosageSerializer` answers, as a plain dict (see `exercise_data`)."""
    return {**dosage.dosage_fields(), "text": dosage.dosage_text()}


class DosageSerializer(serializers.Serializer):
    sets = serializers.IntegerField()
    reps = serializers.IntegerField(allow_null=True)
    hold_seconds = serializers.IntegerField(allow_null=True)
    duration_seconds = serializers.IntegerField(allow_null=True)
    side = serializers.CharField()
    text = serializers.CharField(source="dosage_text")

    class Meta:
        fields = [*DOSAGE_FIELDS, "text"]


class ProgramExerciseSerializer(serializers.ModelSerializer):
    exercise = ExerciseSerializer()
    dosage = DosageSerializer(source="*")

    class Meta:
        model = ProgramExercise
        fields = ["id", "position", "exercise", "dosage", "note"]


# --- the practitioner's side: writable, with foreign keys scoped in the field ------------


@extend_schema_field(OpenApiTypes.INT)
class VisiblePracticeField(serializers.PrimaryKeyRelatedField):
    """One of the caller's own practices; any other id is simply invalid."""

    def get_queryset(self):
        return practices_of(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleExerciseField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Exercise.objects.visible_to(self.context["request"].user)


def default_practice(serializer_field):
    """The caller's practice when they work in one; with several they must say which."""
    practices = list(practices_of(serializer_field.context["request"].user)[:2])
    return practices[0] if len(practices) == 1 else None


default_practice.requires_context = True


class InPractice(serializers.Serializer):
    """Created in one of the caller's practices, and staying there."""

    practice = VisiblePracticeField(
        default=default_practice,
        allow_null=True,
        help_text="Your practice; needed only if you work in several. Null on the shared library.",
    )

    def validate_practice(self, practice):
        if self.instance is not None:
            return self.instance.practice
        if practice is None:
            raise serializers.ValidationError("Say which of your practices this belongs to.")
        return practice


class ProgramCopySerializer(InPractice):
    """Where a copy goes: the shared library's templates and a practice's own are copied within it."""

    def validate(self, attrs):
        source = self.context["source"]
        if source.practice_id not in (None, attrs["practice"].pk):
            raise serializers.ValidationError(
                {"practice": "A practice's own template is copied within that practice only."}
            )
        return attrs


def foreign_exercises(items: list[dict], practice) -> bool:
    """Whether a program of `practice` would hold another practice's own exercise."""
    return any(item["exercise"].practice_id not in (None, practice.pk) for item in items)


class PracticeOwned(InPractice):
    is_library = serializers.SerializerMethodField()

    def get_is_library(self, obj) -> bool:
        return obj.practice_id is None


class ExerciseWriteSerializer(PracticeOwned, Pictures, serializers.ModelSerializer):
    variants = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the easier and harder versions of this exercise."
    )
    is_favourite = serializers.SerializerMethodField(help_text="Whether you starred it (PUT …/favourite/).")
    slug = serializers.SlugField(required=False, max_length=50)
    steps = serializers.ListField(child=serializers.CharField(max_length=500), max_length=30, required=False)
    cues = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20, required=False)
    video = serializers.FileField(
        read_only=True, help_text="The practice's own video (MP4 or WebM): a signed link that expires."
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "practice",
            "is_library",
            "slug",
            "name",
            "summary",
            "steps",
            "cues",
            "region",
            "position",
            "level",
            "variants",
            "is_favourite",
            "equipment",
            "tags",
            "illustration_url",
            "illustration_alt",
            "illustration_end_url",
            "illustration_end_alt",
            "video_url",
            "video",
            *DOSAGE_FIELDS,
        ]
        read_only_fields = ["illustration_end_alt"]
        validators = []  # the per-practice slug is checked in validate(), naming the field

    def validate(self, attrs):
        practice = attrs.get("practice") or getattr(self.instance, "practice", None)
        name = attrs.get("name") or getattr(self.instance, "name", "")
        slug = attrs.get("slug") or (self.instance.slug if self.instance else _slug_for(name))
        taken = Exercise.objects.filter(practice=practice, slug=slug)
        if self.instance:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(
                {"slug": "Your practice already has an exercise with this slug."}
            )
        dosage = {**(self.instance.dosage_fields() if self.instance else {}), **attrs}
        if errors := dosage_errors(dosage):
            raise serializers.ValidationError(errors)
        return {**attrs, "slug": slug}

    def get_is_favourite(self, exercise: Exercise) -> bool:
        return bool(getattr(exercise, "is_favourite", False))


def _slug_for(name: str) -> str:
    # A name of only symbols or non-Latin script slugifies to nothing: give it a unique one.
    return slugify(name)[:50] or f"exercise-{secrets.token_hex(4)}"


class ProgramItemSerializer(serializers.ModelSerializer):
    exercise = VisibleExerciseField()
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    dosage_text = serializers.CharField(read_only=True)

    class Meta:
        model = ProgramExercise
        fields = ["id", "position", "exercise", "exercise_name", *DOSAGE_FIELDS, "dosage_text", "note"]
        read_only_fields = ["id", "position"]

    def validate(self, attrs):
        if errors := dosage_errors(attrs):
            raise serializers.ValidationError(errors)
        return attrs


class ProgramWriteSerializer(PracticeOwned, serializers.ModelSerializer):
    """A template: its items in the order given, each with its dosage."""

    items = ProgramItemSerializer(many=True)
    safety = serializers.ListField(
        child=serializers.CharField(max_length=300),
        max_length=10,
        required=False,
        help_text="The handout's safety box, one point each; empty: the general points.",
    )

    class Meta:
        model = Program
        fields = ["id", "practice", "is_library", "title", "summary", "safety", "items", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_items(self, items):
        if len(items) > 100:
            raise serializers.ValidationError("A program holds 100 exercises at most.")
        return items

    def validate(self, attrs):
        practice = attrs.get("practice") or self.instance.practice
        if foreign_exercises(attrs.get("items", []), practice):
            raise serializers.ValidationError(
                {"items": "Use exercises of the shared library or of this template's practice."}
            )
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        items = validated_data.pop("items")
        program = Program.objects.create(is_template=True, **validated_data)
        self._write_items(program, items)
        return program

    @transaction.atomic
    def update(self, program, validated_data):
        items = validated_data.pop("items", None)
        for name, value in validated_data.items():
            setattr(program, name, value)
        program.save()
        if items is not None:
            program.items.all().delete()
            self._write_items(program, items)
        return program

    def _write_items(self, program: Program, items: list[dict]) -> None:
        ProgramExercise.objects.bulk_create(
            ProgramExercise(program=program, position=position, **item) for position, item in enumerate(items)
        )


class ReorderSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(),
        max_length=100,
        help_text="The ids of every item of the program, once each, in the new order.",
    )


class BulkDosageSerializer(serializers.Serializer):
    """A change to the whole program: sets on every item; reps, a hold, a duration or a side only
    where the item already has one. A field left out is left as it is."""

    sets = serializers.IntegerField(min_value=1, max_value=20, required=False)
    reps = serializers.IntegerField(min_value=1, max_value=200, required=False)
    hold_seconds = serializers.IntegerField(min_value=1, max_value=600, required=False)
    duration_seconds = serializers.IntegerField(min_value=1, max_value=3600, required=False)
    side = serializers.ChoiceField(choices=Dosage.SIDES, required=False, help_text="Empty: as it is.")

    def validate(self, attrs):
        if not any(value not in (None, "") for value in attrs.values()):
            raise serializers.ValidationError(
                "Give at least one of sets, reps, hold_seconds, duration_seconds, side."
            )
        return attrs


class BulkDosageResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many items changed.")
    program = ProgramWriteSerializer()


class VideoUploadSerializer(serializers.Serializer):
    video = serializers.FileField(help_text="An MP4 or WebM.")

    def validate_video(self, upload):
        try:
            return checked_video(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["video"]) from None
