"""A break set ahead (a client's holiday): no exercise, reminder or missed day from its first day
to its last, the program staying active, and everything as before the day after."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clients.assignments import lifecycle
from clients.checkoffs.adherence import adherence
from clients.models import Assignment, Completion, Reminder
from clients.reminders import delivery
from clients.scheduling import expects_exercise_on
from tests.conftest import api_as
from tests.factories import assign

pytestmark = pytest.mark.django_db

START = date(2026, 11, 30)  # a Monday; Bob lives in London, on UTC in winter; reminders at 18:00
TODAY = date(2026, 12, 10)
HOLIDAY, BACK = date(2026, 12, 24), date(2027, 1, 3)  # off 24 Dec to 2 Jan, exercising again 3 Jan


def morning(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


def evening(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 18, 1, tzinfo=UTC)


@pytest.fixture
def program(bob):
    with time_machine.travel(morning(START), tick=False):
        return assign(bob, start=START, weeks=8)


def schedule_break(program, on: date, until: date, *, today: date = TODAY) -> Assignment:
    with time_machine.travel(morning(today), tick=False):
        return lifecycle.assignment_pause(assignment=program, on=on, until=until)


def refusal(program, on: date, until: date | None, *, today: date = TODAY) -> dict:
    with pytest.raises(ValidationError) as refused:
        schedule_break(program, on, until, today=today)
    return refused.value.message_dict


# Long after: every day asked about has ended, so adherence counts it.
LATER = datetime(2100, 1, 1, tzinfo=UTC)


def expected(assignment: Assignment, start: date, end: date) -> int:
    return adherence(Assignment.objects.filter(pk=assignment.pk), start=start, end=end, now=LATER).scheduled


# --- the service's rules ----------------------------------------------------------------


def test_a_break_set_ahead_keeps_the_program_active_and_its_days_expected_until_it_begins(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))

    program.refresh_from_db()
    pause = program.pauses.get()
    assert program.status == "active"
    assert (pause.start_date, pause.end_date) == (HOLIDAY, BACK - timedelta(days=1))
    assert [expects_exercise_on(program, day) for day in (HOLIDAY - timedelta(days=1), HOLIDAY)] == [
        True,
        False,
    ]
    assert [expects_exercise_on(program, day) for day in (BACK - timedelta(days=1), BACK)] == [False, True]


def test_a_break_beginning_today_keeps_the_program_active_since_it_ends_by_itself(program):
    schedule_break(program, TODAY, TODAY + timedelta(days=2))

    program.refresh_from_db()
    assert program.status == "active"
    assert not expects_exercise_on(program, TODAY)
    assert program.next_reminder_at == datetime(2026, 12, 13, 18, 0, tzinfo=UTC)


def test_a_break_must_end_on_or_after_its_first_day(program):
    assert "until" in refusal(program, HOLIDAY, HOLIDAY - timedelta(days=1))


def test_a_break_of_one_day_is_accepted(program):
    schedule_break(program, HOLIDAY, HOLIDAY)

    assert [expects_exercise_on(program, HOLIDAY + timedelta(days=n)) for n in (-1, 0, 1)] == [
        True,
        False,
        True,
    ]


def test_a_break_cannot_begin_before_the_clients_today_nor_end_after_the_program(program):
    last_day = program.end_date

    assert "on" in refusal(program, TODAY - timedelta(days=1), HOLIDAY)
    assert "until" in refusal(program, HOLIDAY, last_day + timedelta(days=1))
    assert "on" in refusal(program, last_day + timedelta(days=1), last_day + timedelta(days=2))
    schedule_break(program, HOLIDAY, last_day)  # up to the last day is fine


def test_a_break_cannot_overlap_another_and_the_refusal_names_the_day_that_clashes(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))

    starts_inside = refusal(program, HOLIDAY + timedelta(days=2), BACK + timedelta(days=3))
    ends_inside = refusal(program, HOLIDAY - timedelta(days=3), HOLIDAY)
    around = refusal(program, HOLIDAY - timedelta(days=1), BACK)

    assert starts_inside == {"on": ["This break overlaps the break from 2026-12-24 to 2027-01-02."]}
    assert set(ends_inside) == {"until"} and set(around) == {"until"}
    schedule_break(program, BACK, BACK + timedelta(days=1))  # the day after it is free
    assert program.pauses.count() == 2


def test_a_break_cannot_be_set_while_the_program_is_paused(program):
    with time_machine.travel(morning(TODAY), tick=False):
        lifecycle.assignment_pause(assignment=program)

    assert "status" in refusal(program, HOLIDAY, BACK)


def test_a_pause_without_an_end_date_still_begins_today_and_says_to_give_one_for_a_break(program):
    (message,) = refusal(program, HOLIDAY, None)["on"]

    assert "give its last day too" in message
    assert program.pauses.count() == 0


def test_pausing_today_leaves_a_break_set_ahead_in_place(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    with time_machine.travel(morning(TODAY), tick=False):
        lifecycle.assignment_pause(assignment=program)

    program.refresh_from_db()
    assert program.status == "paused"
    assert [(p.start_date, p.end_date) for p in program.pauses.all()] == [
        (TODAY, None),
        (HOLIDAY, BACK - timedelta(days=1)),
    ]


def test_resuming_a_pause_after_a_break_set_ahead_leaves_one_pause_over_those_days(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    with time_machine.travel(morning(TODAY), tick=False):
        lifecycle.assignment_pause(assignment=program)
        lifecycle.assignment_resume(assignment=program, on=BACK + timedelta(days=2))

    assert [(p.start_date, p.end_date) for p in program.pauses.all()] == [(TODAY, BACK + timedelta(days=1))]


def test_resuming_a_pause_on_a_day_of_a_break_set_ahead_is_refused_naming_on(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    with time_machine.travel(morning(TODAY), tick=False):
        lifecycle.assignment_pause(assignment=program)
        with pytest.raises(ValidationError) as refused:
            lifecycle.assignment_resume(assignment=program, on=HOLIDAY + timedelta(days=1))

    assert set(refused.value.message_dict) == {"on"}


def test_a_break_to_come_can_be_cancelled_and_its_days_are_exercise_days_again(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    with time_machine.travel(morning(HOLIDAY - timedelta(days=1)), tick=False):
        lifecycle.assignment_break_cancel(assignment=program, pause=program.pauses.get())

    program.refresh_from_db()
    assert program.pauses.count() == 0 and expects_exercise_on(program, HOLIDAY)
    assert program.next_reminder_at == datetime(2026, 12, 23, 18, 0, tzinfo=UTC)


def test_a_break_that_has_begun_is_not_cancelled_but_ended_early_by_resuming(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    pause = program.pauses.get()
    with time_machine.travel(morning(HOLIDAY + timedelta(days=2)), tick=False):
        with pytest.raises(ValidationError) as refused:
            lifecycle.assignment_break_cancel(assignment=program, pause=pause)
        lifecycle.assignment_resume(assignment=program)

    pause.refresh_from_db()
    program.refresh_from_db()
    assert set(refused.value.message_dict) == {"start_date"}
    assert (pause.start_date, pause.end_date) == (HOLIDAY, HOLIDAY + timedelta(days=1))
    assert program.status == "active" and expects_exercise_on(program, HOLIDAY + timedelta(days=2))
    assert program.next_reminder_at == datetime(2026, 12, 26, 18, 0, tzinfo=UTC)


def test_resuming_a_break_on_its_first_day_removes_it(program):
    schedule_break(program, TODAY, TODAY + timedelta(days=3))
    with time_machine.travel(morning(TODAY), tick=False):
        lifecycle.assignment_resume(assignment=program)

    assert program.pauses.count() == 0 and expects_exercise_on(program, TODAY)


def test_resuming_is_refused_when_no_pause_or_break_is_running(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    with time_machine.travel(morning(TODAY), tick=False), pytest.raises(ValidationError) as refused:
        lifecycle.assignment_resume(assignment=program)

    assert set(refused.value.message_dict) == {"status"}


def test_ending_a_program_drops_its_breaks_still_to_come(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    with time_machine.travel(morning(TODAY), tick=False):
        lifecycle.assignment_end(assignment=program)

    assert program.pauses.count() == 0


# --- reminders, missed days, adherence ----------------------------------------------


def sweep_days(first: date, last: date) -> dict[date, set[str]]:
    """What the sweep writes each evening, as the beat would do it day after day."""
    written = {}
    day = first
    while day <= last:
        with time_machine.travel(evening(day), tick=False):
            ids = delivery.sweep(now=evening(day))
        written[day] = set(Reminder.objects.filter(pk__in=ids).values_list("kind", flat=True))
        day += timedelta(days=1)
    return written


def test_no_reminder_is_written_on_the_days_of_a_break_and_they_start_again_the_day_after(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    program.refresh_from_db()
    assert program.next_reminder_at == datetime(2026, 12, 10, 18, 0, tzinfo=UTC)

    sweep_days(TODAY, BACK + timedelta(days=1))

    days = set(Reminder.objects.filter(kind=Reminder.EXERCISE).values_list("local_date", flat=True))
    break_days = {HOLIDAY + timedelta(days=n) for n in range((BACK - HOLIDAY).days)}
    assert not days & break_days
    assert {HOLIDAY - timedelta(days=1), BACK, BACK + timedelta(days=1)} <= days
    program.refresh_from_db()
    assert program.next_reminder_at == datetime(2027, 1, 5, 18, 0, tzinfo=UTC)


def test_the_reminder_due_before_the_break_jumps_to_the_day_after_it(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))

    with time_machine.travel(evening(HOLIDAY - timedelta(days=1)), tick=False):
        delivery.sweep(now=evening(HOLIDAY - timedelta(days=1)))

    program.refresh_from_db()
    assert program.next_reminder_at == datetime(2027, 1, 3, 18, 0, tzinfo=UTC)


def check_off(assignment, day: date) -> None:
    Completion.objects.create(
        assignment=assignment, assignment_exercise=assignment.program.items.first(), date=day
    )


def test_no_missed_day_alert_comes_during_a_break_however_long_it_lasts(program):
    # Done on Sunday 6 Dec, then nothing: the third missed day is Wednesday 9, so the alert is due
    # at Thursday's reminder, the first day of the break.
    check_off(program, TODAY - timedelta(days=4))
    schedule_break(program, TODAY, TODAY + timedelta(days=10))

    sweep_days(TODAY, TODAY + timedelta(days=13))

    alerted = list(Reminder.objects.filter(kind=Reminder.MISSED_ALERT).values_list("local_date", flat=True))
    assert alerted == [TODAY + timedelta(days=11)]  # once, at the first reminder after the break


def test_a_missed_day_alert_given_before_a_break_is_not_given_again_after_it(program):
    check_off(program, TODAY - timedelta(days=4))
    sweep_days(TODAY - timedelta(days=4), TODAY)
    assert Reminder.objects.filter(kind=Reminder.MISSED_ALERT).count() == 1
    schedule_break(program, TODAY + timedelta(days=1), TODAY + timedelta(days=5))

    sweep_days(TODAY + timedelta(days=1), TODAY + timedelta(days=8))

    assert Reminder.objects.filter(kind=Reminder.MISSED_ALERT).count() == 1


def test_the_days_of_a_break_are_not_counted_in_adherence(program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))

    a_day = expected(program, HOLIDAY - timedelta(days=1), HOLIDAY - timedelta(days=1))
    assert a_day > 0
    assert expected(program, HOLIDAY - timedelta(days=1), BACK) == 2 * a_day
    assert expected(program, HOLIDAY, BACK - timedelta(days=1)) == 0


def test_the_clients_list_of_a_break_day_is_empty(bob, program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))

    with time_machine.travel(morning(HOLIDAY + timedelta(days=1)), tick=False):
        today = api_as(bob.user).get("/api/v1/me/today/").json()

    assert today["slots"] == []


# --- the practitioner API -----------------------------------------------------------


def pause_via_api(user, program, body: dict, *, today: date = TODAY):
    with time_machine.travel(morning(today), tick=False):
        return api_as(user).post(f"/api/v1/assignments/{program.pk}/pause/", body, format="json")


def test_the_api_sets_a_break_ahead_and_lists_it_with_the_program(alice, program):
    response = pause_via_api(alice, program, {"on": "2026-12-24", "until": "2027-01-02"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert [(p["start_date"], p["end_date"]) for p in body["pauses"]] == [("2026-12-24", "2027-01-02")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"on": "2026-12-24", "until": "2026-12-20"}, "until"),
        ({"on": "2026-12-01", "until": "2026-12-20"}, "on"),
        ({"on": "2026-12-24", "until": "2027-06-01"}, "until"),
        ({"on": "2026-12-24"}, "on"),
        ({"on": "2026-12-24", "until": "soon"}, "until"),
    ],
)
def test_a_break_the_api_refuses_is_a_400_naming_the_field(alice, program, body, field):
    response = pause_via_api(alice, program, body)

    assert response.status_code == 400
    assert response.json()["field"] == field


def test_an_overlapping_break_is_a_400_naming_the_field_that_clashes(alice, program):
    pause_via_api(alice, program, {"on": "2026-12-24", "until": "2027-01-02"})

    response = pause_via_api(alice, program, {"on": "2026-12-20", "until": "2026-12-24"})

    assert response.status_code == 400
    assert response.json()["field"] == "until"


def test_the_api_cancels_a_break_to_come(alice, program):
    pause_id = pause_via_api(alice, program, {"on": "2026-12-24", "until": "2027-01-02"}).json()["pauses"][0][
        "id"
    ]

    with time_machine.travel(morning(TODAY), tick=False):
        response = api_as(alice).post(f"/api/v1/assignments/{program.pk}/breaks/{pause_id}/cancel/")

    assert response.status_code == 200 and response.json()["pauses"] == []


def test_cancelling_a_break_that_has_begun_is_a_400_naming_start_date(alice, program):
    pause_id = pause_via_api(alice, program, {"on": "2026-12-24", "until": "2027-01-02"}).json()["pauses"][0][
        "id"
    ]

    with time_machine.travel(morning(HOLIDAY), tick=False):
        response = api_as(alice).post(f"/api/v1/assignments/{program.pk}/breaks/{pause_id}/cancel/")

    assert response.status_code == 400 and response.json()["field"] == "start_date"


def test_another_practices_program_and_breaks_are_404(charlie, alice, program, erin):
    pause_id = pause_via_api(alice, program, {"on": "2026-12-24", "until": "2027-01-02"}).json()["pauses"][0][
        "id"
    ]
    with time_machine.travel(morning(TODAY), tick=False):
        erins = assign(erin, start=START, weeks=8)

    paused = pause_via_api(charlie, program, {"on": "2026-12-24", "until": "2027-01-02"})
    cancelled = api_as(charlie).post(f"/api/v1/assignments/{program.pk}/breaks/{pause_id}/cancel/")
    crossed = api_as(charlie).post(f"/api/v1/assignments/{erins.pk}/breaks/{pause_id}/cancel/")

    assert (paused.status_code, cancelled.status_code, crossed.status_code) == (404, 404, 404)
    assert program.pauses.count() == 1


def test_the_client_api_shows_the_clients_own_breaks(bob, alice, program):
    pause_via_api(alice, program, {"on": "2026-12-24", "until": "2027-01-02"})

    with time_machine.travel(morning(TODAY), tick=False):
        mine = api_as(bob.user).get("/api/v1/me/assignments/").json()["results"]

    assert [(p["start_date"], p["end_date"]) for p in mine[0]["pauses"]] == [("2026-12-24", "2027-01-02")]


# --- the workspace ------------------------------------------------------------------


def test_the_client_page_schedules_a_break_from_its_form_and_lists_it_with_a_cancel_button(
    client, alice, bob, program
):
    client.force_login(alice)
    with time_machine.travel(morning(TODAY), tick=False):
        form_page = client.get(f"/clients/{bob.pk}/").content.decode()
        done = client.post(
            f"/assignments/{program.pk}/breaks/", {"on": "2026-12-24", "until": "2027-01-02"}, follow=True
        )
    page = done.content.decode()

    assert "Schedule a break" in form_page and f'action="/assignments/{program.pk}/breaks/"' in form_page
    assert "Break set: no exercise or reminders from 24 Dec 2026 to 2 Jan 2027." in page
    assert "break to come: paused 24 Dec – 2 Jan, resumes 3 Jan" in page
    pause = program.pauses.get()
    assert f'action="/assignments/{program.pk}/breaks/{pause.pk}/cancel/"' in page
    program.refresh_from_db()
    assert program.status == "active"


def test_a_refused_break_is_shown_next_to_the_field_it_concerns(client, alice, bob, program):
    client.force_login(alice)
    with time_machine.travel(morning(TODAY), tick=False):
        response = client.post(
            f"/assignments/{program.pk}/breaks/", {"on": "2026-12-24", "until": "2026-12-20"}
        )
    page = response.content.decode()

    assert response.status_code == 400
    assert f'id="id_break_{program.pk}_until_error"' in page
    assert "A break ends on or after its first day (2026-12-24)." in page
    assert "<details open><summary>Schedule a break</summary>" in page
    assert program.pauses.count() == 0


def test_the_workspace_cancels_a_break_to_come(client, alice, bob, program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    client.force_login(alice)
    with time_machine.travel(morning(TODAY), tick=False):
        done = client.post(f"/assignments/{program.pk}/breaks/{program.pauses.get().pk}/cancel/", follow=True)

    assert b"Break cancelled" in done.content
    assert program.pauses.count() == 0


def test_the_workspace_break_pages_of_another_practice_are_404(client, charlie, program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))
    client.force_login(charlie)

    scheduled = client.post(f"/assignments/{program.pk}/breaks/", {"on": "2026-12-26", "until": "2027-01-04"})
    cancelled = client.post(f"/assignments/{program.pk}/breaks/{program.pauses.get().pk}/cancel/")

    assert (scheduled.status_code, cancelled.status_code) == (404, 404)
    assert program.pauses.count() == 1


def test_the_client_list_says_on_a_break_while_a_break_covers_the_clients_today(client, alice, bob, program):
    schedule_break(program, HOLIDAY, BACK - timedelta(days=1))

    with time_machine.travel(morning(TODAY), tick=False):
        client.force_login(alice)
        before = client.get("/clients/").content.decode()
    with time_machine.travel(morning(HOLIDAY + timedelta(days=3)), tick=False):
        client.force_login(alice)
        during = client.get("/clients/").content.decode()
        client_page = client.get(f"/clients/{bob.pk}/").content.decode()

    assert "On a break" not in before and "On a break" in during
    assert f'action="/assignments/{program.pk}/resume/"' in client_page  # ends it early
