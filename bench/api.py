"""The client API under load: gunicorn on 127.0.0.1 over PostgreSQL, wrk per endpoint, in rounds.

Measured (issue 21): the check-off PUT (each request re-syncs one of a week's slots, as a phone
would) and GET /api/v1/me/today/, each against a yardstick served by the same gunicorn in the
same round, authenticated the same way (knox token) and doing only the least work of its kind:

- the PUT against a DRF view doing one INSERT in a transaction;
- today's list against a DRF view reading the client's slots with one indexed query;
- both also against the bare DRF view (the floor), for the history of issue 6.

Every round measures each endpoint once, in turn (rounds interleaved), and a ratio is always
of two figures from the same round; the medians over the rounds are the result. Goals: each
ratio to its yardstick at least 0.8, p99 under 50 ms at 8 connections (on a quiet machine: the
load average is printed beside every figure). Loadavg matters: 2 cores shared with other work
make every figure noisy, same-round ratios much less so.

BENCH_ROUNDS (default 3) and BENCH_SECONDS (default 5) set the rounds and each load's length;
BENCH_ONLY (e.g. `put,insert`) measures only the endpoints it names, to iterate on one of them
with its yardstick.
"""

import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

from _django import bench_database

ROUNDS = max(3, int(os.environ.get("BENCH_ROUNDS", "3")))
DURATION = f"{int(os.environ.get('BENCH_SECONDS', '5'))}s"
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
ONLY = {name for name in os.environ.get("BENCH_ONLY", "").replace(" ", "").split(",") if name}
THREADS = 2
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
EXERCISES = 6
SESSIONS = 2
DAYS = 7
GOAL_RATIO = 0.80
GOAL_P99_MS = 50.0
BENCH_DIR = Path(__file__).resolve().parent
GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]

# wrk calls request() for every request; done() prints one line the script parses. Mode "get"
# GETs the path; "slots" PUTs a random slot's body to put_prefix .. its id; "fixed" PUTs a
# random slot's body to the path itself.
LUA = """
local token = "%(token)s"
local mode = "%(mode)s"
local slots = {%(slots)s}
local headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
math.randomseed(%(seed)d)
request = function()
  if mode == "get" then return wrk.format("GET", wrk.path, headers) end
  local s = slots[math.random(#slots)]
  local body = string.format(
    '{"assignment_exercise": %%d, "date": "%%s", "session": %%d, "pain": %%d, "difficulty": 2}',
    s[2], s[3], s[4], math.random(0, 10))
  if mode == "fixed" then return wrk.format("PUT", wrk.path, headers, body) end
  return wrk.format("PUT", "%(put_prefix)s" .. s[1] .. "/", headers, body)
end
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout
  io.write(string.format("RESULT %%f %%f %%d %%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000, summary.requests, bad))
end
"""


