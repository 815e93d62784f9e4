"""Reminders survive real faults: racing sweeps, a killed worker, a Redis restart, a refusing SMTP server.

Everything here is real: Celery worker processes on a private Redis (started per test, so
restarting it disturbs no one), the test PostgreSQL database, an aiosmtpd server on
loopback. Sweeps run in processes of their own, as beat's would: each set up once per test, then
told when to sweep.
"""

import asyncio
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import message_from_bytes
from itertools import count

import pytest
from django.db import connection
from django.utils import timezone

from clients.models import Assignment, Reminder
from clients.reminders import delivery
from tests.conftest import free_port, need, on_postgres, wait_for
from tests.factories import ClientFactory, assign

pytestmark = pytest.mark.django_db(transaction=True)

LEASE_SECONDS = 3  # the tests' own lease: long enough for a loopback send, short to wait out
QUEUE_NUMBERS = count()

# Each line read is a sweep to make: "<now, ISO, or -> <wall-clock time to start at>".
SWEEPER_SCRIPT = """
import sys, time
import django
django.setup()
from datetime import datetime
from clients.reminders import delivery
print("ready", flush=True)
for line in sys.stdin:
    now, at = line.split()
    time.sleep(max(0.0, float(at) - time.time()))
    print("queued", len(delivery.sweep(now=None if now == "-" else datetime.fromisoformat(now))), flush=True)
"""


# --- a scripted SMTP server ---------------------------------------------------


class ScriptedInbox:
    """Accepts mail, after refusing the first `refuse` messages or stalling the first one."""

    def __init__(self, *, refuse: int = 0, stall_first: bool = False, seconds_each: float = 0.0):
        self.refuse, self.stall_first, self.seconds_each = refuse, stall_first, seconds_each
        self.attempts = 0
        self.messages = []
        self.stalled = threading.Event()
        self.released = False

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        await asyncio.sleep(self.seconds_each)  # a slow relay
        if self.stall_first and self.attempts == 1:
            self.stalled.set()
            while not self.released:  # the sender is killed while it waits here
                await asyncio.sleep(0.05)
            return "421 4.3.0 Closing"
        if self.attempts <= self.refuse:
            return "451 4.3.0 Try again later"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    servers = []

    def start(**script) -> tuple[str, ScriptedInbox]:
        inbox = ScriptedInbox(**script)
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append((controller, inbox))
        return f"smtp://127.0.0.1:{controller.port}", inbox

    yield start
    for controller, inbox in servers:
        inbox.released = True
        controller.stop()


# --- a private Redis that a test may restart -----------------------------------


class PrivateRedis:
    def __init__(self, directory):
        self.port, self.directory = free_port(), directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--maxmemory-policy", "noeviction", "--save", ""],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_for(self.answers, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        # SIGTERM is how a host or container stops Redis: it writes the append-only file and exits.
        self.process.terminate()
        self.process.wait(timeout=10)

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except (redis.ConnectionError, redis.TimeoutError):  # a busy machine can keep it past 0.5 s
            return False


@pytest.fixture
def private_redis(tmp_path):
    need("redis-server", bool(shutil.which("redis-server")), "a restartable Redis of the test's own")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


# --- worker and sweep processes -------------------------------------------------


@pytest.fixture
def services_env(db):
    need("PostgreSQL", on_postgres(), "worker and sweep processes share the test database")
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_QUEUE": f"rehabit-faults-{os.getpid()}-{next(QUEUE_NUMBERS)}",
        "REMINDER_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
    }


class Worker:
    """A real Celery worker in its own process group, so SIGKILL takes its pool children too."""

    def __init__(self, env: dict, *, concurrency: int = 1):
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
             "--concurrency", str(concurrency), "-Q", env["CELERY_QUEUE"],
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        threading.Thread(
            target=lambda: self.log.extend(iter(self.process.stdout.readline, "")), daemon=True
        ).start()
        if not wait_for(lambda: any("ready." in line for line in self.log), timeout=60):
            self.kill()
            pytest.fail("the Celery worker did not start:\n" + self.tail())

    def tail(self) -> str:
        return "".join(self.log[-40:])

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def workers():
    started: list[Worker] = []

    def start(env: dict, **options) -> Worker:
        started.append(Worker(env, **options))
        return started[-1]

    yield start
    for worker in started:  # what they did is checked: nothing to wait for in a graceful stop
        worker.kill()


