from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practice.zones import TimezoneField
from programs.models import Program

from ..accounts.profiles import client_email_refusal, zones_of_clients
from ..consultations import booking
from ..consultations.questionnaires import ODI_SECTIONS
from ..models import ALL_DAYS, Client, Consultation
from ..scheduling import DAY_NAMES, already_over


class ClientSearchForm(forms.Form):
    """The client list's search, as typed in the address (a NUL character is refused, not a 500)."""

    q = forms.CharField(required=False, max_length=200)


class ClientForm(forms.ModelForm):
    timezone = TimezoneField(help_text="Reminders come at their time in this zone.")
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="Their invitation, reminders and handouts are in this language.",
    )

    class Meta:
        model = Client
        fields = ["name", "email", "phone", "timezone", "language", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice
        # The workspace's clock is the practitioner's: a new client most likely lives on it.
        here = timezone.get_current_timezone_name()
        self.fields["timezone"].initial = here
        saved = [self.instance.timezone] if self.instance.pk else []
        self.fields["timezone"].put_first([*saved, here, *zones_of_clients(practice)])

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language  # not sent: unchanged

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        client = self.instance if self.instance.pk else None
        if refusal := client_email_refusal(practice=self.practice, email=email, client=client):
            raise forms.ValidationError(refusal)
        return email


class ScheduleForm(forms.Form):
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(min_value=1, max_value=52, initial=6)
    days_of_week = forms.TypedMultipleChoiceField(
        choices=list(enumerate(DAY_NAMES)),
        coerce=int,
        initial=ALL_DAYS,
        widget=forms.CheckboxSelectMultiple,
        label="Days",
    )
    sessions_per_day = forms.IntegerField(min_value=1, max_value=6, initial=1, label="Sessions a day")

    def __init__(self, *args, client=None, **kwargs):
        """With a `client`, the schedule of a new program for them: one already over is refused."""
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["start_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if not (self.client and data.get("start_date") and data.get("weeks")):
            return data
        if why := already_over(self.client, data["start_date"], data["weeks"]):
            self.add_error("start_date", why)
        return data


class PrescribeForm(ScheduleForm):
    """The schedule of a new prescription, and the client's daily reminder time."""

    reminder_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        field = self.fields["reminder_time"]
        field.initial = client.reminder_time
        # Applied on the client's clock, which may not be the practitioner's the page is on.
        field.label = f"Reminder time ({client.name}'s time, {client.timezone})"
        field.help_text = (
            f"The daily reminder reaches {client.name} at this time where they are, on the days "
            "above; they can change it on their phone."
        )


class AssignForm(ScheduleForm):
    template = forms.ModelChoiceField(queryset=Program.objects.none(), empty_label=None)

    field_order = ["template"]

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # as the view may see them


class StartForm(forms.Form):
    """Where a prescription starts: a template, or a blank program with a title."""

    template = forms.ModelChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="Blank program"
    )
    title = forms.CharField(max_length=150, required=False, help_text="For a blank program")

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # as the view may see them

    def clean(self):
        data = super().clean()
        if not data.get("template") and not data.get("title", "").strip():
            self.add_error("title", "Give the blank program a title, or pick a template.")
        return data


class ConsultationForm(forms.Form):
    """A virtual consultation, on the practitioner's clock."""

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    # The API's range: a consultation booked there can be moved here without changing its length.
    duration_minutes = forms.IntegerField(min_value=5, max_value=480, initial=45, label="Duration (minutes)")

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(zone)
        self.current: datetime | None = None  # the time of a consultation being moved

    def clean(self):
        # One rule for booking and moving, a past day or an earlier hour today: the moment has
        # passed, said on Time (the API says it on scheduled_at).
        data = super().clean()
        if data.get("date") and data.get("time") and (refused := booking.time_error(self.starts_at())):
            self.add_error("time", refused)
        return data

    def starts_at(self) -> datetime:
        day, at = self.cleaned_data["date"], self.cleaned_data["time"]
        current = self.current.astimezone(self.zone) if self.current else None
        if current and (day, at) == (current.date(), current.time()):
            # Its own time, kept as it is: the second of a repeated 01:30 is not read as the first.
            return self.current
        return booking.local_start(day, at, self.zone.key)

    @classmethod
    def for_moving(cls, consultation: Consultation, *, zone: str, data=None) -> "ConsultationForm":
        """Filled with the consultation's time on the practitioner's clock."""
        local = consultation.scheduled_at.astimezone(ZoneInfo(zone))
        initial = {
            "date": local.date(),
            "time": local.time(),
            "duration_minutes": consultation.duration_minutes,
        }
        form = cls(data, zone=zone, initial=initial, prefix="move")
        form.current = consultation.scheduled_at
        return form


ODI_CHOICES = [("", "Not answered"), *[(str(n), str(n)) for n in range(6)]]


class RecordForm(forms.ModelForm):
    """The consultation's record: SOAP notes, baseline pain and the Oswestry sections."""

    pain = forms.IntegerField(min_value=0, max_value=10, required=False, label="Pain now (0–10)")

    class Meta:
        model = Consultation
        fields = ["status", "subjective", "objective", "assessment", "plan", "pain"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("subjective", "objective", "assessment", "plan")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answers = list(self.instance.odi_answers or []) + [None] * 10
        for number, title in enumerate(ODI_SECTIONS, start=1):
            initial = answers[number - 1]
            self.fields[f"odi_{number}"] = forms.TypedChoiceField(
                choices=ODI_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                label=f"{number}. {title}",
                initial="" if initial is None else str(initial),
            )

    def clean_status(self):
        refused = booking.status_error(
            old=self.instance.status, new=self.cleaned_data["status"], starts_at=self.instance.scheduled_at
        )
        if refused:
            raise forms.ValidationError(refused)
        return self.cleaned_data["status"]

    def odi_fields(self):
        return [self[f"odi_{number}"] for number in range(1, 11)]

    def odi_answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"odi_{number}") for number in range(1, 11)]


