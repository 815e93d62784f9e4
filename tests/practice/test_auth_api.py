import pytest
from knox.models import AuthToken

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(email="casey@example.com")


def test_a_right_password_gets_a_token_with_its_expiry(client, user):
    response = client.post(
        "/api/v1/auth/token/",
        {"email": "Casey@Example.com", "password": "correct-horse-battery"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}


def test_a_wrong_password_is_refused_without_a_token(client, user):
    response = client.post(
        "/api/v1/auth/token/",
        {"email": "casey@example.com", "password": "nope"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.exists()


def test_a_missing_email_is_a_400_naming_the_field(client):
    response = client.post("/api/v1/auth/token/", {"password": "x"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["field"] == "email"


def test_logout_revokes_the_token(client, user):
    token = client.post(
        "/api/v1/auth/token/",
        {"email": "casey@example.com", "password": "correct-horse-battery"},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}

    assert client.post("/api/v1/auth/logout/", **auth).status_code == 204
    assert client.get("/api/v1/me/", **auth).status_code == 401
