from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import Membership


def practitioner_required(view):
    """Workspace pages are for members of a practice; a signed-in client has no workspace."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not Membership.objects.for_user(request.user).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
