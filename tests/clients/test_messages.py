"""Secure messages: one thread per client with the practice, read marks and unread counts on each
side, an email that says only that a message waits, and plain text of 2,000 characters at most."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.messages import thread
from clients.models import AuditEvent, Message, Reminder
from tests.conftest import api_as
from tests.factories import ClientFactory, deliver_queued

pytestmark = pytest.mark.django_db

SECRET = "My knee clicks when I climb the stairs"


def test_a_client_writes_and_the_practice_reads_it_in_the_workspace(client, alice, bob):
    answer = api_as(bob.user).post("/api/v1/me/messages/", {"body": SECRET}, format="json")

    assert answer.status_code == 201
    assert answer.json()["from_client"] is True
    client.force_login(alice)
    assert api_as(alice).get(f"/api/v1/clients/{bob.pk}/messages/").json()["unread"] == 1
    page = client.get(f"/clients/{bob.pk}/messages/").content.decode()
    assert SECRET in page
    assert api_as(alice).get(f"/api/v1/clients/{bob.pk}/messages/").json()["unread"] == 0
    assert Message.objects.get().read_by == alice


def test_the_practitioner_replies_and_the_client_sees_it_unread_until_marked_read(client, alice, bob):
    client.force_login(alice)
    client.post(f"/clients/{bob.pk}/messages/", {"body": "Take the stairs slowly this week."})

    mine = api_as(bob.user).get("/api/v1/me/messages/").json()
    assert mine["unread"] == 1
    assert mine["results"][0]["author"] == "Alice Physio"
    assert api_as(bob.user).post("/api/v1/me/messages/read/").status_code == 204
    assert api_as(bob.user).get("/api/v1/me/messages/").json()["unread"] == 0


@pytest.fixture
def emails_leave(django_capture_on_commit_callbacks):
    """`with emails_leave():` what is queued after a commit is sent as the block ends, as a worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_email_says_a_message_waits_and_never_what_it_says(client, alice, bob, emails_leave):
    with emails_leave():
        api_as(bob.user).post("/api/v1/me/messages/", {"body": SECRET}, format="json")

    [email] = mail.outbox
    assert email.to == [alice.email]
    assert SECRET not in email.body and SECRET not in email.alternatives[0][0] and SECRET not in email.subject
    assert f"/clients/{bob.pk}/messages/" in email.body
    client.force_login(alice)
    with emails_leave():
        client.post(f"/clients/{bob.pk}/messages/", {"body": SECRET})
    to_bob = mail.outbox[1]
    assert to_bob.to == [bob.email] and SECRET not in to_bob.body and "/app/" in to_bob.body


def test_one_email_a_day_each_way_however_many_messages(bob, alice, emails_leave):
    for n in range(3):
        with emails_leave():
            api_as(bob.user).post("/api/v1/me/messages/", {"body": f"Question {n}"}, format="json")

    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(kind=Reminder.MESSAGE_TO_PRACTICE).count() == 1


def test_a_message_read_before_its_email_leaves_is_not_emailed_and_the_next_one_is(
    alice, bob, django_capture_on_commit_callbacks
):
    thread.message_send(client=bob, author=bob.user, body="First")  # queued, but the worker is slow
    thread.read_by_practice(client=bob, by=alice)
    assert deliver_queued() == [Reminder.SKIPPED]

    with django_capture_on_commit_callbacks(execute=True):
        thread.message_send(client=bob, author=bob.user, body="Second")

    assert Reminder.objects.get().status == Reminder.SENT
    assert len(mail.outbox) == 1


def test_a_message_over_2000_characters_is_refused_naming_the_field_and_nothing_is_stored(client, alice, bob):
    answer = api_as(bob.user).post("/api/v1/me/messages/", {"body": "x" * 2001}, format="json")

    assert answer.status_code == 400
    assert answer.json()["field"] == "body"
    client.force_login(alice)
    page = client.post(f"/clients/{bob.pk}/messages/", {"body": "y" * 2001})
    assert page.status_code == 400
    assert "Keep a message to 2000 characters" in page.content.decode()
    assert (
        api_as(bob.user).post("/api/v1/me/messages/", {"body": "   "}, format="json").json()["field"]
        == "body"
    )
    assert not Message.objects.exists()


def test_a_message_is_plain_text_escaped_never_html(client, alice, bob):
    api_as(bob.user).post(
        "/api/v1/me/messages/", {"body": "<script>alert(1)</script> & <b>bold</b>"}, format="json"
    )
    client.force_login(alice)

    page = client.get(f"/clients/{bob.pk}/messages/").content.decode()

    assert "<script>alert(1)</script>" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_each_client_has_one_thread_and_sees_only_their_own(alice, bob, dana):
    api_as(bob.user).post("/api/v1/me/messages/", {"body": SECRET}, format="json")

    assert api_as(dana.user).get("/api/v1/me/messages/").json()["count"] == 0
    assert api_as(alice).get(f"/api/v1/clients/{dana.pk}/messages/").json()["count"] == 0


