"""Backup and restore, as docs/operations.md documents them, into a fresh database the app then serves from."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from knox.models import AuthToken

from tests.conftest import need, on_postgres

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def database_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.fixture
def fresh_database():
    need("PostgreSQL", on_postgres(), "backups are pg_dump files")
    need("pg_dump", shutil.which("pg_dump") is not None, "apt-get install postgresql-client")
    # Named after the test database, so that parallel workers and runs each restore into their own.
    restored = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {restored}")
        admin.execute(f"CREATE DATABASE {restored}")
    yield database_url(restored)
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")


def run(command, **env):
    return subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True
    )


def test_a_restored_backup_serves_the_client_their_own_data(bob, fresh_database, tmp_path):
    _, token = AuthToken.objects.create(bob.user)
    dump = tmp_path / "rehabit.dump"

    run(["scripts/backup.sh", str(dump)], DATABASE_URL=database_url(connection.settings_dict["NAME"]))
    run(["scripts/restore.sh", str(dump)], DATABASE_URL=fresh_database)
    served = run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.test import Client; "
            f"r = Client(HTTP_HOST='localhost').get('/api/v1/me/', secure=True, HTTP_AUTHORIZATION='Token {token}'); "
            "print(r.status_code, r.json()['email'])",
        ],
        DATABASE_URL=fresh_database,
        DJANGO_SETTINGS_MODULE="tests.settings",
    )

    assert served.stdout.split()[-2:] == ["200", "bob@example.com"]


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    need("PostgreSQL", on_postgres(), "backups are pg_dump files")

    result = subprocess.run(
        ["scripts/restore.sh", str(tmp_path / "none.dump")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DATABASE_URL": database_url(connection.settings_dict["NAME"])},
    )

    assert result.returncode == 1
    assert "refusing" in result.stderr
