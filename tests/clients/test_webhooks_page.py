"""The webhooks page in a real browser: an owner registers an endpoint, copies its secret, reads the
delivery log and redelivers; no serious accessibility finding, wide or on a phone."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from clients.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import need, sign_in_by_cookie
from tests.test_browser_journey import AXE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SCREENSHOTS")  # a folder to keep the pages' pictures in, for a look


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def a_delivery_log(endpoint: WebhookEndpoint) -> None:
    now = timezone.now()
    for n, (status, code, error) in enumerate(
        [
            (WebhookDelivery.DELIVERED, 200, ""),
            (WebhookDelivery.PENDING, 503, "Service Unavailable"),
            (WebhookDelivery.FAILED, None, "No answer within 10 seconds."),
        ]
    ):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="completion.created" if n != 1 else "alert.raised",
            webhook_id=f"msg_{n:032x}",
            payload={},
            status=status,
            attempts=n + 1 if n < 2 else 8,
            next_attempt_at=now,
            last_attempt_at=now,
            last_status_code=code,
            last_error=error,
        )


@pytest.mark.parametrize("width", [1280, 390])
def test_an_owner_registers_an_endpoint_copies_its_secret_and_reads_the_log(
    chromium, live_server, alice, width
):
    need("axe-core", AXE.exists(), f"{AXE} is missing (run `npm ci`, or `make install`)")
    page = chromium.new_page(viewport={"width": width, "height": 900})
    sign_in_by_cookie(page.context, live_server, alice)

    page.goto(f"{live_server.url}/practice/")
    page.get_by_role("link", name="Manage webhooks").click()
    assert_accessible(page)
    shot(page, f"webhooks-empty-{width}")
    page.get_by_label("URL").fill("https://93.184.215.14/rehabit")
    page.get_by_label("completion.created", exact=False).check()
    page.get_by_label("alert.raised", exact=False).check()
    page.get_by_role("button", name="Register").click()

    endpoint = WebhookEndpoint.objects.get()
    assert page.locator("code.secret").inner_text() == endpoint.secret
    assert endpoint.events == ["completion.created", "alert.raised"]
    a_delivery_log(endpoint)
    page.reload()
    assert page.locator("code.secret").count() == 0  # shown once
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"webhook-{width}")
    page.get_by_role("button", name="Redeliver msg_00000000000000000000000000000002").click()
    page.get_by_text("Sent again, under the same webhook-id.").wait_for()
    # Attempted again at once (no network here, so it failed again): one attempt more, same id.
    assert WebhookDelivery.objects.get(webhook_id=f"msg_{2:032x}").attempts == 9
    page.get_by_role("button", name="Rotate the secret").click()
    page.locator("code.secret").wait_for()
    endpoint.refresh_from_db()
    assert page.locator("code.secret").inner_text() == endpoint.secret
    shot(page, f"webhook-rotated-{width}")
