"""Emails: subject, text and HTML templates side by side under templates/emails/."""

from django.conf import settings
from django.utils import translation

from practice.mail import send


def send_invitation(client, link: str, expires_at) -> None:
    context = {"client": client, "practice": client.practice, "link": link, "expires_at": expires_at}
    with translation.override(client.language):
        send("invitation", context, to=client.email, zone=client.timezone)


def send_erasure_requested(client, owner_email: str) -> None:
    context = {"client": client, "practice": client.practice, "site_url": settings.SITE_URL}
    send("erasure_requested", context, to=owner_email)


def send_sign_in_moved(client, old_email: str) -> None:
    """To the address the sign-in leaves: whoever holds it learns, and can tell the practice."""
    context = {"client": client, "practice": client.practice, "old_email": old_email}
    with translation.override(client.language):
        send("sign_in_moved", context, to=old_email, zone=client.timezone)
