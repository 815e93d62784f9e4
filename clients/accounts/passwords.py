"""A forgotten or changed password, for everyone who signs in: clients in their own language.

Django's own views do the work. Here: the email in the client's language with links on
SITE_URL, at most one email per account every few minutes, and every API token signed out
when a password is set, as whoever resets a password expects of a lost or shared phone.
"""

from axes.utils import reset as axes_reset
from celery import shared_task
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from practice.languages import client_language, page_language
from practice.mail import EmailTask, send
from practice.models import User

RESET_EMAIL_EVERY_SECONDS = 5 * 60  # one email per account in this time, however often asked
SAVED_PAGE_LANGUAGE = "password_saved_language"  # session key: the client's, for the page after


def language_of(user) -> str:
    """A client's own language; practitioners work in the workspace's English."""
    return client_language(user) or settings.LANGUAGE_CODE


def sign_out_everywhere(user) -> None:
    AuthToken.objects.filter(user=user).delete()


def lift_sign_in_pause(user) -> None:
    """Wrong guesses before the reset no longer count: the new password signs in at once."""
    axes_reset(username=user.email)


class ResetForm(auth_forms.PasswordResetForm):
    """Django finds the accounts; a worker sends each its link (`reset_email`), so neither an
    SMTP outage nor the link's token is ever in the request."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        if cache.add(f"password-reset-sent:{context['user'].pk}", True, RESET_EMAIL_EVERY_SECONDS):
            email_password_reset.delay_on_commit(user_id=context["user"].pk)


def reset_email(*, user_id: int) -> None:
    """The link is made here, at sending time: Django's token is derived from the account's
    password and last sign-in, so it need not travel, and a password set meanwhile voids it."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "site_url": settings.SITE_URL,
    }
    with translation.override(language_of(user)):
        send("password_reset", context, to=user.email)


def send_reset_link(email: str, *, request) -> None:
    """As the web page does: an email if the address has an account, nothing said either way."""
    form = ResetForm({"email": email})
    if form.is_valid():
        form.save(request=request)


class InPageLanguage:
    """The page in a signed-in client's own language, else the visitor's (`practice.languages`)."""

    def page_language(self, request, **kwargs) -> str:
        return page_language(request)

    def dispatch(self, request, *args, **kwargs):
        with translation.override(self.page_language(request, **kwargs)):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("Email or password is not right."),
    }


class LoginView(InPageLanguage, auth_views.LoginView):
    """The web sign-in: in the phone's language until signed in, as the password pages are."""

    form_class = SignInForm


class RefusedFormIs400:
    """As every other form of the product: a refused one answers 400, with its errors."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetView(InPageLanguage, RefusedFormIs400, auth_views.PasswordResetView):
    form_class = ResetForm  # the email is emails/password_reset*, rendered by `reset_email`
    template_name = "registration/password_reset_form.html"


class PasswordResetDoneView(InPageLanguage, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(InPageLanguage, RefusedFormIs400, auth_views.PasswordResetConfirmView):
    def page_language(self, request, *, uidb64, token) -> str:
        """A valid link names its user: a client reads it in their own language, as the invitation."""
        user = self.get_user(uidb64)
        if token == self.reset_url_token:  # the second step keeps the emailed token in the session
            token = request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN)
        if user is not None and self.token_generator.check_token(user, token):
            return client_language(user) or super().page_language(request)
        return super().page_language(request)

    def form_valid(self, form):
        response = super().form_valid(form)
        sign_out_everywhere(form.user)
        lift_sign_in_pause(form.user)
        language = client_language(form.user)
        self.request.session[SAVED_PAGE_LANGUAGE] = language
        if language is not None:
            return type(response)(f"{reverse('password_reset_complete')}?app=1")
        return response


class PasswordResetCompleteView(InPageLanguage, auth_views.PasswordResetCompleteView):
    def page_language(self, request, **kwargs) -> str:
        """A client who has just chosen a password reads it saved in their own language, as the link's page."""
        return request.session.get(SAVED_PAGE_LANGUAGE) or super().page_language(request)


class PasswordChangeView(InPageLanguage, RefusedFormIs400, auth_views.PasswordChangeView):
    """The signed-in user's new password; this browser stays signed in, every API token is signed out."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        sign_out_everywhere(form.user)
        return response


class PasswordChangeDoneView(InPageLanguage, auth_views.PasswordChangeDoneView):
    pass


@shared_task(name="clients.tasks.email_password_reset", base=EmailTask)
def email_password_reset(*, user_id: int) -> None:
    reset_email(user_id=user_id)
