"""`GET /api/v1/health/`: whether the database, the broker and the cache answer, for load
balancers and CI; 503 naming the part that does not."""

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .celery import app as celery_app

HealthSerializer = inline_serializer(
    "Health",
    {
        "database": serializers.CharField(),
        "broker": serializers.CharField(),
        "cache": serializers.CharField(
            help_text="Throttle counts; while it is down the API answers unthrottled"
        ),
    },
)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []  # counted in the cache it checks: a broken cache must not fail the answer

    @extend_schema(
        summary="Check the database, broker and cache",
        responses={200: HealthSerializer, 503: HealthSerializer},
    )
    def get(self, request):
        checks = {"database": _database_state(), "broker": _broker_state(), "cache": _cache_state()}
        healthy = all(state == "ok" for state in checks.values())
        return Response(checks, status=200 if healthy else 503)


def _state(check) -> str:
    try:
        check()
    except Exception as exc:  # whatever breaks, the answer names the part, never a 500
        return f"error: {type(exc).__name__}"
    return "ok"


def _database_state() -> str:
    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    return _state(select_one)


def _broker_state() -> str:
    def connect():
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)

    return _state(connect)


def _cache_state() -> str:
    # Past the cache's own forgiveness (IGNORE_EXCEPTIONS): its raw client says whether Redis answers.
    raw = getattr(cache, "client", None)
    if raw is None:
        return "ok"  # a process-local cache has nothing to lose
    return _state(lambda: raw.get_client().ping())
