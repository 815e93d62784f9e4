"""Versions of an assignment: the diff in words, and publishing a new version keeps the history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.assignments import changes, versions
from clients.models import AssignmentVersion, Completion
from programs.models import Exercise, ProgramExercise, short_dosage_words
from tests.factories import ExerciseFactory

SCHEDULE = {"start_date": "2026-01-05", "weeks": 6, "days_of_week": [0, 2, 4], "sessions_per_day": 1}


def line_of(exercise_id, name, *, sets=3, reps=None, duration=None, hold=None, note="", occurrence=1):
    item = ProgramExercise(
        exercise=Exercise(pk=exercise_id, name=name),
        sets=sets,
        reps=reps,
        duration_seconds=duration,
        hold_seconds=hold,
    )
    item.exercise_id = exercise_id
    item.note = note
    return item


def read(before: list, after: list, *, schedule_after: dict = SCHEDULE, language: str = "en") -> list[str]:
    """What changed from `before` to `after` (ProgramExercises), as the reader reads it."""
    found = changes.diff(changes.snapshot(before, SCHEDULE), changes.snapshot(after, schedule_after))
    exercises = {item.exercise_id: item.exercise for item in before + after}
    return changes.said(found, language=language, names=changes.names_in(language, exercises))


def test_a_new_exercise_and_a_new_dosage_read_as_the_client_sees_them():
    before = [line_of(1, "Side plank", duration=15)]
    after = [line_of(1, "Side plank", duration=20), line_of(2, "Deep squat", reps=8)]

    assert read(before, after) == ["new: deep squat", "side plank now 3 × 20 s"]


def test_a_removed_exercise_is_named():
    assert read([line_of(1, "Side plank"), line_of(2, "Deep squat")], [line_of(2, "Deep squat")]) == [
        "removed: side plank"
    ]


def test_a_new_order_is_said_once():
    before = [line_of(1, "Side plank"), line_of(2, "Deep squat")]

    assert read(before, before[::-1]) == ["new order"]


def test_a_new_note_is_said_without_its_words():
    assert read([line_of(1, "Bridge")], [line_of(1, "Bridge", note="Slowly")]) == ["bridge: new note"]


def test_a_moved_schedule_says_what_moved():
    moved = {
        **SCHEDULE,
        "start_date": date(2026, 1, 12),
        "days_of_week": ["0", "1", "2", "3", "4", "5", "6"],
        "sessions_per_day": 2,
    }

    assert read([line_of(1, "Side plank")], [line_of(1, "Side plank")], schedule_after=moved) == [
        "now starts 12 Jan 2026",
        "now every day",
        "now 2 sessions a day",
    ]


def test_fewer_days_and_weeks_say_which_days_and_how_many_weeks():
    moved = {**SCHEDULE, "weeks": 1, "days_of_week": [0, 2]}

    assert read([line_of(1, "Side plank")], [line_of(1, "Side plank")], schedule_after=moved) == [
        "now 1 week",
        "now on Mon, Wed",
    ]


def test_nothing_changed_says_nothing():
    lines = [line_of(1, "Side plank", reps=10, hold=5, note="Slowly")]

    assert read(lines, lines) == []


def test_the_same_exercise_twice_is_told_apart_by_its_occurrence():
    before = [line_of(1, "Bridge", reps=10)]
    after = [line_of(1, "Bridge", reps=10), line_of(1, "Bridge", reps=5)]

    assert read(before, after) == ["new: bridge"]


def test_a_spanish_reader_reads_every_kind_of_change_in_spanish():
    squat = Exercise(pk=2, name="Deep squat", translations={"es": {"name": "Sentadilla profunda"}})
    before = [line_of(1, "Bridge", reps=10), line_of(3, "Side plank")]
    after = [line_of(3, "Side plank"), line_of(1, "Bridge", reps=10, hold=5, note="Slowly")]
    after.append(ProgramExercise(exercise=squat, sets=2, reps=8))
    moved = {
        **SCHEDULE,
        "start_date": "2026-12-01",
        "weeks": 8,
        "days_of_week": [0, 2],
        "sessions_per_day": 2,
    }

    assert read(before, after, schedule_after=moved, language="es") == [
        "nuevo: sentadilla profunda",
        "bridge ahora 3 × 10 · mantener 5 s",
        "bridge: nota nueva",
        "nuevo orden",
        "ahora empieza el 1 de diciembre de 2026",
        "ahora 8 semanas",
        "ahora los lun, mié",
        "ahora 2 sesiones al día",
    ]


def test_changes_are_kept_as_data_naming_exercises_by_id_and_occurrence():
    before = [line_of(7, "Bridge", reps=10)]
    after = [line_of(7, "Bridge", reps=10), line_of(7, "Bridge", sets=2, reps=5, hold=0)]

    found = changes.diff(changes.snapshot(before, SCHEDULE), changes.snapshot(after, SCHEDULE))

    assert found == [{"kind": "new", "exercise": 7, "occurrence": 2}]


def in_english(version) -> list[str]:
    return changes.word_versions([AssignmentVersion.objects.get(pk=version.pk)], language="en")[0].said


@pytest.mark.django_db
def test_publishing_an_edit_makes_a_new_version_with_the_same_assignment_and_history(bob_assignment, alice):
    old_item = bob_assignment.program.items.first()
    done = Completion.objects.create(
        assignment=bob_assignment, assignment_exercise=old_item, date=timezone.localdate()
    )
    draft = versions.revision_draft(assignment=bob_assignment)
    draft.items.filter(exercise=old_item.exercise).update(sets=5)
    ProgramExercise.objects.create(
        program=draft, exercise=ExerciseFactory(name="Deep squat"), position=9, reps=8
    )

    version = versions.assignment_revise(
        assignment=bob_assignment, draft=draft, schedule=versions.schedule_of(bob_assignment), by=alice
    )

    bob_assignment.refresh_from_db()
    done.refresh_from_db()
    assert (version.number, bob_assignment.version, bob_assignment.program) == (2, 2, draft)
    said = in_english(version)
    assert said[0] == "new: deep squat"
    assert any(change.endswith("now 5 × 10") for change in said)
    assert done.assignment_exercise == old_item
    assert AssignmentVersion.objects.get(assignment=bob_assignment, number=1).program == old_item.program
    assert bob_assignment.current_version == version


@pytest.mark.django_db
def test_publishing_an_unchanged_draft_is_refused(bob_assignment):
    draft = versions.revision_draft(assignment=bob_assignment)

    with pytest.raises(ValidationError):
        versions.assignment_revise(
            assignment=bob_assignment, draft=draft, schedule=versions.schedule_of(bob_assignment)
        )
    bob_assignment.refresh_from_db()
    assert bob_assignment.version == 1


@pytest.mark.django_db
def test_publishing_a_version_with_no_exercise_left_is_refused(client, alice, bob_assignment):
    draft = versions.revision_draft(assignment=bob_assignment)
    draft.items.all().delete()
    client.force_login(alice)

    schedule = versions.schedule_of(bob_assignment)
    response = client.post(f"/assignments/{bob_assignment.pk}/edit/", schedule)

    assert response.status_code == 400
    assert "Add at least one exercise before publishing." in response.content.decode()
    bob_assignment.refresh_from_db()
    assert bob_assignment.version == 1
    assert bob_assignment.program.items.exists()


@pytest.mark.django_db
def test_every_new_assignment_starts_as_version_one(bob_assignment):
    assert list(bob_assignment.versions.values_list("number", "program")) == [(1, bob_assignment.program_id)]


@pytest.mark.django_db
def test_moving_the_schedule_alone_is_a_new_version(bob_assignment):
    draft = versions.revision_draft(assignment=bob_assignment)
    schedule = {**versions.schedule_of(bob_assignment), "weeks": 8}

    version = versions.assignment_revise(assignment=bob_assignment, draft=draft, schedule=schedule)

    bob_assignment.refresh_from_db()
    assert version.changes == [{"kind": "weeks", "weeks": 8}]
    assert in_english(version) == ["now 8 weeks"]
    assert bob_assignment.weeks == 8
    assert bob_assignment.end_date == bob_assignment.start_date + timedelta(weeks=8, days=-1)


@pytest.mark.django_db
def test_the_client_api_says_what_changed_in_the_current_version(bob_assignment, bob):
    from tests.conftest import api_as

    draft = versions.revision_draft(assignment=bob_assignment)
    versions.assignment_revise(
        assignment=bob_assignment, draft=draft, schedule={**versions.schedule_of(bob_assignment), "weeks": 5}
    )

    body = api_as(bob.user).get(f"/api/v1/me/assignments/{bob_assignment.pk}/").json()

    assert body["version"] == 2
    assert body["changes"] == ["now 5 weeks"]


def test_short_dosage_reads_sets_by_reps_or_seconds():
    assert short_dosage_words(ProgramExercise(sets=3, reps=10)) == "3 × 10"
    assert short_dosage_words(ProgramExercise(sets=3, duration_seconds=20)) == "3 × 20 s"
    assert (
        short_dosage_words(ProgramExercise(sets=2, reps=8, hold_seconds=5, side="each"))
        == "2 × 8 · hold 5 s · each side"
    )
    assert short_dosage_words(ProgramExercise(sets=1)) == "1 set"
    assert short_dosage_words(ProgramExercise(sets=3, reps=10, duration_seconds=90)) == "3 × 10 · 90 s"


@pytest.mark.django_db
def test_an_exercise_of_an_older_version_still_leads_to_its_assignment(bob_assignment, bob, dana_assignment):
    old_item = bob_assignment.program.items.first()
    draft = versions.revision_draft(assignment=bob_assignment)
    versions.assignment_revise(
        assignment=bob_assignment, draft=draft, schedule={**versions.schedule_of(bob_assignment), "weeks": 5}
    )

    assert versions.assignment_of_item(old_item) == bob_assignment
    assert versions.items_of_client(bob).filter(pk=old_item.pk).exists()
    assert not versions.items_of_client(bob).filter(program=dana_assignment.program).exists()
