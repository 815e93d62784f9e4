import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from practice.models import AppendOnly, Practice, practices_of
from programs.models import Program, ProgramExercise

ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]  # Monday is 0, as in date.weekday()


def evening() -> time:
    """The default reminder time. A callable: Django's check flags a fixed time near "now"."""
    return time(18, 0)


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        """Practitioners see their practices' clients; a client sees only themselves.

        The workspace works in one practice at a time: `practice` narrows to that one of the
        user's practices (never widens: any other practice gives nothing). A sign-in is a
        practitioner's or a client's, never both, so the two never mix. The client's own row,
        `user=user`, is the /me/ API's, which takes it directly (`clients.api.me.client_of`).
        """
        if not user.is_authenticated:
            return self.none()
        of_practices = Q(practice__in=practices_of(user, practice))
        return self.filter(of_practices if practice is not None else of_practices | Q(user=user))


class Client(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="clients")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client",
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    timezone = models.CharField(max_length=64, default="Europe/London")
    reminder_time = models.TimeField(default=evening)
    reminders_enabled = models.BooleanField(default=True)
    push_reminders = models.BooleanField(
        default=True, help_text="The daily reminder also comes to the phones the client subscribed"
    )
    push_questionnaires = models.BooleanField(
        default=False, help_text="A questionnaire falling due is pushed to the client's phones"
    )
    push_messages = models.BooleanField(
        default=False, help_text="A new message from the practice is pushed to the client's phones"
    )
    quiet_hours_start = models.TimeField(
        null=True, blank=True, help_text="Local time from which no reminder is sent"
    )
    quiet_hours_end = models.TimeField(
        null=True, blank=True, help_text="Local time until which none is sent; may be past midnight"
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language of their handouts and emails",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True, help_text="Personal data erased")

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "email"], name="client_email_unique_per_practice"),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the worker: when the email left, or when it gave up on it (SMTP refused for an hour).
    emailed_at = models.DateTimeField(null=True, blank=True)
    undelivered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.client}"


class ConsultationQuerySet(models.QuerySet):
    def held(self, *, now: datetime):
        """Consultations that took place: begun and neither cancelled nor missed. Only their pain
        and ODI are outcomes and baselines. One still `scheduled` after its time counts: the
        status is often left as it was once the call is over."""
        return self.filter(
            status__in=[Consultation.SCHEDULED, Consultation.COMPLETED],
            scheduled_at__lte=now + Consultation.OPENS_EARLY,
        )

    def baseline_pains(self, *, now: datetime):
        """Pains recorded at held consultations, the latest first: a client's baseline is the
        first of theirs (a cancelled or future consultation measured nothing)."""
        return self.held(now=now).filter(pain__isnull=False).order_by("-scheduled_at")


class Consultation(models.Model):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    STATUSES = [
        (SCHEDULED, "Scheduled"),
        (COMPLETED, "Completed"),
        (CANCELLED, "Cancelled"),
        (NO_SHOW, "No-show"),
    ]
    # A call may open a few minutes early; what is measured in it belongs to the consultation.
    OPENS_EARLY = timedelta(minutes=5)
    VIDEO = "video"
    CLINIC = "clinic"
    PHONE = "phone"
    PLACES = [(VIDEO, "Video call"), (CLINIC, "In clinic"), (PHONE, "Phone call")]

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consultations")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=45)
    video_url = models.URLField(blank=True)
    place = models.CharField(
        max_length=8,
        choices=PLACES,
        default=VIDEO,
        help_text="Where it was held: a past one may have been in clinic",
    )
    status = models.CharField(max_length=12, choices=STATUSES, default=SCHEDULED)
    sequence = models.PositiveIntegerField(
        default=0,
        help_text="The calendar invite's SEQUENCE: raised by each move or cancellation, so the "
        "client's calendar updates the event it has instead of adding another",
    )
    moved_at = models.DateTimeField(null=True, blank=True, help_text="When the time was last changed")
    calendar_uid = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        default=uuid.uuid4,
        editable=False,
        help_text="The calendar invite's UID, unique everywhere; empty for consultations invited "
        "before it was kept, whose invites keep the UID they were first sent with",
    )
    subjective = models.TextField(blank=True)
    objective = models.TextField(blank=True)
    assessment = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    pain = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)], help_text="Baseline NPRS 0–10"
    )
    odi_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="Oswestry 0–100 %"
    )
    odi_answers = models.JSONField(
        default=list, blank=True, help_text="The ten Oswestry sections, each 0–5 or null when skipped"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(condition=Q(pain__lte=10), name="consultation_pain_0_10"),
            models.CheckConstraint(condition=Q(odi_percent__lte=100), name="consultation_odi_0_100"),
        ]

    def __str__(self) -> str:
        return f"Consultation with {self.client} at {self.scheduled_at:%Y-%m-%d %H:%M}"

    def has_begun(self, now: datetime) -> bool:
        return self.scheduled_at <= now + self.OPENS_EARLY


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        """The assignments of the clients the user may see (`ClientQuerySet.visible_to`)."""
        return self.filter(client__in=Client.objects.visible_to(user, practice))


