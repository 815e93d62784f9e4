"""Nudges and practitioner alerts: who has gone quiet, whose pain spiked, how the week went.

The rules live here; reminders.py writes their rows and sends them like any reminder.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse

from practice.models import Membership

from ..checkoffs.adherence import Adherence, adherence_by_client, with_versions
from ..models import Assignment, Client, Completion, Consultation, Reminder
from ..scheduling import expected_days, local_date
from .channels import Notice

NUDGE_AFTER_MISSED = 2
PAIN_ALERT_AT = 7  # NPRS 7+ is severe pain
PAIN_RISE_ALERT = 3  # points above the client's baseline
PAIN_CHECK_FROM = min(PAIN_ALERT_AT, PAIN_RISE_ALERT)  # baselines are 0 or more: less never alerts
PAIN_LOOKBACK = timedelta(minutes=15)  # the sweep runs each minute; a few missed ticks lose nothing
SUMMARY_WEEKDAY, SUMMARY_TIME = 0, time(8, 0)  # Monday 08:00 in the practitioner's timezone


# --- missed days ------------------------------------------------------------------


def missed_day_rows(due: list[Assignment]) -> list[Reminder]:
    """Nudge and alert rows for due assignments (loaded `with_schedules`) whose missed streak
    just reached its mark.

    A client who turned reminders off gets no nudge; their practitioner is still alerted.

    Counted at the moment of the day's reminder: the scheduled days before it with nothing
    checked off. "Just reached" means once per streak, not every day it goes on.
    """
    if not due:
        return []
    days = {a.pk: local_date(a.client, a.next_reminder_at) for a in due}
    alert_after = {a.pk: a.client.practice.missed_days_alert for a in due}
    since = min(days.values()) - timedelta(weeks=max(alert_after.values()) + 1)
    # One row per assignment and day done, deduplicated in the database: a full program
    # checks off a dozen slots a day, and this runs for every due assignment each minute.
    done = set(
        Completion.objects.filter(assignment__in=due, date__gte=since)
        .order_by()
        .values_list("assignment_id", "date")
        .distinct()
    )
    rows = []
    for assignment in due:
        cap = max(NUDGE_AFTER_MISSED, alert_after[assignment.pk])
        streak = missed_streak(assignment, days[assignment.pk], done, since=since, cap=cap)
        if streak == NUDGE_AFTER_MISSED and assignment.client.reminders_enabled:
            rows.append(_missed_row(assignment, days[assignment.pk], Reminder.NUDGE))
        if streak == alert_after[assignment.pk]:
            rows.append(_missed_row(assignment, days[assignment.pk], Reminder.MISSED_ALERT))
    return rows


def missed_streak(assignment: Assignment, day: date, done: set, *, since: date, cap: int) -> int:
    """Expected days before `day`, newest first, with no check-off, up to the first one done.

    Each day is expected or not as `scheduling.expected_terms` says (load `with_schedules`).
    Counting stops past `cap`: a longer streak has had its nudge and alert already.
    """
    streak = 0
    expected = [moment for moment, _ in expected_days(assignment, since, day - timedelta(days=1))]
    for moment in reversed(expected):
        if (assignment.pk, moment) in done or streak > cap:
            break
        streak += 1
    return streak


def _missed_row(assignment: Assignment, day: date, kind: str) -> Reminder:
    client = assignment.client
    return Reminder(
        client=client,
        recipient_id=client.practitioner_id if kind == Reminder.MISSED_ALERT else None,
        assignment=assignment,
        kind=kind,
        local_date=day,
        due_at=assignment.next_reminder_at,
    )


def missed_alert_notice(reminder: Reminder, now: datetime) -> Notice | str:
    client = reminder.client
    practitioner = practitioner_of(client)
    if practitioner is None:
        return "client has no practitioner"
    context = {
        "client": client,
        "practice": client.practice,
        "missed": client.practice.missed_days_alert,
        "client_url": _client_url(client),
    }
    return Notice("missed_alert", practitioner, context, zone=client.timezone)


# --- pain ---------------------------------------------------------------------------


def baseline_pain(client: Client, now: datetime) -> int | None:
    """The pain recorded at the client's latest held consultation that recorded one."""
    return _baselines(client, now).first()


def _baselines(client, now: datetime):
    """Pains recorded at a client's (or an OuterRef's) held consultations, the latest first:
    a cancelled or future consultation measured nothing, whatever was typed into it."""
    return (
        Consultation.objects.held(now=now)
        .filter(client=client, pain__isnull=False)
        .order_by("-scheduled_at")
        .values_list("pain", flat=True)
    )


