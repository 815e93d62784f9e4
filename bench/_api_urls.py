"""URLs of the API bench's gunicorn: the project's, plus /bench/floor/, a bare DRF endpoint that
authenticates the same way (knox token) and does nothing else: the floor to compare against."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "_api_settings")
os.environ.setdefault("DEBUG", "1")  # only when `make bench` runs this file on its own

import django

django.setup()

from django.urls import include, path  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class Floor(APIView):
    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("bench/floor/", Floor.as_view()),
    path("", include("practice.urls")),
]
