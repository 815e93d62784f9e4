"""Web Push to a client's phones: the message encrypted for each subscription (RFC 8291,
aes128gcm) and signed with the server's VAPID key (RFC 8292), by pywebpush.

`send_push(client, kind, ...)` is what a notice calls, the daily reminder's channel among them;
a subscription the push service says is gone (404, 410) is dropped. Endpoints are checked twice:
when a phone subscribes (HTTPS, a public host) and before each send (where the name points now).
"""

import base64
import ipaddress
import json
import logging
import socket
from functools import cache
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from ..models import Client, PushSubscription

log = logging.getLogger(__name__)

TTL = 12 * 3600  # a reminder still worth showing when the phone comes online the same day
GONE = {404, 410}
TIMEOUT = 10


def push_offered() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY)


@cache
def _vapid() -> Vapid:
    return Vapid.from_raw(settings.VAPID_PRIVATE_KEY.encode())


def application_server_key() -> str:
    """The key a phone subscribes with: the VAPID public key, an uncompressed P-256 point, base64url."""
    point = _vapid().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def endpoint_problem(endpoint: str, *, resolve: bool = False) -> str | None:
    """Why Rehabit will not post to `endpoint`, or None: it must be HTTPS on a public address (plain
    http and private or loopback hosts only with PUSH_ALLOW_PRIVATE_ENDPOINTS, for development)."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Enter a valid push endpoint URL."
    if settings.PUSH_ALLOW_PRIVATE_ENDPOINTS:
        return None
    if parts.scheme != "https":
        return "A push endpoint must use HTTPS."
    if any(not address.is_global for address in _addresses(parts.hostname, resolve=resolve)):
        return "A push endpoint must be on a public address."
    return None


def _addresses(host: str, *, resolve: bool) -> list:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return [ipaddress.ip_address("127.0.0.1")]
    if not resolve:
        return []
    try:
        found = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return []  # unknown now: the post itself will fail and be logged
    return [ipaddress.ip_address(info[4][0]) for info in found]


def subscription_save(*, client: Client, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """The phone at `endpoint` now gets `client`'s notifications: a browser is one endpoint, so
    subscribing again there (another client on a shared phone) takes it over."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"client": client, "p256dh": p256dh, "auth": auth}
    )
    return subscription


def send_push(client: Client, kind: str, *, title: str, body: str, url: str = "/app/") -> int:
    """Shows `title` and `body` on each phone the client subscribed (a tap opens `url`); `kind`
    lets the phone replace an older notification of the same kind. Returns how many took it."""
    payload = json.dumps({"kind": kind, "title": title, "body": body, "url": url})
    return sum(_post(subscription, payload) for subscription in client.push_subscriptions.all())


def _post(subscription: PushSubscription, payload: str) -> bool:
    if endpoint_problem(subscription.endpoint, resolve=True):
        log.warning("push subscription %s skipped: its endpoint is not a public address", subscription.pk)
        return False
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    try:
        webpush(
            info,
            data=payload,
            vapid_private_key=_vapid(),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=TTL,
            timeout=TIMEOUT,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in GONE:
            subscription.delete()  # the phone unsubscribed or the browser was reset
        else:
            log.warning("push to subscription %s failed with %s", subscription.pk, status)
        return False
    except (requests.RequestException, ValueError) as exc:
        log.warning("push to subscription %s failed: %s", subscription.pk, type(exc).__name__)
        return False
    return True
