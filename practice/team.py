"""An owner invites colleagues: an expiring, one-use link that makes them a member of the practice.

Only the token's SHA-256 is stored, so the database never holds a working link.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .mail import send
from .models import Membership, Practice, PractitionerInvitation, User

INVITATION_TTL = timedelta(days=7)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def practitioner_invite(*, practice: Practice, email: str, role: str, by: User) -> PractitionerInvitation:
    """Email a fresh link; an earlier open link for the same address stops working."""
    token = secrets.token_urlsafe(32)
    email = email.strip().lower()
    practice.practitioner_invitations.filter(email=email, accepted_at__isnull=True).delete()
    invitation = PractitionerInvitation.objects.create(
        practice=practice,
        email=email,
        role=role,
        invited_by=by,
        token_hash=_digest(token),
        expires_at=timezone.now() + INVITATION_TTL,
    )
    link = settings.SITE_URL + reverse("team-invitation", args=[token])
    transaction.on_commit(lambda: _send(invitation, link))
    return invitation


def practitioner_invitation_for(token: str) -> PractitionerInvitation:
    invitation = (
        PractitionerInvitation.objects.select_related("practice").filter(token_hash=_digest(token)).first()
    )
    if invitation is None or invitation.accepted_at:
        raise ValidationError({"token": "This invitation link is not valid or was already used."})
    if invitation.expires_at <= timezone.now():
        raise ValidationError({"token": "This invitation link has expired; ask for a new one."})
    return invitation


@transaction.atomic
def practitioner_invitation_accept(
    *, token: str, user: User | None, name: str = "", password: str = ""
) -> User:
    """A signed-in user with the invited email joins; otherwise a new account is made for that email."""
    invitation = practitioner_invitation_for(token)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                {"password": "An account with this email exists: sign in first, then open the link."}
            )
        user = User(email=invitation.email, name=name.strip())
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user.set_password(password)
        user.save()
    elif user.email.lower() != invitation.email:
        raise ValidationError(
            {"token": f"This invitation is for {invitation.email}; sign in with that email."}
        )
    Membership.objects.get_or_create(
        user=user, practice=invitation.practice, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def _send(invitation: PractitionerInvitation, link: str) -> None:
    context = {
        "invitation": invitation,
        "practice": invitation.practice,
        "link": link,
        "site_url": settings.SITE_URL,
    }
    send("practitioner_invitation", context, to=invitation.email)
