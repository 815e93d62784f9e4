"""The API's token: knox's per-device token, sent as `Authorization: Token <key>` or `Bearer <key>`.

knox reads all of a user's tokens on every request to delete the expired ones among them: one
query more on every call of the API, for housekeeping a sign-in can do (`forget_expired_tokens`,
called when a token is issued). The token sent is still refused, and deleted, once expired; its
expiry is still renewed at most once a minute (knox's MIN_REFRESH_INTERVAL), so a request only
writes when a minute has passed since the last renewal.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox import auth
from knox.models import AuthToken
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header


class TokenAuthentication(auth.TokenAuthentication):
    """knox's token under either prefix. `Token` is the one phone apps code against; `Bearer` is
    what OpenAPI tools and generated clients send for the schema's `http` bearer scheme, so a
    client generated from the schema works as it is. The key and what it grants are the same."""

    PREFIXES = (b"token", b"bearer")

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in self.PREFIXES:
            return None  # no token, or a header for another scheme
        if len(words) == 1:
            raise exceptions.AuthenticationFailed(_("Invalid token header. No credentials provided."))
        if len(words) > 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain spaces.")
            )
        return self.authenticate_credentials(words[1])

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
