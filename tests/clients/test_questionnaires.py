"""Questionnaires the client fills in: scheduled on an assignment, due on their days, answered on
the phone page or the API, scored by their definition, and shown as outcome series of like measures."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from clients.consultations import questionnaires
from clients.models import AuditEvent, Consultation, QuestionnaireResponse
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

WORDING = [[f"Section {s} statement {n}" for n in range(6)] for s in range(10)]


def schedule(assignment, key="psfs", every=14, starts=None, by=None):
    return questionnaires.questionnaire_schedule(
        assignment=assignment,
        questionnaire=key,
        every_days=every,
        starts_on=starts or assignment.start_date,
        by=by,
    )


def psfs(*ratings, names=("Climbing stairs", "Sitting an hour", "Lifting a child")):
    return {
        "answers": {
            "activities": [{"activity": n, "rating": r} for n, r in zip(names, ratings, strict=False)]
        }
    }


def test_the_client_sees_a_scheduled_psfs_due_and_answers_it_scored_as_the_mean(bob, bob_assignment, alice):
    due = schedule(bob_assignment, by=alice)

    listing = api_as(bob.user).get("/api/v1/me/questionnaires/").json()
    assert [(q["id"], q["questionnaire"], q["due_on"]) for q in listing["results"]] == [
        (due.pk, "psfs", bob_assignment.start_date.isoformat())
    ]
    answer = api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{due.pk}/responses/", psfs(3, 5, 8), format="json"
    )

    assert answer.status_code == 201
    assert answer.json()["score"] == 5.3
    assert api_as(bob.user).get("/api/v1/me/questionnaires/").json()["count"] == 0
    assert AuditEvent.objects.filter(client=bob, action=AuditEvent.ANSWER_QUESTIONNAIRE).exists()


def test_a_psfs_is_asked_again_about_the_activities_named_last_time(bob, bob_assignment):
    due = schedule(bob_assignment, every=2)
    api_as(bob.user).post(f"/api/v1/me/questionnaires/{due.pk}/responses/", psfs(3, 5), format="json")

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        again = api_as(bob.user).get("/api/v1/me/questionnaires/").json()["results"]

    assert again[0]["activities"] == ["Climbing stairs", "Sitting an hour"]


def test_answering_twice_for_the_same_day_is_a_conflict_and_stores_one_answer(bob, bob_assignment):
    due = schedule(bob_assignment)
    url = f"/api/v1/me/questionnaires/{due.pk}/responses/"
    api_as(bob.user).post(url, psfs(3), format="json")

    again = api_as(bob.user).post(url, psfs(9), format="json")

    assert again.status_code == 409
    assert again.json()["field"] == "questionnaire"
    assert QuestionnaireResponse.objects.count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"answers": {"activities": [{"activity": "Stairs", "rating": 11}]}}, "answers.activities.0.rating"),
        (
            {
                "answers": {
                    "activities": [{"activity": "Stairs", "rating": 2}, {"activity": " ", "rating": 2}]
                }
            },
            "answers.activities.1.activity",
        ),
        ({"answers": {"activities": [{"activity": "x", "rating": 1}] * 6}}, "answers.activities"),
        (
            {"answers": {"activities": [{"activity": "Stairs", "rating": "high"}]}},
            "answers.activities.0.rating",
        ),
        ({"answers": []}, "answers"),
        ({}, "answers"),
    ],
)
def test_a_wrong_answer_is_refused_naming_it_and_nothing_is_stored(bob, bob_assignment, body, field):
    due = schedule(bob_assignment)

    answer = api_as(bob.user).post(f"/api/v1/me/questionnaires/{due.pk}/responses/", body, format="json")

    assert answer.status_code == 400
    assert answer.json()["field"] == field
    assert not QuestionnaireResponse.objects.exists()


def test_nprs_and_groc_are_scored_as_answered(bob, bob_assignment):
    pain, change = schedule(bob_assignment, "nprs"), schedule(bob_assignment, "groc")

    api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{pain.pk}/responses/", {"answers": {"pain": 4}}, format="json"
    )
    refused = api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{change.pk}/responses/", {"answers": {"change": 8}}, format="json"
    )
    api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{change.pk}/responses/", {"answers": {"change": -3}}, format="json"
    )

    assert refused.json()["field"] == "answers.change"
    assert dict(QuestionnaireResponse.objects.values_list("questionnaire", "score")) == {
        "nprs": 4,
        "groc": -3,
    }


def test_the_odi_is_offered_only_once_the_practice_has_entered_its_wording(
    bob, bob_assignment, alice_practice
):
    with pytest.raises(Exception, match="wording"):
        schedule(bob_assignment, "odi")

    practice = bob_assignment.client.practice
    practice.odi_wording = WORDING
    practice.save()
    due = schedule(bob_assignment, "odi")
    listed = api_as(bob.user).get("/api/v1/me/questionnaires/").json()["results"][0]
    answer = api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{due.pk}/responses/",
        {"answers": {"sections": [2, 3, None, 1, 2, 2, 1, None, 2, 1]}},
        format="json",
    )

    assert listed["sections"][0] == {"title": "Pain intensity", "statements": WORDING[0]}
    assert answer.json()["score"] == 35  # 14 points of 40 over the eight sections answered


def test_the_odi_wording_is_entered_by_an_owner_in_six_lines_a_section(client, alice, alice_practice):
    client.force_login(alice)
    data = {f"section_{n}": "\n".join(WORDING[n]) for n in range(10)}

    short = client.post("/questionnaires/odi-wording/", {**data, "section_3": "only\ntwo"})
    assert short.status_code == 400 and "this has 2" in short.content.decode()
    client.post("/questionnaires/odi-wording/", data)

    alice_practice.refresh_from_db()
    assert questionnaires.odi_wording_ready(alice_practice)


def test_a_questionnaire_is_due_again_on_its_next_day_and_overdue_three_days_after(bob, bob_assignment):
    due = schedule(bob_assignment, "nprs", every=7)
    api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{due.pk}/responses/", {"answers": {"pain": 5}}, format="json"
    )

    week_later = bob_assignment.start_date + timedelta(days=7)
    [again] = questionnaires.due_for(
        bob,
        now=timezone.make_aware(
            timezone.datetime.combine(week_later, timezone.datetime.min.time().replace(hour=12))
        ),
    )
    assert again.due_on == week_later and not again.overdue
    later = week_later + timedelta(days=3)
    [late] = questionnaires.due_for(
        bob,
        now=timezone.make_aware(
            timezone.datetime.combine(later, timezone.datetime.min.time().replace(hour=12))
        ),
    )
    assert late.due_on == week_later and late.overdue


def test_a_stopped_questionnaire_is_no_longer_due(bob, bob_assignment):
    due = schedule(bob_assignment)
    questionnaires.questionnaire_stop(schedule=due)

    assert questionnaires.due_for(bob) == []
    assert (
        api_as(bob.user)
        .post(f"/api/v1/me/questionnaires/{due.pk}/responses/", psfs(3), format="json")
        .status_code
        == 409
    )


def test_another_clients_questionnaire_cannot_be_answered(bob, dana, dana_assignment):
    danas = schedule(dana_assignment)

    answer = api_as(bob.user).post(f"/api/v1/me/questionnaires/{danas.pk}/responses/", psfs(3), format="json")

    assert answer.status_code == 404
    assert not QuestionnaireResponse.objects.exists()


def test_outcomes_compare_like_with_like_and_mark_the_mcid(bob, bob_assignment, alice):
    Consultation.objects.create(
        client=bob,
        practitioner=alice,
        scheduled_at=timezone.now() - timedelta(days=3),
        pain=7,
        odi_percent=40,
    )
    pain = schedule(bob_assignment, "nprs")
    api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{pain.pk}/responses/", {"answers": {"pain": 4}}, format="json"
    )

    series = questionnaires.outcome_series(bob)

    assert set(series) == {"nprs", "odi"}
    first, second = series["nprs"].points
    assert (first.value, first.source, second.value, second.source) == (7, "consultation", 4, "questionnaire")
    assert second.change == -3 and second.important and second.better
    assert series["nprs"].mcid == 2 and series["odi"].mcid == 10 and series["nprs"].better == "lower"


def test_a_global_rating_of_change_is_itself_the_change(bob, bob_assignment):
    due = schedule(bob_assignment, "groc")
    api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{due.pk}/responses/", {"answers": {"change": 4}}, format="json"
    )

    [point] = questionnaires.outcome_series(bob)["groc"].points

    assert point.change == 4 and point.important and point.better


def test_returned_and_overdue_questionnaires_are_listed_for_the_practice_until_looked_at(
    client, alice, alice_practice, bob, bob_assignment, dana, dana_assignment, erin, erin_assignment
):
    answered = schedule(bob_assignment, "nprs")
    api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{answered.pk}/responses/", {"answers": {"pain": 2}}, format="json"
    )
    schedule(dana_assignment, "nprs")  # began three days ago: overdue
    schedule(erin_assignment, "nprs")  # another practice's

    attention = questionnaires.questionnaires_needing_attention(practice=alice_practice)

    assert [(a.client, a.returned, len(a.overdue)) for a in attention] == [(bob, 1, 0), (dana, 0, 1)]
    client.force_login(alice)
    assert client.get(f"/clients/{bob.pk}/questionnaires/").status_code == 200
    assert [a.client for a in questionnaires.questionnaires_needing_attention(practice=alice_practice)] == [
        dana
    ]


def test_the_attention_list_takes_the_same_queries_whatever_the_number_of_clients(
    alice_practice, alice, django_assert_num_queries
):
    from tests.factories import ClientFactory, assign

    for _ in range(4):
        someone = ClientFactory(practice=alice_practice, practitioner=alice)
        schedule(assign(someone, start=timezone.localdate() - timedelta(days=5)), "nprs")

    with django_assert_num_queries(4):
        assert len(questionnaires.questionnaires_needing_attention(practice=alice_practice)) == 4


def test_the_practitioner_schedules_one_every_two_weeks_from_the_clients_questionnaires_page(
    client, alice, bob, bob_assignment
):
    client.force_login(alice)

    page = client.post(
        f"/clients/{bob.pk}/questionnaires/",
        {
            "schedule-assignment": bob_assignment.pk,
            "schedule-questionnaire": "psfs",
            "schedule-every_days": 14,
            "schedule-starts_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )

    html = page.content.decode()
    assert "every 14 days" in html and "Due" in html
    assert bob_assignment.questionnaire_schedules.get().every_days == 14


def test_the_export_holds_the_answers_and_erasure_keeps_the_scores_but_not_the_activities_named(
    alice, bob, bob_assignment
):
    from clients.privacy import rights

    due = schedule(bob_assignment)
    api_as(bob.user).post(f"/api/v1/me/questionnaires/{due.pk}/responses/", psfs(3, 5), format="json")

    exported = rights.client_data(bob)["questionnaires"]
    assert exported["asked"][0]["questionnaire"] == "psfs"
    assert exported["answers"][0]["answers"]["activities"][0]["activity"] == "Climbing stairs"
    rights.client_erase(client=bob, by=alice)
    kept = QuestionnaireResponse.objects.get()
    assert kept.score == 4 and [a["activity"] for a in kept.answers["activities"]] == ["", ""]


def test_the_client_pages_questionnaires_section_shows_what_is_due_and_new_answers(
    rf, alice, bob, bob_assignment
):
    from django.template.loader import render_to_string

    answered = schedule(bob_assignment, "nprs")
    api_as(bob.user).post(
        f"/api/v1/me/questionnaires/{answered.pk}/responses/", {"answers": {"pain": 3}}, format="json"
    )
    schedule(bob_assignment, "groc", starts=timezone.localdate())
    request = rf.get("/")
    request.user = alice

    html = render_to_string("clients/_questionnaires_section.html", {"client": bob}, request=request)

    assert "Global rating of change · " in html and "due " in html and "Pain rating" not in html
    assert f'href="/clients/{bob.pk}/questionnaires/"' in html and "1<span" in html


# --- the practitioner API -------------------------------------------------------------------


def test_a_practitioner_schedules_a_questionnaire_over_the_api_and_the_client_finds_it_due(
    alice, bob, bob_assignment
):
    path = f"/api/v1/assignments/{bob_assignment.pk}/questionnaires/"

    made = api_as(alice).post(path, {"questionnaire": "psfs", "every_days": 14}, format="json")

    assert made.status_code == 201
    schedule = made.json()
    assert (schedule["questionnaire"], schedule["every_days"], schedule["stopped_at"]) == ("psfs", 14, None)
    assert schedule["starts_on"] == str(max(bob_assignment.start_date, timezone.localdate()))
    assert [d["id"] for d in api_as(bob.user).get("/api/v1/me/questionnaires/").json()["results"]] == [
        schedule["id"]
    ]
    assert api_as(alice).get(path).json()["results"] == [schedule]


def test_a_stopped_questionnaire_is_no_longer_due_and_stays_listed_as_stopped(alice, bob, bob_assignment):
    path = f"/api/v1/assignments/{bob_assignment.pk}/questionnaires/"
    made = api_as(alice).post(path, {"questionnaire": "nprs", "every_days": 7}, format="json").json()

    stopped = api_as(alice).delete(f"{path}{made['id']}/")

    assert stopped.status_code == 204
    assert api_as(bob.user).get("/api/v1/me/questionnaires/").json()["count"] == 0
    [listed] = api_as(alice).get(path).json()["results"]
    assert listed["stopped_at"] is not None
    assert listed["next_due_on"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"questionnaire": "sf36", "every_days": 14}, "questionnaire"),
        ({"questionnaire": "odi", "every_days": 14}, "questionnaire"),  # no licensed wording yet
        ({"questionnaire": "nprs", "every_days": 0}, "every_days"),
        ({"questionnaire": "nprs", "every_days": 400}, "every_days"),
        ({"questionnaire": "nprs"}, "every_days"),
        ({"questionnaire": "nprs", "every_days": 7, "starts_on": "2001-01-01"}, "starts_on"),
        ({"questionnaire": "nprs", "every_days": 7, "starts_on": "soon"}, "starts_on"),
    ],
)
def test_a_bad_questionnaire_schedule_is_refused_naming_the_field(alice, bob_assignment, body, field):
    answer = api_as(alice).post(
        f"/api/v1/assignments/{bob_assignment.pk}/questionnaires/", body, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["field"] == field
    assert not bob_assignment.questionnaire_schedules.exists()


def test_another_practices_assignment_and_schedule_are_404_to_a_practitioner(
    alice, charlie, bob_assignment, erin_assignment
):
    mine = api_as(alice).post(
        f"/api/v1/assignments/{bob_assignment.pk}/questionnaires/",
        {"questionnaire": "nprs", "every_days": 7},
        format="json",
    )
    path = f"/api/v1/assignments/{bob_assignment.pk}/questionnaires/"

    assert api_as(charlie).get(path).status_code == 404
    assert (
        api_as(charlie).post(path, {"questionnaire": "nprs", "every_days": 7}, format="json").status_code
        == 404
    )
    assert api_as(charlie).delete(f"{path}{mine.json()['id']}/").status_code == 404
    theirs = f"/api/v1/assignments/{erin_assignment.pk}/questionnaires/{mine.json()['id']}/"
    assert api_as(alice).delete(theirs).status_code == 404  # not on that assignment either
    assert bob_assignment.questionnaire_schedules.get().stopped_at is None
