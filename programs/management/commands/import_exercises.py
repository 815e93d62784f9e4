import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from practice.models import Practice
from programs.exchange import exercises_import


class Command(BaseCommand):
    help = (
        "Import exercises from a JSON file (as export_exercises writes it) into a practice: all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("practice", help="The practice's slug")
        parser.add_argument("file", help="The JSON file")

    def handle(self, *args, **options):
        practice = Practice.objects.filter(slug=options["practice"]).first()
        if practice is None:
            raise CommandError(f"No practice with the slug {options['practice']!r}.")
        try:
            with open(options["file"], encoding="utf-8") as file:
                data = json.load(file)
            created, updated = exercises_import(practice=practice, data=data)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from None
        except ValidationError as exc:
            raise CommandError("Nothing imported:\n" + "\n".join(exc.messages)) from None
        self.stdout.write(f"Imported into {practice.name}: {created} new exercises, {updated} updated.")
