"""Invitation links: a one-time token derived from the invitation's row, never drawn at random.

The token is an HMAC under SECRET_KEY of the invitation's id and creation time, salted per kind
of invitation. Only its SHA-256 is stored, so the database alone never holds a working link, and
the worker that emails the link derives the token again from the row: no token travels through
the broker. Links made before tokens were derived (random tokens whose hash is stored) keep
working, as accepting one only compares hashes.
"""

import hashlib
import secrets
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.http import urlsafe_base64_encode


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def placeholder_hash() -> str:
    """A unique `token_hash` for the moment between a row's insert and its `seal`: the hash of a
    token no one keeps."""
    return digest(secrets.token_urlsafe(32))


def seal(invitation: models.Model, *, kind: str) -> None:
    """Store the hash of a just-created invitation's token (its id is known only once it exists)."""
    invitation.token_hash = digest(_derive(invitation, kind=kind, secret=settings.SECRET_KEY))
    invitation.save(update_fields=["token_hash"])


def token_of(invitation: models.Model, *, kind: str) -> str | None:
    """The invitation's token, or None when none derives to its hash: a link made before tokens
    were derived, or under a signing key since retired from SECRET_KEY_FALLBACKS."""
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        token = _derive(invitation, kind=kind, secret=secret)
        if digest(token) == invitation.token_hash:
            return token
    return None


def _derive(invitation: models.Model, *, kind: str, secret: str) -> str:
    # In UTC whatever the connection's time zone, so the row read back derives the same token.
    value = f"{invitation.pk}:{invitation.created_at.astimezone(UTC).isoformat()}"
    mac = salted_hmac(f"rehabit.invitation.{kind}", value, secret=secret, algorithm="sha256")
    return urlsafe_base64_encode(mac.digest())
