from django import forms
from django.utils import timezone

from programs.models import Program

from .models import ALL_DAYS
from .scheduling import DAY_NAMES


class AssignForm(forms.Form):
    template = forms.ModelChoiceField(queryset=Program.objects.none(), empty_label=None)
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = Program.objects.visible_to(user).templates()
        self.fields["start_date"].initial = timezone.localdate()
