"""Needs attention, built from sources: each a small function giving the items of one kind for
the practices a user sees. Add a source with one line in `SOURCES`; add what it counts in the
top bar with one line in `COUNTED`.

Every source reads through the models' `visible_to` gate, in a fixed number of queries whatever
the practice's size (the page's query count is asserted in tests and measured in bench/).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from practice.models import Practice

from ..checkoffs import progression
from ..consultations import questionnaires
from ..messages import thread
from ..models import Alert, Assignment, Client, Consultation, Message, QuestionnaireResponse


@dataclass(frozen=True)
class Item:
    source: str
    client: Client
    title: str
    url: str  # the place on the client page (or the consultation) to look at
    at: datetime | date | None = None
    alert: Alert | None = None
    suggestion: progression.Suggestion | None = None


class Found(NamedTuple):
    items: list[Item]  # the first `limit` (all without one)
    total: int
    counted: int = 0  # how many of the rows the top bar counts (`COUNTED`) this source holds


@dataclass(frozen=True)
class Source:
    key: str
    heading: str
    items: Callable[..., Found]  # (*, user, practice, now, limit, loaded) -> Found
    # `loaded`: a dict the sources of one page share, so that rows several read come once


def first(rows: list, limit: int | None, item: Callable[..., Item], counted: int = 0) -> Found:
    """The first `limit` rows (all without one) as items: only the rows shown are drawn."""
    shown = rows[:limit] if limit is not None else rows
    return Found([item(row) for row in shown], len(rows), counted)


def client_url(client_id: int, section: str) -> str:
    return reverse("workspace:client", args=[client_id]) + f"#{section}"


# --- alerts ------------------------------------------------------------------------------

SECTION_OF_ALERT = {Alert.PAIN: "checkoffs", Alert.MISSED: "checkoffs", Alert.QUIET: "overview"}


def open_alerts(*, user, practice: Practice | None) -> QuerySet:
    return Alert.objects.visible_to(user, practice).open()


def alert_source(kind: str) -> Callable[..., Found]:
    def items(*, user, practice: Practice | None, now: datetime, limit: int | None, loaded: dict) -> Found:
        alerts = open_alerts_by_kind(user, practice, loaded)[kind]
        return first(alerts, limit, alert_item, counted=len(alerts))

    return items


def open_alerts_by_kind(user, practice: Practice | None, loaded: dict) -> dict[str, list[Alert]]:
    """Every open alert, newest first, by kind: one query for the three alert sections."""
    if "alerts" not in loaded:
        found = defaultdict(list)
        alerts = open_alerts(user=user, practice=practice).select_related("client")
        for alert in alerts.order_by("-raised_at", "-pk"):
            found[alert.kind].append(alert)
        loaded["alerts"] = found
    return loaded["alerts"]


def alert_item(alert: Alert) -> Item:
    return Item(
        source=alert.kind,
        client=alert.client,
        title=alert.reason,
        url=client_url(alert.client_id, SECTION_OF_ALERT[alert.kind]),
        at=alert.raised_at,
        alert=alert,
    )


# --- progression ---------------------------------------------------------------------------


def progression_items(
    *, user, practice: Practice | None, now: datetime, limit: int | None, **shared
) -> Found:
    found, total = progression.suggestions(
        Assignment.objects.visible_to(user, practice), now=now, limit=limit
    )
    items = [
        Item(
            source="progression",
            client=s.assignment.client,
            title=f"{_('Ready to progress') if s.ready else _('Consider easing')}: {s.item.exercise.name}",
            url=reverse("workspace:assignment-edit", args=[s.assignment.pk]) + "#suggestions",
            suggestion=s,
        )
        for s in found
    ]
    return Found(items, total)


# --- messages and questionnaires ------------------------------------------------------------


def practices_in_view(*, user, practice: Practice | None) -> list[Practice]:
    """The practice the workspace shows, or every practice the user belongs to (the API)."""
    return [practice] if practice else list(Practice.objects.filter(memberships__user=user))


def unread_messages(*, user, practice: Practice | None) -> QuerySet:
    return Message.objects.visible_to(user, practice).filter(from_client=True, read_at=None)


def message_items(*, user, practice: Practice | None, now: datetime, limit: int | None, **shared) -> Found:
    waiting = [
        unread
        for shown in practices_in_view(user=user, practice=practice)
        for unread in thread.clients_with_unread_messages(practice=shown)
    ]
    return first(waiting, limit, message_item, counted=sum(unread.count for unread in waiting))


def message_item(unread: thread.Unread) -> Item:
    return Item(
        source="messages",
        client=unread.client,
        title=ngettext("%(count)d unread message", "%(count)d unread messages", unread.count)
        % {"count": unread.count},
        url=reverse("workspace:client-messages", args=[unread.client.pk]),
        at=unread.since,
    )


def returned_questionnaires(*, user, practice: Practice | None) -> QuerySet:
    """As `questionnaires.questionnaires_needing_attention` lists them: an erased client's
    answers are scores tied to no one, nothing to look at."""
    return QuestionnaireResponse.objects.visible_to(user, practice).filter(
        seen_at=None, client__erased_at=None
    )


def questionnaire_title(attention: questionnaires.Attention) -> str:
    parts = []
    if attention.returned:
        parts.append(
            ngettext("%(count)d answer returned", "%(count)d answers returned", attention.returned)
            % {"count": attention.returned}
        )
    if attention.overdue:
        parts.append(
            ngettext("%(count)d overdue", "%(count)d overdue", len(attention.overdue))
            % {"count": len(attention.overdue)}
        )
    return " · ".join(parts)


def questionnaire_items(
    *, user, practice: Practice | None, now: datetime, limit: int | None, **shared
) -> Found:
    waiting = [
        attention
        for shown in practices_in_view(user=user, practice=practice)
        for attention in questionnaires.questionnaires_needing_attention(practice=shown, now=now)
    ]
    return first(waiting, limit, questionnaire_item, counted=sum(a.returned for a in waiting))


def questionnaire_item(attention: questionnaires.Attention) -> Item:
    return Item(
        source="questionnaires",
        client=attention.client,
        title=questionnaire_title(attention),
        url=reverse("workspace:client-questionnaires", args=[attention.client.pk]),
        at=attention.since,
    )


# --- consultations -------------------------------------------------------------------------


def consultation_items(
    *, user, practice: Practice | None, now: datetime, limit: int | None, **shared
) -> Found:
    """Booked for today or tomorrow, on the workspace's clock (the practitioner's timezone)."""
    today = timezone.localtime(now).date()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    booked = Consultation.objects.filter(
        client__in=Client.objects.visible_to(user, practice),
        status=Consultation.SCHEDULED,
        scheduled_at__gte=start,
        scheduled_at__lt=start + timedelta(days=2),
    )
    return first(list(booked.select_related("client").order_by("scheduled_at")), limit, consultation_item)


def consultation_item(consultation: Consultation) -> Item:
    return Item(
        source="consultations",
        client=consultation.client,
        title=_("Consultation"),
        url=reverse("workspace:consultation", args=[consultation.pk]),
        at=consultation.scheduled_at,
    )


# --- the page -------------------------------------------------------------------------------

SOURCES = [
    Source(Alert.PAIN, _("Pain alerts"), alert_source(Alert.PAIN)),
    Source(Alert.MISSED, _("Missed days"), alert_source(Alert.MISSED)),
    Source(Alert.QUIET, _("Quiet for a week"), alert_source(Alert.QUIET)),
    Source("messages", _("Unread messages"), message_items),
    Source("questionnaires", _("Questionnaires returned or overdue"), questionnaire_items),
    Source("progression", _("Progression suggestions"), progression_items),
    Source("consultations", _("Consultations today and tomorrow"), consultation_items),
]

# What the top bar counts: querysets of rows needing attention, each giving `client_id`;
# counted together in one query (`attention_count`) on every page but Needs attention, which
# adds up its sources' `counted` from the rows it reads anyway (the two agree: a test holds them).
COUNTED: list[Callable[..., QuerySet]] = [
    open_alerts,
    unread_messages,
    returned_questionnaires,
]


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    items: list[Item]
    total: int


class Attention(NamedTuple):
    sections: list[Section]
    count: int  # the top bar's count, as `attention_count` gives it


def needs_attention(
    *,
    user,
    practice: Practice | None = None,
    now: datetime | None = None,
    limit: int | None = None,
    whole: str | None = None,
) -> Attention:
    """Every source's first `limit` items (all of the source named `whole`), in the order of
    `SOURCES`, a source with none left out; and the top bar's count."""
    now = now or timezone.now()
    sections, loaded, count = [], {}, 0
    for source in SOURCES:
        found = source.items(
            user=user, practice=practice, now=now, limit=None if source.key == whole else limit, loaded=loaded
        )
        count += found.counted
        if found.total:
            sections.append(Section(source.key, source.heading, found.items, found.total))
    return Attention(sections, count)


def attention_count(*, user, practice: Practice | None = None) -> int:
    """How many rows need attention, in one query."""
    # No ordering: SQLite allows none in the parts of a UNION.
    counted = [rows(user=user, practice=practice).order_by().values_list("client_id") for rows in COUNTED]
    first, *others = counted
    return (first.union(*others, all=True) if others else first).count()
