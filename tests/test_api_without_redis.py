"""Redis is an optimisation, not a single point of failure: with it down the API keeps answering,
sign-in guessing is still limited (in the database), bad JSON is a 400, and health names what broke.

The load test is on real parts: a live HTTP server on the test PostgreSQL, its cache on a private
`redis-server` that the test stops in the middle of a check-off load.
"""

import shutil
import threading
import uuid
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

import config.settings as production
from clients.models import Completion
from tests.clients.test_reminder_faults import PrivateRedis
from tests.conftest import api_as, need, wait_for
from tests.factories import TemplateFactory, UserFactory, assign

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
RIGHT = "correct-horse-battery"


def redis_cache(url: str) -> dict:
    """The production cache (django-redis, forgiving), pointed at `url`."""
    need("Redis", production.CACHES["default"]["BACKEND"].startswith("django_redis"), "REDIS_URL is not set")
    return {"default": {**production.CACHES["default"], "LOCATION": url, "KEY_PREFIX": f"t-{uuid.uuid4()}"}}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_cache(DEAD_REDIS)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min", "sign_in": "2/hour"},
    }


def slots(assignment):
    """Every (item, day, session) of an assignment up to today, each a check-off of its own."""
    days = (timezone.localdate() - assignment.start_date).days + 1
    for offset in range(days):
        for item in assignment.program.items.all():
            for session in range(1, assignment.sessions_per_day + 1):
                yield item.pk, str(assignment.start_date + timedelta(days=offset)), session


def check_off(api, slot):
    item, day, session = slot
    body = {"assignment_exercise": item, "date": day, "session": session}
    return api.put(f"/api/v1/me/completions/{uuid.uuid4()}/", body, format="json")


@pytest.mark.django_db
def test_signed_in_calls_are_answered_past_their_rate_while_redis_is_down(redis_down, bob, bob_assignment):
    api = api_as(bob.user)
    every = slots(bob_assignment)

    statuses = [check_off(api, next(every)).status_code for _ in range(4)]
    statuses.append(api.get("/api/v1/me/today/").status_code)

    assert statuses == [201, 201, 201, 201, 200]


@pytest.mark.django_db
def test_sign_in_guessing_is_still_limited_while_redis_is_down(redis_down, settings, client):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="casey@example.com")

    def sign_in(password):
        body = {"email": "casey@example.com", "password": password}
        return client.post("/api/v1/auth/token/", body, content_type="application/json").status_code

    assert [sign_in("wrong") for _ in range(3)] == [401, 401, 429]  # django-axes, counting in the database
    assert sign_in(RIGHT) == 429
    assert sign_in("wrong") == 429


@pytest.mark.django_db
def test_health_answers_503_naming_the_cache_and_broker_when_redis_is_down(redis_down, client):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = DEAD_REDIS
    try:
        response = client.get("/api/v1/health/")
    finally:
        app.conf.broker_url = original

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error")
    assert response.json()["cache"].startswith("error")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/me/", "patch"),
        ("/api/v1/me/completions/batch/", "post"),
        ("/api/v1/auth/token/", "post"),
        ("/api/v1/auth/invitations/accept/", "post"),
        ("/api/v1/clients/", "post"),
        ("/api/v1/programs/", "post"),
    ],
)
def test_deeply_nested_or_broken_json_is_a_400_naming_the_problem(path, method, alice, bob):
    caller = api_as(alice if path.startswith(("/api/v1/clients", "/api/v1/programs")) else bob.user)
    bodies = [
        "[" * 1000 + "]" * 1000,
        '{"a":' * 100 + "1" + "}" * 100,
        "[" * 5000,
        '{"email": "x"',
        "\xff\xfe",
    ]

    for body in bodies:
        response = getattr(caller, method)(path, body.encode("latin-1"), content_type="application/json")

        assert response.status_code == 400, (body[:20], response.content[:200])
        assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_a_body_a_few_levels_deep_is_still_read(bob, bob_assignment):
    item = bob_assignment.program.items.first()
    batch = {"items": [{"id": str(uuid.uuid4()), "assignment_exercise": item.pk,
                              "date": str(bob_assignment.start_date), "session": 1}]}  # fmt: skip

    response = api_as(bob.user).post("/api/v1/me/completions/batch/", batch, format="json")

    assert response.status_code == 200, response.content


def test_the_api_reads_the_same_client_address_as_the_sign_in_lockout(rf, settings):
    from axes.helpers import get_client_ip_address
    from rest_framework.throttling import BaseThrottle

    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for forwarded in ["198.51.100.9", "203.0.113.1, 198.51.100.9"]:  # the second with a forged first hop
        request = rf.post("/api/v1/auth/token/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")

        assert get_client_ip_address(request) == BaseThrottle().get_ident(request) == "198.51.100.9"


# --- Redis stopped under a real check-off load --------------------------------------------------


@pytest.fixture
def private_redis(tmp_path):
    need("redis-server", bool(shutil.which("redis-server")), "a Redis of the test's own, to stop")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_check_offs_are_all_answered_and_kept_when_redis_stops_mid_load(
    settings, live_server, private_redis, bob
):
    # On in-memory SQLite the live server's threads share the test's one connection: four at once
    # would start a transaction inside another's (a file database, as `make run` has, would not).
    need("PostgreSQL", connection.vendor == "postgresql", "concurrent requests to the live server")
    settings.CACHES = redis_cache(private_redis.url)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "sign_in": "100/min"},
    }
    assignment = assign(
        bob,
        start=timezone.localdate() - timedelta(days=6),
        sessions=3,
        template=TemplateFactory(exercises=40),
    )
    _, token = AuthToken.objects.create(bob.user)
    work, lock, answers, done = iter(list(slots(assignment))), threading.Lock(), [], threading.Event()

    def load():
        with requests.Session() as http:
            http.headers["Authorization"] = f"Token {token}"
            while not done.is_set():
                with lock:
                    item, day, session = next(work)
                body = {"assignment_exercise": item, "date": day, "session": session}
                response = http.put(f"{live_server.url}/api/v1/me/completions/{uuid.uuid4()}/", json=body)
                answers.append(response.status_code)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    # Counted in answers, not seconds, so a busy machine only makes the test slower.
    assert wait_for(lambda: len(answers) >= 20, timeout=60), "the load never got going"
    private_redis.stop()
    answered_before_stop = len(answers)
    wait_for(lambda: len(answers) >= answered_before_stop + 40, timeout=60)
    done.set()
    for thread in threads:
        thread.join(timeout=30)

    acknowledged = sum(status in (200, 201) for status in answers)
    print(
        f"Redis stopped mid-load: {len(answers)} check-offs, {len(answers) - answered_before_stop} after the stop, "
        f"{sum(status >= 500 for status in answers)} answered 5xx, "
        f"{acknowledged - Completion.objects.count()} acknowledged but not stored"
    )
    assert len(answers) > answered_before_stop > 0
    assert set(answers) == {201}
    assert Completion.objects.filter(assignment=assignment).count() == acknowledged