class Assignment(models.Model):
    """A private copy of a program given to a client, with its schedule."""

    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    STATUSES = [(ACTIVE, "Active"), (PAUSED, "Paused"), (ENDED, "Ended")]

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    program = models.OneToOneField(Program, on_delete=models.PROTECT, related_name="assignment")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField()
    weeks = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    days_of_week = models.JSONField(default=list, help_text="Weekdays, Monday = 0")
    sessions_per_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    status = models.CharField(max_length=8, choices=STATUSES, default=ACTIVE)
    ended_on = models.DateField(
        null=True, blank=True, help_text="Ended early: nothing expected from this day"
    )
    version = models.PositiveIntegerField(default=1)
    # The next reminder moment in the client's day; kept when they turn reminders off, since
    # missed days are counted then too (see `next_reminder_email_at`).
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(status="active"),
                name="assignment_due_reminders",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_per_day__gte=1, sessions_per_day__lte=6),
                name="assignment_sessions_1_6",
            ),
            models.CheckConstraint(condition=Q(weeks__gte=1, weeks__lte=52), name="assignment_weeks_1_52"),
        ]

    def __str__(self) -> str:
        return f"{self.program.title} for {self.client}"

    @property
    def end_date(self) -> date:
        return self.start_date + timedelta(weeks=self.weeks, days=-1)

    @property
    def next_reminder_email_at(self) -> datetime | None:
        """When the client's next reminder email goes: none once they turned reminders off."""
        return self.next_reminder_at if self.client.reminders_enabled else None

    @property
    def last_day(self) -> date:
        """The last day exercise is expected: the planned end, or the day before it was ended."""
        if self.ended_on:
            return min(self.end_date, self.ended_on - timedelta(days=1))
        return self.end_date

    @property
    def current_version(self) -> "AssignmentVersion | None":
        """Prefetch `versions` when asking for many."""
        return next((v for v in self.versions.all() if v.number == self.version), None)


class AssignmentVersion(models.Model):
    """What the client was given from one edit to the next; the assignment points at the newest."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    program = models.OneToOneField(Program, on_delete=models.PROTECT, related_name="version")
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="What changed since the version before, as data; put into words when read (clients/changes.py)",
    )
    schedule = models.JSONField(default=dict, blank=True, help_text="The schedule this version had")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "number"], name="one_version_number_per_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} v{self.number}"


class AssignmentPause(models.Model):
    """A stretch of days with no exercise expected: not reminded, not counted against adherence."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="pauses")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Last paused day; empty while paused")

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="pause_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} paused {self.start_date}–{self.end_date or '…'}"

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    @property
    def resumes_on(self) -> date | None:
        return self.end_date + timedelta(days=1) if self.end_date else None


