"""Every /api/v1/ endpoint against every kind of outsider, as one table to read down.

The objects belong to Bob (Alice's client) and to Alice's practice. The outsiders are
anyone anonymous, Erin (a client of another practice), Dana (another of Alice's clients)
and Charlie (a practitioner of another practice). Each must get 401 or 404 -- or, on a
collection, only their own rows -- and no answer may carry any of Bob's or Alice's data.
"""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import (
    Alert,
    Assignment,
    AssignmentPause,
    Client,
    Completion,
    Consultation,
    Message,
    PushSubscription,
    QuestionnaireResponse,
    QuestionnaireSchedule,
    WebhookDelivery,
    WebhookEndpoint,
)
from programs.models import Exercise, Program
from tests.conftest import api_as
from tests.factories import ExerciseFactory, TemplateFactory

pytestmark = pytest.mark.django_db

OWN = "own"  # 200, with the caller's own rows only (checked below: none of Bob's data)
NOT_IN_FIELD = 400  # the id is refused as "does not exist", exactly like an id nobody has

# fmt: off
#   method    path                                                anonymous  erin  dana  charlie
TABLE = [
    ("GET",    "/api/v1/me/",                                     401,  OWN,  OWN,  404),
    ("PATCH",  "/api/v1/me/",                                     401,  OWN,  OWN,  404),
    ("GET",    "/api/v1/me/assignments/",                         401,  OWN,  OWN,  404),
    ("GET",    "/api/v1/me/assignments/{assignment}/",            401,  404,  404,  404),
    ("GET",    "/api/v1/me/assignments/{assignment}/handout.pdf", 401,  404,  404,  404),
    ("GET",    "/api/v1/me/today/",                               401,  OWN,  OWN,  404),
    ("GET",    "/api/v1/me/adherence/",                           401,  OWN,  OWN,  404),
    ("GET",    "/api/v1/me/push-subscriptions/",                  401,  OWN,  OWN,  404),
    ("DELETE", "/api/v1/me/push-subscriptions/{push}/",           401,  404,  404,  404),
    ("PUT",    "/api/v1/me/completions/{completion}/",            401,  404,  404,  404),
    ("DELETE", "/api/v1/me/completions/{completion}/",            401,  404,  404,  404),
    ("POST",   "/api/v1/me/completions/batch/",                   401,  OWN,  OWN,  404),
    ("GET",    "/api/v1/me/export/",                              401,  OWN,  OWN,  404),
    ("GET",    "/api/v1/me/fhir/",                                401,  OWN,  OWN,  404),
    ("POST",   "/api/v1/me/erasure/",                             401,  202,  202,  404),
    ("GET",    "/api/v1/me/messages/",                            401,  OWN,  OWN,  404),
    ("POST",   "/api/v1/me/messages/",                            401,  OWN,  OWN,  404),
    ("POST",   "/api/v1/me/messages/read/",                       401,  204,  204,  404),
    ("GET",    "/api/v1/me/questionnaires/",                      401,  OWN,  OWN,  404),
    ("POST",   "/api/v1/me/questionnaires/{questionnaire}/responses/", 401, 404, 404, 404),
    ("POST",   "/api/v1/auth/logout/",                            401,  204,  204,  204),
    ("POST",   "/api/v1/auth/token/session/",                     401,  401,  401,  401),  # a web session only
    ("GET",    "/api/v1/exercises/",                              401,  404,  404,  OWN),
    ("POST",   "/api/v1/exercises/",                              401,  404,  404,  OWN),
    ("GET",    "/api/v1/exercises/{exercise}/",                   401,  404,  404,  404),
    ("PUT",    "/api/v1/exercises/{exercise}/",                   401,  404,  404,  404),
    ("PATCH",  "/api/v1/exercises/{exercise}/",                   401,  404,  404,  404),
    ("DELETE", "/api/v1/exercises/{exercise}/",                   401,  404,  404,  404),
    ("PUT",    "/api/v1/exercises/{exercise}/favourite/",         401,  404,  404,  404),
    ("DELETE", "/api/v1/exercises/{exercise}/favourite/",         401,  404,  404,  404),
    ("PUT",    "/api/v1/exercises/{exercise}/video/",             401,  404,  404,  404),
    ("DELETE", "/api/v1/exercises/{exercise}/video/",             401,  404,  404,  404),
    ("GET",    "/api/v1/programs/",                               401,  404,  404,  OWN),
    ("POST",   "/api/v1/programs/",                               401,  404,  404,  NOT_IN_FIELD),
    ("GET",    "/api/v1/programs/{program}/",                     401,  404,  404,  404),
    ("PUT",    "/api/v1/programs/{program}/",                     401,  404,  404,  404),
    ("PATCH",  "/api/v1/programs/{program}/",                     401,  404,  404,  404),
    ("DELETE", "/api/v1/programs/{program}/",                     401,  404,  404,  404),
    ("POST",   "/api/v1/programs/{program}/copy/",                401,  404,  404,  404),
    ("POST",   "/api/v1/programs/{program}/reorder/",             401,  404,  404,  404),
    ("POST",   "/api/v1/programs/{program}/dosage/",              401,  404,  404,  404),
    ("GET",    "/api/v1/clients/",                                401,  404,  404,  OWN),
    ("POST",   "/api/v1/clients/",                                401,  404,  404,  OWN),
    ("GET",    "/api/v1/clients/{client}/",                       401,  404,  404,  404),
    ("PUT",    "/api/v1/clients/{client}/",                       401,  404,  404,  404),
    ("PATCH",  "/api/v1/clients/{client}/",                       401,  404,  404,  404),
    ("DELETE", "/api/v1/clients/{client}/",                       401,  404,  404,  404),
    ("POST",   "/api/v1/clients/{client}/invitation/",            401,  404,  404,  404),
    ("GET",    "/api/v1/clients/{client}/adherence/",             401,  404,  404,  404),
    ("GET",    "/api/v1/clients/{client}/fhir/",                  401,  404,  404,  404),
    ("GET",    "/api/v1/clients/{client}/checkoffs.csv",          401,  404,  404,  404),
    ("GET",    "/api/v1/clients/{client}/adherence.csv",          401,  404,  404,  404),
    ("GET",    "/api/v1/checkoffs.csv",                           401,  404,  404,  OWN),
    ("GET",    "/api/v1/adherence.csv",                           401,  404,  404,  OWN),
    ("POST",   "/api/v1/clients/{client}/erase/",                 401,  404,  404,  404),
    ("GET",    "/api/v1/clients/{client}/messages/",              401,  404,  404,  404),
    ("POST",   "/api/v1/clients/{client}/messages/",              401,  404,  404,  404),
    ("POST",   "/api/v1/clients/{client}/messages/read/",         401,  404,  404,  404),
    ("GET",    "/api/v1/consultations/",                          401,  404,  404,  OWN),
    ("POST",   "/api/v1/consultations/",                          401,  404,  404,  NOT_IN_FIELD),
    ("GET",    "/api/v1/consultations/{consultation}/",           401,  404,  404,  404),
    ("PUT",    "/api/v1/consultations/{consultation}/",           401,  404,  404,  404),
    ("PATCH",  "/api/v1/consultations/{consultation}/",           401,  404,  404,  404),
    ("DELETE", "/api/v1/consultations/{consultation}/",           401,  404,  404,  404),
    ("GET",    "/api/v1/assignments/",                            401,  404,  404,  OWN),
    ("POST",   "/api/v1/assignments/",                            401,  404,  404,  NOT_IN_FIELD),
    ("GET",    "/api/v1/assignments/{assignment}/",               401,  404,  404,  404),
    ("POST",   "/api/v1/assignments/{assignment}/pause/",         401,  404,  404,  404),
    ("POST",   "/api/v1/assignments/{assignment}/resume/",        401,  404,  404,  404),
    ("POST",   "/api/v1/assignments/{assignment}/end/",           401,  404,  404,  404),
    ("POST",   "/api/v1/assignments/{assignment}/breaks/{pause}/cancel/", 401, 404, 404, 404),
    ("GET",    "/api/v1/assignments/{assignment}/handout.pdf",    401,  404,  404,  404),
    ("GET",    "/api/v1/assignments/{assignment}/questionnaires/", 401, 404,  404,  404),
    ("POST",   "/api/v1/assignments/{assignment}/questionnaires/", 401, 404,  404,  404),
    ("DELETE", "/api/v1/assignments/{assignment}/questionnaires/{questionnaire}/", 401, 404, 404, 404),
    ("GET",    "/api/v1/attention/",                              401,  404,  404,  OWN),
    ("POST",   "/api/v1/alerts/{alert}/handle/",                  401,  404,  404,  404),
    ("GET",    "/api/v1/webhooks/",                               401,  404,  404,  OWN),
    ("POST",   "/api/v1/webhooks/",                               401,  404,  404,  NOT_IN_FIELD),
    ("GET",    "/api/v1/webhooks/{webhook}/",                     401,  404,  404,  404),
    ("PATCH",  "/api/v1/webhooks/{webhook}/",                     401,  404,  404,  404),
    ("DELETE", "/api/v1/webhooks/{webhook}/",                     401,  404,  404,  404),
    ("POST",   "/api/v1/webhooks/{webhook}/rotate-secret/",       401,  404,  404,  404),
    ("GET",    "/api/v1/webhooks/{webhook}/deliveries/",          401,  404,  404,  404),
    ("POST",   "/api/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver/", 401, 404, 404, 404),
]
# fmt: on
CALLERS = ["anonymous", "erin", "dana", "charlie"]
PUBLIC = [  # no caller data
    "/api/v1/health/",
    "/api/v1/auth/token/",
    "/api/v1/auth/invitations/accept/",
    "/api/v1/auth/password-reset/",
]

