"""The API's token: knox's per-device token, sent as `Authorization: Token <key>` or `Bearer <key>`."""

from django.utils.translation import gettext_lazy as _
from knox import auth
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
