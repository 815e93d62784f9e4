"""The workspace's messages page for a client: the thread, read marks, the reply."""

from django.contrib import messages as notices
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from practice.access import current_practice, practitioner_required

from ..messages import thread
from ..models import Client, Message
from .talk_forms import MessageForm

PER_PAGE = 50


def _client(request, pk: int) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.user, practice=current_practice(request)), pk=pk
    )


@practitioner_required
def client_messages(request, pk):
    """The whole thread, newest page first; opening it marks the client's messages read."""
    client = _client(request, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread.message_send(
                client=client, author=request.user, body=form.cleaned_data["body"], request=request
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            notices.success(
                request, f"Message sent. {client.name} is emailed that a message waits, not its text."
            )
            return redirect(reverse("workspace:client-messages", args=[client.pk]) + "#reply")
    page = Paginator(thread.messages_of(client).order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    unread = {m.pk for m in page if m.from_client and m.read_at is None}
    thread.practice_reads(client=client, by=request.user, request=request)
    thread.read_by_practice(client=client, by=request.user)
    context = {
        "client": client,
        "page": page,
        "thread": list(reversed(page.object_list)),
        "unread": unread,
        "form": form,
        "max_length": Message.MAX_LENGTH,
    }
    return render(request, "clients/messages.html", context, status=400 if form.errors else 200)
