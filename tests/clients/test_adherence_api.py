from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clients.models import Completion
from tests.conftest import api_as
from tests.factories import TemplateFactory, assign

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@time_machine.travel(datetime(2026, 3, 4, 20, 0, tzinfo=UTC), tick=False)
def test_client_sees_their_adherence_streak_and_weeks(bob):
    assignment = assign(bob, start=MONDAY, template=TemplateFactory(exercises=1))
    item = assignment.program.items.get()
    for offset, pain in [(0, 4), (1, 2)]:  # Mon, Tue done; today (Wed) not yet
        Completion.objects.create(
            assignment=assignment, assignment_exercise=item, date=MONDAY + timedelta(days=offset), pain=pain
        )

    body = api_as(bob.user).get("/api/v1/me/adherence/").json()

    assert body["from"] == "2026-03-02" and body["to"] == "2026-03-04"
    assert (body["scheduled"], body["done"], body["percent"]) == (2, 2, 100.0)
    assert (body["current_streak"], body["best_streak"]) == (2, 2)
    assert body["weeks"] == [
        {"week_start": "2026-03-02", "scheduled": 2, "done": 2, "percent": 100.0, "average_pain": 3.0}
    ]
    assert body["last_done_on"] == "2026-03-03"
    assert set(body) >= {"pain_trend", "pain_change", "last_activity"}


@time_machine.travel(datetime(2026, 3, 20, 12, 0, tzinfo=UTC), tick=False)
def test_a_range_narrows_the_figures_but_not_the_streak(bob):
    assign(bob, start=MONDAY, template=TemplateFactory(exercises=1))

    body = api_as(bob.user).get("/api/v1/me/adherence/?from=2026-03-09&to=2026-03-15").json()

    assert (body["from"], body["to"], body["scheduled"], len(body["weeks"])) == (
        "2026-03-09",
        "2026-03-15",
        7,
        1,
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-03-09&to=2026-03-01", "to"),
        ("from=soon", "from"),
        ("from=2020-01-01&to=2026-01-01", "from"),
        ("from=0001-01-01", "from"),  # `to` left out is today: still over the longest range
    ],
)
def test_a_bad_range_is_a_400_naming_the_field(bob, query, field):
    response = api_as(bob.user).get(f"/api/v1/me/adherence/?{query}")

    assert response.status_code == 400
    assert response.json()["field"] == field


def test_a_practitioner_has_no_adherence_of_their_own(alice):
    assert api_as(alice).get("/api/v1/me/adherence/").status_code == 404
