"""Pausing, resuming and ending a program: which days stay exercise days, and which dates are refused."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clients.assignments import lifecycle
from clients.checkoffs.adherence import adherence
from clients.models import Assignment, AssignmentPause
from tests.conftest import api_as
from tests.factories import TemplateFactory, assign

pytestmark = pytest.mark.django_db

START = date(2026, 11, 30)  # a Monday; Bob lives in London, on UTC in winter
SUNDAY = date(2026, 12, 6)


def morning(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


@pytest.fixture
def program(bob):
    with time_machine.travel(morning(START), tick=False):
        return assign(bob, start=START, template=TemplateFactory(exercises=2))


# Long after: every day asked about has ended, so adherence counts it.
LATER = datetime(2100, 1, 1, tzinfo=UTC)


def expected(assignment: Assignment, day: date) -> int:
    return adherence(Assignment.objects.filter(pk=assignment.pk), start=day, end=day, now=LATER).scheduled


# --- same-day resume --------------------------------------------------------------------


def test_pausing_and_resuming_on_the_same_day_leaves_that_day_an_exercise_day(client, alice, bob, program):
    client.force_login(alice)
    with time_machine.travel(morning(SUNDAY), tick=False):
        client.post(f"/assignments/{program.pk}/pause/")
        client.post(f"/assignments/{program.pk}/resume/")
        today = api_as(bob.user).get("/api/v1/me/today/").json()

    program.refresh_from_db()
    assert (program.status, list(program.pauses.all())) == ("active", [])
    assert today["date"] == SUNDAY.isoformat() and len(today["slots"]) == 2
    assert expected(program, SUNDAY) == 2
    assert program.next_reminder_at == datetime(2026, 12, 6, 18, 0, tzinfo=UTC)


def test_resuming_on_a_later_day_makes_that_day_an_exercise_day_again(bob, program):
    with time_machine.travel(morning(SUNDAY), tick=False):
        lifecycle.assignment_pause(assignment=program)
    wednesday = SUNDAY + timedelta(days=3)
    with time_machine.travel(morning(wednesday), tick=False):
        lifecycle.assignment_resume(assignment=program)
        today = api_as(bob.user).get("/api/v1/me/today/").json()

    pause = program.pauses.get()
    assert (pause.start_date, pause.end_date) == (SUNDAY, wednesday - timedelta(days=1))
    assert len(today["slots"]) == 2
    assert (expected(program, wednesday - timedelta(days=1)), expected(program, wednesday)) == (0, 2)


def test_a_program_paused_before_it_begins_is_paused_from_its_first_day(bob):
    with time_machine.travel(morning(SUNDAY), tick=False):
        later = assign(bob, start=SUNDAY + timedelta(days=8))
        lifecycle.assignment_pause(assignment=later)
        pause = later.pauses.get()
        lifecycle.assignment_resume(assignment=later)

    assert pause.start_date == SUNDAY + timedelta(days=8)
    assert (later.status, later.pauses.count()) == ("active", 0)


def test_pausing_again_takes_back_a_resume_set_for_a_later_day(program):
    with time_machine.travel(morning(SUNDAY), tick=False):
        lifecycle.assignment_pause(assignment=program)
        lifecycle.assignment_resume(assignment=program, on=SUNDAY + timedelta(days=5))
        lifecycle.assignment_pause(assignment=program)

    pause = program.pauses.get()
    assert (program.status, pause.start_date, pause.end_date) == ("paused", SUNDAY, None)


# --- dates the API refuses ---------------------------------------------------------------


def refused(api, assignment, action: str, on: date) -> tuple[int, str]:
    response = api.post(
        f"/api/v1/assignments/{assignment.pk}/{action}/", {"on": on.isoformat()}, format="json"
    )
    return response.status_code, response.json().get("field")


@pytest.mark.parametrize(
    "on",
    [
        date(2020, 1, 1),  # long before the program
        SUNDAY - timedelta(days=1),  # in the program, but before the client's today
        SUNDAY + timedelta(days=2),  # later: reminders would stop before the pause began
        START + timedelta(weeks=5),  # after the program's end
    ],
)
def test_a_pause_dated_other_than_the_clients_today_is_a_400_naming_on(alice, program, on):
    with time_machine.travel(morning(SUNDAY), tick=False):
        answer = refused(api_as(alice), program, "pause", on)

    program.refresh_from_db()
    assert answer == (400, "on")
    assert (program.status, program.pauses.count()) == ("active", 0)


def test_pausing_a_paused_program_is_a_400_naming_status(alice, program):
    with time_machine.travel(morning(SUNDAY), tick=False):
        lifecycle.assignment_pause(assignment=program)
        answer = refused(api_as(alice), program, "pause", SUNDAY)

    assert answer == (400, "status")
    assert program.pauses.count() == 1


def test_a_pause_of_todays_date_is_accepted(alice, program):
    with time_machine.travel(morning(SUNDAY), tick=False):
        response = api_as(alice).post(
            f"/api/v1/assignments/{program.pk}/pause/", {"on": SUNDAY.isoformat()}, format="json"
        )

    assert (response.status_code, response.json()["status"]) == (200, "paused")
    assert program.pauses.get().start_date == SUNDAY


@pytest.mark.parametrize(
    "on",
    [
        SUNDAY - timedelta(days=2),  # before the pause began
        SUNDAY,  # after the pause began, but before the client's today
        START + timedelta(weeks=4),  # after the program's end
    ],
)
def test_a_resume_before_the_pause_or_today_or_after_the_end_is_a_400_naming_on(alice, program, on):
    with time_machine.travel(morning(SUNDAY - timedelta(days=1)), tick=False):
        lifecycle.assignment_pause(assignment=program)
    with time_machine.travel(morning(SUNDAY + timedelta(days=1)), tick=False):
        answer = refused(api_as(alice), program, "resume", on)

    program.refresh_from_db()
    assert answer == (400, "on")
    assert (program.status, program.pauses.get().end_date) == ("paused", None)


def test_a_resume_may_be_set_for_a_later_day_of_the_program(alice, program):
    with time_machine.travel(morning(SUNDAY), tick=False):
        lifecycle.assignment_pause(assignment=program)
        response = api_as(alice).post(
            f"/api/v1/assignments/{program.pk}/resume/",
            {"on": (SUNDAY + timedelta(days=4)).isoformat()},
            format="json",
        )

    assert (response.status_code, response.json()["status"]) == (200, "active")
    assert program.pauses.get().end_date == SUNDAY + timedelta(days=3)


def test_the_client_page_shows_a_pause_that_runs_on_after_a_resume_set_for_later(client, alice, program):
    client.force_login(alice)
    with time_machine.travel(morning(SUNDAY), tick=False):
        lifecycle.assignment_pause(assignment=program)
        lifecycle.assignment_resume(assignment=program, on=SUNDAY + timedelta(days=2))
        page = client.get(f"/clients/{program.client_id}/").content.decode()

    assert "Active" in page and "paused 6 Dec – 7 Dec, resumes 8 Dec" in page
    with time_machine.travel(morning(SUNDAY + timedelta(days=2)), tick=False):
        assert "paused 6 Dec" not in client.get(f"/clients/{program.client_id}/").content.decode()


@pytest.mark.parametrize(
    "on",
    [
        START - timedelta(days=1),  # before the program starts
        SUNDAY - timedelta(days=1),  # before the client's today
        START + timedelta(weeks=4),  # after the program's end
    ],
)
def test_an_end_outside_the_program_or_before_today_is_a_400_naming_on(alice, program, on):
    with time_machine.travel(morning(SUNDAY), tick=False):
        answer = refused(api_as(alice), program, "end", on)

    program.refresh_from_db()
    assert answer == (400, "on")
    assert (program.status, program.ended_on) == ("active", None)


def test_the_workspace_says_why_a_finished_program_cannot_be_paused(client, alice, bob):
    with time_machine.travel(morning(START), tick=False):
        short = assign(bob, start=START - timedelta(weeks=1), weeks=1)
    client.force_login(alice)

    with time_machine.travel(morning(SUNDAY), tick=False):
        response = client.post(f"/assignments/{short.pk}/pause/", follow=True)

    assert b"This program&#x27;s last day was 2026-11-29." in response.content
    assert not AssignmentPause.objects.exists()