class Completion(models.Model):
    """One check-off of one exercise slot; the phone makes the id so a replay is harmless."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="completions")
    assignment_exercise = models.ForeignKey(
        ProgramExercise, on_delete=models.PROTECT, related_name="completions"
    )
    date = models.DateField()
    session = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    sets_done = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_done = models.PositiveSmallIntegerField(null=True, blank=True)
    pain = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    difficulty = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(blank=True, validators=[MaxLengthValidator(1000)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "session"]
        indexes = [
            # The reminder sweep looks each minute for painful check-offs written lately.
            models.Index(fields=["updated_at"], condition=Q(pain__gte=3), name="completion_recent_pain"),
            # A week of many clients' check-offs (progression suggestions on Needs attention),
            # read from the index alone: it carries what the week's totals count.
            models.Index(
                fields=["assignment", "date"],
                include=["assignment_exercise", "pain", "difficulty"],
                name="completion_by_assignment_day",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment_exercise", "date", "session"], name="one_completion_per_slot"
            ),
            models.CheckConstraint(condition=Q(pain__lte=10), name="completion_pain_0_10"),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=5), name="completion_difficulty_1_5"
            ),
            models.CheckConstraint(condition=Q(session__gte=1), name="completion_session_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_exercise} on {self.date} (session {self.session})"


class Reminder(models.Model):
    """Written before anything is sent: its unique key is what makes a reminder go out once.

    Most go to the client; practitioner alerts name a `recipient` (and the weekly summary,
    about many clients, has no `client`).
    """

    EXERCISE = "exercise"
    CONSULTATION_DAY = "consultation_24h"
    CONSULTATION_HOUR = "consultation_1h"
    NUDGE = "missed_nudge"
    MISSED_ALERT = "missed_alert"
    PAIN_ALERT = "pain_alert"
    WEEKLY_SUMMARY = "weekly_summary"
    HANDOUT = "handout_email"
    CONSULTATION_INVITE = "consultation_invite"
    CONSULTATION_MOVED = "consultation_moved"
    CONSULTATION_CANCELLED = "consultation_cancelled"
    MESSAGE_TO_CLIENT = "message_to_client"
    MESSAGE_TO_PRACTICE = "message_to_practice"
    PROGRAM_ASSIGNED = "program_assigned"
    PROGRAM_UPDATED = "program_updated"
    QUESTIONNAIRE_DUE = "questionnaire_due"
    KINDS = [
        (EXERCISE, _("Daily exercise reminder")),
        (CONSULTATION_DAY, _("Consultation tomorrow")),
        (CONSULTATION_HOUR, _("Consultation in an hour")),
        (NUDGE, _("Nudge after missed days")),
        (MISSED_ALERT, _("Practitioner alert: missed days")),
        (PAIN_ALERT, _("Practitioner alert: pain")),
        (WEEKLY_SUMMARY, _("Practitioner weekly summary")),
        (HANDOUT, _("Handout by email")),
        (CONSULTATION_INVITE, _("Consultation invitation")),
        (CONSULTATION_MOVED, _("Consultation moved")),
        (CONSULTATION_CANCELLED, _("Consultation cancelled")),
        (MESSAGE_TO_CLIENT, _("A message waits for the client")),
        (MESSAGE_TO_PRACTICE, _("A message from the client waits")),
        (PROGRAM_ASSIGNED, _("Program assigned")),
        (PROGRAM_UPDATED, _("Program updated")),
        (QUESTIONNAIRE_DUE, _("A questionnaire is due (by push)")),
    ]

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    STATUSES = [
        (PENDING, _("Pending")),
        (SENDING, _("Sending")),
        (SENT, _("Sent")),
        (SKIPPED, _("Skipped")),
        (FAILED, _("Failed")),
    ]

    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The practitioner an alert goes to; empty when it goes to the client",
    )
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    consultation_sequence = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The consultation's SEQUENCE this row was written for: a move makes earlier rows stale",
    )
    version = models.ForeignKey(
        AssignmentVersion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
        help_text="The version of a program a client is told of (assigned, or what changed)",
    )
    kind = models.CharField(max_length=24, choices=KINDS)
    local_date = models.DateField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    queued_at = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField(null=True, blank=True, help_text="Next retry after a failure")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "local_date"],
                condition=Q(consultation__isnull=True, version__isnull=True) & ~Q(kind="handout_email"),
                name="one_reminder_per_client_kind_day",
            ),
            models.UniqueConstraint(
                fields=["assignment", "local_date"],
                condition=Q(kind="handout_email"),
                name="one_handout_email_per_assignment_day",
            ),
            models.UniqueConstraint(
                fields=["consultation", "kind", "consultation_sequence"],
                condition=Q(consultation__isnull=False),
                name="one_reminder_per_consultation_kind_time",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "local_date"],
                condition=Q(client__isnull=True),
                name="one_summary_per_recipient_kind_day",
            ),
            models.UniqueConstraint(
                fields=["version", "kind"],
                condition=Q(version__isnull=False),
                name="one_notice_per_program_version",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status"],
                condition=Q(status__in=["pending", "sending"]),
                name="reminder_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.local_date}"


class AlertQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        """The alerts about the clients the user may see (`ClientQuerySet.visible_to`)."""
        return self.filter(client__in=Client.objects.visible_to(user, practice))

    def open(self):
        return self.filter(handled_at__isnull=True)


class Alert(models.Model):
    """Something a practitioner should look at, kept until someone marks it handled.

    Written by the reminder sweep in the same transaction as the alert email's row, under the
    same key (client, kind, local date), so an alert is raised once however often the sweep runs.
    `reason` is short and never quotes a client's note: it shows in lists and the top bar.
    """

    PAIN = "pain_alert"
    MISSED = "missed_alert"
    QUIET = "quiet_alert"
    KINDS = [
        (PAIN, _("Pain")),
        (MISSED, _("Missed days")),
        (QUIET, _("Quiet for a week")),
    ]

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="alerts")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    kind = models.CharField(max_length=16, choices=KINDS)
    local_date = models.DateField(help_text="The client's day it was raised for")
    raised_at = models.DateTimeField()
    reason = models.CharField(max_length=200)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "local_date"], name="one_alert_per_client_kind_day"
            ),
        ]
        indexes = [
            models.Index(fields=["client"], condition=Q(handled_at__isnull=True), name="alert_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.local_date}"


class PushSubscriptionQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        return self.filter(client__in=Client.objects.visible_to(user, practice=practice))


class PushSubscription(models.Model):
    """A browser's Web Push subscription (RFC 8030/8291): where to post, and the keys to encrypt for.
    One endpoint is one browser: subscribing again there, as anyone, takes it over."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=200, help_text="The browser's P-256 public key, base64url")
    auth = models.CharField(max_length=50, help_text="The browser's authentication secret, base64url")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PushSubscriptionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"push subscription {self.pk} of client {self.client_id}"


