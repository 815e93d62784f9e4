"""A long section of Needs attention shows its first items, how many there are, and all on asking."""

import pytest
from django.utils import timezone

from clients.models import Alert
from clients.web.attention import SHOWN
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_a_long_section_shows_its_first_items_and_all_on_asking(client, alice, alice_practice):
    for n in range(SHOWN + 5):
        someone = ClientFactory(practice=alice_practice, name=f"Client {n:02d}")
        Alert.objects.create(
            client=someone,
            kind=Alert.QUIET,
            local_date=timezone.localdate(),
            raised_at=timezone.now(),
            reason="Quiet",
        )
    client.force_login(alice)

    first = client.get("/attention/").text
    whole = client.get("/attention/?show=quiet_alert").text

    assert f"Showing {SHOWN} of {SHOWN + 5}." in first
    assert first.count("Mark handled<") == SHOWN
    assert whole.count("Mark handled<") == SHOWN + 5
