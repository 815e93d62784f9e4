"""Signed webhooks: a practice's owner registers an endpoint, and its other system hears of events,
signed after Standard Webhooks, at least once, under one webhook-id however often it is retried."""

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from clients.checkoffs import completions
from clients.messages.thread import message_send
from clients.models import WebhookDelivery, WebhookEndpoint, WebhookEndpointEvent
from clients.scheduling import local_date
from clients.webhooks import delivery
from clients.webhooks.events import emit
from clients.webhooks.signing import signed_headers
from clients.webhooks.subscriptions import practice_events_refresh
from practice.models import Practice
from tests.conftest import api_as, wait_for
from tests.factories import MembershipFactory, assign

pytestmark = pytest.mark.django_db


# --- a receiver on loopback ----------------------------------------------------------------


class Receiver:
    """A real HTTP server that keeps each request and answers the next of `answers` (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def local_targets(settings):
    """This test opts in to a receiver on loopback, over plain HTTP."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False


def endpoint_of(practice, url, events=("completion.created",)) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(
        practice=practice, url=url, events=list(events), secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    )
    practice_events_refresh(practice.pk)
    return endpoint


def check_off(api, assignment, completion_id=None):
    body = {
        "assignment_exercise": assignment.program.items.first().pk,
        "date": local_date(assignment.client, timezone.now()).isoformat(),
        "session": 1,
        "pain": 7,
        "note": "Bob's sore knee note",
    }
    return api.put(f"/api/v1/me/completions/{completion_id or uuid.uuid4()}/", body, format="json")


def deliver_due() -> dict[int, str]:
    """What a worker does with the rows due (queued after their commit, or by the sweep), here."""
    due = WebhookDelivery.objects.filter(status=WebhookDelivery.PENDING, next_attempt_at__lte=timezone.now())
    return delivery.deliver_many(list(due.values_list("pk", flat=True)))


def an_event(practice) -> None:
    emit("completion.created", Practice.objects.get(pk=practice.pk), completion=uuid.uuid4())


# --- signatures ----------------------------------------------------------------------------


def test_a_signature_is_the_one_the_specification_publishes_for_its_test_vector():
    # https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
    headers = signed_headers(
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        webhook_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        at=datetime.fromtimestamp(1614265330, tz=UTC),
        body=b'{"test": 2432232314}',
    )

    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert headers["webhook-timestamp"] == "1614265330"


# --- registering -----------------------------------------------------------------------------


def test_an_owner_registers_an_endpoint_and_sees_its_secret_only_in_that_answer(alice, local_targets):
    api = api_as(alice)

    created = api.post(
        "/api/v1/webhooks/", {"url": "https://93.184.215.14/in", "events": ["alert.raised"]}, format="json"
    )

    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert secret.startswith("whsec_") and len(secret) > 30
    read = api.get(f"/api/v1/webhooks/{created.json()['id']}/").json()
    assert "secret" not in read and secret not in json.dumps(api.get("/api/v1/webhooks/").json())
    assert read["events"] == ["alert.raised"]


def test_rotating_the_secret_shows_the_new_one_once_and_signs_with_it_from_then_on(alice, alice_practice):
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in")

    rotated = api_as(alice).post(f"/api/v1/webhooks/{endpoint.pk}/rotate-secret/")

    assert rotated.status_code == 200
    endpoint.refresh_from_db()
    assert rotated.json()["secret"] == endpoint.secret != "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize(
    "url",
    [
        "http://ehr.example.com/in",  # not HTTPS
        "https://127.0.0.1/in",  # loopback
        "https://10.1.2.3/in",  # private
        "https://169.254.169.254/latest/meta-data/",  # link-local: a cloud's metadata service
        "https://[::1]/in",
        "https://[::ffff:192.168.0.1]/in",  # a private IPv4 address written as IPv6
        "https://0.0.0.0/in",
        "https://localhost/in",  # a name that resolves to loopback
        "https://ehr.example.com/" + "a" * 2000,
        "ftp://ehr.example.com/in",
        "https://no-such-host.invalid/in",
    ],
)
def test_a_url_that_is_not_https_to_a_public_address_is_refused_naming_url(alice, url):
    answer = api_as(alice).post("/api/v1/webhooks/", {"url": url, "events": ["alert.raised"]}, format="json")

    assert answer.status_code == 400
    assert answer.json()["field"] == "url"
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_is_refused_naming_events(alice, local_targets):
    api = api_as(alice)
    url = "https://93.184.215.14/in"

    unknown = api.post("/api/v1/webhooks/", {"url": url, "events": ["completion.eaten"]}, format="json")
    empty = api.post("/api/v1/webhooks/", {"url": url, "events": []}, format="json")

    assert (unknown.status_code, unknown.json()["field"]) == (400, "events")
    assert "completion.eaten" in unknown.json()["message"]
    assert (empty.status_code, empty.json()["field"]) == (400, "events")


