"""The practitioners' exports on a practice of 200 clients with 12 weeks of history (about
40,000 check-offs): the FHIR Bundle of one client (time, entries, size, queries, the share of
the time spent validating with fhir.resources), and the practice's CSVs (time, rows, queries,
and the peak memory Python allocated while streaming, to show the rows are not held at once).
"""

import random
import statistics
import time
import tracemalloc
from datetime import timedelta

from _django import bench_database

CLIENTS = 200
WEEKS = 12
ITEMS = 4
RUNS = 3
DONE_SHARE = 0.6


def populate():
    from django.utils import timezone

    from clients.assignments.lifecycle import assignment_create
    from clients.models import ALL_DAYS, Client, Completion, Consultation
    from practice.models import Membership, Practice, User
    from programs.models import Exercise, Program, ProgramExercise

    rng = random.Random(7)
    today = timezone.localdate()
    practice = Practice.objects.create(name="Bench Physio", slug="bench-exports")
    user = User.objects.create_user("exports@bench.example", "bench-password-123", name="Bench")
    Membership.objects.create(user=user, practice=practice, role=Membership.OWNER)
    exercises = [
        Exercise.objects.create(slug=f"x-e{n}", name=f"Exercise {n}", region="lower-back", reps=10)
        for n in range(ITEMS)
    ]
    template = Program.objects.create(title="Bench program", is_template=True)
    ProgramExercise.objects.bulk_create(
        ProgramExercise(program=template, exercise=e, position=n, sets=3, reps=10, hold_seconds=5)
        for n, e in enumerate(exercises)
    )
    clients = Client.objects.bulk_create(
        Client(practice=practice, practitioner=user, name=f"Client {n:03d}", email=f"c{n}@x.example")
        for n in range(CLIENTS)
    )
    rows = []
    for client in clients:
        assignment = assignment_create(
            client=client,
            template=template,
            start_date=today - timedelta(weeks=WEEKS),
            weeks=WEEKS + 2,
            days_of_week=ALL_DAYS,
        )
        items = list(assignment.program.items.all())
        for offset in range(WEEKS * 7):
            if rng.random() < DONE_SHARE:
                day = assignment.start_date + timedelta(days=offset)
                rows += [
                    Completion(
                        assignment=assignment,
                        assignment_exercise=i,
                        date=day,
                        sets_done=3,
                        reps_done=rng.randint(6, 10),
                        pain=rng.randint(0, 8),
                        difficulty=rng.randint(1, 5),
                        note="=1+1" if rng.random() < 0.01 else "",
                    )
                    for i in items
                ]
        Consultation.objects.create(
            client=client, practitioner=user, scheduled_at=timezone.now() - timedelta(weeks=WEEKS), pain=7
        )
    Completion.objects.bulk_create(rows, batch_size=5000)
    return user, clients, len(rows)


def measure(run):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries), result


def streamed(response) -> tuple[int, int]:
    """(rows, bytes) of a streamed CSV, read as a server would send it."""
    lines = size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
    return lines - 1, size


def peak_while(run) -> int:
    """The peak bytes Python allocated during `run` (a pass of its own: tracing slows it)."""
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main():
    import json

    from django.utils import timezone
    from fhir.resources.R4B.bundle import Bundle

    from clients.checkoffs import csv_export
    from clients.fhir.bundle import client_bundle
    from clients.models import Client

    user, clients, checks = populate()
    print(f"{CLIENTS} clients, {WEEKS} weeks, {checks} check-offs; median of {RUNS} runs")

    median, queries, bundle = measure(lambda: client_bundle(clients[0]))
    start = time.perf_counter()
    Bundle.model_validate(bundle)
    validating = time.perf_counter() - start
    size = len(json.dumps(bundle))
    print(
        f"FHIR bundle of one client: {median * 1000:.0f} ms, {len(bundle['entry'])} entries, "
        f"{size / 1024:.0f} KiB, {queries} queries; validating alone {validating * 1000:.0f} ms"
    )

    everyone = Client.objects.filter(practice=clients[0].practice)
    today = timezone.localdate()
    start_day = today - timedelta(weeks=WEEKS)
    for name, download in (
        ("check-offs", csv_export.practice_checkoffs_download),
        ("adherence", csv_export.practice_adherence_download),
    ):

        def run(download=download):
            return streamed(download(clients=everyone, start=start_day, end=today, by=user, request=None))

        median, queries, (rows, size) = measure(run)
        peak = peak_while(run)
        print(
            f"practice {name} CSV: {median * 1000:.0f} ms, {rows} rows, {size / 1024:.0f} KiB, "
            f"{queries} queries, peak Python allocation while streaming {peak / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    with bench_database():
        main()
