"""Inviting a client to Rehabit: a link that expires and works once.

Only the token's SHA-256 is stored, so the database never holds a working link; the token is
derived from the row under SECRET_KEY, and the worker derives it again to email the link, so it
never travels through the broker (see `practice.invitation_tokens`).
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practice.invitation_tokens import digest, placeholder_hash, seal, token_of
from practice.mail import EmailTask
from practice.models import User

from .. import emails
from ..models import Client, Invitation

INVITATION_TTL = timedelta(days=7)
INVITATION_KIND = "client"


@transaction.atomic
def invitation_send(*, client: Client) -> Invitation:
    """Email the client a fresh link; earlier unused links stop working."""
    client.invitations.filter(accepted_at__isnull=True).delete()
    invitation = Invitation.objects.create(
        client=client, token_hash=placeholder_hash(), expires_at=timezone.now() + INVITATION_TTL
    )
    seal(invitation, kind=INVITATION_KIND)
    email_invitation.delay_on_commit(invitation_id=invitation.pk)
    return invitation


def invitation_email(*, invitation_id: int) -> None:
    """Send an invitation's link, unless it was replaced, used or expired meanwhile."""
    invitation = (
        Invitation.objects.select_related("client__practice")
        .filter(pk=invitation_id, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or not (token := token_of(invitation, kind=INVITATION_KIND)):
        return
    link = settings.SITE_URL + reverse("invitation", args=[token])
    emails.send_invitation(invitation.client, link, invitation.expires_at)
    Invitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())


def invitation_undelivered(*, invitation_id: int) -> None:
    """The worker gave up emailing it: the client page says so, and offers to send a new one."""
    Invitation.objects.filter(pk=invitation_id, emailed_at__isnull=True).update(undelivered_at=timezone.now())


def open_invitation(client: Client) -> Invitation | None:
    """The client's invitation still waiting to be accepted (there is at most one), expired or not,
    with `state`: "undelivered", "expired", "emailed" or "sending"."""
    invitation = client.invitations.filter(accepted_at__isnull=True).order_by("-created_at").first()
    if invitation is not None:
        invitation.state = _state(invitation, now=timezone.now())
    return invitation


def _state(invitation: Invitation, *, now) -> str:
    if invitation.undelivered_at:
        return "undelivered"
    if invitation.expires_at <= now:
        return "expired"
    return "emailed" if invitation.emailed_at else "sending"


def invitation_for(token: str) -> Invitation:
    """The open invitation of a token, or a ValidationError on `token` saying why not."""
    invitation = (
        Invitation.objects.select_related("client__practice", "client__user")
        .filter(token_hash=digest(token))
        .first()
    )
    if invitation is None or invitation.accepted_at:
        raise ValidationError({"token": _("This invitation link is not valid or was already used.")})
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            {"token": _("This invitation link has expired; ask your practitioner for a new one.")}
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Give the client a sign-in. An existing account is linked only with its own password."""
    invitation = invitation_for(token)
    client = invitation.client
    user = client.user or User.objects.filter(email__iexact=client.email).first()
    if user is None:
        user = User(email=client.email.lower(), name=client.name)
        _check_new_password(password, user)
        user.set_password(password)
        user.save()
    elif not user.check_password(password):
        raise ValidationError({"password": _("An account with this email exists: enter its password.")})
    if user.memberships.exists():
        # The address became a practitioner's after the client was added: one sign-in is never both.
        raise ValidationError(
            {
                "token": _(
                    "This email is a practitioner's sign-in and cannot also be a client's: "
                    "ask your practitioner to use another email of yours."
                )
            }
        )
    if Client.objects.filter(user=user).exclude(pk=client.pk).exists():
        raise ValidationError({"token": _("This account already belongs to another client record.")})
    client.user = user
    client.save(update_fields=["user"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def _check_new_password(password: str, user: User) -> None:
    if not password:
        raise ValidationError({"password": _("Choose a password.")})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


@shared_task(
    name="clients.tasks.email_invitation", base=EmailTask, undelivered=staticmethod(invitation_undelivered)
)
def email_invitation(*, invitation_id: int) -> None:
    invitation_email(invitation_id=invitation_id)
