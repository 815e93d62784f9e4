from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clients.assignments.handouts import assignment_handout, handout_options_from
from clients.models import Assignment


class Command(BaseCommand):
    help = "Write one assignment's PDF handout to a file."

    def add_arguments(self, parser):
        parser.add_argument("assignment_id", type=int)
        parser.add_argument("-o", "--output", help="File to write (default: the download's file name)")
        parser.add_argument("--size", default="A4", help="A4 or letter")
        parser.add_argument("--large", action="store_true", help="Large print (16 pt body)")
        parser.add_argument("--lang", help="Language code; default: the client's")

    def handle(self, *args, assignment_id, output, size, large, lang, **options):
        assignment = Assignment.objects.filter(pk=assignment_id).first()
        if assignment is None:
            raise CommandError(f"No assignment {assignment_id}.")
        try:
            handout_options = handout_options_from(
                {"size": size, "large": "1" if large else "", "lang": lang}
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        pdf, filename = assignment_handout(assignment, options=handout_options)
        path = Path(output or filename)
        path.write_bytes(pdf)
        self.stdout.write(f"{path} ({len(pdf) // 1024} KiB)")