class AuditEvent(AppendOnly):
    """Who read or changed a client's health data, when and from where. Append-only."""

    VIEW_CLIENT = "view_client"
    VIEW_CONSULTATION = "view_consultation"
    CHANGE_CONSULTATION = "change_consultation"
    RECORD_COMPLETION = "record_completion"
    DELETE_COMPLETION = "delete_completion"
    DOWNLOAD_HANDOUT = "download_handout"
    EXPORT_DATA = "export_data"
    ERASE_CLIENT = "erase_client"
    CHANGE_PRACTITIONER = "change_practitioner"
    HANDLE_ALERT = "handle_alert"
    READ_MESSAGES = "read_messages"
    SEND_MESSAGE = "send_message"
    ANSWER_QUESTIONNAIRE = "answer_questionnaire"
    READ_QUESTIONNAIRES = "read_questionnaires"
    ACTIONS = [
        (VIEW_CLIENT, _("Viewed the client's record")),
        (VIEW_CONSULTATION, _("Viewed consultation notes")),
        (CHANGE_CONSULTATION, _("Changed consultation notes")),
        (RECORD_COMPLETION, _("Recorded a check-off")),
        (DELETE_COMPLETION, _("Removed a check-off")),
        (DOWNLOAD_HANDOUT, _("Downloaded a handout")),
        (EXPORT_DATA, _("Exported the client's data")),
        (ERASE_CLIENT, _("Erased the client's personal data")),
        (CHANGE_PRACTITIONER, _("Handed the client to another practitioner")),
        (HANDLE_ALERT, _("Marked an alert handled")),
        (READ_MESSAGES, _("Read the messages")),
        (SEND_MESSAGE, _("Sent a message")),
        (ANSWER_QUESTIONNAIRE, _("Answered a questionnaire")),
        (READ_QUESTIONNAIRES, _("Read the questionnaire answers")),
    ]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="audit_events")
    action = models.CharField(max_length=32, choices=ACTIONS)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_id} at {self.at:%Y-%m-%d %H:%M}"


class ErasureRequest(models.Model):
    """A client asked for their personal data to be erased; an owner of the practice carries it out."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="erasure_requests")
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Erasure request {self.pk}"


class HandoutBatch(models.Model):
    """Handouts rendered ahead for many assignments at once; the worker counts its progress here."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    STATUSES = [(PENDING, "Waiting"), (RUNNING, "Rendering"), (DONE, "Done")]

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="handout_batches")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignment_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Handouts for {self.practice} ({self.done + self.failed}/{self.total})"

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        """The messages of the clients the user may see (`ClientQuerySet.visible_to`)."""
        return self.filter(client__in=Client.objects.visible_to(user, practice))


