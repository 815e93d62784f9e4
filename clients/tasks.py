from celery import shared_task

from . import handouts, reminders


@shared_task
def sweep_reminders() -> int:
    return len(reminders.sweep())


@shared_task
def send_reminders(reminder_ids: list[int]) -> None:
    reminders.deliver_many(reminder_ids)


@shared_task
def send_reminder(reminder_id: int) -> None:
    reminders.deliver(reminder_id)


@shared_task
def sweep_weekly_summaries() -> int:
    return len(reminders.summary_sweep())


@shared_task
def render_handout_batch(batch_id: int) -> None:
    handouts.handout_batch_run(batch_id)
