"""Delivery, row first: every event's rows are written with the change (`events.emit`); a worker
claims a row, posts it signed, and records what the endpoint answered.

At least once: a row is marked delivered only after a 2xx, so a worker dying mid-post leaves it
to be taken over once its claim's lease runs out, and it is posted again under the same
`webhook-id` (the receiver drops what it has). A failed attempt is retried after each of
RETRY_DELAYS in turn, about 27 hours in all, then the row is failed. The sweep (beat, every few
seconds) queues what is due: retries, rows whose queueing was lost, claims of dead workers.
No task is queued with an ETA. An endpoint failing every attempt for a day is turned off and
the practice's owners are emailed; so is one that answers 410 Gone, at once: Standard Webhooks'
way for a receiver to say "stop sending", so that delivery is not retried either.
"""

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import requests
from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerUnavailable
from requests.adapters import HTTPAdapter

from practice.mail import EmailTask, send
from practice.models import Membership

from ..models import WebhookDelivery, WebhookEndpoint, WebhookEndpointEvent
from . import targets
from .history import history_record
from .signing import signed_headers
from .subscriptions import practice_events_refresh

log = logging.getLogger(__name__)

RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
]
CLAIM_LEASE = timedelta(seconds=60)  # far over the 10 s a post may take
REQUEUE_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 5000
QUEUE_CHUNK = 50
TIMEOUT_SECONDS = 10
GONE = 410


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after the `attempts`-th failed attempt; None when it was the last."""
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None


# --- queueing ----------------------------------------------------------------


def sweep(*, now: datetime | None = None) -> list[int]:
    """One beat tick: queue the rows due and not queued (or queued but lost, or held by a dead worker)."""
    now = now or timezone.now()
    due = Q(status=WebhookDelivery.PENDING, next_attempt_at__lte=now) & (
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    )
    abandoned = Q(status=WebhookDelivery.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    with transaction.atomic():
        rows = WebhookDelivery.objects.filter(due | abandoned).select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:SWEEP_BATCH])
        WebhookDelivery.objects.filter(pk__in=ids).update(queued_at=now)
        transaction.on_commit(lambda: queue_deliveries(ids))
    return ids


def queue_deliveries(delivery_ids: list[int]) -> None:
    for start in range(0, len(delivery_ids), QUEUE_CHUNK):
        try:
            deliver_webhooks.delay(delivery_ids[start : start + QUEUE_CHUNK])
        except BrokerUnavailable:
            # Left for the first sweep once the broker is back, rather than after REQUEUE_AFTER.
            WebhookDelivery.objects.filter(pk__in=delivery_ids[start:]).update(queued_at=None)
            log.warning("broker unavailable: %s webhook deliveries wait for the sweep", len(delivery_ids))
            return


def redeliver(delivery: WebhookDelivery) -> bool:
    """Send it again now, under the same `webhook-id`, whatever it ended in; False while an
    attempt is under way."""
    now = timezone.now()
    again = WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=WebhookDelivery.SENDING)
    if not again.update(status=WebhookDelivery.PENDING, next_attempt_at=now, queued_at=now):
        return False
    transaction.on_commit(lambda: queue_deliveries([delivery.pk]))
    return True


# --- attempts ----------------------------------------------------------------


@dataclass
class Outcome:
    """What one attempt came to: a 2xx, or why not."""

    delivered: bool
    status_code: int | None = None
    error: str = ""
    posted: bool = True  # False: the endpoint was off, nothing left Rehabit (not an attempt)

    @property
    def gone(self) -> bool:
        return self.status_code == GONE


@dataclass
class Streaks:
    """Each endpoint's attempts in a chunk, in order: how it ends tells its failure streak."""

    tail: dict = field(default_factory=lambda: defaultdict(list))  # failures since the last success
    succeeded: set = field(default_factory=set)
    clean: set = field(default_factory=set)  # endpoints with no streak when the chunk was claimed

    def add(self, endpoint: WebhookEndpoint, outcome: Outcome, at: datetime) -> None:
        endpoint_id = endpoint.pk
        if endpoint.failure_streak == 0:
            self.clean.add(endpoint_id)
        if outcome.delivered:
            self.succeeded.add(endpoint_id)
            self.tail[endpoint_id] = []
        else:
            self.tail[endpoint_id].append(at)


