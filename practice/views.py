import mimetypes
import posixpath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import team
from .access import current_membership, memberships_of, practice_switch, practitioner_required
from .forms import PracticeForm, PractitionerInviteForm, YourSettingsForm
from .models import Membership
from .signed_in import client_of

HISTORY_ON_PRACTICE_PAGE = 10
HISTORY_PER_PAGE = 50


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.memberships.exists():
        return redirect(settings.WORKSPACE_HOME_URL)
    if client_of(request.user) is not None:
        return redirect(settings.CLIENT_HOME_URL)  # a client has no workspace: the phone page is theirs
    # Neither: e.g. a practitioner removed from their only practice. The 403 page says so.
    raise PermissionDenied


@practitioner_required
def practice_settings(request, invite_form=None, settings_form=None):
    """Name, logo and accent colour, as handouts and emails show them, and the missed days alert;
    only an owner changes them."""
    membership = current_membership(request)
    is_owner = membership.role == Membership.OWNER
    if request.method == "POST" and not is_owner:
        raise Http404
    posted = request.method == "POST"
    form = PracticeForm(
        request.POST if posted else None, request.FILES if posted else None, instance=membership.practice
    )
    if posted and form.is_valid():
        form.save()
        messages.success(request, "Practice details saved.")
        return redirect("practice-settings")
    members = (
        Membership.objects.visible_to(request.user, practice=membership.practice)
        .select_related("user")
        .order_by("user__name")
    )
    context = {
        "form": form,
        "practice": membership.practice,
        "is_owner": is_owner,
        "team": members,
        "invite_form": invite_form or PractitionerInviteForm(practice=membership.practice),
        "open_invitations": membership.practice.practitioner_invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        ).order_by("email"),
        "roles": Membership.ROLES,
        "now": timezone.now(),
        "zone": membership.timezone,
        "settings_form": settings_form
        or YourSettingsForm(
            initial={"timezone": membership.timezone},
            likely=[membership.timezone, *(m.timezone for m in members)],
        ),
        "summary_membership": _summary_membership(request, membership),
    }
    if is_owner:
        latest = list(team.team_history(membership)[: HISTORY_ON_PRACTICE_PAGE + 1])
        context["history"] = latest[:HISTORY_ON_PRACTICE_PAGE]
        context["history_has_more"] = len(latest) > HISTORY_ON_PRACTICE_PAGE
    refused = [f for f in (form, invite_form, settings_form) if f is not None and f.errors]
    return render(request, "practice/settings.html", context, status=400 if refused else 200)


def _summary_membership(request, membership: Membership) -> Membership | None:
    """The membership whose timezone the weekly summary follows, when it is not this one: the
    summary is one email across practices, on the clock of the first practice joined."""
    first = memberships_of(request)[0]
    return first if first.pk != membership.pk else None


@practitioner_required
@require_POST
def your_settings(request):
    """The practitioner's own timezone in the practice the workspace works in; nobody else's."""
    membership = current_membership(request)
    form = YourSettingsForm(request.POST)
    if not form.is_valid():
        request.method = "GET"
        return practice_settings(request, settings_form=form)
    # Only the column: an owner changing this member's role meanwhile keeps their change.
    Membership.objects.filter(pk=membership.pk).update(timezone=form.cleaned_data["timezone"])
    messages.success(
        request, f"Your timezone is {form.cleaned_data['timezone']}: the workspace shows times in it."
    )
    return redirect("practice-settings")


@practitioner_required
def team_history(request):
    """Every change to the team, newest first; for owners only, like the rest of team management."""
    membership = current_membership(request)
    page = Paginator(team.team_history(membership), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    context = {"practice": membership.practice, "page": page, "zone": membership.timezone}
    return render(request, "practice/team_history.html", context)


@practitioner_required
@require_POST
def invitation_revoke(request, pk):
    invitation = team.open_invitation_for_owner(current_membership(request), pk)
    if team.practitioner_invitation_revoke(invitation=invitation, by=request.user):
        messages.success(
            request, f"The invitation to {invitation.email} is withdrawn: its link no longer works."
        )
    else:
        messages.error(request, f"The invitation to {invitation.email} was used or withdrawn meanwhile.")
    return redirect("practice-settings")


@practitioner_required
@require_POST
def member_role(request, pk):
    membership = team.member_for_owner(current_membership(request), pk)
    before = membership.role
    try:
        membership = team.membership_role_change(
            membership=membership, role=request.POST.get("role", ""), by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        role = "an owner" if membership.role == Membership.OWNER else "a practitioner"
        if membership.role == before:
            messages.info(
                request, f"{membership.user} is already {role} of {membership.practice}: nothing changed."
            )
        else:
            messages.success(request, f"{membership.user} is now {role} of {membership.practice}.")
    return redirect("practice-settings")


@practitioner_required
@require_POST
def practitioner_invite(request):
    membership = current_membership(request)
    if membership.role != Membership.OWNER:
        raise Http404
    form = PractitionerInviteForm(request.POST, practice=membership.practice)
    if not form.is_valid():
        request.method = "GET"
        return practice_settings(request, invite_form=form)
    team.practitioner_invite(practice=membership.practice, by=request.user, **form.cleaned_data)
    messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
    return redirect("practice-settings")


@practitioner_required
@require_POST
def switch(request):
    """The header's practice switch: from the next page on, the workspace works in the chosen one."""
    practice_id = request.POST.get("practice", "")
    if not practice_id.isdigit():
        return HttpResponseBadRequest("practice: choose one of your practices.")
    membership = practice_switch(request, int(practice_id))
    messages.success(request, f"You are working in {membership.practice} now.")
    return redirect(_local_next(request) or settings.WORKSPACE_HOME_URL)


def _local_next(request) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else ""


def team_invitation(request, token):
    """A colleague's link: signed in with the invited email, or choosing a password for a new account."""
    try:
        invitation = team.practitioner_invitation_for(token)
    except ValidationError as exc:
        return render(request, "practice/team_invitation.html", {"invalid": exc.messages[0]}, status=404)
    errors = []
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        try:
            user = team.practitioner_invitation_accept(
                token=token,
                user=user,
                name=request.POST.get("name", ""),
                password=request.POST.get("password", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            practice_switch(request, invitation.practice_id)  # open the practice just joined
            messages.success(request, f"Welcome to {invitation.practice.name}.")
            return redirect(settings.WORKSPACE_HOME_URL)
    context = {"invitation": invitation, "errors": errors, "name": request.POST.get("name", "")}
    return render(request, "practice/team_invitation.html", context, status=400 if errors else 200)


# The only public uploads: a practice's logo is on its handouts and emails for anyone to see.
PUBLIC_MEDIA = ("logos/",)


def media(request, path):
    """Practice logos from the default storage; anything else there is no one's to fetch."""
    path = posixpath.normpath(path)
    if not path.startswith(PUBLIC_MEDIA):
        raise Http404
    try:
        logo = default_storage.open(path)
    except (OSError, SuspiciousOperation):
        raise Http404 from None
    return FileResponse(logo, content_type=mimetypes.guess_type(path)[0] or "application/octet-stream")
