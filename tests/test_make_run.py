"""`make run` as the README promises it: read without running it (`make -n`), and its dev server."""

import os
import shutil
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import need, wait_for

ROOT = Path(__file__).resolve().parent.parent


def make_run_dry(**variables):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "MAKEFLAGS")}
    arguments = [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(
        ["make", "-n", "run", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return next(line for line in result.stdout.splitlines() if "honcho start" in line)


def test_links_in_emails_and_handouts_follow_the_port_make_run_serves():
    line = make_run_dry(PORT=8105)

    assert "--port 8105" in line
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8105}" in line


def test_an_explicit_site_url_still_wins_over_the_port():
    line = make_run_dry(PORT=8105)
    shell = subprocess.run(
        ["sh", "-c", line.split(" .venv/bin/honcho")[0] + " sh -c 'echo $SITE_URL'"],
        env={"PATH": os.environ["PATH"], "SITE_URL": "https://clinic.example"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert shell.stdout.strip() == "https://clinic.example"


@pytest.mark.django_db(transaction=True)
def test_the_dev_server_of_make_run_leaves_no_database_connection_open_per_request():
    """runserver answers each request on a thread of its own: a connection kept for reuse would be
    left open by every thread, until PostgreSQL has no connection left to give."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    need("PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL is not PostgreSQL")
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    database = connection.settings_dict
    env = {
        **os.environ,
        "PORT": port,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    server = subprocess.Popen(["sh", "-c", web.split(":", 1)[1]], cwd=ROOT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api/v1/health/"
    try:
        assert wait_for(lambda: _answers(url), timeout=30), "the dev server did not start"
        before = _connections(database["NAME"])
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: _status(url), range(40)))
        left = _connections(database["NAME"]) - before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    assert set(statuses) == {200}
    assert left <= 2, f"{left} connections left open by 40 requests"


def _status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http on loopback, made here)
        return response.status


def _answers(url: str) -> bool:
    try:
        return _status(url) == 200
    except OSError:
        return False


def _connections(database: str) -> int:
    import psycopg

    with psycopg.connect(dbname="postgres", user="postgres", host="127.0.0.1") as admin:
        return admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
        ).fetchone()[0]
