"""Signatures after the Standard Webhooks specification (https://www.standardwebhooks.com),
made with its own library: `webhook-id`, `webhook-timestamp`, and `webhook-signature` holding
`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` under a `whsec_<base64>` secret."""

import base64
import secrets
import uuid
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_BYTES = 24  # 192 bits, as the specification suggests (between 24 and 64 bytes)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def signed_headers(*, secret: str, webhook_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The headers of one attempt: the timestamp is the attempt's, so a receiver's tolerance for
    old messages (five minutes, in the libraries) holds for a retry hours later too."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, at, body),
        "content-type": "application/json",
    }
