"""The owner removes a member from the practice: a confirmation page, then the handover."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from practice import team as practice_team
from practice.access import current_membership, practitioner_required
from practice.forms import MemberRemoveForm

from ..accounts.handover import Handover, handover_of, handover_words, practitioner_remove


@practitioner_required
def member_remove(request, pk):
    membership = practice_team.member_for_owner(current_membership(request), pk)
    posted = request.method == "POST"
    form = MemberRemoveForm(request.POST if posted else None, membership=membership, by=request.user)
    refused = None
    if posted and form.is_valid():
        successor = form.cleaned_data["successor"]
        try:
            handover = practitioner_remove(
                membership=membership, successor=successor, by=request.user, request=request
            )
        except ValidationError as exc:
            refused = " ".join(exc.messages)
        else:
            messages.success(request, _removed_words(membership, successor, handover))
            return redirect("practice-settings" if request.user.memberships.exists() else "home")
    context = {
        "membership": membership,
        "form": form,
        "handover": handover_of(membership),
        "last_owner": practice_team.is_last_owner(membership),
        "refused": refused,
    }
    return render(request, "practice/member_remove.html", context, status=_status(posted, refused))


def _status(posted: bool, refused: str | None) -> int:
    if refused:
        return 409
    return 400 if posted else 200


def _removed_words(membership, successor, handover: Handover) -> str:
    return (
        f"{membership.user} no longer works in {membership.practice}; {handover_words(handover, successor)}."
    )
