"""A past day is shown and checked off under the version of the program that governed it.

Bob lives in London (UTC in March). Week of Monday 2 March 2026: `day(n)` is n days later;
a version published at noon of day n governs from day n on. Each case is computed by hand.
"""

import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Completion
from tests.clients.test_adherence_versions import assign_before_start, at, day, items_of, revise
from tests.conftest import api_as, on_postgres
from tests.factories import TemplateFactory

pytestmark = pytest.mark.django_db

MON_WED_FRI = (0, 2, 4)


def slots_of(api, offset: int | None = None) -> list[tuple[int, int]]:
    """(assignment exercise, session) of each slot listed for that day (today without `offset`)."""
    query = "" if offset is None else f"?date={day(offset).isoformat()}"
    return [
        (s["assignment_exercise"], s["session"]) for s in api.get(f"/api/v1/me/today/{query}").json()["slots"]
    ]


@pytest.fixture
def revised_on_thursday(bob):
    """Version 1 from Monday: 2 exercises twice a day. Version 2 on Thursday: one exercise more, once a day."""
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=2), sessions=2)
    return revise(assignment, on=at(3), add=1, sessions_per_day=1)


def test_a_day_before_a_revision_lists_the_old_versions_exercises_and_sessions(bob, revised_on_thursday):
    old, new = items_of(revised_on_thursday, 1), items_of(revised_on_thursday, 2)
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)

        wednesday, thursday, today = slots_of(api, 2), slots_of(api, 3), slots_of(api)

    # Wednesday under version 1: 2 exercises x 2 sessions; Thursday on under version 2: 3 x 1.
    assert wednesday == [(old[0].pk, 1), (old[1].pk, 1), (old[0].pk, 2), (old[1].pk, 2)]
    assert thursday == [(item.pk, 1) for item in new]
    assert today == thursday


def test_a_past_day_shows_check_offs_made_against_either_version_as_done(bob, revised_on_thursday):
    old, new = items_of(revised_on_thursday, 1), items_of(revised_on_thursday, 2)
    own = Completion.objects.create(
        assignment=revised_on_thursday, assignment_exercise=old[0], date=day(2), session=2
    )
    # Synced late from a phone that already had version 2: the same exercise as version 1's second.
    synced = Completion.objects.create(
        assignment=revised_on_thursday, assignment_exercise=new[1], date=day(2), session=1
    )
    assert new[1].exercise_id == old[1].exercise_id
    with time_machine.travel(at(5), tick=False):
        slots = api_as(bob.user).get(f"/api/v1/me/today/?date={day(2).isoformat()}").json()["slots"]

    done = [(s["assignment_exercise"], s["session"], s["completion"]) for s in slots if s["done"]]
    assert done == [(old[1].pk, 1, str(synced.pk)), (old[0].pk, 2, str(own.pk))]


def test_a_day_the_old_version_did_not_schedule_lists_nothing(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=2), days=MON_WED_FRI)
    revise(assignment, on=at(3), days_of_week=list(range(7)))
    old = items_of(assignment, 1)
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)

        tuesday, wednesday, thursday = slots_of(api, 1), slots_of(api, 2), slots_of(api, 3)

    assert tuesday == []  # version 1 asked Mon, Wed, Fri; version 2's every day began on Thursday
    assert wednesday == [(old[0].pk, 1), (old[1].pk, 1)]
    assert len(thursday) == 2


def test_a_day_under_an_empty_first_version_lists_nothing(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=0))
    revise(assignment, on=at(3), add=2)
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)

        assert slots_of(api, 2) == []
        assert len(slots_of(api, 3)) == 2


def count_today(api, query: str = "") -> int:
    api.get(f"/api/v1/me/today/{query}")  # the first request may refresh the token; count the next
    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"/api/v1/me/today/{query}").status_code == 200
    return len(queries)


def test_today_takes_the_same_queries_after_a_revision_and_a_past_day_one_more(bob, revised_on_thursday):
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)

        today, this_morning = count_today(api), count_today(api, f"?date={day(5)}")
        past_day = count_today(api, f"?date={day(2)}")

    # 3 as bench/api.py counts today; a past day reads the versions' exercises, then their check-offs
    assert (today, this_morning, past_day) == (3, 3, 4)


def test_a_past_day_of_a_program_never_revised_takes_no_more_queries(bob):
    assign_before_start(bob, template=TemplateFactory(exercises=2))
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)

        assert count_today(api, f"?date={day(2)}") == count_today(api) == 3


# --- late check-offs -------------------------------------------------------------------


def check_off(api, item, offset: int, session: int = 1):
    body = {"assignment_exercise": item.pk, "date": day(offset).isoformat(), "session": session}
    return api.put(f"/api/v1/me/completions/{uuid.uuid4()}/", body, format="json")


