from django.core.exceptions import ValidationError
from django.db import transaction

from practice.models import Practice

from .models import COUNTED_FIELDS, Exercise, Favourite, Program, ProgramExercise


@transaction.atomic
def program_clone(
    *, program: Program, practice: Practice, is_template: bool = False, language: str = ""
) -> Program:
    """A private copy: later edits of the original never reach what was given to a client.

    With a `language`, the copy is written in it wherever the original has the words (the
    library's template in Spanish for a client who reads Spanish), so the practitioner edits,
    and the client reads, the words the client gets. Translations are not copied: a copy is
    there to be edited, and a translation of words since rewritten would say something else.
    """
    copy = Program.objects.create(
        practice=practice,
        **program.words_in(language),
        is_template=is_template,
        source=program,
    )
    ProgramExercise.objects.bulk_create(
        ProgramExercise(
            program=copy,
            exercise_id=item.exercise_id,
            position=item.position,
            note=item.note_in(language),
            **item.dosage_fields(),
        )
        for item in program.items.all()
    )
    return copy


# --- the builder's operations: the workspace and the practitioner API call these ------------

MOVES = ("up", "down", "top", "bottom")


def _items_locked(program: Program) -> list[ProgramExercise]:
    return list(program.items.select_for_update().order_by("position", "id"))


def _renumber(items: list[ProgramExercise]) -> None:
    for position, item in enumerate(items):
        item.position = position
    ProgramExercise.objects.bulk_update(items, ["position"])


@transaction.atomic
def item_move(*, item: ProgramExercise, direction: str) -> None:
    """One step up or down, or to the top or bottom: the keyboard's way to reorder."""
    items = _items_locked(item.program)
    index = next(i for i, each in enumerate(items) if each.pk == item.pk)
    moved = items.pop(index)
    target = {"up": index - 1, "down": index + 1, "top": 0, "bottom": len(items)}[direction]
    items.insert(max(0, min(target, len(items))), moved)
    _renumber(items)


@transaction.atomic
def program_reorder(*, program: Program, item_ids: list[int]) -> None:
    """The program's items in the order given, which must name each of them once (a drag and
    drop from a page someone else has since changed names others: refused, nothing moved)."""
    items = {item.pk: item for item in _items_locked(program)}
    if sorted(item_ids) != sorted(items):
        raise ValidationError({"items": "Give every exercise of the program once, in the new order."})
    _renumber([items[pk] for pk in item_ids])


# Which fields a whole-program change touches: sets on every exercise; reps, a hold, a duration
# and a side only where the exercise already has one (a 20 s hold is not given to a squat).
EVERY_ITEM = ("sets",)
WHERE_GIVEN = ("reps", "hold_seconds", "duration_seconds", "side")


@transaction.atomic
def program_set_dosage(*, program: Program, changes: dict) -> int:
    """Change a dosage field across the program at once, e.g. every hold to 20 s; the number of
    exercises changed."""
    changes = {name: value for name, value in changes.items() if value not in (None, "")}
    changed = []
    for item in _items_locked(program):
        fields = [name for name in changes if name in EVERY_ITEM or getattr(item, name)]
        fields = [name for name in fields if getattr(item, name) != changes[name]]
        for name in fields:
            setattr(item, name, changes[name])
        if fields:
            changed.append(item)
    ProgramExercise.objects.bulk_update(changed, [*EVERY_ITEM, *WHERE_GIVEN])
    return len(changed)


def item_swap(*, item: ProgramExercise, variant: Exercise) -> ProgramExercise:
    """The variant in the item's place. The prescription is kept when it counts the way the
    variant does (reps for reps, a hold for a hold), else the variant's own default is taken:
    a plank's 30 s hold does not become 30 reps of a push-up."""
    if counted_fields(item) == counted_fields(variant):
        dosage = item.dosage_fields()
    else:
        dosage = {**variant.dosage_fields(), "sets": item.sets}
    for name, value in dosage.items():
        setattr(item, name, value)
    item.exercise = variant
    item.save()
    return item


def counted_fields(dosage) -> set[str]:
    return {name for name in COUNTED_FIELDS if getattr(dosage, name)}


def favourite_set(*, user, exercise: Exercise, starred: bool) -> None:
    """Star or unstar an exercise for `user`; doing it twice is the same as once."""
    if starred:
        Favourite.objects.get_or_create(user=user, exercise=exercise)
    else:
        Favourite.objects.filter(user=user, exercise=exercise).delete()
