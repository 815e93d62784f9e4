"""The workspace is on the practitioner's clock (their membership's timezone); what a client
reads stays on the client's."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from clients import emails
from clients.models import AuditEvent, HandoutBatch
from tests.factories import assign

pytestmark = pytest.mark.django_db

SUMMER = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


def book(client, bob, *, day="2027-06-10", at="10:00"):
    return client.post(
        f"/clients/{bob.pk}/consultations/new/", {"date": day, "time": at, "duration_minutes": 45}
    )


@time_machine.travel(SUMMER, tick=False)
def test_the_consultation_page_shows_the_time_booked_in_london_summer_time(client, alice, bob):
    client.force_login(alice)

    page = client.get(book(client, bob).url)

    assert "Thursday 10 Jun 2027, 10:00 (Europe/London)" in page.text


@time_machine.travel(SUMMER, tick=False)
def test_a_new_york_practitioner_reads_the_consultation_at_the_time_they_booked(client, alice, bob):
    alice.memberships.update(timezone="America/New_York")
    client.force_login(alice)

    page = client.get(book(client, bob, at="11:00").url)

    assert "Thursday 10 Jun 2027, 11:00 (America/New_York)" in page.text
    assert 'name="move-time" value="11:00"' in page.text


def test_the_client_page_lists_latest_access_and_consultations_on_the_practitioners_clock(client, alice, bob):
    alice.memberships.update(timezone="America/New_York")
    with time_machine.travel(datetime(2027, 1, 5, 15, 30, tzinfo=UTC), tick=False):
        AuditEvent.objects.create(actor=alice, client=bob, action=AuditEvent.VIEW_CLIENT)
    client.force_login(alice)

    page = client.get(f"/clients/{bob.pk}/").text
    log = client.get(f"/clients/{bob.pk}/audit/").text

    # The client page writes moments in the workspace's one style (DATETIME_FORMAT).
    assert date_format(datetime(2027, 1, 5, 10, 30), "DATETIME_FORMAT") in page
    assert date_format(datetime(2027, 1, 5, 15, 30), "DATETIME_FORMAT") not in page
    assert "in your timezone, America/New_York" in log
    assert "5 Jan 2027, 10:30" in log and "5 Jan 2027, 15:30" not in log


def test_a_version_page_says_when_it_was_given_on_the_practitioners_clock(client, alice, bob):
    alice.memberships.update(timezone="Asia/Tokyo")
    with time_machine.travel(datetime(2027, 1, 5, 20, 15, tzinfo=UTC), tick=False):
        assignment = assign(bob, start=datetime(2027, 1, 6).date())
    client.force_login(alice)

    page = client.get(f"/assignments/{assignment.pk}/versions/1/").text

    assert "Given 6 Jan 2027, 05:15 (Asia/Tokyo)" in page


def test_the_handout_run_page_says_when_it_was_asked_for_and_finished_on_the_practitioners_clock(
    client, alice, alice_practice
):
    alice.memberships.update(timezone="America/Los_Angeles")
    batch = HandoutBatch.objects.create(
        practice=alice_practice,
        requested_by=alice,
        status=HandoutBatch.DONE,
        finished_at=datetime(2027, 1, 5, 18, 0, 30, tzinfo=UTC),
    )
    HandoutBatch.objects.filter(pk=batch.pk).update(created_at=datetime(2027, 1, 5, 18, 0, tzinfo=UTC))
    client.force_login(alice)

    run = client.get(f"/handouts/batches/{batch.pk}/").text
    runs = client.get("/handouts/batches/").text

    assert "Asked for 5 Jan 2027, 10:00" in run and "finished 10:00:30 (America/Los_Angeles)" in run
    assert "Asked for (America/Los_Angeles)" in runs and "5 Jan 2027, 10:00" in runs


def test_the_reminders_page_stays_on_the_clients_clock(client, alice, bob):
    alice.memberships.update(timezone="America/New_York")
    bob.timezone = "Asia/Tokyo"
    bob.save()
    client.force_login(alice)

    page = client.get(f"/clients/{bob.pk}/reminders/").text

    assert "local time (Asia/Tokyo)" in page


def test_the_invitation_email_dates_the_link_on_the_clients_calendar_whichever_page_sends_it(bob):
    bob.timezone = "Pacific/Pago_Pago"  # UTC-11; the workspace below is UTC+14
    expires_at = datetime(2027, 1, 17, 11, 0, tzinfo=UTC)  # 17 Jan 00:00 there, 18 Jan 01:00 here

    with timezone.override(ZoneInfo("Pacific/Kiritimati")):
        emails.send_invitation(bob, "https://rehabit.example/invite/x/", expires_at)

    assert "until 17 January 2027" in mail.outbox[-1].body
