import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from clients.assignments.versions import items_for_check_off
from clients.models import Assignment, AuditEvent, Completion
from clients.scheduling import local_date
from tests.conftest import api_as, need, on_postgres
from tests.factories import assign

pytestmark = pytest.mark.django_db


def url(completion_id) -> str:
    return f"/api/v1/me/completions/{completion_id}/"


def check_off(assignment, **overrides) -> dict:
    item = assignment.program.items.first()
    return {
        "assignment_exercise": item.pk,
        "date": local_date(assignment.client, timezone.now()).isoformat(),
        "session": 1,
        "sets_done": 3,
        "reps_done": 10,
        "pain": 3,
        "difficulty": 2,
        "note": "Felt fine",
        **overrides,
    }


def test_client_checks_an_exercise_off_and_today_shows_it_done(bob, bob_assignment):
    api, completion_id = api_as(bob.user), uuid.uuid4()

    created = api.put(url(completion_id), check_off(bob_assignment), format="json")

    assert created.status_code == 201
    assert created.json()["id"] == str(completion_id)
    today = api.get("/api/v1/me/today/").json()
    done = [slot for slot in today["slots"] if slot["done"]]
    assert [(s["assignment_exercise"], s["session"], s["completion"]) for s in done] == [
        (bob_assignment.program.items.first().pk, 1, str(completion_id))
    ]


def test_replaying_a_check_off_answers_the_same_and_stores_it_once(bob, bob_assignment):
    api, completion_id = api_as(bob.user), uuid.uuid4()
    body = check_off(bob_assignment)

    first = api.put(url(completion_id), body, format="json")
    replay = api.put(url(completion_id), body, format="json")

    assert replay.status_code in (200, 201)
    assert {k: v for k, v in replay.json().items() if k != "updated_at"} == {
        k: v for k, v in first.json().items() if k != "updated_at"
    }
    assert Completion.objects.count() == 1


def test_a_changed_replay_updates_the_values_sent_and_keeps_the_ones_left_out(bob, bob_assignment):
    api, completion_id = api_as(bob.user), uuid.uuid4()
    api.put(url(completion_id), check_off(bob_assignment), format="json")
    body = {k: v for k, v in check_off(bob_assignment, pain=7).items() if k != "sets_done"}

    response = api.put(url(completion_id), body, format="json")

    assert response.status_code == 200
    assert (response.json()["pain"], response.json()["sets_done"]) == (7, 3)
    stored = Completion.objects.get()
    assert (stored.pain, stored.sets_done, stored.reps_done, stored.note) == (7, 3, 10, "Felt fine")
    assert (
        AuditEvent.objects.filter(action=AuditEvent.RECORD_COMPLETION, object_id=str(completion_id)).count()
        == 2
    )


@pytest.mark.parametrize(
    ("replay", "first_pain"), [(False, None), (True, 1), (True, 3)], ids=["new", "changed replay", "replay"]
)
def test_a_check_off_is_written_with_its_audit_event_in_one_statement(
    bob, bob_assignment, replay, first_pain, django_assert_num_queries
):
    need("PostgreSQL", on_postgres(), "the one statement is PostgreSQL's (SQLite takes the ORM's way)")
    api, completion_id = api_as(bob.user), uuid.uuid4()
    if replay:
        api.put(url(completion_id), check_off(bob_assignment, pain=first_pain), format="json")

    # The token with its user; the exercise with its assignment and client; then the write, with
    # its audit event (inside the test's transaction, between a savepoint and its release). The
    # practice comes with the exercise, so its webhook endpoints (none here) cost no query.
    body = check_off(bob_assignment)
    with django_assert_num_queries(5):
        response = api.put(url(completion_id), body, format="json")

    assert response.status_code == (200 if replay else 201)
    assert Completion.objects.get().pain == 3
    assert AuditEvent.objects.filter(object_id=str(completion_id)).count() == (2 if replay else 1)


def test_the_same_slot_under_another_id_is_a_conflict_naming_the_existing_one(bob, bob_assignment):
    api, first_id = api_as(bob.user), uuid.uuid4()
    api.put(url(first_id), check_off(bob_assignment), format="json")

    response = api.put(url(uuid.uuid4()), check_off(bob_assignment), format="json")

    assert response.status_code == 409
    assert response.json()["existing_id"] == str(first_id)
    assert Completion.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pain", 11),
        ("pain", -1),
        ("difficulty", 0),
        ("difficulty", 6),
        ("note", "x" * 1001),
        ("date", "not-a-date"),
        ("session", 0),
        ("assignment_exercise", "abc"),
        ("assignment_exercise", 10**20),
        ("assignment_exercise", -(10**20)),
    ],
)
def test_a_malformed_check_off_is_a_400_naming_the_field_and_stores_nothing(
    bob, bob_assignment, field, value
):
    response = api_as(bob.user).put(
        url(uuid.uuid4()), check_off(bob_assignment, **{field: value}), format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert field in response.json()["message"]
    assert not Completion.objects.exists()


def test_a_date_in_the_future_where_the_client_lives_is_refused(bob, bob_assignment):
    tomorrow = local_date(bob, timezone.now()) + timedelta(days=1)

    response = api_as(bob.user).put(
        url(uuid.uuid4()), check_off(bob_assignment, date=tomorrow.isoformat()), format="json"
    )

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("date", "date_in_future")


def test_a_date_before_the_program_started_is_refused(bob, bob_assignment):
    before = bob_assignment.start_date - timedelta(days=1)

    response = api_as(bob.user).put(
        url(uuid.uuid4()), check_off(bob_assignment, date=before.isoformat()), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "date",
            "code": "before_start",
            "message": f"date: The program starts on {bob_assignment.start_date.isoformat()}.",
        }
    ]


