from datetime import timedelta

from django.conf import settings


def test_beat_sweeps_for_due_reminders_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-reminders"]

    assert entry["task"] == "clients.tasks.sweep_reminders"
    assert entry["schedule"] == timedelta(minutes=1)


def test_tasks_survive_a_dying_worker():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
