"""The practitioner's workspace pages; every object comes through a practice-scoped queryset."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from practice.access import practitioner_required
from practice.models import practices_of

from . import channels, invitations, services
from .forms import AssignForm
from .handouts import assignment_handout
from .models import Assignment, Client


def _practice_clients(user):
    return Client.objects.filter(practice__in=practices_of(user))


@practitioner_required
def client_list(request):
    clients = _practice_clients(request.user).select_related("practice")
    return render(request, "clients/list.html", {"clients": clients})


@practitioner_required
def client_detail(request, pk, form=None):
    client = get_object_or_404(_practice_clients(request.user), pk=pk)
    assignments = client.assignments.select_related("program")
    form = form or AssignForm(user=request.user)
    return render(
        request, "clients/detail.html", {"client": client, "assignments": assignments, "form": form}
    )


@practitioner_required
@require_POST
def assign(request, pk):
    client = get_object_or_404(_practice_clients(request.user), pk=pk)
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        return client_detail(request, pk, form=form)
    services.assignment_create(
        client=client, template=form.cleaned_data.pop("template"), by=request.user, **form.cleaned_data
    )
    messages.success(request, f"Program assigned to {client.name}.")
    return redirect("workspace:client", pk=client.pk)


@practitioner_required
def handout(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.filter(client__in=_practice_clients(request.user)), pk=pk
    )
    pdf, filename = assignment_handout(assignment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def invitation(request, token):
    """The client's invitation page: choose a password, once, before the link expires."""
    try:
        pending = invitations.invitation_for(token)
    except ValidationError as exc:
        return render(
            request, "clients/invitation.html", {"invalid": exc.message_dict["token"][0]}, status=404
        )
    if request.method != "POST":
        return render(request, "clients/invitation.html", {"invitation": pending})
    try:
        user = invitations.invitation_accept(token=token, password=request.POST.get("password", ""))
    except ValidationError as exc:
        errors = exc.message_dict.get("password") or exc.messages
        return render(
            request, "clients/invitation.html", {"invitation": pending, "errors": errors}, status=400
        )
    return render(request, "clients/invitation.html", {"accepted": True, "email": user.email})


@csrf_exempt  # RFC 8058: the mail app POSTs "List-Unsubscribe=One-Click"; the signed link is the proof.
def unsubscribe(request, token):
    """One click from the reminder email turns reminders off; a GET only asks, so link scanners can't."""
    try:
        client = channels.client_from_unsubscribe_token(token)
    except (signing.BadSignature, Client.DoesNotExist):
        return render(request, "clients/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.client_update_settings(client=client, reminders_enabled=False)
    return render(request, "clients/unsubscribe.html", {"client": client, "done": request.method == "POST"})


@practitioner_required
def client_reminders(request, pk):
    """What was sent to or about a client, what was skipped and why, what failed and why."""
    client = get_object_or_404(_practice_clients(request.user), pk=pk)
    rows = client.reminders.select_related("consultation", "recipient").order_by("-due_at", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "clients/reminders.html", {"client": client, "page": page})
