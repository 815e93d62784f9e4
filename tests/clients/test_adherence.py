from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clients.assignments import lifecycle
from clients.checkoffs.adherence import adherence, adherence_report, client_adherence
from clients.models import Assignment, Completion
from tests.factories import TemplateFactory, assign

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def check_off(assignment, day, session=1, items=None):
    for item in items or assignment.program.items.all():
        Completion.objects.create(assignment=assignment, assignment_exercise=item, date=day, session=session)


def on_the_day(day: date):
    """Pause, resume and end act from the client's today: make it that day."""
    return time_machine.travel(
        datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9), tick=False
    )


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
    with on_the_day(MONDAY + timedelta(days=2)):
        lifecycle.assignment_pause(assignment=assignment, on=MONDAY + timedelta(days=2))
    with on_the_day(MONDAY + timedelta(days=5)):
        lifecycle.assignment_resume(assignment=assignment, on=MONDAY + timedelta(days=5))
    check_off(assignment, MONDAY)

    # Paused Wed-Fri: 4 expected days out of 7.
    assert figures(assignment, MONDAY, MONDAY + timedelta(days=6)) == (1, 4, 25.0)


def test_an_ended_program_expects_nothing_from_the_day_it_ended(bob):
    assignment = assign(bob, start=MONDAY, template=TemplateFactory(exercises=1))
    with on_the_day(MONDAY + timedelta(days=3)):
        lifecycle.assignment_end(assignment=assignment, on=MONDAY + timedelta(days=3))

    assert figures(assignment, MONDAY, MONDAY + timedelta(days=13)) == (0, 3, 0.0)


def test_no_scheduled_slot_means_no_percentage(bob):
    assignment = assign(bob, start=MONDAY)

    assert figures(assignment, MONDAY - timedelta(days=7), MONDAY - timedelta(days=1)) == (0, 0, None)


# --- the full report, against hand-computed figures ------------------------------------


def report(assignment, *, start, end, today):
    return adherence_report(Assignment.objects.filter(pk=assignment.pk), start=start, end=end, today=today)


def test_report_counts_sessions_and_weeks_over_days_ended_and_today_apart(bob):
    # Mon/Wed/Fri, 2 exercises x 2 sessions = 4 slots a day; today is Wednesday of week 2.
    assignment = assign(bob, start=MONDAY, days=[0, 2, 4], sessions=2, template=TemplateFactory(exercises=2))
    wednesday_2 = MONDAY + timedelta(days=9)
    check_off(assignment, MONDAY)
    check_off(assignment, MONDAY, session=2)  # Mon 1: 4/4
    check_off(assignment, MONDAY + timedelta(days=2))  # Wed 1: 2/4; Fri 1: 0/4
    check_off(assignment, MONDAY + timedelta(days=7))
    check_off(assignment, MONDAY + timedelta(days=7), session=2)  # Mon 2: 4/4
    check_off(assignment, wednesday_2)  # today, session 1 only: shown apart as 2 of 4 today

    result = report(assignment, start=MONDAY, end=MONDAY + timedelta(days=27), today=wednesday_2)

    assert [(w.start, w.scheduled, w.done, w.percent) for w in result.weeks] == [
        (MONDAY, 12, 6, 50.0),
        (MONDAY + timedelta(days=7), 4, 4, 100.0),
    ]
    assert (result.scheduled, result.done, result.percent, result.end) == (16, 10, 62.5, wednesday_2)
    assert (result.today.done, result.today.scheduled) == (2, 4)
    # Mon 1 done, Wed 1 half, Fri 1 missed, Mon 2 done, today unfinished (not a break).
    assert (result.current_streak, result.best_streak) == (1, 1)


def test_a_streak_skips_unscheduled_and_paused_days_and_waits_for_today(bob):
    assignment = assign(bob, start=MONDAY, days=[0, 1, 2, 3, 4, 5, 6], template=TemplateFactory(exercises=1))
    with on_the_day(MONDAY + timedelta(days=2)):
        lifecycle.assignment_pause(assignment=assignment, on=MONDAY + timedelta(days=2))  # Wed, Thu paused
    with on_the_day(MONDAY + timedelta(days=4)):
        lifecycle.assignment_resume(assignment=assignment, on=MONDAY + timedelta(days=4))
    for offset in (0, 1, 4, 5):  # Mon, Tue, Fri, Sat
        check_off(assignment, MONDAY + timedelta(days=offset))
    sunday = MONDAY + timedelta(days=6)

    result = report(assignment, start=MONDAY, end=sunday, today=sunday)

    assert (result.current_streak, result.best_streak) == (4, 4)
    assert (result.scheduled, result.done, result.percent) == (4, 4, 100.0)