def test_a_practitioner_who_is_not_an_owner_neither_lists_nor_registers_endpoints(alice_practice):
    colleague = MembershipFactory(practice=alice_practice).user
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in")
    api = api_as(colleague)

    assert api.get("/api/v1/webhooks/").json()["results"] == []
    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    registered = api.post(
        "/api/v1/webhooks/", {"url": "https://93.184.215.14/x", "events": ["alert.raised"]}, format="json"
    )
    assert (registered.status_code, registered.json()["field"]) == (400, "practice")


# --- what is sent -----------------------------------------------------------------------------


def test_a_practice_without_endpoints_pays_no_query_for_an_event_and_gets_no_row(bob, alice_practice):
    endpoint_of(alice_practice, "https://93.184.215.14/in", events=["alert.raised"])  # another event
    practice = Practice.objects.get(pk=alice_practice.pk)

    with CaptureQueriesContext(connection) as queries:
        emit("completion.created", practice, completion=uuid.uuid4(), client=bob.pk)
        emit("message.created", practice, message=1, client=bob.pk)

    assert len(queries) == 0
    assert not WebhookDelivery.objects.exists()


def test_a_check_off_of_a_practice_without_endpoints_runs_no_query_more_than_before(
    bob, bob_assignment, monkeypatch
):
    api, (first, second, *_) = api_as(bob.user), bob_assignment.program.items.all()

    def queries_of_a_check_off(item) -> int:
        body = {"assignment_exercise": item.pk, "date": local_date(bob, timezone.now()).isoformat()}
        with CaptureQueriesContext(connection) as queries:
            assert api.put(f"/api/v1/me/completions/{uuid.uuid4()}/", body, format="json").status_code == 201
        return len(queries)

    with_webhooks = queries_of_a_check_off(first)
    monkeypatch.setattr(completions, "emit", lambda *args, **kwargs: None)  # as before webhooks

    assert with_webhooks == queries_of_a_check_off(second)


def test_what_a_practice_hears_of_follows_its_endpoints_as_they_change(alice, alice_practice):
    api = api_as(alice)
    first = api.post(
        "/api/v1/webhooks/", {"url": "https://93.184.215.14/a", "events": ["alert.raised"]}, format="json"
    ).json()
    api.post(
        "/api/v1/webhooks/", {"url": "https://93.184.215.14/b", "events": ["message.created"]}, format="json"
    )

    heard = [Practice.objects.get(pk=alice_practice.pk).webhook_events]
    api.patch(f"/api/v1/webhooks/{first['id']}/", {"enabled": False}, format="json")
    heard.append(Practice.objects.get(pk=alice_practice.pk).webhook_events)
    api.delete(f"/api/v1/webhooks/{first['id']}/")
    heard.append(Practice.objects.get(pk=alice_practice.pk).webhook_events)

    assert heard == [["alert.raised", "message.created"], ["message.created"], ["message.created"]]


def test_a_check_off_is_written_as_a_delivery_with_ids_and_links_and_no_personal_text(
    bob, bob_assignment, alice_practice
):
    endpoint_of(alice_practice, "https://93.184.215.14/in")
    endpoint_of(alice_practice, "https://billing.example.com/in", events=["alert.raised"])  # not this event
    completion_id = uuid.uuid4()

    assert check_off(api_as(bob.user), bob_assignment, completion_id).status_code == 201
    check_off(api_as(bob.user), bob_assignment, completion_id)  # a replay is no new event

    (row,) = WebhookDelivery.objects.all()
    assert row.event == "completion.created" and row.webhook_id.startswith("msg_")
    data = row.payload["data"]
    assert data["completion"] == str(completion_id)
    assert (data["client"], data["assignment"]) == (bob.pk, bob_assignment.pk)
    assert data["links"]["client"].endswith(f"/api/v1/clients/{bob.pk}/")
    text = json.dumps(row.payload)
    for personal in ("Bob", "bob@example.com", "sore knee", '"pain"'):
        assert personal not in text


