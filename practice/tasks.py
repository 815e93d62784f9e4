from celery import shared_task

from . import team
from .mail import EmailTask


@shared_task(base=EmailTask, undelivered=staticmethod(team.practitioner_invitation_undelivered))
def email_practitioner_invitation(*, invitation_id: int) -> None:
    team.practitioner_invitation_email(invitation_id=invitation_id)
