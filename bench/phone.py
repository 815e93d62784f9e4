"""The phone page's first load: what it transfers, and its time to the list in Chromium against the
same list as a static HTML file of the same size, served by the same server in the same run.

Bytes: the page, its script, its words (the JavaScript catalogue), its stylesheet and its manifest,
before any illustration. As served in production: static files gzipped by WhiteNoise
(CompressedStaticFilesStorage), the page, catalogue and manifest as Django sends them (no gzip
middleware). The raw total is printed too. Goal: at most 150 KB.

Time: a fresh browser profile each run (nothing cached, no service worker yet), from navigation to
the first exercise of the list on screen, median of RUNS; the static file's floor is measured in
the same runs, alternately. Goal: at most 1.5 x the floor. Also printed: the median of each run's
own ratio to the floor measured right after it, and the load average.
"""

import gzip
import json
import statistics
import sys
import threading
from pathlib import Path

from _django import bench_database

RUNS = 9
GOAL_BYTES = 150 * 1024
GOAL_RATIO = 1.5
CHROMIUM = "/usr/bin/chromium"
STATIC_LIST = "/bench/list.html"


def populate() -> str:
    """The demo client with the back-pain program; a token for their phone."""
    import io

    from django.core.management import call_command
    from knox.models import AuthToken

    from practice.models import User

    call_command("seed_library", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    _, token = AuthToken.objects.create(User.objects.get(email="client@demo.example"))
    return token


class StaticList:
    """The list as a plain HTML file, kept in memory and answered before Django is asked."""

    def __init__(self, app):
        self.app, self.body = app, b""

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] != STATIC_LIST:
            return self.app(environ, start_response)
        start_response(
            "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(self.body)))]
        )
        return [self.body]


def serve(app) -> str:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=True)
    server.set_app(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def first_load_files(base: str) -> list[tuple[str, int, int, bool]]:
    """(path, bytes raw, bytes gzipped, static?) of each file of the first load."""
    import re

    import requests

    page = requests.get(f"{base}/app/", timeout=30).text
    settings = json.loads(
        re.search(r'<script id="phone-page" type="application/json">(.*?)</script>', page).group(1)
    )
    paths = [
        "/app/",
        *re.findall(r'<script src="([^"]+)"', page),
        *settings["scripts_after_list"],  # loaded once the list is in, but part of the first load
        *re.findall(r'<link rel="(?:stylesheet|manifest)" href="([^"]+)"', page),
    ]
    files = []
    for path in paths:
        body = requests.get(base + path, timeout=30).content
        files.append((path, len(body), len(gzip.compress(body, 9)), path.startswith("/static/")))
    return files


def time_to_list(browser, url: str, storage: dict) -> float:
    context = browser.new_context(viewport={"width": 390, "height": 844}, storage_state=storage)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    ms = page.wait_for_function(
        "() => document.querySelector('#slots li h3') && performance.now()", polling="raf", timeout=30_000
    ).json_value()
    context.close()
    return ms


def main() -> None:
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: nothing measured")
        return
    with bench_database():
        token = populate()
        app = StaticList(get_wsgi_application())
        base = serve(app)
        storage = {
            "cookies": [],
            "origins": [{"origin": base, "localStorage": [{"name": "rehabit.token", "value": f'"{token}"'}]}],
        }
        files = first_load_files(base)
        served = sum(gz if static else raw for _, raw, gz, static in files)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            app.body = static_copy(browser, base, storage, size=sum(raw for _, raw, _, _ in files))
            phone, floor = [], []
            for _ in range(RUNS):
                phone.append(time_to_list(browser, f"{base}/app/", storage))
                floor.append(time_to_list(browser, base + STATIC_LIST, storage))
            browser.close()
    paired = statistics.median(p / f for p, f in zip(phone, floor, strict=True))
    report(files, served, statistics.median(phone), statistics.median(floor), paired)


def static_copy(browser, base: str, storage: dict, *, size: int) -> bytes:
    """The list as the page shows it, without its scripts, padded to `size` bytes."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, storage_state=storage)
    page = context.new_page()
    page.goto(f"{base}/app/")
    page.wait_for_selector("#slots li h3")
    page.evaluate("document.querySelectorAll('script').forEach((s) => s.remove())")
    html = ("<!doctype html>" + page.evaluate("document.documentElement.outerHTML")).encode()
    context.close()
    return html + b"<!--" + b"x" * max(0, size - len(html) - 7) + b"-->"


def report(files, served: int, phone: float, floor: float, paired: float) -> None:
    print(f"{'file':34} {'raw KB':>8} {'gzip KB':>8}  served as")
    for path, raw, gz, static in files:
        print(
            f"{path[:34]:34} {raw / 1024:8.1f} {gz / 1024:8.1f}  {'gzip (WhiteNoise)' if static else 'raw (Django)'}"
        )
    raw_total = sum(raw for _, raw, _, _ in files)
    met = "met" if served <= GOAL_BYTES else "NOT met"
    print(
        f"first load as served: {served / 1024:.1f} KB (raw {raw_total / 1024:.1f} KB); goal <= 150 KB: {met}"
    )
    ratio = phone / floor if floor else float("inf")
    met = "met" if ratio <= GOAL_RATIO else "NOT met"
    print(
        f"time to the list, median of {RUNS}: /app/ {phone:.0f} ms, static HTML of the same size {floor:.0f} ms"
    )
    print(f"ratio {ratio:.2f}; goal <= {GOAL_RATIO}: {met}")
    # Each run against the floor measured right after it: a second view of the same runs, for when
    # the machine's load swings between them.
    print(f"median of the {RUNS} runs' own ratios: {paired:.2f}")
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    sys.exit(main())
