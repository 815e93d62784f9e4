"""The client API under load: gunicorn on 127.0.0.1 over PostgreSQL, wrk for 10 s per endpoint.

Measured: the check-off PUT (each request updates one of a week's slots, as a phone
re-syncing would) and GET /api/v1/me/today/, against a floor measured in the same run: a
bare DRF endpoint on the same server that authenticates the same way and does nothing else.
Goals (issue 6): at least 60 % of the floor's requests per second, p99 under 50 ms, at 8
concurrent connections. Loopback only; bounded to 5 x 10 s of load.

Two yardsticks follow, measured the same way: the floor plus one ORM read, and the floor plus
the least a check-off must write (one row locked and saved in a transaction). They show how
much of the goal any endpoint that reads or writes through the ORM can reach on this stack.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

from _django import bench_database

DURATION = "10s"
CONNECTIONS = 8
THREADS = 2
WORKERS = 3
EXERCISES = 6
SESSIONS = 2
DAYS = 7
GOAL_RATIO = 0.60
GOAL_P99_MS = 50.0
BENCH_DIR = Path(__file__).resolve().parent
GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]

# wrk calls request() for every request; done() prints one line the script parses.
LUA = """
local token = "%(token)s"
local slots = {%(slots)s}
local headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
math.randomseed(%(seed)d)
request = function()
  if not slots[1] then return wrk.format("GET", wrk.path, headers) end
  local s = slots[math.random(#slots)]
  local body = string.format(
    '{"assignment_exercise": %%d, "date": "%%s", "session": %%d, "pain": %%d, "difficulty": 2}',
    s[2], s[3], s[4], math.random(0, 10))
  return wrk.format("PUT", "%(put_prefix)s" .. s[1] .. "/", headers, body)
end
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout
  io.write(string.format("RESULT %%f %%f %%d %%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000, summary.requests, bad))
end
"""


def populate() -> tuple[str, list[tuple]]:
    """A client with a 6-exercise, twice-a-day program started a week ago; their token and slots."""
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
    return AuthToken.objects.create(client.user)[1], slots


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
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


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


def script_for(token: str, slots: list[tuple], put_prefix: str = "/api/v1/me/completions/") -> str:
    rows = ",".join(f'{{"{i}",{item},"{day}",{session}}}' for i, item, day, session in slots)
    return LUA % {"token": token, "slots": rows, "seed": 7, "put_prefix": put_prefix}


def check_off_every_slot(token: str, slots: list[tuple]) -> None:
    """Through the API, so the write yardstick finds every completion it saves already there."""
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


def statements_per_request(token: str, slots: list[tuple]) -> list[int]:
    """SQL statements one request of each endpoint runs, counted in-process (not under load)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    web = Client(HTTP_AUTHORIZATION=f"Token {token}")
    completion_id, item, day, session = slots[0]
    body = {"assignment_exercise": item, "date": day, "session": session, "pain": 4, "difficulty": 2}
    requests = [
        lambda: web.get("/bench/floor/"),
        lambda: web.get("/api/v1/me/today/"),
        lambda: web.put(f"/api/v1/me/completions/{completion_id}/", body, content_type="application/json"),
    ]
    counts = []
    with override_settings(ROOT_URLCONF="_api_urls"):
        for request in requests:
            request()  # the first of each may warm caches; count the second, as under load
            with CaptureQueriesContext(connection) as statements:
                assert request().status_code < 300
            counts.append(len(statements))
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
        token, slots = populate()
        port = free_port()
        server = start_server(database, port)
        try:
            for path in ("/bench/floor/", "/api/v1/me/today/"):  # warm every worker before measuring
                load(port, path, script_for(token, []), duration="3s")
            floor = load(port, "/bench/floor/", script_for(token, []))
            today = load(port, "/api/v1/me/today/", script_for(token, []))
            check_off = load(port, "/", script_for(token, slots))
            check_off_every_slot(token, slots)
            read = load(port, "/bench/read/", script_for(token, []))
            write = load(port, "/", script_for(token, slots, put_prefix="/bench/write/"))
        finally:
            server.terminate()
            server.wait(timeout=30)
        statements = statements_per_request(token, slots)
    report(floor, today, check_off, statements)
    yardsticks(floor, read, write)


def report(floor, today, check_off, statements) -> None:
    print(
        f"gunicorn x{WORKERS} on 127.0.0.1 over PostgreSQL; wrk {THREADS} threads, {CONNECTIONS} connections, {DURATION} each"
    )
    print(
        f"{'endpoint':34} {'req/s':>9} {'p99 ms':>8} {'x floor':>8} {'non-2xx':>8} {'SQL':>4}  goal (>= {GOAL_RATIO:.0%} of floor, p99 < {GOAL_P99_MS:.0f} ms)"
    )
    rows = [
        ("GET /bench/floor/ (bare DRF)", floor),
        ("GET /api/v1/me/today/", today),
        ("PUT /api/v1/me/completions/{id}/", check_off),
    ]
    for (name, (rps, p99, _, bad)), count in zip(rows, statements, strict=True):
        ratio = rps / floor[0] if floor[0] else 0.0
        met = (
            "floor"
            if name.startswith("GET /bench")
            else ("met" if ratio >= GOAL_RATIO and p99 < GOAL_P99_MS else "NOT met")
        )
        print(f"{name:34} {rps:9.0f} {p99:8.1f} {ratio:8.2f} {bad:8d} {count:4d}  {met}")
    print("SQL: statements one request runs (BEGIN and COMMIT included), counted in-process")


def yardsticks(floor, read, write) -> None:
    print("yardsticks: what an endpoint that touches the database at all starts from")
    for name, (rps, p99, _, bad) in (
        ("GET floor + one ORM read", read),
        ("PUT floor + one row saved in a transaction", write),
    ):
        ratio = rps / floor[0] if floor[0] else 0.0
        print(f"{name:44} {rps:9.0f} {p99:8.1f} {ratio:8.2f} {bad:8d}")


if __name__ == "__main__":
    main()
