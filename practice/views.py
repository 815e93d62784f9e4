from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from .access import practitioner_required
from .forms import PracticeForm
from .models import Membership


def home(request):
    if request.user.is_authenticated and request.user.memberships.exists():
        return redirect("workspace:clients")
    return redirect("login")


def _membership(user) -> Membership:
    return Membership.objects.for_user(user).select_related("practice").order_by("created_at").first()


@practitioner_required
def practice_settings(request):
    """Name, logo and accent colour, as handouts and emails show them; only an owner changes them."""
    membership = _membership(request.user)
    is_owner = membership.role == Membership.OWNER
    if request.method == "POST" and not is_owner:
        raise Http404
    form = PracticeForm(request.POST or None, request.FILES or None, instance=membership.practice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Practice details saved.")
        return redirect("practice-settings")
    team = (
        Membership.objects.filter(practice=membership.practice).select_related("user").order_by("user__name")
    )
    context = {"form": form, "practice": membership.practice, "is_owner": is_owner, "team": team}
    return render(request, "practice/settings.html", context, status=400 if form.errors else 200)
