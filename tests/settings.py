"""Test settings: PostgreSQL and Redis when DATABASE_URL and REDIS_URL say so, SQLite and no Redis otherwise.

Each pytest-xdist worker (and any process a test starts, which inherits its environment) has a
queue and files of its own; pytest-django gives it its own test database (test_<name>_gw0, ...).
"""

import os

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# Each test process has its own queue, which the processes it starts (a Celery worker) inherit: a
# worker of `make run` on the same Redis, or another test process's, never takes its tasks. An xdist
# worker inherits its controller's too, hence the note of whose it is.
if os.environ.get("CELERY_QUEUE_OF") != WORKER:
    os.environ["CELERY_QUEUE"] = f"rehabit-test-{WORKER}-{os.getpid()}"
    os.environ["CELERY_QUEUE_OF"] = WORKER

from config.settings import *  # noqa: E402, F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Emptied between committing tests by deleting rows (tests/postgresql); a commit does not wait
    # for the disk (a test database need not survive a crash; what others see is the same).
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if "EMAIL_URL" not in os.environ:  # a worker started by the tests is given a real SMTP server
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / WORKER  # noqa: F405
VAPID_PRIVATE_KEY = VAPID_PRIVATE_KEY or development_vapid_key(BASE_DIR / "var" / "test-vapid.key")  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private" / WORKER  # noqa: F405

# Throttle counts must not outlive a test or leak between parallel runs on one Redis; the
# throttle tests lower these rates and point the cache at Redis themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "sign_in": "100000/min"},
}
