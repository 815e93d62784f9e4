"""Reminders at scale on PostgreSQL: the sweep, then end-to-end sends, each against a floor.

1. 100,000 active assignments over 30 timezones, about 1,000 due in the minute swept:
   the sweep's time and query count (goal: under 1 s, a constant number of queries).
   Floor: one plain indexed read of the due rows.
2. Sends end to end: a real Celery worker (2 processes) on Redis delivering into a
   loopback SMTP sink (aiosmtpd), from the sweep to the last message received. Floor: as many
   messages of the same size sent by one process over one SMTP connection, with no database
   or broker, into the same sink. ROUNDS rounds, floor and worker interleaved; the ratio of
   each round and their median (goal: >= 0.8x the floor), with the load average beside.

Runs on a throwaway database and a private Celery queue; needs DATABASE_URL (PostgreSQL)
and REDIS_URL. Bounded: the send phase gives up after SEND_TIMEOUT seconds.
"""

import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ["CELERY_QUEUE"] = f"rehabit-bench-reminders-{os.getpid()}"

from _django import bench_database

ASSIGNMENTS = 100_000
DUE = 1_000
SENDS = 1_000  # per round
ROUNDS = 3
SEND_TIMEOUT = 90
ZONES = [
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
    "America/Chicago", "America/New_York", "America/Sao_Paulo", "America/St_Johns",
    "Atlantic/Azores", "Europe/London", "Europe/Berlin", "Europe/Helsinki", "Africa/Lagos",
    "Africa/Nairobi", "Asia/Tehran", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata",
    "Asia/Kathmandu", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo",
    "Australia/Adelaide", "Australia/Sydney", "Pacific/Noumea", "Pacific/Auckland",
    "Pacific/Chatham", "Pacific/Tongatapu", "America/Mexico_City",
]  # fmt: skip
BATCH = 5_000


class Sink:
    """A loopback SMTP server that counts what it receives and when the last one came."""

    def __init__(self):
        self.count, self.first, self.last = 0, 0.0, 0.0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.last = time.perf_counter()
        self.first = self.first or self.last
        return "250 OK"


def populate(now: datetime) -> None:
    from clients.models import Assignment, Client
    from practice.models import Practice
    from programs.models import Exercise, Program, ProgramExercise

    rng = random.Random(7)
    practice = Practice.objects.create(name="Bench", slug="bench")
    exercises = Exercise.objects.bulk_create(
        Exercise(
            slug=f"bench-{n}", name=f"Exercise {n}", body_region="core", steps=["Move."], cues=["Breathe."]
        )
        for n in range(3)
    )
    clients = Client.objects.bulk_create(
        (
            Client(
                practice=practice,
                name=f"Client {n}",
                email=f"c{n}@bench.example",
                timezone=rng.choice(ZONES),
                reminder_time=clock(rng.randrange(24), rng.randrange(60)),
            )
            for n in range(ASSIGNMENTS)
        ),
        batch_size=BATCH,
    )
    programs = Program.objects.bulk_create(
        (Program(practice=practice, title="P") for _ in range(ASSIGNMENTS)), batch_size=BATCH
    )
    ProgramExercise.objects.bulk_create(
        (
            ProgramExercise(program=program, exercise=exercise, position=position, sets=3, reps=10)
            for program in programs[: DUE + SENDS * ROUNDS]
            for position, exercise in enumerate(exercises)
        ),
        batch_size=BATCH,
    )
    Assignment.objects.bulk_create(
        (
            assignment_for(n, client, program, now, rng)
            for n, (client, program) in enumerate(zip(clients, programs, strict=True))
        ),
        batch_size=BATCH,
    )


