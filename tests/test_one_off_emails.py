"""One-off emails (invitations, password links, notices) leave through a worker, never inside the
request: an SMTP outage costs the user nothing, the email is retried until SMTP is back, and
what the broker, monitors and logs show of the task carries ids, never a token or an address.
An invitation's token is not in the broker's message at all: the worker derives it from the row."""

import base64
import email
import email.policy
import json
import re
from smtplib import SMTPServerDisconnected

import pytest
import redis
from celery.signals import before_task_publish
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from kombu.exceptions import OperationalError as KombuOperationalError

from clients import tasks
from clients.accounts import profiles
from clients.accounts.invitations import invitation_accept, invitation_send
from clients.models import Client, Invitation
from clients.privacy import rights
from config.celery import app
from practice import team
from practice.models import PractitionerInvitation
from practice.tasks import email_practitioner_invitation
from tests.conftest import api_as, wait_for
from tests.factories import ClientFactory, MembershipFactory


@pytest.fixture
def newcomer(alice_practice):
    return ClientFactory(practice=alice_practice, name="Nora New", email="nora@example.com", user=None)


def invite_link(body: str) -> str:
    return re.search(r"http://\S+/invite/(\S+)/", body).group(0)


def practitioner_invite_link(body: str) -> str:
    return re.search(r"http://\S+/team/invite/\S+/", body).group(0)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


# --- a real worker, a real SMTP server that goes away and comes back ----------------------------


def plain_text(message) -> str:
    return (
        email.message_from_bytes(message.content, policy=email.policy.default)
        .get_body(("plain",))
        .get_content()
    )


def _body(message: dict) -> str:
    if message["properties"].get("body_encoding") == "base64":
        return base64.b64decode(message["body"]).decode()
    return message["body"]


