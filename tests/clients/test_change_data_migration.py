"""Versions published before changes were data: the migration converts their English lines, losing nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from clients.assignments import changes, versions
from clients.models import AssignmentVersion
from tests.factories import ExerciseFactory, assign

# Outside a test transaction: SQLite's schema editor cannot run inside one.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("clients", "0012_handout_emails_row_first")
AFTER = ("clients", "0013_assignment_version_changes_as_data")


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def publish_version_two(client):
    assignment = assign(client, start=timezone.localdate() - timedelta(days=3))
    draft = versions.revision_draft(assignment=assignment)
    draft.items.first().delete()
    draft.items.update(hold_seconds=5)
    draft.items.create(
        exercise=ExerciseFactory(name="Bridge", translations={"es": {"name": "Puente"}}), position=9, reps=8
    )
    return versions.assignment_revise(
        assignment=assignment, draft=draft, schedule={**versions.schedule_of(assignment), "weeks": 8}
    )


def as_stored_before(version, lines: list[str]) -> None:
    AssignmentVersion.objects.filter(pk=version.pk).update(changes=lines)


def read(version, language: str) -> list[str]:
    stored = AssignmentVersion.objects.get(pk=version.pk)
    return changes.word_versions([stored], language=language)[0].said


def test_an_old_versions_english_lines_become_data_a_spanish_client_reads_in_spanish(bob, latest_migrations):
    version = publish_version_two(bob)
    data, english = version.changes, read(version, "en")
    migrate(BEFORE)
    as_stored_before(version, english)  # what the code before this migration stored

    migrate(AFTER)

    version.refresh_from_db()
    assert version.changes == data
    assert read(version, "en") == english
    assert read(version, "es")[0] == "nuevo: puente"


def test_lines_that_do_not_recompute_are_kept_word_for_word(bob, latest_migrations):
    version = publish_version_two(bob)
    migrate(BEFORE)
    as_stored_before(version, ["new: a renamed exercise", "now 8 weeks"])

    migrate(AFTER)

    assert read(version, "es") == ["new: a renamed exercise", "now 8 weeks"]
    assert AssignmentVersion.objects.get(assignment=version.assignment, number=1).changes == []


def test_migrating_back_puts_the_english_lines_back(bob, latest_migrations):
    version = publish_version_two(bob)
    english = read(version, "en")

    migrate(BEFORE)

    version.refresh_from_db()
    assert version.changes == english
    assert all(isinstance(line, str) for line in english)
