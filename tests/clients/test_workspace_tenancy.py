"""Every workspace URL, given an object of another practice, answers 404: never 403, never the object."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clients.assignments import versions
from clients.models import (
    Alert,
    Consultation,
    HandoutBatch,
    QuestionnaireSchedule,
    WebhookDelivery,
    WebhookEndpoint,
)
from practice import team
from practice.models import PractitionerInvitation
from tests.factories import ExerciseFactory, MembershipFactory, TemplateFactory

pytestmark = pytest.mark.django_db

WORKSPACE_NAMESPACES = {"workspace", "programs"}
# Pages with no object in their path: scoped by whose practice lists them, tested elsewhere.
WITHOUT_OBJECTS = {
    "workspace:clients",
    "workspace:attention",  # tests/clients/test_attention_page.py: only the practice's items
    "workspace:client-add",
    "workspace:checkoffs-csv",  # the current practice's clients only: tests/clients/test_csv_export.py
    "workspace:adherence-csv",
    "programs:library",
    "programs:exercise-add",
    "programs:library-export",  # the current practice's own: tests/programs/test_exchange.py
    "programs:library-import",
    "workspace:handout-batches",
    "workspace:unsubscribe",  # public: the signed token is the proof (tests/clients/test_reminders*)
    "workspace:webhooks",  # the current practice's own endpoints (tests/clients/test_webhooks.py)
    "workspace:odi-wording",  # the current practice's own wording (tests/clients/test_questionnaires.py)
    "programs:private-file",  # the signed, expiring link is the proof (tests/programs/test_private_files)
}


def workspace_patterns():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in WORKSPACE_NAMESPACES:
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern):
                    yield f"{entry.namespace}:{pattern.name}", pattern
        elif is_practice_object_page(entry):
            yield entry.name, entry


def is_practice_object_page(entry) -> bool:
    """The practice's own pages about one object (team management) sit at the root, under /practice/."""
    return (
        isinstance(entry, URLPattern)
        and str(entry.pattern).startswith("practice/")
        and bool(entry.pattern.converters)
    )


