"""The client API under /api/v1/me/: everything is the signed-in client's own."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from practice.api import TokenSerializer, token_response
from practice.rest import ConflictSerializer, ErrorSerializer, error_response
from programs.models import ProgramExercise

from ..accounts import invitations, passwords, profiles
from ..assignments import versions
from ..assignments.handouts import HANDOUT_RELATED, handout_download, handout_options_from
from ..audit import audit_record, client_ip
from ..checkoffs import completions
from ..checkoffs.adherence import client_adherence
from ..checkoffs.today import client_day_list
from ..models import Assignment, AuditEvent, Client
from ..scheduling import local_date
from .serializers import (
    ID_MAX,
    AdherenceQuerySerializer,
    AdherenceSerializer,
    AssignmentSerializer,
    CompletionBatchItemSerializer,
    CompletionBatchResultSerializer,
    CompletionBatchSerializer,
    CompletionSerializer,
    MeSerializer,
    TodayQuerySerializer,
    TodaySerializer,
    today_data,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; the error names the field"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    404: OpenApiResponse(ErrorSerializer, description="Not found among your own objects"),
}


# /me/ is the signed-in client's own: `user=user`, which `visible_to` lets every client see, taken
# without the gate's subquery over practices, which doubled the time of these lookups on the
# check-off and today paths. A practitioner has no client row and finds nothing here.


def client_of(user) -> Client:
    """The Client row of the signed-in user; practitioners have none and get 404 here."""
    return get_object_or_404(Client.objects.select_related("practice"), user=user)


def my_assignments(user):
    """The signed-in client's own assignments."""
    return (
        Assignment.objects.filter(client__user=user) if user.is_authenticated else Assignment.objects.none()
    )


