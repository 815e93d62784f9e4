"""Where Celery's autodiscovery finds the practice's tasks: each is defined beside the service
it runs and keeps the name `practice.tasks.<task>` queued messages call it by."""

from .team import email_practitioner_invitation

__all__ = ["email_practitioner_invitation"]
