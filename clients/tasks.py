from celery import shared_task

from practice.mail import EmailTask

from . import handouts, invitations, passwords, privacy, reminders, services


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


# --- one-off emails: queued after commit, retried while SMTP refuses -------------------------


@shared_task(base=EmailTask, undelivered=staticmethod(invitations.invitation_undelivered))
def email_invitation(*, invitation_id: int) -> None:
    invitations.invitation_email(invitation_id=invitation_id)


@shared_task(base=EmailTask, secret_kwargs=("old_email",))
def email_sign_in_moved(*, client_id: int, old_email: str) -> None:
    services.sign_in_moved_email(client_id=client_id, old_email=old_email)


@shared_task(base=EmailTask)
def email_erasure_requested(*, erasure_request_id: int, owner_id: int) -> None:
    privacy.erasure_requested_email(erasure_request_id=erasure_request_id, owner_id=owner_id)


@shared_task(base=EmailTask)
def email_password_reset(*, user_id: int) -> None:
    passwords.reset_email(user_id=user_id)
