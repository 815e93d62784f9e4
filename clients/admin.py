from django.contrib import admin

from practice.admin import ReadOnlyAdmin

from .consultations import booking
from .models import (
    Assignment,
    AuditEvent,
    Client,
    Completion,
    Consultation,
    ErasureRequest,
    Invitation,
    Reminder,
)
from .reminders import delivery


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "practice", "timezone", "reminders_enabled"]
    list_filter = ["practice"]
    search_fields = ["name", "email"]
    raw_id_fields = ["user", "practitioner"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["client", "expires_at", "accepted_at"]
    exclude = ["token_hash"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    """Read here, booked and changed in the workspace or the API only: those email the client and
    move their calendar's event, and hold the rules on status, pain and ODI. Deleted one at a
    time, under the rule the API follows (`booking.deletion_error`)."""

    list_display = ["client", "scheduled_at", "status"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a queryset delete would skip the rule
        return actions

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not (obj is not None and booking.deletion_error(obj))

    def delete_model(self, request, obj):
        booking.consultation_delete(consultation=obj)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["client", "program", "start_date", "weeks", "status", "next_reminder_at"]
    list_filter = ["status"]
    raw_id_fields = ["client", "program", "assigned_by"]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "assignment_exercise", "date", "session", "pain"]
    raw_id_fields = ["assignment", "assignment_exercise"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["client", "recipient", "kind", "local_date", "status", "reason", "sent_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["consultation", "recipient"]
    actions = ["resend"]
    readonly_fields = [
        "client",
        "assignment",
        "kind",
        "local_date",
        "due_at",
        "sent_at",
        "attempts",
        "reason",
    ]

    @admin.action(description="Resend the selected reminders")
    def resend(self, request, queryset):
        resent = delivery.reminder_resend(reminder_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{len(resent)} reminder(s) queued to be sent again.")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "client", "action", "ip"]
    list_filter = ["action"]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["client", "requested_at", "completed_at"]
    readonly_fields = ["client", "requested_at", "completed_at"]