def test_a_missed_day_ends_the_current_streak_but_not_the_best(bob):
    assignment = assign(bob, start=MONDAY, days=[0, 2, 4, 6], template=TemplateFactory(exercises=1))
    for offset in (0, 2, 4):  # Mon, Wed, Fri done; Sun missed; Mon 2 done; today Wed 2 not yet
        check_off(assignment, MONDAY + timedelta(days=offset))
    check_off(assignment, MONDAY + timedelta(days=7))

    result = report(
        assignment, start=MONDAY, end=MONDAY + timedelta(days=9), today=MONDAY + timedelta(days=9)
    )

    assert (result.current_streak, result.best_streak) == (1, 3)


def test_today_is_the_clients_own_day_across_a_dst_change(bob):
    # New York leaves daylight time on Sun 1 Nov 2026 at 06:00 UTC. At 04:30 UTC on the
    # 2nd it is still 23:30 on Sunday the 1st there (a fixed -4 h offset would say Monday).
    bob.timezone = "America/New_York"
    bob.save()
    monday = date(2026, 10, 26)
    assignment = assign(bob, start=monday, template=TemplateFactory(exercises=1))
    for offset in range(6):  # Mon-Sat done, Sunday not yet
        check_off(assignment, monday + timedelta(days=offset))
    now = datetime(2026, 11, 2, 4, 30, tzinfo=UTC)

    before = client_adherence(bob, now=now)
    check_off(assignment, date(2026, 11, 1))
    after = client_adherence(bob, now=now)

    assert [(w.start, w.scheduled, w.done) for w in before.weeks] == [(monday, 6, 6)]
    assert (before.end, before.current_streak, before.percent) == (date(2026, 11, 1), 6, 100.0)
    # Sunday is still today in New York: done, it joins the streak and today, not the percentage.
    assert (after.scheduled, after.done, after.current_streak) == (6, 6, 7)
    assert (after.today.scheduled, before.today.done, after.today.done) == (1, 0, 1)


@pytest.mark.parametrize(
    ("first_week", "second_week", "trend", "change"),
    [([2, 4], [5, 6], "rising", 2.5), ([6, 6], [4, 5], "falling", -1.5), ([3], [3, 4], "steady", 0.5)],
)
def test_pain_trend_compares_the_first_and_last_weekly_averages(bob, first_week, second_week, trend, change):
    assignment = assign(bob, start=MONDAY, template=TemplateFactory(exercises=2))
    items = list(assignment.program.items.all())
    for week, pains in enumerate([first_week, second_week]):
        for item, pain in zip(items, pains, strict=False):
            Completion.objects.create(
                assignment=assignment,
                assignment_exercise=item,
                date=MONDAY + timedelta(weeks=week),
                pain=pain,
            )

    result = report(
        assignment, start=MONDAY, end=MONDAY + timedelta(days=13), today=MONDAY + timedelta(days=13)
    )

    assert [w.average_pain for w in result.weeks] == [
        round(sum(first_week) / len(first_week), 1),
        round(sum(second_week) / len(second_week), 1),
    ]
    assert (result.pain_trend, result.pain_change) == (trend, change)


def test_last_activity_is_the_latest_check_off_written(bob):
    assignment = assign(bob, start=MONDAY, template=TemplateFactory(exercises=1))
    item = assignment.program.items.get()
    with time_machine.travel(datetime(2026, 3, 4, 18, 0, tzinfo=UTC), tick=False):
        Completion.objects.create(
            assignment=assignment, assignment_exercise=item, date=MONDAY + timedelta(days=2)
        )
    with time_machine.travel(datetime(2026, 3, 5, 7, 0, tzinfo=UTC), tick=False):
        Completion.objects.create(assignment=assignment, assignment_exercise=item, date=MONDAY)

    result = report(
        assignment, start=MONDAY, end=MONDAY + timedelta(days=6), today=MONDAY + timedelta(days=6)
    )

    assert result.last_activity == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert result.last_done_on == MONDAY + timedelta(days=2)


def test_no_program_yet_means_no_figures(bob):
    result = client_adherence(bob, now=datetime(2026, 3, 2, 12, 0, tzinfo=UTC))

    assert (result.scheduled, result.percent, result.current_streak, result.pain_trend) == (0, None, 0, None)
    assert result.last_activity is None


def test_the_report_takes_three_queries_whatever_the_history(bob, django_assert_num_queries):
    assignment = assign(bob, start=MONDAY, weeks=12, template=TemplateFactory(exercises=5))
    for offset in range(0, 60, 3):
        check_off(assignment, MONDAY + timedelta(days=offset))
    assign(bob, start=MONDAY, template=TemplateFactory(exercises=2))

    with django_assert_num_queries(3):
        report(assignment, start=MONDAY, end=MONDAY + timedelta(days=83), today=MONDAY + timedelta(days=83))
