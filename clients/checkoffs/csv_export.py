"""Check-offs and adherence as CSV, for one client or a practice's clients over a date range.

Streamed: rows are written as the database hands them over (`iterator()`), so a year of a
practice's check-offs never sits in memory. Adherence is the one rule of `adherence.py`: days
that have ended where each client lives, today and later never counted. Dates are the client's
own calendar days (check-offs are stored so); times are in the client's timezone, with their
offset. A cell a spreadsheet would run as a formula (starting = + - @, a tab or a return) is
written with a leading apostrophe. Every export is in the access log of each client in it.
"""

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from programs.models import DOSAGE_FIELDS, dosage_words

from ..audit import audit_record, audit_record_many
from ..models import Assignment, AuditEvent, Client, Completion
from .adherence import NOTHING, adherence_by_client, client_adherence, with_versions

MAX_DAYS = 366  # a year, leap day included
DEFAULT_DAYS = 30  # with no `from`: the 30 days up to `to`
ROWS_PER_CHUNK = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHECKOFF_COLUMNS = [
    "client_id",
    "client",
    "date",
    "session",
    "program",
    "version",
    "exercise",
    "prescribed",
    "sets_done",
    "reps_done",
    "pain",
    "difficulty",
    "note",
    "recorded_at",
]
CLIENT_ADHERENCE_COLUMNS = ["week_start", "week_end", "scheduled", "done", "percent", "average_pain"]
PRACTICE_ADHERENCE_COLUMNS = [
    "client_id",
    "client",
    "practitioner",
    "timezone",
    "from",
    "to",
    "scheduled",
    "done",
    "percent",
]


# --- the range asked for ------------------------------------------------------------------


