import json

from django import forms
from django.core.exceptions import ValidationError

from practice.forms import upload_limit_words

from . import exchange
from .images import prepare_photo
from .models import Dosage, Exercise, Program, ProgramExercise
from .videos import checked_video


class DosageForm(forms.ModelForm):
    sets = forms.IntegerField(min_value=1, max_value=20)
    reps = forms.IntegerField(min_value=1, max_value=200, required=False)
    hold_seconds = forms.IntegerField(min_value=1, max_value=600, required=False, label="Hold (s)")
    duration_seconds = forms.IntegerField(min_value=1, max_value=3600, required=False, label="Duration (s)")

    class Meta:
        model = ProgramExercise
        fields = ["sets", "reps", "hold_seconds", "duration_seconds", "side", "note"]
        labels = {"note": "Note for the client"}
        widgets = {"note": forms.Textarea(attrs={"rows": 1})}


class LinesField(forms.CharField):
    """One entry per line in the form, a list in the model."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class TagsField(forms.CharField):
    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return sorted({tag.strip().lower() for tag in (value or "").split(",") if tag.strip()})


PHOTO_NOT_KEPT = "The photo you chose was not saved because of the errors on this form: choose it again."


class ExerciseForm(forms.ModelForm):
    steps = LinesField(required=False, help_text="One step per line.")
    cues = LinesField(required=False, help_text="One cue per line.")
    tags = TagsField(required=False, help_text="Separated by commas, e.g. mobility, core.")
    sets = forms.IntegerField(min_value=1, max_value=20, initial=1)
    level = forms.TypedChoiceField(
        choices=Exercise.LEVELS, coerce=int, initial=1, required=False, empty_value=1
    )
    video_url = forms.URLField(required=False, assume_scheme="https", label="Video link")
    image = forms.ImageField(required=False)
    video = forms.FileField(
        required=False,
        label="Practice video",
        help_text="An MP4 or WebM you recorded; your clients watch it on their phone.",
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm"}),
    )

    class Meta:
        model = Exercise
        fields = [
            "name",
            "summary",
            "steps",
            "cues",
            "region",
            "position",
            "level",
            "equipment",
            "tags",
            "sets",
            "reps",
            "hold_seconds",
            "duration_seconds",
            "side",
            "video_url",
            "video",
            "image",
            "image_alt",
        ]
        labels = {
            "image_alt": "Image description (for screen readers and the handout)",
            "video_url": "Video link",
            "sets": "Default sets",
            "reps": "Default reps",
            "hold_seconds": "Default hold (s)",
            "duration_seconds": "Default duration (s)",
            "side": "Default side",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "image"
        ].help_text = (
            f"JPEG, PNG or WebP up to {upload_limit_words()}; it is re-encoded and its metadata removed."
        )

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload or upload == self.instance.image:
            return upload
        try:
            return prepare_photo(upload)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean_video(self):
        upload = self.cleaned_data.get("video")
        if not upload or upload == self.instance.video:
            return upload
        try:
            return checked_video(upload)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean(self):
        data = super().clean()
        if data.get("image") and not data.get("image_alt", "").strip():
            self.add_error("image_alt", "Describe the image for people who cannot see it.")
        return data

    def full_clean(self):
        super().full_clean()
        # A browser cannot put a file back into a re-rendered file input: say so where it shows.
        if self.errors and self.files.get(self.add_prefix("image")) and "image" not in self.errors:
            self.add_error("image", PHOTO_NOT_KEPT)


class TemplateForm(forms.Form):
    title = forms.CharField(max_length=150, label="Template title")


class TemplateDetailsForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["title", "summary"]
        labels = {"title": "Template title", "summary": "Summary (on the handout)"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class ExerciseFilterForm(forms.Form):
    """The library's and the builder's filters, as typed in the address: a value no exercise can
    hold (a NUL character, which PostgreSQL refuses) is an error, not a server error."""

    q = forms.CharField(required=False, max_length=200)
    region = forms.CharField(required=False, max_length=50)
    position = forms.CharField(required=False, max_length=50)
    equipment = forms.CharField(required=False, max_length=200)
    level = forms.TypedChoiceField(
        required=False, choices=[("", "Any"), *Exercise.LEVELS], coerce=int, empty_value=None
    )
    tag = forms.CharField(required=False, max_length=100)
    favourites = forms.BooleanField(required=False)

    def filters(self) -> dict:
        """The valid filters; a refused one reads as no filter."""
        data = self.cleaned_data
        words = {name: data.get(name) or "" for name in ("q", "region", "position", "equipment", "tag")}
        return {**words, "level": data.get("level"), "favourites": bool(data.get("favourites"))}


class BulkDosageForm(forms.Form):
    """A change to the whole program at once; a field left empty is left as it is."""

    sets = forms.IntegerField(min_value=1, max_value=20, required=False)
    reps = forms.IntegerField(min_value=1, max_value=200, required=False)
    hold_seconds = forms.IntegerField(min_value=1, max_value=600, required=False, label="Hold (s)")
    duration_seconds = forms.IntegerField(min_value=1, max_value=3600, required=False, label="Duration (s)")
    side = forms.ChoiceField(
        choices=[("", "as it is"), *[(key, label) for key, label in Dosage.SIDES if key]], required=False
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(name) for name in self.fields):
            raise ValidationError("Give at least one value to change, e.g. a hold of 20 s.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Exercise file (JSON)",
        help_text="A file exported from the library of a Rehabit practice.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self):
        """The file's JSON; what is in it is checked by programs.exchange."""
        upload = self.cleaned_data["file"]
        if upload.size > exchange.MAX_BYTES:
            raise ValidationError(f"The file is larger than {exchange.MAX_BYTES // (1024 * 1024)} MB.")
        try:
            return json.loads(upload.read())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(f"This is not a JSON file ({exc}).") from None
