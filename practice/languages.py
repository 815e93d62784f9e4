"""The language of the pages anyone may reach: sign-in, passwords, invitation, error pages.

The workspace is English. A signed-in client reads these pages in their own language, as their
emails and handouts; a signed-in practitioner in the workspace's English, as the header around
them; anyone else in the visitor's (the phone page's `django_language` cookie, else the browser's).
"""

from django.conf import settings
from django.utils import translation

from .signed_in import client_of, memberships_of


def client_language(user) -> str | None:
    """A client's own language; None for a practitioner or a visitor."""
    client = client_of(user)
    return client.language if client is not None else None


def page_language(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if memberships_of(request):  # read once a request, as the header reads them
            return settings.LANGUAGE_CODE
        if language := client_language(user):
            return language
    return translation.get_language_from_request(request)