class Sweeper:
    """A process that sweeps when told, as beat's ticks make a sweep: Django is set up once, so a
    test can sweep as often as beat would without waiting for a process to start each time."""

    def __init__(self, env: dict):
        self.log: list[str] = []
        self.answers: queue.Queue = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-c", SWEEPER_SCRIPT],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.log.append(line)
            if line.startswith(("ready", "queued ")):
                self.answers.put(line.split())
        self.answers.put(None)  # the process ended

    def _answer(self, word: str) -> list[str]:
        try:
            answer = self.answers.get(timeout=60)
        except queue.Empty:
            answer = None
        assert answer and answer[0] == word, "".join(self.log[-40:])
        return answer

    def ready(self) -> "Sweeper":
        self._answer("ready")
        return self

    def start(self, *, now=None, at: float = 0.0) -> None:
        """A sweep at `now` (the clock's time if None), starting at wall-clock `at`, so two
        sweepers can be made to overlap."""
        self.process.stdin.write(f"{now.isoformat() if now else '-'} {at}\n")
        self.process.stdin.flush()

    def queued(self) -> int:
        """How many reminders the sweep started last queued."""
        return int(self._answer("queued")[1])

    def sweep(self, *, now=None) -> int:
        self.start(now=now)
        return self.queued()

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def sweepers():
    """Starts sweepers without waiting for them: `.ready()` waits, so a worker can start meanwhile."""
    started: list[Sweeper] = []

    def start(env: dict) -> Sweeper:
        started.append(Sweeper(env))
        return started[-1]

    yield start
    for sweeper in started:
        sweeper.stop()


def due_clients(practice, alice, n: int) -> list:
    clients = [
        ClientFactory(practice=practice, practitioner=alice, email=f"due{i}@example.com") for i in range(n)
    ]
    for client in clients:
        assign(client, start=timezone.localdate() - timedelta(days=1))
    Assignment.objects.update(next_reminder_at=timezone.now() - timedelta(seconds=5))
    return clients


def recipients(inbox) -> list[str]:
    return sorted(address for message in inbox.messages for address in message.rcpt_tos)


def all_rows(status: str) -> bool:
    return not Reminder.objects.exclude(status=status).exists() and Reminder.objects.exists()


# --- the faults -----------------------------------------------------------------


def test_two_sweeps_at_the_same_moment_send_each_reminder_once(
    services_env, private_redis, smtp, workers, sweepers, alice_practice, alice
):
    smtp_url, inbox = smtp()
    env = {**services_env, "REDIS_URL": private_redis.url, "EMAIL_URL": smtp_url}
    clients = due_clients(alice_practice, alice, 12)
    first, second = sweepers(env), sweepers(env)
    workers(env, concurrency=2)
    first.ready(), second.ready()

    start_at = time.time() + 1  # both processes are set up and waiting: they sweep together
    first.start(at=start_at), second.start(at=start_at)
    queued = [first.queued(), second.queued()]

    assert sum(queued) == 12
    assert wait_for(lambda: all_rows(Reminder.SENT), timeout=60)
    assert not wait_for(lambda: len(inbox.messages) > 12, timeout=3)
    assert recipients(inbox) == sorted(client.email for client in clients)


