from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from clients.accounts import passwords
from clients.api import me as client_api
from clients.web import team as team_pages
from clients.web import views as client_views
from practice import api, views

from . import health

api_urls = [
    path("health/", health.HealthView.as_view(), name="health"),
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("auth/token/session/", client_api.SessionTokenView.as_view(), name="token-session"),
    path("auth/logout/", api.LogoutView.as_view(), name="logout"),
    path("auth/invitations/accept/", client_api.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("auth/password-reset/", client_api.PasswordResetRequestView.as_view(), name="password-reset"),
    path("", include("clients.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("practice/", views.practice_settings, name="practice-settings"),
    path("practice/switch/", views.switch, name="practice-switch"),
    path("practice/you/", views.your_settings, name="your-settings"),
    path("practice/history/", views.team_history, name="team-history"),
    path("practice/invitations/", views.practitioner_invite, name="practitioner-invite"),
    path(
        "practice/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="practitioner-invitation-revoke",
    ),
    path("practice/members/<int:pk>/role/", views.member_role, name="member-role"),
    path("practice/members/<int:pk>/remove/", team_pages.member_remove, name="member-remove"),
    path("team/invite/<str:token>/", views.team_invitation, name="team-invitation"),
    path("accounts/login/", passwords.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/", passwords.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        passwords.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/password/change/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        passwords.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("app/", client_views.phone_app, name="phone-app"),
    path("app/sw.js", client_views.phone_app_worker, name="phone-app-worker"),
    path("app/manifest.json", client_views.phone_app_manifest, name="phone-app-manifest"),
    path("app/jsi18n/<str:language>/", client_views.phone_app_catalog, name="phone-app-catalog"),
    path("invite/<str:token>/", client_views.invitation, name="invitation"),
    path("api/v1/", include((api_urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("programs.urls")),
    path("", include("clients.web.urls")),
]
# Uploaded practice logos and exercise photos (no client data lives in media). Served by Django
# itself so the compose stack needs no extra web server; put a CDN or proxy cache in front at scale.
urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", views.media)]

handler403 = "practice.api.permission_denied"
handler404 = "practice.api.not_found"
handler500 = "practice.api.server_error"
