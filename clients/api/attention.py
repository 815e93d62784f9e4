"""Needs attention over the practitioner API: the items of every source for the caller's
practices, and marking an alert handled. Outside the caller's practices: 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from practice.errors import Conflict
from practice.rest import ErrorSerializer, IsPractitioner

from ..attention import actions, sources
from ..models import Alert

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    404: OpenApiResponse(ErrorSerializer, description="Not found in your practices"),
}


class AlertSerializer(serializers.ModelSerializer):
    handled_by = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["id", "client", "kind", "local_date", "raised_at", "reason", "handled_by", "handled_at"]

    def get_handled_by(self, alert) -> int | None:
        return alert.handled_by_id


class SuggestionSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    assignment_exercise = serializers.IntegerField(source="item.pk")
    exercise = serializers.IntegerField(source="item.exercise_id")
    direction = serializers.ChoiceField(choices=["progress", "ease"])
    change = serializers.CharField(source="change.words", allow_null=True, default=None)


class AttentionItemSerializer(serializers.Serializer):
    source = serializers.CharField(
        help_text="pain_alert, missed_alert, quiet_alert, messages, questionnaires, progression, consultations"
    )
    client = serializers.IntegerField(source="client.pk")
    client_name = serializers.CharField(source="client.name")
    title = serializers.CharField()
    at = serializers.SerializerMethodField(
        help_text="When: a moment (ISO 8601 date-time), or a day (a date) for a questionnaire only overdue"
    )
    url = serializers.SerializerMethodField(help_text="The workspace page to look at")
    alert = serializers.IntegerField(source="alert.pk", allow_null=True, default=None)
    suggestion = SuggestionSerializer(allow_null=True)

    def get_at(self, item) -> str | None:
        return item.at.isoformat() if item.at else None

    def get_url(self, item) -> str:
        return self.context["request"].build_absolute_uri(item.url)


class AttentionSerializer(serializers.Serializer):
    top_bar_count = serializers.IntegerField(
        help_text="Open alerts (and the like), as the top bar counts them"
    )
    items = AttentionItemSerializer(many=True)


class AttentionView(APIView):
    permission_classes = [IsPractitioner]

    @extend_schema(summary="What needs attention", responses={200: AttentionSerializer, **ERRORS})
    def get(self, request):
        """What needs attention in every practice of the caller, by source."""
        found = sources.needs_attention(user=request.user)
        body = {
            "top_bar_count": found.count,
            "items": [item for section in found.sections for item in section.items],
        }
        return Response(AttentionSerializer(body, context={"request": request}).data)


class AlertHandleView(APIView):
    permission_classes = [IsPractitioner]

    @extend_schema(
        summary="Mark an alert handled",
        request=None,
        responses={
            200: AlertSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Already handled (by whom is in the alert)"),
            **ERRORS,
        },
    )
    def post(self, request, pk):
        """Mark the alert handled by the caller (recorded in the client's audit); it leaves the list."""
        alert = get_object_or_404(Alert.objects.visible_to(request.user).select_related("client"), pk=pk)
        if not actions.alert_handle(alert=alert, by=request.user, request=request):
            raise Conflict("This alert was already handled.")
        return Response(AlertSerializer(alert).data)