def date_range(query: Mapping, *, today: date) -> tuple[date, date]:
    """`from` and `to` (YYYY-MM-DD, both included); `to` defaults to today, `from` to 30 days
    before it. A bad date names its field; a range backwards or over 366 days names `to`."""
    end = _day(query, "to") or today
    try:
        start = _day(query, "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    except OverflowError:  # a `to` in the first days of year 1
        _bad("from")
    if end < start:
        raise ValidationError(
            {"to": ValidationError(_("Choose a `to` date on or after the `from` date."), code="invalid")}
        )
    if (end - start).days + 1 > MAX_DAYS:
        too_long = _("Export at most %(days)d days at a time: choose a shorter range.") % {"days": MAX_DAYS}
        raise ValidationError({"to": ValidationError(too_long, code="range_too_long")})
    return start, end


def _day(query: Mapping, name: str) -> date | None:
    value = (query.get(name) or "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()  # that form only, as the API's dates
    except ValueError:
        return _bad(name)


def _bad(name: str):
    raise ValidationError({name: ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid")})


# --- cells and streaming -----------------------------------------------------------------


def safe(cell):
    """A text cell that a spreadsheet would take for a formula, made plain text."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return "" if cell is None else cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The header, then the rows a few hundred lines to a chunk (one write each, not one a line)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([safe(cell) for cell in row]))
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_download(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- check-offs ---------------------------------------------------------------------------


def checkoffs_of(clients: QuerySet[Client], *, start: date, end: date) -> QuerySet[Completion]:
    return Completion.objects.filter(assignment__client__in=clients, date__gte=start, date__lte=end).order_by(
        "assignment__client__name",
        "assignment__client_id",
        "date",
        "session",
        "assignment_exercise__position",
        "pk",
    )


def checkoff_rows(checks: QuerySet[Completion]) -> Iterator[list]:
    """One row per check-off, with what was prescribed in the version it was made against."""
    rows = checks.values_list(
        "assignment__client_id",
        "assignment__client__name",
        "assignment__client__timezone",
        "date",
        "session",
        F("assignment_exercise__program__title"),
        F("assignment_exercise__program__version__number"),
        F("assignment_exercise__exercise__name"),
        *[F(f"assignment_exercise__{name}") for name in DOSAGE_FIELDS],
        "sets_done",
        "reps_done",
        "pain",
        "difficulty",
        "note",
        "created_at",
    )
    words = {}  # a dosage in words, worked out once for each dosage met
    for client_id, name, zone, day, session, program, version, exercise, *rest in rows.iterator(
        chunk_size=2000
    ):
        dosage = tuple(rest[: len(DOSAGE_FIELDS)])
        if dosage not in words:
            words[dosage] = dosage_words(SimpleNamespace(**dict(zip(DOSAGE_FIELDS, dosage, strict=True))))
        sets_done, reps_done, pain, difficulty, note, created_at = rest[len(DOSAGE_FIELDS) :]
        yield [
            client_id,
            name,
            day.isoformat(),
            session,
            program,
            version or 1,
            exercise,
            words[dosage],
            sets_done,
            reps_done,
            pain,
            difficulty,
            note,
            created_at.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds"),
        ]


def client_checkoffs_download(*, client: Client, start: date, end: date, by, request=None):
    audit_record(
        actor=by, client=client, action=AuditEvent.EXPORT_DATA, request=request, object_type="CSV check-offs"
    )
    checks = checkoffs_of(Client.objects.filter(pk=client.pk), start=start, end=end)
    return csv_download(f"checkoffs-{client.pk}-{start}-{end}.csv", CHECKOFF_COLUMNS, checkoff_rows(checks))


def practice_checkoffs_download(*, clients: QuerySet[Client], start: date, end: date, by, request=None):
    """Every check-off of the clients in the range; each client with any is audited."""
    checks = checkoffs_of(clients, start=start, end=end)
    in_it = checks.order_by().values_list("assignment__client_id", flat=True).distinct()
    audit_record_many(
        actor=by,
        client_ids=list(in_it),
        action=AuditEvent.EXPORT_DATA,
        request=request,
        object_type="CSV check-offs",
    )
    return csv_download(f"checkoffs-{start}-{end}.csv", CHECKOFF_COLUMNS, checkoff_rows(checks))


# --- adherence ----------------------------------------------------------------------------


def client_adherence_rows(client: Client, *, start: date, end: date) -> Iterator[list]:
    """Week by week (Monday to Sunday, cut to the range); days not yet ended count nothing."""
    report = client_adherence(client, start=start, end=end)
    for week in report.weeks:
        yield [
            max(week.start, start).isoformat(),
            min(week.start + timedelta(days=6), end).isoformat(),
            week.scheduled,
            week.done,
            week.percent,
            week.average_pain,
        ]


def client_adherence_download(*, client: Client, start: date, end: date, by, request=None):
    audit_record(
        actor=by, client=client, action=AuditEvent.EXPORT_DATA, request=request, object_type="CSV adherence"
    )
    rows = client_adherence_rows(client, start=start, end=end)
    return csv_download(f"adherence-{client.pk}-{start}-{end}.csv", CLIENT_ADHERENCE_COLUMNS, rows)


def practice_adherence_rows(clients: QuerySet[Client], *, start: date, end: date) -> Iterator[list]:
    """A row per client, by name: their adherence over the range's days that have ended."""
    assignments = with_versions(Assignment.objects.filter(client__in=clients))
    figures = adherence_by_client(assignments, start=start, end=end)
    listed = clients.select_related("practitioner").order_by("name", "pk")
    for client in listed.iterator(chunk_size=500):
        f = figures.get(client.pk, NOTHING)
        practitioner = client.practitioner.name or client.practitioner.email if client.practitioner else ""
        yield [
            client.pk,
            client.name,
            practitioner,
            client.timezone,
            start.isoformat(),
            end.isoformat(),
            f.scheduled,
            f.done,
            f.percent,
        ]


def practice_adherence_download(*, clients: QuerySet[Client], start: date, end: date, by, request=None):
    audit_record_many(
        actor=by,
        client_ids=list(clients.values_list("pk", flat=True)),
        action=AuditEvent.EXPORT_DATA,
        request=request,
        object_type="CSV adherence",
    )
    rows = practice_adherence_rows(clients, start=start, end=end)
    return csv_download(f"adherence-{start}-{end}.csv", PRACTICE_ADHERENCE_COLUMNS, rows)
