"""A practitioner leaves a practice: the practice keeps their clients, handed to a colleague in one go.

The membership rules (a practice always keeps an owner) are `practice.team`'s; this module
adds what only the clients side knows about: clients, consultations and alerts to hand over.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from practice import team
from practice.models import Membership, User

from ..audit import audit_record_many
from ..models import AuditEvent, Client, Consultation, Reminder


@dataclass(frozen=True)
class Handover:
    clients: int
    consultations: int


def handover_of(membership: Membership) -> Handover:
    """What the member would hand over if removed now."""
    return Handover(
        clients=_clients_of(membership).count(), consultations=_upcoming_consultations_of(membership).count()
    )


@transaction.atomic
def practitioner_remove(*, membership: Membership, successor: User, by: User, request=None) -> Handover:
    """Remove the member; their clients and upcoming consultations go to `successor`, or nothing changes."""
    membership = team.membership_end(membership=membership)  # locks the practice's team first
    if (
        successor.pk == membership.user_id
        or not successor.memberships.filter(practice=membership.practice_id).exists()
    ):
        raise ValidationError({"successor": "Choose someone who works in this practice and stays in it."})
    client_ids = list(_clients_of(membership).select_for_update().values_list("pk", flat=True))
    Client.objects.filter(pk__in=client_ids).update(practitioner=successor)
    consultations = _upcoming_consultations_of(membership).update(practitioner=successor)
    # Alerts are addressed when sent (to the client's practitioner); the rows say so too.
    Reminder.objects.filter(
        client_id__in=client_ids, recipient=membership.user_id, status=Reminder.PENDING
    ).update(recipient=successor)
    audit_record_many(
        actor=by, client_ids=client_ids, action=AuditEvent.CHANGE_PRACTITIONER, obj=successor, request=request
    )
    handover = Handover(clients=len(client_ids), consultations=consultations)
    team.removal_record(membership=membership, by=by, detail=handover_words(handover, successor))
    _sign_out_if_nothing_left(membership.user)
    return handover


def handover_words(handover: Handover, successor: User) -> str:
    """'2 clients and 1 upcoming consultation' moved to whom, as the page and the team history say it."""
    if not handover.clients and not handover.consultations:
        return f"no clients or upcoming consultations to hand to {successor}"
    moved = _counted(handover.clients, "client")
    if handover.consultations:
        moved += f" and {_counted(handover.consultations, 'upcoming consultation')}"
    return f"{moved} handed to {successor}"


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _clients_of(membership: Membership):
    return Client.objects.filter(practice=membership.practice_id, practitioner=membership.user_id)


def _upcoming_consultations_of(membership: Membership):
    # Held consultations keep who held them: that is the record. Those still to come move.
    return Consultation.objects.filter(
        client__practice=membership.practice_id,
        practitioner=membership.user_id,
        status=Consultation.SCHEDULED,
        scheduled_at__gte=timezone.now(),
    )


def _sign_out_if_nothing_left(user: User) -> None:
    """Scoping already hides the practice from their tokens; one who works nowhere now keeps none."""
    if not user.memberships.exists() and not Client.objects.filter(user=user).exists():
        AuthToken.objects.filter(user=user).delete()
