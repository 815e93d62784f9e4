"""URLs of the API bench's gunicorn: the project's, plus /bench/floor/, a bare DRF endpoint that
authenticates the same way (knox token) and does nothing else: the floor to compare against.

Two yardsticks show what any real endpoint starts from on this stack: the floor plus one ORM
read of the caller's own row, and the floor plus the least a check-off writes (one row locked
and saved in a transaction)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "_api_settings")
os.environ.setdefault("DEBUG", "1")  # only when `make bench` runs this file on its own

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.urls import include, path  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class Floor(APIView):
    def get(self, request):
        return Response({"ok": True})


class OneRead(APIView):
    def get(self, request):
        from clients.models import Client

        return Response({"id": Client.objects.get(user=request.user).pk})


class OneWrite(APIView):
    def put(self, request, completion_id):
        from clients.models import Completion

        with transaction.atomic():
            completion = Completion.objects.select_for_update().get(pk=completion_id)
            completion.pain = request.data["pain"]
            completion.save(update_fields=["pain", "updated_at"])
        return Response({"id": str(completion.pk)})


urlpatterns = [
    path("bench/floor/", Floor.as_view()),
    path("bench/read/", OneRead.as_view()),
    path("bench/write/<uuid:completion_id>/", OneWrite.as_view()),
    path("", include("config.urls")),
]
