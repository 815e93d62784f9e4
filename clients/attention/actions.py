"""What a practitioner does from Needs attention: mark an alert handled, apply a suggestion."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..assignments import versions
from ..audit import audit_record
from ..checkoffs import progression
from ..models import Alert, Assignment, AssignmentVersion, AuditEvent


def alert_handle(*, alert: Alert, by, request=None) -> bool:
    """Mark the alert handled by `by`, in the audit; False when someone already had (it keeps
    their name and time)."""
    with transaction.atomic():
        handled = Alert.objects.filter(pk=alert.pk, handled_at__isnull=True).update(
            handled_by=by, handled_at=timezone.now()
        )
        if handled:
            audit_record(
                actor=by, client=alert.client, action=AuditEvent.HANDLE_ALERT, obj=alert, request=request
            )
    alert.refresh_from_db()
    return bool(handled)


@transaction.atomic
def suggestion_apply(*, assignment: Assignment, item_id: int, by) -> AssignmentVersion:
    """Publish the next version with the suggested change to one exercise: the client sees
    what changed, as after any edit. Refused when the suggestion no longer stands (a newer
    week says otherwise) or a working copy holds edits not yet published."""
    found = progression.suggestions(Assignment.objects.filter(pk=assignment.pk), now=timezone.now())
    suggestion = next((s for s in found.suggestions if s.item.pk == item_id), None)
    if suggestion is None or suggestion.change is None:
        raise ValidationError({"item": "This suggestion no longer applies; the program was not changed."})
    draft = versions.revision_draft(assignment=assignment)
    if versions.unpublished_edits(assignment=assignment, draft=draft):
        raise ValidationError(
            {"item": "This program has edits not yet published: publish or discard them first."}
        )
    current = list(assignment.program.items.order_by("position", "pk").values_list("pk", flat=True))
    copy = list(draft.items.order_by("position", "pk"))[current.index(item_id)]
    copy.exercise = suggestion.change.exercise
    for name, value in suggestion.change.dosage.items():
        setattr(copy, name, value)
    copy.save()
    return versions.assignment_revise(
        assignment=assignment, draft=draft, schedule=versions.schedule_of(assignment), by=by
    )