class BreakForm(forms.Form):
    """A break set ahead: the field names are the service's, so its refusals land next to them."""

    on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label="To",
        help_text="The last day off; exercise and reminders start again the day after.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PastConsultationForm(ConsultationForm):
    """When and where a consultation that already took place was held, on the practitioner's clock."""

    place = forms.ChoiceField(choices=Consultation.PLACES, initial=Consultation.CLINIC, label="Where")

    def clean(self):
        data = forms.Form.clean(self)  # not the booking's rule: this time must have passed
        if data.get("date") and data.get("time") and (refused := booking.past_time_error(self.starts_at())):
            self.add_error("time", refused)
        return data


class PastRecordForm(RecordForm):
    """The record of a past consultation: it was held, so no status to choose."""

    pain = forms.IntegerField(min_value=0, max_value=10, required=False, label="Pain at rest (0–10)")

    class Meta(RecordForm.Meta):
        fields = ["subjective", "objective", "assessment", "plan", "pain"]


class CheckoffFilterForm(forms.Form):
    exercise = forms.ModelChoiceField(queryset=None, required=False, empty_label="All exercises")
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, exercises, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["exercise"].queryset = exercises

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The last day comes on or after the first.")
        return data


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class EraseConfirmForm(forms.Form):
    """Erasure cannot be undone: the owner types the client's full name, checked here on the server
    (spaces and capitals aside), so a slip of the mouse on the wrong client erases nothing."""

    name = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
    )

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["name"].label = _("Type %(name)s’s full name to confirm") % {"name": client.name}
        self.fields["name"].help_text = _("As it is on their record: %(name)s") % {"name": client.name}

    def clean_name(self) -> str:
        typed = self.cleaned_data["name"]
        if _same_name(typed) != _same_name(self.client.name):
            raise forms.ValidationError(
                _("This is not %(name)s’s full name as their record has it: nothing was erased."),
                code="name_mismatch",
                params={"name": self.client.name},
            )
        return typed
