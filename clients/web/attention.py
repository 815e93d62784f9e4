"""Needs attention, the workspace's first page; an alert's own page (where its email leads);
marking it handled; applying a progression suggestion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from practice.access import current_practice, practitioner_required

from ..attention import actions, sources
from ..models import Alert, Assignment


def _alerts(request):
    return Alert.objects.visible_to(request.user, practice=current_practice(request))


# A long section shows its first items and how many more: the page stays quick to read and to
# draw in a practice of hundreds; `?show=<section>` shows one section whole.
SHOWN = 20


@practitioner_required
def attention(request):
    found = sources.needs_attention(
        user=request.user, practice=current_practice(request), limit=SHOWN, whole=request.GET.get("show")
    )
    # The top bar's count from the rows just read: `counts.top_bar` then asks nothing.
    context = {"sections": found.sections, "attention_count": found.count}
    return render(request, "clients/attention.html", context)


@practitioner_required
def alert_detail(request, pk):
    alert = get_object_or_404(_alerts(request).select_related("client", "handled_by"), pk=pk)
    return render(
        request, "clients/attention_alert.html", {"alert": alert, "item": sources.alert_item(alert)}
    )


@practitioner_required
@require_POST
def alert_handle(request, pk):
    alert = get_object_or_404(_alerts(request).select_related("client"), pk=pk)
    if actions.alert_handle(alert=alert, by=request.user, request=request):
        messages.success(request, f"Alert about {alert.client.name} marked handled.")
    else:
        messages.info(request, f"{alert.handled_by} had already handled this alert.")
    return redirect(_back(request, reverse("workspace:attention")))


@practitioner_required
@require_POST
def suggestion_apply(request, pk, item_pk):
    practice = current_practice(request)
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user, practice).select_related("client", "program"), pk=pk
    )
    try:
        version = actions.suggestion_apply(assignment=assignment, item_id=item_pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Version {version.number} given to {assignment.client.name}.")
    return redirect(_back(request, reverse("workspace:client", args=[assignment.client_id]) + "#programs"))


def _back(request, default: str) -> str:
    """The `next` the form names, when it is a page of this site."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return default
