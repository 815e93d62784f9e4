"""A client is told by email when a practitioner assigns a program and when a new version comes out,
with what changed: row first, sent once by the reminders' sweep, in the client's language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clients.assignments import lifecycle, versions
from clients.models import ALL_DAYS, Reminder
from clients.reminders import delivery
from programs.models import ProgramExercise
from tests.factories import ExerciseFactory, TemplateFactory, assign, deliver_queued

pytestmark = pytest.mark.django_db


def assign_as(alice, bob):
    template = TemplateFactory(title="Back basics", exercises=0)
    ProgramExercise.objects.create(program=template, exercise=ExerciseFactory(name="Bridge"), reps=10, sets=2)
    return lifecycle.assignment_create(
        client=bob,
        template=template,
        start_date=timezone.localdate(),
        weeks=4,
        days_of_week=list(ALL_DAYS),
        by=alice,
    )


def publish_a_squat(assignment, alice):
    draft = versions.revision_draft(assignment=assignment)
    ProgramExercise.objects.create(
        program=draft, exercise=ExerciseFactory(name="Deep squat"), position=9, reps=8
    )
    schedule = {**versions.schedule_of(assignment), "weeks": 6}
    return versions.assignment_revise(assignment=assignment, draft=draft, schedule=schedule, by=alice)


def test_a_client_given_a_program_gets_one_email_saying_what_it_holds(alice, bob):
    assignment = assign_as(alice, bob)

    delivery.sweep()
    deliver_queued()
    delivery.sweep(now=timezone.now() + timedelta(minutes=20))  # a later sweep sends nothing again
    deliver_queued()

    [email] = [m for m in mail.outbox if "program" in m.subject]
    assert email.to == ["bob@example.com"]
    assert email.subject == "Your new exercise program: Back basics (Alice's Clinic)"
    assert "runs for 4 weeks" in email.body and "- Bridge: 2 sets of 10" in email.body
    assert "/app/" in email.body
    row = Reminder.objects.get(kind=Reminder.PROGRAM_ASSIGNED)
    assert (row.assignment, row.version.number, row.status) == (assignment, 1, Reminder.SENT)


def test_a_new_version_is_emailed_with_what_changed(alice, bob):
    assignment = assign_as(alice, bob)
    delivery.sweep()
    deliver_queued()
    mail.outbox.clear()

    publish_a_squat(assignment, alice)
    delivery.sweep()
    deliver_queued()

    [email] = mail.outbox
    assert email.subject == "Your exercise program has changed: Back basics (Alice's Clinic)"
    assert "(version 2)" in email.body
    assert "- new: deep squat" in email.body and "- now 6 weeks" in email.body
    assert "- Deep squat: " in email.body
    assert Reminder.objects.filter(kind=Reminder.PROGRAM_UPDATED, status=Reminder.SENT).count() == 1


def test_a_spanish_client_reads_what_changed_in_spanish(alice, bob):
    bob.language = "es"
    bob.save()
    assignment = assign_as(alice, bob)
    publish_a_squat(assignment, alice)

    delivery.sweep()
    deliver_queued()

    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Su nuevo programa de ejercicios: Back basics (Alice's Clinic)",
        "Su programa de ejercicios ha cambiado: Back basics (Alice's Clinic)",
    ]
    changed = next(m for m in mail.outbox if "cambiado" in m.subject)
    assert "nuevo: deep squat" in changed.body and "ahora 6 semanas" in changed.body


def test_a_client_who_turned_emails_off_is_not_told_and_the_row_says_why(alice, bob):
    bob.reminders_enabled = False
    bob.save()
    assign_as(alice, bob)

    delivery.sweep()
    deliver_queued()

    assert mail.outbox == []
    row = Reminder.objects.get(kind=Reminder.PROGRAM_ASSIGNED)
    assert (row.status, row.reason) == (Reminder.SKIPPED, "client turned reminders off")


def test_a_program_nobody_assigned_by_hand_tells_no_one(bob):
    assign(bob, start=timezone.localdate())  # seeded or imported: no practitioner made it

    assert not Reminder.objects.filter(
        kind__in=[Reminder.PROGRAM_ASSIGNED, Reminder.PROGRAM_UPDATED]
    ).exists()
