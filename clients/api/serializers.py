from datetime import date
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models.manager import BaseManager
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from practice.rest import ErrorSerializer, FieldsBuiltOnce
from programs.models import Program
from programs.serializers import (
    DosageSerializer,
    ExerciseSerializer,
    InPractice,
    ProgramExerciseSerializer,
    dosage_data,
    exercise_data,
)

from ..accounts.profiles import client_email_refusal
from ..assignments.changes import word_versions
from ..checkoffs.today import DayList
from ..consultations import booking, questionnaires
from ..models import (
    ALL_DAYS,
    Assignment,
    AssignmentPause,
    Client,
    Completion,
    Consultation,
    QuestionnaireSchedule,
)
from ..scheduling import TIMEZONES, already_over, local_date


@extend_schema_field(
    {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$", "example": "18:00"}
)
class HourMinuteField(serializers.TimeField):
    """A local wall-clock time as "HH:MM" (seconds accepted on input)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class MeSerializer(serializers.ModelSerializer):
    reminder_time = HourMinuteField()
    quiet_hours_start = HourMinuteField(required=False, allow_null=True)
    quiet_hours_end = HourMinuteField(required=False, allow_null=True)
    practice = serializers.CharField(source="practice.name", read_only=True)
    practice_accent_color = serializers.CharField(
        source="practice.accent_color", read_only=True, help_text='The practice\'s colour, "#rrggbb"'
    )

    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "email",
            "practice",
            "practice_accent_color",
            "timezone",
            "reminder_time",
            "reminders_enabled",
            "push_reminders",
            "push_questionnaires",
            "push_messages",
            "quiet_hours_start",
            "quiet_hours_end",
            "language",
        ]
        read_only_fields = ["id", "name", "email", "practice", "practice_accent_color"]

    def validate(self, data):
        start = data.get("quiet_hours_start", getattr(self.instance, "quiet_hours_start", None))
        end = data.get("quiet_hours_end", getattr(self.instance, "quiet_hours_end", None))
        if (start is None) != (end is None):
            field = "quiet_hours_end" if end is None else "quiet_hours_start"
            raise serializers.ValidationError(
                {field: "Quiet hours need both a start and an end (or neither)."},
                code="quiet_hours_incomplete",
            )
        return data

    def validate_timezone(self, value: str) -> str:
        if value not in TIMEZONES:
            raise serializers.ValidationError(
                "Not a known IANA timezone, e.g. Europe/London.", code="unknown_timezone"
            )
        ZoneInfo(value)
        return value


class AssignmentListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        assignments = list(data.all() if isinstance(data, BaseManager) else data)
        self.child.word_changes(assignments)
        return super().to_representation(assignments)


class PauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssignmentPause
        fields = ["id", "start_date", "end_date"]
        read_only_fields = fields
        extra_kwargs = {
            "start_date": {"help_text": "First day with no exercise expected"},
            "end_date": {"help_text": "Last such day (a break); null while paused until resumed"},
        }


def weekdays(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        min_length=1,
        max_length=7,
        help_text="Weekdays, Monday = 0",
        **kwargs,
    )


class AssignmentSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="program.title")
    summary = serializers.CharField(source="program.summary")
    end_date = serializers.DateField()
    days_of_week = weekdays(read_only=True)
    exercises = ProgramExerciseSerializer(source="program.items", many=True)
    handout_url = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField(
        help_text="What the current version changed since the one before, in the reader's language"
    )
    pauses = PauseSerializer(
        many=True,
        read_only=True,
        help_text="Stretches of days with nothing expected, oldest first: pauses and breaks, past and to come",
    )

    class Meta:
        model = Assignment
        list_serializer_class = AssignmentListSerializer
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
            "pauses",
        ]

    def word_changes(self, assignments) -> None:
        """Words every current version's changes at once: one query for all the exercises named."""
        word_versions([a.current_version for a in assignments], language=self.context.get("language", "en"))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_changes(self, assignment: Assignment) -> list[str]:
        version = assignment.current_version
        if version is None:
            return []
        if not hasattr(version, "said"):
            self.word_changes([assignment])
        return version.said

    def get_handout_url(self, assignment: Assignment) -> str:
        url = reverse("api:me-assignment-handout", args=[assignment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class SlotSerializer(serializers.Serializer):
    """The schema of a slot; `today_data` writes the answer."""

    assignment = serializers.IntegerField(source="assignment.pk")
    assignment_exercise = serializers.IntegerField(source="item.pk")
    session = serializers.IntegerField()
    exercise = ExerciseSerializer(source="item.exercise")
    dosage = DosageSerializer(source="item")
    note = serializers.CharField(source="item.note")
    done = serializers.BooleanField()
    completion = serializers.UUIDField(source="completion.pk", allow_null=True, default=None)


class TodaySerializer(serializers.Serializer):
    """The schema of today's list; `today_data` writes the answer."""

    date = serializers.DateField()
    slots = SlotSerializer(many=True)


def today_data(listing: DayList, request) -> dict:
    """Today's list as `TodaySerializer` describes it, built as plain dicts (read on every open
    of the phone, it cannot afford serializers' per-request set-up); each exercise described once."""
    described = {}
    slots = []
    for slot in listing.slots:
        item = slot.item
        if item.pk not in described:
            described[item.pk] = {
                "exercise": exercise_data(item.exercise, language=listing.language, request=request),
                "dosage": dosage_data(item),
            }
        slots.append(
            {
                "assignment": slot.assignment.pk,
                "assignment_exercise": item.pk,
                "session": slot.session,
                **described[item.pk],
                "note": item.note,
                "done": slot.done,
                "completion": str(slot.completion.pk) if slot.completion else None,
            }
        )
    return {"date": listing.day.isoformat(), "slots": slots}


class TodayQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False)


ID_MAX = 2**63 - 1  # the largest id a database column holds; a larger number names nothing


class CompletionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    assignment_exercise = serializers.IntegerField(
        source="assignment_exercise_id", min_value=1, max_value=ID_MAX
    )
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
    id = serializers.CharField(allow_null=True, help_text="The item's id as it was sent")
    status = serializers.IntegerField(help_text="As the PUT would answer: 200, 201, 400, 404 or 409")
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
        end = end or self.context["today"]  # `to` left out is the client's today
        if start and (end - start).days > self.MAX_DAYS:
            raise serializers.ValidationError({"from": f"A range spans {self.MAX_DAYS} days at most."})
        return attrs


class AdherenceWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField(source="start")
    scheduled = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    average_pain = serializers.FloatField(allow_null=True)


class TodayFiguresSerializer(serializers.Serializer):
    scheduled = serializers.IntegerField(help_text="Slots expected today")
    done = serializers.IntegerField(help_text="Of today's slots, how many are done so far")


class AdherenceSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(source="start"),
            "to": serializers.DateField(source="end"),
            "scheduled": serializers.IntegerField(
                help_text="Slots owed on the days of the range that have ended (today never counts)"
            ),
            "done": serializers.IntegerField(help_text="Of those slots, how many were done"),
            "percent": serializers.FloatField(allow_null=True, help_text="done / scheduled, days ended only"),
            "today": TodayFiguresSerializer(help_text="Today's slots, apart from the percentage"),
            "weeks": AdherenceWeekSerializer(many=True),
            "current_streak": serializers.IntegerField(help_text="Expected days fully done in a row"),
            "best_streak": serializers.IntegerField(),
            "pain_trend": serializers.ChoiceField(choices=["rising", "falling", "steady"], allow_null=True),
            "pain_change": serializers.FloatField(allow_null=True),
            "last_activity": serializers.DateTimeField(allow_null=True),
            "last_done_on": serializers.DateField(allow_null=True),
        }


# --- the practitioner's side ------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class PracticeClientField(serializers.PrimaryKeyRelatedField):
    """A client of one of the caller's practices; any other id is simply invalid."""

    def get_queryset(self):
        return Client.objects.visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class TemplateField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Program.objects.visible_to(self.context["request"].user).templates()


class ClientSerializer(InPractice, serializers.ModelSerializer):
    reminder_time = HourMinuteField(required=False)
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "practice",
            "practitioner",
            "name",
            "email",
            "phone",
            "timezone",
            "language",
            "reminder_time",
            "reminders_enabled",
            "notes",
            "has_account",
            "created_at",
        ]
        read_only_fields = ["id", "practitioner", "created_at"]
        validators = []  # the per-practice email is checked in validate(), naming the field

    validate_timezone = MeSerializer.validate_timezone

    def get_has_account(self, client: Client) -> bool:
        return client.user_id is not None

    def validate(self, attrs):
        practice = attrs.get("practice") or self.instance.practice
        email = attrs.get("email", getattr(self.instance, "email", "")).lower()
        if refusal := client_email_refusal(practice=practice, email=email, client=self.instance):
            raise serializers.ValidationError({"email": refusal})
        return {**attrs, "email": email} if "email" in attrs else attrs


