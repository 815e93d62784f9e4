"""Only a consultation that took place measured anything: its pain and ODI are outcomes and
baselines, and they are recorded once it has begun. A consultation holding a clinical record, or
one the client was written to about, is kept."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from clients.admin import ConsultationAdmin
from clients.models import Completion, Consultation, Reminder
from clients.reminders import delivery
from tests.clients.test_consultation_changes import BOOKED, STARTS, book
from tests.conftest import api_as
from tests.factories import assign, deliver_queued

pytestmark = pytest.mark.django_db

ODI = {f"odi_{n}": "2" for n in range(1, 11)}


def record(client, consultation, *, at: datetime, **fields):
    with time_machine.travel(at, tick=False):
        return client.post(f"/consultations/{consultation.pk}/", {"status": consultation.status, **fields})


def typed_ahead(bob, *, starts: datetime, status: str, pain: int = 6) -> Consultation:
    """Pain and ODI typed into a consultation before it took place, as the record form allowed."""
    return Consultation.objects.create(
        client=bob, scheduled_at=starts, status=status, pain=pain, odi_percent=40, odi_answers=[2] * 10
    )


# --- outcomes and baselines -----------------------------------------------------------


def test_a_cancelled_or_future_consultation_is_no_outcome_on_the_client_page(client, alice, bob):
    now = timezone.now()
    Consultation.objects.create(client=bob, scheduled_at=now - timedelta(days=20), pain=3, odi_percent=20)
    typed_ahead(bob, starts=now - timedelta(days=2), status=Consultation.CANCELLED)
    typed_ahead(bob, starts=now + timedelta(days=3), status=Consultation.SCHEDULED)
    client.force_login(alice)

    response = client.get(f"/clients/{bob.pk}/")

    outcomes = response.context["outcomes"]
    assert [(o.measure, o.value) for o in outcomes] == [("odi", 20), ("pain", 3)]
    assert not any(o.important for o in outcomes)
    assert [p.value for p in response.context["points"]] == [3]
    html = response.content.decode()
    table = html[html.index('id="outcomes-heading"') : html.index('id="consultations-heading"')]
    assert "6/10" not in table and "MCID worse" not in table


def test_a_consultation_held_without_changing_its_status_is_an_outcome(client, alice, bob):
    Consultation.objects.create(client=bob, scheduled_at=timezone.now() - timedelta(days=1), pain=5)
    Consultation.objects.create(
        client=bob,
        scheduled_at=timezone.now() - timedelta(days=8),
        status=Consultation.NO_SHOW,
        pain=9,
    )
    client.force_login(alice)

    outcomes = client.get(f"/clients/{bob.pk}/").context["outcomes"]

    assert [(o.measure, o.value, o.source) for o in outcomes] == [("pain", 5, "consultation")]


NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_the_pain_alert_baseline_is_the_last_consultation_that_took_place(bob):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
        assignment = assign(bob, start=NOON.date() - timedelta(days=2))
    Consultation.objects.create(client=bob, scheduled_at=NOON - timedelta(days=14), pain=2)
    typed_ahead(bob, starts=NOON - timedelta(days=1), status=Consultation.CANCELLED)
    typed_ahead(bob, starts=NOON + timedelta(days=2), status=Consultation.SCHEDULED)
    item = assignment.program.items.first()
    with time_machine.travel(NOON, tick=False):
        Completion.objects.create(assignment=assignment, assignment_exercise=item, date=NOON.date(), pain=5)

    later = NOON + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        for reminder_id in delivery.sweep(now=later):
            delivery.deliver(reminder_id, now=later)

    assert Reminder.objects.get(kind=Reminder.PAIN_ALERT).status == Reminder.SENT
    (alert,) = [m for m in mail.outbox if "pain" in m.subject.lower()]
    assert "baseline at the last consultation: 2/10" in alert.body


# --- measures are taken at the consultation -----------------------------------------------


def test_pain_recorded_before_the_consultation_begins_is_refused_and_nothing_is_saved(client, alice, bob):
    consultation = book(client, alice, bob)

    response = record(client, consultation, at=BOOKED, subjective="Plan: lumbar review", pain=6)

    assert response.status_code == 400
    assert response.context["form"].errors["pain"] == [
        "Pain is measured at the consultation: record it once the consultation has begun "
        "(notes can be written ahead)."
    ]
    consultation.refresh_from_db()
    assert (consultation.pain, consultation.subjective) == (None, "")


def test_an_oswestry_filled_in_before_the_consultation_begins_is_refused_by_name(client, alice, bob):
    consultation = book(client, alice, bob)

    response = record(client, consultation, at=BOOKED, **ODI)

    assert response.status_code == 400
    assert "The Oswestry Disability Index (ODI) is measured at the consultation" in response.content.decode()
    consultation.refresh_from_db()
    assert (consultation.odi_percent, consultation.odi_answers) == (None, [])


def test_notes_are_written_ahead_and_pain_once_the_call_opens(client, alice, bob):
    consultation = book(client, alice, bob)

    ahead = record(client, consultation, at=BOOKED, subjective="Ask about sleep")
    at_the_call = record(
        client, consultation, at=STARTS - timedelta(minutes=3), subjective="Sleeps badly", pain=6, **ODI
    )

    assert (ahead.status_code, at_the_call.status_code) == (302, 302)
    consultation.refresh_from_db()
    assert (consultation.subjective, consultation.pain, consultation.odi_percent) == ("Sleeps badly", 6, 40)


def test_the_api_refuses_pain_and_odi_on_a_consultation_that_has_not_begun(alice, bob):
    api = api_as(alice)
    with time_machine.travel(BOOKED, tick=False):
        booked = api.post(
            "/api/v1/consultations/",
            {"client": bob.pk, "scheduled_at": STARTS.isoformat(), "pain": 6},
            format="json",
        )
        created = api.post(
            "/api/v1/consultations/", {"client": bob.pk, "scheduled_at": STARTS.isoformat()}, format="json"
        ).json()
        url = f"/api/v1/consultations/{created['id']}/"
        odi = api.patch(url, {"odi_percent": 40, "subjective": "Stiff"}, format="json")
        notes = api.patch(url, {"subjective": "Stiff"}, format="json")

    assert (booked.status_code, booked.json()["field"]) == (400, "pain")
    assert "record it once the consultation has begun" in booked.json()["message"]
    assert (odi.status_code, odi.json()["field"]) == (400, "odi_percent")
    assert notes.status_code == 200
    consultation = Consultation.objects.get()  # the refused booking wrote nothing, emailed no one
    assert (consultation.odi_percent, consultation.subjective) == (None, "Stiff")
    assert Reminder.objects.filter(kind=Reminder.CONSULTATION_INVITE).count() == 1


def test_a_consultation_with_pain_recorded_is_not_moved(alice, bob):
    api = api_as(alice)
    with time_machine.travel(BOOKED, tick=False):
        created = api.post(
            "/api/v1/consultations/", {"client": bob.pk, "scheduled_at": BOOKED.isoformat()}, format="json"
        ).json()
        url = f"/api/v1/consultations/{created['id']}/"
        api.patch(url, {"pain": 6}, format="json")
        moved = api.patch(url, {"scheduled_at": STARTS.isoformat()}, format="json")

    assert (moved.status_code, moved.json()["field"]) == (400, "scheduled_at")
    assert "Schedule a new consultation instead" in moved.json()["message"]
    assert Consultation.objects.get().scheduled_at == BOOKED


# --- held or missed once it has begun ---------------------------------------------------------


@pytest.mark.parametrize("status", [Consultation.COMPLETED, Consultation.NO_SHOW])
def test_a_consultation_tomorrow_cannot_be_marked_held_or_missed_on_its_record_page(
    client, alice, bob, status
):
    consultation = book(client, alice, bob)

    response = record(client, consultation, at=STARTS - timedelta(days=1), status=status, plan="Walk")

    assert response.status_code == 400
    label = dict(Consultation.STATUSES)[status]
    assert response.context["form"].errors == {
        "status": [
            f"This consultation has not begun: it can be marked {label} once it has "
            "(or cancelled at any time)."
        ]
    }
    consultation.refresh_from_db()
    assert (consultation.status, consultation.plan) == (Consultation.SCHEDULED, "")


@pytest.mark.parametrize("status", [Consultation.COMPLETED, Consultation.NO_SHOW])
def test_the_api_refuses_marking_a_consultation_held_or_missed_before_it_begins(alice, bob, status):
    api = api_as(alice)
    with time_machine.travel(BOOKED, tick=False):
        created = api.post(
            "/api/v1/consultations/", {"client": bob.pk, "scheduled_at": STARTS.isoformat()}, format="json"
        ).json()
        marked = api.patch(f"/api/v1/consultations/{created['id']}/", {"status": status}, format="json")
        moved = api.patch(
            f"/api/v1/consultations/{created['id']}/",
            {"scheduled_at": (STARTS + timedelta(days=1)).isoformat()},
            format="json",
        )

    assert (marked.status_code, marked.json()["field"]) == (400, "status")
    assert "has not begun" in marked.json()["message"]
    assert moved.status_code == 200  # still scheduled, so it can be moved
    assert Consultation.objects.get().status == Consultation.SCHEDULED


def test_a_consultation_is_marked_completed_once_the_call_opens_and_no_show_after_it(client, alice, bob):
    completed = book(client, alice, bob)
    missed = Consultation.objects.create(
        client=bob, practitioner=alice, scheduled_at=STARTS, video_url="https://meet.example/y"
    )

    opened = record(client, completed, at=STARTS - timedelta(minutes=3), status=Consultation.COMPLETED)
    with time_machine.travel(STARTS + timedelta(minutes=20), tick=False):
        no_show = api_as(alice).patch(
            f"/api/v1/consultations/{missed.pk}/", {"status": Consultation.NO_SHOW}, format="json"
        )

    assert (opened.status_code, no_show.status_code) == (302, 200)
    completed.refresh_from_db()
    missed.refresh_from_db()
    assert (completed.status, missed.status) == (Consultation.COMPLETED, Consultation.NO_SHOW)


def test_a_consultation_tomorrow_can_still_be_cancelled(client, alice, bob):
    consultation = book(client, alice, bob)

    response = record(client, consultation, at=STARTS - timedelta(days=1), status=Consultation.CANCELLED)

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Consultation.CANCELLED


def test_notes_on_a_future_consultation_marked_ahead_before_this_rule_are_still_saved(client, alice, bob):
    consultation = book(client, alice, bob)
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.COMPLETED)
    consultation.refresh_from_db()

    response = record(client, consultation, at=BOOKED, plan="Walk daily")

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.status, consultation.plan) == (Consultation.COMPLETED, "Walk daily")


# --- deleting ------------------------------------------------------------------------------


def test_deleting_a_cancelled_consultation_with_a_clinical_record_is_refused(alice, bob):
    consultation = Consultation.objects.create(
        client=bob,
        scheduled_at=timezone.now() - timedelta(days=3),
        status=Consultation.CANCELLED,
        plan="Refer for imaging",
        pain=6,
        odi_answers=[2] * 10,
        odi_percent=40,
    )

    response = api_as(alice).delete(f"/api/v1/consultations/{consultation.pk}/")

    assert response.status_code == 409
    assert response.json()["message"] == (
        "This consultation holds clinical notes or measures (plan, pain, odi_percent, odi_answers), "
        "and a clinical record is never deleted."
    )
    assert "existing_id" not in response.json()  # it clashes with no other stored object
    assert Consultation.objects.filter(pk=consultation.pk, plan="Refer for imaging").exists()


def test_a_cancelled_consultation_the_client_was_told_of_keeps_its_email_history(client, alice, bob):
    consultation = book(client, alice, bob)
    record(client, consultation, at=BOOKED, status=Consultation.CANCELLED)
    deliver_queued(now=BOOKED)
    history = set(Reminder.objects.filter(consultation=consultation).values_list("pk", "kind", "status"))

    with time_machine.travel(BOOKED, tick=False):
        response = api_as(alice).delete(f"/api/v1/consultations/{consultation.pk}/")

    assert response.status_code == 409
    assert "their reminders page keeps every email" in response.json()["message"]
    assert {kind for _, kind, _ in history} == {Reminder.CONSULTATION_INVITE, Reminder.CONSULTATION_CANCELLED}
    assert (
        set(Reminder.objects.filter(consultation=consultation).values_list("pk", "kind", "status")) == history
    )


def test_an_empty_consultation_nobody_was_told_of_is_deleted(alice, bob):
    consultation = Consultation.objects.create(
        client=bob, scheduled_at=timezone.now() - timedelta(days=3), status=Consultation.CANCELLED
    )

    response = api_as(alice).delete(f"/api/v1/consultations/{consultation.pk}/")

    assert response.status_code == 204
    assert not Consultation.objects.filter(pk=consultation.pk).exists()


def test_the_admin_keeps_a_consultation_with_notes_and_deletes_an_empty_one(bob, django_user_model):
    request = RequestFactory().get("/admin/clients/consultation/")
    request.user = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    consultation_admin = ConsultationAdmin(Consultation, site)
    past = timezone.now() - timedelta(days=3)
    noted = Consultation.objects.create(client=bob, scheduled_at=past, subjective="Worse after lifting")
    empty = Consultation.objects.create(client=bob, scheduled_at=past, status=Consultation.CANCELLED)

    assert not consultation_admin.has_delete_permission(request, noted)
    assert consultation_admin.has_delete_permission(request, empty)


def test_the_admin_shows_a_consultation_but_cannot_book_or_change_it_behind_the_clients_back(
    bob, django_user_model, client
):
    client.force_login(django_user_model.objects.create_superuser(email="root@example.com", password="x"))
    upcoming = timezone.now() + timedelta(days=3)
    consultation = Consultation.objects.create(client=bob, scheduled_at=upcoming)
    path = f"/admin/clients/consultation/{consultation.pk}/change/"

    page = client.get(path)
    changed = client.post(path, {"status": Consultation.COMPLETED, "pain": 2})

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert changed.status_code == 403
    consultation.refresh_from_db()
    assert (consultation.status, consultation.pain) == (Consultation.SCHEDULED, None)
    assert client.get("/admin/clients/consultation/add/").status_code == 403
