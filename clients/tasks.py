"""Where Celery's autodiscovery finds the clients' tasks: each is defined beside the service it
runs, in its room, and keeps the name `clients.tasks.<task>` that the beat schedule and any
message already queued call it by."""

from .accounts.invitations import email_invitation
from .accounts.passwords import email_password_reset
from .accounts.profiles import email_sign_in_moved
from .assignments.handouts import render_handout_batch
from .consultations.asking import sweep_questionnaires_due
from .privacy.rights import email_erasure_requested
from .reminders.delivery import send_reminder, send_reminders, sweep_reminders, sweep_weekly_summaries
from .webhooks.delivery import deliver_webhooks, email_webhook_disabled, sweep_webhooks

__all__ = [
    "deliver_webhooks",
    "email_erasure_requested",
    "email_invitation",
    "email_password_reset",
    "email_sign_in_moved",
    "email_webhook_disabled",
    "render_handout_batch",
    "send_reminder",
    "send_reminders",
    "sweep_questionnaires_due",
    "sweep_reminders",
    "sweep_webhooks",
    "sweep_weekly_summaries",
]
