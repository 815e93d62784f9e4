"""Honest figures: adherence over the days that have ended, today apart, per client and per exercise.

Bob lives in London (UTC in March). Every figure is computed by hand in the comments;
"now" is Wednesday 11 March 2026 at 20:00 unless a case says otherwise.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clients.assignments import lifecycle, versions
from clients.checkoffs.adherence import (
    client_adherence,
    exercise_figures,
    recent_figures,
    with_versions,
)
from clients.models import Assignment, Completion
from tests.conftest import api_as
from tests.factories import TemplateFactory, assign

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
WEDNESDAY_2 = MONDAY + timedelta(days=9)
NOW = datetime(2026, 3, 11, 20, 0, tzinfo=UTC)  # Wednesday of week 2, evening


def day(offset: int) -> date:
    return MONDAY + timedelta(days=offset)


def at(offset: int, hour: int = 9) -> datetime:
    return datetime.combine(day(offset), datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


def check_off(assignment, offset, *, items=None, session=1, pain=None):
    for item in items if items is not None else assignment.program.items.all():
        Completion.objects.create(
            assignment=assignment, assignment_exercise=item, date=day(offset), session=session, pain=pain
        )


def recent(bob, *, now=NOW, days=14):
    loaded = with_versions(Assignment.objects.filter(client=bob))
    return recent_figures(loaded, now=now, days=days)[bob.pk]


def test_a_day_half_done_today_is_shown_apart_and_never_in_the_percentage(bob):
    # Every day, 3 exercises x 2 sessions = 6 slots a day, from Monday of week 2.
    with time_machine.travel(at(6), tick=False):
        program = assign(bob, start=day(7), sessions=2, template=TemplateFactory(exercises=3))
    check_off(program, 7)  # Mon: session 1 only, 3 of 6
    check_off(program, 8)
    check_off(program, 8, session=2)  # Tue: 6 of 6
    check_off(program, 9)  # today, Wed: 3 of 6 so far

    figures = recent(bob)

    assert (figures.ended.done, figures.ended.scheduled, figures.ended.percent) == (9, 12, 75.0)
    assert (figures.today.done, figures.today.scheduled) == (3, 6)
    assert client_adherence(bob, now=NOW).percent == 75.0  # the report says the same


def test_a_morning_before_exercise_is_not_a_missed_day(bob):
    with time_machine.travel(at(6), tick=False):
        assign(bob, start=day(9), template=TemplateFactory(exercises=2))  # starts today

    figures = recent(bob, now=at(9, hour=7))

    assert (figures.ended.scheduled, figures.ended.percent) == (0, None)
    assert (figures.today.done, figures.today.scheduled) == (0, 2)


def test_a_client_who_started_mid_week_owes_only_the_days_since_the_start(bob):
    # Mon/Wed/Fri, 1 exercise, started on Thursday of week 1: owed Fri 1 and Mon 2; today is Wed 2.
    with time_machine.travel(at(0), tick=False):
        program = assign(bob, start=day(3), days=[0, 2, 4], template=TemplateFactory(exercises=1))
    check_off(program, 4)  # Friday done, Monday missed

    figures = recent(bob)
    report = client_adherence(bob, now=NOW)

    assert (figures.ended.done, figures.ended.scheduled) == (1, 2)
    assert report.start == day(3)
    assert [(w.start, w.scheduled, w.done) for w in report.weeks] == [(day(0), 1, 1), (day(7), 1, 0)]
    assert (figures.today.scheduled, figures.today.done) == (1, 0)


def test_the_recent_window_is_the_last_fourteen_days_that_ended(bob):
    # Every day, 1 exercise, since 2 Mar; now is Wed 25 Mar: the window is 11-24 Mar.
    with time_machine.travel(at(0), tick=False):
        program = assign(bob, start=MONDAY, weeks=6, template=TemplateFactory(exercises=1))
    for offset in range(0, 9):  # 2-10 Mar done: before the window, they do not count
        check_off(program, offset)
    check_off(program, 9)  # 11 Mar: the window's first day
    check_off(program, 23)  # 25 Mar: today

    figures = recent(bob, now=at(23, hour=20))

    assert (figures.ended.done, figures.ended.scheduled) == (1, 14)
    assert (figures.today.done, figures.today.scheduled) == (1, 1)


def test_pauses_and_breaks_owe_nothing_and_today_on_a_break_owes_nothing_either(bob):
    # Every day, 2 exercises, from Mon 2 Mar. Paused Wed 4 to Thu 5 (resumed Fri 6); a break
    # Tue 10 to Thu 12. Now is Wed 11 (on the break): ended days owed are Mon, Tue, Fri-Sun, Mon
    # = 6 days x 2 = 12 slots; today is on the break and owes nothing.
    with time_machine.travel(at(0), tick=False):
        program = assign(bob, start=MONDAY, template=TemplateFactory(exercises=2))
    with time_machine.travel(at(2), tick=False):
        lifecycle.assignment_pause(assignment=program)
    with time_machine.travel(at(4), tick=False):
        lifecycle.assignment_resume(assignment=program)
        lifecycle.assignment_pause(assignment=program, on=day(8), until=day(10))
    for offset in (0, 1, 4, 5):
        check_off(program, offset)

    figures = recent(bob)

    assert (figures.ended.done, figures.ended.scheduled) == (8, 12)
    assert (figures.today.done, figures.today.scheduled) == (0, 0)


def test_a_version_that_changes_the_weekdays_counts_each_day_under_its_own(bob):
    # Version 1: Mon/Wed/Fri, 1 exercise. Version 2, published Sat 7 Mar: Tue/Thu, 2 sessions.
    # Owed: Mon 2, Wed 4, Fri 6 (1 slot each) and Tue 10 (2 slots); today Wed 11 owes nothing.
    with time_machine.travel(at(-1), tick=False):
        program = assign(bob, start=MONDAY, days=[0, 2, 4], template=TemplateFactory(exercises=1))
    with time_machine.travel(at(5), tick=False):
        draft = versions.revision_draft(assignment=program)
        schedule = {**versions.schedule_of(program), "days_of_week": [1, 3], "sessions_per_day": 2}
        versions.assignment_revise(assignment=program, draft=draft, schedule=schedule)
    program.refresh_from_db()
    check_off(program, 0, items=version_items(program, 1))
    check_off(program, 4, items=version_items(program, 1))
    check_off(program, 8, items=version_items(program, 2))  # Tue, session 1 of 2

    figures = recent(bob)

    assert (figures.ended.done, figures.ended.scheduled) == (3, 5)
    assert (figures.today.done, figures.today.scheduled) == (0, 0)


def version_items(program, number):
    return list(program.versions.get(number=number).program.items.all())


def test_per_exercise_figures_count_each_exercise_and_its_pain(bob):
    # Every day, 2 exercises (A, B), from Mon 9 Mar; today Wed 11. Mon: A (pain 6), B (pain 2);
    # Tue: A only (pain 4); today: B (pain 1). A: 2 of 2 ended, pain 5.0, last 4; B: 1 of 2
    # ended, 1 of 1 today, pain 1.5, last 1.
    with time_machine.travel(at(6), tick=False):
        program = assign(bob, start=day(7), template=TemplateFactory(exercises=2))
    a, b = program.program.items.order_by("position")
    check_off(program, 7, items=[a], pain=6)
    check_off(program, 7, items=[b], pain=2)
    check_off(program, 8, items=[a], pain=4)
    check_off(program, 9, items=[b], pain=1)

    loaded = with_versions(Assignment.objects.filter(client=bob))
    figures = exercise_figures(loaded, start=day(0), end=day(9), now=NOW)

    first, second = figures[a.exercise_id], figures[b.exercise_id]
    assert (first.ended.done, first.ended.scheduled, first.today.scheduled, first.today.done) == (2, 2, 1, 0)
    assert (first.average_pain, first.last_pain) == (5.0, 4)
    assert (second.ended.done, second.ended.scheduled, second.today.done) == (1, 2, 1)
    assert (second.average_pain, second.last_pain) == (1.5, 1)


def test_per_exercise_figures_add_up_to_the_clients(bob):
    with time_machine.travel(at(0), tick=False):
        program = assign(bob, start=MONDAY, days=[0, 2, 4], sessions=2, template=TemplateFactory(exercises=3))
    check_off(program, 0)
    check_off(program, 2, session=2)
    check_off(program, 7, items=list(program.program.items.all())[:1])

    loaded = with_versions(Assignment.objects.filter(client=bob))
    per_exercise = exercise_figures(loaded, start=day(-4), end=day(9), now=NOW).values()
    figures = recent(bob)

    assert sum(f.ended.scheduled for f in per_exercise) == figures.ended.scheduled == 4 * 6
    assert sum(f.ended.done for f in per_exercise) == figures.ended.done == 7


def test_the_client_and_their_practitioner_read_the_same_figure_with_today_apart(bob, alice):
    with time_machine.travel(at(6), tick=False):
        program = assign(bob, start=day(7), sessions=2, template=TemplateFactory(exercises=3))
    check_off(program, 7)
    check_off(program, 8)
    check_off(program, 8, session=2)
    check_off(program, 9)

    with time_machine.travel(NOW, tick=False):
        mine = api_as(bob.user).get("/api/v1/me/adherence/").json()
        theirs = api_as(alice).get(f"/api/v1/clients/{bob.pk}/adherence/").json()

    assert mine == theirs
    assert (mine["done"], mine["scheduled"], mine["percent"]) == (9, 12, 75.0)
    assert mine["today"] == {"scheduled": 6, "done": 3}
