"""The library's two costs (issue 18): drawing and searching.

Drawing: every exercise's start and end pose rendered to SVG (all <= 1 s). Pure Python, no
database: the poses are the library's own data. Prints the median of a few rounds and the size.

Searching: the builder's search over 5,000 exercises (the library and a practice's own), with
filters, on a throwaway database: the query's median time against a floor measured in the same
run (a bare `icontains` SELECT on the same table, served by the same trigram index), the results
partial's time and its query count; then the same query with the trigram indexes dropped.
"""

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS = 7
GOAL_SECONDS = 1.0


def render_all(exercises, render_pose) -> int:
    size = 0
    for spec in exercises:
        size += len(render_pose(spec["poses"]["start"], title=spec["illustration_alt"]))
        size += len(render_pose(spec["poses"]["end"], title=spec["illustration_end_alt"]))
    return size


def main() -> None:
    from programs.figures import render_pose
    from programs.library import EXERCISES

    times, size = [], 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        size = render_all(EXERCISES, render_pose)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    poses = 2 * len(EXERCISES)
    print(f"{len(EXERCISES)} exercises, {poses} poses, {size / 1024:.0f} KiB of SVG")
    print(f"render all poses: {median * 1000:.1f} ms median of {ROUNDS} (best {min(times) * 1000:.1f} ms)")
    print(
        f"per pose: {median / poses * 1e6:.0f} µs; goal <= {GOAL_SECONDS:.0f} s: {'met' if median <= GOAL_SECONDS else 'MISSED'}"
    )


# --- search: the builder's query over 5,000 exercises, against a bare indexed SELECT --------------

PRACTICE_EXERCISES = 5000 - 80  # with the library's 80: 5,000 the practice searches
OTHER_PRACTICE = 2000  # another practice's, which the search must skip
SEARCH_RUNS = 40
WORDS = {
    "neck": ["chin tuck", "neck turn", "neck side bend", "head nod"],
    "shoulder": ["wall slide", "band external rotation", "shoulder raise", "pendulum"],
    "upper-back": ["band row", "thoracic extension", "prone Y raise", "open book"],
    "lower-back": ["bird-dog", "dead bug", "pelvic tilt", "cat-camel"],
    "hip": ["bridge", "clamshell", "hip hinge", "side-lying leg lift"],
    "knee": ["mini squat", "step-up", "straight-leg raise", "knee extension"],
    "ankle-foot": ["heel raise", "ankle circle", "towel scrunch", "calf stretch"],
    "balance": ["single-leg balance", "tandem walk", "sit to stand", "march in place"],
}
MODIFIERS = ["", "slow ", "banded ", "seated ", "standing ", "weighted ", "supported ", "tempo "]
SEARCHES = {
    "q=knee (many)": {"q": "knee"},
    "q=bridge": {"q": "bridge"},
    "q=squat, region=knee, level=2": {"q": "squat", "region": "knee", "level": "2"},
    "q=zzq (none)": {"q": "zzq"},
    "no words, region=hip": {"region": "hip"},
    "favourites": {"favourites": "1"},
}


