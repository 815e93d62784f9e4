from zoneinfo import ZoneInfo, available_timezones

from django.urls import reverse
from rest_framework import serializers

from practice.rest import ErrorSerializer
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


BATCH_MAX_ITEMS = 500


class CompletionBatchItemSerializer(CompletionSerializer):
    """One check-off of a batch: the body of its PUT plus the id the phone made for it."""

    id = serializers.UUIDField()

    class Meta(CompletionSerializer.Meta):
        read_only_fields = ["created_at", "updated_at"]


class CompletionBatchSerializer(serializers.Serializer):
    # Items are validated one by one by the view, so one bad item fails only itself.
    items = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=BATCH_MAX_ITEMS,
        help_text=f"Up to {BATCH_MAX_ITEMS} check-offs, each shaped as CompletionBatchItem.",
    )


class CompletionBatchItemResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True)
    status = serializers.ChoiceField(choices=[200, 201, 400, 404, 409])
    completion = CompletionSerializer(required=False)
    error = ErrorSerializer(required=False)
    existing_id = serializers.UUIDField(required=False)


class CompletionBatchResultSerializer(serializers.Serializer):
    results = CompletionBatchItemResultSerializer(many=True)


class AdherenceQuerySerializer(serializers.Serializer):
    MAX_DAYS = 731

    def get_fields(self):  # `from` is a Python keyword, so the fields are named here
        return {
            "from": serializers.DateField(
                required=False, help_text="First day; default the first program's start"
            ),
            "to": serializers.DateField(
                required=False, help_text="Last day; default today (never past today)"
            ),
        }

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError({"to": "Must be on or after `from`."})
        if start and end and (end - start).days > self.MAX_DAYS:
            raise serializers.ValidationError({"from": f"A range spans {self.MAX_DAYS} days at most."})
        return attrs


class AdherenceWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField(source="start")
    scheduled = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    average_pain = serializers.FloatField(allow_null=True)


class AdherenceSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(source="start"),
            "to": serializers.DateField(source="end"),
            "scheduled": serializers.IntegerField(help_text="Slots owed to date (today's once done)"),
            "done": serializers.IntegerField(),
            "percent": serializers.FloatField(allow_null=True),
            "weeks": AdherenceWeekSerializer(many=True),
            "current_streak": serializers.IntegerField(help_text="Expected days fully done in a row"),
            "best_streak": serializers.IntegerField(),
            "pain_trend": serializers.ChoiceField(choices=["rising", "falling", "steady"], allow_null=True),
            "pain_change": serializers.FloatField(allow_null=True),
            "last_activity": serializers.DateTimeField(allow_null=True),
            "last_done_on": serializers.DateField(allow_null=True),
        }
