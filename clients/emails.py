"""Emails: subject, text and HTML templates side by side under templates/emails/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_invitation(client, link: str, expires_at) -> None:
    context = {"client": client, "practice": client.practice, "link": link, "expires_at": expires_at}
    send("invitation", context, to=client.email)


def send_erasure_requested(client, owner_emails: list[str]) -> None:
    context = {"client": client, "practice": client.practice, "site_url": settings.SITE_URL}
    for email in owner_emails:
        send("erasure_requested", context, to=email)


def send(kind: str, context: dict, *, to: str, headers: dict | None = None, connection=None) -> None:
    subject = render_to_string(f"emails/{kind}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{kind}.txt", context),
        to=[to],
        headers=headers or {},
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"emails/{kind}.html", context), "text/html")
    message.send()