def deliver_many(delivery_ids: list[int], *, now: datetime | None = None) -> dict[int, str]:
    """Claim the rows, post each, record each; the status each claimed row ended in."""
    now = now or timezone.now()
    claimed = _claim(delivery_ids, now)
    rows = WebhookDelivery.objects.filter(pk__in=claimed).select_related("endpoint").order_by("pk")
    statuses, streaks, gone = {}, Streaks(), set()
    with requests.Session() as session:
        for row in rows:
            at = timezone.now()
            if row.endpoint_id in gone:
                row.endpoint.enabled = False  # turned off earlier in this chunk: sent nothing more
            outcome = attempt(row, session=session, at=at)
            if outcome.gone and row.endpoint.enabled:
                gone.add(row.endpoint_id)
                row.endpoint.enabled = False
                _disable_gone(row.endpoint_id, now=at)
            statuses[row.pk] = _record(row, outcome, at)
            if row.endpoint.enabled:
                streaks.add(row.endpoint, outcome, at)
    _keep_streaks(streaks)
    return statuses


def _claim(delivery_ids: list[int], now: datetime) -> list[int]:
    # Locked and marked together: of two tasks for one row, one wins; the other finds it claimed.
    claimable = Q(status=WebhookDelivery.PENDING) | Q(
        status=WebhookDelivery.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    with transaction.atomic():
        rows = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
            claimable, pk__in=delivery_ids
        )
        won = list(rows.values_list("pk", flat=True))
        WebhookDelivery.objects.filter(pk__in=won).update(status=WebhookDelivery.SENDING, claimed_at=now)
    return won


def attempt(delivery: WebhookDelivery, *, session: requests.Session, at: datetime) -> Outcome:
    """Post the delivery, signed, to the address its URL resolves to now (checked again)."""
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        return Outcome(False, error="The endpoint is turned off.", posted=False)
    try:
        target = targets.resolve(endpoint.url)
    except ValidationError as exc:
        return Outcome(False, error=" ".join(exc.message_dict["url"])[:200])
    body = body_of(delivery.payload)
    headers = signed_headers(secret=endpoint.secret, webhook_id=delivery.webhook_id, at=at, body=body)
    try:
        answer = pinned_post(session, target, body=body, headers=headers)
    except requests.Timeout:
        return Outcome(False, error=f"No answer within {TIMEOUT_SECONDS} seconds.")
    except requests.RequestException as exc:
        return Outcome(False, error=f"Could not connect: {type(exc).__name__}.")
    return Outcome(
        200 <= answer.status_code < 300, answer.status_code, "" if answer.ok else answer.reason[:200]
    )


def body_of(payload: dict) -> bytes:
    """The bytes posted and signed; the receiver verifies these exactly as they arrive."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def pinned_post(session: requests.Session, target: targets.Target, *, body: bytes, headers: dict):
    """POST to the address checked, not to whatever the name resolves to a moment later; the TLS
    certificate is still checked against the host name. No redirect is followed (it could lead
    anywhere)."""
    parts = urlsplit(target.url)
    address = f"[{target.address}]" if ":" in target.address else target.address
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@" if userinfo else ""
    pinned = urlunsplit(parts._replace(netloc=f"{netloc}{address}:{target.port}"))
    prefix = f"{parts.scheme}://{address}:{target.port}/"
    mounted = session.adapters.get(prefix)
    if not isinstance(mounted, _HostAdapter) or mounted.host != target.host:
        session.mount(prefix, _HostAdapter(target.host))  # kept for the chunk: one connection
    host = parts.netloc.rpartition("@")[2]
    response = session.post(
        pinned,
        data=body,
        headers={**headers, "Host": host, "User-Agent": "Rehabit-Webhooks/1"},
        timeout=TIMEOUT_SECONDS,
        allow_redirects=False,
        stream=True,
    )
    response.close()  # the status is all we keep; the body is not read
    return response


class _HostAdapter(HTTPAdapter):
    """Connects to an address but speaks TLS to the host name: SNI and the certificate's name."""

    def __init__(self, host: str):
        self.host = host
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs, server_hostname=self.host, assert_hostname=self.host)


