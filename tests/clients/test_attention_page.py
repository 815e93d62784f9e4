"""Needs attention: the workspace's first page and its API, scoped to the practice, with the
top bar's count; a constant number of queries whatever the practice's size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.consultations import questionnaires
from clients.messages import thread
from clients.models import Alert, AuditEvent, Completion, Consultation, QuestionnaireSchedule
from clients.privacy import rights
from tests.conftest import api_as
from tests.factories import ClientFactory, assign

pytestmark = pytest.mark.django_db


def alert_for(client, kind=Alert.PAIN, reason="Pain 8/10 in Squat") -> Alert:
    return Alert.objects.create(
        client=client, kind=kind, local_date=timezone.localdate(), raised_at=timezone.now(), reason=reason
    )


def test_signing_in_lands_on_needs_attention(client, alice):
    client.force_login(alice)

    assert client.get("/").url == "/attention/"


def test_nothing_to_look_at_says_so_and_offers_the_clients(client, alice, bob):
    client.force_login(alice)

    page = client.get("/attention/").text

    assert "Nothing needs your attention right now" in page
    assert 'href="/clients/"' in page


def test_open_alerts_consultations_and_suggestions_each_link_to_their_place(client, alice, bob, dana):
    pain = alert_for(bob)
    alert_for(dana, Alert.QUIET, "Nothing checked off for 7 days")
    booked = Consultation.objects.create(client=bob, scheduled_at=timezone.now() + timedelta(hours=2))
    program = assign(dana, start=timezone.localdate() - timedelta(days=20))
    item = program.program.items.first()
    Completion.objects.create(
        assignment=program, assignment_exercise=item, date=timezone.localdate() - timedelta(days=1), pain=6
    )
    client.force_login(alice)

    page = client.get("/attention/").text

    assert f'href="/clients/{bob.pk}/#checkoffs"' in page and "Pain 8/10 in Squat" in page
    assert f'action="/attention/alerts/{pain.pk}/handle/"' in page
    assert f'href="/clients/{dana.pk}/#overview"' in page
    assert f'href="/consultations/{booked.pk}/"' in page
    assert f"Consider easing: {item.exercise.name}" in page
    assert f'href="/assignments/{program.pk}/edit/#suggestions"' in page
    assert f'action="/assignments/{program.pk}/suggestions/{item.pk}/apply/"' in page


def test_the_top_bar_counts_open_alerts_of_the_practice_only(client, alice, bob, dana, erin):
    alert_for(bob)
    alert_for(dana).__class__.objects.filter(client=dana).update(handled_at=timezone.now())
    alert_for(erin)
    client.force_login(alice)

    page = client.get("/clients/").text

    assert '<span class="count"><span class="visually-hidden">open: </span>1</span>' in page


def test_unread_messages_and_returned_questionnaires_are_listed_and_counted(client, alice, bob, erin):
    thread.message_send(client=bob, author=bob.user, body="Can I do the bridges twice a day?")
    answer_nprs(bob, assign(bob, start=timezone.localdate()))
    thread.message_send(client=erin, author=erin.user, body="Erin's message")
    client.force_login(alice)

    page = client.get("/attention/").text

    assert f'href="/clients/{bob.pk}/messages/"' in page and "1 unread message" in page
    assert f'href="/clients/{bob.pk}/questionnaires/"' in page and "1 answer returned" in page
    assert "Can I do the bridges" not in page  # a list of who waits, never what they wrote
    assert "Erin" not in page
    assert '<span class="visually-hidden">open: </span>2</span>' in page


def test_a_waiting_message_and_a_returned_answer_say_when_they_came(client, alice, bob):
    thread.message_send(client=bob, author=bob.user, body="Can I do the bridges twice a day?")
    answer_nprs(bob, assign(bob, start=timezone.localdate()))
    client.force_login(alice)

    page = client.get("/attention/").text
    answer = api_as(alice).get("/api/v1/attention/").json()

    assert page.count("<time datetime=") == 2
    assert {item["source"]: bool(item["at"]) for item in answer["items"]} == {
        "messages": True,
        "questionnaires": True,
    }


def test_a_questionnaire_only_overdue_says_the_day_it_was_due(bob):
    attention = questionnaires.Attention(bob, 0, [], None)
    assert attention.since is None
    due = questionnaires.Due(schedule=None, questionnaire=None, due_on=timezone.localdate(), overdue=True)
    assert questionnaires.Attention(bob, 0, [due], None).since == timezone.localdate()


def test_needs_attention_counts_what_it_lists_as_the_top_bar_of_every_page_does(client, alice, bob, dana):
    alert_for(bob)
    alert_for(dana, Alert.MISSED, "Missed 3 days")
    thread.message_send(client=bob, author=bob.user, body="One")
    thread.message_send(client=bob, author=bob.user, body="Two")
    answer_nprs(bob, assign(bob, start=timezone.localdate()))
    answer_nprs(dana, assign(dana, start=timezone.localdate()))
    rights.client_erase(client=dana, by=alice)  # her answers stay, tied to no one: nothing to look at
    client.force_login(alice)
    counted = '<span class="visually-hidden">open: </span>5</span>'  # 2 alerts, 2 messages, 1 answer

    assert counted in client.get("/clients/").text
    assert counted in client.get("/attention/").text


def test_reading_the_thread_takes_the_client_off_the_list(client, alice, bob):
    thread.message_send(client=bob, author=bob.user, body="Hello")
    client.force_login(alice)

    client.get(f"/clients/{bob.pk}/messages/")

    assert f'href="/clients/{bob.pk}/messages/"' not in client.get("/attention/").text


def test_another_practices_alerts_never_show(client, alice, bob, erin):
    alert_for(erin, reason="Pain 9/10 in Erin's squat")
    client.force_login(alice)

    assert "Erin" not in client.get("/attention/").text


def practice_of(size: int, alice):
    practice = alice.memberships.get().practice
    today = timezone.localdate()
    for n in range(size):
        someone = ClientFactory(practice=practice, practitioner=alice, name=f"Client {n}")
        program = assign(someone, start=today - timedelta(days=14))
        for item in program.program.items.all():
            Completion.objects.create(
                assignment=program,
                assignment_exercise=item,
                date=today - timedelta(days=1),
                pain=6 if n % 2 else 1,
            )
        alert_for(someone)
        Consultation.objects.create(client=someone, scheduled_at=timezone.now() + timedelta(hours=3))
        thread.message_send(client=someone, author=someone.user, body="A question about my knee")
        answer_nprs(someone, program)


def answer_nprs(someone, program):
    schedule = QuestionnaireSchedule.objects.create(
        assignment=program, questionnaire="nprs", every_days=14, starts_on=timezone.localdate()
    )
    questionnaires.response_submit(client=someone, schedule=schedule, answers={"pain": 4})


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/attention/", "/api/v1/attention/"])
def test_needs_attention_costs_the_same_queries_for_5_clients_as_for_50(client, alice, url):
    client.force_login(alice)
    practice_of(5, alice)
    few = queries_of(client, url)

    practice_of(45, alice)

    assert queries_of(client, url) == few


# --- the API -----------------------------------------------------------------------------------


def test_the_api_lists_what_needs_attention_with_the_count(alice, bob):
    pain = alert_for(bob)

    body = api_as(alice).get("/api/v1/attention/").json()

    assert body["top_bar_count"] == 1
    (item,) = body["items"]
    assert item["source"] == "pain_alert" and item["alert"] == pain.pk and item["client"] == bob.pk
    assert item["url"].endswith(f"/clients/{bob.pk}/#checkoffs")


def test_handling_over_the_api_records_who_and_leaves_the_list(alice, bob):
    pain = alert_for(bob)
    api = api_as(alice)

    response = api.post(f"/api/v1/alerts/{pain.pk}/handle/")

    assert response.status_code == 200
    assert response.json()["handled_by"] == alice.pk
    assert AuditEvent.objects.filter(action=AuditEvent.HANDLE_ALERT, client=bob).count() == 1
    assert api.get("/api/v1/attention/").json() == {"top_bar_count": 0, "items": []}
    again = api.post(f"/api/v1/alerts/{pain.pk}/handle/")
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_another_practices_alert_is_404_over_the_api(alice, erin):
    theirs = alert_for(erin)

    response = api_as(alice).post(f"/api/v1/alerts/{theirs.pk}/handle/")

    assert response.status_code == 404
    assert Alert.objects.get(pk=theirs.pk).handled_at is None
    assert api_as(alice).get("/api/v1/attention/").json()["items"] == []


def test_a_client_sign_in_finds_no_attention_api(bob, alice):
    assert api_as(bob.user).get("/api/v1/attention/").status_code == 404
    assert api_as(None).get("/api/v1/attention/").status_code == 401


def test_the_schema_describes_needs_attention_and_handling(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()

    assert {"200", "401", "404"} <= set(schema["paths"]["/api/v1/attention/"]["get"]["responses"])
    assert {"200", "404", "409"} <= set(schema["paths"]["/api/v1/alerts/{id}/handle/"]["post"]["responses"])
