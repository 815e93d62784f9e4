"""Progression suggestions: the rules on hand-made weeks, then read from real check-offs."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clients.attention import actions
from clients.checkoffs import progression
from clients.checkoffs.progression import EASE, PROGRESS, Week, direction_of
from clients.models import Assignment, AssignmentPause, Completion, Consultation
from programs.models import ProgramExercise
from tests.factories import ExerciseFactory, assign

FULL = Week(expected=7, done=7, top_pain=2, top_difficulty=2, whole=True)


# --- the rules -----------------------------------------------------------------------------


def test_a_full_easy_week_is_ready_to_progress():
    assert direction_of(FULL, baseline=None) == PROGRESS


@pytest.mark.parametrize(
    "week",
    [
        Week(expected=7, done=6, top_pain=0, top_difficulty=1, whole=True),  # one session missed
        Week(expected=7, done=7, top_pain=3, top_difficulty=2, whole=True),  # pain 3
        Week(expected=7, done=7, top_pain=2, top_difficulty=3, whole=True),  # difficulty 3
        Week(expected=7, done=7, top_pain=None, top_difficulty=1, whole=True),  # never said its pain
        Week(expected=4, done=4, top_pain=1, top_difficulty=1, whole=False),  # a new version, 4 days in
        Week(expected=0, done=0, top_pain=None, top_difficulty=None, whole=True),  # nothing expected
    ],
)
def test_a_week_short_of_every_session_done_at_pain_and_difficulty_2_is_not_ready(week):
    assert direction_of(week, baseline=None) is None


@pytest.mark.parametrize(
    ("pain", "difficulty", "baseline"),
    [(5, 1, None), (9, 2, None), (1, 5, None), (4, 2, 1), (3, 3, 0)],
)
def test_pain_5_difficulty_5_or_pain_3_over_baseline_suggests_easing(pain, difficulty, baseline):
    week = Week(expected=7, done=3, top_pain=pain, top_difficulty=difficulty, whole=True)

    assert direction_of(week, baseline=baseline) == EASE


def test_pain_4_two_over_a_baseline_of_2_suggests_nothing():
    week = Week(expected=7, done=5, top_pain=4, top_difficulty=3, whole=True)

    assert direction_of(week, baseline=2) is None


def test_a_week_with_nothing_checked_off_suggests_nothing_missed_days_have_their_alert():
    assert direction_of(Week(7, 0, None, None, True), baseline=9) is None


def item_of(exercise_level=2, **dosage) -> ProgramExercise:
    exercise = ExerciseFactory.build(name="Side plank", level=exercise_level)
    return ProgramExercise(exercise=exercise, **{"sets": 3, "reps": 10, **dosage})


def test_progressing_takes_the_nearest_harder_variant_with_its_own_dosage():
    harder = ExerciseFactory.build(name="Side plank, leg lifted", level=3, sets=2, reps=None, hold_seconds=20)
    easier = ExerciseFactory.build(name="Side plank on knees", level=1)

    change = progression.change_for(item_of(), PROGRESS, [easier, harder])

    assert change.exercise is harder
    assert change.dosage["hold_seconds"] == 20
    assert change.words == "Side plank → Side plank, leg lifted"


def test_easing_takes_the_easier_variant():
    easier = ExerciseFactory.build(name="Side plank on knees", level=1)

    assert progression.change_for(item_of(), EASE, [easier]).exercise is easier


def test_without_a_variant_progressing_adds_a_set_or_lengthens_a_hold():
    assert progression.change_for(item_of(), PROGRESS, []).words == "3 → 4 sets"
    assert progression.change_for(item_of(hold_seconds=20), PROGRESS, []).words == "hold 20 → 25 s"


def test_without_a_variant_easing_takes_a_set_off_or_shortens_a_hold_and_stops_at_the_least():
    assert progression.change_for(item_of(), EASE, []).dosage["sets"] == 2
    assert progression.change_for(item_of(sets=1, hold_seconds=10), EASE, []).words == "hold 10 → 5 s"
    assert progression.change_for(item_of(sets=1), EASE, []) is None


# --- read from check-offs -------------------------------------------------------------------

pytestmark = pytest.mark.django_db(transaction=False)
MONDAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # three weeks on, a Monday


@pytest.fixture
def program(bob):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        return assign(bob, start=MONDAY, weeks=6)


def check_off_week(assignment, item, *, pain=1, difficulty=1, skip=()):
    for offset in range(1, 8):
        day = NOW.date() - timedelta(days=offset)
        if day not in skip:
            Completion.objects.create(
                assignment=assignment, assignment_exercise=item, date=day, pain=pain, difficulty=difficulty
            )


def suggestions_now(client):
    with time_machine.travel(NOW, tick=False):
        return progression.suggestions(Assignment.objects.filter(client=client), now=NOW).suggestions


def test_every_session_of_the_week_done_easily_makes_the_exercise_ready_to_progress(program, bob):
    first = program.program.items.order_by("position").first()
    check_off_week(program, first)

    (suggestion,) = suggestions_now(bob)

    assert (suggestion.item, suggestion.direction) == (first, PROGRESS)
    assert (suggestion.week.expected, suggestion.week.done) == (7, 7)


def test_a_day_of_a_break_is_not_owed(program, bob):
    first = program.program.items.order_by("position").first()
    break_day = NOW.date() - timedelta(days=3)
    AssignmentPause.objects.create(assignment=program, start_date=break_day, end_date=break_day)
    check_off_week(program, first, skip={break_day})

    (suggestion,) = suggestions_now(bob)

    assert (suggestion.week.expected, suggestion.direction) == (6, PROGRESS)


def test_one_painful_session_suggests_easing(program, bob):
    first = program.program.items.order_by("position").first()
    check_off_week(program, first, pain=1, skip={NOW.date() - timedelta(days=2)})
    Completion.objects.create(
        assignment=program, assignment_exercise=first, date=NOW.date() - timedelta(days=2), pain=6
    )

    assert [s.direction for s in suggestions_now(bob)] == [EASE]


def test_pain_3_over_the_baseline_of_the_last_held_consultation_suggests_easing(program, bob):
    first = program.program.items.order_by("position").first()
    Consultation.objects.create(client=bob, scheduled_at=datetime(2026, 11, 2, 9, tzinfo=UTC), pain=0)
    check_off_week(program, first, pain=3, difficulty=2)

    assert [s.direction for s in suggestions_now(bob)] == [EASE]


def test_a_paused_or_ended_program_suggests_nothing(program, bob):
    check_off_week(program, program.program.items.first(), pain=8)
    Assignment.objects.filter(pk=program.pk).update(status=Assignment.PAUSED)

    assert suggestions_now(bob) == []


def test_one_click_publishes_a_version_with_one_more_set_and_the_week_starts_again(program, bob, alice):
    first = program.program.items.order_by("position").first()
    check_off_week(program, first)

    with time_machine.travel(NOW, tick=False):
        version = actions.suggestion_apply(assignment=program, item_id=first.pk, by=alice)

    program.refresh_from_db()
    assert program.version == 2
    given = program.program.items.order_by("position").first()
    assert (given.exercise_id, given.sets) == (first.exercise_id, first.sets + 1)
    assert version.changes == [
        {"kind": "dosage", "exercise": first.exercise_id, "occurrence": 1, **given.dosage_fields()}
    ]
    assert suggestions_now(bob) == []  # the new version's week has not been lived yet


def test_one_click_swaps_in_the_harder_variant_the_library_links(program, bob, alice):
    first = program.program.items.order_by("position").first()
    harder = ExerciseFactory(name="Harder one", level=first.exercise.level + 1, reps=12)
    first.exercise.variants.add(harder)
    check_off_week(program, first)

    with time_machine.travel(NOW, tick=False):
        actions.suggestion_apply(assignment=program, item_id=first.pk, by=alice)

    program.refresh_from_db()
    assert program.program.items.order_by("position").first().exercise == harder


def test_a_variant_of_another_practice_is_never_given(program, bob, alice, charlie):
    first = program.program.items.order_by("position").first()
    theirs = ExerciseFactory(
        name="Theirs", level=first.exercise.level + 1, practice=charlie.memberships.get().practice
    )
    first.exercise.variants.add(theirs)
    check_off_week(program, first)

    (suggestion,) = suggestions_now(bob)

    assert suggestion.change.exercise == first.exercise  # one more set instead


def test_a_suggestion_that_no_longer_stands_changes_nothing(program, alice):
    first = program.program.items.order_by("position").first()

    with time_machine.travel(NOW, tick=False), pytest.raises(Exception, match="no longer applies"):
        actions.suggestion_apply(assignment=program, item_id=first.pk, by=alice)

    program.refresh_from_db()
    assert program.version == 1


def test_a_new_version_for_one_exercise_leaves_the_others_week_whole(program, bob, alice):
    first, second = program.program.items.order_by("position")[:2]
    check_off_week(program, first)
    check_off_week(program, second, pain=6)

    with time_machine.travel(NOW, tick=False):
        actions.suggestion_apply(assignment=program, item_id=first.pk, by=alice)

    (left,) = suggestions_now(bob)
    assert (left.item.exercise, left.direction) == (second.exercise, EASE)
    assert left.item.program == Assignment.objects.get(pk=program.pk).program  # the new version's


def test_asked_for_the_first_few_easing_comes_first_and_all_are_counted(program, bob):
    first, second = program.program.items.order_by("position")[:2]
    check_off_week(program, first)
    check_off_week(program, second, difficulty=5)

    with time_machine.travel(NOW, tick=False):
        shown, total = progression.suggestions(Assignment.objects.filter(client=bob), now=NOW, limit=1)

    assert total == 2
    assert [(s.item, s.direction, s.week.expected) for s in shown] == [(second, EASE, 7)]


def test_clients_a_day_apart_in_their_timezones_are_each_judged_on_their_own_week(program, bob, dana):
    """At NOW it is already the next day in Kiritimati (UTC+14): Dana's week ends a day later."""
    dana.timezone = "Pacific/Kiritimati"
    dana.save(update_fields=["timezone"])
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        danas = assign(dana, start=MONDAY, weeks=6)
    bobs_item, danas_item = program.program.items.first(), danas.program.items.first()
    check_off_week(program, bobs_item, pain=6)
    Completion.objects.create(assignment=danas, assignment_exercise=danas_item, date=NOW.date(), pain=7)
    Completion.objects.create(  # her eighth day back: outside her week
        assignment=danas, assignment_exercise=danas_item, date=NOW.date() - timedelta(days=7), pain=9
    )

    with time_machine.travel(NOW, tick=False):
        found = progression.suggestions(Assignment.objects.filter(client__in=[bob, dana]), now=NOW)

    assert {(s.item, s.direction, s.week.top_pain, s.week.done) for s in found.suggestions} == {
        (bobs_item, EASE, 6, 7),
        (danas_item, EASE, 7, 1),
    }
