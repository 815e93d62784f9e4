"""FHIR R4 export: a client's record as a Bundle, for their practitioner and for the client."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from practice.rest import ErrorSerializer, IsPractitioner

from ..fhir.bundle import MEDIA_TYPE, fhir_export
from ..models import Client
from .me import client_of


class FhirJsonRenderer(JSONRenderer):
    """FHIR's JSON media type (errors keep the API's one shape, in the same type)."""

    media_type = MEDIA_TYPE
    format = "fhir"


BUNDLE = inline_serializer(
    "FhirBundle",
    {
        "resourceType": serializers.CharField(help_text='Always "Bundle"'),
        "type": serializers.CharField(help_text='Always "collection"'),
        "timestamp": serializers.DateTimeField(),
        "entry": serializers.ListField(
            child=serializers.DictField(),
            help_text="Each with `fullUrl` (urn:uuid:, the same every export) and `resource`",
        ),
    },
)
ANSWERS = {
    200: OpenApiResponse(BUNDLE, description="A FHIR R4 Bundle (type collection)"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    404: OpenApiResponse(ErrorSerializer, description="Not found among your own"),
}


class ClientFhirView(APIView):
    permission_classes = [IsPractitioner]
    renderer_classes = [FhirJsonRenderer, JSONRenderer]

    @extend_schema(
        summary="A client's record as FHIR R4",
        description="Patient, practitioners, practice, a CarePlan per program version, encounters, "
        "observations (pain LOINC 72514-3, check-offs) and questionnaire responses. Audited.",
        responses=ANSWERS,
    )
    def get(self, request, pk):
        client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
        return Response(fhir_export(client=client, by=request.user, request=request))


class MyFhirView(APIView):
    renderer_classes = [FhirJsonRenderer, JSONRenderer]

    @extend_schema(
        summary="My record as FHIR R4",
        description="The signed-in client's own record as a FHIR R4 Bundle, to take to another "
        "health system. Audited.",
        responses=ANSWERS,
    )
    def get(self, request):
        return Response(fhir_export(client=client_of(request.user), by=request.user, request=request))
