"""The practice's webhooks page (owners): endpoints, their secret shown once, the delivery log."""

from django.contrib import messages as notices
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from practice.access import current_membership, practitioner_required
from practice.models import Membership

from ..models import WebhookEndpoint
from ..webhooks import delivery, endpoints, history
from .webhook_forms import WebhookEndpointForm

SHOW_ONCE = "webhook_secret"  # the session's note of a secret to show once, on the next page
LOG_PAGE = 25


def _owned(request):
    """The current practice's endpoints, for its owners; to anyone else the page is not there."""
    membership = current_membership(request)
    return WebhookEndpoint.objects.visible_to(request.user, practice=membership.practice), membership


def _endpoint(request, pk: int) -> WebhookEndpoint:
    return get_object_or_404(_owned(request)[0], pk=pk)


def _show_secret_once(request, endpoint: WebhookEndpoint) -> None:
    request.session[SHOW_ONCE] = {"endpoint": endpoint.pk, "secret": endpoint.secret}


@practitioner_required
def webhooks(request):
    endpoints_of_practice, membership = _owned(request)
    if membership.role != Membership.OWNER:
        return render(request, "clients/webhooks.html", {"is_owner": False}, status=200)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = endpoints.endpoint_create(
            practice=membership.practice, by=request.user, **form.cleaned_data
        )
        _show_secret_once(request, endpoint)
        return redirect("workspace:webhook", pk=endpoint.pk)
    context = {
        "is_owner": True,
        "form": form,
        "endpoints": endpoints_of_practice,
        "history": history.history_of(membership.practice),
    }
    return render(request, "clients/webhooks.html", context, status=400 if form.errors else 200)


@practitioner_required
def webhook(request, pk):
    endpoint = _endpoint(request, pk)
    shown = request.session.pop(SHOW_ONCE, None)
    log = Paginator(endpoint.deliveries.all(), LOG_PAGE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "secret": shown["secret"] if shown and shown["endpoint"] == endpoint.pk else None,
        "log": log,
        "form": WebhookEndpointForm(initial={"url": endpoint.url, "events": endpoint.events}),
    }
    return render(request, "clients/webhook.html", context)


@practitioner_required
@require_POST
def webhook_edit(request, pk):
    endpoint = _endpoint(request, pk)
    form = WebhookEndpointForm(request.POST)
    if not form.is_valid():
        log = Paginator(endpoint.deliveries.all(), LOG_PAGE).get_page(1)
        context = {"endpoint": endpoint, "secret": None, "log": log, "form": form}
        return render(request, "clients/webhook.html", context, status=400)
    endpoints.endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
    notices.success(request, _("The endpoint is saved."))
    return redirect("workspace:webhook", pk=endpoint.pk)


@practitioner_required
@require_POST
def webhook_rotate(request, pk):
    endpoint = endpoints.endpoint_rotate_secret(endpoint=_endpoint(request, pk), by=request.user)
    _show_secret_once(request, endpoint)
    return redirect("workspace:webhook", pk=endpoint.pk)


@practitioner_required
@require_POST
def webhook_toggle(request, pk):
    endpoint = _endpoint(request, pk)
    endpoints.endpoint_update(endpoint=endpoint, by=request.user, enabled=not endpoint.enabled)
    notices.success(request, _("The endpoint is on.") if endpoint.enabled else _("The endpoint is off."))
    return redirect("workspace:webhook", pk=endpoint.pk)


@practitioner_required
@require_http_methods(["GET", "POST"])
def webhook_delete(request, pk):
    """Asks first (a page naming the URL, with Cancel), then deletes on its POST."""
    endpoint = _endpoint(request, pk)
    if request.method == "GET":
        return render(request, "clients/webhook_delete.html", {"endpoint": endpoint})
    endpoints.endpoint_delete(endpoint=endpoint, by=request.user)
    notices.success(request, _("The endpoint is deleted; nothing more is sent to it."))
    return redirect("workspace:webhooks")


@practitioner_required
@require_POST
def webhook_redeliver(request, pk, delivery_pk):
    endpoint = _endpoint(request, pk)
    row = get_object_or_404(endpoint.deliveries, pk=delivery_pk)
    if not endpoint.enabled:  # it would only fail again at once: "the endpoint is turned off"
        notices.error(request, _("Turn the endpoint on to send deliveries again."))
        return redirect("workspace:webhook", pk=pk)
    with transaction.atomic():
        again = delivery.redeliver(row)
    if again:
        notices.success(request, _("Sent again, under the same webhook-id."))
    else:
        notices.error(request, _("That delivery is being attempted right now."))
    return redirect("workspace:webhook", pk=pk)
