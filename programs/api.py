"""The practitioner API for what is prescribed: the exercise library and program templates.

Everyone in a practice sees the shared library plus their practice's own; only their own
can be changed. Callers who are not members of a practice (clients) find nothing here.
"""

import django_filters
from django.db.models import Prefetch, ProtectedError, Q
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from practice.errors import Conflict
from practice.rest import ErrorSerializer, IsPractitioner

from .files import PRIVATE
from .models import Exercise, Program, ProgramExercise
from .serializers import (
    ExerciseWriteSerializer,
    ProgramCopySerializer,
    ProgramWriteSerializer,
    VideoUploadSerializer,
)
from .services import program_clone


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", help_text="Words in the name or summary")
    source = django_filters.ChoiceFilter(
        choices=[("library", "Shared library"), ("practice", "Your practice's own")], method="by_source"
    )

    def search(self, queryset, name, value):
        return queryset.filter(Q(**{f"{self.search_field}__icontains": value}) | Q(summary__icontains=value))

    def by_source(self, queryset, name, value):
        return queryset.filter(practice__isnull=value == "library")


class ExerciseFilter(LibraryFilter):
    search_field = "name"

    class Meta:
        model = Exercise
        fields = ["body_region", "region", "position", "level", "q", "source"]


class ProgramFilter(LibraryFilter):
    search_field = "title"

    class Meta:
        model = Program
        fields = ["q", "source"]


class OwnOnlyWrites:
    """The shared library is visible to every practice and changed by none."""

    def get_object(self):
        obj = super().get_object()
        if self.action not in ("retrieve", "copy") and obj.practice_id is None:
            raise PermissionDenied("The shared library is read-only: copy it into your practice.")
        return obj

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError:
            raise Conflict("It is still used by a program; remove it there first.") from None


class ExerciseViewSet(OwnOnlyWrites, viewsets.ModelViewSet):
    serializer_class = ExerciseWriteSerializer
    permission_classes = [IsPractitioner]
    filterset_class = ExerciseFilter

    def get_queryset(self):
        return Exercise.objects.visible_to(self.request.user).prefetch_related("variants")

    @extend_schema(
        request={"multipart/form-data": VideoUploadSerializer},
        responses={
            200: ExerciseWriteSerializer,
            204: None,
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        description="PUT an MP4 or WebM as the `video` field of a multipart form (its type is read "
        "from its bytes; over VIDEO_MAX_MB is a 400), or DELETE the video.",
    )
    @action(detail=True, methods=["put", "delete"], parser_classes=[MultiPartParser])
    def video(self, request, pk=None):
        exercise = self.get_object()
        old = exercise.video.name
        if request.method == "DELETE":
            exercise.video = ""
        else:
            upload = VideoUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            exercise.video = upload.validated_data["video"]
        exercise.save(update_fields=["video"])
        if old:
            PRIVATE.delete(old)
        if request.method == "DELETE":
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(exercise).data)


class ProgramViewSet(OwnOnlyWrites, viewsets.ModelViewSet):
    """Templates: the shared library's and your practice's. Assigned copies live under assignments."""

    serializer_class = ProgramWriteSerializer
    permission_classes = [IsPractitioner]
    filterset_class = ProgramFilter

    def get_queryset(self):
        items = ProgramExercise.objects.select_related("exercise")
        return (
            Program.objects.visible_to(self.request.user)
            .templates()
            .prefetch_related(Prefetch("items", queryset=items))
        )

    @extend_schema(request=ProgramCopySerializer, responses={201: ProgramWriteSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        """Copy a template (e.g. from the shared library) into your practice, to adapt it."""
        source = self.get_object()
        context = {**self.get_serializer_context(), "source": source}
        target = ProgramCopySerializer(data=request.data, context=context)
        target.is_valid(raise_exception=True)
        copy = program_clone(program=source, practice=target.validated_data["practice"], is_template=True)
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)
