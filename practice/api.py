"""API endpoints of the practice app: sign-in and sign-out, and the error pages."""

import contextlib
import hashlib

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_out
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, inline_serializer
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .auth import TokenAuthentication, forget_expired_tokens
from .languages import page_language
from .rest import ErrorSerializer, RateThrottle

TokenSerializer = inline_serializer(
    "Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)


def token_response(user) -> Response:
    """A new per-device token, in the shape phone apps code against; the user's expired ones go."""
    forget_expired_tokens(user)
    instance, token = AuthToken.objects.create(user)
    return Response({"token": token, "expiry": instance.expiry})


@extend_schema_serializer(component_name="Credentials")
class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class FailedSignInThrottle(RateThrottle):
    """Counts refused sign-ins only, per (address, account): a right password is never slowed, and
    one person's typos behind a shared address (a clinic's wifi) slow no one else. One address
    guessing many accounts, or many addresses guessing one, meet a limit WIDER times the rate.

    Each attempt takes a place in the counts before its password is checked, in one atomic
    increment, so guesses sent in parallel cannot all pass a count read before any was refused;
    an attempt that is not refused gives its place back (`release`). A count runs for the rate's
    period from the first attempt it holds. With Redis down the counts are skipped, and
    django-axes' lockout, kept in the database, still limits the guessing.
    """

    scope = "sign_in"
    WIDER = 10

    def allow_request(self, request, view) -> bool:
        self.taken = []
        if self.rate is None:
            return True
        email = request.data.get("email") if isinstance(request.data, dict) else None
        address = self.get_ident(request)
        limits = [(self._key("address", address), self.WIDER * self.num_requests)]
        if isinstance(email, str):
            account = email.strip().lower()
            limits.append((self._key("address-account", f"{address} {account}"), self.num_requests))
            limits.append((self._key("account", account), self.WIDER * self.num_requests))
        for key, limit in limits:
            self.taken.append(key)
            if self._take(key) > limit:
                self.release()
                self.wait_for = max(self._left(key) for key, _ in limits)
                return False
        return True

    def record_failure(self) -> None:
        """The attempt was refused: its places stay taken."""
        self.taken = []

    def release(self) -> None:
        for key in self.taken:
            with contextlib.suppress(ValueError):  # the count ran out meanwhile: nothing to give back
                self.cache.decr(key)
        self.taken = []

    def wait(self) -> float:
        return self.wait_for

    def _take(self, key: str) -> int:
        now = self.timer()
        for _ in range(2):  # a count that runs out between add and incr starts again
            if self.cache.add(key, 0, self.duration):
                self.cache.set(f"{key}:since", now, self.duration)
            try:
                count = self.cache.incr(key)
            except ValueError:
                continue
            return 0 if count is None else count  # None: Redis is down, the database's lockout holds
        # The count keeps vanishing under us: refuse rather than count nothing.
        return self.num_requests * self.WIDER + 1

    def _left(self, key: str) -> float:
        since = self.cache.get(f"{key}:since")
        return self.duration if since is None else max(1.0, since + self.duration - self.timer())

    def _key(self, kind: str, ident: str) -> str:
        # Hashed: the cache never holds an email address.
        return self.cache_format % {
            "scope": self.scope,
            "ident": hashlib.sha256(f"{kind}:{ident}".encode()).hexdigest(),
        }


class TokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return "Token"  # makes a refused sign-in a 401 that says how to authenticate

    @extend_schema(
        summary="Sign in for a token",
        description="A per-device token for `Authorization: Token <token>` (or `Bearer <token>`).",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            429: OpenApiResponse(ErrorSerializer, description="Too many refused sign-ins; wait and retry"),
        },
    )
    def post(self, request):
        throttle = FailedSignInThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        try:
            credentials = TokenRequestSerializer(data=request.data)
            credentials.is_valid(raise_exception=True)
            user = authenticate(
                request,
                email=credentials.validated_data["email"].lower(),
                password=credentials.validated_data["password"],
            )
            if getattr(request, "axes_locked_out", False):  # django-axes' lockout, kept in the database
                raise exceptions.Throttled(wait=settings.AXES_COOLOFF_TIME.total_seconds())
            if user is None:
                throttle.record_failure()
                raise exceptions.AuthenticationFailed("Email or password is not right.")
        finally:
            throttle.release()  # whatever was not a refused password is not counted
        return token_response(user)


class LogoutView(KnoxLogoutView):
    """Signs this device out: revokes the token it came with and ends the browser's web session of
    the same account, so a phone page cannot sign straight back in with that session. A session
    (with its CSRF token) alone is enough when the token has already gone."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]

    @extend_schema(summary="Sign this device out", request=None, responses={204: None, 401: ErrorSerializer})
    def post(self, request, format=None):
        if request.auth is not None:
            request.auth.delete()
        if auth.get_user(request._request).pk == request.user.pk:
            auth.logout(request._request)  # also says so to user_logged_out's receivers
        else:
            user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=204)


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    error = {"field": None, "code": code, "message": message}
    return JsonResponse({**error, "errors": [error]}, status=status)


def not_found(request, exception=None):
    """A URL that matches nothing: JSON in the error shape under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return _json_error(404, "not_found", "Not found.")
    with translation.override(page_language(request)):
        return defaults.page_not_found(request, exception)


def permission_denied(request, exception=None):
    """A page this sign-in may not open; a client reads why (and where to go) in their language."""
    with translation.override(page_language(request)):
        return defaults.permission_denied(request, exception)


def sign_in_paused(request, original_response=None, credentials=None):
    """django-axes' answer once an account's sign-in is paused (`AXES_LOCKOUT_CALLABLE`).

    Axes draws it after the view has finished, outside the sign-in page's language: the page
    takes it again (`page_language`), as the sign-in page does. Under /api/ it is JSON in
    the one error shape.
    """
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if request.path.startswith("/api/"):
        response = _json_error(429, "throttled", "Too many refused sign-ins; wait and retry.")
    else:
        with translation.override(page_language(request)):
            response = render(request, "registration/locked_out.html", {"minutes": cooloff // 60}, status=429)
    response["Retry-After"] = str(cooloff)
    return response


def server_error(request):
    if request.path.startswith("/api/"):
        return _json_error(500, "server_error", "Something went wrong on our side; it has been logged.")
    return defaults.server_error(request)
