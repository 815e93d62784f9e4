from django.core.management.base import BaseCommand
from django.db import transaction

from programs.library import EXERCISES, TEMPLATE, TEMPLATE_TRANSLATIONS, TRANSLATIONS
from programs.models import DOSAGE_FIELDS, Exercise, Program, ProgramExercise


class Command(BaseCommand):
    help = "Create or refresh the shared exercise library and its back-pain template (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        exercises = {spec["slug"]: _upsert_exercise(spec) for spec in EXERCISES}
        program = _upsert_template(TEMPLATE, exercises)
        self.stdout.write(f"Library: {len(exercises)} exercises; template “{program.title}”.")


def _upsert_exercise(spec: dict) -> Exercise:
    fields = {key: value for key, value in spec.items() if key != "slug"}
    fields["translations"] = {language: texts[spec["slug"]] for language, texts in TRANSLATIONS.items()}
    exercise, _ = Exercise.objects.update_or_create(practice=None, slug=spec["slug"], defaults=fields)
    return exercise


def _upsert_template(spec: dict, exercises: dict[str, Exercise]) -> Program:
    program, _ = Program.objects.update_or_create(
        practice=None,
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "is_template": True,
            "translations": {
                language: {"title": words["title"], "summary": words["summary"]}
                for language, words in TEMPLATE_TRANSLATIONS.items()
            },
        },
    )
    for position, item in enumerate(spec["items"]):
        ProgramExercise.objects.update_or_create(
            program=program,
            position=position,
            defaults={
                "exercise": exercises[item["exercise"]],
                "note": item.get("note", ""),
                "translations": {
                    language: {"note": words["notes"][position]}
                    for language, words in TEMPLATE_TRANSLATIONS.items()
                },
                **{name: item.get(name) for name in DOSAGE_FIELDS},
            },
        )
    program.items.filter(position__gte=len(spec["items"])).delete()
    return program
