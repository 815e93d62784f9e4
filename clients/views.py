"""The practitioner's workspace pages; every object comes through a practice-scoped queryset."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from practice.access import practitioner_required
from practice.models import practices_of

from . import handouts, invitations, services
from .forms import AssignForm
from .models import Assignment, Client, HandoutBatch


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


def _practice_assignment(user, pk) -> Assignment:
    assignments = Assignment.objects.filter(client__in=_practice_clients(user))
    return get_object_or_404(assignments.select_related(*handouts.HANDOUT_RELATED), pk=pk)


@practitioner_required
def handout(request, pk):
    assignment = _practice_assignment(request.user, pk)
    try:
        options = handouts.handout_options_from(request.GET)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    return pdf_response(*handouts.assignment_handout(assignment, options=options))


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # a client's health information
    return response


@practitioner_required
@require_POST
def handout_email(request, pk):
    assignment = _practice_assignment(request.user, pk)
    handouts.handout_email_queue(assignment=assignment)
    messages.success(request, f"The handout is on its way to {assignment.client.email}.")
    return redirect("workspace:client", pk=assignment.client_id)


@practitioner_required
def handout_batches(request):
    practice = practices_of(request.user).order_by("pk").first()
    if request.method == "POST":
        active = Assignment.objects.filter(status=Assignment.ACTIVE)
        batch = handouts.handout_batch_create(practice=practice, by=request.user, assignments=active)
        return redirect("workspace:handout-batch", pk=batch.pk)
    batches = HandoutBatch.objects.visible_to(request.user)[:20]
    return render(request, "handouts/batches.html", {"batches": batches, "practice": practice})


@practitioner_required
def handout_batch(request, pk):
    batch = get_object_or_404(HandoutBatch.objects.visible_to(request.user), pk=pk)
    return render(request, "handouts/batch.html", {"batch": batch})


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
