from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image

from . import team, zones
from .models import Membership, Practice, User

LOGO_MAX_SIDE = 800


def upload_limit_words() -> str:
    """`UPLOAD_MAX_BYTES` as the forms say it, e.g. "10 MB"."""
    megabytes = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
    return f"{round(megabytes, 1):g} MB" if megabytes >= 1 else filesizeformat(settings.UPLOAD_MAX_BYTES)


def upload_too_large(upload) -> bool:
    return upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES


def prepared_logo(upload) -> ContentFile:
    """Re-encoded as PNG, which keeps a logo's transparency; nothing else of the file survives."""
    if upload_too_large(upload):
        raise ValidationError(f"The logo is over {upload_limit_words()}.")
    upload.seek(0)
    try:
        image = Image.open(upload)
        image.load()
    except (OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError("This file is not an image we can read (use PNG, JPEG or WebP).") from None
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    out = BytesIO()
    image.convert("RGBA").save(out, format="PNG")
    return ContentFile(out.getvalue(), name="logo.png")


class PracticeForm(forms.ModelForm):
    accent_color = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": "Use a colour like #0f766e."},
        label="Accent colour",
    )
    logo = forms.ImageField(required=False)
    # The bounds are the model's validators: a day or more, and a month at most (the sweep
    # looks back over that many weeks of check-offs).
    missed_days_alert = forms.IntegerField(
        min_value=1,
        max_value=30,
        label="Missed days alert",
        help_text=(
            "Alert the client's practitioner (or the owner, for a client without one) when a client has missed "
            "this many scheduled exercise days in a row, once a streak, also if the client turned reminders off. "
            "From 1 to 30 days."
        ),
        error_messages={
            "min_value": "Choose from 1 to 30 days.",
            "max_value": "Choose from 1 to 30 days.",
            "required": "Say after how many missed days to alert (1 to 30).",
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": 30}),
    )

    class Meta:
        model = Practice
        fields = ["name", "accent_color", "logo", "missed_days_alert"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "logo"
        ].help_text = f"JPEG, PNG or WebP up to {upload_limit_words()}; shown on handouts and emails."

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload or upload == self.instance.logo:
            return upload
        return prepared_logo(upload)


class YourSettingsForm(forms.Form):
    """A practitioner's own settings, in the practice the workspace works in."""

    timezone = zones.TimezoneField(
        label="Your timezone",
        help_text=(
            "The workspace shows times in it, the consultations you book are on it, and your "
            "weekly summary comes on Mondays at 08:00 in it."
        ),
        error_messages={"invalid_choice": "Rehabit does not know this time zone; choose one from the list."},
    )

    def __init__(self, *args, likely=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].put_first(likely)


class PractitionerInviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Membership.ROLES, initial=Membership.PRACTITIONER)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if refused := team.invitee_refusal(practice=self.practice, email=email):
            raise ValidationError(refused)
        return email


class SuccessorField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.name} · {user.email}" if user.name else user.email


class MemberRemoveForm(forms.Form):
    """Who takes the leaving member's clients (by default the owner doing it), and a ticked box."""

    successor = SuccessorField(
        queryset=User.objects.none(),
        empty_label=None,
        label="Who takes over their clients and upcoming consultations",
    )
    confirm = forms.BooleanField(
        error_messages={"required": "Nothing was changed: tick the box to confirm the removal."}
    )

    def __init__(self, *args, membership: Membership, by: User, **kwargs):
        super().__init__(*args, **kwargs)
        colleagues = User.objects.filter(memberships__practice=membership.practice_id).exclude(
            pk=membership.user_id
        )
        self.fields["successor"].queryset = colleagues.order_by("name", "email")
        self.fields["successor"].initial = team.default_successor(membership, by=by)
        self.fields["confirm"].label = f"Yes, remove {membership.user} from {membership.practice}"
        self.fields["successor"].error_messages["invalid_choice"] = (
            "Choose someone who works in this practice and stays in it."
        )