def pain_alert_rows(now: datetime) -> list[Reminder]:
    """An alert row per client and day for the painful check-offs written lately.

    Found by the sweep each minute rather than queued by the check-off itself: a broker
    that is down when a client records severe pain cannot lose the alert.
    """
    baseline = _baselines(OuterRef("assignment__client"), now)[:1]
    alerted = Reminder.objects.filter(
        client=OuterRef("assignment__client"), kind=Reminder.PAIN_ALERT, local_date=OuterRef("date")
    )
    recent = (
        Completion.objects.filter(pain__gte=PAIN_CHECK_FROM, updated_at__gte=now - PAIN_LOOKBACK)
        .exclude(Exists(alerted))
        .annotate(baseline=Subquery(baseline))
        .select_related("assignment__client")
        .order_by("updated_at")
    )
    rows = {}
    for completion in recent:
        client = completion.assignment.client
        if is_painful(completion.pain, completion.baseline):
            rows[client.pk, completion.date] = Reminder(
                client=client,
                recipient_id=client.practitioner_id,
                assignment=completion.assignment,
                kind=Reminder.PAIN_ALERT,
                local_date=completion.date,
                due_at=now,
            )
    return list(rows.values())


def is_painful(pain: int | None, baseline: int | None) -> bool:
    if pain is None:
        return False
    return pain >= PAIN_ALERT_AT or (baseline is not None and pain >= baseline + PAIN_RISE_ALERT)


def pain_alert_notice(reminder: Reminder, now: datetime) -> Notice | str:
    client = reminder.client
    practitioner = practitioner_of(client)
    if practitioner is None:
        return "client has no practitioner"
    baseline = baseline_pain(client, now)
    painful = [
        c
        for c in Completion.objects.filter(assignment__client=client, date=reminder.local_date)
        .select_related("assignment_exercise__exercise")
        .order_by("created_at")
        if is_painful(c.pain, baseline)
    ]
    if not painful:
        return "the painful check-off was changed or removed"
    context = {
        "client": client,
        "practice": client.practice,
        "day": reminder.local_date,
        "baseline": baseline,
        "painful": painful,
        "client_url": _client_url(client),
    }
    return Notice("pain_alert", practitioner, context, zone=client.timezone)


# --- the practitioner's week ----------------------------------------------------------


def summary_rows(now: datetime) -> list[Reminder]:
    """A row for each practitioner for whom it is Monday 08:00 or later, local time: the time
    of the first practice they joined, as their workspace opens in it."""
    rows = {}
    zones = {}
    for user_id, zone_name in Membership.objects.order_by("created_at", "pk").values_list(
        "user_id", "timezone"
    ):
        zones.setdefault(user_id, zone_name)
    for user_id, zone_name in zones.items():
        zone = ZoneInfo(zone_name)
        local = now.astimezone(zone)
        if local.weekday() == SUMMARY_WEEKDAY and local.time() >= SUMMARY_TIME:
            rows[user_id] = Reminder(
                recipient_id=user_id,
                kind=Reminder.WEEKLY_SUMMARY,
                local_date=local.date(),
                due_at=datetime.combine(local.date(), SUMMARY_TIME, tzinfo=zone),
            )
    return list(rows.values())


def weekly_summary_notice(reminder: Reminder, now: datetime) -> Notice | str:
    start, end = reminder.local_date - timedelta(days=7), reminder.local_date - timedelta(days=1)
    clients = Client.objects.filter(
        practitioner=reminder.recipient, assignments__start_date__lte=end
    ).distinct()
    clients = list(clients.select_related("practice"))
    figures = adherence_by_client(
        with_versions(Assignment.objects.filter(client__in=clients)), start=start, end=end, now=now
    )
    lines = [_summary_line(client, figures.get(client.pk, Adherence(0, 0))) for client in clients]
    lines = sorted((line for line in lines if line["adherence"].scheduled), key=_least_adherent_first)
    if not lines:
        return "no client had exercise scheduled last week"
    several = len({line["client"].practice_id for line in lines}) > 1  # then each line names its practice
    context = {
        "practitioner": reminder.recipient,
        "start": start,
        "end": end,
        "lines": lines,
        "name_practices": several,
    }
    return Notice("weekly_summary", reminder.recipient, context)


def _summary_line(client: Client, figures: Adherence) -> dict:
    return {
        "client": client,
        "adherence": figures,
        "url": _client_url(client),
    }


def _least_adherent_first(line: dict) -> tuple:
    return (line["adherence"].percent, line["client"].name)


# --- who and where ---------------------------------------------------------------------


def practitioner_of(client: Client):
    """The client's practitioner, or else the practice's owner."""
    if client.practitioner_id:
        return client.practitioner
    owner = client.practice.memberships.filter(role=Membership.OWNER).select_related("user").first()
    return owner.user if owner else None


def _client_url(client: Client) -> str:
    return settings.SITE_URL + reverse("workspace:client", args=[client.pk])
