"""Who is signed in: their memberships, read once a request, and the client record behind a
client's sign-in. Clients sit to the right of `practice`, which never imports them: the
`CLIENT_OF_USER` and `IS_CLIENT_SIGN_IN` settings name the functions that answer for them."""

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Membership


def memberships_of(request) -> list[Membership]:
    """The signed-in user's memberships, first joined first; read once a request."""
    if not hasattr(request, "_memberships"):
        if not request.user.is_authenticated:
            request._memberships = []
        else:
            memberships = request.user.memberships.select_related("practice")
            request._memberships = list(memberships.order_by("created_at", "pk"))
    return request._memberships


def client_of(user):
    """The client record behind this sign-in, or None (a practitioner, a visitor)."""
    return import_string(settings.CLIENT_OF_USER)(user)


def is_client_sign_in(email: str) -> bool:
    """Whether this email is a client's sign-in (of any practice)."""
    return import_string(settings.IS_CLIENT_SIGN_IN)(email)
