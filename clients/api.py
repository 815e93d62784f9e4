"""The client API under /api/v1/me/: everything is the signed-in client's own."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from practice.api import TokenSerializer, token_response
from practice.rest import ErrorSerializer
from programs.models import ProgramExercise

from . import invitations, services
from .handouts import HANDOUT_RELATED, assignment_handout, handout_options_from
from .models import Assignment, Client
from .scheduling import local_date
from .serializers import (
    AssignmentSerializer,
    CompletionSerializer,
    MeSerializer,
    TodayQuerySerializer,
    TodaySerializer,
)
from .today import slots_for_day

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; the error names the field"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    404: OpenApiResponse(ErrorSerializer, description="Not found among your own objects"),
}


def client_of(user) -> Client:
    """The Client row of the signed-in user; practitioners have none and get 404 here."""
    return get_object_or_404(Client.objects.select_related("practice"), user=user)


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Client:
        return client_of(self.request.user)

    def perform_update(self, serializer):
        services.client_update_settings(client=serializer.instance, **serializer.validated_data)


class MyAssignmentsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        items = ProgramExercise.objects.select_related("exercise")
        return (
            Assignment.objects.of_client_user(self.request.user)
            .select_related("program")
            .prefetch_related(Prefetch("program__items", queryset=items))
        )


class TodayView(APIView):
    @extend_schema(parameters=[TodayQuerySerializer], responses={200: TodaySerializer, **ERRORS})
    def get(self, request):
        client = client_of(request.user)
        query = TodayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or local_date(client, timezone.now())
        slots = slots_for_day(client.assignments.all(), day)
        return Response(TodaySerializer({"date": day, "slots": slots}, context={"request": request}).data)


class CompletionView(APIView):
    @extend_schema(
        request=CompletionSerializer,
        responses={
            200: CompletionSerializer,
            201: CompletionSerializer,
            409: OpenApiResponse(ErrorSerializer, description="That slot is checked off under another id"),
            **ERRORS,
        },
    )
    def put(self, request, completion_id):
        client = client_of(request.user)
        serializer = CompletionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        item = _own_item(client, fields.pop("assignment_exercise_id"))
        completion, created = services.completion_record(
            client=client, completion_id=completion_id, item=item, fields=fields
        )
        return Response(
            CompletionSerializer(completion).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, completion_id):
        services.completion_delete(client=client_of(request.user), completion_id=completion_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _own_item(client: Client, item_id: int) -> ProgramExercise:
    item = (
        ProgramExercise.objects.select_related("program__assignment__client")
        .filter(pk=item_id, program__assignment__client=client)
        .first()
    )
    if item is None:
        raise Http404
    return item


class MyHandoutView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("size", str, enum=["A4", "letter"], description="Paper size (default A4)"),
            OpenApiParameter("large", bool, description="Large print: body text at 16 pt"),
            OpenApiParameter("lang", str, enum=["en", "es"], description="Language (default: the client's)"),
        ],
        responses={(200, "application/pdf"): bytes, **ERRORS},
    )
    def get(self, request, pk):
        assignments = Assignment.objects.of_client_user(request.user).select_related(*HANDOUT_RELATED)
        assignment = get_object_or_404(assignments, pk=pk)
        options = handout_options_from(request.query_params)
        pdf, filename = assignment_handout(assignment, options=options)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class InvitationAcceptView(APIView):
    """Accept an emailed invitation from the phone app: sets the password, answers with a token."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=InvitationAcceptSerializer, responses={200: TokenSerializer, 400: ErrorSerializer})
    def post(self, request):
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = invitations.invitation_accept(**data.validated_data)
        return token_response(user)
