"""A VAPID key (RFC 8292) for development and tests: made once, kept under var/, never committed.
Production brings its own in VAPID_PRIVATE_KEY (see docs/operations.md)."""

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec


def development_key(path: Path) -> str:
    """The private key kept at `path` (base64url of the P-256 scalar), made there if missing. Web,
    worker and beat read the same file, so the phones' subscriptions match the worker's signature."""
    if not path.exists():
        scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
        text = base64.urlsafe_b64encode(scalar.to_bytes(32, "big")).rstrip(b"=").decode()
        path.parent.mkdir(parents=True, exist_ok=True)
        made = path.with_name(f"{path.name}.{os.getpid()}")
        made.write_text(text)
        os.replace(made, path)  # whole or not at all: processes starting together read one key
    return path.read_text().strip()
