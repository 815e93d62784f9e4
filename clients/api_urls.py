from django.urls import path

from . import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("me/assignments/", api.MyAssignmentsViewSet.as_view({"get": "list"}), name="me-assignments"),
    path(
        "me/assignments/<int:pk>/",
        api.MyAssignmentsViewSet.as_view({"get": "retrieve"}),
        name="me-assignment",
    ),
    path("me/assignments/<int:pk>/handout.pdf", api.MyHandoutView.as_view(), name="me-assignment-handout"),
    path("me/adherence/", api.MyAdherenceView.as_view(), name="me-adherence"),
    path("me/today/", api.TodayView.as_view(), name="me-today"),
    path("me/completions/batch/", api.CompletionBatchView.as_view(), name="me-completions-batch"),
    path("me/completions/<uuid:completion_id>/", api.CompletionView.as_view(), name="me-completion"),
]