def test_a_late_second_session_is_accepted_for_a_day_that_had_two(bob, revised_on_thursday):
    old, new = items_of(revised_on_thursday, 1), items_of(revised_on_thursday, 2)
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)

        against_old = check_off(api, old[0], 2, session=2)
        against_new = check_off(api, new[1], 2, session=2)  # the same exercise as version 1's second

    assert (against_old.status_code, against_new.status_code) == (201, 201)
    assert Completion.objects.filter(date=day(2), session=2).count() == 2


def test_a_late_second_session_is_refused_for_a_day_under_the_one_session_version(bob, revised_on_thursday):
    old, new = items_of(revised_on_thursday, 1), items_of(revised_on_thursday, 2)
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)

        responses = [check_off(api, new[0], 3, session=2), check_off(api, old[0], 4, session=2)]

    assert [r.status_code for r in responses] == [400, 400]
    assert [r.json()["field"] for r in responses] == ["session", "session"]
    assert responses[0].json()["message"] == "session: This program has 1 session a day."
    assert not Completion.objects.exists()


def test_a_late_check_off_before_a_start_moved_later_is_accepted_where_the_old_version_had_started(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=1))
    revise(assignment, on=at(2), start_date=day(7).isoformat())  # from Wednesday: starts next Monday
    item = items_of(assignment, 1)[0]
    with time_machine.travel(at(4), tick=False):
        api = api_as(bob.user)

        tuesday, wednesday = check_off(api, item, 1), check_off(api, item, 2)

    assert tuesday.status_code == 201  # version 1 had started on Monday
    assert wednesday.status_code == 400  # version 2 governs Wednesday and starts next Monday
    assert (wednesday.json()["field"], wednesday.json()["message"]) == (
        "date",
        "date: The program starts on 2026-03-09.",
    )


def count_check_off(api, item, offset: int, session: int = 1) -> int:
    """Statements of a new check-off, once a first request refreshed the token."""
    with CaptureQueriesContext(connection) as queries:
        assert check_off(api, item, offset, session).status_code == 201
    return len(queries)


def test_a_check_off_at_version_one_takes_the_same_queries(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=3))
    first, second, third = items_of(assignment, 1)
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)
        check_off(api, first, 5)

        # PostgreSQL writes a new check-off at version one in one statement; SQLite through the ORM.
        assert (
            count_check_off(api, second, 5) == count_check_off(api, third, 2) == (5 if on_postgres() else 7)
        )


def test_a_check_off_takes_one_more_query_only_for_a_day_before_the_newest_version(bob, revised_on_thursday):
    old, new = items_of(revised_on_thursday, 1), items_of(revised_on_thursday, 2)
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)
        check_off(api, new[2], 4)

        after = [count_check_off(api, new[0], 4), count_check_off(api, old[0], 3)]
        before = [count_check_off(api, new[1], 2), count_check_off(api, old[1], 1)]

    assert after == [8, 8]  # as before past days were held to their own version
    assert before == [9, 9]  # the versions' schedules, read once


def test_the_governing_version_is_told_by_the_clients_own_calendar(bob):
    """Published at noon UTC on Wednesday: 01:00 on Thursday in Auckland (UTC+13 in March),
    so Wednesday there was still version 1's, with its 2 sessions."""
    bob.timezone = "Pacific/Auckland"
    bob.save(update_fields=["timezone"])
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=1), sessions=2)
    revise(assignment, on=at(2), sessions_per_day=1)
    old, new = items_of(assignment, 1)[0], items_of(assignment, 2)[0]
    with time_machine.travel(at(5), tick=False):
        api = api_as(bob.user)

        wednesday = slots_of(api, 2)
        responses = [check_off(api, old, 2, session=2), check_off(api, new, 3, session=2)]

    assert wednesday == [(old.pk, 1), (old.pk, 2)]
    assert [r.status_code for r in responses] == [201, 400]


def test_todays_list_counts_a_check_off_made_on_the_older_version_the_day_it_was_revised(bob):
    assignment = assign_before_start(bob, template=TemplateFactory(exercises=3))
    first = items_of(assignment, 1)
    with time_machine.travel(at(2, 9), tick=False):  # Wed morning: A and B, on the phone's version 1
        api = api_as(bob.user)
        assert [check_off(api, item, 2).status_code for item in first[:2]] == [201, 201]
    revise(assignment, on=at(2, 12), add=1, drop=[first[1].exercise_id])  # Wed noon: A, C, D
    second = items_of(assignment, 2)

    with time_machine.travel(at(2, 18), tick=False):
        slots = api.get("/api/v1/me/today/").json()["slots"]

    done = {slot["exercise"]["id"]: slot["done"] for slot in slots}
    assert [slot["assignment_exercise"] for slot in slots] == [item.pk for item in second]
    assert done == {first[0].exercise_id: True, first[2].exercise_id: False, second[2].exercise_id: False}
