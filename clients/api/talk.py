"""Messages and questionnaires over the API: the client's (/me/messages/, /me/questionnaires/)
and the practitioner's (/clients/{id}/messages/). The rules are in `messages.thread` and
`consultations.questionnaires`; these views only read the request and shape the answer."""

from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from practice.rest import ErrorSerializer, IsPractitioner, Pagination

from ..consultations import questionnaires
from ..messages import thread
from ..models import Client, Message, QuestionnaireSchedule
from .me import ERRORS, client_of


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(
        help_text="Who wrote it: the client, or the practitioner's name"
    )
    body = serializers.CharField(
        max_length=Message.MAX_LENGTH, help_text="Plain text; shown as typed, never as HTML"
    )

    class Meta:
        model = Message
        fields = ["id", "body", "from_client", "author", "created_at", "read_at"]
        read_only_fields = ["id", "from_client", "author", "created_at", "read_at"]

    def get_author(self, message: Message) -> str:
        if message.from_client:
            return message.client.name
        return (message.author.name if message.author else "") or "a practitioner"


class ThreadSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    unread = serializers.IntegerField(help_text="Messages from the other side not yet read")
    results = MessageSerializer(many=True)


MESSAGE_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(ErrorSerializer, description="Empty, or over 2,000 characters"),
}


def thread_response(request, client: Client, *, unread: int) -> Response:
    """The thread newest first, paginated; the phone and the workspace show it oldest first."""
    paginator = Pagination()
    messages = thread.messages_of(client).order_by("-created_at", "-id")
    page = paginator.paginate_queryset(messages, request)
    answer = paginator.get_paginated_response(MessageSerializer(page, many=True).data).data
    return Response({**answer, "unread": unread})


def sent(request, client: Client) -> Response:
    body = MessageSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    message = thread.message_send(
        client=client, author=request.user, body=body.validated_data["body"], request=request
    )
    return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class MyMessagesView(APIView):
    """The client's thread with their practice."""

    @extend_schema(summary="Your messages with your practice", responses={200: ThreadSerializer, **ERRORS})
    def get(self, request):
        client = client_of(request.user)
        return thread_response(request, client, unread=thread.unread_for_client(client))

    @extend_schema(
        summary="Write to your practice",
        request=MessageSerializer,
        responses={201: MessageSerializer, **MESSAGE_ERRORS},
    )
    def post(self, request):
        return sent(request, client_of(request.user))