def populate() -> tuple[str, int, list[tuple]]:
    """A client with a 6-exercise, twice-a-day program started a week ago; their token, id and slots."""
    from django.utils import timezone
    from knox.models import AuthToken

    from clients.scheduling import local_date
    from tests.factories import ClientFactory, TemplateFactory, assign

    client = ClientFactory(email="bench@example.com", timezone="UTC")
    assignment = assign(
        client,
        start=timezone.localdate() - timedelta(days=DAYS),
        sessions=SESSIONS,
        template=TemplateFactory(exercises=EXERCISES),
    )
    today = local_date(client, timezone.now())
    slots = [
        (str(uuid.uuid4()), item.pk, (today - timedelta(days=back)).isoformat(), session)
        for item in assignment.program.items.all()
        for session in range(1, SESSIONS + 1)
        for back in range(DAYS)
    ]
    return AuthToken.objects.create(client.user)[1], client.pk, slots


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database: str, port: int) -> subprocess.Popen:
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "_api_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; production redirects to HTTPS
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_KEY_PREFIX": f"rehabit-bench-{uuid.uuid4()}",
        "PYTHONPATH": f"{BENCH_DIR}{os.pathsep}{BENCH_DIR.parent}",
    }
    server = subprocess.Popen(
        [*GUNICORN, "-b", f"127.0.0.1:{port}", "-w", str(WORKERS), "--log-level", "warning"],
        env=env,
        cwd=BENCH_DIR.parent,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:  # any answer will do (401: no token): the health check's broker probe can be slow
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor/", timeout=5)
            return server
        except urllib.error.HTTPError:
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def load(port: int, path: str, lua: str, duration: str = DURATION) -> tuple[float, float, int, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", duration, "-s", script.name]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    )
    os.unlink(script.name)
    line = next(line for line in output.stdout.splitlines() if line.startswith("RESULT"))
    rps, p99, requests, bad = line.split()[1:]
    return float(rps), float(p99), int(requests), int(bad)


def script_for(token: str, slots: list[tuple], mode: str = "get") -> str:
    rows = ",".join(f'{{"{i}",{item},"{day}",{session}}}' for i, item, day, session in slots)
    return LUA % {
        "token": token,
        "slots": rows,
        "seed": 7,
        "mode": mode,
        "put_prefix": "/api/v1/me/completions/",
    }


def endpoints(client_id: int) -> list[tuple[str, str, str]]:
    """(name, path, wrk mode) of every endpoint a round measures (BENCH_ONLY's), in the order it does."""
    every = [
        ("floor", "/bench/floor/", "get"),
        ("insert", f"/bench/insert/{client_id}/", "fixed"),
        ("select", "/bench/slots/", "get"),
        ("today", "/api/v1/me/today/", "get"),
        ("put", "/", "slots"),
    ]
    return [endpoint for endpoint in every if not ONLY or endpoint[0] in ONLY]


LABELS = {
    "floor": "GET /bench/floor/ (bare DRF, token)",
    "insert": "PUT yardstick: one INSERT in a transaction",
    "select": "GET yardstick: the slots in one indexed query",
    "today": "GET /api/v1/me/today/",
    "put": "PUT /api/v1/me/completions/{id}/",
}


def check_off_every_slot(token: str, slots: list[tuple]) -> None:
    """Through the API, so every round's PUT replays slots already there, as a phone re-syncing."""
    from django.test import Client
    from django.test.utils import override_settings

    web = Client(HTTP_AUTHORIZATION=f"Token {token}")
    with override_settings(ROOT_URLCONF="_api_urls"):
        for completion_id, item, day, session in slots:
            body = {"assignment_exercise": item, "date": day, "session": session, "pain": 1, "difficulty": 2}
            response = web.put(
                f"/api/v1/me/completions/{completion_id}/", body, content_type="application/json"
            )
            assert response.status_code < 300, response.content


def statements_per_request(token: str, client_id: int, slots: list[tuple]) -> dict[str, int]:
    """SQL statements one request of each endpoint runs, counted in-process (not under load)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    web = Client(HTTP_AUTHORIZATION=f"Token {token}")
    completion_id, item, day, session = slots[0]
    body = {"assignment_exercise": item, "date": day, "session": session, "pain": 4, "difficulty": 2}
    pains = itertools.cycle([5, 6])
    requests = {
        "floor": lambda: web.get("/bench/floor/"),
        "insert": lambda: web.put(f"/bench/insert/{client_id}/", body, content_type="application/json"),
        "select": lambda: web.get("/bench/slots/"),
        "today": lambda: web.get("/api/v1/me/today/"),
        "put": lambda: web.put(  # a changed replay, as under load: the pain differs each time
            f"/api/v1/me/completions/{completion_id}/",
            {**body, "pain": next(pains)},
            content_type="application/json",
        ),
    }
    counts = {}
    with override_settings(ROOT_URLCONF="_api_urls"):
        for name, request in requests.items():
            if ONLY and name not in ONLY:
                continue
            request()  # the first of each may warm caches; count the second, as under load
            with CaptureQueriesContext(connection) as statements:
                assert request().status_code < 300
            counts[name] = len(statements)
    return counts


def main() -> None:
    from django.db import connection

    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): skipped")
        return
    if connection.vendor != "postgresql":
        print("DATABASE_URL is not PostgreSQL: skipped (the bench measures the production stack)")
        return
    with bench_database() as database:
        token, client_id, slots = populate()
        check_off_every_slot(token, slots)
        statements = statements_per_request(token, client_id, slots)  # each answers 2xx, or stop here
        port = free_port()
        server = start_server(database, port)
        rounds = []
        try:
            for _, path, mode in endpoints(client_id):  # warm every worker before measuring
                load(port, path, script_for(token, slots, mode), duration="2s")
            for _ in range(ROUNDS):
                figures = {}
                for name, path, mode in endpoints(client_id):
                    figures[name] = (*load(port, path, script_for(token, slots, mode)), loadavg())
                rounds.append(figures)
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(rounds, statements)


RATIOS = [
    ("PUT / one-INSERT yardstick", "put", "insert"),
    ("today / one-SELECT yardstick", "today", "select"),
    ("PUT / bare floor", "put", "floor"),
    ("today / bare floor", "today", "floor"),
    ("one-INSERT yardstick / floor", "insert", "floor"),
    ("one-SELECT yardstick / floor", "select", "floor"),
]


def report(rounds: list[dict], statements: dict[str, int]) -> None:
    print(
        f"gunicorn x{WORKERS} on 127.0.0.1 over PostgreSQL; wrk {THREADS} threads, {CONNECTIONS} "
        f"connections, {DURATION} per endpoint, {len(rounds)} rounds interleaved"
    )
    for number, figures in enumerate(rounds, 1):
        print(f"-- round {number}")
        print(f"{'endpoint':46} {'req/s':>8} {'p99 ms':>8} {'non-2xx':>8} {'SQL':>4}  loadavg")
        for name, (rps, p99, _, bad, load_average) in figures.items():
            print(f"{LABELS[name]:46} {rps:8.0f} {p99:8.1f} {bad:8d} {statements[name]:4d}  {load_average}")
    print(f"-- medians of {len(rounds)} rounds (each ratio of two figures from the same round)")
    for label, top, bottom in RATIOS:
        if top not in rounds[0] or bottom not in rounds[0]:
            continue
        ratios = [r[top][0] / r[bottom][0] if r[bottom][0] else 0.0 for r in rounds]
        goal = f"  goal >= {GOAL_RATIO}: {'met' if statistics.median(ratios) >= GOAL_RATIO else 'NOT met'}"
        print(
            f"{label:32} {statistics.median(ratios):6.2f}  rounds: "
            + " ".join(f"{ratio:.2f}" for ratio in ratios)
            + (goal if bottom in ("insert", "select") and top in ("put", "today") else "")
        )
    for name in ("put", "today"):
        if name not in rounds[0]:
            continue
        p99s = [r[name][1] for r in rounds]
        met = "met" if statistics.median(p99s) < GOAL_P99_MS else "NOT met"
        print(
            f"p99 {name:28} {statistics.median(p99s):6.1f} ms  rounds: "
            + " ".join(f"{p:.1f}" for p in p99s)
            + f"  goal < {GOAL_P99_MS:.0f} ms at {CONNECTIONS} connections: {met}"
        )
    print(f"loadavg at the end: {loadavg()} (2 cores; figures above 2 mean a shared, busy machine)")
    print("SQL: statements one request runs (BEGIN and COMMIT included), counted in-process")


if __name__ == "__main__":
    main()