def _record(row: WebhookDelivery, outcome: Outcome, at: datetime) -> str:
    attempts = row.attempts + 1
    fields = {"last_error": outcome.error, "claimed_at": None, "queued_at": None}
    if outcome.posted:  # the log counts and dates only what was sent
        fields.update(attempts=attempts, last_attempt_at=at, last_status_code=outcome.status_code)
    delay = retry_delay(attempts)
    if outcome.delivered:
        fields.update(status=WebhookDelivery.DELIVERED, delivered_at=at)
    elif delay is None or not row.endpoint.enabled or outcome.gone:
        fields.update(status=WebhookDelivery.FAILED)
    else:
        fields.update(status=WebhookDelivery.PENDING, next_attempt_at=at + delay)
    WebhookDelivery.objects.filter(pk=row.pk, status=WebhookDelivery.SENDING).update(**fields)
    return fields["status"]


# --- a run of failures turns an endpoint off --------------------------------------------


def _keep_streaks(streaks: Streaks) -> None:
    for endpoint_id, failures in streaks.tail.items():
        endpoints = WebhookEndpoint.objects.filter(pk=endpoint_id)
        if endpoint_id in streaks.succeeded and not failures and endpoint_id in streaks.clean:
            continue  # all well, as it was: nothing to write (the usual chunk)
        if endpoint_id in streaks.succeeded:
            endpoints.update(failure_streak=len(failures), failing_since=failures[0] if failures else None)
        elif failures:
            endpoints.update(
                failure_streak=F("failure_streak") + len(failures),
                failing_since=Coalesce("failing_since", failures[0]),
            )
        if failures:
            _disable_if_failing(endpoint_id, now=failures[-1])


def _disable_if_failing(endpoint_id: int, *, now: datetime) -> None:
    """Off after WEBHOOKS_DISABLE_AFTER_FAILURES attempts in a row failed over at least
    WEBHOOKS_DISABLE_AFTER: a short outage (one deploy, a thousand events failing in a minute)
    is retried; a receiver gone for a day is not called for ever. The owners are told once."""
    with transaction.atomic():
        turned_off = WebhookEndpoint.objects.filter(
            pk=endpoint_id,
            enabled=True,
            failure_streak__gte=settings.WEBHOOKS_DISABLE_AFTER_FAILURES,
            failing_since__lte=now - settings.WEBHOOKS_DISABLE_AFTER,
        ).update(enabled=False, disabled_at=now, disabled_because=WebhookEndpoint.FAILING)
        if turned_off:
            _turned_off(endpoint_id, now=now, because=WebhookEndpoint.FAILING)


def _disable_gone(endpoint_id: int, *, now: datetime) -> None:
    """The receiver answered 410 Gone: off now, whatever its streak; the owners are told once."""
    with transaction.atomic():
        turned_off = WebhookEndpoint.objects.filter(pk=endpoint_id, enabled=True).update(
            enabled=False, disabled_at=now, disabled_because=WebhookEndpoint.GONE
        )
        if turned_off:
            _turned_off(endpoint_id, now=now, because=WebhookEndpoint.GONE)


def _turned_off(endpoint_id: int, *, now: datetime, because: str) -> None:
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    practice_events_refresh(endpoint.practice_id)
    history_record(endpoint, action=WebhookEndpointEvent.TURNED_OFF, by=None, detail=because)
    log.warning("webhook endpoint %s turned off (%s)", endpoint_id, because)
    email_webhook_disabled.delay_on_commit(endpoint_id=endpoint_id)


def webhook_disabled_email(*, endpoint_id: int) -> None:
    endpoint = WebhookEndpoint.objects.select_related("practice").filter(pk=endpoint_id).first()
    if endpoint is None:
        return  # deleted meanwhile: nothing to tell
    context = {
        "practice": endpoint.practice,
        "endpoint": endpoint,
        "webhooks_url": settings.SITE_URL + reverse("workspace:webhooks"),
    }
    owners = Membership.objects.filter(practice=endpoint.practice, role=Membership.OWNER)
    for owner in owners.select_related("user"):
        with translation.override(settings.LANGUAGE_CODE):
            send("webhook_disabled", context, to=owner.user.email, zone=owner.timezone)


# --- tasks ------------------------------------------------------------------------


@shared_task(name="clients.tasks.deliver_webhooks", acks_late=True)
def deliver_webhooks(delivery_ids: list[int]) -> None:
    deliver_many(delivery_ids)


@shared_task(name="clients.tasks.sweep_webhooks", acks_late=True)
def sweep_webhooks() -> None:
    sweep()


@shared_task(name="clients.tasks.email_webhook_disabled", base=EmailTask)
def email_webhook_disabled(*, endpoint_id: int) -> None:
    webhook_disabled_email(endpoint_id=endpoint_id)