def test_a_worker_killed_mid_send_is_taken_over_after_its_lease_and_the_email_goes_out_once(
    services_env, private_redis, smtp, workers, sweepers, bob
):
    smtp_url, inbox = smtp(stall_first=True)
    env = {**services_env, "REDIS_URL": private_redis.url, "EMAIL_URL": smtp_url}
    assign(bob, start=timezone.localdate() - timedelta(days=1))
    Assignment.objects.update(next_reminder_at=timezone.now() - timedelta(seconds=5))
    sweeper = sweepers(env)
    first = workers(env)

    assert sweeper.ready().sweep() == 1
    assert inbox.stalled.wait(timeout=60), first.tail()
    first.kill()  # SIGKILL in the middle of the SMTP DATA
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.SENDING

    workers(env)
    lease_over = reminder.claimed_at + timedelta(seconds=LEASE_SECONDS + 1)
    assert wait_for(lambda: timezone.now() > lease_over, timeout=30)
    assert sweeper.sweep() == 1  # the sweep hands the abandoned row to the new worker

    assert wait_for(lambda: all_rows(Reminder.SENT), timeout=60)
    assert not wait_for(lambda: len(inbox.messages) > 1, timeout=3)
    assert recipients(inbox) == [bob.email]


def test_sends_queued_before_a_redis_restart_are_all_delivered_after_it(
    services_env, private_redis, smtp, workers, sweepers, alice_practice, alice
):
    smtp_url, inbox = smtp()
    env = {**services_env, "REDIS_URL": private_redis.url, "EMAIL_URL": smtp_url}
    clients = due_clients(alice_practice, alice, 5)

    assert sweepers(env).ready().sweep() == 5  # queued with no worker running yet
    private_redis.stop()
    private_redis.start()
    workers(env)

    assert wait_for(lambda: len(inbox.messages) == 5, timeout=60)
    assert wait_for(lambda: all_rows(Reminder.SENT), timeout=30)
    assert recipients(inbox) == sorted(client.email for client in clients)


def test_reminders_due_while_redis_is_down_are_all_sent_once_it_is_back(
    services_env, private_redis, smtp, workers, sweepers, alice_practice, alice
):
    smtp_url, inbox = smtp()
    env = {**services_env, "REDIS_URL": private_redis.url, "EMAIL_URL": smtp_url}
    clients = due_clients(alice_practice, alice, 4)
    sweeper = sweepers(env)
    workers(env)
    sweeper.ready()

    private_redis.stop()
    assert sweeper.sweep() == 4  # rows written; the queueing fails
    assert Reminder.objects.filter(status=Reminder.PENDING, queued_at__isnull=True).count() == 4  # still due
    private_redis.start()
    back = time.monotonic()
    assert sweeper.sweep() == 4  # beat's next tick, not one REQUEUE_AFTER later

    assert wait_for(lambda: len(inbox.messages) == 4, timeout=90)
    assert wait_for(lambda: all_rows(Reminder.SENT), timeout=30)
    assert recipients(inbox) == sorted(client.email for client in clients)
    print(
        f"broker down during a sweep: 4 of 4 delivered {time.monotonic() - back:.1f} s after Redis returned"
    )


def test_an_smtp_server_refusing_for_a_while_is_retried_with_growing_backoff_then_delivered(
    services_env, private_redis, smtp, workers, sweepers, bob
):
    smtp_url, inbox = smtp(refuse=2)
    env = {**services_env, "REDIS_URL": private_redis.url, "EMAIL_URL": smtp_url}
    assign(bob, start=timezone.localdate() - timedelta(days=1))
    Assignment.objects.update(next_reminder_at=timezone.now() - timedelta(seconds=5))
    sweeper = sweepers(env)
    workers(env)
    waits = []

    assert sweeper.ready().sweep() == 1
    for attempt in (1, 2):
        refused = wait_for(
            lambda a=attempt: Reminder.objects.filter(attempts=a, status=Reminder.PENDING).first()
        )
        assert refused, f"attempt {attempt} was not recorded"
        assert "SMTPDataError" in refused.reason
        waits.append(refused.not_before - refused.claimed_at)
        assert sweeper.sweep(now=refused.not_before - timedelta(seconds=1)) == 0  # not before its time
        assert sweeper.sweep(now=refused.not_before + timedelta(seconds=1)) == 1

    assert wait_for(lambda: all_rows(Reminder.SENT), timeout=60)
    assert waits[1] > waits[0] > timedelta(0)
    assert recipients(inbox) == [bob.email]
    assert (inbox.attempts, Reminder.objects.get().attempts) == (3, 2)


