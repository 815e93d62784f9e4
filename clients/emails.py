"""Emails: subject, text and HTML templates side by side under templates/emails/."""

from django.conf import settings
from django.utils import translation

from practice.mail import send


def send_invitation(client, link: str, expires_at) -> None:
    context = {"client": client, "practice": client.practice, "link": link, "expires_at": expires_at}
    with translation.override(client.language):
        send("invitation", context, to=client.email)


def send_erasure_requested(client, owner_emails: list[str]) -> None:
    context = {"client": client, "practice": client.practice, "site_url": settings.SITE_URL}
    for email in owner_emails:
        send("erasure_requested", context, to=email)