SECRETS = [
    "Bob Client",
    "bob@example.com",
    "Bob's private note",
    "Alice's secret stretch",
    "Bob's plan",
    "Bob's private message",
    "whsec_AlicesWebhookSecretAlicesWebhook",
    "hooks.example.net",
]


@pytest.fixture
def world(alice, alice_practice, bob, bob_assignment, dana_assignment, erin_assignment):
    """Bob's and Alice's objects, each carrying a text no outsider may ever see."""
    item = bob_assignment.program.items.first()
    completion = Completion.objects.create(
        assignment=bob_assignment,
        assignment_exercise=item,
        date=timezone.localdate(),
        note="Bob's private note",
    )
    exercise = ExerciseFactory(practice=alice_practice, name="Alice's secret stretch")
    program = TemplateFactory(practice=alice_practice, title="Bob's plan")
    consultation = Consultation.objects.create(
        client=bob, practitioner=alice, scheduled_at=timezone.now(), plan="Bob's plan"
    )
    pause = AssignmentPause.objects.create(
        assignment=bob_assignment,
        start_date=timezone.localdate() + timedelta(days=2),
        end_date=timezone.localdate() + timedelta(days=3),
    )
    alert = Alert.objects.create(
        client=bob,
        kind=Alert.PAIN,
        local_date=timezone.localdate(),
        raised_at=timezone.now(),
        reason="Pain 8/10 in Alice's secret stretch",
    )
    Message.objects.create(client=bob, author=bob.user, from_client=True, body="Bob's private message")
    questionnaire = QuestionnaireSchedule.objects.create(
        assignment=bob_assignment, questionnaire="nprs", every_days=7, starts_on=bob_assignment.start_date
    )
    push = PushSubscription.objects.create(
        client=bob, endpoint="https://push.example.net/bobs-phone", p256dh="k" * 87, auth="a" * 22
    )
    webhook = WebhookEndpoint.objects.create(
        practice=alice_practice,
        url="https://hooks.example.net/alice",
        events=["completion.created"],
        secret="whsec_AlicesWebhookSecretAlicesWebhook",
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=webhook,
        event="completion.created",
        webhook_id="msg_alice",
        payload={"type": "completion.created"},
        next_attempt_at=timezone.now(),
        status=WebhookDelivery.DELIVERED,
    )
    return {
        "webhook": webhook.pk,
        "delivery": delivery.pk,
        "push": push.pk,
        "alert": alert.pk,
        "questionnaire": questionnaire.pk,
        "assignment": bob_assignment.pk,
        "pause": pause.pk,
        "completion": completion.pk,
        "exercise": exercise.pk,
        "program": program.pk,
        "client": bob.pk,
        "consultation": consultation.pk,
        "item": item.pk,
    }


