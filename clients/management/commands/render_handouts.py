import sys

from django.core.management.base import BaseCommand, CommandError

from clients.assignments.handouts import handout_batch_run
from clients.models import Assignment, HandoutBatch
from practice.models import Practice


class Command(BaseCommand):
    help = "Render (and cache) the handouts of many assignments, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--practice", help="Practice slug (default: every practice)")
        parser.add_argument("--all", action="store_true", help="Ended and paused assignments too")

    def handle(self, *args, practice, all, **options):
        practices = Practice.objects.all()
        if practice:
            practices = practices.filter(slug=practice)
            if not practices.exists():
                raise CommandError(f"No practice {practice!r}.")
        assignments = Assignment.objects.all() if all else Assignment.objects.filter(status=Assignment.ACTIVE)
        for each in practices.order_by("slug"):
            ids = list(assignments.filter(client__practice=each).values_list("pk", flat=True))
            if ids:
                self._run(HandoutBatch.objects.create(practice=each, assignment_ids=ids, total=len(ids)))

    def _run(self, batch: HandoutBatch) -> None:
        self.stdout.write(f"{batch.practice.slug}: {batch.total} handouts")
        handout_batch_run(batch.pk, progress=self._bar)
        batch.refresh_from_db()
        self.stdout.write(f"\n  {batch.done} rendered, {batch.failed} failed")

    def _bar(self, batch: HandoutBatch, width: int = 30) -> None:
        filled = width * batch.percent // 100
        line = f"\r  [{'#' * filled}{' ' * (width - filled)}] {batch.done + batch.failed}/{batch.total}"
        self.stdout.write(line, ending="")
        if self.stdout.isatty() or sys.stdout.isatty():
            self.stdout.flush()
