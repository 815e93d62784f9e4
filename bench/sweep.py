"""One reminder sweep over many active assignments: time and query count, against a floor.

The floor is the same number of rows read by one plain indexed query in the same run.
"""

import random
import time
from datetime import UTC, datetime, timedelta

from _django import bench_database

ASSIGNMENTS = 20_000
DUE = 1_000
ZONES = [
    "Europe/London",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Pacific/Auckland",
]


def populate(now: datetime) -> None:
    from clients.models import Assignment, Client
    from practice.models import Practice
    from programs.models import Program

    practice = Practice.objects.create(name="Bench", slug="bench")
    clients = Client.objects.bulk_create(
        Client(
            practice=practice,
            name=f"Client {n}",
            email=f"c{n}@bench.example",
            timezone=random.choice(ZONES),
        )
        for n in range(ASSIGNMENTS)
    )
    programs = Program.objects.bulk_create(Program(practice=practice, title="P") for _ in range(ASSIGNMENTS))
    Assignment.objects.bulk_create(
        Assignment(
            client=client,
            program=program,
            start_date=now.date() - timedelta(days=3),
            weeks=6,
            days_of_week=list(range(7)),
            next_reminder_at=now - timedelta(seconds=30) if n < DUE else now + timedelta(hours=1 + n % 20),
        )
        for n, (client, program) in enumerate(zip(clients, programs, strict=True))
    )


def main() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients import reminders
    from clients.models import Assignment

    now = datetime.now(UTC).replace(microsecond=0)
    with bench_database():
        populate(now)
        start = time.perf_counter()
        due_rows = list(Assignment.objects.filter(next_reminder_at__lte=now).values_list("pk", "client_id"))
        floor = time.perf_counter() - start
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            queued = reminders.sweep(now=now)
            elapsed = time.perf_counter() - start
    print(f"{ASSIGNMENTS} active assignments, {len(due_rows)} due, {connection.vendor}")
    print(f"floor (read the due rows): {floor * 1000:.0f} ms")
    print(
        f"sweep: {elapsed * 1000:.0f} ms ({elapsed / floor:.1f}x floor), {len(queries)} queries, "
        f"{len(queued)} sends queued"
    )


if __name__ == "__main__":
    main()
