"""Check-offs and adherence as CSV for practitioners: per client and per practice, streamed, safe to open."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.checkoffs.adherence import adherence_by_client, client_adherence, with_versions
from clients.checkoffs.csv_export import safe
from clients.models import Assignment, AuditEvent, Completion
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response.streaming, "the CSV is streamed"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def error_of(response) -> tuple[int, str | None, str]:
    body = response.json()
    return response.status_code, body["field"], body["code"]


@pytest.fixture
def checked(bob, bob_assignment, dana, dana_assignment, erin, erin_assignment):
    """Bob did two exercises yesterday, one with a note a spreadsheet would run; Dana one; Erin one."""
    yesterday = timezone.localdate() - timedelta(days=1)
    first, second = bob_assignment.program.items.order_by("position")[:2]
    Completion.objects.create(
        assignment=bob_assignment,
        assignment_exercise=first,
        date=yesterday,
        sets_done=3,
        reps_done=10,
        pain=2,
    )
    Completion.objects.create(
        assignment=bob_assignment, assignment_exercise=second, date=yesterday, note='=HYPERLINK("http://x")'
    )
    Completion.objects.create(
        assignment=dana_assignment, assignment_exercise=dana_assignment.program.items.first(), date=yesterday
    )
    Completion.objects.create(
        assignment=erin_assignment, assignment_exercise=erin_assignment.program.items.first(), date=yesterday
    )
    return yesterday


def test_a_clients_checkoffs_come_as_csv_rows_with_what_was_prescribed(alice, bob, checked):
    rows = rows_of(api_as(alice).get(f"/api/v1/clients/{bob.pk}/checkoffs.csv"))

    assert [row["client"] for row in rows] == ["Bob Client", "Bob Client"]
    assert rows[0]["date"] == checked.isoformat()
    assert rows[0]["sets_done"] == "3" and rows[0]["reps_done"] == "10" and rows[0]["pain"] == "2"
    assert rows[0]["prescribed"] and rows[0]["exercise"] and rows[0]["version"] == "1"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_plain_text(alice, bob, checked):
    rows = rows_of(api_as(alice).get(f"/api/v1/clients/{bob.pk}/checkoffs.csv"))

    assert rows[1]["note"] == '\'=HYPERLINK("http://x")'
    assert [safe(v) for v in ("+1", "-2", "@SUM", "\tx", "plain", 5, None)] == [
        "'+1",
        "'-2",
        "'@SUM",
        "'\tx",
        "plain",
        5,
        "",
    ]


def test_times_are_in_the_clients_timezone(alice, bob, checked):
    bob.timezone = "America/New_York"
    bob.save()
    rows = rows_of(api_as(alice).get(f"/api/v1/clients/{bob.pk}/checkoffs.csv"))

    assert rows[0]["recorded_at"].endswith("-05:00")  # December: Eastern Standard Time


def test_the_range_keeps_check_offs_outside_it_out(alice, bob, checked):
    day = checked - timedelta(days=1)
    rows = rows_of(api_as(alice).get(f"/api/v1/clients/{bob.pk}/checkoffs.csv?from={day}&to={day}"))

    assert rows == []


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("from=yesterday", "from", "invalid"),
        ("from=2026-02-30", "from", "invalid"),
        ("to=2026-W49-7", "to", "invalid"),
        ("from=2026-12-08&to=2026-12-01", "to", "invalid"),
        ("from=2025-01-01&to=2026-12-01", "to", "range_too_long"),
        ("to=0001-01-02", "from", "invalid"),
    ],
)
def test_a_bad_range_is_a_400_naming_the_field(alice, bob, query, field, code):
    for path in (f"/api/v1/clients/{bob.pk}/checkoffs.csv", "/api/v1/adherence.csv"):
        assert error_of(api_as(alice).get(f"{path}?{query}")) == (400, field, code)


def test_a_year_with_its_leap_day_is_allowed(alice, bob):
    response = api_as(alice).get(f"/api/v1/clients/{bob.pk}/checkoffs.csv?from=2027-12-01&to=2028-11-30")
    assert rows_of(response) == []


def test_another_practices_client_is_404_and_anonymous_401(alice, charlie, bob, erin, checked):
    for path in ("checkoffs.csv", "adherence.csv"):
        assert api_as(charlie).get(f"/api/v1/clients/{bob.pk}/{path}").status_code == 404
        assert api_as(alice).get(f"/api/v1/clients/{erin.pk}/{path}").status_code == 404
        assert api_as(None).get(f"/api/v1/clients/{bob.pk}/{path}").status_code == 401
        assert api_as(None).get(f"/api/v1/{path}").status_code == 401
        assert api_as(bob.user).get(f"/api/v1/{path}").status_code == 404  # clients have no practice CSVs


def test_the_practice_csv_has_every_client_of_the_practice_and_no_other(alice, charlie, dana, erin, checked):
    alices = {row["client"] for row in rows_of(api_as(alice).get("/api/v1/checkoffs.csv"))}
    charlies = {row["client"] for row in rows_of(api_as(charlie).get("/api/v1/checkoffs.csv"))}

    assert alices == {"Bob Client", dana.name}
    assert charlies == {erin.name}


def test_a_clients_adherence_is_the_one_rule_week_by_week(alice, bob, bob_assignment, checked):
    start, end = checked - timedelta(days=13), timezone.localdate()
    rows = rows_of(api_as(alice).get(f"/api/v1/clients/{bob.pk}/adherence.csv?from={start}&to={end}"))
    report = client_adherence(bob, start=start, end=end)

    assert sum(int(row["scheduled"]) for row in rows) == report.scheduled > 0
    assert sum(int(row["done"]) for row in rows) == report.done == 2
    assert rows[0]["week_start"] == start.isoformat()


def test_the_practices_adherence_is_a_row_per_client_by_the_one_rule(alice, bob, dana, checked):
    start, end = checked - timedelta(days=6), timezone.localdate()
    rows = rows_of(api_as(alice).get(f"/api/v1/adherence.csv?from={start}&to={end}"))
    figures = adherence_by_client(
        with_versions(Assignment.objects.filter(client__in=[bob, dana])), start=start, end=end
    )

    by_name = {row["client"]: row for row in rows}
    assert set(by_name) == {"Bob Client", dana.name}
    assert int(by_name["Bob Client"]["done"]) == figures[bob.pk].done == 2
    assert int(by_name["Bob Client"]["scheduled"]) == figures[bob.pk].scheduled
    assert by_name["Bob Client"]["from"] == start.isoformat()


def test_each_export_is_in_the_access_log_of_each_client_in_it(alice, bob, dana, checked):
    rows_of(api_as(alice).get(f"/api/v1/clients/{bob.pk}/checkoffs.csv"))
    rows_of(api_as(alice).get("/api/v1/checkoffs.csv"))
    rows_of(api_as(alice).get("/api/v1/adherence.csv"))

    exports = AuditEvent.objects.filter(action=AuditEvent.EXPORT_DATA, actor=alice)
    assert exports.filter(client=bob, object_type="CSV check-offs").count() == 2
    assert exports.filter(client=dana, object_type="CSV check-offs").count() == 1
    assert exports.filter(client=bob, object_type="CSV adherence").count() == 1


def test_the_workspace_offers_the_downloads_on_the_client_page_and_the_client_list(
    client, alice, bob, checked
):
    client.force_login(alice)
    page = client.get(reverse("workspace:client", args=[bob.pk])).content.decode()
    listing = client.get(reverse("workspace:clients")).content.decode()

    assert reverse("workspace:client-checkoffs-csv", args=[bob.pk]) in page
    assert reverse("workspace:client-adherence-csv", args=[bob.pk]) in page
    assert reverse("workspace:checkoffs-csv") in listing and reverse("workspace:adherence-csv") in listing
    for url in (
        reverse("workspace:client-checkoffs-csv", args=[bob.pk]),
        reverse("workspace:client-adherence-csv", args=[bob.pk]),
        reverse("workspace:checkoffs-csv"),
        reverse("workspace:adherence-csv"),
    ):
        assert rows_of(client.get(url, {"from": checked.isoformat(), "to": checked.isoformat()})) is not None


def test_a_bad_range_in_the_workspace_goes_back_saying_why(client, alice, bob):
    client.force_login(alice)
    response = client.get(
        reverse("workspace:client-checkoffs-csv", args=[bob.pk]), {"from": "2020-01-01"}, follow=True
    )

    assert response.redirect_chain[0][0].endswith(f"/clients/{bob.pk}/#checkoffs")
    assert "Nothing exported: to" in response.content.decode()


def test_the_workspace_practice_csv_is_the_current_practices_only(client, alice, charlie, checked):
    client.force_login(charlie)
    rows = rows_of(client.get(reverse("workspace:checkoffs-csv")))

    assert {row["client"] for row in rows} and "Bob Client" not in {row["client"] for row in rows}