@pytest.fixture
def charlies_objects(charlie, erin, erin_assignment):
    practice = charlie.memberships.get().practice
    draft = versions.revision_draft(assignment=erin_assignment)
    template = TemplateFactory(practice=practice)
    exercise = ExerciseFactory(practice=practice)
    consultation = Consultation.objects.create(client=erin, scheduled_at=timezone.now())
    item = draft.items.first()
    batch = HandoutBatch.objects.create(practice=practice, assignment_ids=[erin_assignment.pk], total=1)
    invitation = PractitionerInvitation.objects.create(
        practice=practice, email="ivy@example.com", token_hash="z" * 64, expires_at=timezone.now()
    )
    membership = charlie.memberships.get()
    erins_questionnaire = QuestionnaireSchedule.objects.create(
        assignment=erin_assignment, questionnaire="nprs", every_days=7, starts_on=erin_assignment.start_date
    )
    erins_break = erin_assignment.pauses.create(
        start_date=erin_assignment.end_date, end_date=erin_assignment.end_date
    )
    alert = Alert.objects.create(
        client=erin,
        kind=Alert.PAIN,
        local_date=timezone.localdate(),
        raised_at=timezone.now(),
        reason="Pain 8/10",
    )
    webhook = WebhookEndpoint.objects.create(
        practice=practice, url="https://hooks.example.net/charlie", events=["alert.raised"], secret="whsec_x"
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=webhook,
        event="alert.raised",
        webhook_id="msg_charlie",
        payload={},
        next_attempt_at=timezone.now(),
    )
    return {
        "workspace:webhook": {"pk": webhook.pk},
        "workspace:webhook-edit": {"pk": webhook.pk},
        "workspace:webhook-rotate": {"pk": webhook.pk},
        "workspace:webhook-toggle": {"pk": webhook.pk},
        "workspace:webhook-delete": {"pk": webhook.pk},
        "workspace:webhook-redeliver": {"pk": webhook.pk, "delivery_pk": delivery.pk},
        "workspace:alert": {"pk": alert.pk},
        "workspace:alert-handle": {"pk": alert.pk},
        "workspace:suggestion-apply": {
            "pk": erin_assignment.pk,
            "item_pk": erin_assignment.program.items.first().pk,
        },
        "member-role": {"pk": membership.pk},
        "member-remove": {"pk": membership.pk},
        "practitioner-invitation-revoke": {"pk": invitation.pk},
        "workspace:client-export": {"pk": erin.pk},
        "workspace:client-erase": {"pk": erin.pk},
        "workspace:client-audit": {"pk": erin.pk},
        "workspace:client-reminders": {"pk": erin.pk},
        "workspace:client-messages": {"pk": erin.pk},
        "workspace:client-questionnaires": {"pk": erin.pk},
        "workspace:questionnaire-stop": {"pk": erins_questionnaire.pk},
        "workspace:handout-email": {"pk": erin_assignment.pk},
        "workspace:handout-batch": {"pk": batch.pk},
        "workspace:client": {"pk": erin.pk},
        "workspace:client-edit": {"pk": erin.pk},
        "workspace:invitation-resend": {"pk": erin.pk},
        "workspace:assign": {"pk": erin.pk},
        "workspace:prescribe": {"pk": erin.pk},
        "workspace:prescribe-draft": {"pk": erin.pk, "program_pk": draft.pk},
        "workspace:consultation-new": {"pk": erin.pk},
        "workspace:consultation-past": {"pk": erin.pk},
        "workspace:client-checkoffs": {"pk": erin.pk},
        "workspace:client-checkoffs-csv": {"pk": erin.pk},
        "workspace:client-adherence-csv": {"pk": erin.pk},
        "workspace:consultation": {"pk": consultation.pk},
        "workspace:consultation-move": {"pk": consultation.pk},
        "workspace:handout": {"pk": erin_assignment.pk},
        "workspace:assignment-pause": {"pk": erin_assignment.pk},
        "workspace:assignment-resume": {"pk": erin_assignment.pk},
        "workspace:assignment-break": {"pk": erin_assignment.pk},
        "workspace:assignment-break-cancel": {"pk": erin_assignment.pk, "pause_pk": erins_break.pk},
        "workspace:assignment-end": {"pk": erin_assignment.pk},
        "workspace:assignment-edit": {"pk": erin_assignment.pk},
        "workspace:assignment-edit-discard": {"pk": erin_assignment.pk},
        "workspace:assignment-version": {"pk": erin_assignment.pk, "number": 1},
        "programs:exercise": {"pk": exercise.pk},
        "programs:exercise-edit": {"pk": exercise.pk},
        "programs:program": {"pk": template.pk},
        "programs:template": {"pk": template.pk},
        "programs:template-delete": {"pk": template.pk},
        "programs:save-as-template": {"pk": template.pk},
        "programs:exercise-results": {"pk": draft.pk},
        "programs:item-add": {"pk": draft.pk},
        "programs:item-remove": {"pk": item.pk},
        "programs:item-move": {"pk": item.pk},
        "programs:item-dosage": {"pk": item.pk},
        "programs:item-swap": {"pk": item.pk},
        "programs:items-reorder": {"pk": draft.pk},
        "programs:program-dosage": {"pk": draft.pk},
        "programs:exercise-favourite": {"pk": exercise.pk},
    }


def test_every_workspace_url_is_404_for_a_practitioner_of_another_practice(client, alice, charlies_objects):
    names = {name for name, _ in workspace_patterns()}
    assert names - WITHOUT_OBJECTS == set(charlies_objects), (
        "a new workspace URL needs its outsider case here"
    )
    client.force_login(alice)

    for name, kwargs in charlies_objects.items():
        url = reverse(name, kwargs=kwargs)
        assert client.get(url).status_code in (404, 405), f"GET {url}"
        assert client.post(url, {"exercise": 1, "title": "x"}).status_code == 404, f"POST {url}"
        assert client.get(url, headers={"HX-Request": "true"}).status_code in (404, 405), f"htmx GET {url}"


