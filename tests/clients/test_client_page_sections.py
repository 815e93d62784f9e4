"""The client page in sections, its check-off log, erasure on its own page, and past consultations."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.consultations import questionnaires
from clients.models import Alert, AuditEvent, Completion, Consultation, QuestionnaireSchedule, Reminder
from tests.conftest import api_as
from tests.factories import MembershipFactory, TemplateFactory, assign

pytestmark = pytest.mark.django_db

SECTIONS = ["overview", "checkoffs", "outcomes", "programs", "consultations", "messages", "records"]


def check_off(assignment, item, day, **fields):
    return Completion.objects.create(assignment=assignment, assignment_exercise=item, date=day, **fields)


def test_the_client_page_has_a_section_for_each_job_linked_from_its_tabs(client, alice, bob):
    client.force_login(alice)

    html = client.get(f"/clients/{bob.pk}/").content.decode()

    tabs = html[html.index('<nav class="tabs"') : html.index("</nav>", html.index('<nav class="tabs"'))]
    for section in SECTIONS:
        assert f'href="#{section}"' in tabs
        assert f'id="{section}"' in html
    assert html.index('id="messages"') < html.index('id="records"')


def test_the_overview_shows_todays_progress_apart_from_the_adherence_of_days_ended(
    client, alice, bob_assignment
):
    items = list(bob_assignment.program.items.all())  # 3 exercises, twice a day, started 3 days ago
    today = timezone.localdate()
    for item in items:
        check_off(bob_assignment, item, today - timedelta(days=1))
        check_off(bob_assignment, item, today - timedelta(days=1), session=2)
    for item in items:
        check_off(bob_assignment, item, today)
    client.force_login(alice)

    html = client.get(f"/clients/{bob_assignment.client_id}/").content.decode()

    overview = html[html.index('id="overview"') : html.index('id="checkoffs"')]
    assert "3 of 6 today" in overview
    assert "33 %" in overview  # 6 of 18 slots over the 3 days that ended
    api = api_as(alice).get(f"/api/v1/clients/{bob_assignment.client_id}/adherence/").json()
    assert (api["done"], api["scheduled"], api["today"]) == (6, 18, {"scheduled": 6, "done": 3})


def test_the_check_offs_section_shows_each_exercise_with_its_adherence_and_pain(
    client, alice, bob_assignment
):
    first = bob_assignment.program.items.order_by("position").first()
    yesterday = timezone.localdate() - timedelta(days=1)
    check_off(bob_assignment, first, yesterday, pain=6, difficulty=4, note="Tight on the left")
    client.force_login(alice)

    html = client.get(f"/clients/{bob_assignment.client_id}/").content.decode()

    section = html[html.index('id="checkoffs"') : html.index('id="outcomes"')]
    assert first.exercise.name in section
    assert "1 of 6 (17 %)" in section  # 2 sessions x 3 days ended
    assert "average 6/10, last 6/10" in section
    assert "Tight on the left" in section and "4/5" in section


def test_the_check_off_log_shows_what_was_done_against_what_was_prescribed(client, alice, bob_assignment):
    item = bob_assignment.program.items.order_by("position").first()
    check_off(
        bob_assignment,
        item,
        timezone.localdate(),
        session=2,
        sets_done=2,
        reps_done=8,
        pain=8,
        difficulty=4,
        note="Sharp at the end",
    )
    client.force_login(alice)

    response = client.get(f"/clients/{bob_assignment.client_id}/checkoffs/")

    html = response.content.decode()
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert item.exercise.name in row
    assert "2 × 8" in row and "3 sets of 10" in row
    assert "8/10" in row and "4/5" in row and "Sharp at the end" in row
    assert AuditEvent.objects.filter(
        client_id=bob_assignment.client_id, action=AuditEvent.VIEW_CLIENT
    ).exists()


def test_the_check_off_log_filters_by_exercise_and_dates(client, alice, bob_assignment):
    first, second, _ = bob_assignment.program.items.order_by("position")
    today = timezone.localdate()
    check_off(bob_assignment, first, today - timedelta(days=2), note="first, two days ago")
    check_off(bob_assignment, first, today, note="first, today")
    check_off(bob_assignment, second, today, note="second, today")
    client.force_login(alice)

    by_exercise = client.get(f"/clients/{bob_assignment.client_id}/checkoffs/?exercise={first.exercise_id}")
    by_dates = client.get(
        f"/clients/{bob_assignment.client_id}/checkoffs/?start={today - timedelta(days=3)}&end={today - timedelta(days=1)}"
    )

    assert [c.note for c in by_exercise.context["page"]] == ["first, today", "first, two days ago"]
    assert [c.note for c in by_dates.context["page"]] == ["first, two days ago"]


def test_a_date_range_ending_before_it_begins_is_refused_next_to_the_last_day(client, alice, bob_assignment):
    client.force_login(alice)

    response = client.get(f"/clients/{bob_assignment.client_id}/checkoffs/?start=2026-03-10&end=2026-03-01")

    assert response.status_code == 400
    assert "The last day comes on or after the first." in response.content.decode()


def test_the_check_off_log_pages_newest_first_and_htmx_gets_the_rows_only(client, alice, bob_assignment):
    items = list(bob_assignment.program.items.all())
    today = timezone.localdate()
    for offset in range(5):
        for session in (1, 2):
            for item in items:
                check_off(bob_assignment, item, today - timedelta(days=offset), session=session)
    client.force_login(alice)

    second = client.get(f"/clients/{bob_assignment.client_id}/checkoffs/?page=2", HTTP_HX_REQUEST="true")

    assert second.context["page"].paginator.count == 30
    assert second.context["page"].number == 2
    assert "<html" not in second.content.decode()
    assert {c.date for c in second.context["page"]} == {today - timedelta(days=4)}


def test_the_check_off_log_takes_the_same_queries_however_long_the_history(client, alice, bob):
    with time_machine.travel(timezone.now() - timedelta(days=60), tick=False):
        assignment = assign(
            bob,
            start=timezone.localdate() - timedelta(days=60),
            weeks=10,
            template=TemplateFactory(exercises=4),
        )
    items = list(assignment.program.items.all())
    client.force_login(alice)

    def queries_for(days: int) -> int:
        Completion.objects.bulk_create(
            [
                Completion(
                    assignment=assignment,
                    assignment_exercise=item,
                    date=timezone.localdate() - timedelta(days=d),
                    pain=d % 10,
                )
                for d in range(days)
                for item in items
            ],
            ignore_conflicts=True,
        )
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/clients/{bob.pk}/checkoffs/?page=2")
        return len(captured)

    assert queries_for(10) == queries_for(60)


def test_erasure_has_its_own_page_linked_from_records_and_not_a_form_on_the_client_page(client, alice, bob):
    client.force_login(alice)

    page = client.get(f"/clients/{bob.pk}/").content.decode()
    asked = client.get(f"/clients/{bob.pk}/erase/")

    assert f'action="/clients/{bob.pk}/erase/"' not in page
    records = page[page.index('id="records"') :]
    assert f'href="/clients/{bob.pk}/erase/"' in records
    assert asked.status_code == 200
    assert "This cannot be undone." in asked.content.decode()
    bob.refresh_from_db()
    assert bob.erased_at is None


def test_a_practitioner_who_is_not_an_owner_cannot_open_the_erasure_page(client, alice, bob):
    colleague = MembershipFactory(practice=alice.memberships.get().practice, role="practitioner").user
    client.force_login(colleague)

    assert client.get(f"/clients/{bob.pk}/erase/").status_code == 403
    assert f'href="/clients/{bob.pk}/erase/"' not in client.get(f"/clients/{bob.pk}/").content.decode()


def past_visit(**fields):
    yesterday = timezone.localtime() - timedelta(days=1)
    return {
        "date": yesterday.date().isoformat(),
        "time": "10:30",
        "duration_minutes": "40",
        "place": "clinic",
        "subjective": "Low back pain for 6 weeks",
        "plan": "Home program, review in 2 weeks",
        "pain": "6",
        **{f"odi_{n}": "2" for n in range(1, 11)},
        **fields,
    }


def test_a_consultation_held_in_clinic_is_recorded_with_its_notes_and_baseline(client, alice, bob):
    client.force_login(alice)

    response = client.post(f"/clients/{bob.pk}/consultations/past/", past_visit())

    consultation = Consultation.objects.get(client=bob)
    assert response.status_code == 302
    assert (consultation.status, consultation.place, consultation.pain, consultation.odi_percent) == (
        "completed",
        "clinic",
        6,
        40,
    )
    assert consultation.subjective == "Low back pain for 6 weeks" and consultation.video_url == ""
    assert not mail.outbox and not Reminder.objects.filter(consultation=consultation).exists()
    outcomes = client.get(f"/clients/{bob.pk}/").context["outcomes"]
    assert {(o.measure, o.value) for o in outcomes} == {("pain", 6), ("odi", 40)}


def test_a_past_consultation_in_the_future_is_refused_next_to_its_time(client, alice, bob):
    client.force_login(alice)
    tomorrow = (timezone.localtime() + timedelta(days=1)).date().isoformat()

    response = client.post(f"/clients/{bob.pk}/consultations/past/", past_visit(date=tomorrow))

    assert response.status_code == 400
    assert "already took place" in response.content.decode()
    assert not Consultation.objects.filter(client=bob).exists()


def test_a_booked_consultation_can_be_completed_later_with_its_notes_and_baseline(client, alice, bob):
    booked = Consultation.objects.create(
        client=bob, practitioner=alice, scheduled_at=timezone.now() - timedelta(days=3)
    )
    client.force_login(alice)

    response = client.post(
        f"/consultations/{booked.pk}/",
        {
            "status": "completed",
            "assessment": "Improving",
            "pain": "4",
            **{f"odi_{n}": "1" for n in range(1, 11)},
        },
    )

    booked.refresh_from_db()
    assert response.status_code == 302, response.context["form"].errors
    assert (booked.status, booked.assessment, booked.pain, booked.odi_percent) == (
        "completed",
        "Improving",
        4,
        20,
    )


def test_the_overview_shows_open_alerts_each_handled_from_there(client, alice, bob):
    alert = Alert.objects.create(
        client=bob,
        kind=Alert.PAIN,
        local_date=timezone.localdate(),
        raised_at=timezone.now(),
        reason="Pain 8/10",
    )
    client.force_login(alice)

    html = client.get(f"/clients/{bob.pk}/").content.decode()
    assert "Pain 8/10" in html and f'action="/attention/alerts/{alert.pk}/handle/"' in html

    answer = client.post(f"/attention/alerts/{alert.pk}/handle/", {"next": f"/clients/{bob.pk}/#overview"})

    assert answer.url == f"/clients/{bob.pk}/#overview"
    assert "Pain 8/10" not in client.get(f"/clients/{bob.pk}/").content.decode()


def test_questionnaire_answers_land_in_outcomes_beside_the_resting_baseline(client, alice, bob):
    program = assign(bob, start=timezone.localdate())
    schedule = QuestionnaireSchedule.objects.create(
        assignment=program, questionnaire="psfs", every_days=14, starts_on=timezone.localdate()
    )
    questionnaires.response_submit(
        client=bob, schedule=schedule, answers={"activities": [{"activity": "Gardening", "rating": 4}]}
    )
    client.force_login(alice)

    html = client.get(f"/clients/{bob.pk}/").content.decode()
    outcomes = html[html.index('id="outcomes"') : html.index('id="programs"')]

    assert "Patient-Specific Functional Scale" in outcomes
    assert "Schedule and see answers" in outcomes
    # One PSFS so far: its value is written by its dot, and the chart says a line comes next.
    assert 'aria-hidden="true">4/10</text>' in outcomes
    assert "One measure so far" in outcomes
