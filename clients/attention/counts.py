"""The top bar's Needs attention count, for every workspace page."""

from django.utils.functional import SimpleLazyObject

from practice.access import current_membership

from .sources import attention_count


def top_bar(request) -> dict:
    """Counted only when a page shows it (one query), and only in a workspace."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    membership = current_membership(request)
    if membership is None:
        return {}
    return {
        "attention_count": SimpleLazyObject(lambda: attention_count(user=user, practice=membership.practice))
    }
