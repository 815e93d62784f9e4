"""The workspace's questionnaire pages: a client's schedules and answers, and the practice's
licensed ODI wording."""

from django.contrib import messages as notices
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from practice.access import current_membership, current_practice, practitioner_required
from practice.models import Membership

from ..audit import audit_record
from ..consultations import questionnaires
from ..models import Assignment, AuditEvent, Client, QuestionnaireSchedule
from ..scheduling import local_date
from .talk_forms import OdiWordingForm, ScheduleForm

LATEST = 20


def _client(request, pk: int) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.user, practice=current_practice(request)), pk=pk
    )


def _open_assignments(client: Client):
    return client.assignments.filter(status__in=[Assignment.ACTIVE, Assignment.PAUSED]).select_related(
        "program"
    )


@practitioner_required
def client_questionnaires(request, pk):
    """What the client is asked and when, and their scored answers; looking marks them seen."""
    client = _client(request, pk)
    form = ScheduleForm(
        request.POST or None,
        assignments=_open_assignments(client),
        practice=client.practice,
        prefix="schedule",
    )
    if request.method == "POST" and form.is_valid():
        try:
            questionnaires.questionnaire_schedule(**form.cleaned_data, by=request.user)
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            notices.success(request, "Questionnaire scheduled: the client sees it due on their phone.")
            return redirect("workspace:client-questionnaires", pk=client.pk)
    audit_record(actor=request.user, client=client, action=AuditEvent.READ_QUESTIONNAIRES, request=request)
    context = {
        "client": client,
        "form": form,
        "schedules": _schedules(client),
        "series": questionnaires.outcome_series(client).values(),
        "odi_offered": questionnaires.odi_wording_ready(client.practice),
        "responses": _named(client.questionnaire_responses.order_by("-answered_on", "-id")[:LATEST]),
    }
    response = render(request, "clients/questionnaires.html", context, status=400 if form.errors else 200)
    questionnaires.responses_seen(client=client, by=request.user)
    return response


def _schedules(client: Client) -> list[QuestionnaireSchedule]:
    """Each with its name and, while it waits for an answer, what is due (`due`)."""
    due = {d.schedule.pk: d for d in questionnaires.due_for(client)}
    schedules = QuestionnaireSchedule.objects.filter(assignment__client=client)
    named = _named(schedules.select_related("assignment__program"))
    today = local_date(client, timezone.now())
    for schedule in named:
        schedule.due = due.get(schedule.pk)
        schedule.next_day = questionnaires.next_day(schedule, today)
    return named


def _named(rows) -> list:
    names = dict(questionnaires.CHOICES)
    rows = list(rows)
    for row in rows:
        row.name = names.get(row.questionnaire, row.questionnaire)
    return rows


@require_POST
@practitioner_required
def questionnaire_stop(request, pk):
    schedules = QuestionnaireSchedule.objects.visible_to(request.user, practice=current_practice(request))
    schedule = get_object_or_404(schedules.select_related("assignment"), pk=pk)
    questionnaires.questionnaire_stop(schedule=schedule)
    notices.success(request, "The questionnaire is no longer asked.")
    return redirect("workspace:client-questionnaires", pk=schedule.assignment.client_id)


@practitioner_required
def odi_wording(request):
    """The ODI's statements as the practice's licence words them; only an owner enters them."""
    membership = current_membership(request)
    practice = membership.practice
    is_owner = membership.role == Membership.OWNER
    if request.method == "POST" and not is_owner:
        raise Http404
    form = OdiWordingForm(request.POST or None, wording=practice.odi_wording or [])
    if request.method == "POST" and form.is_valid():
        questionnaires.odi_wording_save(practice=practice, wording=form.cleaned_data["wording"])
        notices.success(
            request,
            "The ODI's wording is saved."
            if form.cleaned_data["wording"]
            else "The ODI is no longer offered.",
        )
        return redirect("workspace:odi-wording")
    context = {
        "form": form,
        "practice": practice,
        "is_owner": is_owner,
        "ready": questionnaires.odi_wording_ready(practice),
    }
    return render(request, "clients/odi_wording.html", context, status=400 if form.errors else 200)
