from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone signs in with an email: practitioners, owners and clients alike."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Practice(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(unique=True)
    accent_color = models.CharField(max_length=7, default="#0f766e")
    missed_days_alert = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Alert the client's practitioner after this many scheduled days missed in a row",
    )
    logo = models.ImageField(upload_to="logos/", blank=True)
    odi_wording = models.JSONField(
        default=list,
        blank=True,
        help_text="The Oswestry Disability Index's statements as the practice's licence words them: "
        "ten sections of six statements, scored 0 to 5; empty until an owner enters them",
    )
    webhook_events = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The events the practice's enabled webhook endpoints hear of, kept as they change: "
        "an event no endpoint hears of costs no query where the practice is at hand",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accent_color__regex=r"^#[0-9a-fA-F]{6}$"),
                name="practice_accent_color_is_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user, practice: "Practice | None" = None):
        """The memberships of the practices the user works in, their own and their colleagues';
        only `practice`'s when given, which narrows to one of the user's practices, never widens."""
        return self.filter(practice__in=practices_of(user, practice))


class Membership(models.Model):
    OWNER = "owner"
    PRACTITIONER = "practitioner"
    ROLES = [(OWNER, "Owner"), (PRACTITIONER, "Practitioner")]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLES, default=PRACTITIONER)
    timezone = models.CharField(max_length=64, default="Europe/London")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="one_membership_per_practice"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.practice} ({self.role})"


def practices_of(user, practice: Practice | None = None) -> models.QuerySet[Practice]:
    """The practices a user works in: the practitioner API's scope. The workspace works in one
    of them at a time (`practice.access.current_membership`): given, `practice` narrows to it,
    and to nothing when the user does not work there. Every model's `visible_to` starts here."""
    if not user.is_authenticated:
        return Practice.objects.none()
    practices = Practice.objects.filter(memberships__user=user)
    return practices.filter(pk=practice.pk) if practice is not None else practices


class PractitionerInvitation(models.Model):
    """An owner invites a colleague; accepting creates the Membership. Only the token's hash is kept."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="practitioner_invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.ROLES, default=Membership.PRACTITIONER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="Withdrawn by an owner before use")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the worker: when the email left, or when it gave up on it (SMTP refused for an hour).
    emailed_at = models.DateTimeField(null=True, blank=True)
    undelivered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.practice}"


def is_owner(user, practice: Practice) -> bool:
    return Membership.objects.filter(user=user, practice=practice, role=Membership.OWNER).exists()


class AppendOnly(models.Model):
    """A record of what happened: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self._meta.verbose_name_plural.capitalize()} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name_plural.capitalize()} are append-only.")


class TeamEvent(AppendOnly):
    """A change to a practice's team, as owners read it later. Append-only.

    The practitioner's name and email are copied as they were, so the row still says who it
    was about after they leave the practice.
    """

    INVITED = "invited"
    INVITATION_REVOKED = "invitation_revoked"
    JOINED = "joined"
    ROLE_CHANGED = "role_changed"
    REMOVED = "removed"
    ACTIONS = [
        (INVITED, "Invited"),
        (INVITATION_REVOKED, "Invitation withdrawn"),
        (JOINED, "Joined"),
        (ROLE_CHANGED, "Role changed"),
        (REMOVED, "Removed"),
    ]

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="team_events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=32, choices=ACTIONS)
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    detail = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["practice", "-at", "-id"], name="team_event_practice_newest")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} in practice {self.practice_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        return self.name or self.email
