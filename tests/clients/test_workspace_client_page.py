from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from clients.checkoffs import charts
from clients.checkoffs.adherence import with_versions
from clients.models import Assignment, Completion, Consultation
from tests.factories import assign

pytestmark = pytest.mark.django_db


def test_the_heat_map_has_twelve_weeks_of_days_with_how_much_was_done(bob_assignment):
    today = timezone.localdate()
    (assignment,) = with_versions(Assignment.objects.filter(pk=bob_assignment.pk))
    item = bob_assignment.program.items.first()

    cells = charts.heat_map([assignment], [(assignment.pk, today, 1, item.pk, item.exercise_id)], today=today)

    assert len(cells) == 84
    today_cell = next(c for c in cells if c.day == today)
    assert (today_cell.scheduled, today_cell.done) == (6, 1)  # 3 exercises, 2 sessions
    assert today_cell.level == "some"
    assert "1 of 6 done" in today_cell.title


def test_the_client_page_draws_the_charts_as_svg_with_text_alternatives(client, alice, bob, bob_assignment):
    item = bob_assignment.program.items.first()
    Completion.objects.create(
        assignment=bob_assignment, assignment_exercise=item, date=timezone.localdate(), pain=4
    )
    Consultation.objects.create(
        client=bob, scheduled_at=timezone.now() - timedelta(days=5), pain=7, odi_percent=40
    )
    client.force_login(alice)

    response = client.get(f"/clients/{bob.pk}/")

    html = response.content.decode()
    assert "<svg" in html and "Adherence calendar" in html
    assert "pain 4/10 (check-offs)" in html
    assert "pain 7/10 (consultation)" in html
    # Pain during exercise (4) is never compared with pain at rest at the consultation (7).
    assert "MCID" not in html.split("The figures as a table")[1].split("</table>")[0].split("<tbody>")[1]
    assert "Pain during exercise (check-offs, weekly average)" in html
    assert "Download PDF" in html


def test_the_pain_chart_has_dates_along_its_time_axis():
    ticks = charts.pain_ticks(date(2026, 11, 25))  # a Wednesday: the window ends Sunday 29 Nov

    assert [label for _, label in ticks] == ["7 Sep", "28 Sep", "19 Oct", "9 Nov", "29 Nov"]
    assert [x for x, _ in ticks] == sorted(x for x, _ in ticks)
    assert ticks[0][0] == charts.PAIN_LEFT and ticks[-1][0] == charts.PAIN_WIDTH - 10


def test_pause_resume_and_end_from_the_client_page(client, alice, bob_assignment):
    client.force_login(alice)

    client.post(f"/assignments/{bob_assignment.pk}/pause/")
    bob_assignment.refresh_from_db()
    assert bob_assignment.status == "paused"
    client.post(f"/assignments/{bob_assignment.pk}/resume/")
    bob_assignment.refresh_from_db()
    assert bob_assignment.status == "active"
    client.post(f"/assignments/{bob_assignment.pk}/end/")
    bob_assignment.refresh_from_db()
    assert bob_assignment.status == "ended"


def test_ending_a_program_asks_first_and_says_it_cannot_be_undone(client, alice, bob_assignment):
    client.force_login(alice)
    page = client.get(f"/clients/{bob_assignment.client_id}/").content.decode()

    asked = client.get(f"/assignments/{bob_assignment.pk}/end/")

    assert f'href="/assignments/{bob_assignment.pk}/end/"' in page
    assert asked.status_code == 200 and b"Ending cannot be undone." in asked.content
    bob_assignment.refresh_from_db()
    assert bob_assignment.status == "active"


def test_resuming_an_active_program_says_why_not(client, alice, bob_assignment):
    client.force_login(alice)

    response = client.post(f"/assignments/{bob_assignment.pk}/resume/", follow=True)

    assert b"Only a paused program, or one on a break, can be resumed." in response.content


def test_the_client_page_with_twelve_weeks_of_history_takes_a_constant_number_of_queries(
    client, alice, bob, django_assert_max_num_queries
):
    today = timezone.localdate()
    with time_machine.travel(today - timedelta(weeks=12), tick=False):
        first = assign(bob, start=today - timedelta(weeks=12), weeks=6)
        second = assign(bob, start=today - timedelta(weeks=6), weeks=7)
    rows = []
    for assignment in (first, second):
        items = list(assignment.program.items.all())
        day = assignment.start_date
        while day <= min(assignment.end_date, today):
            rows += [
                Completion(assignment=assignment, assignment_exercise=i, date=day, pain=day.day % 10)
                for i in items
            ]
            day += timedelta(days=1)
    Completion.objects.bulk_create(rows)
    for n in range(4):
        Consultation.objects.create(
            client=bob,
            scheduled_at=timezone.now() - timedelta(weeks=3 * n),
            pain=7 - n,
            odi_percent=40 - 5 * n,
        )
    client.force_login(alice)

    with django_assert_max_num_queries(
        28
    ):  # messages, open alerts, questionnaires and their answers included
        response = client.get(f"/clients/{bob.pk}/")

    assert response.status_code == 200
    assert len(rows) > 200


def test_the_outcomes_table_lists_the_odi_recorded_at_a_consultation(client, alice, bob):
    Consultation.objects.create(
        client=bob, scheduled_at=timezone.now() - timedelta(days=5), pain=6, odi_percent=30
    )
    client.force_login(alice)

    html = client.get(f"/clients/{bob.pk}/").content.decode()

    outcomes = html[html.index('id="outcomes-heading"') : html.index('id="consultations-heading"')]
    assert '<td data-label="Measure">Pain at rest (NPRS)</td>' in outcomes
    assert '<td data-label="Measure">Oswestry Disability Index</td>' in outcomes
    assert '<td data-label="Value">30 %</td>' in outcomes
