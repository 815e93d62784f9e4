"""A client's exercise slots for one day: one per exercise and session of each program due."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from programs.models import ProgramExercise

from .models import Assignment, Completion


@dataclass(frozen=True)
class Slot:
    assignment: Assignment
    item: ProgramExercise
    session: int
    completion: Completion | None

    @property
    def done(self) -> bool:
        return self.completion is not None


def slots_for_day(assignments, day: date) -> list[Slot]:
    """Slots of the given assignments on `day`, in a constant number of queries."""
    assignments = list(with_items(assignments))
    return slots_of_loaded(assignments, day)


def slots_of_loaded(assignments: list[Assignment], day: date) -> list[Slot]:
    """Slots of assignments already loaded `with_items`: one more query, for the day's check-offs."""
    return day_slots(assignments, day, done_by_slot(_completions_of(assignments, day)))


def done_by_slot(completions) -> dict:
    """Check-offs by (assignment, date, session), as `day_slots` reads them; load each with
    `select_related("assignment_exercise")`."""
    done = defaultdict(list)
    for completion in completions:
        done[completion.assignment_id, completion.date, completion.session].append(completion)
    return done


def day_slots(assignments, day: date, done: dict) -> list[Slot]:
    """The slots of assignments loaded with items and pauses, each with its check-off if any.

    A check-off made against an older version of the program (on a phone that had it) counts
    for the same exercise in the current one.
    """
    slots = []
    for assignment in assignments:
        if not assignment.expects_exercise_on(day):
            continue
        items = list(assignment.program.items.all())
        for session in range(1, assignment.sessions_per_day + 1):
            matched = _match(items, done.get((assignment.pk, day, session), []))
            slots += [Slot(assignment, item, session, matched.get(item.pk)) for item in items]
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


def _completions_of(assignments: list[Assignment], day: date):
    due = [assignment for assignment in assignments if assignment.expects_exercise_on(day)]
    if not due:
        return []
    return Completion.objects.filter(assignment__in=due, date=day).select_related("assignment_exercise")
