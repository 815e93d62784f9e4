"""The client's Web Push subscriptions: a phone opts in from Settings by posting its browser's
subscription (`PushSubscription.toJSON()`), and opts out by deleting it."""

import base64
import binascii

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from ..models import PushSubscription
from ..reminders import push
from .me import ERRORS, client_of


def _key_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise serializers.ValidationError("Enter a base64url key.") from exc


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200, help_text="The browser's P-256 public key, base64url")
    auth = serializers.CharField(
        max_length=50, help_text="The browser's 16-byte authentication secret, base64url"
    )

    def validate_p256dh(self, value):
        point = _key_bytes(value)
        if len(point) != 65 or point[0] != 4:
            raise serializers.ValidationError("Enter an uncompressed P-256 public key.")
        return value

    def validate_auth(self, value):
        if len(_key_bytes(value)) != 16:
            raise serializers.ValidationError("Enter a 16-byte authentication secret.")
        return value


class PushSubscriptionSerializer(serializers.ModelSerializer):
    keys = PushKeysSerializer(write_only=True)

    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "keys", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"endpoint": {"validators": []}}  # subscribing again on the same phone takes it over

    def validate_endpoint(self, value):
        problem = push.endpoint_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def create(self, validated_data):
        keys = validated_data["keys"]
        return push.subscription_save(
            client=self.context["client"], endpoint=validated_data["endpoint"], **keys
        )


def _mine(request):
    """The signed-in client's own; a practitioner has none to list and gets 404, as on every /me/ path."""
    if not request.user.is_authenticated:
        return PushSubscription.objects.none()
    return PushSubscription.objects.filter(client=client_of(request.user)).order_by("pk")


@extend_schema_view(
    get=extend_schema(
        summary="The phones that get your notifications",
        responses={200: PushSubscriptionSerializer(many=True), **ERRORS},
    ),
    post=extend_schema(
        summary="Get notifications on this phone", responses={201: PushSubscriptionSerializer, **ERRORS}
    ),
)
class MyPushSubscriptionsView(generics.ListCreateAPIView):
    """The phones that get this client's notifications by Web Push."""

    serializer_class = PushSubscriptionSerializer

    def get_queryset(self):
        return _mine(self.request)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.method == "POST":
            context["client"] = client_of(self.request.user)
        return context


@extend_schema_view(
    delete=extend_schema(summary="Stop notifications on a phone", responses={204: None, **ERRORS})
)
class MyPushSubscriptionView(generics.DestroyAPIView):
    """This phone no longer gets notifications (the page also unsubscribes the browser)."""

    serializer_class = PushSubscriptionSerializer

    def get_queryset(self):
        return _mine(self.request)
