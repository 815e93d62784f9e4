"""A client who chose Spanish gets every email meant for them in Spanish."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from clients.accounts.invitations import invitation_send
from clients.models import Completion, Consultation, Reminder
from clients.reminders import delivery
from programs.models import Program
from tests.factories import ClientFactory, TemplateFactory, assign

pytestmark = pytest.mark.django_db

WEDNESDAY_EVENING = datetime(2026, 11, 25, 18, 1, tzinfo=UTC)  # just after 18:00 in London


@pytest.fixture
def bob_in_spanish(bob):
    bob.language = "es"
    bob.save()
    return bob


def send_invite(consultation, now):
    for reminder_id in delivery.consultation_change_request(
        consultation=consultation, kind=Reminder.CONSULTATION_INVITE, now=now
    ):
        delivery.deliver(reminder_id, now=now)


def only_message():
    (message,) = mail.outbox
    return message, message.alternatives[0][0]


def test_the_daily_reminder_is_in_spanish_with_the_exercises_in_spanish(bob_in_spanish):
    call_command("seed_library", stdout=io.StringIO())
    template = Program.objects.templates().get(slug="back-pain-movement-as-medicine")
    with time_machine.travel(WEDNESDAY_EVENING - timedelta(hours=8), tick=False):
        assign(bob_in_spanish, start=date(2026, 11, 25), template=template)

    for reminder_id in delivery.sweep(now=WEDNESDAY_EVENING):
        delivery.deliver(reminder_id, now=WEDNESDAY_EVENING)

    message, html = only_message()
    assert message.subject == "Sus ejercicios de hoy, de Alice's Clinic"
    assert "Este es su plan de ejercicios para el miércoles 25 de noviembre" in message.body
    assert "- Sentadilla profunda: 3 series de 5 · mantener 10 s" in message.body
    assert "Desactivar los recordatorios de ejercicios:" in message.body
    assert '<html lang="es">' in html
    assert "<strong>Sentadilla profunda</strong>" in html


def test_the_spanish_reminder_says_how_many_are_done_and_lists_what_is_left(bob_in_spanish):
    with time_machine.travel(WEDNESDAY_EVENING - timedelta(hours=8), tick=False):
        assignment = assign(bob_in_spanish, start=date(2026, 11, 25), template=TemplateFactory(exercises=3))
    done = assignment.program.items.order_by("position").first()
    Completion.objects.create(assignment=assignment, assignment_exercise=done, date=date(2026, 11, 25))

    for reminder_id in delivery.sweep(now=WEDNESDAY_EVENING):
        delivery.deliver(reminder_id, now=WEDNESDAY_EVENING)

    message, html = only_message()
    said = "Ya ha marcado 1 de 3 para el miércoles 25 de noviembre. Esto es lo que le queda:"
    assert said in message.body
    assert "Ya ha marcado 1 de 3 para el <strong>miércoles 25 de noviembre</strong>" in html


def test_the_consultation_reminder_and_invitation_are_in_spanish(bob_in_spanish):
    starts = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    with time_machine.travel(starts - timedelta(days=6), tick=False):
        consultation = Consultation.objects.create(
            client=bob_in_spanish, scheduled_at=starts, video_url="https://meet.example/rehabit-abc"
        )
    send_invite(consultation, starts - timedelta(days=6))
    now = starts - timedelta(hours=24)
    for reminder_id in delivery.sweep(now=now):
        delivery.deliver(reminder_id, now=now)

    invite, reminder = mail.outbox
    assert invite.subject == "Su consulta por vídeo con Alice's Clinic el 26 de noviembre"
    assert "es el jueves 26 de noviembre de 2026 a las 15:00 (Europe/London)" in invite.body
    assert reminder.subject == "Su consulta con Alice's Clinic es mañana a las 15:00"
    assert (
        "Le recordamos que su consulta con Alice's Clinic es mañana, jueves 26 de noviembre" in reminder.body
    )


def test_the_invitation_to_rehabit_is_in_spanish(alice_practice, django_capture_on_commit_callbacks):
    newcomer = ClientFactory(practice=alice_practice, email="nora@example.com", user=None, language="es")

    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(client=newcomer)

    message, html = only_message()
    assert message.subject == "Alice's Clinic le invita a Rehabit"
    assert "Elija una contraseña" in message.body
    assert "Aceptar la invitación" in html


def test_an_english_speaking_client_still_gets_english(bob):
    starts = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    consultation = Consultation.objects.create(
        client=bob, scheduled_at=starts, video_url="https://meet.example/x"
    )

    send_invite(consultation, starts - timedelta(days=6))

    message, html = only_message()
    assert message.subject == "Your video consultation with Alice's Clinic on 26 November"
    assert '<html lang="en">' in html


def test_the_invitation_page_is_in_spanish_and_so_is_a_weak_password_refusal(
    client, alice_practice, django_capture_on_commit_callbacks
):
    newcomer = ClientFactory(practice=alice_practice, email="nora@example.com", user=None, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(client=newcomer)
    path = "/invite/" + mail.outbox[-1].body.split("/invite/", 1)[1].split("/", 1)[0] + "/"

    page = client.get(path).content.decode()
    refused = client.post(path, {"password": "123"}).content.decode()

    assert '<html lang="es">' in page and "Elija una contraseña para" in page
    assert "La contraseña es demasiado corta" in refused  # Django's own validators, in Spanish


def test_the_unsubscribe_page_of_a_spanish_email_is_in_spanish(client, bob_in_spanish):
    from clients.reminders.channels import unsubscribe_url

    path = unsubscribe_url(bob_in_spanish).split("://", 1)[1].split("/", 1)[1]

    page = client.get("/" + path).content.decode()
    done = client.post("/" + path).content.decode()

    assert "¿Desactivar los recordatorios?" in page
    assert "Puede volver a activar los recordatorios en la aplicación, en Ajustes." in done
    assert '<a href="/app/#settings">Abrir los ajustes en la aplicación</a>' in done
