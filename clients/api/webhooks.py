"""The practice's webhook endpoints and their delivery log, for its owners (`/api/v1/webhooks/`).

Every endpoint comes through `WebhookEndpoint.objects.visible_to` (the practices the caller
owns): anything else is 404, and a practitioner who owns no practice lists none and may
register none (the `practice` field has nothing to take). The secret is in the answer to a registration and to a rotation,
and nowhere else.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from practice.errors import Conflict
from practice.models import Membership, Practice
from practice.rest import ErrorSerializer, IsPractitioner

from ..models import WebhookDelivery, WebhookEndpoint
from ..webhooks import delivery, endpoints
from ..webhooks.events import EVENTS

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; the error names the field"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    404: OpenApiResponse(ErrorSerializer, description="Not among your practices' endpoints"),
}


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(EVENTS)}, "minItems": 1})
class EventsField(serializers.Field):
    def to_internal_value(self, data):
        try:
            return endpoints.events_clean(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["events"]) from None

    def to_representation(self, value):
        return list(value)


class OwnedPracticeField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Practice.objects.filter(
            memberships__user=self.context["request"].user, memberships__role=Membership.OWNER
        )


def only_owned_practice(serializer_field):
    owned = list(serializer_field.get_queryset()[:2])
    return owned[0] if len(owned) == 1 else None


only_owned_practice.requires_context = True


class WebhookEndpointSerializer(serializers.ModelSerializer):
    practice = OwnedPracticeField(
        default=only_owned_practice,
        allow_null=True,
        help_text="The practice whose events it hears; needed only if you own several",
    )
    url = serializers.CharField(
        max_length=WebhookEndpoint.MAX_URL_LENGTH, help_text="An https:// URL on a public address"
    )
    events = EventsField(help_text="The event types sent to it")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "practice",
            "url",
            "events",
            "enabled",
            "created_at",
            "failure_streak",
            "failing_since",
            "disabled_at",
        ]
        read_only_fields = ["id", "created_at", "failure_streak", "failing_since", "disabled_at"]

    def validate_practice(self, practice):
        if self.instance is not None:
            return self.instance.practice
        if practice is None:
            raise serializers.ValidationError("Say which of the practices you own this belongs to.")
        return practice

    def validate_url(self, url):
        try:
            endpoints.check_url(url)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["url"]) from None
        return url


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Signs every delivery; shown this once")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookPayloadSerializer(serializers.Serializer):
    """The body each delivery sends: the event, when it happened, and ids and links only."""

    type = serializers.CharField(help_text="The event, e.g. `completion.created`")
    timestamp = serializers.DateTimeField()
    data = serializers.DictField(help_text="The ids the event names, and `links`: the API address of each")


@extend_schema_field(WebhookPayloadSerializer)
class PayloadField(serializers.JSONField):
    """The stored body, typed in the schema."""


class WebhookDeliverySerializer(serializers.ModelSerializer):
    payload = PayloadField(read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "webhook_id",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "created_at",
            "payload",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="List your practice's webhook endpoints",
        responses={200: WebhookEndpointSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary="Register a webhook endpoint (the answer carries its secret, shown once)",
        request=WebhookEndpointSerializer,
        responses={201: WebhookEndpointWithSecretSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="Read a webhook endpoint", responses={200: WebhookEndpointSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint's URL or events, or turn it off or on",
        responses={200: WebhookEndpointSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete a webhook endpoint", responses={204: None, **ERRORS}),
)
class WebhookEndpointViewSet(viewsets.ModelViewSet):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsPractitioner]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return WebhookEndpoint.objects.visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint = endpoints.endpoint_create(
            practice=data["practice"], url=data["url"], events=data["events"], by=request.user
        )
        answer = WebhookEndpointWithSecretSerializer(endpoint, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        endpoints.endpoint_delete(endpoint=instance, by=self.request.user)

    def perform_update(self, serializer):
        changes = {k: v for k, v in serializer.validated_data.items() if k != "practice"}
        endpoints.endpoint_update(endpoint=serializer.instance, by=self.request.user, **changes)

    @extend_schema(
        summary="Give the endpoint a new secret (the answer carries it, shown once)",
        request=None,
        responses={200: WebhookEndpointWithSecretSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = endpoints.endpoint_rotate_secret(endpoint=self.get_object(), by=request.user)
        return Response(
            WebhookEndpointWithSecretSerializer(endpoint, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="The endpoint's delivery log, newest first, with the status codes it answered",
        responses={200: WebhookDeliverySerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request, pk=None):
        page = self.paginate_queryset(self.get_object().deliveries.all())
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a delivery again now, under the same webhook-id",
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            409: OpenApiResponse(ErrorSerializer, description="An attempt is under way"),
            **ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver",
        serializer_class=WebhookDeliverySerializer,
    )
    def redeliver(self, request, pk=None, delivery_id=None):
        row = get_object_or_404(self.get_object().deliveries, pk=int(delivery_id))
        with transaction.atomic():
            if not delivery.redeliver(row):
                raise Conflict("This delivery is being attempted right now.", field=None)
        row.refresh_from_db()
        return Response(WebhookDeliverySerializer(row).data, status=status.HTTP_202_ACCEPTED)
