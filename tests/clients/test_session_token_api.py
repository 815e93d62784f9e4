"""A client signed in on the web gets the phone page's token from that session, and signing out
of the phone page ends the web session too (so it cannot sign the page straight back in)."""

import pytest
from django.test import Client as Browser
from knox.models import AuthToken

pytestmark = pytest.mark.django_db

SESSION_TOKEN = "/api/v1/auth/token/session/"
LOGOUT = "/api/v1/auth/logout/"


def post(browser: Browser, path: str, **headers):
    return browser.post(path, content_type="application/json", **headers)


def browser_signed_in_as(user) -> tuple[Browser, str]:
    """A browser that checks CSRF as a real one does, signed in on the web, with its CSRF token."""
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/app/")
    return browser, browser.cookies["csrftoken"].value


def test_a_client_signed_in_on_the_web_gets_a_phone_token_from_the_session(bob):
    browser, csrf = browser_signed_in_as(bob.user)

    response = post(browser, SESSION_TOKEN, HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}
    me = Browser().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.json()["email"] == "bob@example.com"


def test_the_session_gets_no_token_without_its_csrf_token(bob):
    browser, _ = browser_signed_in_as(bob.user)

    response = post(browser, SESSION_TOKEN)

    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert not AuthToken.objects.exists()


def test_without_a_web_session_there_is_no_token(bob):
    response = post(Browser(), SESSION_TOKEN)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_practitioners_web_session_gets_no_phone_token(alice):
    browser, csrf = browser_signed_in_as(alice)

    response = post(browser, SESSION_TOKEN, HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 404
    assert not AuthToken.objects.exists()


def test_the_phone_page_knows_whether_the_browser_is_signed_in_as_a_client(bob, alice):
    assert Browser().get("/app/").context["web_session"]["client"] is False
    browser, _ = browser_signed_in_as(bob.user)
    assert browser.get("/app/").context["web_session"]["client"] is True
    browser, _ = browser_signed_in_as(alice)
    assert browser.get("/app/").context["web_session"]["client"] is False


def test_signing_out_with_the_token_ends_the_same_accounts_web_session(bob):
    browser, csrf = browser_signed_in_as(bob.user)
    token = post(browser, SESSION_TOKEN, HTTP_X_CSRFTOKEN=csrf).json()["token"]

    assert post(browser, LOGOUT, HTTP_AUTHORIZATION=f"Token {token}").status_code == 204

    assert browser.get("/").url == "/accounts/login/"
    assert not AuthToken.objects.exists()
    assert post(browser, SESSION_TOKEN, HTTP_X_CSRFTOKEN=csrf).status_code == 401


def test_signing_out_with_the_token_leaves_another_accounts_web_session_alone(bob, dana):
    browser, _ = browser_signed_in_as(dana.user)
    _, bobs_token = AuthToken.objects.create(bob.user)

    assert post(browser, LOGOUT, HTTP_AUTHORIZATION=f"Token {bobs_token}").status_code == 204

    assert browser.get("/").url == "/app/"  # Dana is still signed in on the web


def test_a_web_session_alone_signs_out_with_its_csrf_token(bob):
    browser, csrf = browser_signed_in_as(bob.user)

    assert post(browser, LOGOUT).status_code == 403  # no CSRF token: nothing ended
    assert browser.get("/").url == "/app/"
    assert post(browser, LOGOUT, HTTP_X_CSRFTOKEN=csrf).status_code == 204

    assert browser.get("/").url == "/accounts/login/"
