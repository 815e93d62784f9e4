"""How a notice reaches the person it is for: by email, and for a client who opted in also by
Web Push to the phones they subscribed (`push.py`): the daily reminder, a new message, a
questionnaire falling due (that one by push only).

A notice says what to tell whom (a template stem and its context); a channel knows
an address and a format. An SMS channel would read `recipient.phone` and render
`sms/<kind>.txt` from the same notice.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .. import emails
from ..models import Client
from .push import push_offered, send_push

UNSUBSCRIBE_SALT = "clients.reminders.unsubscribe"
# Long enough for an email read weeks later; short enough that an old forwarded mail expires.
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


@dataclass(frozen=True)
class Notice:
    kind: str
    recipient: object  # a Client or a User: anything with `email` (and, later, `phone`)
    context: dict
    unsubscribe_url: str = ""
    headers: dict = field(default_factory=dict)
    zone: str = "UTC"  # the recipient's timezone: times in the message read as their local time
    language: str = "en"  # the recipient's language: the words of the message
    attachments: tuple = ()  # (filename, content, mimetype) triples


class Channel(Protocol):
    name: str

    def send(self, notice: Notice, *, connection=None) -> None: ...


class EmailChannel:
    name = "email"

    def send(self, notice: Notice, *, connection=None) -> None:
        headers = dict(notice.headers)
        if notice.unsubscribe_url:
            # RFC 8058: mail apps show an "Unsubscribe" button that POSTs this body to the URL.
            headers["List-Unsubscribe"] = f"<{notice.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        context = {**notice.context, "unsubscribe_url": notice.unsubscribe_url}
        with translation.override(notice.language):
            emails.send(
                notice.kind,
                context,
                to=notice.recipient.email,
                headers=headers,
                connection=connection,
                attachments=notice.attachments,
                zone=notice.zone,
            )


EMAIL = EmailChannel()


class PushChannel:
    """The notice on the client's subscribed phones: `push/<kind>_title.txt` and `push/<kind>.txt`
    from the same context as the email, in the client's language. A push that fails is logged, not
    retried: the email is the record."""

    name = "push"

    def send(self, notice: Notice, *, connection=None) -> int:
        """How many of the client's phones took it."""
        if not isinstance(notice.recipient, Client) or not push_offered():
            return 0
        with translation.override(notice.language):
            title = render_to_string(f"push/{notice.kind}_title.txt", notice.context).strip()
            body = render_to_string(f"push/{notice.kind}.txt", notice.context).strip()
        return send_push(notice.recipient, notice.kind, title=title, body=body)


PUSH = PushChannel()


def channel_for(recipient) -> Channel:
    """The channel a recipient is reached on; email for everyone until SMS ships."""
    return EMAIL


def unsubscribe_url(client: Client) -> str:
    token = signing.dumps(client.pk, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("workspace:unsubscribe", args=[token])


def client_from_unsubscribe_token(token: str) -> Client:
    """The client a signed link was made for; BadSignature when forged or expired."""
    pk = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    return Client.objects.select_related("practice").get(pk=pk)
