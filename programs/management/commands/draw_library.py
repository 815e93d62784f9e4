from pathlib import Path

from django.core.management.base import BaseCommand

from programs.figures import render_pose
from programs.library import EXERCISES

ILLUSTRATIONS = Path(__file__).resolve().parents[2] / "static"


class Command(BaseCommand):
    help = "Draw the library's start and end poses into programs/static (run after editing a pose; commit the SVGs)."

    def handle(self, *args, **options):
        for spec in EXERCISES:
            for pose, path, alt in library_drawings(spec):
                (ILLUSTRATIONS / path).parent.mkdir(parents=True, exist_ok=True)
                (ILLUSTRATIONS / path).write_text(render_pose(pose, title=alt), encoding="utf-8")
        self.stdout.write(f"Drew {2 * len(EXERCISES)} poses into {ILLUSTRATIONS / 'programs/illustrations'}.")


def library_drawings(spec: dict):
    """(pose, static path, alt text) of an exercise's start and end pictures."""
    yield spec["poses"]["start"], spec["illustration"], spec["illustration_alt"]
    yield spec["poses"]["end"], spec["illustration_end"], spec["illustration_end_alt"]