def test_two_workers_delivering_the_same_reminder_at_once_send_one_email(services_env, bob):
    from django.core import mail
    from django.db import connections

    assign(bob, start=timezone.localdate() - timedelta(days=1))
    Assignment.objects.update(next_reminder_at=timezone.now() - timedelta(seconds=5))
    with patch_queue_sends():
        (reminder_id,) = delivery.sweep()
    barrier, results = threading.Barrier(4), []

    def deliver_it():
        barrier.wait()
        try:
            results.append(delivery.deliver(reminder_id))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results, key=str) == [None, None, None, Reminder.SENT]
    assert len(mail.outbox) == 1


def patch_queue_sends():
    from unittest import mock

    return mock.patch("clients.reminders.delivery._queue_sends", lambda ids: None)


def message_ids(inbox) -> list[str]:
    return [message_from_bytes(message.content)["Message-ID"] for message in inbox.messages]


def test_a_slow_relay_outlasting_the_claim_lease_sends_each_reminder_once(
    services_env, private_redis, smtp, workers, sweepers, alice_practice, alice
):
    smtp_url, inbox = smtp(seconds_each=1.0)  # 6 messages of a chunk take twice the 3 s lease
    env = {**services_env, "REDIS_URL": private_redis.url, "EMAIL_URL": smtp_url}
    clients = due_clients(alice_practice, alice, 6)
    sweeper = sweepers(env)
    workers(env, concurrency=2)

    assert sweeper.ready().sweep() == 6
    requeued = 0
    while not all_rows(Reminder.SENT) and len(inbox.messages) <= 6:
        time.sleep(1)
        requeued += sweeper.sweep()  # beat's sweeps meanwhile: a claim past its lease would be handed on

    assert not wait_for(lambda: len(inbox.messages) > 6, timeout=3)
    assert recipients(inbox) == sorted(client.email for client in clients)
    assert requeued == 0
    expected = sorted(delivery.message_id(row) for row in Reminder.objects.all())
    assert sorted(message_ids(inbox)) == expected
    print(f"slow relay past the lease: {len(inbox.messages)} emails to 6 clients, {requeued} rows handed on")


def test_a_worker_killed_in_the_middle_of_a_chunk_loses_no_reminder(
    services_env, private_redis, smtp, workers, sweepers, alice_practice, alice
):
    smtp_url, inbox = smtp(seconds_each=0.3)
    env = {**services_env, "REDIS_URL": private_redis.url, "EMAIL_URL": smtp_url}
    clients = due_clients(alice_practice, alice, 10)
    sweeper = sweepers(env)
    first = workers(env)

    assert sweeper.ready().sweep() == 10
    assert wait_for(lambda: len(inbox.messages) >= 3, timeout=60), first.tail()
    first.kill()
    sent_before_kill = len(inbox.messages)
    workers(env)
    lease_over = timezone.now() + timedelta(seconds=LEASE_SECONDS + 1)
    assert wait_for(lambda: timezone.now() > lease_over, timeout=30)
    assert sweeper.sweep() >= 10 - sent_before_kill - 1  # the abandoned rows are handed to the new worker

    assert wait_for(lambda: all_rows(Reminder.SENT), timeout=60)
    got = recipients(inbox)
    lost = set(client.email for client in clients) - set(got)
    duplicates = len(got) - len(set(got))
    print(f"SIGKILLed worker after {sent_before_kill} of 10: {len(lost)} lost, {duplicates} sent twice")
    assert not lost
    assert duplicates <= 1  # at most the one whose mark the kill cut off; its Message-ID is the same
    assert len(set(message_ids(inbox))) == 10
