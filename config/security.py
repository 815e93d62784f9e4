"""Small pieces the security libraries are configured with."""

import logging
import re

from rest_framework.throttling import BaseThrottle


def axes_username(request, credentials: dict | None) -> str | None:
    """Sign-in lockout counts per email, whether it came from the web form or the API."""
    credentials = credentials or {}
    return credentials.get("email") or credentials.get("username") or request.POST.get("username")


class RedactSecretsFilter(logging.Filter):
    """Invitation, unsubscribe and password links carry a secret in their path: never write it to a log."""

    SECRET_PATH = re.compile(r"/(invite|unsubscribe)/[^/\s]+")
    PASSWORD_PATH = re.compile(r"/password/reset/[^/\s]+/[^/\s]+")  # the user's id and the token

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.args:
            record.msg = record.getMessage()
            record.args = None
        if isinstance(record.msg, str):
            record.msg = self.redact(record.msg)
        # Django's request logs carry the request itself, which a JSON line writes out whole.
        if getattr(record, "request", None) is not None:
            record.request = self.redact(repr(record.request))
        return True

    def redact(self, text: str) -> str:
        text = self.SECRET_PATH.sub(r"/\1/<redacted>", text)
        return self.PASSWORD_PATH.sub("/password/reset/<redacted>", text)


def client_address(request) -> str:
    """The caller's address as the API's throttles read it (`NUM_PROXIES`), for django-axes too."""
    return BaseThrottle().get_ident(request)
