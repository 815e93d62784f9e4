"""From an assignment to the handout the programs app renders, and its delivery."""

import logging
from collections.abc import Callable
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from programs.files import PRIVATE, download_response
from programs.handouts import (
    PAGE_SIZES,
    Handout,
    HandoutOptions,
    branding_of,
    cached_handout,
    clip,
    handout_cache_forget,
    handout_items,
    stored_handout,
)

from ..audit import audit_record
from ..models import Assignment, AuditEvent, HandoutBatch
from ..scheduling import expected_days
from . import changes

logger = logging.getLogger(__name__)
# A batch claimed longer ago than this belonged to a worker that died; another may take it over.
BATCH_LEASE = timedelta(minutes=10)

# What handout_for reads beyond the assignment: select it along to save queries per download.
HANDOUT_RELATED = ("client__practice", "client__practitioner", "program", "assigned_by")
# The client's check-in page (the client web app); the handout's QR code points here.
CHECKIN_PATH = "/app/"


def log_weeks(assignment: Assignment) -> tuple[tuple, ...]:
    """For each week of the program, the dates exercise is expected on (`scheduling.expected_days`:
    the version in force each day, breaks and pauses left out): the columns of the log grid."""
    expected = {day for day, _ in expected_days(assignment, assignment.start_date, assignment.end_date)}
    weeks = []
    for week in range(assignment.weeks):
        start = assignment.start_date + timedelta(weeks=week)
        days = [start + timedelta(days=n) for n in range(7)]
        weeks.append(tuple(day for day in days if day in expected))
    return tuple(week for week in weeks if week)


def handout_for(assignment: Assignment, *, language: str | None = None) -> Handout:
    """The handout's content, in `language` (default: the client's own)."""
    client = assignment.client
    language = language or client.language
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
        items=handout_items(assignment.program, language),
        log_weeks=log_weeks(assignment),
        language=language,
        version=assignment.version,
        changes=tuple(_changes_said(assignment, language)),
        safety=tuple(clip(str(point)) for point in assignment.program.safety or ()),
    )


def _changes_said(assignment: Assignment, language: str) -> list[str]:
    if assignment.version == 1:
        return []  # the first version changed nothing; no need to read it (a query per download)
    current = changes.word_versions([assignment.current_version], language=language)
    return current[0].said if current else []


def handout_filename(assignment: Assignment) -> str:
    """A name a person recognises in their downloads, e.g. back-pain-bob-client.pdf."""
    parts = [slugify(assignment.program.title), slugify(assignment.client.name)]
    return ("-".join(part for part in parts if part) or "handout") + ".pdf"


LARGE_YES, LARGE_NO = {"1", "true", "yes"}, {"", "0", "false", "no"}


def handout_options_from(params) -> HandoutOptions:
    """Options from a query string: ?size=letter&large=1&lang=es; a bad value names its field."""
    size, language = params.get("size", "A4"), params.get("lang") or None
    large = params.get("large", "").lower()
    if size not in PAGE_SIZES:
        raise ValidationError({"size": f"Choose one of: {', '.join(PAGE_SIZES)}."})
    if language is not None and language not in dict(settings.LANGUAGES):
        raise ValidationError({"lang": f"Choose one of: {', '.join(dict(settings.LANGUAGES))}."})
    if large not in LARGE_YES | LARGE_NO:
        raise ValidationError({"large": "Choose 1 (large print) or 0."})
    return HandoutOptions(page_size=size, large_print=large in LARGE_YES, language=language)


def cache_folder(client) -> str:
    """Where the client's cached handouts are kept, so that erasure finds them all."""
    return f"{client.practice_id}/{client.pk}"


def assignment_handout(assignment: Assignment, *, options: HandoutOptions | None = None) -> tuple[bytes, str]:
    """The PDF bytes (from the cache when unchanged) and the file name to offer."""
    handout = handout_for(assignment, language=options.language if options else None)
    folder = cache_folder(assignment.client)
    return cached_handout(handout, folder=folder, options=options), handout_filename(assignment)


def forget_handouts(client) -> int:
    return handout_cache_forget(cache_folder(client))


# --- many at once: a batch the worker renders and the practitioner watches -------------------


def handout_download(
    request, assignment: Assignment, *, options: HandoutOptions | None = None
) -> HttpResponse:
    """The PDF as a download, for the web and both APIs alike; the download is audited.

    Sent from the cache without passing through Python: from disk by the server, from
    object storage by a redirect to a short-lived signed link."""
    handout = handout_for(assignment, language=options.language if options else None)
    name = stored_handout(handout, folder=cache_folder(assignment.client), options=options)
    audit_record(
        actor=request.user,
        client=assignment.client,
        action=AuditEvent.DOWNLOAD_HANDOUT,
        obj=assignment,
        request=request,
    )
    return download_response(
        PRIVATE, name, filename=handout_filename(assignment), content_type="application/pdf"
    )


def handout_batch_create(*, practice, by, assignments) -> HandoutBatch:
    ids = list(assignments.filter(client__practice=practice).values_list("pk", flat=True))
    batch = HandoutBatch.objects.create(
        practice=practice, requested_by=by, assignment_ids=ids, total=len(ids)
    )
    render_handout_batch.delay_on_commit(batch.pk)
    return batch


def handout_batch_run(batch_id: int, *, progress: Callable[[HandoutBatch], None] | None = None) -> bool:
    """Render every handout of the batch, counting as it goes; False when someone else has it."""
    now = timezone.now()
    claimable = Q(status=HandoutBatch.PENDING) | Q(
        status=HandoutBatch.RUNNING, claimed_at__lt=now - BATCH_LEASE
    )
    # Claiming the row is the lock: a duplicate delivery of the task finds nothing to claim.
    if not HandoutBatch.objects.filter(claimable, pk=batch_id).update(
        status=HandoutBatch.RUNNING, claimed_at=now, done=0, failed=0
    ):
        return False
    batch = HandoutBatch.objects.get(pk=batch_id)
    assignments = Assignment.objects.filter(client__practice=batch.practice, pk__in=batch.assignment_ids)
    for assignment in assignments.select_related(*HANDOUT_RELATED).prefetch_related("versions", "pauses"):
        counter = "done" if _render_quietly(assignment) else "failed"
        HandoutBatch.objects.filter(pk=batch_id).update(
            **{counter: F(counter) + 1}, claimed_at=timezone.now()
        )
        if progress:
            progress(HandoutBatch.objects.get(pk=batch_id))
    missing = batch.total - assignments.count()  # deleted since the batch was asked for
    HandoutBatch.objects.filter(pk=batch_id).update(
        status=HandoutBatch.DONE, finished_at=timezone.now(), failed=F("failed") + missing
    )
    return True


def _render_quietly(assignment: Assignment) -> bool:
    try:
        stored_handout(handout_for(assignment), folder=cache_folder(assignment.client))
    except Exception:
        # One broken handout must not stop the others; the log names ids, never health data.
        logger.exception("Handout for assignment %s failed to render", assignment.pk)
        return False
    return True


@shared_task(name="clients.tasks.render_handout_batch")
def render_handout_batch(batch_id: int) -> None:
    handout_batch_run(batch_id)
