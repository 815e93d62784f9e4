from datetime import date, timedelta

import pytest

from clients import services
from clients.adherence import adherence
from clients.models import Assignment, Completion
from tests.factories import TemplateFactory, assign

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def check_off(assignment, day, session=1, items=None):
    for item in items or assignment.program.items.all():
        Completion.objects.create(assignment=assignment, assignment_exercise=item, date=day, session=session)


def figures(assignment, start, end):
    result = adherence(Assignment.objects.filter(pk=assignment.pk), start=start, end=end)
    return result.done, result.scheduled, result.percent


def test_adherence_is_done_slots_over_scheduled_slots(bob):
    # Mon/Wed/Fri, 2 exercises, 2 sessions: 3 days x 2 x 2 = 12 slots in the first week.
    assignment = assign(bob, start=MONDAY, days=[0, 2, 4], sessions=2, template=TemplateFactory(exercises=2))
    check_off(assignment, MONDAY)  # 2 slots
    check_off(assignment, MONDAY, session=2)  # 2 slots
    check_off(assignment, MONDAY + timedelta(days=2))  # Wednesday, 2 slots

    assert figures(assignment, MONDAY, MONDAY + timedelta(days=6)) == (6, 12, 50.0)


def test_work_on_an_unscheduled_day_does_not_inflate_adherence(bob):
    assignment = assign(bob, start=MONDAY, days=[0], template=TemplateFactory(exercises=1))
    check_off(assignment, MONDAY + timedelta(days=1))  # a Tuesday, not scheduled

    assert figures(assignment, MONDAY, MONDAY + timedelta(days=6)) == (0, 1, 0.0)


def test_paused_days_are_not_counted_against_the_client(bob):
    assignment = assign(bob, start=MONDAY, template=TemplateFactory(exercises=1))
    services.assignment_pause(assignment=assignment, on=MONDAY + timedelta(days=2))
    services.assignment_resume(assignment=assignment, on=MONDAY + timedelta(days=5))
    check_off(assignment, MONDAY)

    # Paused Wed-Fri: 4 expected days out of 7.
    assert figures(assignment, MONDAY, MONDAY + timedelta(days=6)) == (1, 4, 25.0)


def test_an_ended_program_expects_nothing_from_the_day_it_ended(bob):
    assignment = assign(bob, start=MONDAY, template=TemplateFactory(exercises=1))
    services.assignment_end(assignment=assignment, on=MONDAY + timedelta(days=3))

    assert figures(assignment, MONDAY, MONDAY + timedelta(days=13)) == (0, 3, 0.0)


def test_no_scheduled_slot_means_no_percentage(bob):
    assignment = assign(bob, start=MONDAY)

    assert figures(assignment, MONDAY - timedelta(days=7), MONDAY - timedelta(days=1)) == (0, 0, None)
