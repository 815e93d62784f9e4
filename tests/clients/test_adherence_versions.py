"""Adherence counts every past day under the version of the program that governed it.

Bob lives in London (UTC in March). Each case is computed by hand in its comments.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clients.assignments import lifecycle, versions
from clients.checkoffs import charts
from clients.checkoffs.adherence import (
    adherence,
    adherence_report,
    client_adherence,
    with_versions,
)
from clients.models import Assignment, AssignmentVersion, Completion
from clients.reminders.delivery import alerts
from clients.scheduling import with_schedules
from programs.models import ProgramExercise
from tests.conftest import api_as
from tests.factories import ExerciseFactory, TemplateFactory, assign

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
EVERY_DAY = range(7)


def day(offset: int) -> date:
    return MONDAY + timedelta(days=offset)


def at(offset: int, hour: int = 12) -> datetime:
    """A moment of that day, for Bob in London as in UTC (March, before summer time)."""
    return datetime.combine(day(offset), datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


def assign_before_start(bob, **kwargs) -> Assignment:
    with time_machine.travel(at(-7), tick=False):
        return assign(bob, start=MONDAY, **kwargs)


def revise(assignment, *, on: datetime, add: int = 0, drop=(), **schedule) -> Assignment:
    """Publish the next version at `on`: `add` new exercises, the exercises `drop` removed, a new schedule."""
    with time_machine.travel(on, tick=False):
        draft = versions.revision_draft(assignment=assignment)
        draft.items.filter(exercise__in=drop).delete()
        for n in range(add):
            ProgramExercise.objects.create(
                program=draft, exercise=ExerciseFactory(), position=100 + n, sets=3, reps=10
            )
        schedule = {**versions.schedule_of(assignment), **schedule}
        versions.assignment_revise(assignment=assignment, draft=draft, schedule=schedule)
    assignment.refresh_from_db()
    return assignment


def items_of(assignment, number: int) -> list[ProgramExercise]:
    return list(AssignmentVersion.objects.get(assignment=assignment, number=number).program.items.all())


def check_off(assignment, offset, items, session=1):
    for item in items:
        Completion.objects.create(
            assignment=assignment, assignment_exercise=item, date=day(offset), session=session
        )


def figures(assignment, first: int, last: int):
    result = adherence(Assignment.objects.filter(pk=assignment.pk), start=day(first), end=day(last))
    return result.done, result.scheduled, result.percent


def report(assignment, *, last: int, today: int):
    return adherence_report(
        Assignment.objects.filter(pk=assignment.pk), start=MONDAY, end=day(last), today=day(today)
    )


def weeks_of(result):
    return [(w.start, w.scheduled, w.done) for w in result.weeks]


def test_weeks_before_a_longer_program_are_owed_the_exercises_of_their_own_version(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=3))
    for offset in range(14):  # weeks 1 and 2: all three exercises of version 1, every day
        check_off(assignment, offset, items_of(assignment, 1))
    revise(assignment, on=at(14, 9), add=3)  # Monday of week 3: six exercises
    for offset in range(14, 21):  # week 3: the three older exercises only, as version 2 has them
        check_off(assignment, offset, items_of(assignment, 2)[:3])

    result = report(assignment, last=20, today=21)

    # 7 days x 3 = 21 owed in weeks 1 and 2, all done; week 3: 7 x 6 = 42 owed, 21 done.
    assert weeks_of(result) == [(day(0), 21, 21), (day(7), 21, 21), (day(14), 42, 21)]
    assert (result.scheduled, result.done, result.percent) == (84, 63, 75.0)
    assert figures(assignment, 0, 20) == (63, 84, 75.0)


def test_days_the_older_version_did_not_schedule_are_not_owed(bob):
    assignment = assign_before_start(bob, days=[0, 2, 4], template=TemplateFactory(exercises=1))
    for offset in (0, 2, 4, 7):  # Mon, Wed, Fri of week 1, Mon of week 2
        check_off(assignment, offset, items_of(assignment, 1))
    revise(assignment, on=at(9, 10), days_of_week=list(EVERY_DAY))  # Wed of week 2: every day
    for offset in (9, 11, 12, 13):  # Wed, Fri, Sat, Sun; Thu missed
        check_off(assignment, offset, items_of(assignment, 2))

    result = report(assignment, last=13, today=14)

    # Week 2: Mon (v1), Tue not scheduled by v1, Wed-Sun every day (v2): 6 owed, 5 done.
    assert weeks_of(result) == [(day(0), 3, 3), (day(7), 6, 5)]
    assert figures(assignment, 7, 13) == (5, 6, 83.3)


def test_a_second_session_is_owed_only_from_the_version_that_added_it(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=2))
    for offset in range(3):  # Mon-Wed: session 1 done (version 1 has one a day)
        check_off(assignment, offset, items_of(assignment, 1))
    check_off(assignment, 1, items_of(assignment, 1), session=2)  # a second round on Tue: not a slot
    revise(assignment, on=at(3, 7), sessions_per_day=2)  # Thu: twice a day
    items = items_of(assignment, 2)
    check_off(assignment, 3, items)
    check_off(assignment, 3, items, session=2)  # Thu: 4 of 4
    check_off(assignment, 4, items)  # Fri: 2 of 4; Sat, Sun: 0 of 4

    # Mon-Wed 3 x 2 = 6 owed, 6 done; Thu-Sun 4 x 4 = 16 owed, 6 done.
    assert figures(assignment, 0, 6) == (12, 22, 54.5)


def test_a_start_moved_later_keeps_the_days_already_owed_and_done(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=1))
    check_off(assignment, 0, items_of(assignment, 1))
    check_off(assignment, 1, items_of(assignment, 1))
    revise(assignment, on=at(2, 9), start_date=day(7).isoformat())  # Wed: now starts next Monday
    for offset in range(7, 14):
        check_off(assignment, offset, items_of(assignment, 2))

    result = client_adherence(bob, now=at(13, 20))

    # Mon, Tue under version 1; Wed-Sun under version 2, not started yet; week 2 all done, its
    # Sunday being today (apart from the percentage).
    assert result.start == MONDAY
    assert weeks_of(result) == [(day(0), 2, 2), (day(7), 6, 6)]
    assert (result.percent, result.current_streak, result.best_streak) == (100.0, 9, 9)


def test_a_start_moved_earlier_never_makes_days_before_the_new_version_owed(bob):
    with time_machine.travel(at(-7), tick=False):
        assignment = assign(bob, start=day(7), template=TemplateFactory(exercises=1))
    revise(assignment, on=at(2, 9), start_date=MONDAY.isoformat())  # Wed: now started on Monday

    # Mon, Tue were days before the start of the version that governed them.
    assert figures(assignment, 0, 6) == (0, 5, 0.0)
    assert client_adherence(bob, now=at(6, 20)).start == day(2)


def test_a_check_off_of_the_older_version_on_the_publishing_day_counts_once(bob):
    template = TemplateFactory(exercises=3)
    assignment = assign_before_start(bob, template=template)
    first = items_of(assignment, 1)
    for offset in (0, 1):
        check_off(assignment, offset, first)
    check_off(assignment, 2, first)  # Wed morning: A, B, C on the phone's version 1
    revise(assignment, on=at(2, 12), add=1, drop=[first[2].exercise_id])  # Wed noon: A, B, D
    second = items_of(assignment, 2)
    check_off(assignment, 2, second[:1])  # A again, from a phone that has version 2

    # Wed is version 2's: A (twice) and B fill 2 of its 3 slots, C is no slot of it, D undone.
    assert figures(assignment, 2, 2) == (2, 3, 66.7)
    check_off(assignment, 2, second[2:])  # D
    assert figures(assignment, 0, 2) == (9, 9, 100.0)
    (loaded,) = with_versions(Assignment.objects.filter(pk=assignment.pk))
    checks = Completion.objects.filter(assignment=assignment).values_list(
        "assignment_id", "date", "session", "assignment_exercise_id", "assignment_exercise__exercise_id"
    )
    wednesday = next(c for c in charts.heat_map([loaded], checks, today=day(3)) if c.day == day(2))
    assert (wednesday.scheduled, wednesday.done) == (3, 3)


def test_a_late_check_off_against_the_newer_version_counts_for_an_older_day(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=2))
    revise(assignment, on=at(3, 9), add=1)  # Thursday
    check_off(assignment, 1, items_of(assignment, 2))  # Tuesday synced late from version 2's list

    # Tuesday owed version 1's two exercises; the third of version 2 was not asked then.
    assert figures(assignment, 1, 1) == (2, 2, 100.0)


def test_a_streak_runs_on_across_a_version_change(bob):
    assignment = assign_before_start(bob, days=[0, 2, 4], template=TemplateFactory(exercises=1))
    for offset in (0, 2, 4):  # Mon, Wed, Fri: all version 1 asked
        check_off(assignment, offset, items_of(assignment, 1))
    revise(assignment, on=at(5, 8), add=1, days_of_week=list(EVERY_DAY))  # Sat: two, every day
    items = items_of(assignment, 2)
    check_off(assignment, 5, items)
    check_off(assignment, 6, items)
    check_off(assignment, 7, items[:1])  # Mon: one of two, the run breaks
    check_off(assignment, 8, items)  # today, Tuesday: done

    result = report(assignment, last=8, today=8)

    assert (result.current_streak, result.best_streak) == (1, 5)


def test_a_pause_holds_across_a_version_change(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=2))
    check_off(assignment, 0, items_of(assignment, 1))
    check_off(assignment, 1, items_of(assignment, 1))
    with time_machine.travel(at(2, 9), tick=False):
        lifecycle.assignment_pause(assignment=assignment, on=day(2))  # paused from Wed
    revise(assignment, on=at(4, 9), add=1, days_of_week=[0, 2, 4])  # Fri, while paused
    assignment.refresh_from_db()
    with time_machine.travel(at(7, 9), tick=False):
        lifecycle.assignment_resume(assignment=assignment, on=day(7))  # Mon of week 2
    items = items_of(assignment, 2)
    check_off(assignment, 5, items)  # Sat, still paused: not counted
    check_off(assignment, 7, items)  # Mon: 3 of 3
    check_off(assignment, 9, items[:1])  # Wed: 1 of 3; Fri: 0 of 3

    result = report(assignment, last=13, today=14)

    # Week 1: Mon, Tue of version 1, 2 each; Wed-Sun paused. Week 2: Mon, Wed, Fri x 3.
    assert weeks_of(result) == [(day(0), 4, 4), (day(7), 9, 4)]


def test_a_client_is_not_counted_missing_days_the_older_version_did_not_ask_for(bob):
    assignment = assign_before_start(bob, days=[0, 2, 4], template=TemplateFactory(exercises=1))
    revise(assignment, on=at(4, 9), days_of_week=list(EVERY_DAY))  # Fri: every day
    with_schedules(due := [Assignment.objects.select_related("client").get(pk=assignment.pk)])

    streak = alerts.missed_streak(due[0], day(7), set(), since=day(-14), cap=10)

    # Before Monday of week 2: Sun, Sat, Fri (version 2), Wed, Mon (version 1); not Tue, Thu.
    assert streak == 5


def test_the_client_sees_the_corrected_figure(bob):
    assignment = assign_before_start(bob, days=[0, 2, 4], template=TemplateFactory(exercises=3))
    for offset in (0, 2, 4, 7, 9, 11):  # two weeks of Mon, Wed, Fri, all done
        check_off(assignment, offset, items_of(assignment, 1))
    revise(assignment, on=at(14, 9), add=3, days_of_week=list(EVERY_DAY))

    with time_machine.travel(at(14, 20), tick=False):
        body = api_as(bob.user).get("/api/v1/me/adherence/").json()

    # Today (Monday of week 3) owes nothing until done: 6 days x 3 exercises, all done.
    assert (body["scheduled"], body["done"], body["percent"]) == (18, 18, 100.0)


def test_an_assignment_saved_without_versions_counts_under_its_own_schedule(bob):
    assignment = assign_before_start(bob, days=[0, 2, 4], template=TemplateFactory(exercises=2))
    AssignmentVersion.objects.filter(assignment=assignment).delete()
    check_off(assignment, 0, assignment.program.items.all())

    assert figures(assignment, 0, 6) == (2, 6, 33.3)


def test_the_report_takes_three_queries_whatever_the_number_of_versions(bob, django_assert_num_queries):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=2))
    for week in range(1, 5):
        revise(assignment, on=at(7 * week), add=1, sessions_per_day=1 + week % 2)
        check_off(assignment, 7 * week, items_of(assignment, week + 1))
    assign_before_start(bob, template=TemplateFactory(exercises=3))

    with django_assert_num_queries(3):
        result = report(assignment, last=34, today=35)

    assert len(result.weeks) == 5


def test_adherence_over_many_versions_and_assignments_takes_the_same_queries_as_over_one(bob, dana):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assignment = assign_before_start(bob, template=TemplateFactory(exercises=2))
    everyone = Assignment.objects.filter(client__in=[bob, dana])
    with CaptureQueriesContext(connection) as few:
        adherence(everyone, start=MONDAY, end=day(27))
    for week in range(1, 4):
        revise(assignment, on=at(7 * week), add=1)
    with time_machine.travel(at(-7), tick=False):
        assign(dana, start=MONDAY, template=TemplateFactory(exercises=4))
    with CaptureQueriesContext(connection) as many:
        adherence(everyone, start=MONDAY, end=day(27))

    assert len(many) == len(few)
