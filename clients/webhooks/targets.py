"""Where a webhook may be sent: HTTPS, at most 2,000 characters, and to a public address.

A URL naming (or resolving to) a private, loopback, link-local or reserved address would let a
practice make Rehabit's servers call into their own network. The rule is applied when an
endpoint is registered, and again at each delivery after resolving the name, and the delivery
connects to the very address checked, so a name re-pointed in between (DNS rebinding) gains
nothing. `WEBHOOKS_ALLOW_PRIVATE_TARGETS` (DEBUG, or a test opting in) lets a local receiver
through; `WEBHOOKS_REQUIRE_HTTPS` (off only in DEBUG) allows plain HTTP.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import WebhookEndpoint


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to for it."""

    url: str
    host: str
    port: int
    address: str


def check_url(url: str) -> None:
    """Refuse, naming `url`, a URL an endpoint may not have (the address is checked too)."""
    resolve(url)


def resolve(url: str) -> Target:
    """The checked target of `url`: the first of its addresses, all of which must be public."""
    if len(url) > WebhookEndpoint.MAX_URL_LENGTH:
        _refuse(_("The URL is over 2,000 characters."), "too_long")
    parts = urlsplit(url)
    schemes = ("https",) if settings.WEBHOOKS_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in schemes or not parts.hostname:
        _refuse(_("The URL must start with https:// and name a host."), "not_https")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        _refuse(_("The URL's port is not a number between 0 and 65535."), "invalid")
    addresses = _addresses(parts.hostname, port)
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS and not all(map(is_public, addresses)):
        _refuse(_("The URL's host is a private or local address; webhooks go to public ones."), "private")
    return Target(url=url, host=parts.hostname, port=port, address=addresses[0])


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _addresses(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        _refuse(_("The URL's host name does not resolve."), "unresolved")
    return [info[4][0].split("%")[0] for info in found]  # a scoped IPv6 address loses its zone


def _refuse(message: str, code: str):
    raise ValidationError({"url": ValidationError(message, code=code)})
