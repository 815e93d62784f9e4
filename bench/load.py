"""A mixed load for a bounded time across N web nodes (gunicorn) and N Celery workers sharing one
PostgreSQL, Redis and object store (a local S3 server, moto's), as docs/operations.md runs them.

Practitioners browse their client list and client pages and download handouts, clients read
today's list and check exercises off, each thread on one node in turn, and the reminder sweep
runs every few seconds. Prints requests per second, p50/p99 per kind, errors, and whether every
acknowledged check-off is stored once.
Loopback only, bounded: `python bench/load.py [--seconds 60] [--clients 40] [--nodes 2]`.
Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, default the local ones).
"""

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "rehabit_load_bench"
BASE_DB = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rehabit").rsplit("/", 1)[0]
ENV = {
    **os.environ,
    "DATABASE_URL": f"{BASE_DB}/{DB_NAME}",
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    "CELERY_QUEUE": "rehabit-load-bench",
    "SECRET_KEY": "load-bench-only",
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
    "EMAIL_URL": "dummymail://",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "STATIC_ROOT": str(ROOT / "var" / "load-bench-static"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{BASE_DB}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB_NAME}")


def seed(clients: int) -> dict:
    """Runs in a child process on the bench database; prints the sign-ins as JSON."""
    script = f"""
import json
from datetime import timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from clients.models import Client
from clients.assignments.lifecycle import assignment_create
from practice.models import Membership, Practice, User
from programs.models import Program
call_command("migrate", verbosity=0)
call_command("seed_library", verbosity=0)
practice = Practice.objects.create(name="Load", slug="load")
template = Program.objects.filter(practice=None, is_template=True).order_by("pk").first()
doctor = User.objects.create_user("doctor@load.example", "load-bench-pass")
Membership.objects.create(user=doctor, practice=practice, role="owner")
session = SessionStore()
session["_auth_user_id"] = str(doctor.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = doctor.get_session_auth_hash()
session.create()
out = {{"session": session.session_key, "clients": []}}
for n in range({clients}):
    user = User.objects.create_user(f"c{{n}}@load.example", "load-bench-pass")
    client = Client.objects.create(practice=practice, name=f"Client {{n}}", email=user.email, user=user,
                                   timezone="Europe/London")
    a = assignment_create(client=client, template=template, start_date=timezone.localdate() - timedelta(days=7),
                          weeks=4, days_of_week=list(range(7)), sessions_per_day=3)
    out["clients"].append({{"id": client.pk, "assignment": a.pk, "token": AuthToken.objects.create(user)[1],
                           "items": list(a.program.items.values_list("pk", flat=True))}})
print(json.dumps(out))
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = defaultdict(int)
        self.acknowledged: set[str] = set()

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1


def request(conn, method, path, headers, body=None):
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def client_loop(port, client, deadline, recorder, today):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {client['token']}", "Content-Type": "application/json"}
    slots = [(item, day, session) for item in client["items"] for day in range(8) for session in (1, 2, 3)]
    random.shuffle(slots)
    while time.monotonic() < deadline and slots:
        start = time.perf_counter()
        ok = request(conn, "GET", "/api/v1/me/today/", headers) == 200
        recorder.add("GET /me/today/", time.perf_counter() - start, ok)
        item, days_back, session = slots.pop()
        completion = str(uuid.uuid4())
        body = json.dumps(
            {
                "assignment_exercise": item,
                "date": (today - timedelta(days=days_back)).isoformat(),
                "session": session,
                "pain": random.randint(0, 10),
                "difficulty": 3,
            }
        )
        start = time.perf_counter()
        status = request(conn, "PUT", f"/api/v1/me/completions/{completion}/", headers, body)
        recorder.add("PUT /me/completions/", time.perf_counter() - start, status in (200, 201))
        if status in (200, 201):
            with recorder.lock:
                recorder.acknowledged.add(completion)


def practitioner_loop(port, session, clients, deadline, recorder):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={session}"}
    while time.monotonic() < deadline:
        client = random.choice(clients)
        for kind, path, answers in (
            ("GET /clients/", "/clients/", {200}),
            ("GET /clients/<id>/", f"/clients/{client['id']}/", {200}),
            # Rendered once by whichever node is asked first, then a redirect to the stored PDF.
            ("GET handout.pdf", f"/assignments/{client['assignment']}/handout.pdf", {302}),
        ):
            start = time.perf_counter()
            ok = request(conn, "GET", path, headers) in answers
            recorder.add(kind, time.perf_counter() - start, ok)


def sweep_loop(deadline):
    """What beat does, faster: ask the worker for a sweep every few seconds."""
    from celery import Celery

    app = Celery(broker=ENV["REDIS_URL"])
    while time.monotonic() < deadline:
        app.send_task("clients.tasks.sweep_reminders", queue=ENV["CELERY_QUEUE"])
        time.sleep(5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--client-threads", type=int, default=6)
    parser.add_argument("--practitioner-threads", type=int, default=2)
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()

    recreate_database()
    s3_port = free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    endpoint = f"http://127.0.0.1:{s3_port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # noqa: S106 (moto on loopback takes any key)
    ).create_bucket(Bucket="rehabit-load-bench")
    ENV.update(
        S3_BUCKET="rehabit-load-bench",
        S3_ENDPOINT_URL=endpoint,
        S3_ACCESS_KEY_ID="bench",
        S3_SECRET_ACCESS_KEY="bench",  # noqa: S106
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True
    )
    data = seed(args.clients)
    ports = [free_port() for _ in range(args.nodes)]
    processes = [web_node(port, args.web_workers) for port in ports]
    processes += [worker_node(n) for n in range(args.nodes)]
    try:
        for port in ports:
            _wait_for_port(port)
        recorder = Recorder()
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=sweep_loop, args=(deadline,), daemon=True)]
        for n in range(args.client_threads):
            mine, port = data["clients"][n :: args.client_threads], ports[n % len(ports)]
            threads.append(
                threading.Thread(
                    target=lambda mine=mine, port=port: [
                        client_loop(port, c, deadline, recorder, date.today()) for c in mine
                    ],
                    daemon=True,
                )
            )
        threads += [
            threading.Thread(
                target=practitioner_loop,
                args=(ports[n % len(ports)], data["session"], data["clients"], deadline, recorder),
                daemon=True,
            )
            for n in range(args.practitioner_threads)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads[1:]:
            thread.join()
        elapsed = time.monotonic() - started
        stored = _stored_completions(recorder.acknowledged)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        s3.stop()
    print(
        f"{args.nodes} web nodes ({args.web_workers} gunicorn workers each) and {args.nodes} workers; "
        f"load average {Path('/proc/loadavg').read_text().split()[0]}"
    )
    _report(recorder, elapsed, stored)


def web_node(port: int, workers: int) -> subprocess.Popen:
    command = ["gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    return subprocess.Popen([sys.executable, "-m", *command, "--log-level", "warning"], cwd=ROOT, env=ENV)


def worker_node(number: int) -> subprocess.Popen:
    command = ["celery", "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency", "1"]
    return subprocess.Popen(
        [sys.executable, "-m", *command, "-n", f"load{number}@%h", "-Q", ENV["CELERY_QUEUE"]],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for_port(port: int) -> None:
    """Until the node answers its health check: a bound port only says the master is up."""
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if request(conn, "GET", "/api/v1/health/", {}) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _stored_completions(acknowledged: set[str]) -> int:
    import psycopg

    with psycopg.connect(ENV["DATABASE_URL"]) as conn:
        rows = conn.execute("SELECT id::text FROM clients_completion").fetchall()
    return len({row[0] for row in rows} & acknowledged), len(rows)


def _report(recorder: Recorder, elapsed: float, stored) -> None:
    matched, total_rows = stored
    total = sum(len(v) for v in recorder.latencies.values())
    errors = sum(recorder.errors.values())
    print(f"{total} requests in {elapsed:.1f} s: {total / elapsed:.0f} requests/s, {errors} errors")
    for kind, values in sorted(recorder.latencies.items()):
        values.sort()
        p99 = values[max(0, int(len(values) * 0.99) - 1)]
        print(
            f"  {kind:24} {len(values):6} req  p50 {statistics.median(values) * 1000:6.1f} ms  "
            f"p99 {p99 * 1000:6.1f} ms  errors {recorder.errors[kind]}"
        )
    print(
        f"check-offs acknowledged {len(recorder.acknowledged)}, stored {total_rows}, "
        f"acknowledged and stored {matched}: {'none lost' if matched == len(recorder.acknowledged) == total_rows else 'MISMATCH'}"
    )


if __name__ == "__main__":
    main()
