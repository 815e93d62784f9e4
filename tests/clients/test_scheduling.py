from datetime import UTC, date, datetime, time

import pytest

from clients.models import Assignment
from clients.scheduling import next_reminder_at, schedule_text
from tests.factories import assign

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_reminder_comes_at_local_time_on_the_next_scheduled_day(bob):
    bob.timezone, bob.reminder_time = "America/New_York", time(7, 30)
    assignment = assign(bob, start=date(2026, 11, 2), days=[0, 2, 4])  # Mon, Wed, Fri

    # Wednesday 25 Nov 2026, 13:00 UTC is 08:00 in New York: Wednesday's reminder has passed.
    assert next_reminder_at(assignment, after=at(2026, 11, 25, 13, 0)) == at(2026, 11, 27, 12, 30)


def test_the_reminder_keeps_local_time_across_the_spring_forward(bob):
    bob.reminder_time = time(8, 0)
    assignment = assign(bob, start=date(2026, 3, 23))

    # London moves to BST on Sunday 29 March 2026: 08:00 local is 07:00 UTC from then on.
    assert next_reminder_at(assignment, after=at(2026, 3, 28, 9, 0)) == at(2026, 3, 29, 7, 0)
    assert next_reminder_at(assignment, after=at(2026, 3, 27, 9, 0)) == at(2026, 3, 28, 8, 0)


def test_no_reminder_after_the_program_ends_or_while_paused(bob):
    assignment = assign(bob, start=date(2026, 1, 5), weeks=1)
    assert next_reminder_at(assignment, after=at(2026, 1, 12, 0, 0)) is None

    assignment.status = Assignment.PAUSED
    assert next_reminder_at(assignment, after=at(2026, 1, 5, 0, 0)) is None


def test_the_schedule_reads_as_words():
    assert schedule_text([0, 2, 4], 1) == "Mon, Wed, Fri · once a day"
    assert schedule_text(list(range(7)), 3) == "Every day · 3 times a day"
