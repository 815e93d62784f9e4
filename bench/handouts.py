"""Handout speed and memory for the seeded six-exercise program, against bare WeasyPrint.

The floor is the same HTML (image paths made file:// so WeasyPrint's own fetcher finds
them) rendered by a bare `weasyprint.HTML(string=...).write_pdf(pdf_variant="pdf/ua-1")`,
measured in the same run. Goals (issue 5): ours/floor <= 1.15, a cached download at least
100x faster than a warm render (issue 21), memory flat over 100 renders.
"""

import pickle
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import boto3
from django.test.utils import override_settings
from moto.server import ThreadedMotoServer

BENCH = Path(__file__).resolve()
# --quick: fewer rounds, for a busy machine (the ratios are still from one run).
QUICK = "--quick" in sys.argv
COLD_ROUNDS = 1 if QUICK else 5
WARM_ROUNDS = 5 if QUICK else 20
DOWNLOAD_ROUNDS = 20 if QUICK else 50
MEMORY_RENDERS = 20 if QUICK else 100


def median_seconds(action, rounds: int) -> float:
    return statistics.median(timed(action) for _ in range(rounds))


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def interleaved_medians(ours, floor, rounds: int) -> tuple[float, float]:
    """Ours and the floor in turns, so a busy machine slows both alike."""
    pairs = [(timed(ours), timed(floor)) for _ in range(rounds)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def rss_growth(render, renders: int) -> tuple[int, int, int]:
    """RSS (KiB) after 10, half and all renders: flat memory stops growing after the first few."""
    marks = {}
    for number in range(1, renders + 1):
        render()
        if number in (10, renders // 2, renders):
            marks[number] = rss_kib()
    return marks[10], marks[renders // 2], marks[renders]


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def floor_html(html: str) -> str:
    static = BENCH.parent.parent / "programs" / "static"
    return html.replace('src="/static/', f'src="file://{static}/')


def cold(kind: str, path: str) -> None:
    """Run in a fresh process: imports, Django set-up and one render, timed from process start."""
    started = time.perf_counter()
    import _django  # noqa: F401  (Django set-up, as a worker or web process would)

    if kind == "ours":
        from programs.handouts import render_handout

        render_handout(pickle.loads(Path(path).read_bytes()))  # noqa: S301 (written by this script a moment ago)
    else:
        from weasyprint import HTML

        HTML(string=Path(path).read_text()).write_pdf(pdf_variant="pdf/ua-1")
    print(time.perf_counter() - started)


def cold_seconds(kind: str, path: Path) -> float:
    """The whole new process, interpreter start included."""
    return timed(
        lambda: subprocess.run(
            [sys.executable, str(BENCH), "--cold", kind, str(path)], check=True, capture_output=True
        )
    )


@contextmanager
def object_storage(settings):
    """The private storage in a bucket of a local S3 server (moto's), as in compose with MinIO."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}  # moto takes any
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys).create_bucket(Bucket="bench")
    options = {"bucket_name": "bench", "endpoint_url": endpoint, "access_key": "bench", "secret_key": "bench"}
    private = {"BACKEND": "programs.files.PrivateS3Storage", "OPTIONS": options}
    try:
        with override_settings(STORAGES={**settings.STORAGES, "private": private}):
            yield
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    from _django import bench_database
    from django.conf import settings
    from django.core.management import call_command
    from knox.models import AuthToken
    from rest_framework.test import APIClient
    from weasyprint import HTML

    from clients.assignments.handouts import assignment_handout, handout_for
    from clients.models import Assignment
    from programs.handouts import HandoutOptions, handout_html, render_handout

    with bench_database(), tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        settings.PRIVATE_MEDIA_ROOT = scratch / "private"
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assignment = Assignment.objects.select_related("client__user").get()
        handout = handout_for(assignment)
        html = floor_html(handout_html(handout, options=HandoutOptions()))
        (scratch / "handout.pickle").write_bytes(pickle.dumps(handout))
        (scratch / "floor.html").write_text(html)

        cold_ours, cold_floor = interleaved_medians(
            lambda: cold_seconds("ours", scratch / "handout.pickle"),
            lambda: cold_seconds("floor", scratch / "floor.html"),
            COLD_ROUNDS,
        )

        def floor():
            HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")

        render_handout(handout)  # the first render in a process loads fonts; warm means after it
        warm_ours, warm_floor = interleaved_medians(
            lambda: render_handout(handout_for(assignment)), floor, WARM_ROUNDS
        )

        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(assignment.client.user)[1]}")
        url = f"/api/v1/me/assignments/{assignment.pk}/handout.pdf"
        # From disk the answer is a FileResponse the WSGI server sends itself (sendfile), so
        # timing ends when the view has answered, as a server's Python work does.
        assert api.get(url).status_code == 200  # fills the cache
        cached = median_seconds(lambda: api.get(url).close(), DOWNLOAD_ROUNDS)
        with object_storage(settings):
            assert api.get(url).status_code == 302  # fills the object store's cache
            cached_s3 = median_seconds(lambda: api.get(url), DOWNLOAD_ROUNDS)
        size = len(assignment_handout(assignment)[0])

        memory_floor = rss_growth(floor, MEMORY_RENDERS)
        memory_ours = rss_growth(lambda: render_handout(handout), MEMORY_RENDERS)

    print(f"seeded back-pain handout: 6 exercises, 6-week log, {size / 1024:.0f} KiB")
    print(
        f"cold render, new process: ours {cold_ours:.2f} s, floor {cold_floor:.2f} s, ratio {cold_ours / cold_floor:.2f}"
    )
    print(
        f"warm render, median of {WARM_ROUNDS}: ours {warm_ours * 1000:.0f} ms, "
        f"floor {warm_floor * 1000:.0f} ms, ratio {warm_ours / warm_floor:.2f} (goal <= 1.15)"
    )
    print(
        f"cached download through the API from disk (FileResponse), median of {DOWNLOAD_ROUNDS}: "
        f"{cached * 1000:.1f} ms, {warm_ours / cached:.0f}x faster than a warm render (goal >= 100x)"
    )
    print(
        f"cached download through the API from object storage (redirect to a signed link, local S3), "
        f"median of {DOWNLOAD_ROUNDS}: {cached_s3 * 1000:.1f} ms, {warm_ours / cached_s3:.0f}x faster "
        f"than a warm render (goal >= 100x)"
    )
    print(f"load average {Path('/proc/loadavg').read_text().split()[0]}")
    for name, (at_10, at_half, at_all) in [("floor", memory_floor), ("ours", memory_ours)]:
        print(
            f"memory, {name}: RSS {at_10 / 1024:.0f} MiB after 10 renders, {at_half / 1024:.0f} MiB after "
            f"{MEMORY_RENDERS // 2}, {at_all / 1024:.0f} MiB after {MEMORY_RENDERS} "
            f"(last half: {(at_all - at_half) / 1024:+.1f} MiB)"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        cold(sys.argv[2], sys.argv[3])
    else:
        main()
