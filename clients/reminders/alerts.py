"""Nudges and practitioner alerts: who has gone quiet, whose pain spiked, how the week went.

The rules live here; reminders.py writes their rows and sends them like any reminder. Each
practitioner alert is also kept as an `Alert` (`raise_alerts`), written in the sweep's
transaction under the same key as its email's row, for Needs attention to list until handled.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Subquery
from django.urls import reverse

from practice.models import Membership

from ..checkoffs.adherence import Adherence, adherence_by_client, with_versions
from ..checkoffs.overview import QUIET_AFTER
from ..models import Alert, Assignment, Client, Completion, Consultation, Reminder
from ..scheduling import expected_days, local_date
from ..webhooks.events import emit_many
from .channels import Notice

NUDGE_AFTER_MISSED = 2
PAIN_ALERT_AT = 7  # NPRS 7+ is severe pain
PAIN_RISE_ALERT = 3  # points above the client's baseline
PAIN_CHECK_FROM = min(PAIN_ALERT_AT, PAIN_RISE_ALERT)  # baselines are 0 or more: less never alerts
PAIN_LOOKBACK = timedelta(minutes=15)  # the sweep runs each minute; a few missed ticks lose nothing
QUIET_LOOKBACK = timedelta(days=90)
SUMMARY_WEEKDAY, SUMMARY_TIME = 0, time(8, 0)  # Monday 08:00 in the practitioner's timezone


# --- alerts kept for Needs attention ----------------------------------------------------


def raise_alerts(rows: list[Reminder], due: list[Assignment], now: datetime) -> None:
    """Keep an Alert for each practitioner alert among the sweep's rows, and for each client
    gone quiet. Same key as the email's row, so neither is ever written twice."""
    alerts = [_alert_of(row, now) for row in rows if row.kind in (Reminder.PAIN_ALERT, Reminder.MISSED_ALERT)]
    alerts += quiet_alerts(due, now)
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)
    emit_many("alert.raised", _raised_now(alerts, now))


def _raised_now(alerts: list[Alert], now: datetime) -> list[tuple[int, dict]]:
    """The alerts this sweep wrote (one already there kept its own time), for the webhooks."""
    if not alerts:
        return []
    written = Alert.objects.filter(raised_at=now, client__in={alert.client_id for alert in alerts})
    return [
        (practice_id, {"alert": pk, "client": client_id, "assignment": assignment_id})
        for pk, client_id, assignment_id, practice_id in written.values_list(
            "pk", "client_id", "assignment_id", "client__practice_id"
        )
    ]


def _alert_of(row: Reminder, now: datetime) -> Alert:
    return Alert(
        client=row.client,
        assignment=row.assignment,
        kind=row.kind,
        local_date=row.local_date,
        raised_at=now,
        reason=row.alert_reason,
    )


def quiet_alerts(due: list[Assignment], now: datetime) -> list[Alert]:
    """An alert for each client of a due assignment (loaded `with_schedules`) running for a
    week with exercise expected in the last seven days and nothing checked off in them; once
    per quiet spell: not again until they have checked something off since the last one.

    A week with a break in it is not quiet: a client back from holiday is not going quiet."""
    clients = {a.client_id for a in due}
    if not clients:
        return []
    # Far enough back to tell whether a check-off came after the last quiet alert: a client quiet
    # for longer had theirs when the spell began (and none since: no check-off to end the spell).
    since = min(local_date(a.client, a.next_reminder_at) for a in due) - QUIET_LOOKBACK
    last_done = _latest_by_client(
        Completion.objects.filter(assignment__client__in=clients, date__gte=since),
        "assignment__client",
        "date",
    )
    last_alert = _latest_by_client(
        Alert.objects.filter(client__in=clients, kind=Alert.QUIET), "client", "local_date"
    )
    found = {}
    for assignment in due:
        day = local_date(assignment.client, assignment.next_reminder_at)
        done, alerted = last_done.get(assignment.client_id), last_alert.get(assignment.client_id)
        if _is_quiet(assignment, day, done) and (alerted is None or (done is not None and alerted < done)):
            found[assignment.client_id] = Alert(
                client=assignment.client,
                assignment=assignment,
                kind=Alert.QUIET,
                local_date=day,
                raised_at=now,
                reason=f"Nothing checked off for {QUIET_AFTER.days} days",
            )
    return list(found.values())


def _is_quiet(assignment: Assignment, day: date, last_done: date | None) -> bool:
    week_ago, yesterday = day - QUIET_AFTER, day - timedelta(days=1)
    if assignment.start_date > week_ago or (last_done is not None and last_done >= week_ago):
        return False
    if any(
        p.start_date <= yesterday and (p.end_date is None or p.end_date >= week_ago)
        for p in assignment.pauses.all()
    ):
        return False  # a week with a break in it is not a quiet one
    return any(True for _ in expected_days(assignment, week_ago, yesterday))


def _latest_by_client(rows, client_field: str, date_field: str) -> dict:
    latest = rows.order_by().values(client_field).annotate(latest=Max(date_field))
    return dict(latest.values_list(client_field, "latest"))


def alert_url(reminder: Reminder) -> str:
    """Where an alert email leads: the alert kept for it (its client page for a row written
    before alerts were kept)."""
    alert = Alert.objects.filter(
        client=reminder.client_id, kind=reminder.kind, local_date=reminder.local_date
    ).first()
    if alert is None:
        return _client_url(reminder.client)
    return settings.SITE_URL + reverse("workspace:alert", args=[alert.pk])


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
    row = Reminder(
        client=client,
        recipient_id=client.practitioner_id if kind == Reminder.MISSED_ALERT else None,
        assignment=assignment,
        kind=kind,
        local_date=day,
        due_at=assignment.next_reminder_at,
    )
    row.alert_reason = f"{client.practice.missed_days_alert} scheduled days missed in a row"
    return row


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
        "alert_url": alert_url(reminder),
    }
    return Notice("missed_alert", practitioner, context, zone=client.timezone)


# --- pain ---------------------------------------------------------------------------


def baseline_pain(client: Client, now: datetime) -> int | None:
    """The pain recorded at the client's latest held consultation that recorded one."""
    return _baselines(client, now).first()


def _baselines(client, now: datetime):
    """Pains recorded at a client's (or an OuterRef's) held consultations, the latest first:
    a cancelled or future consultation measured nothing, whatever was typed into it."""
    return Consultation.objects.filter(client=client).baseline_pains(now=now).values_list("pain", flat=True)


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
        .select_related("assignment__client", "assignment_exercise__exercise")
        .order_by("pain", "updated_at")  # the worst of a day last: its words are the alert's reason
    )
    rows = {}
    for completion in recent:
        client = completion.assignment.client
        if is_painful(completion.pain, completion.baseline):
            row = rows[client.pk, completion.date] = Reminder(
                client=client,
                recipient_id=client.practitioner_id,
                assignment=completion.assignment,
                kind=Reminder.PAIN_ALERT,
                local_date=completion.date,
                due_at=now,
            )
            row.alert_reason = _pain_reason(completion)
    return list(rows.values())


def _pain_reason(completion: Completion) -> str:
    """E.g. "Pain 8/10 in Side plank (baseline 4/10)"; never the client's note."""
    reason = f"Pain {completion.pain}/10 in {completion.assignment_exercise.exercise.name}"
    if completion.baseline is not None:
        reason += f" (baseline {completion.baseline}/10)"
    return reason[:200]


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
        "alert_url": alert_url(reminder),
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
