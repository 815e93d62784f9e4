import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import boto3
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from moto.server import ThreadedMotoServer
from rest_framework.test import APIClient

from tests.factories import ClientFactory, MembershipFactory, assign

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# Without DATABASE_URL the tests run on SQLite, as `make run` does: a run of its own in CI, where
# the tests that need PostgreSQL are skipped and every other service is still required.
ON_SQLITE_BY_CHOICE = "DATABASE_URL" not in os.environ


def need(service: str, available: bool, why: str) -> None:
    """Use a service when present; skip with the reason when not, fail when CI requires it."""
    if available:
        return
    if REQUIRE_SERVICES and not (service == "PostgreSQL" and ON_SQLITE_BY_CHOICE):
        pytest.fail(f"{service} is required (REQUIRE_SERVICES=1): {why}")
    pytest.skip(f"{service} is not available: {why}")


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if REQUIRE_SERVICES and not ON_SQLITE_BY_CHOICE and "postgresql" not in engine:
        raise pytest.UsageError("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL (unset it for SQLite)")


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"


def pytest_collection_modifyitems(config, items):
    """Tests that drive Chromium are marked `browser` (`-m "not browser"` leaves them out)."""
    for item in items:
        if "headless_chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float = 30, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(every)
    return predicate()


# --- the cast ----------------------------------------------------------------


def make_alice():
    return MembershipFactory(
        user__email="alice@example.com",
        user__name="Alice Physio",
        practice__name="Alice's Clinic",
        role="owner",
    ).user


def make_bob(alice):
    return ClientFactory(
        practice=alice.memberships.get().practice,
        practitioner=alice,
        name="Bob Client",
        email="bob@example.com",
    )


def make_bob_assignment(bob):
    return assign(bob, start=timezone.localdate() - timedelta(days=3), sessions=2)


@pytest.fixture
def alice(db):
    """A practitioner; owner of her practice."""
    return make_alice()


@pytest.fixture
def alice_practice(alice):
    return alice.memberships.get().practice


@pytest.fixture
def bob(alice_practice, alice):
    """Alice's client, signed up with his own sign-in."""
    return make_bob(alice)


@pytest.fixture
def dana(alice_practice, alice):
    """Another of Alice's clients."""
    return ClientFactory(
        practice=alice_practice, practitioner=alice, name="Dana Client", email="dana@example.com"
    )


@pytest.fixture
def charlie(db):
    """A practitioner of another practice."""
    return MembershipFactory(
        user__email="charlie@example.com", user__name="Charlie Coach", practice__name="Charlie's Gym"
    ).user


@pytest.fixture
def erin(charlie):
    """Charlie's client, in the other practice."""
    return ClientFactory(
        practice=charlie.memberships.get().practice,
        practitioner=charlie,
        name="Erin Client",
        email="erin@example.com",
    )


@pytest.fixture
def bob_assignment(bob):
    return make_bob_assignment(bob)


@pytest.fixture
def dana_assignment(dana):
    return assign(dana, start=timezone.localdate() - timedelta(days=3))


@pytest.fixture
def erin_assignment(erin):
    return assign(erin, start=timezone.localdate() - timedelta(days=3))


