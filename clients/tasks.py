from smtplib import SMTPException

from celery import shared_task

from . import handouts, reminders


@shared_task
def sweep_reminders() -> int:
    return len(reminders.sweep())


@shared_task
def send_reminder(reminder_id: int) -> None:
    reminders.deliver(reminder_id)


@shared_task
def render_handout_batch(batch_id: int) -> None:
    handouts.handout_batch_run(batch_id)


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=6)
def email_handout(assignment_id: int) -> None:
    handouts.handout_email_send(assignment_id=assignment_id)
