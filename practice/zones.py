"""The time zones a person can pick: IANA names, as the phone page and the workspace list them."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django import forms

# The zones a person can live in: the IANA names, less the system's own ("localtime") and
# tzdata's placeholder ("Factory").
TIMEZONES = sorted(available_timezones() - {"localtime", "Factory"})

REGIONS = [
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
]


@cache
def zone_info(name: str) -> ZoneInfo:
    """The IANA zone `name`, loaded once per process. `ZoneInfo(name)` keeps only the last eight
    zones it made for sure: a sweep or a chunk of reminders over thirty zones read each one's
    file from disk again and again without this."""
    return ZoneInfo(name)


def place_of(name: str) -> str:
    return name.split("/", 1)[1].replace("_", " ").replace("/", " – ")


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(region, [(IANA name, place)])] for a select, every name under one group: the regions,
    then the rest (UTC, Etc/GMT+5, US/Eastern…) under Other."""
    groups = [
        (region, [(name, place_of(name)) for name in TIMEZONES if name.startswith(region + "/")])
        for region in REGIONS
    ]
    other = [(name, name) for name in TIMEZONES if name.split("/", 1)[0] not in REGIONS]
    return [*groups, ("Other", other)]


# Where most clients of an English- or Spanish-speaking practice live: offered right after the
# zones the page knows are likely, so few people ever need the search or the long list.
COMMON = [
    "Europe/London",
    "Europe/Dublin",
    "Europe/Madrid",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "America/Sao_Paulo",
    "Atlantic/Canary",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
]


def label_of(name: str) -> str:
    """A zone as a person reads it in a short list: "America/New York"."""
    return name.replace("_", " ")


def likely_first_choices(likely=()) -> list[tuple[str, list[tuple[str, str]]]]:
    """grouped_choices() led by the zones this page knows are likely (the one saved, the
    practitioner's, the practice's clients'), then the common ones; the full list stays below."""
    suggested = list(dict.fromkeys(name for name in likely if name in TIMEZONES))
    common = [name for name in COMMON if name not in suggested]
    lead = [("Suggested", [(name, label_of(name)) for name in suggested])] if suggested else []
    return [*lead, ("Common", [(name, label_of(name)) for name in common]), *grouped_choices()]


class TimezoneSelect(forms.Select):
    """The grouped select, likely zones first; without JavaScript it is the whole picker. With it,
    practice/static/practice/timezone.js adds a search box and lists this device's zone first."""

    template_name = "practice/widgets/timezone.html"


class TimezoneField(forms.ChoiceField):
    widget = TimezoneSelect

    def __init__(self, *, likely=(), **kwargs):
        super().__init__(choices=likely_first_choices(likely), **kwargs)

    def put_first(self, likely) -> None:
        self.choices = likely_first_choices(likely)
