"""The practitioner's workspace pages; every object comes through a practice-scoped queryset."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from practice.access import current_membership, current_practice, practitioner_required
from practice.languages import page_language
from practice.models import Membership
from programs.models import Program, ProgramExercise
from programs.services import program_clone
from programs.views import builder_context

from ..accounts import invitations, profiles
from ..assignments import changes, handouts, lifecycle, versions
from ..audit import audit_record
from ..checkoffs import csv_export, overview, progression
from ..consultations import booking
from ..models import Assignment, AuditEvent, Client, Consultation, ErasureRequest, HandoutBatch
from ..reminders import channels, delivery
from .client_page import client_page
from .forms import (
    AssignForm,
    BreakForm,
    ClientForm,
    ClientSearchForm,
    ConsultationForm,
    PastConsultationForm,
    PastRecordForm,
    PrescribeForm,
    RecordForm,
    ScheduleForm,
    StartForm,
)
from .phone import (
    PRODUCT_COLOUR,
    phone_catalog_response,
    phone_manifest,
    phone_page_settings,
    timezone_options,
)

# The practitioner's workspace is in English, whatever the client reads.
WORKSPACE_LANGUAGE = "en"

CLIENTS_PER_PAGE = 50


def _clients(request):
    """The clients of the practice the workspace works in, through the one gate."""
    return Client.objects.visible_to(request.user, practice=current_practice(request))


def _assignments(request):
    return Assignment.objects.visible_to(request.user, practice=current_practice(request))


def _templates(request, practice):
    return Program.objects.visible_to(request.user, practice=practice).templates()


@practitioner_required
def client_list(request):
    search = ClientSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    clients = _clients(request)
    if query:
        clients = clients.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query)
        )
    page = Paginator(clients.order_by("name", "pk"), CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = overview.client_rows(list(page), today=timezone.localdate())
    template = "clients/_client_rows.html" if request.htmx else "clients/list.html"
    today = timezone.localdate()
    context = {
        "rows": rows,
        "page": page,
        "query": query,
        "search": search,
        "export_from": today - timedelta(days=csv_export.DEFAULT_DAYS - 1),
        "export_to": today,
    }
    return render(request, template, context, status=400 if search.errors else 200)


@practitioner_required
def client_add(request):
    practice = current_practice(request)
    form = ClientForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        client = profiles.client_create(practice=practice, practitioner=request.user, **form.cleaned_data)
        messages.success(request, f"{client.name} added; an invitation is on its way to {client.email}.")
        return redirect("workspace:client", pk=client.pk)
    return render(request, "clients/form.html", {"form": form}, status=400 if form.errors else 200)


@practitioner_required
def client_edit(request, pk):
    client = get_object_or_404(_clients(request), pk=pk)
    form = ClientForm(request.POST or None, instance=client, practice=client.practice)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        client.refresh_from_db()
        if changed:
            profiles.client_update_settings(client=client, **changed)
        messages.success(request, f"{client.name}'s details saved.")
        return redirect("workspace:client", pk=client.pk)
    return render(
        request, "clients/form.html", {"form": form, "client": client}, status=400 if form.errors else 200
    )


@practitioner_required
@require_POST
def invitation_resend(request, pk):
    client = get_object_or_404(_clients(request), pk=pk)
    if client.user_id:
        messages.info(request, f"{client.name} already has a sign-in.")
    else:
        invitations.invitation_send(client=client)
        messages.success(request, f"A new invitation is on its way to {client.email}.")
    return redirect("workspace:client", pk=client.pk)


@practitioner_required
def client_detail(request, pk, form=None, break_form=None):
    pending_erasure = ErasureRequest.objects.filter(client=OuterRef("pk"), completed_at__isnull=True)
    membership = current_membership(request)
    clients = Client.objects.visible_to(request.user, practice=membership.practice).annotate(
        erasure_requested=Exists(pending_erasure)
    )
    client = get_object_or_404(clients.select_related("practice", "user"), pk=pk)
    audit_record(actor=request.user, client=client, action=AuditEvent.VIEW_CLIENT, request=request)
    context = client_page(client, today=timezone.localdate(), break_form=break_form)
    context["audit_events"] = client.audit_events.select_related("actor")[:10]
    context["is_owner"] = membership.role == Membership.OWNER
    context["form"] = form or AssignForm(templates=_templates(request, membership.practice))
    context["invitation"] = None if client.user_id else invitations.open_invitation(client)
    refused = any(f is not None and f.errors for f in (form, break_form))
    return render(request, "clients/detail.html", context, status=400 if refused else 200)


@practitioner_required
@require_POST
def assign(request, pk):
    client = get_object_or_404(_clients(request), pk=pk)
    form = AssignForm(request.POST, templates=_templates(request, client.practice), client=client)
    if not form.is_valid():
        return client_detail(request, pk, form=form)
    try:
        lifecycle.assignment_create(
            client=client, template=form.cleaned_data.pop("template"), by=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        _add_service_error(form, exc)
        return client_detail(request, pk, form=form)
    messages.success(request, f"Program assigned to {client.name}.")
    return redirect("workspace:client", pk=client.pk)


def _add_service_error(form, exc: ValidationError) -> None:
    """A service's refusal shown at the field it names, or above the form when it names none of them."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _practice_assignment(request, pk) -> Assignment:
    assignments = _assignments(request)
    return get_object_or_404(assignments.select_related(*handouts.HANDOUT_RELATED), pk=pk)


