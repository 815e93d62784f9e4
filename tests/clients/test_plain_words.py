"""Schedules and limits read as a person would write them: real dates, no "session(s)"."""

import pytest

from clients.assignments import versions
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def test_a_versions_schedule_reads_in_words():
    schedule = {"start_date": "2026-01-05", "weeks": 1, "days_of_week": [0, 2, 4], "sessions_per_day": 2}

    assert versions.schedule_summary(schedule) == "From 5 Jan 2026 for 1 week · Mon, Wed, Fri · twice a day"


def test_the_version_page_shows_the_schedule_in_words(client, alice, bob_assignment):
    client.force_login(alice)
    number = bob_assignment.versions.get().number

    page = client.get(f"/assignments/{bob_assignment.pk}/versions/{number}/").content.decode()

    start = bob_assignment.start_date
    assert (
        f"Schedule: From {start:%-d %b %Y} for {bob_assignment.weeks} weeks · Every day · twice a day."
        in page
    )
    assert "session(s)" not in page, page[page.find("Schedule") :][:200]


def test_a_session_beyond_the_programs_count_is_refused_in_plain_words(bob, bob_assignment):
    slot = bob_assignment.program.items.first()
    body = {"assignment_exercise": slot.pk, "date": bob_assignment.start_date.isoformat(), "session": 3}

    response = api_as(bob.user).put(
        "/api/v1/me/completions/5c1d2a58-3f6e-4a39-9d55-0b2b7c2f0a11/", body, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "session"
    assert response.json()["errors"][0]["message"] == "session: This program has 2 sessions a day."
