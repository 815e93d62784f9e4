from django.db import transaction

from practice.models import Practice

from .models import Program, ProgramExercise


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