def body_for(path: str, world: dict) -> dict:
    """A body that would work for Bob or Alice: aimed at their objects."""
    today = timezone.localdate().isoformat()
    check_off = {"assignment_exercise": world["item"], "date": today, "note": "overwritten"}
    bodies = {
        "/api/v1/me/": {"reminders_enabled": False},
        "/api/v1/me/messages/": {"body": "An outsider's own message"},
        "/api/v1/clients/{client}/messages/": {"body": "Written into Bob's thread"},
        "/api/v1/me/questionnaires/{questionnaire}/responses/": {"answers": {"pain": 9}},
        "/api/v1/assignments/{assignment}/questionnaires/": {"questionnaire": "psfs", "every_days": 7},
        "/api/v1/me/completions/{completion}/": check_off,
        "/api/v1/me/completions/batch/": {"items": [{**check_off, "id": str(uuid.uuid4())}]},
        "/api/v1/exercises/": {"name": "Outsider's", "region": "lower-back", "reps": 10},
        "/api/v1/exercises/{exercise}/": {"name": "Hijacked", "region": "lower-back"},
        "/api/v1/programs/": {"title": "Outsider's", "items": [{"exercise": world["exercise"], "reps": 10}]},
        "/api/v1/programs/{program}/": {"title": "Hijacked", "items": []},
        "/api/v1/programs/{program}/dosage/": {"sets": 9},
        "/api/v1/clients/": {"name": "Outsider's client", "email": "new@example.com"},
        "/api/v1/clients/{client}/": {"name": "Hijacked", "email": "bob@example.com"},
        "/api/v1/consultations/": {"client": world["client"], "scheduled_at": timezone.now().isoformat()},
        "/api/v1/consultations/{consultation}/": {
            "client": world["client"],
            "scheduled_at": timezone.now().isoformat(),
        },
        "/api/v1/webhooks/": {"url": "https://example.com/outsider", "events": ["completion.created"]},
        "/api/v1/webhooks/{webhook}/": {"url": "https://example.com/hijacked", "enabled": False},
        "/api/v1/assignments/": {
            "client": world["client"],
            "template": world["program"],
            "start_date": today,
        },
    }
    return bodies.get(path, {})


