"""Every email Rehabit sends: subject, text and HTML templates side by side under templates/emails/."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send(
    kind: str,
    context: dict,
    *,
    to: str,
    headers: dict | None = None,
    connection=None,
    attachments: tuple = (),
) -> None:
    """Render emails/<kind>_subject.txt, <kind>.txt and <kind>.html and send them; attachments
    are (filename, content, mimetype) triples."""
    message = EmailMultiAlternatives(
        subject=render_to_string(f"emails/{kind}_subject.txt", context).strip(),
        body=render_to_string(f"emails/{kind}.txt", context),
        to=[to],
        headers=headers or {},
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"emails/{kind}.html", context), "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    message.send()