@practitioner_required
def handout(request, pk):
    assignment = _practice_assignment(request, pk)
    try:
        options = handouts.handout_options_from(request.GET)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    return handouts.handout_download(request, assignment, options=options)


@practitioner_required
@require_POST
def handout_email(request, pk):
    assignment = _practice_assignment(request, pk)
    delivery.handout_email_request(assignment=assignment)
    messages.success(request, f"The handout is on its way to {assignment.client.email}.")
    return redirect("workspace:client", pk=assignment.client_id)


@practitioner_required
def handout_batches(request):
    practice = current_practice(request)
    if request.method == "POST":
        active = Assignment.objects.visible_to(request.user, practice=practice).filter(
            status=Assignment.ACTIVE
        )
        batch = handouts.handout_batch_create(practice=practice, by=request.user, assignments=active)
        return redirect("workspace:handout-batch", pk=batch.pk)
    batches = HandoutBatch.objects.filter(practice=practice)[:20]
    return render(request, "handouts/batches.html", {"batches": batches, "practice": practice})


@practitioner_required
def handout_batch(request, pk):
    batch = get_object_or_404(HandoutBatch.objects.filter(practice=current_practice(request)), pk=pk)
    return render(request, "handouts/batch.html", {"batch": batch})


def invitation(request, token):
    """The client's invitation page: choose a password, once, before the link expires.

    In the client's language; where the link is not valid, in the visitor's (`page_language`).
    """
    with translation.override(page_language(request)):
        try:
            pending = invitations.invitation_for(token)
        except ValidationError as exc:
            return render(
                request, "clients/invitation.html", {"invalid": exc.message_dict["token"][0]}, status=404
            )
    with translation.override(pending.client.language):
        return _invitation_answer(request, token, pending)


def _invitation_answer(request, token, pending):
    if request.method != "POST":
        return render(request, "clients/invitation.html", {"invitation": pending})
    try:
        user = invitations.invitation_accept(token=token, password=request.POST.get("password", ""))
    except ValidationError as exc:
        errors = exc.message_dict.get("password") or exc.messages
        return render(
            request, "clients/invitation.html", {"invitation": pending, "errors": errors}, status=400
        )
    # Signed in here as well, so the phone page's link opens today's exercises, not a sign-in form.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return render(request, "clients/invitation.html", {"accepted": True, "email": user.email})


def phone_app(request):
    """The client's phone page, in the phone's own language where Rehabit speaks it."""
    with translation.override(translation.get_language_from_request(request)):
        client = _web_client(request.user)
        context = {
            "theme_color": _theme_color(client),
            "language": translation.get_language(),
            "phone_page": phone_page_settings(),
            "timezone_options": timezone_options(),
            # Signed in on the web as a client: the phone page may swap that session for its token.
            "web_session": {"client": client is not None, "csrf": get_token(request)},
        }
        response = render(request, "app/index.html", context)
    patch_vary_headers(response, ["Accept-Language"])  # a shared cache keeps one page per language
    return response


