"""Web Push: a client opts in from the phone page's Settings, and the daily reminder reaches the
phone encrypted (RFC 8291) and signed (VAPID), under the same quiet hours and row as the email.

Headless Chromium has no push service to reach here (its own is Google's, and this machine has no
network), so the test stands in for the browser's half: `PushManager.subscribe` answers with a
subscription the test made itself (a P-256 key pair and an auth secret, as a browser makes them)
whose endpoint is a small HTTP server of the test. Everything else is real: the page's opt-in, the
API, the reminder's claim and composition, pywebpush's encryption and VAPID signature, and the
decryption with the subscription's private key (http_ece), as the phone's browser would do it.
"""

import base64
import json
import os
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from clients.models import PushSubscription, Reminder
from clients.reminders import delivery
from clients.reminders.push import send_push
from tests.conftest import api_as, sign_in_by_token, wait_for
from tests.test_phone_page import fay  # noqa: F401 (a fixture)

SHOTS = os.environ.get("PHONE_SCREENSHOTS")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushService(ThreadingHTTPServer):
    """A push service on loopback: keeps each POST (headers and encrypted body); a path ending in
    /gone answers 410, as a real one does for a subscription the browser dropped."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), PushHandler)
        self.received = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class PushHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(
            {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        )
        self.send_response(410 if self.path.endswith("/gone") else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def push_service(settings):
    settings.PUSH_ALLOW_PRIVATE_ENDPOINTS = True  # the test's service is on loopback, over http
    service = PushService()
    yield service
    service.shutdown()
    service.server_close()


class Phone:
    """The browser's half of a subscription: its key pair and auth secret."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def keys(self) -> dict:
        point = self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"p256dh": b64url(point), "auth": b64url(self.auth)}

    def read(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth))


def browser_subscribes_as(phone: Phone) -> str:
    """An init script: PushManager answers with the phone's subscription, as a browser would."""
    subscription = {"endpoint": phone.endpoint, "expirationTime": None, "keys": phone.keys()}
    return f"""(() => {{
      const json = {json.dumps(subscription)};
      let current = null;
      const made = () => ({{ endpoint: json.endpoint, toJSON: () => json,
                             unsubscribe: async () => {{ current = null; return true; }} }});
      PushManager.prototype.subscribe = async function (options) {{
        window.subscribedWith = options.applicationServerKey;
        current = made();
        return current;
      }};
      PushManager.prototype.getSubscription = async function () {{ return current; }};
    }})()"""


def due_reminder(client) -> Reminder:
    now = timezone.now()
    assignment = client.assignments.get()
    return Reminder.objects.create(
        client=client,
        assignment=assignment,
        kind=Reminder.EXERCISE,
        local_date=timezone.localdate(),
        due_at=now,
    )


@pytest.mark.django_db(transaction=True)
def test_a_client_opts_in_on_the_phone_and_the_daily_reminder_arrives_there_encrypted(
    chromium,
    live_server,
    push_service,
    fay,  # noqa: F811
):
    phone = Phone(push_service.url("/push/fay-phone"))
    context = chromium.new_context(viewport={"width": 390, "height": 844}, permissions=["notifications"])
    context.add_init_script(browser_subscribes_as(phone))
    sign_in_by_token(context, live_server, fay.user)
    page = context.new_page()
    page.goto(f"{live_server.url}/app/#settings")

    page.get_by_label("Notifications on this phone").check()

    page.get_by_text("Notifications are on for this phone.").wait_for()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "settings-push.png"), full_page=True)
    subscription = PushSubscription.objects.get()
    assert (subscription.client, subscription.endpoint) == (fay, phone.endpoint)
    assert page.evaluate("window.subscribedWith") == page.evaluate("PAGE.push_key")

    assert delivery.deliver(due_reminder(fay).pk) == Reminder.SENT

    [post] = push_service.received
    assert post["headers"]["content-encoding"] == "aes128gcm"
    assert post["headers"]["authorization"].startswith("vapid t=")
    assert phone.read(post["body"]) == {
        "kind": "exercise_reminder",
        "title": f"Today's exercises from {fay.practice.name}",
        "body": "1 exercise to do: Side plank",
        "url": "/app/",
    }

    page.get_by_label("Notifications on this phone").uncheck()
    page.get_by_text("Notifications are off for this phone.").wait_for()
    assert wait_for(lambda: not PushSubscription.objects.exists())


@pytest.mark.django_db
def test_no_push_goes_in_the_clients_quiet_hours_nor_twice_for_one_reminder(push_service, fay):  # noqa: F811
    phone = Phone(push_service.url("/push/fay-phone"))
    PushSubscription.objects.create(client=fay, endpoint=phone.endpoint, **phone.keys())
    now = timezone.now()
    fay.quiet_hours_start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    fay.quiet_hours_end = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    fay.save()
    quiet = due_reminder(fay)

    assert delivery.deliver(quiet.pk) == Reminder.SKIPPED
    assert delivery.deliver(quiet.pk) is None  # claimed once: a second delivery does nothing
    assert push_service.received == []