def test_another_practices_practitioner_finds_no_thread(client, bob, charlie):
    api_as(bob.user).post("/api/v1/me/messages/", {"body": SECRET}, format="json")

    assert api_as(charlie).get(f"/api/v1/clients/{bob.pk}/messages/").status_code == 404
    assert (
        api_as(charlie).post(f"/api/v1/clients/{bob.pk}/messages/", {"body": "hi"}, format="json").status_code
        == 404
    )
    client.force_login(charlie)
    assert client.get(f"/clients/{bob.pk}/messages/").status_code == 404
    assert Message.objects.count() == 1


def test_sending_and_reading_are_in_the_audit(client, alice, bob):
    api_as(bob.user).post("/api/v1/me/messages/", {"body": SECRET}, format="json")
    client.force_login(alice)
    client.get(f"/clients/{bob.pk}/messages/")

    actions = list(AuditEvent.objects.filter(client=bob).values_list("actor", "action"))
    assert (bob.user.pk, AuditEvent.SEND_MESSAGE) in actions
    assert (alice.pk, AuditEvent.READ_MESSAGES) in actions


def test_the_practices_unread_list_counts_each_clients_waiting_messages_longest_waiting_first(
    alice, alice_practice, bob, dana, erin
):
    thread.message_send(client=dana, author=dana.user, body="First")
    thread.message_send(client=bob, author=bob.user, body="One")
    thread.message_send(client=bob, author=bob.user, body="Two")
    thread.message_send(client=erin, author=erin.user, body="Another practice")
    thread.message_send(client=dana, author=alice, body="A reply is not unread for the practice")

    unread = thread.clients_with_unread_messages(practice=alice_practice)

    assert [(u.client, u.count) for u in unread] == [(dana, 1), (bob, 2)]
    thread.read_by_practice(client=dana, by=alice)
    assert [(u.client, u.count) for u in thread.clients_with_unread_messages(practice=alice_practice)] == [
        (bob, 2)
    ]


def test_the_unread_list_takes_the_same_queries_whatever_the_number_of_clients(
    alice_practice, alice, django_assert_num_queries
):
    for n in range(5):
        someone = ClientFactory(practice=alice_practice, practitioner=alice)
        Message.objects.create(client=someone, author=someone.user, from_client=True, body=f"m{n}")

    with django_assert_num_queries(2):
        assert len(thread.clients_with_unread_messages(practice=alice_practice)) == 5


def test_the_client_pages_messages_section_shows_the_last_messages_and_the_reply_form(rf, alice, bob):
    from django.template.loader import render_to_string

    for n in range(7):
        Message.objects.create(
            client=bob, author=bob.user, from_client=True, body=f"Message {n}", created_at=timezone.now()
        )
    request = rf.get("/")
    request.user = alice

    html = render_to_string("clients/_messages_section.html", {"client": bob}, request=request)

    assert "Message 6" in html and "Message 2" in html and "Message 1" not in html
    assert (
        f'action="/clients/{bob.pk}/messages/"' in html and '7<span class="visually-hidden"> unread' in html
    )


def test_the_clients_export_holds_the_thread_and_erasure_empties_it(alice, bob):
    from clients.privacy import rights

    thread.message_send(client=bob, author=bob.user, body=SECRET)
    thread.message_send(client=bob, author=alice, body="Go gently on the stairs.")

    exported = rights.client_data(bob)["messages"]
    assert [(m["by"], m["body"]) for m in exported] == [
        ("the client", SECRET),
        ("Alice Physio", "Go gently on the stairs."),
    ]
    rights.client_erase(client=bob, by=alice)
    assert list(Message.objects.filter(client=bob).values_list("body", flat=True)) == ["", ""]


def test_a_spanish_speaking_client_is_told_in_spanish(client, alice, bob, emails_leave):
    bob.language = "es"
    bob.save()
    client.force_login(alice)

    with emails_leave():
        client.post(f"/clients/{bob.pk}/messages/", {"body": SECRET})

    assert mail.outbox[0].subject.startswith("Tiene un mensaje de")
    assert "inicie sesión para leerlo" in mail.outbox[0].body


def test_the_thread_takes_the_same_queries_however_many_messages(alice, bob, django_assert_max_num_queries):
    for n in range(3):
        Message.objects.create(client=bob, author=bob.user, from_client=True, body=f"m{n}")
    api = api_as(alice)
    with CaptureQueriesContext(connection) as few:
        api.get(f"/api/v1/clients/{bob.pk}/messages/")
    for n in range(20):
        Message.objects.create(client=bob, author=alice, from_client=False, body=f"r{n}")

    with django_assert_max_num_queries(len(few)):
        assert api.get(f"/api/v1/clients/{bob.pk}/messages/").json()["count"] == 23
