"""The API's token authentication: knox's, without its per-request housekeeping.

knox reads all of a user's tokens on every request to delete the expired ones among them: one
query more on every call of the API, for housekeeping a sign-in can do (`forget_expired_tokens`,
called when a token is issued). The token sent is still refused, and deleted, once expired; its
expiry is still renewed at most once a minute (knox's MIN_REFRESH_INTERVAL), so a request only
writes when a minute has passed since the last renewal.
"""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from knox.signals import token_expired


class TokenAuthentication(KnoxTokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        """Whether the token sent has expired (and is then deleted); other tokens are left alone."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


def forget_expired_tokens(user) -> None:
    """Delete the user's tokens that have expired: one query, when a new token is issued."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
