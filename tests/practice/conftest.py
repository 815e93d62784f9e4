import pytest

from tests.factories import MembershipFactory


@pytest.fixture
def gina(alice_practice):
    """A practitioner in Alice's practice."""
    return MembershipFactory(
        practice=alice_practice, user__name="Gina Physio", user__email="gina@example.com"
    ).user


@pytest.fixture
def hal(alice_practice):
    """Another practitioner in Alice's practice."""
    return MembershipFactory(
        practice=alice_practice, user__name="Hal Physio", user__email="hal@example.com"
    ).user
