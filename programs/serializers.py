from django.templatetags.static import static
from rest_framework import serializers

from .models import DOSAGE_FIELDS, Exercise, ProgramExercise


class ExerciseSerializer(serializers.ModelSerializer):
    illustration_url = serializers.SerializerMethodField()

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "name",
            "summary",
            "steps",
            "cues",
            "body_region",
            "equipment",
            "tags",
            "illustration_url",
            "illustration_alt",
            "video_url",
        ]

    def get_illustration_url(self, exercise: Exercise) -> str | None:
        if not exercise.illustration:
            return None
        url = static(exercise.illustration)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


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
