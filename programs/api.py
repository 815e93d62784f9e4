"""The practitioner API for what is prescribed: the exercise library and program templates.

Everyone in a practice sees the shared library plus their practice's own; only their own
can be changed. Callers who are not members of a practice (clients) find nothing here.
"""

import django_filters
from django.db.models import Prefetch, ProtectedError, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from practice.errors import Conflict
from practice.rest import ErrorSerializer, IsPractitioner

from . import services
from .files import PRIVATE
from .models import Exercise, Program, ProgramExercise
from .selectors import with_visible_variants
from .serializers import (
    BulkDosageResultSerializer,
    BulkDosageSerializer,
    ExerciseWriteSerializer,
    ProgramCopySerializer,
    ProgramWriteSerializer,
    ReorderSerializer,
    VideoUploadSerializer,
)
from .services import program_clone


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", help_text="Words in the name or summary")
    source = django_filters.ChoiceFilter(
        choices=[("library", "Shared library"), ("practice", "Your practice's own")],
        method="by_source",
        help_text="Only the shared library's, or only your practice's own",
    )

    def search(self, queryset, name, value):
        return queryset.filter(Q(**{f"{self.search_field}__icontains": value}) | Q(summary__icontains=value))

    def by_source(self, queryset, name, value: str):  # the hint types the filter (a string) in the schema
        return queryset.filter(practice__isnull=value == "library")


class ExerciseFilter(LibraryFilter):
    search_field = "name"
    favourite = django_filters.BooleanFilter(method="starred", help_text="Only the exercises you starred")

    class Meta:
        model = Exercise
        fields = ["region", "position", "level", "q", "source", "favourite"]

    def starred(self, queryset, name, value):
        return queryset.filter(is_favourite=value)


class ProgramFilter(LibraryFilter):
    search_field = "title"

    class Meta:
        model = Program
        fields = ["q", "source"]


class OwnOnlyWrites:
    """The shared library is visible to every practice and changed by none."""

    reading_actions = ("retrieve", "copy")

    def get_object(self):
        obj = super().get_object()
        if self.action not in self.reading_actions and obj.practice_id is None:
            raise PermissionDenied("The shared library is read-only: copy it into your practice.")
        return obj

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError:
            raise Conflict("It is still used by a program; remove it there first.") from None


@extend_schema_view(
    list=extend_schema(summary="List exercises"),
    create=extend_schema(summary="Add an exercise to your practice"),
    retrieve=extend_schema(summary="One exercise"),
    update=extend_schema(summary="Change an exercise"),
    partial_update=extend_schema(summary="Change some of an exercise's fields"),
    destroy=extend_schema(summary="Delete an exercise"),
)
class ExerciseViewSet(OwnOnlyWrites, viewsets.ModelViewSet):
    serializer_class = ExerciseWriteSerializer
    permission_classes = [IsPractitioner]
    filterset_class = ExerciseFilter
    reading_actions = ("retrieve", "favourite")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Exercise.objects.none()
        visible = Exercise.objects.visible_to(self.request.user)
        return with_visible_variants(visible.with_favourite(self.request.user), visible)

    @extend_schema(methods=["PUT"], summary="Star an exercise", request=None, responses={204: None})
    @extend_schema(methods=["DELETE"], summary="Unstar an exercise", request=None, responses={204: None})
    @action(detail=True, methods=["put", "delete"])
    def favourite(self, request, pk=None):
        """Star an exercise for yourself (PUT), or unstar it (DELETE); doing it twice is the same."""
        exercise = self.get_object()
        services.favourite_set(user=request.user, exercise=exercise, starred=request.method == "PUT")
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["PUT"], summary="Upload an exercise's video")
    @extend_schema(methods=["DELETE"], summary="Remove an exercise's video")
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


@extend_schema_view(
    list=extend_schema(summary="List templates"),
    create=extend_schema(summary="Create a template"),
    retrieve=extend_schema(summary="One template"),
    update=extend_schema(summary="Change a template"),
    partial_update=extend_schema(summary="Change some of a template's fields"),
    destroy=extend_schema(summary="Delete a template"),
)
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

    @extend_schema(
        summary="Copy a template into your practice",
        request=ProgramCopySerializer,
        responses={201: ProgramWriteSerializer},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        """Copy a template (e.g. from the shared library) into your practice, to adapt it."""
        source = self.get_object()
        context = {**self.get_serializer_context(), "source": source}
        target = ProgramCopySerializer(data=request.data, context=context)
        target.is_valid(raise_exception=True)
        copy = program_clone(program=source, practice=target.validated_data["practice"], is_template=True)
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reorder a template's exercises",
        request=ReorderSerializer,
        responses={200: ProgramWriteSerializer},
    )
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        """Put the template's items in a new order; every item must be named once."""
        program = self.get_object()
        order = ReorderSerializer(data=request.data)
        order.is_valid(raise_exception=True)
        services.program_reorder(program=program, item_ids=order.validated_data["items"])
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change the dosage of a whole template",
        request=BulkDosageSerializer,
        responses={200: BulkDosageResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def dosage(self, request, pk=None):
        """Change the whole template's dosage at once, e.g. every hold to 20 s."""
        program = self.get_object()
        changes = BulkDosageSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        changed = services.program_set_dosage(program=program, changes=changes.validated_data)
        program = self.get_object()
        return Response({"changed": changed, "program": self.get_serializer(program).data})
