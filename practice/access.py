"""Who has a workspace, and which practice it works in.

The workspace works in one practice at a time: the one the practitioner chose this session
while they still belong to it, else the first they joined. Every workspace queryset is
scoped to it. The API has no session: it is scoped to all the caller's practices and names
the practice where it matters (see programs.serializers.InPractice).
"""

from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from . import colours
from .api import not_found
from .models import Membership, Practice
from .signed_in import memberships_of

SESSION_KEY = "workspace_practice"


def current_membership(request) -> Membership | None:
    """Where the workspace works: the practice chosen this session, else the first joined.

    A choice the user no longer belongs to (their membership was removed) is forgotten.
    None for someone who works in no practice.
    """
    memberships = memberships_of(request)
    chosen = request.session.get(SESSION_KEY)
    current = next((m for m in memberships if m.practice_id == chosen), None)
    if chosen is not None and current is None:
        del request.session[SESSION_KEY]
    return current or next(iter(memberships), None)


def current_practice(request) -> Practice:
    """The practice of a workspace page (behind `practitioner_required`)."""
    return current_membership(request).practice


def practice_switch(request, practice_id: int) -> Membership:
    """Work in another of one's own practices from now on; any other practice is 404."""
    membership = next((m for m in memberships_of(request) if m.practice_id == practice_id), None)
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.practice_id
    return membership


def practitioner_required(view):
    """Workspace pages are for members of a practice; a signed-in client has no workspace.

    A workspace page is on the practitioner's clock: every time it shows or reads is in their
    membership's timezone. Only these pages: the client's pages (phone page, invitation,
    unsubscribe), the API and the emails keep their own zone.

    A page outside the current practice is 404. To a practitioner of several practices that
    404 is the product's page offering to open it in the others (an alert's link to a client
    of the practice they are not working in): drawn here, since with DEBUG on Django answers
    a raised Http404 with its technical page and never reaches `handler404`.
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        membership = current_membership(request)
        if membership is None:
            raise PermissionDenied
        try:
            with timezone.override(ZoneInfo(membership.timezone)):
                return view(request, *args, **kwargs)
        except Http404 as exc:
            if len(memberships_of(request)) < 2:
                raise
            return not_found(request, exc)

    return wrapper


def workspace(request) -> dict:
    """Context for the page header: the current practice and, for several, the switch."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    current = current_membership(request)
    if current is None:
        return {}
    practices = [m.practice for m in memberships_of(request)]
    return {
        "workspace_practice": current.practice,
        "workspace_practices": practices if len(practices) > 1 else [],
        "workspace_other_practices": [p for p in practices if p.pk != current.practice_id],
        "workspace_switch_next": _after_switch(request),
        "workspace_zone": current.timezone,
        "workspace_accent": colours.readable_accent(current.practice.accent_color),
    }


def _after_switch(request) -> str:
    """Where the header's switch returns: this page when it is practice-wide (no object in its
    address), else the client list, since an object belongs to the practice being left."""
    match = request.resolver_match
    # The method as sent: a view re-rendering another page after a refused POST may relabel it.
    if request.META.get("REQUEST_METHOD") == "GET" and match and not match.kwargs:
        return request.path
    return reverse(settings.WORKSPACE_HOME_URL)
