import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.security import RedactSecretsFilter

ROOT = Path(__file__).resolve().parents[2]


def env_example() -> dict:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_deploy_checks_pass_with_the_production_environment_of_env_example():
    # DJANGO_ALLOW_ASYNC_UNSAFE: set in this process once it has driven a browser (tests/conftest.py).
    left_by_the_tests = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in left_by_the_tests}
    env.update(
        env_example(),
        SECRET_KEY="a" * 64 + "-unguessable-in-production",
        DJANGO_SETTINGS_MODULE="config.settings",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_passwords_are_hashed_with_argon2():
    from config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_a_request_id(client):
    response = client.get("/accounts/login/")

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_web_sign_in_locks_after_repeated_wrong_passwords(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "alice@example.com", "password": "wrong"})

    locked = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": "correct-horse-battery"}
    )

    assert locked.status_code == 429
    assert b"Sign-in paused" in locked.content


def test_secrets_in_paths_never_reach_the_logs():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/invite/s3cr3t-t0ken/",), None
    )

    RedactSecretsFilter().filter(record)

    assert "s3cr3t" not in record.getMessage()
    assert "/invite/<redacted>" in record.getMessage()


def test_a_request_for_a_secret_link_is_logged_without_its_secret(client):
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        client.get("/invite/s3cr3t-t0ken/nothing-here/")  # a 404, logged with its request
        logging.getLogger("django.server").info('"GET /unsubscribe/s3cr3t-t0ken/ HTTP/1.1" 200 512')
    finally:
        handler.setStream(previous)

    lines = written.getvalue()
    assert "Not Found: /invite/<redacted>" in lines and "/unsubscribe/<redacted>" in lines
    assert "s3cr3t" not in lines


def test_a_password_link_never_reaches_the_logs():
    path = "/accounts/password/reset/MTI/cx1y2z-0123456789abcdef0123456789abcdef/"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (path,), None)

    RedactSecretsFilter().filter(record)

    assert record.getMessage() == "Not Found: /accounts/password/reset/<redacted>/"


def test_uploaded_media_is_served_without_debug_and_nothing_outside_it(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "media" / "logos" / "clinic.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "secret.txt").write_text("not for the web")

    assert not settings.DEBUG
    assert client.get("/media/logos/clinic.png").status_code == 200
    for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt"):
        response = client.get(path)
        assert response.status_code in (400, 404)
        assert b"not for the web" not in response.content
