from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


def reminder_at(client, local_time: time, *, after: datetime, start=date(2026, 1, 5)) -> datetime:
    client.reminder_time = local_time
    return next_reminder_at(assign(client, start=start, weeks=52), after=after)


def test_london_spring_forward_keeps_eight_oclock_local_and_moves_the_utc_hour(bob):
    # 29 March 2026: London goes from GMT (UTC+0) to BST (UTC+1) at 01:00 UTC.
    assert reminder_at(bob, time(8), after=at(2026, 3, 28, 9, 0)) == at(2026, 3, 29, 7, 0)
    assert reminder_at(bob, time(8), after=at(2026, 3, 29, 7, 0)) == at(2026, 3, 30, 7, 0)


def test_london_fall_back_keeps_eight_oclock_local_and_moves_the_utc_hour(bob):
    # 25 October 2026: BST back to GMT at 01:00 UTC.
    assert reminder_at(bob, time(8), after=at(2026, 10, 24, 6, 0)) == at(2026, 10, 24, 7, 0)
    assert reminder_at(bob, time(8), after=at(2026, 10, 24, 7, 0)) == at(2026, 10, 25, 8, 0)


def test_new_york_spring_forward_and_fall_back_keep_half_past_seven_local(bob):
    bob.timezone = "America/New_York"
    # 8 March 2026: EST (UTC-5) to EDT (UTC-4); 1 November 2026: back to EST.
    assert reminder_at(bob, time(7, 30), after=at(2026, 3, 7, 13, 0)) == at(2026, 3, 8, 11, 30)
    assert reminder_at(bob, time(7, 30), after=at(2026, 3, 6, 13, 0)) == at(2026, 3, 7, 12, 30)
    assert reminder_at(bob, time(7, 30), after=at(2026, 10, 31, 12, 0)) == at(2026, 11, 1, 12, 30)
    assert reminder_at(bob, time(7, 30), after=at(2026, 10, 30, 12, 0)) == at(2026, 10, 31, 11, 30)


def test_a_reminder_time_inside_the_spring_forward_gap_fires_once_an_hour_later(bob):
    bob.timezone = "America/New_York"
    # 02:30 does not exist on 8 March 2026 in New York: it fires at 03:30 EDT (07:30 UTC).
    fired = reminder_at(bob, time(2, 30), after=at(2026, 3, 8, 0, 0))
    assert fired == at(2026, 3, 8, 7, 30)
    assert fired.astimezone(ZoneInfo("America/New_York")).time() == time(3, 30)
    assert reminder_at(bob, time(2, 30), after=fired) == at(2026, 3, 9, 6, 30)


def test_a_reminder_time_inside_the_repeated_fall_back_hour_fires_on_its_first_pass_only(bob):
    # 01:30 happens twice in London on 25 October 2026: at 00:30 UTC (BST), then 01:30 UTC (GMT).
    first = reminder_at(bob, time(1, 30), after=at(2026, 10, 25, 0, 0))
    assert first == at(2026, 10, 25, 0, 30)
    assert reminder_at(bob, time(1, 30), after=first) == at(2026, 10, 26, 1, 30)


ZONES = [
    "Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles",
    "America/Denver", "America/Chicago", "America/New_York", "America/Sao_Paulo",
    "America/St_Johns", "Atlantic/Azores", "UTC", "Europe/London", "Europe/Berlin",
    "Africa/Cairo", "Europe/Helsinki", "Asia/Tehran", "Asia/Dubai", "Asia/Kabul",
    "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Yangon", "Asia/Bangkok",
    "Asia/Shanghai", "Australia/Eucla", "Asia/Tokyo", "Australia/Adelaide",
    "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Kiritimati",
]  # fmt: skip
AROUND_THE_YEAR = [at(2026, month, day, hour, 0) for month in (1, 3, 4, 10, 11) for day in (1, 5, 29) for hour in (0, 9, 17)]  # fmt: skip


def test_clients_across_many_zones_are_reminded_at_their_own_local_time_on_the_right_day(bob):
    assignment = assign(bob, start=date(2025, 12, 29), weeks=52)
    bob.reminder_time = time(8, 0)
    for zone_name in ZONES:
        bob.timezone = zone_name
        zone = ZoneInfo(zone_name)
        for after in AROUND_THE_YEAR:
            local = after.astimezone(zone)
            expected_day = local.date() if local.time() < time(8, 0) else local.date() + timedelta(days=1)

            fired = next_reminder_at(assignment, after=after).astimezone(zone)

            assert (fired.date(), fired.time()) == (expected_day, time(8, 0)), (zone_name, after)


def test_sweeping_every_hour_across_both_fall_backs_reminds_each_client_once_a_day(bob, dana):
    from clients import scheduling
    from clients.models import Reminder
    from clients.reminders import delivery

    bob.reminder_time = time(1, 30)  # inside London's repeated hour on 25 October
    dana.timezone, dana.reminder_time = "America/New_York", time(1, 30)  # and New York's on 1 November
    for client in (bob, dana):
        client.save()
        assign(client, start=date(2026, 10, 20), weeks=3)
    Assignment.objects.update(next_reminder_at=None)
    scheduling.reschedule(list(Assignment.objects.select_related("client")), now=at(2026, 10, 23, 12, 0))

    moment = at(2026, 10, 23, 12, 0)
    while moment < at(2026, 11, 4, 0, 0):
        delivery.sweep(now=moment)
        moment += timedelta(hours=1)

    for client in (bob, dana):
        rows = Reminder.objects.filter(client=client, kind=Reminder.EXERCISE).order_by("local_date")
        zone = ZoneInfo(client.timezone)
        assert [r.local_date for r in rows] == [date(2026, 10, 24) + timedelta(days=n) for n in range(11)]
        assert {r.due_at.astimezone(zone).time() for r in rows} == {time(1, 30)}
