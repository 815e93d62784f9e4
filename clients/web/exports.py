"""CSV downloads from the workspace: a client's check-offs and adherence (the client page's
Check-offs section) and the practice's (the client list). The rows, the range rule and the
audit are `checkoffs.csv_export`'s, as for the API."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from practice.access import current_practice, practitioner_required

from ..checkoffs import csv_export
from ..models import Client
from ..scheduling import local_date


def _clients(request):
    return Client.objects.visible_to(request.user, practice=current_practice(request))


def _refused(request, error: ValidationError, back: str):
    """A bad range: back where the button was, the reason shown (the browser's date field makes it rare)."""
    for field, problems in error.message_dict.items():
        messages.error(request, f"Nothing exported: {field} — {' '.join(problems)}")
    return redirect(back)


def _client_export(request, pk, download):
    client = get_object_or_404(_clients(request), pk=pk)
    try:
        start, end = csv_export.date_range(request.GET, today=local_date(client, timezone.now()))
    except ValidationError as error:
        return _refused(request, error, reverse("workspace:client", args=[client.pk]) + "#checkoffs")
    return download(client=client, start=start, end=end, by=request.user, request=request)


def _practice_export(request, download):
    try:
        start, end = csv_export.date_range(request.GET, today=timezone.localdate())
    except ValidationError as error:
        return _refused(request, error, reverse("workspace:clients"))
    return download(clients=_clients(request), start=start, end=end, by=request.user, request=request)


@practitioner_required
def client_checkoffs_csv(request, pk):
    return _client_export(request, pk, csv_export.client_checkoffs_download)


@practitioner_required
def client_adherence_csv(request, pk):
    return _client_export(request, pk, csv_export.client_adherence_download)


@practitioner_required
def checkoffs_csv(request):
    return _practice_export(request, csv_export.practice_checkoffs_download)


@practitioner_required
def adherence_csv(request):
    return _practice_export(request, csv_export.practice_adherence_download)
