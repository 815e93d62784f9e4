"""An owner manages the team: invites colleagues (an expiring, one-use link that makes them a
member), withdraws an invitation, changes a member's role. A practice always keeps an owner.

Only an invitation token's SHA-256 is stored, so the database never holds a working link; the
token is derived from the row under SECRET_KEY, and the worker derives it again to email the
link, so it never travels through the broker (see `invitation_tokens`).
Removing a member moves their clients, so it is orchestrated on the clients side
(`clients/team.py`), which calls `membership_end` and `removal_record` here.

Every change leaves one TeamEvent, written in the transaction that makes the change: a change
that is refused or rolled back leaves none. Owners read them as the team's history.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from .invitation_tokens import digest, placeholder_hash, seal, token_of
from .mail import EmailTask, send
from .models import Membership, Practice, PractitionerInvitation, TeamEvent, User
from .signed_in import is_client_sign_in

INVITATION_TTL = timedelta(days=7)
INVITATION_KIND = "practitioner"
ALREADY_A_MEMBER = "This person already works in this practice."
# Said the same for a client of any practice: which practice, or whose client, is not the owner's to know.
CLIENT_SIGN_IN = (
    "This email is a client's sign-in, and a client's sign-in cannot be a practitioner's: "
    "invite an email of their own."
)
CLIENT_SIGN_IN_JOINS = (
    "This email is a client's sign-in, and a client's sign-in cannot join a practice's team: "
    "ask the practice to invite an email of your own."
)


def invitee_refusal(*, practice: Practice, email: str) -> str:
    """Why this address cannot be invited to the practice's team, or "" when it can."""
    if Membership.objects.filter(practice=practice, user__email__iexact=email.strip()).exists():
        return ALREADY_A_MEMBER
    if is_client_sign_in(email):
        return CLIENT_SIGN_IN
    return ""


@transaction.atomic
def practitioner_invite(*, practice: Practice, email: str, role: str, by: User) -> PractitionerInvitation:
    """Email a fresh link; an earlier open link for the same address stops working."""
    email = email.strip().lower()
    if refused := invitee_refusal(practice=practice, email=email):
        raise ValidationError({"email": refused})
    earlier = practice.practitioner_invitations.filter(email=email, accepted_at__isnull=True)
    replaces = earlier.filter(revoked_at__isnull=True).exists()
    earlier.delete()
    invitation = PractitionerInvitation.objects.create(
        practice=practice,
        email=email,
        role=role,
        invited_by=by,
        token_hash=placeholder_hash(),
        expires_at=timezone.now() + INVITATION_TTL,
    )
    seal(invitation, kind=INVITATION_KIND)
    detail = f"as {_role_word(role)}" + (", replacing the earlier invitation" if replaces else "")
    _record(practice_id=practice.pk, action=TeamEvent.INVITED, by=by, email=email, detail=detail)
    email_practitioner_invitation.delay_on_commit(invitation_id=invitation.pk)
    return invitation


def practitioner_invitation_email(*, invitation_id: int) -> None:
    """Send an invitation's link, unless it was replaced, used, withdrawn or expired meanwhile."""
    invitation = (
        PractitionerInvitation.objects.select_related("practice", "invited_by")
        .filter(
            pk=invitation_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None or not (token := token_of(invitation, kind=INVITATION_KIND)):
        return
    context = {
        "invitation": invitation,
        "practice": invitation.practice,
        "link": settings.SITE_URL + reverse("team-invitation", args=[token]),
        "site_url": settings.SITE_URL,
    }
    send("practitioner_invitation", context, to=invitation.email)
    PractitionerInvitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())


def practitioner_invitation_undelivered(*, invitation_id: int) -> None:
    """The worker gave up emailing it: the team page says so."""
    PractitionerInvitation.objects.filter(pk=invitation_id, emailed_at__isnull=True).update(
        undelivered_at=timezone.now()
    )


def practitioner_invitation_for(token: str) -> PractitionerInvitation:
    invitation = (
        PractitionerInvitation.objects.select_related("practice").filter(token_hash=digest(token)).first()
    )
    if invitation is None or invitation.accepted_at:
        raise ValidationError({"token": "This invitation link is not valid or was already used."})
    if invitation.revoked_at:
        raise ValidationError(
            {"token": "This invitation is no longer valid: the practice withdrew it. Ask them for a new one."}
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError({"token": "This invitation link has expired; ask for a new one."})
    return invitation


@transaction.atomic
def practitioner_invitation_accept(
    *, token: str, user: User | None, name: str = "", password: str = ""
) -> User:
    """A signed-in user with the invited email joins; otherwise a new account is made for that email."""
    invitation = practitioner_invitation_for(token)
    if is_client_sign_in(invitation.email):
        # It may have become a client's after the invitation was sent.
        raise ValidationError({"token": CLIENT_SIGN_IN_JOINS})
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
    # Claimed with a conditional UPDATE: an owner withdrawing it, or a second click, at the same
    # moment finds it taken, and no membership is made from a withdrawn link.
    claimed = PractitionerInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=timezone.now())
    if not claimed:
        raise ValidationError({"token": "This invitation link is not valid or was already used."})
    membership, joined = Membership.objects.get_or_create(
        user=user, practice=invitation.practice, defaults={"role": invitation.role}
    )
    if joined:
        _record_about(membership, action=TeamEvent.JOINED, by=user, detail=_joined_words(invitation))
    return user


def _joined_words(invitation: PractitionerInvitation) -> str:
    inviter = invitation.invited_by
    return f"as {_role_word(invitation.role)}" + (f", invited by {inviter}" if inviter else "")


# --- the owner manages the team --------------------------------------------------------------


def member_for_owner(owner: Membership, pk: int) -> Membership:
    """A member of the practice `owner` works in; anyone else's is 404, as is everything for a non-owner."""
    members = Membership.objects.select_related("user", "practice").filter(practice=_owned(owner))
    return get_object_or_404(members, pk=pk)


def open_invitation_for_owner(owner: Membership, pk: int) -> PractitionerInvitation:
    invitations = PractitionerInvitation.objects.filter(
        practice=_owned(owner), accepted_at__isnull=True, revoked_at__isnull=True
    )
    return get_object_or_404(invitations, pk=pk)


def _owned(membership: Membership) -> int:
    if membership.role != Membership.OWNER:
        raise Http404
    return membership.practice_id


@transaction.atomic
def practitioner_invitation_revoke(*, invitation: PractitionerInvitation, by: User) -> bool:
    """The link stops working at once; False when it was used or withdrawn meanwhile."""
    revoked = PractitionerInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if revoked:
        detail = f"was invited as {_role_word(invitation.role)}"
        _record(
            practice_id=invitation.practice_id,
            action=TeamEvent.INVITATION_REVOKED,
            by=by,
            email=invitation.email,
            detail=detail,
        )
    return bool(revoked)


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str, by: User) -> Membership:
    """A role the member already has changes nothing and records nothing."""
    if role not in dict(Membership.ROLES):
        raise ValidationError({"role": "Choose a role: owner or practitioner."})
    membership = _locked(membership)
    if role == membership.role:
        return membership
    if role != Membership.OWNER:
        _another_owner_stays(membership, "change their role")
    detail = f"from {_role_word(membership.role)} to {_role_word(role)}"
    membership.role = role
    membership.save(update_fields=["role"])
    _record_about(membership, action=TeamEvent.ROLE_CHANGED, by=by, detail=detail)
    return membership