def test_every_workspace_url_is_404_for_another_of_ones_practices_until_one_switches_to_it(
    client, alice, charlie, charlies_objects
):
    """Alice also owns Charlie's Gym, joined after her clinic: her workspace works in the clinic."""
    gym = charlie.memberships.get().practice
    MembershipFactory(user=alice, practice=gym, role="owner")
    client.force_login(alice)

    for name, kwargs in charlies_objects.items():
        url = reverse(name, kwargs=kwargs)
        assert client.get(url).status_code in (404, 405), f"GET {url}"
        assert client.post(url, {"exercise": 1, "title": "x"}).status_code == 404, f"POST {url}"

    client.post(reverse("practice-switch"), {"practice": gym.pk})
    assert (
        client.get(reverse("workspace:client", kwargs=charlies_objects["workspace:client"])).status_code
        == 200
    )


def test_a_foreign_exercise_cannot_be_added_to_ones_own_draft(client, alice, bob_assignment, charlie):
    foreign = ExerciseFactory(practice=charlie.memberships.get().practice)
    draft = versions.revision_draft(assignment=bob_assignment)
    client.force_login(alice)

    assert client.post(f"/programs/{draft.pk}/items/", {"exercise": foreign.pk}).status_code == 404
    assert not draft.items.filter(exercise=foreign).exists()


def test_a_client_with_a_sign_in_has_no_workspace_page(client, bob, bob_assignment):
    client.force_login(bob.user)

    for url in [f"/clients/{bob.pk}/", "/library/", f"/assignments/{bob_assignment.pk}/edit/", "/practice/"]:
        assert client.get(url).status_code == 403


def test_a_page_that_is_not_yours_answers_a_page_with_the_way_back(client, alice, erin):
    client.force_login(alice)

    response = client.get(f"/clients/{erin.pk}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'href="/clients/"' in html
    assert "Erin" not in html


def test_switching_to_a_practice_one_is_not_a_member_of_is_404(client, alice, bob, charlie):
    """The switch (/practice/switch/) has no object in its path: the practice it names is the object."""
    gym = charlie.memberships.get().practice
    client.force_login(alice)

    assert client.post(reverse("practice-switch"), {"practice": gym.pk}).status_code == 404
    assert client.post(reverse("practice-switch"), {"practice": 2**62}).status_code == 404
    assert "workspace_practice" not in client.session
    assert "Bob Client" in client.get("/clients/").content.decode()


def test_the_team_history_shows_only_the_practice_the_workspace_works_in(client, alice, charlie):
    """/practice/history/ has no object in its path: whose practice it lists is the scope."""
    clinic = alice.memberships.get().practice
    gym = charlie.memberships.get().practice
    MembershipFactory(user=alice, practice=gym, role="owner")
    team.practitioner_invite(practice=clinic, email="clinic-hire@example.com", role="practitioner", by=alice)
    team.practitioner_invite(practice=gym, email="gym-hire@example.com", role="practitioner", by=alice)
    client.force_login(alice)

    for url in ["/practice/history/", "/practice/"]:
        page = client.get(url).content.decode()
        assert "clinic-hire@example.com" in page and "gym-hire@example.com" not in page, url

    client.post(reverse("practice-switch"), {"practice": gym.pk})
    for url in ["/practice/history/", "/practice/"]:
        page = client.get(url).content.decode()
        assert "gym-hire@example.com" in page and "clinic-hire@example.com" not in page, url
    client.force_login(charlie)  # a plain practitioner of the gym
    assert client.get("/practice/history/").status_code == 404
