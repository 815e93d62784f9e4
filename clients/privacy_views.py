"""Export and erasure: the client's API calls and the practice's pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from practice.access import current_practice, practitioner_required
from practice.models import is_owner
from practice.rest import ErrorSerializer

from . import privacy
from .api import client_of
from .models import Client


def _zip_response(data: bytes, client: Client) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="rehabit-data-{client.pk}.zip"'
    return response


class MyExportView(APIView):
    @extend_schema(responses={(200, "application/zip"): bytes, 401: ErrorSerializer, 404: ErrorSerializer})
    def get(self, request):
        client = client_of(request.user)
        return _zip_response(privacy.client_export(client=client, by=request.user, request=request), client)


class MyErasureView(APIView):
    @extend_schema(
        request=None,
        responses={
            202: inline_serializer("ErasureRequested", {"requested_at": serializers.DateTimeField()}),
            401: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
    )
    def post(self, request):
        erasure = privacy.erasure_request(client=client_of(request.user))
        return Response({"requested_at": erasure.requested_at}, status=status.HTTP_202_ACCEPTED)


def _practice_client(request, pk) -> Client:
    return get_object_or_404(Client.objects.in_practice(current_practice(request)), pk=pk)


@practitioner_required
def client_export(request, pk):
    client = _practice_client(request, pk)
    return _zip_response(privacy.client_export(client=client, by=request.user, request=request), client)


@practitioner_required
@require_POST
def client_erase(request, pk):
    client = _practice_client(request, pk)
    if not is_owner(request.user, client.practice):
        raise PermissionDenied("Only an owner of the practice can erase a client.")
    # Erasure cannot be undone: the box the page asks to tick is checked here, not only in the browser.
    if client.erased_at:
        messages.error(request, "This client's personal data was already erased.")
        return redirect("workspace:client", pk=client.pk)
    if not request.POST.get("confirm"):
        messages.error(request, "Nothing was erased: tick the box to confirm the erasure first.")
        return redirect("workspace:client", pk=client.pk)
    privacy.client_erase(client=client, by=request.user, request=request)
    return redirect("workspace:client", pk=client.pk)


@practitioner_required
def client_audit(request, pk):
    client = _practice_client(request, pk)
    events = client.audit_events.select_related("actor")[:200]
    return render(request, "clients/audit.html", {"client": client, "events": events})
