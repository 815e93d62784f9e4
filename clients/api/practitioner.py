"""The practitioner API for clients, consultations, assignments and adherence.

Every queryset comes through its model's one gate (`visible_to`): the caller's practices'
objects; anything else is 404. Clients
(users without a practice) find nothing here at all (programs.api.IsPractitioner).
"""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from practice.errors import Conflict
from practice.models import is_owner
from practice.rest import ErrorSerializer, IsPractitioner, Pagination
from programs.models import ProgramExercise

from ..accounts import profiles
from ..accounts.invitations import invitation_send
from ..assignments import lifecycle
from ..assignments.handouts import handout_download, handout_options_from
from ..consultations import booking, questionnaires
from ..models import Assignment, Client, Consultation
from ..privacy import rights
from ..scheduling import local_date
from .filters import AssignmentFilter, ClientFilter, ConsultationFilter
from .me import ERRORS, adherence_response
from .serializers import (
    AdherenceQuerySerializer,
    AdherenceSerializer,
    AssignmentActionSerializer,
    AssignmentCreateSerializer,
    ClientSerializer,
    ConsultationSerializer,
    PauseActionSerializer,
    PracticeAssignmentSerializer,
    QuestionnaireScheduleSerializer,
)

DEFAULT_DURATION = Consultation._meta.get_field("duration_minutes").default


