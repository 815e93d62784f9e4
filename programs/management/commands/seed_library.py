from django.core.management.base import BaseCommand
from django.db import transaction

from programs.library import EXERCISES, TEMPLATE, TEMPLATE_TRANSLATIONS, TRANSLATIONS
from programs.library_templates import TEMPLATES
from programs.models import DOSAGE_FIELDS, Exercise, Program, ProgramExercise


class Command(BaseCommand):
    help = "Create or refresh the shared exercise library and its templates (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        exercises = {spec["slug"]: _upsert_exercise(spec) for spec in EXERCISES}
        _link_variants(exercises)
        programs = [_upsert_template(spec, exercises) for spec in [TEMPLATE, *TEMPLATES]]
        titles = ", ".join(f"“{program.title}”" for program in programs)
        self.stdout.write(f"Library: {len(exercises)} exercises; {len(programs)} templates: {titles}.")


def _upsert_exercise(spec: dict) -> Exercise:
    fields = {key: value for key, value in spec.items() if key not in ("slug", "harder")}
    fields["translations"] = {language: texts[spec["slug"]] for language, texts in TRANSLATIONS.items()}
    exercise, _ = Exercise.objects.update_or_create(practice=None, slug=spec["slug"], defaults=fields)
    return exercise


def _link_variants(exercises: dict[str, Exercise]) -> None:
    """Each exercise's easier and harder versions, as the library says (the link goes both ways)."""
    for spec in EXERCISES:
        exercise = exercises[spec["slug"]]
        easier = [exercises[other["slug"]] for other in EXERCISES if spec["slug"] in other["harder"]]
        exercise.variants.set([*(exercises[slug] for slug in spec["harder"]), *easier])


def _upsert_template(spec: dict, exercises: dict[str, Exercise]) -> Program:
    spanish = spec.get("es") or TEMPLATE_TRANSLATIONS["es"]
    words = {"es": spanish}
    program, _ = Program.objects.update_or_create(
        practice=None,
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "safety": spec.get("safety", []),
            "is_template": True,
            "translations": {
                language: {name: texts[name] for name in ("title", "summary", "safety") if name in texts}
                for language, texts in words.items()
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
                    language: {"note": texts["notes"][position]}
                    for language, texts in words.items()
                    if texts["notes"][position]
                },
                **{name: item.get(name) for name in DOSAGE_FIELDS},
            },
        )
    program.items.filter(position__gte=len(spec["items"])).delete()
    return program