def broker_copies(task_id: str) -> list[tuple[dict, str]]:
    """The headers and the raw text (as stored, and its body decoded) of every message of this
    task Redis holds: queued, or held by a worker that waits for the retry's time (delivered,
    not yet acknowledged)."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    held = [json.dumps(json.loads(raw)[0]) for raw in client.hvals("unacked")]
    queued = [raw.decode() for raw in client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)]
    messages = [(json.loads(raw), raw) for raw in held + queued]
    return [
        (message["headers"], raw + _body(message))
        for message, raw in messages
        if message["headers"].get("id") == task_id
    ]


@pytest.mark.django_db(transaction=True)
def test_a_client_added_while_smtp_refuses_connections_is_invited_once_it_is_back_and_no_token_is_shown(
    celery_worker, smtp_server, smtp_inbox, client, alice
):
    published = []

    def record(headers=None, **_):
        published.append(headers)

    before_task_publish.connect(record)
    client.force_login(alice)
    log_from = len(celery_worker)
    smtp_server.stop()
    try:
        response = client.post(
            "/clients/new/", {"name": "Gil New", "email": "gil@example.com", "timezone": "Europe/London"}
        )
        assert response.status_code == 302  # the request is answered as ever

        (task_id,) = [h["id"] for h in published if h["task"] == "clients.tasks.email_invitation"]
        retried = wait_for(lambda: [c for c in broker_copies(task_id) if c[0]["retries"] >= 1], every=0.02)
        assert retried, "".join(celery_worker[log_from:])
        assert smtp_inbox.messages == []
    finally:
        before_task_publish.disconnect(record)
        smtp_server.start()

    assert wait_for(lambda: smtp_inbox.messages, timeout=30), "".join(celery_worker[log_from:])
    (message,) = smtp_inbox.messages
    assert message.rcpt_tos == ["gil@example.com"]
    link = invite_link(plain_text(message))
    assert b"Choose a password" in client.get(link.split("8000", 1)[1]).content

    token = token_of(link)
    worker_log = "".join(celery_worker[log_from:])
    assert f"clients.tasks.email_invitation[{task_id}] retry" in worker_log
    invitation = Invitation.objects.get(client__email="gil@example.com")
    shown = [(h["argsrepr"], h["kwargsrepr"]) for h in published + [h for h, _ in retried]]
    assert set(shown) == {("()", repr({"invitation_id": invitation.pk}))}
    assert all(f'"invitation_id": {invitation.pk}' in raw for _, raw in retried)  # the body, decoded
    assert all(token not in raw for _, raw in retried)  # not even in the message's body
    assert token not in repr(shown) and token not in worker_log


# --- what the broker is shown: ids, and secrets redacted -----------------------------------------


@pytest.fixture
def broker_sees(monkeypatch):
    """Tasks are published (not run here) to a stand-in for the broker: each message as sent."""
    sent = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(
        app.amqp, "send_task_message", lambda producer, name, message, **_: sent.append(message)
    )
    return sent


def shown_and_sent(message) -> tuple[str, dict]:
    """What monitors and logs show of the call, and the keyword arguments the worker is given."""
    _, kwargs, _ = message.body
    return message.headers["argsrepr"] + message.headers["kwargsrepr"], kwargs


@pytest.mark.django_db
def test_an_invitation_task_carries_only_the_invitations_id_the_worker_makes_the_link(
    newcomer, broker_sees, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_send(client=newcomer)

    (message,) = broker_sees
    assert shown_and_sent(message) == (
        "()" + repr({"invitation_id": invitation.pk}),
        {"invitation_id": invitation.pk},
    )
    tasks.email_invitation(**message.body[1])  # what the worker does with it
    token = token_of(invite_link(mail.outbox[-1].body))
    assert token not in repr(message.body) + repr(message.headers)
    assert invitation_accept(token=token, password="a-strong-passphrase")  # the real one


@pytest.mark.django_db
def test_a_practitioner_invitation_task_carries_only_the_invitations_id_the_worker_makes_the_link(
    alice, alice_practice, broker_sees, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = team.practitioner_invite(
            practice=alice_practice, email="ivy@example.com", role="practitioner", by=alice
        )

    (message,) = broker_sees
    assert shown_and_sent(message) == (
        "()" + repr({"invitation_id": invitation.pk}),
        {"invitation_id": invitation.pk},
    )
    email_practitioner_invitation(**message.body[1])  # what the worker does with it
    token = token_of(practitioner_invite_link(mail.outbox[-1].body))
    assert token not in repr(message.body) + repr(message.headers)
    assert team.practitioner_invitation_for(token) == invitation


@pytest.mark.django_db
def test_a_sign_in_moved_task_shows_no_address(bob, broker_sees, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profiles.client_update_settings(client=bob, email="bob.new@example.com")

    (message,) = broker_sees
    shown, kwargs = shown_and_sent(message)
    assert shown == "()" + repr({"client_id": bob.pk, "old_email": "<redacted>"})
    assert kwargs["old_email"] == "bob@example.com"


@pytest.mark.django_db
def test_a_password_reset_task_carries_only_the_accounts_id_the_worker_makes_the_link(
    bob, broker_sees, django_capture_on_commit_callbacks
):
    cache.clear()  # the once-every-few-minutes mark of an earlier test's account
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(None).post(
            "/api/v1/auth/password-reset/", {"email": "bob@example.com"}, format="json"
        )

    assert response.status_code == 202
    (message,) = broker_sees
    assert shown_and_sent(message) == ("()" + repr({"user_id": bob.user.pk}), {"user_id": bob.user.pk})
    cache.clear()


@pytest.mark.django_db
def test_a_client_added_while_the_broker_is_down_is_added_and_the_log_shows_no_token(
    client, alice, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app, "send_task", broker_down)
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/clients/new/", {"name": "Gil New", "email": "gil@example.com", "timezone": "Europe/London"}
        )

    assert response.status_code == 302
    assert Invitation.objects.filter(client__email="gil@example.com").exists()
    (warning,) = [r.getMessage() for r in caplog.records if "broker unavailable" in r.getMessage()]
    invitation = Invitation.objects.get()
    assert warning.endswith(f"email_invitation({{'invitation_id': {invitation.pk}}}) was not queued")


# --- retried on SMTP errors, and safe to run again ------------------------------------------------


@pytest.fixture
def smtp_refuses(monkeypatch):
    """SMTP fails the first `times` sends, then accepts; how many sends were tried."""
    real_send = mail.EmailMultiAlternatives.send
    tries = {"refused": 0, "times": 0}

    def send(message, *args, **kwargs):
        if tries["refused"] < tries["times"]:
            tries["refused"] += 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr("practice.mail.EmailMultiAlternatives.send", send)
    return tries


@pytest.mark.django_db
def test_an_email_refused_twice_is_sent_on_the_third_try(
    newcomer, smtp_refuses, django_capture_on_commit_callbacks
):
    smtp_refuses["times"] = 2

    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(client=newcomer)

    assert smtp_refuses["refused"] == 2
    assert [message.to for message in mail.outbox] == [["nora@example.com"]]


@pytest.mark.django_db
def test_an_email_smtp_never_takes_is_given_up_after_a_bounded_number_of_tries(
    newcomer, smtp_refuses, django_capture_on_commit_callbacks
):
    smtp_refuses["times"] = 1000

    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(client=newcomer)  # the request is unaffected: the worker logs the failure

    assert smtp_refuses["refused"] == 1 + tasks.email_invitation.max_retries == 16
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_invitation_replaced_or_used_before_its_email_went_out_is_not_sent(
    newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invitation_send(client=newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        second = invitation_send(client=newcomer)
    invitation_accept(token=token_of(invite_link(mail.outbox[-1].body)), password="a-strong-passphrase")
    mail.outbox.clear()

    tasks.email_invitation.delay(invitation_id=first.pk)  # replaced
    tasks.email_invitation.delay(invitation_id=second.pk)  # used

    assert mail.outbox == []
    assert not Invitation.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
def test_a_revoked_practitioner_invitation_is_not_emailed(
    alice, alice_practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = team.practitioner_invite(
            practice=alice_practice, email="ivy@example.com", role="practitioner", by=alice
        )
    team.practitioner_invitation_revoke(invitation=invitation, by=alice)
    mail.outbox.clear()

    email_practitioner_invitation.delay(invitation_id=invitation.pk)  # a late rerun

    assert mail.outbox == []
    assert PractitionerInvitation.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_each_owner_is_told_of_an_erasure_request_once_and_no_one_after_it_is_carried_out(
    bob, alice, alice_practice, django_capture_on_commit_callbacks
):
    olga = MembershipFactory(practice=alice_practice, role="owner", user__email="olga@example.com").user
    MembershipFactory(practice=alice_practice, role="practitioner", user__email="pat@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        request = rights.erasure_request(client=bob)

    assert sorted(message.to[0] for message in mail.outbox) == [alice.email, olga.email]
    rights.client_erase(client=Client.objects.get(pk=bob.pk), by=alice)
    mail.outbox.clear()

    tasks.email_erasure_requested.delay(erasure_request_id=request.pk, owner_id=alice.pk)  # a late rerun

    assert mail.outbox == []


@pytest.mark.django_db
def test_a_sign_in_moved_back_before_the_notice_went_out_is_not_notified(bob):
    profiles.client_update_settings(client=bob, email="bob.new@example.com")
    profiles.client_update_settings(client=bob, email="bob@example.com")

    tasks.email_sign_in_moved.delay(client_id=bob.pk, old_email="bob@example.com")

    assert mail.outbox == []


@pytest.mark.django_db
def test_an_invitation_smtp_never_took_is_shown_as_not_delivered_until_it_is_sent_again(
    newcomer, smtp_refuses, django_capture_on_commit_callbacks, client, alice
):
    client.force_login(alice)
    smtp_refuses["times"] = 1000
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(client=newcomer)

    page = client.get(f"/clients/{newcomer.pk}/").content.decode()
    listed = client.get("/clients/").content.decode()

    assert "The invitation email could not be delivered</strong> to nora@example.com" in page
    assert "Invitation not delivered" in listed
    smtp_refuses["times"] = 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/clients/{newcomer.pk}/invitation/")
    page = client.get(f"/clients/{newcomer.pk}/").content.decode()
    assert "could not be delivered" not in page
    assert "Invitation emailed " in page
    assert "Invitation not delivered" not in client.get("/clients/").content.decode()
    assert [message.to for message in mail.outbox] == [["nora@example.com"]]


@pytest.mark.django_db
def test_the_client_page_says_when_the_invitation_left_and_until_when_its_link_works(
    newcomer, django_capture_on_commit_callbacks, client, alice
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False):
        invitation = invitation_send(client=newcomer)

    on_its_way = client.get(f"/clients/{newcomer.pk}/").content.decode()
    tasks.email_invitation(invitation_id=invitation.pk)
    emailed = client.get(f"/clients/{newcomer.pk}/").content.decode()

    assert "The invitation email is on its way." in on_its_way
    invitation.refresh_from_db()
    assert f"its link works until {invitation.expires_at:%-d %b %Y}" in emailed
    assert "Invitation emailed" in emailed and "(Europe/London); its link works until" in emailed


@pytest.mark.django_db
def test_a_team_invitation_smtp_never_took_is_shown_as_not_delivered_on_the_team_page(
    alice, alice_practice, smtp_refuses, django_capture_on_commit_callbacks, client
):
    client.force_login(alice)
    smtp_refuses["times"] = 1000
    with django_capture_on_commit_callbacks(execute=True):
        team.practitioner_invite(
            practice=alice_practice, email="gina@example.com", role="practitioner", by=alice
        )

    page = client.get("/practice/").content.decode()

    assert "<strong>email not delivered</strong>: the mail server refused it for an hour" in page
    assert PractitionerInvitation.objects.get().emailed_at is None
