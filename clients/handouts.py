"""From an assignment to the handout the programs app renders, and its delivery."""

from datetime import timedelta

from django.conf import settings
from django.utils.text import slugify

from programs.handouts import Handout, HandoutOptions, branding_of, cached_handout, clip, handout_items

from .models import Assignment

# The client's check-in page (the client web app); the handout's QR code points here.
CHECKIN_PATH = "/app/"


def log_weeks(assignment: Assignment) -> tuple[tuple, ...]:
    """For each week of the program, its scheduled dates: the columns of the log grid."""
    weeks = []
    for week in range(assignment.weeks):
        start = assignment.start_date + timedelta(weeks=week)
        days = [start + timedelta(days=n) for n in range(7)]
        weeks.append(tuple(day for day in days if assignment.is_scheduled_on(day)))
    return tuple(week for week in weeks if week)


def handout_for(assignment: Assignment) -> Handout:
    client = assignment.client
    practitioner = assignment.assigned_by or client.practitioner
    return Handout(
        branding=branding_of(client.practice),
        title=assignment.program.title,
        summary=clip(assignment.program.summary),
        client_name=client.name,
        practitioner_name=str(practitioner) if practitioner else "",
        start_date=assignment.start_date,
        end_date=assignment.last_day,
        days_of_week=tuple(sorted(assignment.days_of_week)),
        sessions_per_day=assignment.sessions_per_day,
        checkin_url=settings.SITE_URL + CHECKIN_PATH,
        items=handout_items(assignment.program),
        log_weeks=log_weeks(assignment),
        language=client.language,
    )


def handout_filename(assignment: Assignment) -> str:
    """A name a person recognises in their downloads, e.g. back-pain-bob-client.pdf."""
    parts = [slugify(assignment.program.title), slugify(assignment.client.name)]
    return ("-".join(part for part in parts if part) or "handout") + ".pdf"


def assignment_handout(assignment: Assignment, *, options: HandoutOptions | None = None) -> tuple[bytes, str]:
    """The PDF bytes (from the cache when unchanged) and the file name to offer."""
    return cached_handout(handout_for(assignment), options=options), handout_filename(assignment)
