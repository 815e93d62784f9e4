import json

from django.core.management.base import BaseCommand, CommandError

from practice.models import Practice
from programs.exchange import exercises_export


class Command(BaseCommand):
    help = "Write a practice's own exercises as JSON (to standard output, or -o FILE), for import_exercises."

    def add_arguments(self, parser):
        parser.add_argument("practice", help="The practice's slug")
        parser.add_argument("-o", "--output", help="The file to write; standard output if left out")

    def handle(self, *args, **options):
        practice = Practice.objects.filter(slug=options["practice"]).first()
        if practice is None:
            raise CommandError(f"No practice with the slug {options['practice']!r}.")
        text = json.dumps(exercises_export(practice=practice), indent=2, ensure_ascii=False)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as file:
                file.write(text + "\n")
        else:
            self.stdout.write(text)