@pytest.fixture
def latest_migrations():
    """For a test that migrates its database back: every app at its latest migration again after it
    (such a test runs outside a test transaction, which would otherwise have undone it)."""
    yield
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def api_as(user) -> APIClient:
    api = APIClient()
    if user is not None:
        _, token = AuthToken.objects.create(user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


# --- tasks ----------------------------------------------------------------------

REAL_WORKER_FIXTURES = {"celery_worker", "workers", "two_nodes"}


@pytest.fixture(autouse=True)
def tasks_run_in_the_test(request):
    """A task queued by the code under test runs at once, here: its emails land in Django's
    outbox, and what it raises is logged, not raised, as on a worker (Celery's eager mode cannot
    raise and still retry). A test with a real worker has the worker take them from Redis."""
    if REAL_WORKER_FIXTURES & set(request.fixturenames):
        yield
        return
    from config.celery import app

    app.conf.update(task_always_eager=True)
    yield
    app.conf.update(task_always_eager=False)


# --- real services -----------------------------------------------------------


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    need("Redis", bool(url), "REDIS_URL is not set")
    return url


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


class SmtpServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives. A test may stop it
    for a while, when connections to its port are refused, and start it again on the same port."""

    def __init__(self):
        self.hostname, self.port = "127.0.0.1", free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if self.controller is None:
            self.controller = Controller(self.inbox, hostname=self.hostname, port=self.port)
            self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_inbox(smtp_server):
    smtp_server.start()  # running again, should an earlier test have stopped it and failed
    smtp_server.inbox.messages.clear()
    return smtp_server.inbox


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, redis_url, smtp_server):
    """A real Celery worker process on Redis, on the test database, sending to the SMTP server."""
    with django_db_blocker.unblock():
        need("PostgreSQL", on_postgres(), "a worker process cannot share an in-memory SQLite database")
        database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "EMAIL_URL": f"smtp://{smtp_server.hostname}:{smtp_server.port}",
        "REDIS_URL": redis_url,
        # Webhooks go to a receiver the tests run on loopback, over plain HTTP.
        "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "1",
        "WEBHOOKS_REQUIRE_HTTPS": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(iter(process.stdout.readline, "")), daemon=True).start()
    if not wait_for(lambda: any("ready." in line for line in log), timeout=60):
        process.kill()
        pytest.fail("the Celery worker did not start:\n" + "".join(log[-40:]))
    yield log
    process.terminate()
    process.wait(timeout=30)


# --- object storage --------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto's server mode) on loopback, for this test process and
    the processes it starts."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    need("S3 (moto server)", wait_for(lambda: _listening(port), timeout=15), "moto's server did not start")
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class Bucket:
    """A fresh bucket of the S3 server; `env` is what a process needs to keep its files there."""

    def __init__(self, s3_server: str):
        self.name = f"rehabit-test-{os.getpid()}-{time.monotonic_ns()}"
        self.env = {
            "S3_BUCKET": self.name,
            "S3_ENDPOINT_URL": s3_server,
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
        }
        self.client = boto3.client(
            "s3",
            endpoint_url=s3_server,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        self.client.create_bucket(Bucket=self.name)

    def keys(self, prefix: str) -> dict:
        """Each stored key under `prefix` with when it was last written."""
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return {entry["Key"]: entry["LastModified"] for entry in listing.get("Contents", [])}


@pytest.fixture
def object_storage(s3_server, settings):
    """Files in a fresh bucket of the S3 server, as in compose with MinIO."""
    bucket = Bucket(s3_server)
    options = {
        "bucket_name": bucket.name,
        "endpoint_url": s3_server,
        "access_key": "test",
        "secret_key": "test",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "signature_version": "s3v4",
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "programs.files.PublicS3Storage",
            "OPTIONS": {**options, "location": "public", "file_overwrite": False},
        },
        "private": {
            "BACKEND": "programs.files.PrivateS3Storage",
            "OPTIONS": {**options, "location": "private", "querystring_expire": settings.PRIVATE_URL_SECONDS},
        },
    }
    return bucket


# --- a real browser ----------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    "--disable-background-networking",  # this machine's network is closed: no background calls
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def headless_chromium():
    """Debian's headless Chromium driven by Playwright: started once per test process (seconds)."""
    need("Chromium", os.path.exists(CHROMIUM), f"{CHROMIUM} is missing (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread from now on; the tests' own ORM
    # calls are still plain synchronous ones, which Django would otherwise refuse.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def chromium(headless_chromium, live_server):
    """The session's Chromium against the live test server; what a test opens in it, it closes.

    Every context (`new_context`, `new_page`) is fresh: its own cookies, storage and service workers.
    """
    yield headless_chromium
    for context in headless_chromium.contexts:
        context.close()
    from django.db import connections

    # The ORM calls made under Playwright's loop got a connection of their own: close it here,
    # in that context, or it outlives the test database.
    connections.close_all()


def sign_in_by_cookie(context, live_server, user) -> None:
    """Signed in as after the sign-in form: a session made on the server, its cookie in the browser."""
    from django.test import Client as Browser

    web = Browser()
    web.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": web.cookies["sessionid"].value, "url": live_server.url}]
    )


def sign_in_by_token(context, live_server, user) -> None:
    """Signed in as after the phone page's form: a token in its storage, and no web session."""
    _, token = AuthToken.objects.create(user)
    context.set_storage_state(
        {
            "cookies": [],
            "origins": [
                {
                    "origin": live_server.url,
                    "localStorage": [{"name": "rehabit.token", "value": json.dumps(token)}],
                }
            ],
        }
    )
