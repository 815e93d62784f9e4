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
    assignments = list(_with_items(assignments))
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


def _with_items(assignments):
    items = ProgramExercise.objects.select_related("exercise")
    return assignments.select_related("program").prefetch_related(
        Prefetch("program__items", queryset=items), "pauses"
    )


def _completions_by_slot(assignments: list[Assignment], day: date) -> dict:
    completions = Completion.objects.filter(assignment__in=assignments, date=day)
    return {(c.assignment_exercise_id, c.date, c.session): c for c in completions}
