"""CSV downloads for practitioners: check-offs and adherence, per client and for all their clients.

The rows, the range rule and the audit are `checkoffs.csv_export`'s; these views only find the
client through the one gate (404 outside) and read `from` and `to`.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from practice.rest import ErrorSerializer, IsPractitioner

from ..checkoffs import csv_export
from ..models import Client
from ..scheduling import local_date

RANGE = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD (default: 30 days before `to`)"
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD (default: today)"),
]
ANSWERS = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, streamed, with a header row"),
    400: OpenApiResponse(ErrorSerializer, description="A bad date (names `from` or `to`), or over 366 days"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    404: OpenApiResponse(ErrorSerializer, description="Not one of your clients"),
}


class CsvOrJsonErrors(BaseContentNegotiation):
    """The CSV is the answer whatever the Accept header; an error is the API's JSON error."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CsvView(APIView):
    permission_classes = [IsPractitioner]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = CsvOrJsonErrors

    def client(self, pk) -> Client:
        return get_object_or_404(Client.objects.visible_to(self.request.user), pk=pk)

    def client_range(self, client):
        return csv_export.date_range(self.request.query_params, today=local_date(client, timezone.now()))

    def practice_range(self):
        return csv_export.date_range(self.request.query_params, today=timezone.localdate())


class ClientCheckoffsCsv(CsvView):
    @extend_schema(summary="A client's check-offs as CSV", parameters=RANGE, responses=ANSWERS)
    def get(self, request, pk):
        client = self.client(pk)
        start, end = self.client_range(client)
        return csv_export.client_checkoffs_download(
            client=client, start=start, end=end, by=request.user, request=request
        )


class ClientAdherenceCsv(CsvView):
    @extend_schema(summary="A client's adherence week by week as CSV", parameters=RANGE, responses=ANSWERS)
    def get(self, request, pk):
        client = self.client(pk)
        start, end = self.client_range(client)
        return csv_export.client_adherence_download(
            client=client, start=start, end=end, by=request.user, request=request
        )


class PracticeCheckoffsCsv(CsvView):
    @extend_schema(summary="All your clients' check-offs as CSV", parameters=RANGE, responses=ANSWERS)
    def get(self, request):
        start, end = self.practice_range()
        return csv_export.practice_checkoffs_download(
            clients=Client.objects.visible_to(request.user),
            start=start,
            end=end,
            by=request.user,
            request=request,
        )


class PracticeAdherenceCsv(CsvView):
    @extend_schema(summary="Adherence of each of your clients as CSV", parameters=RANGE, responses=ANSWERS)
    def get(self, request):
        start, end = self.practice_range()
        return csv_export.practice_adherence_download(
            clients=Client.objects.visible_to(request.user),
            start=start,
            end=end,
            by=request.user,
            request=request,
        )
