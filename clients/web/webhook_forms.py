"""The form that registers a webhook endpoint or changes it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import WebhookEndpoint
from ..webhooks.endpoints import events_clean
from ..webhooks.events import EVENTS
from ..webhooks.targets import check_url


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=WebhookEndpoint.MAX_URL_LENGTH,
        help_text=_("Where your other system listens, starting with https://"),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(name, format_lazy("{} · {}", words, name)) for name, words in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        try:
            check_url(url)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["url"]) from None
        return url

    def clean_events(self):
        try:
            return events_clean(self.cleaned_data["events"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["events"]) from None
