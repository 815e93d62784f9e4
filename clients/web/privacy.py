"""Export and erasure: the practice's pages (the client's own calls are `api.privacy`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from practice.access import current_practice, practitioner_required
from practice.models import is_owner

from ..models import Client, ErasureRequest
from ..privacy import rights
from .forms import EraseConfirmForm


def _practice_client(request, pk) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.user, practice=current_practice(request)), pk=pk
    )


@practitioner_required
def client_export(request, pk):
    client = _practice_client(request, pk)
    return rights.export_download(client=client, by=request.user, request=request)


@practitioner_required
@require_http_methods(["GET", "POST"])
def client_erase(request, pk):
    """Its own page, away from the everyday actions: what goes, what stays, the client's name to type."""
    client = _practice_client(request, pk)
    if not is_owner(request.user, client.practice):
        raise PermissionDenied("Only an owner of the practice can erase a client.")
    if client.erased_at:
        messages.error(request, _("This client’s personal data was already erased."))
        return redirect("workspace:client", pk=client.pk)
    form = EraseConfirmForm(request.POST if request.method == "POST" else None, client=client)
    if form.is_valid():
        rights.client_erase(client=client, by=request.user, request=request)
        return redirect("workspace:client", pk=client.pk)
    requested = ErasureRequest.objects.filter(client=client, completed_at__isnull=True).exists()
    context = {"client": client, "requested": requested, "form": form}
    return render(request, "clients/erase.html", context, status=400 if form.is_bound else 200)


@practitioner_required
def client_audit(request, pk):
    client = _practice_client(request, pk)
    events = client.audit_events.select_related("actor")[:200]
    return render(request, "clients/audit.html", {"client": client, "events": events})
