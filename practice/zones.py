"""The time zones a person can pick: IANA names, as the phone page and the workspace list them."""

from zoneinfo import available_timezones

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
