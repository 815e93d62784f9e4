"""Settings of the API bench's gunicorn: the project's, plus a bare DRF endpoint as the floor."""

import os

os.environ.setdefault("DEBUG", "1")  # only when `make bench` runs this file on its own

from config.settings import *  # noqa: F403

ROOT_URLCONF = "_api_urls"

# One bench user sends thousands of requests a second, far past any real per-user rate, and
# DRF's throttle keeps one timestamp per request allowed: the bench measures the API, not that.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
