"""A client's exercise slots for one day: one per exercise and session of each program due."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from programs.models import ProgramExercise

from ..models import Assignment, Completion
from ..scheduling import expected_terms, own_terms, version_terms


@dataclass(frozen=True)
class Slot:
    assignment: Assignment
    item: ProgramExercise
    session: int
    completion: Completion | None

    @property
    def done(self) -> bool:
        return self.completion is not None


def slots_of_loaded(assignments: list[Assignment], day: date, *, today: date | None = None) -> list[Slot]:
    """Slots of assignments already loaded `with_items`: one more query, for the day's check-offs.

    Given the client's `today`, a day before it is shown under the version that governed it
    (`scheduling.expected_terms` tells which): one query more when any of the assignments was
    revised, for the exercises of their versions.
    """
    if today is not None and day < today:
        plans = _plans(assignments, day, _with_history(assignments))
    else:
        plans = _plans(assignments, day, _with_newest(assignments))
    return _slots(plans, day, done_by_slot(_completions_of(plans, day)))


def done_by_slot(completions) -> dict:
    """Check-offs by (assignment, date, session), as `day_slots` reads them; load each with
    `select_related("assignment_exercise")`."""
    done = defaultdict(list)
    for completion in completions:
        done[completion.assignment_id, completion.date, completion.session].append(completion)
    return done


def day_slots(assignments, day: date, done: dict) -> list[Slot]:
    """The slots of the client's today (or a day after) for assignments loaded with items and
    pauses, each with its check-off if any.

    A check-off made against an older version of the program (on a phone that had it) counts
    for the same exercise in the current one.
    """
    return _slots(_plans(assignments, day, _with_newest(assignments)), day, done)


@dataclass(frozen=True)
class _Plan:
    """What an assignment asked on a day it expected exercise: its exercises, so many times."""

    assignment: Assignment
    items: list[ProgramExercise]
    sessions: int


def _plans(assignments, day: date, objects: dict[int, ProgramExercise]) -> list[_Plan]:
    """A plan for each assignment expecting exercise on `day`, as `scheduling.expected_terms` says:
    the exercises and sessions of the version in force; `objects` are those exercises by id."""
    plans = []
    for assignment in assignments:
        terms = expected_terms(assignment, day)
        if terms is not None and terms.items:
            items = [objects[item] for item, _ in terms.items]
            plans.append(_Plan(assignment, items, terms.sessions_per_day))
    return plans


def _with_newest(assignments) -> dict[int, ProgramExercise]:
    """Give each assignment the terms of its current version alone, with its exercises: enough from
    the client's today on (`scheduling.own_terms`)."""
    objects = {}
    for assignment in assignments:
        items = list(assignment.program.items.all())
        objects.update((item.pk, item) for item in items)
        mine = [(item.pk, item.exercise_id) for item in items]
        assignment.terms = own_terms(assignment, mine)
    return objects


def _with_history(assignments: list[Assignment]) -> dict[int, ProgramExercise]:
    """Give each assignment the terms of every version with its exercises; one query reads the
    exercises of every revised one's versions, an assignment still at its first has the current."""
    objects = _with_newest(assignments)
    revised = {assignment.pk: assignment for assignment in assignments if assignment.version > 1}
    if not revised:
        return objects
    items = ProgramExercise.objects.filter(program__version__assignment__in=list(revised)).select_related(
        "exercise", "program__version"
    )
    history = defaultdict(dict)  # {assignment: {number: (published at, schedule, items)}}
    for item in items:
        objects[item.pk] = item
        version = item.program.version
        by_number = history[version.assignment_id]
        by_number.setdefault(version.number, (version.created_at, version.schedule, []))[2].append(item)
    for pk, by_number in history.items():
        revised[pk].terms = _terms_of_history(revised[pk], by_number)
    return objects


def _terms_of_history(assignment: Assignment, by_number: dict):
    if 1 not in by_number:  # the first version had no exercises (an empty template): it asked nothing
        nothing = {"start_date": assignment.start_date, "weeks": 0, "days_of_week": [], "sessions_per_day": 0}
        by_number = {1: (None, nothing, []), **by_number}
    history = [
        (number, published_at, schedule, [(item.pk, item.exercise_id) for item in items])
        for number, (published_at, schedule, items) in by_number.items()
    ]
    return version_terms(assignment, assignment.client.timezone, history)


def _slots(plans: list[_Plan], day: date, done: dict) -> list[Slot]:
    slots = []
    for plan in plans:
        for session in range(1, plan.sessions + 1):
            matched = _match(plan.items, done.get((plan.assignment.pk, day, session), []))
            slots += [Slot(plan.assignment, item, session, matched.get(item.pk)) for item in plan.items]
    return slots


def _match(items: list[ProgramExercise], completions: list[Completion]) -> dict[int, Completion]:
    """Each item's check-off: its own, else one of an older version's item of the same exercise."""
    matched = {c.assignment_exercise_id: c for c in completions}
    current = {item.pk for item in items}
    older = [c for c in completions if c.assignment_exercise_id not in current]
    for item in items:
        if item.pk in matched:
            continue
        same = next((c for c in older if c.assignment_exercise.exercise_id == item.exercise_id), None)
        if same is not None:
            matched[item.pk] = same
            older.remove(same)
    return matched


def with_items(assignments):
    """Assignments with what their slots need: the program's items and exercises, and pauses."""
    items = ProgramExercise.objects.select_related("exercise")
    return assignments.select_related("program").prefetch_related(
        Prefetch("program__items", queryset=items), "pauses"
    )


def _completions_of(plans: list[_Plan], day: date):
    due = [plan.assignment for plan in plans]
    if not due:
        return []
    return Completion.objects.filter(assignment__in=due, date=day).select_related("assignment_exercise")
