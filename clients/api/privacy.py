"""Export and erasure: the client's own API calls (the practice's pages are `web.privacy`)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from practice.rest import ErrorSerializer

from ..privacy import rights
from .me import client_of


class MyExportView(APIView):
    @extend_schema(
        summary="Download your data (ZIP)",
        responses={(200, "application/zip"): bytes, 401: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request):
        client = client_of(request.user)
        return rights.export_download(client=client, by=request.user, request=request)


class MyErasureView(APIView):
    @extend_schema(
        summary="Ask your practice to erase your data",
        request=None,
        responses={
            202: inline_serializer("ErasureRequested", {"requested_at": serializers.DateTimeField()}),
            401: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
    )
    def post(self, request):
        erasure = rights.erasure_request(client=client_of(request.user))
        return Response({"requested_at": erasure.requested_at}, status=status.HTTP_202_ACCEPTED)