def test_a_message_is_announced_without_its_text(bob, alice, alice_practice):
    endpoint_of(alice_practice, "https://93.184.215.14/in", events=["message.created"])

    bob.refresh_from_db()  # as a request would load him, with his practice as it now is
    message = message_send(client=bob, author=bob.user, body="My back hurts after the twists")

    (row,) = WebhookDelivery.objects.all()
    assert row.payload["data"]["message"] == message.pk
    assert "back hurts" not in json.dumps(row.payload)
    assert row.payload["data"]["links"]["messages"].endswith(f"/api/v1/clients/{bob.pk}/messages/")


def test_taking_a_check_off_back_and_assigning_a_program_are_events_too(
    alice, bob, bob_assignment, alice_practice
):
    endpoint_of(
        alice_practice, "https://93.184.215.14/in", events=["completion.deleted", "assignment.created"]
    )
    completion_id = uuid.uuid4()
    check_off(api_as(bob.user), bob_assignment, completion_id)

    api_as(bob.user).delete(f"/api/v1/me/completions/{completion_id}/")
    bob.refresh_from_db()
    assign(bob, start=timezone.localdate())

    assert list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True)) == [
        "completion.deleted",
        "assignment.created",
    ]


def test_a_turned_off_endpoint_is_sent_nothing_new(bob, bob_assignment, alice_practice):
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    practice_events_refresh(alice_practice.pk)

    check_off(api_as(bob.user), bob_assignment)

    assert not WebhookDelivery.objects.exists()


# --- delivery -------------------------------------------------------------------------------------


def test_a_delivery_arrives_signed_so_the_receiver_verifies_it_with_the_specifications_library(
    bob, bob_assignment, alice_practice, receiver, local_targets
):
    endpoint = endpoint_of(alice_practice, receiver.url)
    check_off(api_as(bob.user), bob_assignment)

    assert set(deliver_due().values()) == {WebhookDelivery.DELIVERED}

    (request,) = receiver.requests
    payload = Webhook(endpoint.secret).verify(request["body"], request["headers"])
    assert payload["type"] == "completion.created"
    row = WebhookDelivery.objects.get()
    assert request["headers"]["webhook-id"] == row.webhook_id
    assert (row.status, row.last_status_code, row.attempts) == (WebhookDelivery.DELIVERED, 200, 1)


def test_a_failed_attempt_is_retried_after_the_backoff_under_the_same_webhook_id(
    bob, bob_assignment, alice_practice, receiver, local_targets
):
    endpoint_of(alice_practice, receiver.url)
    receiver.answers = [500, 503]
    check_off(api_as(bob.user), bob_assignment)

    assert set(deliver_due().values()) == {WebhookDelivery.PENDING}
    assert deliver_due() == {}  # not yet: it waits its 5 seconds
    with time_machine.travel(timezone.now() + timedelta(seconds=6)):
        deliver_due()
    row = WebhookDelivery.objects.get()
    assert (row.attempts, row.last_status_code) == (2, 503)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        deliver_due()

    assert len({request["headers"]["webhook-id"] for request in receiver.requests}) == 1
    assert len(receiver.requests) == 3
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == (WebhookDelivery.DELIVERED, 3, 200)


def test_the_backoff_runs_from_seconds_to_hours_over_a_day_then_gives_up():
    waits = [delivery.retry_delay(attempts) for attempts in range(1, 9)]

    assert waits[:4] == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
    ]
    assert waits[-1] is None
    assert timedelta(hours=24) < sum(waits[:-1], timedelta()) < timedelta(hours=30)


def test_a_delivery_failing_every_attempt_ends_failed_with_its_last_answer(
    bob, bob_assignment, alice_practice, receiver, local_targets, settings
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 100  # this test is about one delivery, not the endpoint
    endpoint_of(alice_practice, receiver.url)
    receiver.answers = [500] * 20
    an_event(alice_practice)
    start = timezone.now()

    for hours in range(0, 40):
        with time_machine.travel(start + timedelta(hours=hours, seconds=10)):
            deliver_due()

    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status_code) == (WebhookDelivery.FAILED, 8, 500)