class Message(models.Model):
    """One message of a client's one thread with their practice: plain text, never HTML."""

    MAX_LENGTH = 2000

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_client = models.BooleanField(
        help_text="Written by the client; else by a practitioner of the practice"
    )
    body = models.TextField(validators=[MaxLengthValidator(MAX_LENGTH)])
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True, help_text="When the other side first read it")
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["client", "created_at"], name="message_thread"),
            models.Index(
                fields=["client", "from_client"], condition=Q(read_at__isnull=True), name="message_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.client_id}'s thread"


class QuestionnaireScheduleQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        """The schedules on assignments the user may see (`AssignmentQuerySet.visible_to`)."""
        return self.filter(assignment__in=Assignment.objects.visible_to(user, practice))


class QuestionnaireSchedule(models.Model):
    """A questionnaire the client is asked to answer every so many days of an assignment; its
    items, scale and scoring are data in `clients.consultations.questionnaires`."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="questionnaire_schedules"
    )
    questionnaire = models.CharField(max_length=16, help_text="A key of consultations.questionnaires")
    every_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(182)],
        help_text="Asked again after this many days",
    )
    starts_on = models.DateField(help_text="The first day it is due")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True, help_text="No longer asked from this moment")

    objects = QuestionnaireScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__gte=1, every_days__lte=182), name="questionnaire_every_1_182_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} every {self.every_days} days on {self.assignment_id}"


class QuestionnaireResponseQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        return self.filter(client__in=Client.objects.visible_to(user, practice))


class QuestionnaireResponse(models.Model):
    """A client's scored answers to one questionnaire, on the day it was due."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="questionnaire_responses")
    schedule = models.ForeignKey(
        QuestionnaireSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    questionnaire = models.CharField(max_length=16)
    due_on = models.DateField(help_text="The day of the schedule this answers")
    answered_on = models.DateField(help_text="The client's date when answering")
    answers = models.JSONField(default=dict)
    score = models.FloatField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True, help_text="When a practitioner first looked at it")
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = QuestionnaireResponseQuerySet.as_manager()

    class Meta:
        ordering = ["answered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "due_on"],
                condition=Q(schedule__isnull=False),
                name="one_response_per_schedule_day",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "questionnaire", "answered_on"], name="response_series"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} answered on {self.answered_on}"


class WebhookEndpointQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        """The endpoints of the practices the user owns: webhooks carry the practice's events to
        another system, which only an owner decides. Anyone else finds nothing (404)."""
        if not user.is_authenticated:
            return self.none()
        owned = practices_of(user, practice).filter(memberships__user=user, memberships__role="owner")
        return self.filter(practice__in=owned)


class WebhookEndpoint(models.Model):
    """A URL of another system of the practice's that hears of events, signed with `secret`
    (Standard Webhooks: `whsec_` and base64). The secret is kept to sign with, and shown once."""

    MAX_URL_LENGTH = 2000
    FAILING = "failing"
    GONE = "gone"
    DISABLED_BECAUSE = [
        (FAILING, _("Every attempt failed for a day")),
        (GONE, _("The receiver answered 410 Gone")),
    ]

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=MAX_URL_LENGTH)
    events = models.JSONField(default=list, help_text="The event types sent to it")
    secret = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    failure_streak = models.PositiveIntegerField(
        default=0, help_text="Attempts failed in a row since the last success"
    )
    failing_since = models.DateTimeField(null=True, blank=True, help_text="The first failure of the streak")
    disabled_at = models.DateTimeField(
        null=True, blank=True, help_text="When Rehabit turned it off (a run of failures, or 410 Gone)"
    )
    disabled_because = models.CharField(max_length=10, choices=DISABLED_BECAUSE, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Every event asks whether its practice has an endpoint: usually none, one index probe.
            models.Index(fields=["practice"], condition=Q(enabled=True), name="webhook_endpoint_enabled"),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, written in the transaction of the change (row first); its
    `webhook_id` is the same on every attempt, so a receiver can drop what it already has."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    STATUSES = [
        (PENDING, _("Waiting")),
        (SENDING, _("Sending")),
        (DELIVERED, _("Delivered")),
        (FAILED, _("Failed")),
    ]

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    webhook_id = models.CharField(max_length=40, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="webhook_delivery_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.webhook_id}"


class WebhookEndpointEvent(AppendOnly):
    """A change to one of a practice's webhook endpoints, as its owners read it later: who
    registered, changed, turned off or deleted which URL. Append-only; the URL is copied, so the
    row still names the endpoint once it is deleted."""

    REGISTERED = "registered"
    CHANGED = "changed"
    TURNED_ON = "turned_on"
    TURNED_OFF = "turned_off"
    SECRET_ROTATED = "secret_rotated"  # noqa: S105 (an action, not a password)
    DELETED = "deleted"
    ACTIONS = [
        (REGISTERED, _("Registered")),
        (CHANGED, _("Changed")),
        (TURNED_ON, _("Turned on")),
        (TURNED_OFF, _("Turned off")),
        (SECRET_ROTATED, _("Secret rotated")),
        (DELETED, _("Deleted")),
    ]

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    endpoint_id = models.PositiveBigIntegerField(help_text="The endpoint's id; it may be deleted since")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=ACTIONS)
    url = models.URLField(max_length=WebhookEndpoint.MAX_URL_LENGTH)
    detail = models.CharField(
        max_length=20, blank=True, help_text="Why Rehabit turned it off, when no one did"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["practice", "-at", "-id"], name="webhook_event_practice_newest")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} webhook endpoint {self.endpoint_id} at {self.at:%Y-%m-%d %H:%M}"
