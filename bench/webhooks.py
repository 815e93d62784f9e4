"""Webhooks at scale on PostgreSQL and Redis: the fan-out, then what an event costs the check-off.

1. Fan-out: 1,000 check-offs, each an event for one endpoint on a local receiver (a threading
   http.server on loopback that answers 200 and notes every webhook-id), written first with
   their first attempts queued; then a real Celery worker (2 processes) posts them. Figures:
   deliveries per second from the worker's start to the last delivery received; lost (a check-off whose webhook-id never arrived: goal 0); webhook-ids
   acknowledged twice (goal 0); rows left undelivered.
2. The check-off's own PUT (`PUT /api/v1/me/completions/{id}/`, each one a new check-off, so an
   event each), in-process through Django's test client: each PUT is, at random, the real one or
   one whose `emit` call is a no-op (the PUT as it was before webhooks), in rounds with no
   endpoint registered (the usual case: goal within 1.1x) and with one (a row written and a task
   queued after commit). Medians per PUT, with the load average.

Runs on a throwaway database and a private Celery queue; needs DATABASE_URL (PostgreSQL) and
REDIS_URL. Bounded: the fan-out gives up after DELIVERY_TIMEOUT seconds.
"""

import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ["CELERY_QUEUE"] = f"rehabit-bench-webhooks-{os.getpid()}"

from _django import bench_database

CHECK_OFFS = 1_000
EXERCISES = 10
SESSIONS = 6
DAYS = 8  # today and the seven days back a check-off may go
PUTS = 120  # of each kind, per round
ROUNDS = 6  # rounds without an endpoint and with one, taking turns
DELIVERY_TIMEOUT = 120


class Receiver:
    """Answers 200 to every POST and counts each webhook-id it acknowledged."""

    def __init__(self):
        self.acknowledged: Counter = Counter()
        self.last = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.acknowledged[self.headers["webhook-id"]] += 1
                receiver.last = time.perf_counter()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def populate(clients: int):
    """Clients with a 10-exercise, six-sessions-a-day program started a week ago; their slots."""
    from django.utils import timezone

    from practice.models import Membership
    from tests.factories import ClientFactory, MembershipFactory, TemplateFactory, assign

    owner = MembershipFactory(role=Membership.OWNER)
    template = TemplateFactory(exercises=EXERCISES)
    today = timezone.now().date()
    slots = []
    for n in range(clients):
        client = ClientFactory(practice=owner.practice, email=f"c{n}@bench.example", timezone="UTC")
        assignment = assign(client, start=today - timedelta(days=DAYS), sessions=SESSIONS, template=template)
        slots += [
            (client, item, today - timedelta(days=back), session)
            for item in assignment.program.items.all()
            for session in range(1, SESSIONS + 1)
            for back in range(DAYS)
        ]
    return owner.practice, slots


def register(practice, url: str):
    from clients.webhooks.endpoints import endpoint_create

    return endpoint_create(practice=practice, url=url, events=["completion.created"], by=None)


def check_off_in_process(slot) -> None:
    from clients.checkoffs.completions import completion_record

    client, item, day, session = slot
    completion_record(
        client=client,
        completion_id=uuid.uuid4(),
        item=item,
        fields={"date": day, "session": session, "pain": 2},
        actor=client.user,
    )


def start_worker(database: str) -> subprocess.Popen:
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}",
        "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "1",
        "WEBHOOKS_REQUIRE_HTTPS": "0",
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
    while not any("ready." in line for line in log):
        if time.monotonic() > deadline or worker.poll() is not None:
            worker.kill()
            raise SystemExit("the worker did not start:\n" + "".join(log[-30:]))
        time.sleep(0.1)
    worker.log = log
    return worker


