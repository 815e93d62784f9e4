from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from clients.models import Reminder
from clients.scheduling import local_date
from clients.tasks import sweep_reminders
from tests.conftest import api_as, wait_for
from tests.factories import assign

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_painful_check_off_in_the_app_reaches_the_practitioner_through_a_real_worker(
    celery_worker, smtp_inbox, alice, bob
):
    today = local_date(bob, timezone.now())
    assignment = assign(bob, start=today - timedelta(days=1))
    item = assignment.program.items.first()

    response = api_as(bob.user).put(
        f"/api/v1/me/completions/{uuid4()}/",
        {"assignment_exercise": item.pk, "date": today.isoformat(), "session": 1, "pain": 8},
        format="json",
    )

    assert response.status_code in (200, 201), response.content
    sweep_reminders.delay()  # as beat does each minute
    assert wait_for(lambda: smtp_inbox.messages, timeout=30), "".join(celery_worker[-30:])
    (message,) = smtp_inbox.messages
    assert message.rcpt_tos == [alice.email]
    assert b"Pain alert: Bob Client" in message.content
    assert wait_for(lambda: Reminder.objects.filter(kind=Reminder.PAIN_ALERT, status=Reminder.SENT).exists())
