"""Sign-in throttling, per-user and anonymous rates, token expiry and revocation."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from practice.api import FailedSignInThrottle
from tests.conftest import api_as, need
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"


@pytest.fixture
def rates(settings):
    """Low rates for the test; counts start from nothing."""

    def set_rates(**rates):
        base = {"anon": "1000/min", "user": "1000/min", "sign_in": "1000/min"}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**base, **rates}}
        forget_counts()

    yield set_rates
    forget_counts()


def forget_counts():
    """Only a process's own memory is cleared: on Redis (`redis_cache`) the test's keys have a
    prefix of their own already, and clear() would empty the Redis database the other test
    processes share, their counts and Celery queues with it."""
    if not isinstance(caches["default"], RedisCache):
        cache.clear()


@pytest.fixture
def casey():
    return UserFactory(email="casey@example.com")


@pytest.fixture
def redis_cache(settings, redis_url):
    need("Redis", bool(redis_url), "REDIS_URL is not set")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"rehabit-test-{uuid.uuid4()}",
        }
    }


def sign_in(client, password, email="casey@example.com", **headers):
    return client.post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        content_type="application/json",
        **headers,
    )


def test_repeated_wrong_passwords_are_throttled_even_when_the_right_one_follows(client, casey, rates):
    rates(sign_in="3/hour")
    for _ in range(3):
        assert sign_in(client, "wrong").status_code == 401

    response = sign_in(client, RIGHT)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert not AuthToken.objects.exists()


def test_right_passwords_are_never_counted_as_failures(client, casey, rates):
    rates(sign_in="2/hour")

    assert [sign_in(client, RIGHT).status_code for _ in range(4)] == [200, 200, 200, 200]


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(client, casey, rates):
    rates(sign_in="3/hour")
    for n in range(3):
        sign_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    response = sign_in(client, RIGHT, HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert response.status_code == 429


def test_guessing_one_accounts_password_from_many_addresses_is_throttled(client, casey, rates):
    rates(sign_in="3/hour")
    for n in range(3 * FailedSignInThrottle.WIDER):
        sign_in(client, "wrong", REMOTE_ADDR=f"192.0.2.{n}")

    assert sign_in(client, RIGHT, REMOTE_ADDR="192.0.2.200").status_code == 429
    assert sign_in(client, "wrong", email="other@example.com", REMOTE_ADDR="192.0.2.201").status_code == 401


def test_one_persons_wrong_passwords_do_not_slow_others_signing_in_from_the_same_address(
    client, casey, rates
):
    rates(sign_in="3/hour")
    UserFactory(email="drew@example.com")
    for _ in range(3):
        sign_in(client, "wrong", email="drew@example.com")

    assert sign_in(client, "wrong", email="drew@example.com").status_code == 429
    assert sign_in(client, RIGHT).status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(client, casey, rates):
    rates(sign_in="3/hour")
    for n in range(3 * FailedSignInThrottle.WIDER):
        sign_in(client, "wrong", email=f"someone{n}@example.com")

    assert sign_in(client, RIGHT).status_code == 429


def test_signed_in_callers_are_throttled_per_user(casey, rates):
    rates(user="3/min")
    api = api_as(casey)

    statuses = [api.get("/api/v1/me/").status_code for _ in range(4)]

    assert statuses == [404, 404, 404, 429]
    assert api_as(UserFactory()).get("/api/v1/me/").status_code == 404  # another user is not slowed


def test_anonymous_callers_are_throttled_per_address(client, rates):
    rates(anon="2/min")

    accept = {"token": "not-a-token", "password": RIGHT}
    statuses = [
        client.post("/api/v1/auth/invitations/accept/", accept, content_type="application/json").status_code
        for _ in range(3)
    ]

    assert statuses == [400, 400, 429]


def test_throttle_counts_are_shared_through_redis(client, casey, redis_cache, rates, settings):
    rates(sign_in="2/hour")
    sign_in(client, "wrong")
    sign_in(client, "wrong")

    assert any(
        key
        for key in caches["default"]
        ._cache.get_client()
        .scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}*")
    )
    assert sign_in(client, RIGHT).status_code == 429


def test_a_token_is_stored_hashed(client, casey):
    token = sign_in(client, RIGHT).json()["token"]

    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key)
    assert token.startswith(stored.token_key)


def test_an_expired_token_is_refused(client, casey, settings):
    token = sign_in(client, RIGHT).json()["token"]
    later = timezone.now() + settings.REST_KNOX["TOKEN_TTL"] + timedelta(minutes=1)

    with time_machine.travel(later):
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 401
    assert not AuthToken.objects.exists()


def test_logout_revokes_only_this_devices_token(client, casey):
    phone, tablet = (sign_in(client, RIGHT).json()["token"] for _ in range(2))

    client.post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {phone}")

    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {phone}").status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {tablet}").status_code == 404


def test_guesses_sent_at_once_get_no_more_password_checks_than_the_limit(redis_cache, rates):
    """Each guess takes its place in the count before its password is checked: twenty in flight
    together, as from parallel connections, do not all read a count of nothing."""
    rates(sign_in="3/hour")
    body = {"email": "casey@example.com", "password": "wrong"}
    in_flight = []
    for _ in range(20):
        request = Request(
            APIRequestFactory().post("/api/v1/auth/token/", body, format="json"), parsers=[JSONParser()]
        )
        throttle = FailedSignInThrottle()
        in_flight.append((throttle, throttle.allow_request(request, None)))

    for throttle, allowed in in_flight:
        if allowed:
            throttle.record_failure()

    assert sum(allowed for _, allowed in in_flight) == 3
    assert 0 < max(throttle.wait() for throttle, allowed in in_flight if not allowed) <= 3600


def test_a_right_password_gives_its_place_back_so_it_never_counts(client, casey, redis_cache, rates):
    rates(sign_in="2/hour")

    assert [sign_in(client, RIGHT).status_code for _ in range(4)] == [200, 200, 200, 200]
    assert [sign_in(client, "wrong").status_code for _ in range(3)] == [401, 401, 429]


def test_a_malformed_sign_in_is_not_counted_as_a_refused_password(client, casey, rates):
    rates(sign_in="2/hour")

    assert [sign_in(client, RIGHT, email="not-an-email").status_code for _ in range(3)] == [400, 400, 400]
    assert sign_in(client, RIGHT).status_code == 200


def test_a_new_sign_in_forgets_the_accounts_expired_tokens(client, casey, settings):
    sign_in(client, RIGHT)
    later = timezone.now() + settings.REST_KNOX["TOKEN_TTL"] + timedelta(minutes=1)

    with time_machine.travel(later):
        fresh = sign_in(client, RIGHT).json()["token"]

    assert fresh.startswith(AuthToken.objects.get().token_key)


def test_a_token_is_checked_in_one_query_whatever_other_devices_hold(
    client, casey, django_assert_num_queries
):
    token = sign_in(client, RIGHT).json()["token"]
    sign_in(client, RIGHT)

    with django_assert_num_queries(2):  # the token with its user; then the client row (casey has none)
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 404
