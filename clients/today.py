"""A client's exercise slots for one day: one per exercise and session of each program due."""

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
    return day_slots(assignments, day, _completions_by_slot(assignments, day))


def day_slots(assignments, day: date, done: dict) -> list[Slot]:
    """The slots of assignments loaded with items and pauses; `done` maps (item, date, session)."""
    return [
        Slot(assignment, item, session, done.get((item.pk, day, session)))
        for assignment in assignments
        if assignment.expects_exercise_on(day)
        for session in range(1, assignment.sessions_per_day + 1)
        for item in assignment.program.items.all()
    ]


def with_items(assignments):
    """Assignments with what their slots need: the program's items and exercises, and pauses."""
    items = ProgramExercise.objects.select_related("exercise")
    return assignments.select_related("program").prefetch_related(
        Prefetch("program__items", queryset=items), "pauses"
    )


def _completions_by_slot(assignments: list[Assignment], day: date) -> dict:
    due = [assignment for assignment in assignments if assignment.expects_exercise_on(day)]
    if not due:
        return {}
    completions = Completion.objects.filter(assignment__in=due, date=day)
    return {(c.assignment_exercise_id, c.date, c.session): c for c in completions}