def membership_end(*, membership: Membership) -> Membership:
    """The member leaves the practice; call inside the transaction that hands over their work."""
    membership = _locked(membership)
    _another_owner_stays(membership, "remove them")
    membership.delete()
    return membership


def removal_record(*, membership: Membership, by: User, detail: str) -> TeamEvent:
    """The history's line for a member `membership_end` removed, once their work is handed over."""
    return _record_about(membership, action=TeamEvent.REMOVED, by=by, detail=detail)


def _locked(membership: Membership) -> Membership:
    # Every team change to a practice waits on the practice's row: two owners demoting each
    # other at the same moment cannot both see the other still an owner and leave none.
    list(Practice.objects.select_for_update().filter(pk=membership.practice_id).values_list("pk"))
    fresh = Membership.objects.select_related("user", "practice").filter(pk=membership.pk).first()
    if fresh is None:
        raise ValidationError({"member": f"{membership.user} no longer works in this practice."})
    return fresh


def default_successor(membership: Membership, *, by: User) -> int | None:
    """Who takes over a leaving member's clients unless the owner says otherwise: the owner
    removing them, or, when they remove themselves, the practice's other owner."""
    if by.pk != membership.user_id:
        return by.pk
    owners = Membership.objects.filter(practice=membership.practice_id, role=Membership.OWNER)
    other = owners.exclude(pk=membership.pk).order_by("created_at").first()
    return other.user_id if other else None


def is_last_owner(membership: Membership) -> bool:
    if membership.role != Membership.OWNER:
        return False
    owners = Membership.objects.filter(practice=membership.practice_id, role=Membership.OWNER)
    return not owners.exclude(pk=membership.pk).exists()


def _another_owner_stays(membership: Membership, action: str) -> None:
    if is_last_owner(membership):
        raise ValidationError(
            {
                "role": f"{membership.user} is the only owner of {membership.practice}: "
                f"make someone else an owner before you {action}."
            }
        )


# --- the team's history ----------------------------------------------------------------------


def team_history(owner: Membership):
    """The team changes of the practice `owner` works in, newest first; 404 for a non-owner."""
    return TeamEvent.objects.filter(practice=_owned(owner)).select_related("actor")


def _record_about(membership: Membership, *, action: str, by: User, detail: str) -> TeamEvent:
    user = membership.user
    return _record(
        practice_id=membership.practice_id,
        action=action,
        by=by,
        name=user.name,
        email=user.email,
        detail=detail,
    )


def _record(
    *, practice_id: int, action: str, by: User, email: str, name: str = "", detail: str = ""
) -> TeamEvent:
    return TeamEvent.objects.create(
        practice_id=practice_id, action=action, actor=by, name=name, email=email, detail=detail
    )


def _role_word(role: str) -> str:
    return dict(Membership.ROLES)[role].lower()


@shared_task(
    name="practice.tasks.email_practitioner_invitation",
    base=EmailTask,
    undelivered=staticmethod(practitioner_invitation_undelivered),
)
def email_practitioner_invitation(*, invitation_id: int) -> None:
    practitioner_invitation_email(invitation_id=invitation_id)