def phone_app_catalog(request, language):
    """The phone page's words in one language: Django's JavaScript catalogue (gettext, ngettext,
    interpolate), one address per language so the service worker keeps each for offline."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        response = phone_catalog_response(request)
    response["Cache-Control"] = "no-cache"  # a new word shows with the next page, online
    return response


def phone_app_manifest(request):
    """The manifest that makes the phone page installable; the page links it with the session's
    cookies, so a client signed in on the web gets their practice's colour in the phone's bar."""
    with translation.override(translation.get_language_from_request(request)):
        manifest = phone_manifest(theme_color=_theme_color(_web_client(request.user)))
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def _web_client(user) -> Client | None:
    """The client signed in on the web, with their practice (one query), or None."""
    if not user.is_authenticated:
        return None
    return Client.objects.select_related("practice").filter(user=user).first()


def _theme_color(client: Client | None) -> str:
    """The practice's accent for a client signed in on the web, else Rehabit's own colour."""
    return (client and client.practice.accent_color) or PRODUCT_COLOUR


def phone_app_worker(request):
    """The phone page's service worker, served under /app/ so that it may look after /app/."""
    response = render(request, "app/sw.js", content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new one on each visit
    return response


@csrf_exempt  # RFC 8058: the mail app POSTs "List-Unsubscribe=One-Click"; the signed link is the proof.
def unsubscribe(request, token):
    """One click from the reminder email turns reminders off; a GET only asks, so link scanners can't."""
    try:
        client = channels.client_from_unsubscribe_token(token)
    except (signing.BadSignature, Client.DoesNotExist):
        with translation.override(page_language(request)):
            return render(request, "clients/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        profiles.client_update_settings(client=client, reminders_enabled=False)
    with translation.override(client.language):
        return render(
            request, "clients/unsubscribe.html", {"client": client, "done": request.method == "POST"}
        )


# --- assignments: pause, resume, end, and their versions ------------------------------------


def _assignment_action(request, pk, action, done: str):
    assignment = get_object_or_404(_assignments(request).select_related("client"), pk=pk)
    try:
        action(assignment=assignment)  # from the client's today: the service's rule
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("workspace:client", pk=assignment.client_id)


@practitioner_required
@require_POST
def assignment_pause(request, pk):
    return _assignment_action(
        request, pk, lifecycle.assignment_pause, "Program paused: no reminders until resumed."
    )


@practitioner_required
@require_POST
def assignment_break(request, pk):
    """A break set ahead (a holiday): refused dates are shown next to the form's fields."""
    assignment = get_object_or_404(_assignments(request).select_related("client"), pk=pk)
    form = BreakForm(request.POST, auto_id=f"id_break_{pk}_%s")
    form.assignment_pk = assignment.pk
    if form.is_valid():
        try:
            lifecycle.assignment_pause(assignment=assignment, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            on, until = form.cleaned_data["on"], form.cleaned_data["until"]
            messages.success(
                request, f"Break set: no exercise or reminders from {on:%-d %b %Y} to {until:%-d %b %Y}."
            )
            return redirect("workspace:client", pk=assignment.client_id)
    return client_detail(request, assignment.client_id, break_form=form)


@practitioner_required
@require_POST
def assignment_break_cancel(request, pk, pause_pk):
    assignment = get_object_or_404(_assignments(request).select_related("client"), pk=pk)
    pause = get_object_or_404(assignment.pauses.all(), pk=pause_pk)
    try:
        lifecycle.assignment_break_cancel(assignment=assignment, pause=pause)
        messages.success(request, "Break cancelled: those days are exercise days again.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("workspace:client", pk=assignment.client_id)


@practitioner_required
@require_POST
def assignment_resume(request, pk):
    return _assignment_action(request, pk, lifecycle.assignment_resume, "Program resumed.")


@practitioner_required
def assignment_end(request, pk):
    """Ending cannot be undone: the page asks first, the POST ends."""
    if request.method == "POST":
        return _assignment_action(request, pk, lifecycle.assignment_end, "Program ended; its record stays.")
    assignment = get_object_or_404(_assignments(request).select_related("client", "program"), pk=pk)
    return render(request, "clients/assignment_end.html", {"assignment": assignment})


@practitioner_required
def assignment_edit(request, pk):
    """Edit what a client was given: a working copy, published as the next version."""
    assignment = get_object_or_404(_assignments(request).select_related("client", "program"), pk=pk)
    draft = versions.revision_draft(assignment=assignment)
    initial = {**versions.schedule_of(assignment)}
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = versions.assignment_revise(
                assignment=assignment, draft=draft, schedule=form.cleaned_data, by=request.user
            )
            changes.word_versions([version], language=WORKSPACE_LANGUAGE)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                f"Version {version.number} given to {assignment.client.name}: {'; '.join(version.said)}",
            )
            # The form posts to #schedule-heading; a browser would carry that anchor over the redirect.
            return redirect(reverse("workspace:client", args=[assignment.client_id]) + "#assignments-heading")
    context = {
        **builder_context(request, draft),
        "assignment": assignment,
        "client": assignment.client,
        "schedule_form": form,
        "return_to": request.path,
        "unpublished": versions.unpublished_edits(assignment=assignment, draft=draft),
        "suggestions": progression.suggestions(
            Assignment.objects.filter(pk=assignment.pk), now=timezone.now()
        ).suggestions,
    }
    return render(request, "clients/revise.html", context, status=400 if form.errors else 200)


@practitioner_required
@require_POST
def assignment_edit_discard(request, pk):
    assignment = get_object_or_404(_assignments(request).select_related("client", "program"), pk=pk)
    if versions.revision_discard(assignment=assignment):
        messages.success(
            request,
            f"Changes discarded: {assignment.client.name} keeps version {assignment.version} as it was.",
        )
    return redirect("workspace:client", pk=assignment.client_id)


@practitioner_required
def assignment_version(request, pk, number):
    assignment = get_object_or_404(_assignments(request).select_related("client"), pk=pk)
    version = get_object_or_404(assignment.versions.select_related("program", "created_by"), number=number)
    items = version.program.items.select_related("exercise")
    changes.word_versions([version], language=WORKSPACE_LANGUAGE)
    all_versions = assignment.versions.only("number", "created_at")
    schedule = versions.schedule_summary(version.schedule) if version.schedule else ""
    context = {
        "assignment": assignment,
        "version": version,
        "items": items,
        "versions": all_versions,
        "schedule": schedule,
    }
    return render(request, "clients/version.html", context)


# --- prescribing: from a template or blank, built in place, then assigned --------------------


@practitioner_required
def prescribe(request, pk):
    client = get_object_or_404(_clients(request), pk=pk)
    consultation = _consultation_of(request, client)
    templates = _templates(request, client.practice)
    form = StartForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        draft = _start_draft(client, form.cleaned_data)
        url = reverse("workspace:prescribe-draft", args=[client.pk, draft.pk])
        return redirect(f"{url}?consultation={consultation.pk}" if consultation else url)
    context = {
        "client": client,
        "form": form,
        "consultation": consultation,
        "templates": templates.order_by(F("practice").asc(nulls_last=True), "title").prefetch_related(
            Prefetch("items", queryset=ProgramExercise.objects.select_related("exercise"))
        ),
    }
    return render(request, "clients/prescribe_start.html", context, status=400 if form.errors else 200)


def _consultation_of(request, client):
    pk = request.GET.get("consultation") or request.POST.get("consultation")
    return client.consultations.filter(pk=pk).first() if pk and str(pk).isdigit() else None


def _start_draft(client: Client, data: dict) -> Program:
    if data.get("template"):
        draft = program_clone(program=data["template"], practice=client.practice, language=client.language)
    else:
        draft = Program.objects.create(practice=client.practice, title=data["title"].strip())
    Program.objects.filter(pk=draft.pk).update(
        is_draft=True, **({"title": data["title"].strip()} if data.get("title") else {})
    )
    draft.refresh_from_db()
    return draft


@practitioner_required
def prescribe_draft(request, pk, program_pk):
    client = get_object_or_404(_clients(request), pk=pk)
    draft = get_object_or_404(
        Program.objects.editable_by(request.user, practice=client.practice).filter(is_draft=True),
        pk=program_pk,
    )
    form = PrescribeForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reminder_time = data.pop("reminder_time")
        try:
            lifecycle.assignment_create_from_draft(client=client, draft=draft, by=request.user, **data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            if reminder_time != client.reminder_time:
                profiles.client_update_settings(client=client, reminder_time=reminder_time)
            messages.success(request, f"Program assigned to {client.name}.")
            return redirect("workspace:client", pk=client.pk)
    context = {
        **builder_context(request, draft),
        "client": client,
        "consultation": _consultation_of(request, client),
        "schedule_form": form,
        "return_to": request.get_full_path(),
    }
    return render(request, "clients/prescribe.html", context, status=400 if form.errors else 200)


# --- consultations -----------------------------------------------------------------------


@practitioner_required
def consultation_new(request, pk):
    client = get_object_or_404(_clients(request), pk=pk)
    membership = current_membership(request)
    form = ConsultationForm(request.POST or None, zone=membership.timezone)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = booking.consultation_schedule(
                client=client,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(
                request, f"Consultation scheduled; {client.name} gets an invite with the video link."
            )
            return redirect("workspace:consultation", pk=consultation.pk)
    context = {"client": client, "form": form, "zone": membership.timezone}
    return render(request, "clients/consultation_new.html", context, status=400 if form.errors else 200)


@practitioner_required
def consultation_past(request, pk):
    """Record a consultation that already took place, with its notes and baseline."""
    client = get_object_or_404(_clients(request), pk=pk)
    zone = current_membership(request).timezone
    when = PastConsultationForm(request.POST or None, zone=zone, initial={"date": timezone.localdate()})
    record = PastRecordForm(request.POST or None, instance=Consultation(client=client))
    if request.method == "POST" and when.is_valid() and record.is_valid():
        try:
            consultation = booking.consultation_record_past(
                client=client,
                starts_at=when.starts_at(),
                duration_minutes=when.cleaned_data["duration_minutes"],
                place=when.cleaned_data["place"],
                by=request.user,
                record={name: record.cleaned_data[name] for name in PastRecordForm.Meta.fields},
                odi_answers=record.odi_answers(),
            )
        except ValidationError as exc:
            _add_service_error(when, exc)
        else:
            _audit_consultation(request, consultation, AuditEvent.CHANGE_CONSULTATION)
            messages.success(request, "Past consultation recorded; its baseline is in the outcomes.")
            return redirect("workspace:consultation", pk=consultation.pk)
    context = {"client": client, "when": when, "form": record, "zone": zone}
    failed = when.errors or record.errors
    return render(request, "clients/consultation_past.html", context, status=400 if failed else 200)


def _audit_consultation(request, consultation: Consultation, action: str) -> None:
    audit_record(
        actor=request.user, client=consultation.client, action=action, obj=consultation, request=request
    )


def _consultation_for(request, pk) -> Consultation:
    return get_object_or_404(
        Consultation.objects.filter(client__practice=current_practice(request)).select_related("client"),
        pk=pk,
    )


@practitioner_required
def consultation_detail(request, pk):
    consultation = _consultation_for(request, pk)
    form = RecordForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in RecordForm.Meta.fields}
        try:
            booking.consultation_record(
                consultation=consultation, fields=fields, odi_answers=form.odi_answers()
            )
        except ValidationError as exc:  # cancelled by someone else since the page was read
            _add_service_error(form, exc)
            consultation.refresh_from_db()
        else:
            _audit_consultation(request, consultation, AuditEvent.CHANGE_CONSULTATION)
            cancelled = consultation.status == Consultation.CANCELLED and "status" in form.changed_data
            told = f" {consultation.client.name} is told it is cancelled." if cancelled else ""
            messages.success(request, "Consultation record saved." + told)
            return redirect("workspace:consultation", pk=consultation.pk)
    _audit_consultation(request, consultation, AuditEvent.VIEW_CONSULTATION)
    move_form = ConsultationForm.for_moving(consultation, zone=current_membership(request).timezone)
    return _consultation_page(request, consultation, form, move_form)


def _consultation_page(request, consultation, form, move_form):
    # The page is on the practitioner's clock (`practitioner_required`); the move form reads
    # times in the same zone.
    zone = move_form.zone.key
    context = {
        "consultation": consultation,
        "client": consultation.client,
        "form": form,
        "move_form": move_form,
        "zone": zone,
        "repeated_time": booking.repeated_time_note(timezone.localtime(consultation.scheduled_at)),
    }
    failed = form.errors or move_form.errors
    return render(request, "clients/consultation.html", context, status=400 if failed else 200)


@practitioner_required
def consultation_move(request, pk):
    consultation = _consultation_for(request, pk)
    if request.method != "POST":  # the address a refused move leaves in the bar, opened again
        return redirect("workspace:consultation", pk=consultation.pk)
    zone = current_membership(request).timezone
    move_form = ConsultationForm.for_moving(consultation, zone=zone, data=request.POST)
    moved = consultation
    if move_form.is_valid():
        try:
            moved = booking.consultation_move(
                consultation=consultation,
                starts_at=move_form.starts_at(),
                duration_minutes=move_form.cleaned_data["duration_minutes"],
            )
        except ValidationError as exc:
            _add_service_error(move_form, exc)
    if move_form.errors:
        return _consultation_page(request, consultation, RecordForm(instance=consultation), move_form)
    if moved.sequence == consultation.sequence:
        messages.info(request, "That is the time it already has: nothing changed, nobody was emailed.")
    else:
        messages.success(request, f"Consultation moved; {consultation.client.name} gets the updated invite.")
    return redirect("workspace:consultation", pk=consultation.pk)


@practitioner_required
def client_reminders(request, pk):
    """What was sent to or about a client, what was skipped and why, what failed and why."""
    client = get_object_or_404(_clients(request), pk=pk)
    rows = client.reminders.select_related("consultation", "recipient").order_by("-due_at", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "clients/reminders.html", {"client": client, "page": page})
