"""FHIR R4 export: a client's record as a Bundle, for their practitioner and for the client.

Their errors are OperationOutcomes (`fhir/outcomes.py`), as a FHIR server's are; the rest of the
API keeps its own error shape.
"""

import logging
import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from practice.rest import IsPractitioner, exception_handler

from ..fhir.bundle import MEDIA_TYPE, InvalidBundle, fhir_export
from ..fhir.outcomes import operation_outcome
from ..models import Client
from .me import client_of

log = logging.getLogger(__name__)
FAILED = "The record could not be exported: the failure is logged and will be looked into."


class FhirJsonRenderer(JSONRenderer):
    """FHIR's JSON media type, for the Bundle and the OperationOutcome of an error alike."""

    media_type = MEDIA_TYPE
    format = "fhir"


def fhir_exception_handler(exc, context):
    """The API's answer to an error (status, headers such as WWW-Authenticate), as an
    OperationOutcome. A Bundle that failed validation is a 500 with nothing of the record."""
    response = exception_handler(exc, context)
    if response is None:  # a bug of ours: said as FHIR says it, with nothing of the record
        if not isinstance(exc, InvalidBundle):  # that one is logged already, without its values
            log.error("FHIR export failed", exc_info=exc)
        errors = [{"field": None, "message": FAILED}]
        return Response(operation_outcome(500, errors), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    response.data = operation_outcome(response.status_code, response.data["errors"])
    return response


class FhirView(APIView):
    renderer_classes = [FhirJsonRenderer, JSONRenderer]

    def get_exception_handler(self):
        return fhir_exception_handler


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
OUTCOME = inline_serializer(
    "FhirOperationOutcome",
    {
        "resourceType": serializers.CharField(help_text='Always "OperationOutcome"'),
        "issue": serializers.ListField(
            child=inline_serializer(
                "FhirOperationOutcomeIssue",
                {
                    "severity": serializers.CharField(help_text='Always "error"'),
                    "code": serializers.CharField(
                        help_text="FHIR IssueType: login (401), forbidden (403), not-found (404), "
                        "throttled (429), exception (500)"
                    ),
                    "diagnostics": serializers.CharField(),
                    "expression": serializers.ListField(child=serializers.CharField(), required=False),
                },
            )
        ),
    },
)
ANSWERS = {  # every error too, or the schema would give them the rest of the API's shape
    200: OpenApiResponse(BUNDLE, description="A FHIR R4 Bundle (type collection)"),
    400: OpenApiResponse(OUTCOME, description="Invalid input (an OperationOutcome, code invalid)"),
    429: OpenApiResponse(OUTCOME, description="Too many requests (an OperationOutcome, code throttled)"),
    401: OpenApiResponse(OUTCOME, description="Not signed in (an OperationOutcome, code login)"),
    404: OpenApiResponse(
        OUTCOME, description="Not found among your own (an OperationOutcome, code not-found)"
    ),
    500: OpenApiResponse(OUTCOME, description="The export failed (an OperationOutcome, code exception)"),
}


class ClientFhirView(FhirView):
    permission_classes = [IsPractitioner]

    @extend_schema(
        summary="A client's record as FHIR R4",
        description="Patient, practitioners, practice, a CarePlan per program version, encounters, "
        "observations (pain LOINC 72514-3, check-offs) and questionnaire responses. Audited.",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The client's id")],
        responses=ANSWERS,
    )
    def get(self, request, pk):
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            raise Http404
        client = get_object_or_404(Client.objects.visible_to(request.user), pk=int(pk))
        return Response(fhir_export(client=client, by=request.user, request=request))


class MyFhirView(FhirView):
    @extend_schema(
        summary="My record as FHIR R4",
        description="The signed-in client's own record as a FHIR R4 Bundle, to take to another "
        "health system. Audited.",
        responses=ANSWERS,
    )
    def get(self, request):
        return Response(fhir_export(client=client_of(request.user), by=request.user, request=request))
