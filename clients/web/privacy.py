"""Export and erasure: the practice's pages (the client's own calls are `api.privacy`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from practice.access import current_practice, practitioner_required
from practice.models import is_owner

from ..models import Client, ErasureRequest
from ..privacy import rights


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
    """Its own page, away from the everyday actions: what goes, what stays, a box to tick."""
    client = _practice_client(request, pk)
    if not is_owner(request.user, client.practice):
        raise PermissionDenied("Only an owner of the practice can erase a client.")
    if client.erased_at:
        messages.error(request, "This client's personal data was already erased.")
        return redirect("workspace:client", pk=client.pk)
    if request.method == "GET":
        requested = ErasureRequest.objects.filter(client=client, completed_at__isnull=True).exists()
        return render(request, "clients/erase.html", {"client": client, "requested": requested})
    # Erasure cannot be undone: the box the page asks to tick is checked here, not only in the browser.
    if not request.POST.get("confirm"):
        messages.error(request, "Nothing was erased: tick the box to confirm the erasure first.")
        return redirect("workspace:client-erase", pk=client.pk)
    rights.client_erase(client=client, by=request.user, request=request)
    return redirect("workspace:client", pk=client.pk)


@practitioner_required
def client_audit(request, pk):
    client = _practice_client(request, pk)
    events = client.audit_events.select_related("actor")[:200]
    return render(request, "clients/audit.html", {"client": client, "events": events})
