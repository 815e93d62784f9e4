from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(moment: datetime) -> str:
    """'just now' under a minute (timesince would say '0 minutes'), else '3 hours ago'."""
    if timezone.now() - moment < JUST_NOW:
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter(expects_localtime=True)
def moment(value: datetime | date) -> str:
    """A datetime with its time, a date alone without one, each in the page's date style."""
    return date_format(value, "DATETIME_FORMAT" if isinstance(value, datetime) else "DATE_FORMAT")
