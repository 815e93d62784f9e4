"""The demo client arrives with three weeks of history, so every chart and list has something to show."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.consultations.questionnaires import due_for, outcome_series
from clients.models import Client, Completion, Consultation, Reminder
from clients.reminders import alerts
from clients.scheduling import local_date
from practice.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    call_command("seed_demo", slug="acme", password="a-long-password")
    return Client.objects.get(email="client@acme.example")


def test_the_demo_client_has_three_weeks_of_check_offs_with_pain_difficulty_and_notes(demo):
    checks = Completion.objects.filter(assignment__client=demo)
    days = set(checks.values_list("date", flat=True))
    today = local_date(demo, timezone.now())

    assert min(days) == today - timedelta(days=21)
    assert (
        not checks.filter(pain__isnull=True).exists() and not checks.filter(difficulty__isnull=True).exists()
    )
    assert checks.exclude(note="").count() >= 3
    assert len(days) < 22  # a missed stretch


def test_the_demo_client_is_half_way_through_today(demo):
    today = local_date(demo, timezone.now())
    items = demo.assignments.get().program.items.count()

    assert Completion.objects.filter(assignment__client=demo, date=today).count() == items // 2


def test_the_demo_practitioner_sees_held_consultations_with_a_baseline_to_compare(client, demo):
    held = Consultation.objects.filter(client=demo, status=Consultation.COMPLETED).order_by("scheduled_at")
    client.force_login(User.objects.get(email="practitioner@acme.example"))

    page = client.get(f"/clients/{demo.pk}/")

    assert [c.place for c in held] == [Consultation.CLINIC, Consultation.VIDEO]
    assert all(c.pain is not None and c.odi_percent is not None for c in held)
    assert any(o.important for o in page.context["outcomes"])
    assert page.context["latest_checkoffs"] and page.context["per_exercise"]
    assert page.context["row"].percent is not None


def test_seeding_the_demo_again_adds_no_history(demo, capsys):
    before = (Completion.objects.count(), Consultation.objects.count())

    call_command("seed_demo", slug="acme", password="a-long-password")

    assert (Completion.objects.count(), Consultation.objects.count()) == before


def test_the_demo_history_sets_off_no_pain_alert(demo):
    assert alerts.pain_alert_rows(timezone.now()) == []
    assert not Reminder.objects.filter(kind=Reminder.PAIN_ALERT).exists()


def test_the_demo_practitioner_finds_a_message_and_an_overdue_questionnaire_waiting(client, demo):
    client.force_login(demo.practitioner)

    page = client.get("/attention/").text

    assert "1 unread message" in page
    assert "1 overdue" in page
    assert "Is it normal that my back" not in page  # who waits, never what they wrote


def test_the_demo_client_answered_a_weekly_pain_rating_so_outcomes_shows_a_series(client, demo):
    answered = list(
        demo.questionnaire_responses.filter(questionnaire="nprs")
        .order_by("due_on")
        .values_list("score", flat=True)
    )
    client.force_login(demo.practitioner)

    assert answered == [6, 5, 3]
    assert len(outcome_series(demo)["nprs"].points) >= 3 + 1  # with the consultations' pain at rest
    assert [d.questionnaire.key for d in due_for(demo)] == ["psfs", "nprs"]  # today's is due, PSFS overdue
    assert "Pain at rest (NPRS)" in client.get(f"/clients/{demo.pk}/").text


def test_seeding_the_demo_again_adds_no_answers(demo):
    before = demo.questionnaire_responses.count()

    call_command("seed_demo", slug="acme", password="a-long-password")

    assert demo.questionnaire_responses.count() == before == 4  # one PSFS, three pain ratings
