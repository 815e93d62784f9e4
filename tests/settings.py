"""Test settings: the real PostgreSQL and Redis when they answer, the embedded ones otherwise."""

import os
import socket


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
    except OSError:
        return False
    return True


if "DATABASE_URL" not in os.environ and _answers("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/rehabit"
if "REDIS_URL" not in os.environ and _answers("127.0.0.1", 6379):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# Each test run has its own queue: a worker of `make run` on the same Redis never takes our tasks.
os.environ.setdefault("CELERY_QUEUE", f"rehabit-test-{os.getpid()}")

from config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if "EMAIL_URL" not in os.environ:  # a worker started by the tests is given a real SMTP server
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

# Throttle counts must not outlive a test or leak between parallel runs on one Redis; the
# throttle tests lower these rates and point the cache at Redis themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "sign_in": "100000/min"},
}