@extend_schema_view(
    get=extend_schema(summary="Your settings"),
    patch=extend_schema(summary="Change your settings"),
)
class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Client:
        return client_of(self.request.user)

    def perform_update(self, serializer):
        profiles.client_update_settings(client=serializer.instance, **serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="Your programs"),
    retrieve=extend_schema(summary="One of your programs"),
)
class MyAssignmentsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The client's programs, exercises and dosage in the client's language."""

    serializer_class = AssignmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no client
            return Assignment.objects.none()
        items = ProgramExercise.objects.select_related("exercise")
        return (
            Assignment.objects.filter(client=self.client)
            .select_related("program")
            .prefetch_related(Prefetch("program__items", queryset=items), "versions", "pauses")
        )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not getattr(self, "swagger_fake_view", False):
            self.client = client_of(request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": self.client.language}

    def list(self, request, *args, **kwargs):
        with translation.override(self.client.language):
            return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        with translation.override(self.client.language):
            return super().retrieve(request, *args, **kwargs)


class TodayView(APIView):
    @extend_schema(
        summary="Today's exercises",
        parameters=[TodayQuerySerializer],
        responses={200: TodaySerializer, **ERRORS},
    )
    def get(self, request):
        day = None
        if request.query_params:
            query = TodayQuerySerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            day = query.validated_data.get("date")
        listing = client_day_list(request.user, day=day, now=timezone.now())
        if listing is None:  # a practitioner: no client row
            raise Http404
        with translation.override(listing.language):
            return Response(today_data(listing, request))


CONFLICT = OpenApiResponse(ConflictSerializer, description="That slot is checked off under another id")


class CompletionView(APIView):
    @extend_schema(
        summary="Check an exercise off",
        description="Idempotent: the phone makes the uuid; 201 the first time, 200 with the same body on a replay.",
        request=CompletionSerializer,
        responses={200: CompletionSerializer, 201: CompletionSerializer, 409: CONFLICT, **ERRORS},
    )
    def put(self, request, completion_id):
        own = _own_items(request.user, [request.data])
        # The client comes with their exercise; only when none is found are they looked up alone.
        client = _client_of_items(own) or client_of(request.user)
        answer, created = _check_off(request, client, completion_id, request.data, own)
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(summary="Un-check an exercise", responses={204: None, **ERRORS})
    def delete(self, request, completion_id):
        client = client_of(request.user)
        completions.completion_delete(client=client, completion_id=completion_id)
        audit_record(actor=request.user, client=client, action=AuditEvent.DELETE_COMPLETION, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CompletionBatchView(APIView):
    """Offline sync: each item is checked off on its own, exactly as its PUT would be."""

    @extend_schema(
        summary="Check off many at once (offline sync)",
        request=inline_serializer("CompletionBatch", {"items": CompletionBatchItemSerializer(many=True)}),
        responses={200: CompletionBatchResultSerializer, **ERRORS},
    )
    def post(self, request):
        client = client_of(request.user)
        batch = CompletionBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        items = batch.validated_data["items"]
        own = _own_items(request.user, items)
        results = [_batch_item(request, client, item, own) for item in items]
        return Response({"results": results})


def _batch_item(request, client: Client, item: dict, own: dict) -> dict:
    completion_id = item.get("id")
    try:
        if not isinstance(completion_id, str):  # DRF would make a uuid of a number
            raise serializers.ValidationError({"id": "Must be a uuid, as a string."})
        completion_id = serializers.UUIDField().to_internal_value(completion_id)
        answer, created = _check_off(request, client, completion_id, item, own)
    except serializers.ValidationError as exc:
        return _batch_error(completion_id, _named(exc, "id"))
    except Exception as exc:
        return _batch_error(completion_id, exc)
    return {
        "id": str(completion_id),
        "status": status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        "completion": answer,
    }


def _named(exc: serializers.ValidationError, field: str) -> serializers.ValidationError:
    """A bare ValidationError (from the id's own check) named after its field."""
    if isinstance(exc.detail, list):
        return serializers.ValidationError({field: exc.detail})
    return exc


def _batch_error(completion_id, exc: Exception) -> dict:
    response = error_response(exc)
    if response is None:
        raise exc
    result = {"id": str(completion_id) if completion_id is not None else None, "status": response.status_code}
    result["error"] = {key: value for key, value in response.data.items() if key != "existing_id"}
    if "existing_id" in response.data:
        result["existing_id"] = response.data["existing_id"]
    return result


def _check_off(request, client: Client, completion_id, data, own: dict) -> tuple[dict, bool]:
    """The check-off as answered (CompletionSerializer) and whether it was created."""
    serializer = CompletionSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    fields = dict(serializer.validated_data)
    item = own.get(fields.pop("assignment_exercise_id"))
    if item is None:
        raise Http404
    completion, created = completions.completion_record(
        client=client,
        completion_id=completion_id,
        item=item,
        fields=fields,
        actor=request.user,
        ip=client_ip(request),
    )
    # The validated serializer answers with what was stored: its fields are built already.
    serializer.instance = completion
    return serializer.data, created


def _own_items(user, bodies: list) -> dict[int, ProgramExercise]:
    """The signed-in client's own assignment exercises named in the bodies, in one query."""
    ids = set()
    for body in bodies:
        value = body.get("assignment_exercise") if isinstance(body, dict) else None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            ids.add(int(value))
    ids = {pk for pk in ids if 0 < pk <= ID_MAX}  # SQLite cannot even compare one out of range
    return versions.items_for_check_off(user, ids)


def _client_of_items(items: dict[int, ProgramExercise]) -> Client | None:
    item = next(iter(items.values()), None)
    return item.program.version.assignment.client if item is not None else None


def adherence_response(request, client: Client) -> Response:
    today = local_date(client, timezone.now())
    query = AdherenceQuerySerializer(data=request.query_params, context={"today": today})
    query.is_valid(raise_exception=True)
    report = client_adherence(
        client, start=query.validated_data.get("from"), end=query.validated_data.get("to")
    )
    return Response(AdherenceSerializer(report).data)


class MyAdherenceView(APIView):
    @extend_schema(
        summary="Your adherence",
        parameters=[AdherenceQuerySerializer],
        responses={200: AdherenceSerializer, **ERRORS},
    )
    def get(self, request):
        return adherence_response(request, client_of(request.user))


class MyHandoutView(APIView):
    @extend_schema(
        summary="Your program's handout (PDF)",
        parameters=[
            OpenApiParameter("size", str, enum=["A4", "letter"], description="Paper size (default A4)"),
            OpenApiParameter("large", bool, description="Large print: body text at 16 pt"),
            OpenApiParameter("lang", str, enum=["en", "es"], description="Language (default: the client's)"),
        ],
        responses={(200, "application/pdf"): bytes, **ERRORS},
    )
    def get(self, request, pk):
        assignments = my_assignments(request.user).select_related(*HANDOUT_RELATED)
        assignment = get_object_or_404(assignments, pk=pk)
        return handout_download(request, assignment, options=handout_options_from(request.query_params))


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class InvitationAcceptView(APIView):
    """Accept an emailed invitation from the phone app: sets the password, answers with a token."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Accept an invitation",
        request=InvitationAcceptSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer},
    )
    def post(self, request):
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = invitations.invitation_accept(**data.validated_data)
        return token_response(user)


class SessionTokenView(APIView):
    """The phone page's token for a client already signed in on the web (the invitation page,
    the sign-in page): the browser's session, with its CSRF token, stands in for the password."""

    authentication_classes = [SessionAuthentication]

    def get_authenticate_header(self, request):
        return "Session"  # makes "no web session" a 401, as every other unsigned call

    @extend_schema(
        summary="A token for a web session", request=None, responses={200: TokenSerializer, **ERRORS}
    )
    def post(self, request):
        client_of(request.user)  # clients only: a practitioner's session gets no phone token
        return token_response(request.user)


@extend_schema_serializer(component_name="PasswordReset")
class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()


class PasswordResetRequestView(APIView):
    """Forgot the password: the same email as the web page's, and the same answer for any address."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Email a password-reset link",
        request=PasswordResetRequestSerializer,
        responses={
            202: OpenApiResponse(description="A link is on its way if the address has an account"),
            400: ErrorSerializer,
        },
    )
    def post(self, request):
        data = PasswordResetRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        passwords.send_reset_link(data.validated_data["email"], request=request)
        return Response(status=status.HTTP_202_ACCEPTED)
