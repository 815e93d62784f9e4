"""Handouts delivered fast and to the right people: cache, downloads, email, batches, commands."""

import io
from dataclasses import replace
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import programs.handouts
from clients import tasks
from clients.assignments import handouts
from clients.assignments.handouts import assignment_handout, handout_batch_run, handout_for
from clients.models import Assignment, HandoutBatch, Reminder
from clients.reminders import channels, delivery
from programs.handouts import Branding, HandoutOptions, handout_key
from tests.conftest import api_as, wait_for
from tests.factories import assign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def handout_cache(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def renders(monkeypatch):
    """Every PDF actually rendered (not served from the cache)."""
    calls = []
    real = programs.handouts.write_pdf

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(programs.handouts, "write_pdf", counting)
    return calls


# --- the cache -------------------------------------------------------------------------------


def test_a_cached_download_never_renders_again(bob, bob_assignment, renders, client, alice):
    first, _ = assignment_handout(bob_assignment)
    client.force_login(alice)

    from_web = client.get(f"/assignments/{bob_assignment.pk}/handout.pdf").getvalue()
    from_api = api_as(bob.user).get(f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf").getvalue()

    assert len(renders) == 1
    assert first == from_web == from_api


def test_each_option_is_cached_on_its_own(bob_assignment, renders):
    for options in [HandoutOptions(), HandoutOptions(page_size="letter"), HandoutOptions(large_print=True)]:
        assignment_handout(bob_assignment, options=options)
        assignment_handout(bob_assignment, options=options)

    assert len(renders) == 3


def _note(assignment):
    item = assignment.program.items.first()
    item.note = "Go gently this week."
    item.save()


def _dosage(assignment):
    assignment.program.items.filter(pk=assignment.program.items.first().pk).update(sets=5)


def _steps(assignment):
    exercise = assignment.program.items.first().exercise
    exercise.steps = [*exercise.steps, "Rest a minute."]
    exercise.save()


def _branding(assignment):
    practice = assignment.client.practice
    practice.accent_color = "#123456"
    practice.save()


def _practice_name(assignment):
    practice = assignment.client.practice
    practice.name = "Alice's New Clinic"
    practice.save()


def _language(assignment):
    assignment.client.language = "es"
    assignment.client.save()


def _schedule(assignment):
    Assignment.objects.filter(pk=assignment.pk).update(days_of_week=[0, 3])


def _ended_early(assignment):
    Assignment.objects.filter(pk=assignment.pk).update(ended_on=assignment.start_date)


@pytest.mark.parametrize(
    "change", [_note, _dosage, _steps, _branding, _practice_name, _language, _schedule, _ended_early]
)
def test_any_change_to_what_goes_into_the_handout_gives_a_new_hash(bob_assignment, change):
    before = handout_key(handout_for(bob_assignment), options=HandoutOptions())

    change(bob_assignment)

    after = handout_key(handout_for(Assignment.objects.get(pk=bob_assignment.pk)), options=HandoutOptions())
    assert after != before


def test_options_a_new_template_or_a_changed_picture_give_a_new_hash(bob_assignment, monkeypatch):
    handout = handout_for(bob_assignment)
    keys = {
        handout_key(handout, options=options)
        for options in [
            HandoutOptions(),
            HandoutOptions(page_size="letter"),
            HandoutOptions(large_print=True),
            HandoutOptions(language="es"),
        ]
    }
    monkeypatch.setattr(programs.handouts, "_template_digest", lambda: "edited template")
    keys.add(handout_key(handout, options=HandoutOptions()))
    monkeypatch.undo()
    # An upload is never changed in place: a new logo or photo is stored under a new name.
    for logo in ("/media/logos/logo.png", "/media/logos/logo_x7Yq2.png"):
        with_logo = replace(handout, branding=Branding(name="Clinic", logo_url=logo))
        keys.add(handout_key(with_logo, options=HandoutOptions()))

    assert len(keys) == 7


def test_a_changed_handout_is_rendered_afresh(bob_assignment, renders):
    assignment_handout(bob_assignment)
    _note(bob_assignment)

    assignment_handout(Assignment.objects.get(pk=bob_assignment.pk))

    assert len(renders) == 2
    assert "Go gently this week." in renders[-1]


# --- downloads ---------------------------------------------------------------------------------


def test_the_practitioner_downloads_a_named_large_print_letter_pdf(client, alice, bob_assignment):
    client.force_login(alice)

    response = client.get(f"/assignments/{bob_assignment.pk}/handout.pdf?size=letter&large=1&lang=es")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-bob-client.pdf"')
    assert response["Cache-Control"] == "private, no-store"


def test_a_bad_option_is_a_400_naming_it(client, alice, bob, bob_assignment):
    client.force_login(alice)

    assert client.get(f"/assignments/{bob_assignment.pk}/handout.pdf?size=A3").status_code == 400
    response = api_as(bob.user).get(f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf?lang=xx")
    assert response.status_code == 400
    assert response.json()["field"] == "lang"
    response = api_as(bob.user).get(f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf?large=maybe")
    assert (response.status_code, response.json()["field"]) == (400, "large")


def test_the_client_api_download_honours_the_options(bob, bob_assignment, renders):
    response = api_as(bob.user).get(f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf?lang=es&large=1")

    assert response.status_code == 200
    assert '<html lang="es">' in renders[0]
    assert "font-size: 16pt" in renders[0]


# --- email ------------------------------------------------------------------------------------


def send_handouts(now=None) -> list[str | None]:
    """What the worker does with the queued sends."""
    return [
        delivery.deliver(pk, now=now)
        for pk in Reminder.objects.filter(kind=Reminder.HANDOUT).values_list("pk", flat=True)
    ]


def test_emailing_the_handout_is_queued_after_commit_and_attaches_the_pdf(
    client, alice, bob, bob_assignment, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.send_reminders, "delay", queued.append)
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/assignments/{bob_assignment.pk}/handout/email/")
    assert response.status_code == 302
    assert queued == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert queued == [[Reminder.objects.get(kind=Reminder.HANDOUT).pk]]

    assert send_handouts() == [Reminder.SENT]

    (message,) = mail.outbox
    assert message.to == [bob.email]
    (filename, content, mimetype) = message.attachments[0]
    assert filename.endswith("-bob-client.pdf")
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_a_refused_handout_email_is_retried_by_the_sweep_and_sent(bob, bob_assignment, monkeypatch):
    now = timezone.now()
    delivery.handout_email_request(assignment=bob_assignment, now=now)
    real_send = channels.EMAIL.send

    def refuse(notice, connection=None):
        raise SMTPException("451 try again later")

    monkeypatch.setattr(channels.EMAIL, "send", refuse)
    assert send_handouts(now) == [Reminder.PENDING]
    monkeypatch.setattr(channels.EMAIL, "send", real_send)

    assert delivery.sweep(now=now + timedelta(minutes=1)) == []  # not before its backoff
    (again,) = delivery.sweep(now=now + timedelta(minutes=3))
    assert delivery.deliver(again, now=now + timedelta(minutes=3)) == Reminder.SENT
    assert [message.to for message in mail.outbox] == [[bob.email]]


def test_emailing_the_same_handout_again_that_day_sends_it_again(bob, bob_assignment):
    delivery.handout_email_request(assignment=bob_assignment)
    send_handouts()

    delivery.handout_email_request(assignment=bob_assignment)
    send_handouts()

    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(kind=Reminder.HANDOUT).count() == 1  # one row, its history on it


def test_a_spanish_speaking_client_gets_the_email_in_spanish(bob, bob_assignment):
    bob.language = "es"
    bob.save()

    delivery.handout_email_request(assignment=bob_assignment)
    send_handouts()

    (message,) = mail.outbox
    assert message.body.startswith("Hola Bob Client,")
    assert message.subject.startswith("Su hoja de ejercicios")


def test_another_practice_cannot_email_or_download_the_handout(client, charlie, bob_assignment):
    client.force_login(charlie)

    assert client.post(f"/assignments/{bob_assignment.pk}/handout/email/").status_code == 404
    assert client.get(f"/assignments/{bob_assignment.pk}/handout.pdf").status_code == 404
    assert mail.outbox == []


def test_email_needs_a_post(client, alice, bob_assignment):
    client.force_login(alice)

    assert client.get(f"/assignments/{bob_assignment.pk}/handout/email/").status_code == 405


# --- many at once --------------------------------------------------------------------------------


def test_a_batch_renders_every_active_handout_of_the_practice_and_counts(
    client,
    alice,
    bob_assignment,
    dana_assignment,
    erin_assignment,
    django_capture_on_commit_callbacks,
    renders,
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/handouts/batches/")
    batch = HandoutBatch.objects.get()
    assert response.url == f"/handouts/batches/{batch.pk}/"
    assert (batch.total, batch.status) == (2, HandoutBatch.PENDING)

    seen = []
    assert handout_batch_run(batch.pk, progress=lambda b: seen.append((b.done, b.total)))

    batch.refresh_from_db()
    assert (batch.done, batch.failed, batch.status) == (2, 0, HandoutBatch.DONE)
    assert seen == [(1, 2), (2, 2)]
    assert len(renders) == 2
    assignment_handout(dana_assignment)
    assert len(renders) == 2  # already in the cache
    page = client.get(f"/handouts/batches/{batch.pk}/").content.decode()
    assert "2 of 2" in page
    assert "Handouts ready" in page


def test_a_batch_claimed_once_is_not_run_twice(alice_practice, bob_assignment, renders):
    batch = HandoutBatch.objects.create(practice=alice_practice, assignment_ids=[bob_assignment.pk], total=1)

    assert handout_batch_run(batch.pk)
    assert not handout_batch_run(batch.pk)
    assert len(renders) == 1


def test_one_broken_handout_does_not_stop_the_batch(
    alice_practice, bob_assignment, dana_assignment, monkeypatch
):
    real = handouts.handout_for

    def broken_for_bob(assignment):
        if assignment == bob_assignment:
            raise RuntimeError("a picture that cannot be decoded")
        return real(assignment)

    monkeypatch.setattr(handouts, "handout_for", broken_for_bob)
    ids = [bob_assignment.pk, dana_assignment.pk]
    batch = HandoutBatch.objects.create(practice=alice_practice, assignment_ids=ids, total=2)

    handout_batch_run(batch.pk)

    batch.refresh_from_db()
    assert (batch.done, batch.failed, batch.status) == (1, 1, HandoutBatch.DONE)


def test_a_batch_never_renders_another_practices_assignment(alice_practice, erin_assignment, renders):
    batch = HandoutBatch.objects.create(practice=alice_practice, assignment_ids=[erin_assignment.pk], total=1)

    handout_batch_run(batch.pk)

    assert renders == []
    batch.refresh_from_db()
    assert batch.failed == 1


def test_another_practices_batch_page_is_404(client, charlie, alice_practice):
    batch = HandoutBatch.objects.create(practice=alice_practice, total=0)
    client.force_login(charlie)

    assert client.get(f"/handouts/batches/{batch.pk}/").status_code == 404
    assert f"/handouts/batches/{batch.pk}/" not in client.get("/handouts/batches/").content.decode()


def test_a_batch_in_progress_shows_its_count_and_refreshes(client, alice, alice_practice):
    batch = HandoutBatch.objects.create(practice=alice_practice, total=4, done=1, status=HandoutBatch.RUNNING)
    client.force_login(alice)

    page = client.get(f"/handouts/batches/{batch.pk}/").content.decode()

    assert "1 of 4" in page
    assert 'hx-trigger="every 2s"' in page


# --- commands ----------------------------------------------------------------------------------


def test_render_handout_writes_the_pdf_to_a_file(bob_assignment, tmp_path):
    out = tmp_path / "handout.pdf"

    call_command(
        "render_handout", str(bob_assignment.pk), "-o", str(out), "--lang", "es", stdout=io.StringIO()
    )

    assert out.read_bytes().startswith(b"%PDF")


def test_render_handouts_shows_progress_and_fills_the_cache(bob_assignment, dana_assignment, renders):
    output = io.StringIO()

    call_command("render_handouts", stdout=output)

    assert "2/2" in output.getvalue()
    assert "2 rendered, 0 failed" in output.getvalue()
    assignment_handout(bob_assignment)
    assert len(renders) == 2


# --- on a real worker --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_batch_and_emails_the_handout(celery_worker, smtp_inbox, alice, bob):
    assignment = assign(bob, start=bob.created_at.date())
    batch = handouts.handout_batch_create(
        practice=bob.practice, by=alice, assignments=Assignment.objects.filter(pk=assignment.pk)
    )
    delivery.handout_email_request(assignment=assignment)

    assert wait_for(lambda: HandoutBatch.objects.get(pk=batch.pk).status == HandoutBatch.DONE, timeout=60), (
        "".join(celery_worker[-30:])
    )
    assert HandoutBatch.objects.get(pk=batch.pk).done == 1
    assert wait_for(lambda: smtp_inbox.messages, timeout=60), "".join(celery_worker[-30:])
    assert b"application/pdf" in smtp_inbox.messages[0].content


def test_a_retranslated_catalogue_gives_a_new_hash(bob_assignment, settings, tmp_path):
    settings.LOCALE_PATHS = [tmp_path]
    catalogue = tmp_path / "es" / "LC_MESSAGES" / "django.mo"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_bytes(b"first")
    handout, spanish = handout_for(bob_assignment), HandoutOptions(language="es")
    before = handout_key(handout, options=spanish)

    catalogue.write_bytes(b"second, retranslated")

    assert handout_key(handout, options=spanish) != before
