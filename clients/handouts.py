"""From an assignment to the handout the programs app renders."""

from datetime import timedelta

from django.conf import settings
from django.utils.text import slugify

from programs.handouts import Handout, HandoutOptions, render_handout

from .models import Assignment
from .scheduling import schedule_text


def log_weeks(assignment: Assignment) -> list[list]:
    """For each week of the program, its scheduled dates: the columns of the log grid."""
    weeks = []
    for week in range(assignment.weeks):
        start = assignment.start_date + timedelta(weeks=week)
        days = [start + timedelta(days=n) for n in range(7)]
        weeks.append([day for day in days if assignment.is_scheduled_on(day)])
    return weeks


def handout_for(assignment: Assignment) -> Handout:
    practitioner = assignment.assigned_by or assignment.client.practitioner
    return Handout(
        practice=assignment.client.practice,
        program=assignment.program,
        client_name=assignment.client.name,
        practitioner_name=str(practitioner) if practitioner else "",
        start_date=assignment.start_date,
        end_date=assignment.end_date,
        schedule_text=schedule_text(assignment.days_of_week, assignment.sessions_per_day),
        checkin_url=f"{settings.SITE_URL}/",
        log_weeks=log_weeks(assignment),
    )


def assignment_handout(assignment: Assignment, *, options: HandoutOptions | None = None) -> tuple[bytes, str]:
    """The PDF bytes and a file name a person recognises in their downloads."""
    pdf = render_handout(handout_for(assignment), options=options)
    filename = f"{slugify(assignment.program.title)}-{slugify(assignment.client.name)}.pdf"
    return pdf, filename
