"""Every email Rehabit sends: subject, text and HTML templates side by side under templates/emails/.

One-off emails (invitations, password links, notices) are sent by a worker, never inside the
request: an `EmailTask` is queued after commit and retried while SMTP refuses.
"""

import logging
from smtplib import SMTPException

from celery.contrib.django.task import DjangoTask
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from .zones import zone_info

log = logging.getLogger(__name__)


def send(
    kind: str,
    context: dict,
    *,
    to: str,
    headers: dict | None = None,
    connection=None,
    attachments: tuple = (),
    zone: str = "UTC",
) -> None:
    """Render emails/<kind>_subject.txt, <kind>.txt and <kind>.html and send them; attachments
    are (filename, content, mimetype) triples.

    Times read on the recipient's clock, `zone`, whatever zone the caller works in: a workspace
    page is on the practitioner's, and a task run at once (eager, or after a commit inside the
    request) must not write that into a client's email.
    """
    with timezone.override(zone_info(zone)):
        subject = render_to_string(f"emails/{kind}_subject.txt", context).strip()
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=headers or {}, connection=connection
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


class EmailTask(DjangoTask):
    """A one-off email: takes ids as keyword arguments, loads fresh rows, and is retried while
    SMTP refuses or the connection fails (waits of 1 s doubling to 10 min, about an hour in all).

    `secret_kwargs` (an address no row keeps) travel in the message body only: what the broker,
    events, monitors and logs show of the call has them redacted. A secret the worker can make
    itself (an invitation's or a password link's token) is never an argument at all.
    """

    autoretry_for = (SMTPException, OSError)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = False
    max_retries = 15
    secret_kwargs: tuple[str, ...] = ()
    # Called with the task's keyword arguments once the email is given up (`staticmethod(f)`),
    # so whoever is waiting for it can be shown that it did not arrive.
    undelivered = None

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if self.undelivered is not None:
            self.undelivered(**kwargs)

    def apply_async(self, args=None, kwargs=None, **options):
        # Set on every publish, not by the caller: a retry is published anew, and Celery would
        # otherwise show it with the arguments in full.
        options["kwargsrepr"] = self.shown(kwargs or {})
        return super().apply_async(args, kwargs, **options)

    def shown(self, kwargs: dict) -> str:
        return repr({name: "<redacted>" if name in self.secret_kwargs else v for name, v in kwargs.items()})

    def delay_on_commit(self, **kwargs) -> None:
        transaction.on_commit(lambda: self._queue(kwargs))

    def _queue(self, kwargs: dict) -> None:
        # After commit the change is made: a broker outage must not turn it into an error page
        # (nor tell a password-reset asker that the address has an account).
        try:
            self.apply_async(kwargs=kwargs)
        except BrokerUnavailable:
            log.warning("broker unavailable: %s(%s) was not queued", self.name, self.shown(kwargs))
