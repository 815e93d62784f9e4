"""Rehabit settings, read from the environment (docs/operations.md lists every variable).

With nothing set, Rehabit runs embedded: SQLite, a file-system Celery broker and
emails written as files, all under var/. DATABASE_URL and REDIS_URL switch to
PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

from config.vapid import development_key as development_vapid_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A development key only ever exists with DEBUG on; production must bring its own.
SECRET_KEY = env("SECRET_KEY") if not DEBUG else env("SECRET_KEY", default="dev-only-insecure")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_filters",
    "django_htmx",
    "practice",
    "programs",
    "clients",
]

MIDDLEWARE = [
    "log_request_id.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.api_errors_as_json",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "practice.access.workspace",
                "clients.attention.counts.top_bar",
            ],
        },
    },
]

# Labels read "Name", not "Name:" (practice/form_rendering.py).
FORM_RENDERER = "practice.form_rendering.FormRenderer"

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rehabit.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers and one writer coexist,
    # IMMEDIATE takes the write lock up front instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
# Each web and worker process keeps its connection between requests rather than opening one
# per request (two thirds of a bare API request's time, measured); it is checked before reuse.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# DB_POOL=N: a psycopg connection pool of up to N per process instead (PostgreSQL only); see
# docs/operations.md for when it pays (threaded servers) and when PgBouncer does (many nodes).
DB_POOL = env.int("DB_POOL", default=0)
if DB_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL,
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "practice.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Web sign-in lockout: 5 failures for one email from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "config.security.axes_username"
AXES_LOCKOUT_CALLABLE = "practice.api.sign_in_paused"
AXES_RESET_ON_SUCCESS = True
# How many proxies in front of gunicorn append to X-Forwarded-For; 0 trusts only the socket's
# address, so a client cannot forge the address its limits are counted under. The API's
# throttles and django-axes read the address through one function (ipware's proxy count
# counts the proxies listed in the header, not those in front of us: off by one).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "config.security.client_address"
# The lockout lives in the database (axes' default handler): it holds with Redis down.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

LOGIN_URL = "login"
# What tenancy (`practice`, left of every app) must know of clients, named here, never there.
WORKSPACE_HOME_URL = "workspace:attention"
CLIENT_HOME_URL = "phone-app"
CLIENT_OF_USER = "clients.accounts.profiles.client_of_user"
IS_CLIENT_SIGN_IN = "clients.accounts.profiles.is_client_sign_in"
LOGIN_REDIRECT_URL = "home"  # practitioners to their clients, clients to the phone page
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The languages a client's handout can be printed in (their strings live in locale/).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style for every page, per language: config/formats/<lang>/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Files (programs/files.py): `default` holds the public practice logos, `private` the uploads
# (exercise photos, videos) and the handout cache, reached only through short-lived signed links.
# The file system under var/ unless S3_BUCKET names a bucket of S3-compatible object storage
# (MinIO in compose), which every web and worker node then shares.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
PRIVATE_URL_SECONDS = env.int("PRIVATE_URL_SECONDS", default=300)
# Set when a front server (nginx) serves PRIVATE_MEDIA_ROOT at this internal location: downloads
# from disk are then an empty answer with X-Accel-Redirect, and nginx sends the file.
PRIVATE_MEDIA_ACCEL_REDIRECT = env("PRIVATE_MEDIA_ACCEL_REDIRECT", default="")
S3_BUCKET = env("S3_BUCKET", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "programs.files.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Where browsers fetch private files from (signed links): the page's own origin on disk.
FILES_ORIGIN = []
if S3_BUCKET:
    S3_OPTIONS = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env("S3_ENDPOINT_URL", default=None),
        "access_key": env("S3_ACCESS_KEY_ID", default=None),
        "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
        "region_name": env("S3_REGION", default="us-east-1"),
        "addressing_style": "path",
        "signature_version": "s3v4",
    }
    STORAGES["default"] = {
        "BACKEND": "programs.files.PublicS3Storage",
        # Never overwritten: every practice's logo arrives as logo.png.
        "OPTIONS": {**S3_OPTIONS, "location": "public", "file_overwrite": False},
    }
    STORAGES["private"] = {
        "BACKEND": "programs.files.PrivateS3Storage",
        "OPTIONS": {
            **S3_OPTIONS,
            "location": "private",
            "querystring_expire": PRIVATE_URL_SECONDS,
            "public_endpoint_url": env("S3_PUBLIC_ENDPOINT_URL", default=None),
        },
    }
    FILES_ORIGIN = [
        env("S3_PUBLIC_ENDPOINT_URL", default=None) or S3_OPTIONS["endpoint_url"] or "https://*.amazonaws.com"
    ]
# Without a collectstatic in development, serve from the apps' folders as they change.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# The handout cache (in the private storage, handouts/<practice>/<client>/<hash>.pdf): the
# periodic eviction keeps it under this size and drops what is older than this.
HANDOUT_CACHE_MAX_BYTES = env.int("HANDOUT_CACHE_MAX_MB", default=1024) * 1024 * 1024
HANDOUT_CACHE_MAX_AGE = timedelta(days=env.int("HANDOUT_CACHE_MAX_DAYS", default=30))

# HTTPS and headers. Production (DEBUG off) is secure by default; a proxy that terminates
# TLS says so with X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],  # NONCE: the phone page's first reads, inline in its head
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", *FILES_ORIGIN],
        "media-src": [SELF, *FILES_ORIGIN],
        "connect-src": [SELF, *FILES_ORIGIN],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Email: SMTP when EMAIL_URL is set (smtp://host:port), otherwise one file per message.
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Rehabit <no-reply@rehabit.example>")

# Web Push (VAPID, RFC 8292): the private key as base64url, as `web-push generate-vapid-keys` prints
# it. Without one, development makes a key once under var/ and production offers no push.
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="") or (
    development_vapid_key(VAR_DIR / "vapid.key") if DEBUG else ""
)
VAPID_SUBJECT = env("VAPID_SUBJECT", default="mailto:no-reply@rehabit.example")
# Push endpoints on private or loopback addresses, or over plain http: development and tests only.
PUSH_ALLOW_PRIVATE_ENDPOINTS = env.bool("PUSH_ALLOW_PRIVATE_ENDPOINTS", default=DEBUG)
EMAIL_TIMEOUT = 10

# Celery: Redis when REDIS_URL is set, otherwise kombu's file-system transport.
REDIS_URL = env("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    CELERY_BROKER_URL = "filesystem://"
    for folder in ("queue", "control", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="rehabit")
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# A task is acknowledged only once it finished: a worker that dies mid-task leaves it
# for another. Sends are idempotent through their Reminder row, so a rerun is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sweep-reminders": {
        "task": "clients.tasks.sweep_reminders",
        "schedule": timedelta(minutes=1),
    },
    "sweep-questionnaires-due": {
        "task": "clients.tasks.sweep_questionnaires_due",
        "schedule": timedelta(minutes=5),
    },
    "sweep-weekly-summaries": {
        "task": "clients.tasks.sweep_weekly_summaries",
        "schedule": timedelta(minutes=15),
    },
    "sweep-webhooks": {
        "task": "clients.tasks.sweep_webhooks",
        "schedule": timedelta(seconds=10),
    },
    "evict-handouts": {
        "task": "programs.tasks.evict_handouts",
        "schedule": timedelta(hours=1),
    },
}

# Throttle counts live in the cache: Redis when REDIS_URL is set, shared by every gunicorn
# worker; otherwise each process keeps its own counts (fine for `make run`, not production).
# Redis is an optimisation here, not a dependency: while it is down, reads miss and writes
# are dropped (IGNORE_EXCEPTIONS), so throttles let signed-in calls through, and sign-in
# guessing is still limited by django-axes in the database.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="rehabit"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A JSON body over this is answered 413 (the batch of 500 check-offs fits well inside).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "practice.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "practice.rest.Pagination",
    # The format the errors name and the schema shows, only: not Python's other ISO forms
    # ("20261206", "2026-W49-7"), which a typo can also make.
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "practice.rest.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["practice.rest.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["practice.rest.AnonRateThrottle", "practice.rest.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="1200/min"),
        "sign_in": env("API_THROTTLE_SIGN_IN", default="10/hour"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=30)),
    "AUTO_REFRESH": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rehabit API",
    "DESCRIPTION": "Home exercise programs: the client's check-offs and the practitioner's view.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies get components of their own (CompletionRequest, PatchedClientRequest...)
    # without the read-only fields, so a generated client never asks for an id or created_at.
    "COMPONENT_SPLIT_REQUEST": True,
    "LICENSE": {"name": "AGPL-3.0-or-later", "url": "https://www.gnu.org/licenses/agpl-3.0.html"},
    # Relative: the API is where the schema is served from, whatever the host.
    "SERVERS": [{"url": "/", "description": "This server"}],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.tidy"],
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "clients.models.Assignment.STATUSES",
        "ConsultationStatusEnum": "clients.models.Consultation.STATUSES",
    },
}

# Logs: one JSON object a line with the request id (LOG_FORMAT=plain for reading by eye).
# Messages carry ids, never names, emails or notes; secrets in paths are redacted.
LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "log_request_id.filters.RequestIDFilter"},
        "redact": {"()": "config.security.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain" if DEBUG else "json"),
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers for these (its debug console, the dev server's access lines)
        # would write paths unredacted: without them, they reach the root's handler above.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Rehabit's own knobs.
REMINDER_MAX_LATENESS = timedelta(hours=env.int("REMINDER_MAX_LATENESS_HOURS", default=3))
# A send claimed longer ago than this belonged to a worker that died; keep it well above
# EMAIL_TIMEOUT so a slow but living send is never taken over.
REMINDER_CLAIM_LEASE = timedelta(seconds=env.int("REMINDER_CLAIM_LEASE_SECONDS", default=300))
# Virtual consultations: the meeting link is this base followed by an unguessable room name.
VIDEO_BASE_URL = env("VIDEO_BASE_URL", default="https://meet.jit.si/rehabit-")
# Practice logos and practice-own exercise photos.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Practice videos of exercises (MP4 or WebM).
VIDEO_MAX_BYTES = env.int("VIDEO_MAX_MB", default=100) * 1024 * 1024
# Webhooks: targets on private, loopback or link-local addresses (and plain HTTP) only in
# development or a test that opts in; an endpoint is turned off once this many attempts in a
# row have failed over at least this long.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=DEBUG)
WEBHOOKS_REQUIRE_HTTPS = env.bool("WEBHOOKS_REQUIRE_HTTPS", default=not DEBUG)
WEBHOOKS_DISABLE_AFTER_FAILURES = env.int("WEBHOOKS_DISABLE_AFTER_FAILURES", default=10)
WEBHOOKS_DISABLE_AFTER = timedelta(hours=env.int("WEBHOOKS_DISABLE_AFTER_HOURS", default=24))
