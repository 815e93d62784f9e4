import pytest

from tests.conftest import need

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker(client, settings):
    need("Redis", settings.CELERY_BROKER_URL.startswith("redis://"), "REDIS_URL is not set")

    response = client.get("/api/v1/health/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "cache": "ok"}


def test_health_says_503_when_the_broker_is_unreachable(client, settings):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/api/v1/health/")
    finally:
        app.conf.broker_url = original

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error")


def test_the_schema_describes_the_client_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/me/",
        "/api/v1/me/today/",
        "/api/v1/me/completions/{completion_id}/",
        "/api/v1/auth/token/",
        "/api/v1/health/",
    ]:
        assert path in paths


def test_the_api_docs_page_loads_without_outside_assets(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()
