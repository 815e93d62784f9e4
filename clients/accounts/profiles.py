"""A client's account: created with an invitation, their details and sign-in kept in step."""

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from practice.mail import EmailTask
from practice.models import Membership, User

from .. import emails
from ..models import Assignment, Client
from ..scheduling import reschedule
from . import invitations


@transaction.atomic
def client_create(*, practice, practitioner, **fields) -> Client:
    """A new client, emailed an invitation to sign in."""
    client = Client(practice=practice, practitioner=practitioner, **fields)
    client.full_clean()
    client.save()
    invitations.invitation_send(client=client)
    return client


def client_of_user(user) -> Client | None:
    """The client record behind a sign-in (`settings.CLIENT_OF_USER`), or None."""
    return getattr(user, "client", None)


def zones_of_clients(practice, *, most: int = 3) -> list[str]:
    """The timezones most of a practice's clients live in, the commonest first: a new client's
    likely ones."""
    rows = (
        Client.objects.filter(practice=practice)
        .values("timezone")
        .annotate(clients=Count("pk"))
        .order_by("-clients", "timezone")[:most]
    )
    return [row["timezone"] for row in rows]


def is_client_sign_in(email: str) -> bool:
    """Whether an email signs in a client of any practice (`settings.IS_CLIENT_SIGN_IN`)."""
    return Client.objects.filter(user__email__iexact=email.strip()).exists()


SIGN_IN_TAKEN = "Another Rehabit account signs in with this email."
# Said the same for a practitioner of any practice: which one is not this practice's to know.
PRACTITIONER_SIGN_IN = (
    "This email is a practitioner's sign-in, and a practitioner's sign-in cannot be a client's: "
    "use an email of the client's own."
)


def sign_in_taken(client: Client, email: str) -> bool:
    """Whether the client's sign-in could not follow their email there: another account has it."""
    if client.user_id is None:
        return False
    return User.objects.filter(email__iexact=email).exclude(pk=client.user_id).exists()


def client_email_refusal(*, practice, email: str, client: Client | None = None) -> str:
    """Why a (new or existing) client of the practice cannot have this email, or "" when they can."""
    others = Client.objects.filter(practice=practice, email__iexact=email)
    if client is not None:
        others = others.exclude(pk=client.pk)
    if others.exists():
        return "Another client of this practice has this email."
    if client is not None and sign_in_taken(client, email):
        return SIGN_IN_TAKEN
    if (client is None or email.lower() != client.email.lower()) and is_practitioner_sign_in(email):
        return PRACTITIONER_SIGN_IN
    return ""


def is_practitioner_sign_in(email: str) -> bool:
    # One sign-in is never a client's and a member's at once: the client's would open the
    # workspace. An address kept from before this rule is left as it is.
    return Membership.objects.filter(user__email__iexact=email).exists()


@transaction.atomic
def client_update_settings(*, client: Client, **changes) -> Client:
    """Details changed: a new email is also the client's sign-in; reminders follow the new settings."""
    if "email" in changes and client.user_id:
        if sign_in_taken(client, changes["email"]):
            raise ValidationError({"email": SIGN_IN_TAKEN})
        old_email = User.objects.filter(pk=client.user_id).values_list("email", flat=True).get()
        User.objects.filter(pk=client.user_id).update(email=changes["email"].lower())
        if old_email != changes["email"].lower():
            email_sign_in_moved.delay_on_commit(client_id=client.pk, old_email=old_email)
    for name, value in changes.items():
        setattr(client, name, value)
    client.save(update_fields=list(changes))
    assignments = list(client.assignments.filter(status=Assignment.ACTIVE).select_related("client"))
    reschedule(assignments)
    return client


def sign_in_moved_email(*, client_id: int, old_email: str) -> None:
    """Tell the address the sign-in left; nothing once the client was erased or moved back to it."""
    client = (
        Client.objects.select_related("practice")
        .filter(pk=client_id, erased_at__isnull=True)
        .exclude(email__iexact=old_email)
        .first()
    )
    if client is not None:
        emails.send_sign_in_moved(client, old_email)


@shared_task(name="clients.tasks.email_sign_in_moved", base=EmailTask, secret_kwargs=("old_email",))
def email_sign_in_moved(*, client_id: int, old_email: str) -> None:
    sign_in_moved_email(client_id=client_id, old_email=old_email)
