"""Handout render time against a one-paragraph PDF rendered in the same run (the floor)."""

import statistics
import time

from _django import bench_database

ROUNDS = 5


def median_seconds(render) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from django.core.management import call_command
    from weasyprint import HTML

    from clients.handouts import assignment_handout
    from clients.models import Assignment

    with bench_database():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assignment = Assignment.objects.get()
        floor = median_seconds(lambda: HTML(string="<p>Hello</p>").write_pdf())
        full = median_seconds(lambda: assignment_handout(assignment))
        size = len(assignment_handout(assignment)[0])
    print(f"one-paragraph PDF (floor): {floor * 1000:.0f} ms")
    print(
        f"back-pain handout, 6 exercises, 6-week log: {full * 1000:.0f} ms "
        f"({full / floor:.1f}x floor), {size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
