"""The compose stack cannot run here (no Docker engine), but it must validate and agree with the settings."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def compose_config(tmp_path):
    need("docker-compose", shutil.which("docker-compose") is not None, "apt-get install docker-compose")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "config"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_compose_stack_validates_with_every_service_the_readme_names(compose_config):
    assert set(compose_config["services"]) >= {
        "postgres",
        "redis",
        "mailpit",
        "migrate",
        "web",
        "worker",
        "beat",
    }
    for name in ("postgres", "redis", "mailpit", "web"):
        assert "healthcheck" in compose_config["services"][name]


def test_redis_in_the_stack_keeps_queued_sends_across_a_restart(compose_config):
    command = " ".join(compose_config["services"]["redis"]["command"])

    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command


def test_every_setting_in_env_example_is_read_by_the_settings():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    names = [
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]

    assert names
    for name in names:
        assert f'"{name}"' in settings_source, name


def test_the_apps_services_reach_postgres_redis_and_mailpit_by_the_names_in_env_example(compose_config):
    env = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    services = compose_config["services"]

    assert "@postgres:5432/" in env["DATABASE_URL"] and "postgres" in services
    assert env["REDIS_URL"].startswith("redis://redis:6379") and "redis" in services
    assert env["EMAIL_URL"] == "smtp://mailpit:1025" and "mailpit" in services
    for name in ("web", "worker", "beat"):
        assert set(services[name]["depends_on"]) >= {"postgres", "redis"}


def test_every_node_of_the_stack_shares_files_through_minio_not_a_local_folder(compose_config):
    env = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    services = compose_config["services"]

    assert env["S3_ENDPOINT_URL"] == "http://minio:9000" and "minio" in services
    assert "healthcheck" in services["minio"]
    for name in ("web", "worker", "beat"):
        assert set(services[name]["depends_on"]) >= {"minio", "buckets"}
        assert not services[name].get("volumes")
