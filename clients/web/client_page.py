"""A client's page in sections (overview, check-offs, outcomes, programs, consultations,
messages, records) and its check-off log, read in a constant number of queries."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from practice.access import current_practice, practitioner_required
from programs.models import Exercise

from ..assignments import changes
from ..audit import audit_record
from ..checkoffs import charts, csv_export, log, overview
from ..checkoffs.adherence import ADHERENCE_DAYS, CHECK_FIELDS, exercise_figures, with_versions
from ..consultations import outcomes
from ..models import AuditEvent, Client, Completion
from ..scheduling import local_date, on_break
from .forms import BreakForm, CheckoffFilterForm

# The practitioner's workspace is in English, whatever the client reads.
WORKSPACE_LANGUAGE = "en"
LATEST_CHECKOFFS = 8


def client_page(client: Client, *, today, break_form=None) -> dict:
    assignments = _programs(client, break_form)
    start, _ = charts.window(today)
    completions = Completion.objects.filter(assignment__client=client, date__gte=start)
    done = list(completions.values_list(*CHECK_FIELDS))
    pains = list(completions.filter(pain__isnull=False).values_list("date", "pain"))
    # Only a consultation that took place measured anything: not a cancelled one, nor one to come.
    held = list(client.consultations.held(now=timezone.now()).order_by("scheduled_at"))
    points = charts.pain_points(pains, held, today=today)
    (row,) = overview.client_rows([client], today=today, assignments=assignments)
    return {
        "client": client,
        "row": row,
        "assignments": assignments,
        "cells": charts.heat_map(assignments, done, today=today),
        "points": points,
        "polyline": charts.polyline(points),
        "pain_ticks": charts.pain_ticks(today),
        **_outcomes(held, pains, client.questionnaire_responses.all()),
        "per_exercise": _per_exercise(client, assignments),
        "latest_checkoffs": list(log.checkoff_log(client)[:LATEST_CHECKOFFS]),
        "consultations": list(client.consultations.select_related("practitioner")),
        "open_alerts": list(client.alerts.open()),
        "adherence_days": ADHERENCE_DAYS,
        "export_from": today - timedelta(days=csv_export.DEFAULT_DAYS - 1),
        "export_to": today,
    }


def _programs(client: Client, break_form) -> list:
    assignments = with_versions(client.assignments.select_related("program"))
    prefetch_related_objects(assignments, "versions")
    changes.word_versions(
        [version for assignment in assignments for version in assignment.versions.all()],
        language=WORKSPACE_LANGUAGE,
    )
    clients_today = local_date(client, timezone.now())
    for assignment in assignments:  # a pause still running or to come, whatever the status says
        assignment.pauses_ahead = [
            p for p in assignment.pauses.all() if not p.end_date or p.end_date >= clients_today
        ]
        for pause in assignment.pauses_ahead:
            pause.to_come = pause.start_date > clients_today
        assignment.on_break = on_break(assignment, clients_today)
        assignment.break_form = _break_form(assignment, break_form)
    return assignments


def _break_form(assignment, submitted: BreakForm | None) -> BreakForm:
    """The form a break was just refused in, for its own program; an empty one for the others."""
    if submitted is not None and submitted.assignment_pk == assignment.pk:
        return submitted
    return BreakForm(auto_id=f"id_break_{assignment.pk}_%s")


def _outcomes(held, pains, responses) -> dict:
    observed = outcomes.consultation_observations(held)
    observed += outcomes.questionnaire_observations(responses)
    observed += outcomes.exercise_pain_observations(charts.weekly_pain(pains))
    timeline = outcomes.compare(observed)
    series = outcomes.by_measure(timeline)
    return {"outcomes": timeline, "outcome_charts": [outcomes.chart(s) for s in series.values()]}


def _per_exercise(client: Client, assignments) -> list:
    """Each exercise's last 14 days that ended and today, with its pain, by name."""
    today = local_date(client, timezone.now())
    figures = exercise_figures(assignments, start=today - timedelta(days=ADHERENCE_DAYS), end=today)
    names = dict(Exercise.objects.filter(pk__in=figures).values_list("pk", "name"))
    rows = [(names.get(pk, "—"), f) for pk, f in figures.items() if f.ended.scheduled or f.today.scheduled]
    return sorted(rows, key=lambda row: row[0])


@practitioner_required
def client_checkoffs(request, pk):
    """The check-off log, filtered by exercise and dates, a page at a time; htmx swaps the rows."""
    clients = Client.objects.visible_to(request.user, practice=current_practice(request))
    client = get_object_or_404(clients, pk=pk)
    audit_record(actor=request.user, client=client, action=AuditEvent.VIEW_CLIENT, request=request)
    form = CheckoffFilterForm(request.GET or None, exercises=log.logged_exercises(client))
    chosen = form.cleaned_data if form.is_valid() else {}
    checks = log.checkoff_log(
        client, exercise=chosen.get("exercise"), start=chosen.get("start"), end=chosen.get("end")
    )
    page = Paginator(checks, log.PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"client": client, "form": form, "page": page, "query": query.urlencode()}
    template = "clients/_checkoff_rows.html" if request.htmx else "clients/checkoffs.html"
    return render(request, template, context, status=400 if form.errors else 200)