class MyMessagesReadView(APIView):
    @extend_schema(
        summary="Mark your practice's messages read", request=None, responses={204: None, **ERRORS}
    )
    def post(self, request):
        """The client has seen the thread: the practice's messages are marked read."""
        thread.read_by_client(client=client_of(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


def practice_client(request, pk: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


class ClientMessagesView(APIView):
    """A client's thread, as the practice's practitioners read and answer it."""

    permission_classes = [IsPractitioner]

    @extend_schema(summary="A client's messages", responses={200: ThreadSerializer, **ERRORS})
    def get(self, request, pk: int):
        client = practice_client(request, pk)
        thread.practice_reads(client=client, by=request.user, request=request)
        return thread_response(request, client, unread=thread.unread_for_practice(client))

    @extend_schema(
        summary="Write to a client",
        request=MessageSerializer,
        responses={201: MessageSerializer, **MESSAGE_ERRORS},
    )
    def post(self, request, pk: int):
        return sent(request, practice_client(request, pk))


class ClientMessagesReadView(APIView):
    permission_classes = [IsPractitioner]

    @extend_schema(summary="Mark a client's messages read", request=None, responses={204: None, **ERRORS})
    def post(self, request, pk: int):
        """A practitioner has read the thread: the client's messages are marked read (and audited)."""
        thread.read_by_practice(client=practice_client(request, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- questionnaires -----------------------------------------------------------------------


class ScaleSerializer(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    low_label = serializers.CharField()
    high_label = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    title = serializers.CharField()
    statements = serializers.ListField(child=serializers.CharField(), help_text="Scored 0 to 5, in order")


class DueSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        source="schedule.pk", help_text="Answer it at /me/questionnaires/{id}/responses/"
    )
    questionnaire = serializers.CharField(source="questionnaire.key", help_text="nprs, psfs, groc or odi")
    name = serializers.CharField(source="questionnaire.name")
    instructions = serializers.CharField(source="questionnaire.instructions")
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()
    scale = serializers.SerializerMethodField()
    activities = serializers.SerializerMethodField(help_text="PSFS: the activities named last time")
    sections = serializers.SerializerMethodField(help_text="ODI: the ten sections in the practice's wording")

    @extend_schema_field(ScaleSerializer)
    def get_scale(self, due) -> dict:
        q = due.questionnaire
        return {"low": q.low, "high": q.high, "low_label": str(q.low_label), "high_label": str(q.high_label)}

    def get_activities(self, due) -> list[str]:
        return self.context["activities"] if due.questionnaire.key == "psfs" else []

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, due) -> list[dict]:
        if due.questionnaire.key != "odi":
            return []
        wording = due.schedule.assignment.client.practice.odi_wording
        return [
            {"title": str(title), "statements": wording[n]}
            for n, title in enumerate(questionnaires.ODI_SECTIONS)
        ]


class ActivityRatingSerializer(serializers.Serializer):
    activity = serializers.CharField(max_length=questionnaires.ACTIVITY_MAX_LENGTH)
    rating = serializers.IntegerField(min_value=questionnaires.PSFS.low, max_value=questionnaires.PSFS.high)


class QuestionnaireAnswersSerializer(serializers.Serializer):
    """A questionnaire's answers: only the key of the questionnaire answered (nprs `pain`, groc
    `change`, psfs `activities`, odi `sections`). A 400 names the answer at fault."""

    pain = serializers.IntegerField(
        required=False,
        min_value=questionnaires.NPRS.low,
        max_value=questionnaires.NPRS.high,
        help_text="nprs: today's pain",
    )
    change = serializers.IntegerField(
        required=False,
        min_value=questionnaires.GROC.low,
        max_value=questionnaires.GROC.high,
        help_text="groc: how much better (or worse) since the start",
    )
    activities = ActivityRatingSerializer(
        many=True,
        required=False,
        min_length=1,
        max_length=questionnaires.PSFS_MAX_ACTIVITIES,
        help_text="psfs: the activities you find hard, each rated",
    )
    sections = serializers.ListField(
        child=serializers.IntegerField(
            min_value=questionnaires.ODI.low, max_value=questionnaires.ODI.high, allow_null=True
        ),
        required=False,
        min_length=len(questionnaires.ODI_SECTIONS),
        max_length=len(questionnaires.ODI_SECTIONS),
        help_text="odi: the ten sections in order, each 0 to 5, or null when skipped",
    )


@extend_schema_field(QuestionnaireAnswersSerializer)
class AnswersField(serializers.JSONField):
    """Any JSON on the way in (the rules name what is wrong); typed in the schema."""


class AnswersSerializer(serializers.Serializer):
    answers = AnswersField(
        help_text='nprs: {"pain": 0-10}; groc: {"change": -7 to 7}; psfs: {"activities": [{"activity": '
        '"Climbing stairs", "rating": 0-10}, ...up to 5]}; odi: {"sections": [ten of 0-5 or null]}'
    )


@extend_schema_serializer(component_name="QuestionnaireResponse")  # not "Response", a name every client has
class ResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    questionnaire = serializers.CharField()
    due_on = serializers.DateField()
    answered_on = serializers.DateField()
    answers = AnswersField()
    score = serializers.FloatField()


class MyQuestionnairesView(APIView):
    """The questionnaires due for the client to answer now, oldest first."""

    @extend_schema(
        summary="Questionnaires due",
        responses={
            200: inline_serializer(
                "DueQuestionnaires",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": DueSerializer(many=True),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        client = client_of(request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(questionnaires.due_for(client), request)
        context = {"activities": questionnaires.last_activities(client)}
        with translation.override(client.language):
            data = DueSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)


class MyQuestionnaireResponsesView(APIView):
    @extend_schema(
        summary="Answer a questionnaire",
        request=AnswersSerializer,
        responses={
            201: ResponseSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="Not due: answered for its day already, or stopped"
            ),
            **ERRORS,
        },
    )
    def post(self, request, pk: int):
        """Answer a questionnaire that is due; a 400 names the answer at fault (`answers.activities.1.rating`)."""
        client = client_of(request.user)
        schedule = get_object_or_404(QuestionnaireSchedule.objects.filter(assignment__client=client), pk=pk)
        body = AnswersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        response = questionnaires.response_submit(
            client=client, schedule=schedule, answers=body.validated_data["answers"], request=request
        )
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)