@extend_schema_view(
    list=extend_schema(summary="List clients"),
    create=extend_schema(summary="Add a client", description="Emails the client an invitation."),
    retrieve=extend_schema(summary="One client"),
    update=extend_schema(summary="Change a client"),
    partial_update=extend_schema(summary="Change some of a client's fields"),
    destroy=extend_schema(summary="Delete a client"),
)
class ClientViewSet(viewsets.ModelViewSet):
    serializer_class = ClientSerializer
    permission_classes = [IsPractitioner]
    filterset_class = ClientFilter

    def get_queryset(self):
        return Client.objects.visible_to(self.request.user)

    @transaction.atomic
    def perform_create(self, serializer):
        client = serializer.save(practitioner=self.request.user)
        invitation_send(client=client)

    def perform_update(self, serializer):
        """Through the same service as the workspace: the sign-in follows the email, reminders the settings."""
        client = serializer.instance
        changed = {
            name: value for name, value in serializer.validated_data.items() if getattr(client, name) != value
        }
        if changed:
            profiles.client_update_settings(client=client, **changed)

    @extend_schema(summary="Email the invitation again", request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def invitation(self, request, pk=None):
        """Email the client a fresh invitation link; earlier links stop working."""
        invitation_send(client=self.get_object())
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Erase a client's personal data",
        request=None,
        responses={200: ClientSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        """Erase the client's personal data, as the workspace's button does (owners only; 409 once
        erased). Check-off figures stay, tied to no one; it cannot be undone."""
        client = self.get_object()
        if not is_owner(request.user, client.practice):
            raise PermissionDenied("Only an owner of the practice can erase a client.")
        if client.erased_at:
            raise Conflict("This client's personal data was already erased.", existing_id=None)
        rights.client_erase(client=client, by=request.user, request=request)
        return Response(self.get_serializer(client).data)

    @extend_schema(
        summary="A client's adherence",
        parameters=[AdherenceQuerySerializer],
        responses={200: AdherenceSerializer},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def adherence(self, request, pk=None):
        """Adherence over all of the client's programs, as the client sees it."""
        return adherence_response(request, self.get_object())


@extend_schema_view(
    list=extend_schema(summary="List consultations"),
    create=extend_schema(
        summary="Schedule a consultation",
        description="One in the future is scheduled and the client invited; one already held is recorded.",
    ),
    retrieve=extend_schema(summary="One consultation"),
    update=extend_schema(summary="Change a consultation"),
    partial_update=extend_schema(summary="Change some of a consultation's fields"),
    destroy=extend_schema(summary="Delete a consultation"),
)
class ConsultationViewSet(viewsets.ModelViewSet):
    serializer_class = ConsultationSerializer
    permission_classes = [IsPractitioner]
    filterset_class = ConsultationFilter

    def get_queryset(self):
        return Consultation.objects.filter(client__in=Client.objects.visible_to(self.request.user))

    def perform_create(self, serializer):
        record = dict(serializer.validated_data)
        if booking.already_held(starts_at=record["scheduled_at"], status=record.get("status", "")):
            serializer.instance = booking.consultation_record_past(
                client=record.pop("client"),
                starts_at=record.pop("scheduled_at"),
                duration_minutes=record.pop("duration_minutes", DEFAULT_DURATION),
                place=record.pop("place", Consultation.CLINIC),
                by=self.request.user,
                record=record,
            )
            return
        serializer.instance = booking.consultation_schedule(
            client=record.pop("client"),
            starts_at=record.pop("scheduled_at"),
            duration_minutes=record.pop("duration_minutes", DEFAULT_DURATION),
            by=self.request.user,
            record=record,
        )

    def perform_update(self, serializer):
        serializer.instance = booking.consultation_change(
            consultation=serializer.instance, fields=serializer.validated_data
        )

    def perform_destroy(self, instance):
        booking.consultation_delete(consultation=instance)


@extend_schema_view(
    list=extend_schema(summary="List assignments"),
    retrieve=extend_schema(summary="One assignment"),
)
class AssignmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A template given to a client: created by assigning, then paused, resumed or ended."""

    serializer_class = PracticeAssignmentSerializer
    permission_classes = [IsPractitioner]
    filterset_class = AssignmentFilter

    def get_queryset(self):
        items = ProgramExercise.objects.select_related("exercise")
        return (
            Assignment.objects.visible_to(self.request.user)
            .select_related("program", "client")
            .prefetch_related(Prefetch("program__items", queryset=items), "versions", "pauses")
        )

    @extend_schema(
        summary="Assign a template to a client",
        request=AssignmentCreateSerializer,
        responses={201: PracticeAssignmentSerializer},
    )
    def create(self, request):
        data = AssignmentCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        assignment = lifecycle.assignment_create(by=request.user, **data.validated_data)
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Pause, or set a break",
        request=PauseActionSerializer,
        responses={200: PracticeAssignmentSerializer},
    )
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Nothing expected or reminded from `on`: until resumed, or through `until` (a break,
        which may be set ahead; the program stays active)."""
        return self._act(request, lifecycle.assignment_pause, PauseActionSerializer)

    @extend_schema(
        summary="Resume", request=AssignmentActionSerializer, responses={200: PracticeAssignmentSerializer}
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """Exercise expected again from `on`: after a pause, or ending a running break early."""
        return self._act(request, lifecycle.assignment_resume)

    @extend_schema(
        summary="End early", request=AssignmentActionSerializer, responses={200: PracticeAssignmentSerializer}
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Ended early: nothing expected from `on`; what was done stays on record."""
        return self._act(request, lifecycle.assignment_end)

    @extend_schema(
        summary="Cancel a break set ahead", request=None, responses={200: PracticeAssignmentSerializer}
    )
    @action(detail=True, methods=["post"], url_path=r"breaks/(?P<pause_id>[0-9]+)/cancel")
    def cancel_break(self, request, pk=None, pause_id=None):
        """Take back a break set ahead, before it begins (one that has begun is ended by resume)."""
        assignment = self.get_object()
        pause = get_object_or_404(assignment.pauses.all(), pk=pause_id)
        lifecycle.assignment_break_cancel(assignment=assignment, pause=pause)
        return Response(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(
        methods=["GET"],
        summary="The questionnaires scheduled on an assignment",
        responses={200: QuestionnaireScheduleSerializer(many=True), **ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Schedule a questionnaire on an assignment (e.g. every 14 days)",
        request=QuestionnaireScheduleSerializer,
        responses={201: QuestionnaireScheduleSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], url_path="questionnaires")
    def questionnaire_schedules(self, request, pk=None):
        """Listed with stopped ones (their answers stay in Outcomes); a new one is due for the client
        on `starts_on` and every `every_days` after it, within the program's dates."""
        assignment = self.get_object()
        if request.method == "GET":
            paginator = Pagination()
            page = paginator.paginate_queryset(assignment.questionnaire_schedules.order_by("pk"), request)
            data = QuestionnaireScheduleSerializer(page, many=True).data
            return paginator.get_paginated_response(data)
        body = QuestionnaireScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = {"starts_on": max(assignment.start_date, local_date(assignment.client, timezone.now()))}
        schedule = questionnaires.questionnaire_schedule(
            assignment=assignment, by=request.user, **{**fields, **body.validated_data}
        )
        return Response(QuestionnaireScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Stop asking a scheduled questionnaire",
        request=None,
        responses={
            204: None,
            404: OpenApiResponse(ErrorSerializer, description="Not found in your practice"),
        },
    )
    @action(detail=True, methods=["delete"], url_path=r"questionnaires/(?P<schedule_id>[0-9]+)")
    def stop_questionnaire(self, request, pk=None, schedule_id=None):
        """No longer asked from now; the answers already given stay on record."""
        schedule = get_object_or_404(self.get_object().questionnaire_schedules.all(), pk=schedule_id)
        questionnaires.questionnaire_stop(schedule=schedule)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _act(self, request, service, serializer=AssignmentActionSerializer):
        assignment = self.get_object()
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(assignment=assignment, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(summary="The handout (PDF)", responses={(200, "application/pdf"): bytes})
    def handout(self, request, pk=None):  # routed by hand: the contract's path has no trailing slash
        return handout_download(
            request, self.get_object(), options=handout_options_from(request.query_params)
        )
