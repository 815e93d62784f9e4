"""The forms of the messages and questionnaires pages."""

from django import forms
from django.utils import timezone

from ..consultations import questionnaires
from ..models import Assignment, Message

EVERY = [(7, "Every week"), (14, "Every 2 weeks"), (28, "Every 4 weeks"), (42, "Every 6 weeks")]


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=Message.MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": Message.MAX_LENGTH}),
        help_text="Plain text, up to 2,000 characters. The client is emailed that a message waits, never its text.",
        error_messages={
            "required": "Write a message.",
            "max_length": "Keep a message to %(limit_value)s characters (this one has %(show_value)s).",
        },
    )


class ScheduleForm(forms.Form):
    """A questionnaire asked every so many days of one of the client's programs."""

    assignment = forms.ModelChoiceField(queryset=Assignment.objects.none(), label="Program", empty_label=None)
    questionnaire = forms.ChoiceField(label="Questionnaire")
    every_days = forms.TypedChoiceField(choices=EVERY, coerce=int, initial=14, label="How often")
    starts_on = forms.DateField(
        label="First due on", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    def __init__(self, *args, assignments, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        self.fields["assignment"].label_from_instance = lambda a: (
            f"{a.program.title} (from {a.start_date:%-d %b %Y})"
        )
        self.fields["questionnaire"].choices = [(q.key, q.name) for q in questionnaires.offered(practice)]


class OdiWordingForm(forms.Form):
    """The ODI's statements as the practice's licence words them: six lines for each section."""

    def __init__(self, *args, wording: list, **kwargs):
        super().__init__(*args, **kwargs)
        for number, title in enumerate(questionnaires.ODI_SECTIONS):
            initial = "\n".join(wording[number]) if number < len(wording) else ""
            self.fields[f"section_{number}"] = forms.CharField(
                label=f"{number + 1}. {title}",
                required=False,
                initial=initial,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text="Six statements, one a line, from 0 (no disability) to 5.",
            )

    def clean(self):
        sections = []
        for number in range(len(questionnaires.ODI_SECTIONS)):
            text = self.cleaned_data.get(f"section_{number}", "")
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines and len(lines) != questionnaires.ODI_STATEMENTS:
                self.add_error(
                    f"section_{number}", f"Give six statements, one a line (this has {len(lines)})."
                )
            sections.append(lines)
        filled = [s for s in sections if s]
        if filled and len(filled) != len(sections):
            raise forms.ValidationError(
                "Enter every section, or leave them all empty to stop offering the ODI."
            )
        self.cleaned_data["wording"] = sections if filled else []
        return self.cleaned_data

    def sections(self):
        return [self[f"section_{number}"] for number in range(len(questionnaires.ODI_SECTIONS))]
