"""Backup and restore, as docs/operations.md documents them, into a fresh database the app then serves from."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from knox.models import AuthToken

from clients.assignments.handouts import assignment_handout
from tests.conftest import Bucket, need, on_postgres

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
    backup = tmp_path / "backup"

    run(["scripts/backup.sh", str(backup)], DATABASE_URL=database_url(connection.settings_dict["NAME"]))
    run(["scripts/restore.sh", str(backup)], DATABASE_URL=fresh_database)
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


def test_a_backup_carries_the_object_stores_uploads_into_a_new_bucket_but_not_the_handout_cache(
    bob_assignment, fresh_database, tmp_path, object_storage, s3_server
):
    exercise = bob_assignment.program.items.first().exercise
    exercise.image.save("x.jpg", ContentFile(b"a photo"))
    default_storage.save("logos/logo.png", ContentFile(b"a logo"))
    assignment_handout(bob_assignment)
    new_bucket = Bucket(s3_server)
    app = {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}

    run(
        ["scripts/backup.sh", str(tmp_path / "backup")],
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        **app,
        **object_storage.env,
    )
    run(
        ["scripts/restore.sh", str(tmp_path / "backup")], DATABASE_URL=fresh_database, **app, **new_bucket.env
    )
    served = run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from programs.models import Exercise; "
            f"print(Exercise.objects.get(pk={exercise.pk}).image.read().decode())",
        ],
        DATABASE_URL=fresh_database,
        **app,
        **new_bucket.env,
    )

    assert served.stdout.strip().endswith("a photo")
    assert set(new_bucket.keys("")) == {f"private/{exercise.image.name}", "public/logos/logo.png"}
