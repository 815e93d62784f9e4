"""Rehabit beside wger (issue 21): wger set up from PyPI in a scratch folder, to compare our check-off
PUT with its workout-log POST and our today's list with its day GET, in the same rounds.

Each step says what it ran and stops at the first that fails, printing why; the script always exits
0, and `bench/api.py`'s own-server yardsticks (one INSERT, one indexed SELECT) stay the real floor.

Steps: a venv under /tmp/rehabit-wger with the newest Python below 3.11 found (wger's CLI runs
invoke 1.x, which calls inspect.getargspec, gone in 3.11), `pip install wger gunicorn
psycopg2-binary`, `wger create-settings`, the settings pointed at a PostgreSQL database of its own,
then `wger bootstrap` (migrations and the exercise fixtures).

What happened here (2026-12-08, session 8): PyPI's newest wger is 2.1 (2022, Django 3.2). It
installs, creates its settings and migrates on PostgreSQL, but `wger bootstrap` then stops loading
its own packaged fixture: "Problem installing fixture .../wger/exercises/fixtures/
exercise-base-data.json: ExerciseBase has no field named 'status'". Without that data there is no
exercise to log against, so no same-round ratio to wger was measured.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SCRATCH = Path(tempfile.gettempdir()) / "rehabit-wger"
DATABASE = "rehabit_wger"
PYTHONS = ["python3.10", "python3.9"]


def step(title: str, command: list[str], **kwargs) -> bool:
    print(f"-- {title}: {' '.join(command)}")
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"   failed: {exc}")
        return False
    if result.returncode != 0:
        lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        reasons = [line for line in lines if "Error" in line or "error:" in line] or lines[-5:]
        print("   failed:", *reasons[-3:], sep="\n   ")
        return False
    return True


def main() -> None:
    if os.environ.get("BENCH_WGER") != "1":
        print("skipped: BENCH_WGER=1 runs it (it installs wger from PyPI under /tmp, a few minutes)")
        return
    python = next((candidate for candidate in _pythons() if _runs(candidate)), None)
    if python is None:
        print(f"no {' or '.join(PYTHONS)} here: wger's CLI needs Python < 3.11; skipped")
        return
    SCRATCH.mkdir(exist_ok=True)
    venv = SCRATCH / "venv"
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    settings = SCRATCH / "settings.py"
    steps = [
        ("a venv", [python, "-m", "venv", str(venv)]),
        ("wger from PyPI", [str(venv / "bin/pip"), "install", "-q", "wger", "gunicorn", "psycopg2-binary"]),
        ("its settings", [str(venv / "bin/wger"), "create-settings", "--settings-path", str(settings)]),
    ]
    for title, command in steps:
        if not step(title, command, env=env):
            return report_failed()
    text = settings.read_text()
    text = text.replace("django.db.backends.sqlite3", "django.db.backends.postgresql")
    text = re.sub(r"'NAME': '[^']*'", f"'NAME': '{DATABASE}'", text, count=1)
    text = text.replace("'USER': '',", "'USER': 'postgres',", 1).replace(
        "'HOST': '',", "'HOST': '127.0.0.1',", 1
    )
    settings.write_text(text)
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"]
    )
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DATABASE}"])
    if not step(
        "migrations and fixtures",
        [str(venv / "bin/wger"), "bootstrap", "--settings-path", str(settings)],
        env=env,
    ):
        return report_failed()
    print("wger is set up; serving and loading it against Rehabit is not written yet (see the docstring)")


def _pythons() -> list[str]:
    found = [shutil.which(name) for name in PYTHONS]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for name in PYTHONS:  # pyenv's shims answer only for the versions made global
        found += sorted(str(path) for path in pyenv.glob(f"{name.removeprefix('python')}*/bin/python3"))
    return [path for path in found if path]


def _runs(python: str) -> bool:
    return subprocess.run([python, "--version"], capture_output=True).returncode == 0


def report_failed() -> None:
    print("no same-round ratio to wger: bench/api.py's own-server yardsticks remain the floor")


if __name__ == "__main__":
    main()
    sys.exit(0)
