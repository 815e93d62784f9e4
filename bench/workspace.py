"""The workspace pages with 500 clients, 12 weeks of history and about 100,000 check-offs:
median time and queries per page.

The floor is the median of a light page of the same workspace (the practice page: the same
sign-in, middleware and base template, a handful of queries), measured in the same run. The
pages take turns, one request each per round, so a machine busy with other work slows them
alike and their ratios hold; the load average is printed beside the figures. The
check-off log is held to 1.5x the client list's time in the same run, and to the same number
of queries for a client with a week of history as for one with twelve. Needs attention is also
compared with the client list (its bound: 1.5x), and measured again for a practice of 50
clients to show its query count does not grow with the practice.
"""

import random
import statistics
import time
from datetime import timedelta

from _django import bench_database

CLIENTS = 500
WEEKS = 12
ITEMS = 4
RUNS = 15
DONE_SHARE = 0.6  # of 168,000 slots (500 clients x 84 days x 4 exercises): about 100,000 check-offs
LOG_LIMIT = 1.5  # the check-off log's time at most this many times the client list's
ATTENTION_LIMIT = 1.5  # Needs attention's time at most this many times the client list's
FLOOR = "floor"


def populate(size: int = CLIENTS, slug: str = "bench"):
    from django.utils import timezone

    from clients.assignments.lifecycle import assignment_create
    from clients.models import ALL_DAYS, Alert, Client, Completion, Consultation
    from practice.models import Membership, Practice, User
    from programs.models import Exercise, Program, ProgramExercise

    rng = random.Random(4)
    today = timezone.localdate()
    practice = Practice.objects.create(name="Bench Physio", slug=slug)
    user = User.objects.create_user(f"{slug}@bench.example", "bench-password-123")
    Membership.objects.create(user=user, practice=practice, role=Membership.OWNER)
    exercises = [
        Exercise.objects.create(slug=f"{slug}-e{n}", name=f"Exercise {n}", region="lower-back", reps=10)
        for n in range(ITEMS)
    ]
    template = Program.objects.create(title="Bench program", is_template=True)
    ProgramExercise.objects.bulk_create(
        ProgramExercise(program=template, exercise=e, position=n, sets=3, reps=10)
        for n, e in enumerate(exercises)
    )
    clients = Client.objects.bulk_create(
        Client(practice=practice, name=f"Client {n:03d}", email=f"c{n}@{slug}.example") for n in range(size)
    )
    rows, alerts = [], []
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
            day = assignment.start_date + timedelta(days=offset)
            if rng.random() < DONE_SHARE:
                rows += [
                    Completion(
                        assignment=assignment,
                        assignment_exercise=i,
                        date=day,
                        sets_done=3,
                        reps_done=rng.randint(6, 10),
                        pain=rng.randint(0, 8),
                        difficulty=rng.randint(1, 5),
                        note="Felt tight" if rng.random() < 0.05 else "",
                    )
                    for i in items
                ]
        Consultation.objects.create(
            client=client, scheduled_at=timezone.now() - timedelta(weeks=WEEKS), pain=7, odi_percent=42
        )
        if rng.random() < 0.1:
            kind = rng.choice([Alert.PAIN, Alert.MISSED, Alert.QUIET])
            alerts.append(
                Alert(client=client, kind=kind, local_date=today, raised_at=timezone.now(), reason="Bench")
            )
        if rng.random() < 0.05:
            Consultation.objects.create(client=client, scheduled_at=timezone.now() + timedelta(hours=20))
    Completion.objects.bulk_create(rows, batch_size=5000)
    Alert.objects.bulk_create(alerts)
    newcomer = _newcomer(practice, template, today)
    return (
        user,
        clients[size // 2],
        newcomer,
        Completion.objects.filter(assignment__client__practice=practice).count(),
    )


def _newcomer(practice, template, today):
    """A client of one week, a few check-offs: the log's query count must not depend on history."""
    from clients.assignments.lifecycle import assignment_create
    from clients.models import ALL_DAYS, Client, Completion

    client = Client.objects.create(practice=practice, name="Newcomer", email=f"new@{practice.slug}.example")
    assignment = assignment_create(
        client=client, template=template, start_date=today - timedelta(days=7), weeks=4, days_of_week=ALL_DAYS
    )
    item = assignment.program.items.first()
    Completion.objects.bulk_create(
        Completion(assignment=assignment, assignment_exercise=item, date=today - timedelta(days=d), pain=2)
        for d in range(3)
    )
    return client


def measure(browser, pages: dict[str, str]) -> dict[str, tuple[float, int]]:
    """{page: (median seconds, queries)}, the pages taking turns run after run."""
    for url in pages.values():
        browser.get(url)  # warm caches and templates
    times = {name: [] for name in pages}
    for _ in range(RUNS):
        for name, url in pages.items():
            start = time.perf_counter()
            response = browser.get(url)
            times[name].append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
    return {name: (statistics.median(times[name]), queries_of(browser, url)) for name, url in pages.items()}


def queries_of(browser, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        browser.get(url)
    return len(captured)


def load_average() -> str:
    with open("/proc/loadavg") as file:
        return " ".join(file.read().split()[:3])


def main() -> None:
    from django.db import connection
    from django.test import Client as Browser
    from django.utils import timezone

    with bench_database():
        user, client, newcomer, completions = populate()
        small_user, *_ = populate(50, "small")
        exercise = client.assignments.get().program.items.first().exercise_id
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # statistics and visibility, as autovacuum keeps them in use
        browser = Browser()
        browser.force_login(user)
        pages = {
            FLOOR: "/practice/",
            "client list (page 1 of 10)": "/clients/",
            "client list, search": "/clients/?q=Client+2",
            "client page": f"/clients/{client.pk}/",
            "check-off log (page 1)": f"/clients/{client.pk}/checkoffs/",
            "check-off log (page 5)": f"/clients/{client.pk}/checkoffs/?page=5",
            "check-off log, one exercise and 4 weeks": (
                f"/clients/{client.pk}/checkoffs/?exercise={exercise}"
                f"&start={timezone.localdate() - timedelta(weeks=4)}&end={timezone.localdate()}"
            ),
            "check-off log of a one-week client": f"/clients/{newcomer.pk}/checkoffs/",
            "needs attention": "/attention/",
            "needs attention, API": "/api/v1/attention/",
        }
        load_before = load_average()
        results = measure(browser, pages)
        load_after = load_average()
        floor, floor_queries = results.pop(FLOOR)
        browser.force_login(small_user)
        small_queries = queries_of(browser, "/attention/")
        log_rows = client.assignments.get().completions.count()
    print(f"{CLIENTS} clients, {WEEKS} weeks of history, {completions} check-offs, {connection.vendor}")
    print(f"load average (1, 5, 15 min): {load_before} before the runs, {load_after} after")
    print(f"floor (practice page): {floor * 1000:.1f} ms median, {floor_queries} queries")
    for name, (median, queries) in results.items():
        print(f"{name}: {median * 1000:.1f} ms median ({median / floor:.1f}x floor), {queries} queries")
    _judge_log(results, log_rows)
    attention, client_list = results["needs attention"][0], results["client list (page 1 of 10)"][0]
    verdict = "ok" if attention <= ATTENTION_LIMIT * client_list else "OVER"
    print(
        f"needs attention / client list: {attention / client_list:.2f}x (bound {ATTENTION_LIMIT}x): {verdict}"
    )
    print(
        f"needs attention queries: {results['needs attention'][1]} at {CLIENTS} clients, {small_queries} at 50"
    )


def _judge_log(results: dict, log_rows: int) -> None:
    """The log against the client list measured in this run, and its queries against a newcomer's."""
    listed, _ = results["client list (page 1 of 10)"]
    logs = {name: figures for name, figures in results.items() if name.startswith("check-off log")}
    worst = max(median for median, _ in logs.values())
    many, few = results["check-off log (page 1)"][1], results["check-off log of a one-week client"][1]
    print(
        f"check-off log ({log_rows} check-offs for that client): slowest {worst / listed:.2f}x the client "
        f"list (limit {LOG_LIMIT}x): {'ok' if worst <= LOG_LIMIT * listed else 'OVER'}; "
        f"queries {many} for {log_rows} check-offs, {few} for 3: {'constant' if many == few else 'NOT CONSTANT'}"
        " (a filter by exercise adds one: the exercise is checked against the client's)"
    )


if __name__ == "__main__":
    main()