def assignment_for(n: int, client, program, now: datetime, rng):
    from clients.models import Assignment

    # The first DUE fell due in the last minute; SENDS more are due an hour on for each round,
    # the rest later.
    if n < DUE:
        due = now - timedelta(seconds=rng.randrange(60))
    elif n < DUE + SENDS * ROUNDS:
        due = now + timedelta(hours=1 + (n - DUE) // SENDS)
    else:
        due = now + timedelta(hours=1 + ROUNDS, minutes=n % 1_000)
    return Assignment(
        client=client,
        program=program,
        # Starting on the client's own day of that reminder: no missed days, so no nudges.
        start_date=due.astimezone(ZoneInfo(client.timezone)).date(),
        weeks=6,
        days_of_week=list(range(7)),
        next_reminder_at=due,
    )


def measure_sweep(now: datetime) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients import tasks  # noqa: F401 (beat and worker load the tasks at start)
    from clients.models import Assignment
    from clients.reminders import delivery

    start = time.perf_counter()
    due = list(
        Assignment.objects.filter(status="active", next_reminder_at__lte=now).values_list("pk", "client_id")
    )
    floor = time.perf_counter() - start
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        queued = delivery.sweep(now=now)
        elapsed = time.perf_counter() - start
    print(
        f"{ASSIGNMENTS:,} active assignments over {len(ZONES)} timezones, {len(due):,} due, {connection.vendor}"
    )
    print(f"  floor (one indexed read of the due rows): {floor * 1000:.0f} ms")
    print(
        f"  sweep: {elapsed * 1000:.0f} ms = {elapsed / floor:.1f}x floor, {len(queries)} queries, "
        f"{len(queued):,} sends queued (goal < 1000 ms, constant queries)"
    )
    # Same sweep, 10x fewer due rows: the query count must not move.
    delivery.Reminder.objects.all().delete()
    Assignment.objects.filter(pk__in=[pk for pk, _ in due[: len(due) // 10]]).update(next_reminder_at=now)
    with CaptureQueriesContext(connection) as few:
        delivery.sweep(now=now)
    print(f"  sweep of {len(due) // 10:,} due: {len(few)} queries (vs {len(queries)} for {len(due):,})")
    delivery.Reminder.objects.all().delete()


def measure_floor_send(smtp_port: int, sink: Sink) -> float:
    """One process, one SMTP connection, the same message shape: what the sink and loopback allow."""
    from django.core.mail import EmailMultiAlternatives
    from django.core.mail.backends.smtp import EmailBackend

    backend = EmailBackend(host="127.0.0.1", port=smtp_port, timeout=10)
    before = sink.count
    start = time.perf_counter()
    with backend:
        for n in range(SENDS):
            message = EmailMultiAlternatives(
                "Today's exercises", "text " * 60, to=[f"c{n}@bench.example"], connection=backend
            )
            message.attach_alternative("<p>html</p>" * 40, "text/html")
            message.send()
    elapsed = time.perf_counter() - start
    assert sink.count - before == SENDS
    return SENDS / elapsed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_worker(database: str, smtp_port: int) -> subprocess.Popen:
    from django.db import connection

    settings = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret"),
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{database}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2",
         "-Q", os.environ["CELERY_QUEUE"], "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(iter(worker.stdout.readline, "")), daemon=True).start()
    deadline = time.monotonic() + 60
    worker.log = log
    while not any("ready." in line for line in log):
        if time.monotonic() > deadline or worker.poll() is not None:
            worker.kill()
            raise SystemExit("the worker did not start:\n" + "".join(log[-30:]))
        time.sleep(0.1)
    return worker


def measure_sends(now: datetime, database: str) -> None:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command otherwise

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    ratios = []
    try:
        worker = start_worker(database, port)
        try:
            for round_number in range(ROUNDS):
                floor = measure_floor_send(port, sink)
                rate = measure_round(now + timedelta(hours=1 + round_number, seconds=30), sink, worker)
                ratios.append(rate / floor)
                print(
                    f"  round {round_number + 1}: floor {floor:.0f} emails/s, worker {rate:.0f} emails/s "
                    f"= {rate / floor:.2f}x   loadavg {_loadavg()}"
                )
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    finally:
        controller.stop()
    print(
        f"sends: worker (2 processes, Redis, PostgreSQL) / one process straight to the sink: "
        f"median {statistics.median(ratios):.2f}x of {ROUNDS} rounds (goal >= 0.8x)   loadavg {_loadavg()}"
    )


def measure_round(when: datetime, sink: Sink, worker) -> float:
    """One sweep's sends, from the sweep to the last message in the sink: emails/s."""
    from clients.models import Reminder
    from clients.reminders import delivery

    before = sink.count
    start = time.perf_counter()
    queued = delivery.sweep(now=when)
    deadline = time.monotonic() + SEND_TIMEOUT
    open_rows = Reminder.objects.filter(status__in=[Reminder.PENDING, Reminder.SENDING])
    while open_rows.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    received = sink.count - before
    sent = Reminder.objects.filter(pk__in=queued, status=Reminder.SENT).count()
    if open_rows.exists() or received != sent or sent != len(queued):
        print(f"  {len(queued)} queued, {received} received, {sent} marked sent")
        _explain_shortfall(worker)
    return received / (sink.last - start)


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _explain_shortfall(worker) -> None:
    from django.db.models import Count

    from clients.models import Reminder

    print("  not all sends finished in time; rows by status:")
    for row in Reminder.objects.values("kind", "status", "reason").annotate(n=Count("id")):
        print("   ", row)
    print("  worker log tail:\n" + "".join(worker.log[-30:]))


def main() -> None:
    from django.db import connection

    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        print("bench/reminders.py needs DATABASE_URL (PostgreSQL) and REDIS_URL; skipped")
        return
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    started = time.perf_counter()
    with bench_database() as database:
        populate(now)
        print(f"(populated in {time.perf_counter() - started:.0f} s)")
        measure_sweep(now)
        measure_sends(now, database)
    print(f"(whole bench {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
