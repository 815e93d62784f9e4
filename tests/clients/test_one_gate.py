"""Who may see an object is one queryset method per model, `visible_to(user, practice=None)`:
practitioners see their practices' objects, a client only their own; a practice narrows the
view to one of the user's own practices and never widens it."""

import pytest

from clients.models import Assignment, Client
from practice.models import Membership
from programs.models import Exercise, Program
from tests.factories import ExerciseFactory, TemplateFactory

pytestmark = pytest.mark.django_db


def test_a_practitioner_sees_her_practices_clients_and_a_client_only_himself(alice, bob, dana, erin):
    assert set(Client.objects.visible_to(alice)) == {bob, dana}
    assert list(Client.objects.visible_to(bob.user)) == [bob]


def test_naming_another_practice_shows_a_practitioner_nothing_of_it(alice, alice_practice, erin, charlie):
    charlies_practice = charlie.memberships.get().practice

    assert not Client.objects.visible_to(alice, practice=charlies_practice).exists()
    assert not Membership.objects.visible_to(alice, practice=charlies_practice).exists()
    assert list(Client.objects.visible_to(charlie, practice=charlies_practice)) == [erin]


def test_a_clients_assignments_are_seen_by_his_practice_and_by_him_only(
    alice, alice_practice, charlie, bob_assignment
):
    assert list(Assignment.objects.visible_to(alice, practice=alice_practice)) == [bob_assignment]
    assert list(Assignment.objects.visible_to(bob_assignment.client.user)) == [bob_assignment]
    assert not Assignment.objects.visible_to(charlie).exists()


def test_the_shared_library_is_read_by_every_practice_and_changed_by_none(alice, alice_practice, charlie):
    library = TemplateFactory(practice=None)
    own = TemplateFactory(practice=alice_practice)
    library_exercise, own_exercise = ExerciseFactory(practice=None), ExerciseFactory(practice=alice_practice)

    assert {library, own} <= set(Program.objects.visible_to(alice, practice=alice_practice))
    assert list(Program.objects.editable_by(alice, practice=alice_practice)) == [own]
    assert list(Program.objects.visible_to(charlie)) == [library]
    assert list(Exercise.objects.editable_by(alice)) == [own_exercise]
    assert library_exercise in Exercise.objects.visible_to(charlie)
    assert own_exercise not in Exercise.objects.visible_to(charlie)