class ClockDateTimeField(serializers.DateTimeField):
    """An instant given with its offset; one without is left as a time on a clock, for the
    serializer to place on the practitioner's (DRF would put it in UTC)."""

    def enforce_timezone(self, value):
        return value if timezone.is_naive(value) else super().enforce_timezone(value)


class ConsultationSerializer(serializers.ModelSerializer):
    """Fields only: what may be booked, moved or cancelled is decided by the services in
    `clients.consultations`, whose refusals are answered as 400s naming the field."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: ClockDateTimeField,
    }
    client = PracticeClientField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "client",
            "practitioner",
            "scheduled_at",
            "duration_minutes",
            "video_url",
            "place",
            "status",
            "subjective",
            "objective",
            "assessment",
            "plan",
            "pain",
            "odi_percent",
            "created_at",
        ]
        read_only_fields = ["id", "practitioner", "video_url", "created_at"]
        extra_kwargs = {
            "duration_minutes": {"min_value": 5, "max_value": 480},
            "scheduled_at": {
                "help_text": (
                    "Not in the past (5 minutes' grace); a new time moves it and tells the client. "
                    "Without an offset it is on your clock (your timezone in the client's practice): "
                    "a time the clocks skip there is 400, one they repeat is the first of the two"
                )
            },
            "status": {
                "help_text": "A new consultation is scheduled; `cancelled` cancels it and tells the client"
            },
        }

    def validate_client(self, client: Client) -> Client:
        return self.instance.client if self.instance is not None else client

    def validate(self, attrs: dict) -> dict:
        if (at := attrs.get("scheduled_at")) is not None:
            client = self.instance.client if self.instance is not None else attrs["client"]
            user = self.context["request"].user
            attrs["scheduled_at"] = booking.on_practitioners_clock(at, user=user, client=client)
        return attrs


class PracticeAssignmentSerializer(AssignmentSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    next_reminder_at = serializers.DateTimeField(
        source="next_reminder_email_at",
        read_only=True,
        allow_null=True,
        help_text="The client's next reminder email; null when none is coming",
    )

    class Meta(AssignmentSerializer.Meta):
        fields = [
            "id",
            "client",
            "client_name",
            *AssignmentSerializer.Meta.fields[1:],
            "ended_on",
            "next_reminder_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_handout_url(self, assignment: Assignment) -> str:
        url = reverse("api:assignment-handout", args=[assignment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AssignmentCreateSerializer(serializers.Serializer):
    client = PracticeClientField()
    template = TemplateField(help_text="A template: the shared library's or your practice's")
    start_date = serializers.DateField()
    weeks = serializers.IntegerField(min_value=1, max_value=52, default=6)
    days_of_week = weekdays(default=list(ALL_DAYS))
    sessions_per_day = serializers.IntegerField(min_value=1, max_value=6, default=1)

    def validate(self, attrs):
        if attrs["template"].practice_id not in (None, attrs["client"].practice_id):
            raise serializers.ValidationError(
                {"template": "Use a template of the shared library or of the client's practice."}
            )
        if why := already_over(attrs["client"], attrs["start_date"], attrs["weeks"]):
            raise serializers.ValidationError({"start_date": why})
        return attrs


class AssignmentActionSerializer(serializers.Serializer):
    on = serializers.DateField(
        required=False,
        help_text=(
            "Default: today where the client lives (the program's first day if it has not begun). "
            "Not before that day; a pause or an end not after it either; within the program."
        ),
    )


class PauseActionSerializer(AssignmentActionSerializer):
    on = serializers.DateField(
        required=False,
        help_text=(
            "Default: today where the client lives (the program's first day if it has not begun). "
            "Not before that day; with `until`, that day or a later day of the program."
        ),
    )
    until = serializers.DateField(
        required=False,
        help_text=(
            "A break: the last paused day, on or after `on`, within the program, not overlapping "
            "another pause. The program stays active and exercise is expected again the day after. "
            "Without it, the pause lasts until resumed and begins on the client's today."
        ),
    )


class QuestionnaireScheduleSerializer(serializers.ModelSerializer):
    """A questionnaire asked of the client every so many days of an assignment."""

    questionnaire = serializers.ChoiceField(
        choices=[key for key, _ in questionnaires.CHOICES],
        help_text="nprs, psfs, groc, or odi once the practice has entered its licensed wording",
    )
    starts_on = serializers.DateField(
        required=False, help_text="The first day it is due; by default today where the client lives"
    )
    next_due_on = serializers.SerializerMethodField(
        help_text="Its next day after today; null when none is left"
    )

    class Meta:
        model = QuestionnaireSchedule
        fields = [
            "id",
            "assignment",
            "questionnaire",
            "every_days",
            "starts_on",
            "next_due_on",
            "created_at",
            "stopped_at",
        ]
        read_only_fields = ["id", "assignment", "created_at", "stopped_at"]

    def get_next_due_on(self, schedule: QuestionnaireSchedule) -> date | None:
        if schedule.stopped_at is not None:
            return None
        return questionnaires.next_day(schedule, local_date(schedule.assignment.client, timezone.now()))