@pytest.mark.django_db
def test_a_subscription_the_push_service_says_is_gone_is_dropped(push_service, fay):  # noqa: F811
    gone = Phone(push_service.url("/push/old-phone/gone"))
    kept = Phone(push_service.url("/push/new-phone"))
    PushSubscription.objects.create(client=fay, endpoint=gone.endpoint, **gone.keys())
    PushSubscription.objects.create(client=fay, endpoint=kept.endpoint, **kept.keys())

    reached = send_push(fay, "message", title="A new message", body="From your practitioner")

    assert reached == 1
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept.endpoint]
    assert kept.read(push_service.received[-1]["body"])["title"] == "A new message"


# --- the API ---------------------------------------------------------------------------------

PHONE = Phone("https://push.example.net/send/abc")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endpoint", "keys", "field"),
    [
        ("http://push.example.net/send/abc", PHONE.keys(), "endpoint"),
        ("https://10.0.0.7/send/abc", PHONE.keys(), "endpoint"),
        ("https://127.0.0.1/send/abc", PHONE.keys(), "endpoint"),
        ("https://localhost/send/abc", PHONE.keys(), "endpoint"),
        ("not a url", PHONE.keys(), "endpoint"),
        (PHONE.endpoint, {**PHONE.keys(), "p256dh": "AAAA"}, "keys.p256dh"),
        (PHONE.endpoint, {**PHONE.keys(), "auth": "%%%"}, "keys.auth"),
        (PHONE.endpoint, {"p256dh": PHONE.keys()["p256dh"]}, "keys.auth"),
    ],
)
def test_a_malformed_or_private_subscription_is_refused_naming_the_field(
    bob, endpoint, keys, field, settings
):
    settings.PUSH_ALLOW_PRIVATE_ENDPOINTS = False

    answer = api_as(bob.user).post(
        "/api/v1/me/push-subscriptions/", {"endpoint": endpoint, "keys": keys}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["field"] == field
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_subscribing_again_on_the_same_phone_takes_it_over(bob, dana, settings):
    settings.PUSH_ALLOW_PRIVATE_ENDPOINTS = False
    body = {"endpoint": PHONE.endpoint, "keys": PHONE.keys()}

    assert api_as(bob.user).post("/api/v1/me/push-subscriptions/", body, format="json").status_code == 201
    assert api_as(dana.user).post("/api/v1/me/push-subscriptions/", body, format="json").status_code == 201

    assert list(PushSubscription.objects.values_list("client", flat=True)) == [dana.pk]
    assert api_as(bob.user).get("/api/v1/me/push-subscriptions/").json()["count"] == 0


@pytest.mark.django_db
def test_another_clients_subscription_is_404_and_anonymous_callers_401(bob, dana):
    theirs = PushSubscription.objects.create(client=dana, endpoint=PHONE.endpoint, **PHONE.keys())

    assert api_as(bob.user).delete(f"/api/v1/me/push-subscriptions/{theirs.pk}/").status_code == 404
    assert api_as(None).get("/api/v1/me/push-subscriptions/").status_code == 401
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()
    assert api_as(dana.user).delete(f"/api/v1/me/push-subscriptions/{theirs.pk}/").status_code == 204


@pytest.mark.django_db(transaction=True)
def test_the_service_worker_shows_what_arrives_as_a_notification(
    chromium,
    live_server,
    fay,  # noqa: F811
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, permissions=["notifications"])
    sign_in_by_token(context, live_server, fay.user)
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    devtools.send("ServiceWorker.enable")
    page.goto(f"{live_server.url}/app/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert wait_for(lambda: [r for r in registrations if r["scopeURL"].endswith("/app/")])
    registration = next(r for r in registrations if r["scopeURL"].endswith("/app/"))
    message = {
        "kind": "exercise_reminder",
        "title": "Today's exercises",
        "body": "1 exercise to do: Side plank",
    }

    # What the browser does with a push it has decrypted: hand it to the service worker.
    devtools.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(message),
        },
    )

    shown = page.wait_for_function(
        """() => navigator.serviceWorker.ready
             .then((r) => r.getNotifications())
             .then((list) => list.length && list.map((n) => [n.title, n.body, n.tag, n.data.url]))"""
    ).json_value()
    assert shown == [["Today's exercises", "1 exercise to do: Side plank", "exercise_reminder", "/app/"]]


@pytest.mark.django_db
def test_a_spanish_client_reads_the_pushed_reminder_in_spanish(push_service, fay):  # noqa: F811
    fay.language = "es"
    fay.save()
    phone = Phone(push_service.url("/push/fay-phone"))
    PushSubscription.objects.create(client=fay, endpoint=phone.endpoint, **phone.keys())

    delivery.deliver(due_reminder(fay).pk)

    message = phone.read(push_service.received[-1]["body"])
    assert (message["title"], message["body"]) == (
        f"Sus ejercicios de hoy, de {fay.practice.name}",
        "1 ejercicio por hacer: Side plank",
    )
