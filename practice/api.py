"""API endpoints of the practice app: health and sign-in."""

from django.contrib.auth import authenticate
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .celery import app as celery_app
from .rest import ErrorSerializer

HealthSerializer = inline_serializer(
    "Health", {"database": serializers.CharField(), "broker": serializers.CharField()}
)
TokenSerializer = inline_serializer(
    "Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer})
    def get(self, request):
        checks = {"database": _database_state(), "broker": _broker_state()}
        healthy = all(state == "ok" for state in checks.values())
        return Response(checks, status=200 if healthy else 503)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _broker_state() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def token_response(user) -> Response:
    """A new per-device token, in the shape phone apps code against."""
    instance, token = AuthToken.objects.create(user)
    return Response({"token": token, "expiry": instance.expiry})


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return "Token"  # makes a refused sign-in a 401 that says how to authenticate

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer, 401: ErrorSerializer},
    )
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(
            request,
            email=credentials.validated_data["email"].lower(),
            password=credentials.validated_data["password"],
        )
        if user is None:
            raise exceptions.AuthenticationFailed("Email or password is not right.")
        return token_response(user)


class LogoutView(KnoxLogoutView):
    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer})
    def post(self, request, format=None):
        return super().post(request, format)