def test_a_date_after_the_program_ended_is_refused(bob):
    ended = assign(bob, start=timezone.localdate() - timedelta(days=8), weeks=1)
    last_day = ended.start_date + timedelta(days=6)

    response = api_as(bob.user).put(
        url(uuid.uuid4()), check_off(ended, date=(last_day + timedelta(days=1)).isoformat()), format="json"
    )

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("date", "after_end")


def test_a_date_more_than_a_week_back_is_refused(bob):
    long_running = assign(bob, start=timezone.localdate() - timedelta(days=20))
    too_old = local_date(bob, timezone.now()) - timedelta(days=8)

    response = api_as(bob.user).put(
        url(uuid.uuid4()), check_off(long_running, date=too_old.isoformat()), format="json"
    )

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("date", "too_far_back")


def test_a_session_past_the_schedule_is_refused(bob, bob_assignment):
    response = api_as(bob.user).put(url(uuid.uuid4()), check_off(bob_assignment, session=3), format="json")

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("session", "session_past_schedule")


def test_client_cannot_check_off_another_clients_exercise(bob, dana_assignment, erin_assignment):
    for other in (dana_assignment, erin_assignment):
        response = api_as(bob.user).put(url(uuid.uuid4()), check_off(other), format="json")
        assert response.status_code == 404
    assert not Completion.objects.exists()


def test_client_cannot_overwrite_or_delete_another_clients_completion(
    bob, dana, bob_assignment, dana_assignment
):
    completion_id = uuid.uuid4()
    api_as(dana.user).put(url(completion_id), check_off(dana_assignment), format="json")

    overwrite = api_as(bob.user).put(url(completion_id), check_off(bob_assignment), format="json")
    delete = api_as(bob.user).delete(url(completion_id))

    assert (overwrite.status_code, delete.status_code) == (404, 404)
    assert Completion.objects.get(pk=completion_id).assignment == dana_assignment


def test_a_check_off_reads_its_exercise_with_the_schedule_timezone_and_webhooks_as_stored(
    bob, bob_assignment, dana, django_assert_num_queries
):
    item = bob_assignment.program.items.first()
    with django_assert_num_queries(1):
        found = items_for_check_off(bob.user, {item.pk, 10**9})
        version = found[item.pk].program.version
        loaded = [found[item.pk], version, version.assignment, version.assignment.client]
        loaded.append(version.assignment.client.practice)

    assert list(found) == [item.pk]
    assert found[item.pk].newest_published_at == version.created_at
    for obj in loaded:
        stored = type(obj).objects.get(pk=obj.pk)
        read = [field.attname for field in obj._meta.concrete_fields if field.attname in obj.__dict__]
        assert {name: getattr(obj, name) for name in read} == {name: getattr(stored, name) for name in read}
    assert items_for_check_off(dana.user, {item.pk}) == {}


def test_client_unchecks_an_exercise(bob, bob_assignment):
    api, completion_id = api_as(bob.user), uuid.uuid4()
    api.put(url(completion_id), check_off(bob_assignment), format="json")

    assert api.delete(url(completion_id)).status_code == 204
    assert not Completion.objects.exists()


@pytest.fixture
def audit_trail_refusing_writes(django_db_blocker):
    """The database itself refuses every audit event, whichever way the check-off writes it."""
    need("PostgreSQL", on_postgres(), "the database refuses audit events through a PL/pgSQL trigger")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit trail unavailable'; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER refuse_audit BEFORE INSERT ON {AuditEvent._meta.db_table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
        )
    # Created inside the test's transaction: rolled back with it.


@pytest.mark.parametrize("revised", [False, True], ids=["first version", "revised program"])
def test_a_check_off_whose_audit_event_cannot_be_written_is_not_stored(
    bob, bob_assignment, audit_trail_refusing_writes, revised
):
    if revised:  # a revised program's check-off takes the longer way, through the ORM
        Assignment.objects.filter(pk=bob_assignment.pk).update(version=2)
        bob_assignment.refresh_from_db()
    api = api_as(bob.user)
    api.raise_request_exception = False

    response = api.put(url(uuid.uuid4()), check_off(bob_assignment), format="json")

    assert response.status_code == 500
    assert not Completion.objects.exists()
