from zoneinfo import ZoneInfo, available_timezones

from django.urls import reverse
from rest_framework import serializers

from programs.serializers import DosageSerializer, ExerciseSerializer, ProgramExerciseSerializer

from .models import Assignment, Client, Completion


class MeSerializer(serializers.ModelSerializer):
    reminder_time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"])
    practice = serializers.CharField(source="practice.name", read_only=True)

    class Meta:
        model = Client
        fields = ["id", "name", "email", "practice", "timezone", "reminder_time", "reminders_enabled"]
        read_only_fields = ["id", "name", "email", "practice"]

    def validate_timezone(self, value: str) -> str:
        if value not in available_timezones():
            raise serializers.ValidationError("Not a known IANA timezone, e.g. Europe/London.")
        ZoneInfo(value)
        return value


class AssignmentSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="program.title")
    summary = serializers.CharField(source="program.summary")
    end_date = serializers.DateField()
    exercises = ProgramExerciseSerializer(source="program.items", many=True)
    handout_url = serializers.SerializerMethodField()
    changes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "title",
            "summary",
            "status",
            "version",
            "start_date",
            "end_date",
            "weeks",
            "days_of_week",
            "sessions_per_day",
            "exercises",
            "handout_url",
            "changes",
        ]

    def get_handout_url(self, assignment: Assignment) -> str:
        url = reverse("api:me-assignment-handout", args=[assignment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class SlotSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    assignment_exercise = serializers.IntegerField(source="item.pk")
    session = serializers.IntegerField()
    exercise = ExerciseSerializer(source="item.exercise")
    dosage = DosageSerializer(source="item")
    note = serializers.CharField(source="item.note")
    done = serializers.BooleanField()
    completion = serializers.UUIDField(source="completion.pk", allow_null=True, default=None)


class TodaySerializer(serializers.Serializer):
    date = serializers.DateField()
    slots = SlotSerializer(many=True)


class TodayQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False)


class CompletionSerializer(serializers.ModelSerializer):
    assignment_exercise = serializers.IntegerField(source="assignment_exercise_id")
    date = serializers.DateField()
    session = serializers.IntegerField(min_value=1, default=1)
    note = serializers.CharField(max_length=1000, allow_blank=True, default="")

    class Meta:
        model = Completion
        fields = [
            "id",
            "assignment_exercise",
            "date",
            "session",
            "sets_done",
            "reps_done",
            "pain",
            "difficulty",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