def answers_of(user, world) -> dict:
    answers = {}
    for method, path, *_ in TABLE:
        api = api_as(user)
        response = getattr(api, method.lower())(path.format(**world), body_for(path, world), format="json")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        leaked = [secret for secret in SECRETS if secret.encode() in body]
        answers[f"{method} {path}"] = (response.status_code, leaked)
    return answers


def expected_for(caller: str) -> dict:
    column = 2 + CALLERS.index(caller)
    own = {"GET": 200, "PATCH": 200, "POST": (200, 201), "PUT": 200}
    expected = {}
    for row in TABLE:
        status = row[column]
        expected[f"{row[0]} {row[1]}"] = own[row[0]] if status == OWN else status
    return expected


def matches(answers: dict, expected: dict) -> dict:
    """The rows that differ: a wrong status, or any secret in the body."""
    wrong = {}
    for key, (status, leaked) in answers.items():
        want = expected[key]
        if leaked or status not in (want if isinstance(want, tuple) else (want,)):
            wrong[key] = (status, leaked, "wanted", want)
    return wrong


def nothing_of_bobs_changed(world):
    completion = Completion.objects.get(pk=world["completion"])
    assert completion.note == "Bob's private note"
    assert Client.objects.get(pk=world["client"]).name == "Bob Client"
    assert Assignment.objects.get(pk=world["assignment"]).status == Assignment.ACTIVE
    assert AssignmentPause.objects.filter(pk=world["pause"]).exists()
    assert Exercise.objects.get(pk=world["exercise"]).name == "Alice's secret stretch"
    assert Program.objects.get(pk=world["program"]).items.count() == 3
    assert Consultation.objects.get(pk=world["consultation"]).plan == "Bob's plan"
    assert list(Message.objects.filter(client_id=world["client"]).values_list("body", "read_at")) == [
        ("Bob's private message", None)
    ]
    assert not QuestionnaireResponse.objects.filter(client_id=world["client"]).exists()
    webhook = WebhookEndpoint.objects.get(pk=world["webhook"])
    assert (webhook.url, webhook.enabled, webhook.secret) == (
        "https://hooks.example.net/alice",
        True,
        "whsec_AlicesWebhookSecretAlicesWebhook",
    )
    assert WebhookDelivery.objects.get(pk=world["delivery"]).status == WebhookDelivery.DELIVERED
    assert list(QuestionnaireSchedule.objects.values_list("pk", "stopped_at")) == [
        (world["questionnaire"], None)
    ]


def test_anonymous_callers_get_401_everywhere_and_see_nothing(world):
    assert matches(answers_of(None, world), expected_for("anonymous")) == {}
    nothing_of_bobs_changed(world)


def test_a_client_of_another_practice_gets_404_or_only_their_own(world, erin):
    assert matches(answers_of(erin.user, world), expected_for("erin")) == {}
    nothing_of_bobs_changed(world)


def test_another_client_of_the_same_practice_gets_404_or_only_their_own(world, dana):
    assert matches(answers_of(dana.user, world), expected_for("dana")) == {}
    nothing_of_bobs_changed(world)


def test_a_practitioner_of_another_practice_gets_404_or_only_their_own(world, charlie):
    assert matches(answers_of(charlie, world), expected_for("charlie")) == {}
    nothing_of_bobs_changed(world)


def test_the_table_covers_every_api_endpoint():
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    routes = {route for route in walk(get_resolver().url_patterns) if route.startswith("api/v1/")}
    in_table = {path for _, path, *_ in TABLE} | set(PUBLIC)

    assert {_as_ids("/" + route) for route in routes} - {_as_ids(path) for path in in_table} == set()


def _as_ids(path: str) -> str:
    """Any path parameter, in any of the spellings Django and DRF use, as {id}."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)|<[^>]+>|\{[a-z_]+\}", "{id}", path)
    return path.replace("^", "").replace("$", "").replace("\\", "")
