"""URLs of the API bench's gunicorn: the project's, plus yardsticks that authenticate the same way
(knox token, the project's middleware and DRF settings) and do only the least work of their kind:

- /bench/floor/: nothing else (a bare DRF view);
- /bench/insert/<client>/: one INSERT in a transaction (an audit row), as little as a write costs;
- /bench/slots/: the caller's programmed exercises, read with one indexed query and answered as
  plain dicts: as little as reading the slots of today's list costs.

Issue 21 holds the check-off PUT and today's list to 0.8x of the last two."""

import os
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "_api_settings")
os.environ.setdefault("DEBUG", "1")  # only when `make bench` runs this file on its own

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.urls import include, path  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from clients.models import AuditEvent  # noqa: E402
from programs.models import ProgramExercise  # noqa: E402

SLOT_FIELDS = (
    "id",
    "program__assignment__id",
    "exercise_id",
    "exercise__name",
    "sets",
    "reps",
    "hold_seconds",
    "duration_seconds",
    "side",
    "note",
)


class Floor(APIView):
    def get(self, request):
        return Response({"ok": True})


class OneInsert(APIView):
    def put(self, request, client_id):
        pain = request.data["pain"]
        with transaction.atomic():
            AuditEvent.objects.create(
                actor=request.user,
                client_id=client_id,
                action=AuditEvent.RECORD_COMPLETION,
                object_type="Completion",
                object_id=str(uuid.uuid4()),
                ip=request.META.get("REMOTE_ADDR"),
            )
        return Response({"pain": pain})


class OneSelect(APIView):
    def get(self, request):
        slots = ProgramExercise.objects.filter(
            program__assignment__client__user=request.user, program__assignment__status="active"
        ).values(*SLOT_FIELDS)
        return Response({"slots": list(slots)})


urlpatterns = [
    path("bench/floor/", Floor.as_view()),
    path("bench/insert/<int:client_id>/", OneInsert.as_view()),
    path("bench/slots/", OneSelect.as_view()),
    path("", include("config.urls")),
]