def populate_search():
    from django.core.management import call_command
    from django.db import connection

    from practice.models import Membership, Practice, User
    from programs.models import REGIONS, Exercise, Favourite, Program

    call_command("seed_library", stdout=io.StringIO())
    practice = Practice.objects.create(name="Bench Physio", slug="bench-search")
    other = Practice.objects.create(name="Other Physio", slug="bench-other")
    user = User.objects.create_user("search@bench.example", "bench-password-123")
    Membership.objects.create(user=user, practice=practice, role=Membership.OWNER)
    regions = [key for key, _ in REGIONS]

    def generated(owner, count, prefix):
        for n in range(count):
            region = regions[n % len(regions)]
            name = f"{MODIFIERS[n // 8 % len(MODIFIERS)]}{WORDS[region][n // 64 % 4]} {n}".capitalize()
            yield Exercise(
                practice=owner,
                slug=f"{prefix}-{n}",
                name=name,
                summary=f"A {region.replace('-', ' ')} exercise for the home program, number {n}, done slowly.",
                steps=["Get ready.", "Move.", "Return."],
                region=region,
                position="standing",
                level=1 + n % 3,
                reps=10,
            )

    Exercise.objects.bulk_create(generated(practice, PRACTICE_EXERCISES, "own"), batch_size=1000)
    Exercise.objects.bulk_create(generated(other, OTHER_PRACTICE, "other"), batch_size=1000)
    Favourite.objects.bulk_create(
        Favourite(user=user, exercise=e) for e in Exercise.objects.filter(practice=practice)[:25]
    )
    draft = Program.objects.create(practice=practice, title="Bench draft", is_template=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_exercise")  # as autovacuum would after a bulk load
    return user, practice, draft


def timed(run) -> float:
    run()  # warm
    times = []
    for _ in range(SEARCH_RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired(floor, run) -> tuple[float, float]:
    """Medians of the floor and of `run`, measured in turns: a busy machine slows both alike."""
    floor(), run()
    floors, runs = [], []
    for _ in range(SEARCH_RUNS):
        for fn, times in ((floor, floors), (run, runs)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(floors), statistics.median(runs)


def listed(user, practice, params):
    from programs.forms import ExerciseFilterForm
    from programs.models import Exercise
    from programs.selectors import exercises_listed

    form = ExerciseFilterForm(params)
    form.is_valid()
    return exercises_listed(
        Exercise.objects.visible_to(user, practice=practice), user=user, filters=form.filters()
    )


def search_figures(user, practice, draft) -> list[str]:
    from django.db import connection
    from django.test import Client as Browser
    from django.test.utils import CaptureQueriesContext

    from programs.models import Exercise

    browser = Browser()
    browser.force_login(user)
    url = f"/programs/{draft.pk}/exercises/"
    lines = []
    for name, params in SEARCHES.items():
        words = params.get("q", "knee")

        def floor(words=words):
            return list(Exercise.objects.filter(name__icontains=words)[:30])

        def query(params=params):
            return list(listed(user, practice, params)[:30])

        floor_time, query_time = paired(floor, query)
        page = timed(lambda params=params: browser.get(url, params, headers={"HX-Request": "true"}))
        with CaptureQueriesContext(connection) as captured:
            browser.get(url, params, headers={"HX-Request": "true"})
        searched = [q["sql"] for q in captured.captured_queries if "programs_exercise" in q["sql"]]
        lines.append(
            f"{name}: {query_time * 1000:.2f} ms, floor {floor_time * 1000:.2f} ms "
            f"({query_time / floor_time:.2f}x); results partial {page * 1000:.1f} ms, "
            f"{len(captured)} queries ({len(searched)} on exercises)"
        )
    return lines


def index_figures(user, practice) -> list[str]:
    """What the trigram index buys: the same query with and without it (PostgreSQL only)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return ["(SQLite: no trigram index; icontains scans the table)"]
    lines = []
    for words in ("bridge", "knee"):
        query = listed(user, practice, {"q": words})[:30]
        plan = query.explain()
        used = "uses the trigram index" if "_trgm" in plan else "the planner scans instead"
        lines.append((words, query, used, timed(lambda query=query: list(query.all()))))
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX programs_exercise_name_trgm; DROP INDEX programs_exercise_summary_trgm")
    return [
        f"q={words}: {with_index * 1000:.2f} ms with the trigram indexes ({used}), "
        f"{timed(lambda query=query: list(query.all())) * 1000:.2f} ms without"
        for words, query, used, with_index in lines
    ]


def search_main() -> None:
    from _django import bench_database
    from django.db import connection

    with bench_database():
        user, practice, draft = populate_search()
        lines = search_figures(user, practice, draft)
        lines += index_figures(user, practice)
        total = 80 + PRACTICE_EXERCISES
    print(f"\nsearch: {total} exercises visible (+{OTHER_PRACTICE} of another practice), {connection.vendor}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
    search_main()
