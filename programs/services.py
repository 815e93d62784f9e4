from django.db import transaction

from practice.models import Practice

from .models import Program, ProgramExercise


@transaction.atomic
def program_clone(*, program: Program, practice: Practice, is_template: bool = False) -> Program:
    """A private copy: later edits of the original never reach what was given to a client."""
    copy = Program.objects.create(
        practice=practice,
        title=program.title,
        summary=program.summary,
        is_template=is_template,
        source=program,
    )
    ProgramExercise.objects.bulk_create(
        ProgramExercise(
            program=copy,
            exercise_id=item.exercise_id,
            position=item.position,
            note=item.note,
            **item.dosage_fields(),
        )
        for item in program.items.all()
    )
    return copy
