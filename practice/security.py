"""Small pieces the security libraries are configured with."""

import logging
import re


def axes_username(request, credentials: dict | None) -> str | None:
    """Sign-in lockout counts per email, whether it came from the web form or the API."""
    credentials = credentials or {}
    return credentials.get("email") or credentials.get("username") or request.POST.get("username")


class RedactSecretsFilter(logging.Filter):
    """Invitation and unsubscribe links carry a secret in their path: never write it to a log."""

    SECRET_PATH = re.compile(r"/(invite|unsubscribe)/[^/\s]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.args:
            record.msg = record.getMessage()
            record.args = None
        if isinstance(record.msg, str):
            record.msg = self.SECRET_PATH.sub(r"/\1/<redacted>", record.msg)
        return True
