"""Which days expect exercise is one rule (`scheduling.expected_terms`): the version in force that
day, with pauses and breaks. These are the callers that used to keep a weaker copy of it.

Bob lives in London, on UTC in March; his program starts on Monday 2 March 2026.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clients.assignments import lifecycle, versions
from clients.assignments.handouts import log_weeks
from clients.checkoffs import overview
from clients.models import Assignment
from clients.scheduling import next_reminder_at, on_break
from tests.factories import assign

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
MON_WED_FRI, EVERY_DAY = [0, 2, 4], list(range(7))


def day(offset: int) -> date:
    return MONDAY + timedelta(days=offset)


def at(offset: int, hour: int = 9) -> datetime:
    return datetime.combine(day(offset), datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


@pytest.fixture
def program(bob) -> Assignment:
    with time_machine.travel(at(-7), tick=False):
        return assign(bob, start=MONDAY, weeks=3, days=MON_WED_FRI)


def revise(assignment: Assignment, *, on: datetime, **schedule) -> Assignment:
    with time_machine.travel(on, tick=False):
        draft = versions.revision_draft(assignment=assignment)
        draft.items.first().delete()  # something must change beside the schedule
        schedule = {**versions.schedule_of(assignment), **schedule}
        versions.assignment_revise(assignment=assignment, draft=draft, schedule=schedule)
    assignment.refresh_from_db()
    return assignment


def take_break(assignment: Assignment, first: int, last: int, *, today: int) -> None:
    with time_machine.travel(at(today), tick=False):
        lifecycle.assignment_pause(assignment=assignment, on=day(first), until=day(last))


def grid(assignment: Assignment) -> list[list[int]]:
    """The handout's log grid as day offsets from the first Monday, week by week."""
    fresh = Assignment.objects.select_related("client").get(pk=assignment.pk)
    return [[(d - MONDAY).days for d in week] for week in log_weeks(fresh)]


def test_the_handouts_log_grid_leaves_out_the_days_of_a_break(program):
    take_break(program, 7, 13, today=3)  # the whole second week off

    assert grid(program) == [[0, 2, 4], [14, 16, 18]]


def test_the_handouts_log_grid_keeps_the_days_each_version_asked_for(program):
    revise(program, on=at(7), days_of_week=EVERY_DAY)  # every day from the second Monday

    # Week 1 under version 1 (Mon, Wed, Fri); weeks 2 and 3 under version 2 (every day).
    assert grid(program) == [[0, 2, 4], list(range(7, 14)), list(range(14, 21))]


def test_the_next_reminder_after_a_revision_comes_on_a_day_the_new_version_asks_for(program, bob):
    revise(program, on=at(7), days_of_week=[1])  # Tuesdays only, from Monday of week 2

    program.client.refresh_from_db()
    reminder = next_reminder_at(program, after=at(7))

    assert reminder == datetime.combine(day(8), bob.reminder_time, tzinfo=UTC)
    assert program.next_reminder_at == reminder


def test_the_next_reminder_skips_a_break_and_comes_the_day_after_it(program, bob):
    take_break(program, 7, 13, today=5)

    after_friday = at(4, 23)
    assert next_reminder_at(program, after=after_friday) == datetime.combine(
        day(14), bob.reminder_time, tzinfo=UTC
    )


def test_a_break_says_on_a_break_only_while_it_holds_and_a_pause_never_does(program):
    take_break(program, 7, 9, today=3)
    program.refresh_from_db()

    assert [on_break(program, day(n)) for n in (6, 7, 9, 10)] == [False, True, True, False]
    with time_machine.travel(at(12), tick=False):
        lifecycle.assignment_pause(assignment=program)
    program.refresh_from_db()
    assert not on_break(program, day(12))


def test_the_client_list_says_on_a_break_while_every_running_program_is_on_one(program, bob):
    take_break(program, 7, 9, today=3)

    with time_machine.travel(at(8), tick=False):
        (row,) = overview.client_rows([bob], today=day(8))

    assert row.status.key == "break"
