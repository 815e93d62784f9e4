"""`make run` as the README promises it, read without running it (`make -n`)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

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