@pytest.fixture
def email_over_smtp(settings, smtp_inbox, smtp_server):
    """The owner's email goes through the loopback SMTP server: its inbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.hostname, smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return smtp_inbox


def test_an_endpoint_failing_for_a_day_is_turned_off_and_its_owner_emailed(
    alice, alice_practice, receiver, local_targets, email_over_smtp, django_capture_on_commit_callbacks
):
    endpoint = endpoint_of(alice_practice, receiver.url)
    receiver.answers = [500] * 1000
    start = timezone.now()
    for hour in range(0, 26):
        with time_machine.travel(start + timedelta(hours=hour)):
            an_event(alice_practice)  # a new event every hour, every attempt failing
            with django_capture_on_commit_callbacks(execute=True):
                deliver_due()

    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_at is not None
    (email,) = email_over_smtp.messages
    assert email.rcpt_tos == [alice.email]
    assert receiver.url.encode() in email.content and b"turned it off" in email.content
    sent = len(receiver.requests)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_due()
    assert len(receiver.requests) == sent  # nothing more is sent to it


def test_a_receiver_answering_410_gone_turns_the_endpoint_off_at_once_and_its_owner_is_emailed(
    alice, alice_practice, receiver, local_targets, email_over_smtp, django_capture_on_commit_callbacks
):
    endpoint = endpoint_of(alice_practice, receiver.url)
    receiver.answers = [410]
    for _ in range(3):
        an_event(alice_practice)

    with django_capture_on_commit_callbacks(execute=True):
        statuses = deliver_due()

    assert len(receiver.requests) == 1  # the two after it are not sent
    assert set(statuses.values()) == {WebhookDelivery.FAILED}
    gone = WebhookDelivery.objects.get(last_status_code=410)
    assert (gone.status, gone.attempts) == (WebhookDelivery.FAILED, 1)
    never_sent = WebhookDelivery.objects.exclude(pk=gone.pk)
    assert [(row.attempts, row.last_attempt_at, row.last_error) for row in never_sent] == [
        (0, None, "The endpoint is turned off.")
    ] * 2
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_because) == (False, WebhookEndpoint.GONE)
    assert endpoint.disabled_at is not None
    (email,) = email_over_smtp.messages
    assert email.rcpt_tos == [alice.email]
    assert receiver.url.encode() in email.content and b"410 Gone" in email.content
    (event,) = WebhookEndpointEvent.objects.filter(action=WebhookEndpointEvent.TURNED_OFF)
    assert (event.actor, event.detail, event.url) == (None, "gone", receiver.url)

    an_event(alice_practice)  # nothing new is written for it, and nothing retried a day later
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert deliver_due() == {}
    assert len(receiver.requests) == 1 and WebhookDelivery.objects.count() == 3


def test_an_endpoint_turned_on_again_after_410_gone_is_sent_new_events(
    alice, alice_practice, receiver, local_targets, client
):
    endpoint = endpoint_of(alice_practice, receiver.url)
    receiver.answers = [410]
    an_event(alice_practice)
    deliver_due()
    client.force_login(alice)

    client.post(f"/practice/webhooks/{endpoint.pk}/toggle/")
    an_event(alice_practice)
    deliver_due()

    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_because, endpoint.disabled_at) == (True, "", None)
    assert [request["headers"]["webhook-id"] for request in receiver.requests][-1] == (
        WebhookDelivery.objects.first().webhook_id
    )
    assert WebhookDelivery.objects.first().status == WebhookDelivery.DELIVERED


def test_a_success_ends_the_failure_streak(alice_practice, receiver, local_targets):
    endpoint = endpoint_of(alice_practice, receiver.url)
    receiver.answers = [500, 500]
    for _ in range(3):
        an_event(alice_practice)
    deliver_due()

    endpoint.refresh_from_db()
    assert (endpoint.failure_streak, endpoint.failing_since, endpoint.enabled) == (0, None, True)


def test_redelivery_sends_the_same_webhook_id_again(
    alice, bob, bob_assignment, alice_practice, receiver, local_targets
):
    endpoint = endpoint_of(alice_practice, receiver.url)
    check_off(api_as(bob.user), bob_assignment)
    deliver_due()
    row = WebhookDelivery.objects.get()
    api = api_as(alice)

    log = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    again = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{row.pk}/redeliver/")
    delivery.deliver_many([row.pk])

    assert [(entry["webhook_id"], entry["last_status_code"]) for entry in log["results"]] == [
        (row.webhook_id, 200)
    ]
    assert again.status_code == 202
    assert [request["headers"]["webhook-id"] for request in receiver.requests] == [row.webhook_id] * 2
    row.refresh_from_db()
    assert (row.status, row.attempts) == (WebhookDelivery.DELIVERED, 2)


def test_a_target_on_a_private_address_is_refused_at_delivery_too(
    bob, bob_assignment, alice_practice, receiver, settings
):
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False  # registered while it was allowed, or re-pointed since
    endpoint_of(alice_practice, receiver.url)
    check_off(api_as(bob.user), bob_assignment)

    deliver_due()

    row = WebhookDelivery.objects.get()
    assert receiver.requests == []
    assert row.status == WebhookDelivery.PENDING and "private" in row.last_error


def test_a_delivery_connects_to_the_address_it_checked_and_names_the_host(
    bob, bob_assignment, alice_practice, receiver, local_targets, monkeypatch
):
    port = receiver.server.server_port
    endpoint_of(alice_practice, f"http://ehr.example.test:{port}/hooks")  # a name no DNS knows
    monkeypatch.setattr("clients.webhooks.targets._addresses", lambda host, port: ["127.0.0.1"])
    check_off(api_as(bob.user), bob_assignment)

    deliver_due()

    (request,) = receiver.requests
    assert request["headers"]["Host"] == f"ehr.example.test:{port}"


# --- a real worker -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_check_off_reaches_the_receiver_through_a_real_worker(
    celery_worker, bob, bob_assignment, alice, receiver, local_targets
):
    created = api_as(alice).post(
        "/api/v1/webhooks/", {"url": receiver.url, "events": ["completion.created"]}, format="json"
    )
    secret = created.json()["secret"]

    check_off(api_as(bob.user), bob_assignment)

    assert wait_for(lambda: receiver.requests, timeout=30), "".join(celery_worker[-30:])
    (request,) = receiver.requests
    assert Webhook(secret).verify(request["body"], request["headers"])["type"] == "completion.created"
    assert wait_for(
        lambda: WebhookDelivery.objects.filter(
            status=WebhookDelivery.DELIVERED, last_status_code=200
        ).exists()
    )


# --- the workspace page ------------------------------------------------------------------------


def test_an_owner_registers_an_endpoint_on_the_webhooks_page_and_sees_the_secret_once(
    client, alice, local_targets
):
    client.force_login(alice)

    page = client.get("/practice/webhooks/")
    registered = client.post(
        "/practice/webhooks/",
        {"url": "https://93.184.215.14/in", "events": ["completion.created"]},
        follow=True,
    )

    assert page.status_code == 200 and b"Register an endpoint" in page.content
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.encode() in registered.content
    assert endpoint.secret.encode() not in client.get(f"/practice/webhooks/{endpoint.pk}/").content


def test_the_webhooks_page_refuses_a_private_url_naming_it(client, alice):
    client.force_login(alice)

    refused = client.post("/practice/webhooks/", {"url": "https://10.0.0.1/in", "events": ["alert.raised"]})

    assert refused.status_code == 400 and b"private or local address" in refused.content
    assert not WebhookEndpoint.objects.exists()


def test_a_practitioner_who_is_not_an_owner_is_told_only_owners_manage_webhooks(client, alice_practice):
    colleague = MembershipFactory(practice=alice_practice).user
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in")
    client.force_login(colleague)

    assert b"Only an owner" in client.get("/practice/webhooks/").content
    assert client.get(f"/practice/webhooks/{endpoint.pk}/").status_code == 404
    assert client.post(f"/practice/webhooks/{endpoint.pk}/delete/").status_code == 404
    assert WebhookEndpoint.objects.exists()


def test_deleting_an_endpoint_on_the_page_asks_first_naming_its_url_with_a_cancel(
    client, alice, alice_practice
):
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in?for=notes")
    client.force_login(alice)

    page = client.get(f"/practice/webhooks/{endpoint.pk}/")
    asked = client.get(f"/practice/webhooks/{endpoint.pk}/delete/")

    assert f'href="/practice/webhooks/{endpoint.pk}/delete/"'.encode() in page.content
    assert asked.status_code == 200 and b"https://93.184.215.14/in?for=notes" in asked.content
    assert f'class="button secondary" href="/practice/webhooks/{endpoint.pk}/"'.encode() in asked.content
    assert b"Cancel" in asked.content and b'method="post"' in asked.content
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()  # asking deletes nothing


def test_an_endpoint_deleted_after_confirming_is_gone_and_in_the_practices_history(
    client, alice, alice_practice
):
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in")
    client.force_login(alice)

    deleted = client.post(f"/practice/webhooks/{endpoint.pk}/delete/", follow=True)

    assert not WebhookEndpoint.objects.exists()
    (event,) = WebhookEndpointEvent.objects.all()
    assert (event.action, event.actor, event.url, event.endpoint_id) == (
        WebhookEndpointEvent.DELETED,
        alice,
        "https://93.184.215.14/in",
        endpoint.pk,
    )
    assert b"History" in deleted.content and b"by Alice Physio" in deleted.content


def test_the_api_deletes_at_once_and_the_deletion_is_in_the_history_too(alice, alice_practice):
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in")

    response = api_as(alice).delete(f"/api/v1/webhooks/{endpoint.pk}/")

    assert response.status_code == 204 and not WebhookEndpoint.objects.exists()
    assert WebhookEndpointEvent.objects.get().action == WebhookEndpointEvent.DELETED


def test_another_practices_owner_can_neither_see_nor_delete_an_endpoint_through_the_confirmation(
    client, charlie, alice_practice
):
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in")
    client.force_login(charlie)

    assert client.get(f"/practice/webhooks/{endpoint.pk}/delete/").status_code == 404
    assert client.post(f"/practice/webhooks/{endpoint.pk}/delete/").status_code == 404
    assert WebhookEndpoint.objects.exists() and not WebhookEndpointEvent.objects.exists()


def test_an_endpoint_failing_says_so_on_its_page_and_in_the_list_before_it_is_turned_off(
    client, alice, alice_practice, receiver, local_targets
):
    endpoint = endpoint_of(alice_practice, receiver.url)
    receiver.answers = [500, 500]
    an_event(alice_practice)
    an_event(alice_practice)
    deliver_due()
    client.force_login(alice)

    page = client.get(f"/practice/webhooks/{endpoint.pk}/").content.decode()
    listed = client.get("/practice/webhooks/").content.decode()

    assert "Failing since" in page and "(2 in a row)" in page
    assert "Failing since" in listed


def test_a_turned_off_endpoints_deliveries_are_sent_again_only_once_it_is_on(
    client, alice, alice_practice, receiver, local_targets
):
    endpoint = endpoint_of(alice_practice, receiver.url)
    receiver.answers = [410]
    an_event(alice_practice)
    deliver_due()
    row = WebhookDelivery.objects.get()
    client.force_login(alice)

    page = client.get(f"/practice/webhooks/{endpoint.pk}/")
    refused = client.post(f"/practice/webhooks/{endpoint.pk}/deliveries/{row.pk}/redeliver/", follow=True)
    client.post(f"/practice/webhooks/{endpoint.pk}/toggle/")
    client.post(f"/practice/webhooks/{endpoint.pk}/deliveries/{row.pk}/redeliver/")
    deliver_due()

    assert b"410 Gone" in page.content and b"Redeliver" not in page.content
    assert b"Turn the endpoint on to send deliveries again." in refused.content
    row.refresh_from_db()
    assert (row.status, row.last_status_code, len(receiver.requests)) == (WebhookDelivery.DELIVERED, 200, 2)


def test_the_delivery_log_shows_status_codes_and_redelivers(
    client, alice, bob, bob_assignment, alice_practice, receiver, local_targets
):
    endpoint = endpoint_of(alice_practice, receiver.url)
    receiver.answers = [502]
    check_off(api_as(bob.user), bob_assignment)
    deliver_due()
    row = WebhookDelivery.objects.get()
    client.force_login(alice)

    page = client.get(f"/practice/webhooks/{endpoint.pk}/")
    client.post(f"/practice/webhooks/{endpoint.pk}/deliveries/{row.pk}/redeliver/")
    delivery.deliver_many([row.pk])

    assert b"502" in page.content and row.webhook_id.encode() in page.content
    row.refresh_from_db()
    assert (row.status, row.last_status_code) == (WebhookDelivery.DELIVERED, 200)


def test_the_sweep_queues_rows_whose_queueing_was_lost_and_claims_of_dead_workers(alice_practice):
    endpoint = endpoint_of(alice_practice, "https://93.184.215.14/in")
    an_event(alice_practice)
    row = WebhookDelivery.objects.get()

    assert delivery.sweep() == []  # queued after its commit, a moment ago
    later = timezone.now() + delivery.REQUEUE_AFTER + timedelta(seconds=1)
    assert delivery.sweep(now=later) == [row.pk]
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status=WebhookDelivery.SENDING, claimed_at=timezone.now()
    )
    assert delivery.sweep(now=timezone.now() + delivery.CLAIM_LEASE + timedelta(seconds=1)) == [row.pk]
    assert endpoint.deliveries.count() == 1