def measure_fan_out(database: str, practice, slots) -> None:
    from clients.models import WebhookDelivery
    from clients.webhooks.endpoints import endpoint_delete

    receiver = Receiver()
    endpoint = register(practice, receiver.url)
    for client in {slot[0] for slot in slots}:
        client.practice.refresh_from_db()  # as a request loads it: now with the endpoint's events
    # The check-offs first, their first attempts waiting in the queue; then the worker: what is
    # timed is the delivery alone, not this one process writing check-offs.
    start = time.perf_counter()
    for slot in slots[:CHECK_OFFS]:
        check_off_in_process(slot)
    written = time.perf_counter() - start
    worker = start_worker(database)
    try:
        start = time.perf_counter()
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while len(receiver.acknowledged) < CHECK_OFFS and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)  # anything acknowledged twice arrives now or never
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    ids = set(WebhookDelivery.objects.values_list("webhook_id", flat=True))
    lost = len(ids - set(receiver.acknowledged))
    twice = sum(1 for count in receiver.acknowledged.values() if count > 1)
    open_rows = WebhookDelivery.objects.exclude(status=WebhookDelivery.DELIVERED).count()
    elapsed = receiver.last - start
    print(
        f"fan-out: {CHECK_OFFS:,} check-offs, one endpoint on loopback, worker of 2 processes (Redis, PostgreSQL)"
    )
    print(f"  check-offs written in {written:.1f} s ({CHECK_OFFS / written:.0f}/s, one process)")
    print(
        f"  {len(receiver.acknowledged):,} delivered in {elapsed:.1f} s from the worker's start: "
        f"{len(receiver.acknowledged) / elapsed:.0f} deliveries/s   loadavg {_loadavg()}"
    )
    print(
        f"  lost: {lost} (goal 0)   webhook-ids acknowledged twice: {twice} (goal 0)   rows not delivered: {open_rows}"
    )
    if lost or open_rows:
        print("  worker log tail:\n" + "".join(worker.log[-20:]))
    WebhookDelivery.objects.all().delete()
    # Gone before the PUTs are timed: its rounds "with no endpoint" must have none.
    endpoint_delete(endpoint=endpoint, by=None)


def measure_put(practice, slots) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from knox.models import AuthToken

    from clients.checkoffs import completions
    from clients.models import Completion
    from clients.webhooks.endpoints import endpoint_update

    Completion.objects.all().delete()
    client = slots[0][0]
    own = [slot for slot in slots if slot[0] == client][: 2 * PUTS]
    token = AuthToken.objects.create(client.user)[1]
    web = Client(HTTP_AUTHORIZATION=f"Token {token}")
    emit, off = completions.emit, (lambda *args, **kwargs: None)
    endpoint = register(practice, "http://127.0.0.1:9/never-called")  # nothing delivers in this part
    timings: dict[str, list[float]] = {}
    chooser = random.Random(7)
    unthrottled = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), "1000000/min"
    )}  # fmt: skip
    with override_settings(ALLOWED_HOSTS=["*"], REST_FRAMEWORK=unthrottled):  # the bench is no attack
        for round_number in range(ROUNDS):
            registered = round_number % 2 == 1
            endpoint_update(endpoint=endpoint, enabled=registered, by=None)
            way = "one endpoint registered" if registered else "no endpoint registered"
            # PUT by PUT, the check-off with its `emit` call or without it (as before webhooks),
            # chosen at random: the machine's load falls on both alike.
            for slot in own:
                real = chooser.random() < 0.5  # not by turns: the slots' order has a rhythm of its own
                completions.emit = emit if real else off
                name = way if real else f"emit off, beside {way}"
                timings.setdefault(name, []).append(_time_put(web, slot))
            completions.emit = emit
            Completion.objects.all().delete()
    print(
        f"check-off PUT, each a new check-off, in-process: median of about {ROUNDS * PUTS // 2:,} PUTs each, "
        "each PUT at random the real one or one whose emit call does nothing"
    )
    for way in ("no endpoint registered", "one endpoint registered"):
        mine, before = statistics.median(timings[way]), statistics.median(timings[f"emit off, beside {way}"])
        goal = "  (goal <= 1.10x)" if way.startswith("no") else ""
        print(
            f"  {way:24} {mine * 1000:6.2f} ms/PUT vs {before * 1000:6.2f} ms with emit off: "
            f"{mine / before:5.2f}x{goal}"
        )
    unheard, heard = (
        statistics.median(timings[way]) for way in ("no endpoint registered", "one endpoint registered")
    )
    print(
        f"  one endpoint registered / none: {heard / unheard:5.2f}x "
        "(a delivery row in the check-off's transaction and a task queued after its commit)"
    )
    print(f"  loadavg {_loadavg()}")


def _time_put(web, slot) -> float:
    _, item, day, session = slot
    body = {"assignment_exercise": item.pk, "date": day.isoformat(), "session": session, "pain": 2}
    start = time.perf_counter()
    answer = web.put(f"/api/v1/me/completions/{uuid.uuid4()}/", body, content_type="application/json")
    elapsed = time.perf_counter() - start
    assert answer.status_code == 201, answer.content
    return elapsed


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def main() -> None:
    from django.db import connection

    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        print("bench/webhooks.py needs DATABASE_URL (PostgreSQL) and REDIS_URL; skipped")
        return
    started = time.perf_counter()
    with bench_database() as database:
        practice, slots = populate(clients=-(-CHECK_OFFS // (EXERCISES * SESSIONS * DAYS)))
        print(f"(populated in {time.perf_counter() - started:.0f} s)   loadavg {_loadavg()}")
        measure_fan_out(database, practice, slots)
        measure_put(practice, slots)
    print(f"(whole bench {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
