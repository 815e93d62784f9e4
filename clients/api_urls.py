from django.urls import path
from rest_framework.routers import SimpleRouter

from programs import api as programs_api

from . import api, practitioner_api, privacy_views

router = SimpleRouter()
router.register("exercises", programs_api.ExerciseViewSet, basename="exercise")
router.register("programs", programs_api.ProgramViewSet, basename="program")
router.register("clients", practitioner_api.ClientViewSet, basename="client")
router.register("consultations", practitioner_api.ConsultationViewSet, basename="consultation")
router.register("assignments", practitioner_api.AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("me/assignments/", api.MyAssignmentsViewSet.as_view({"get": "list"}), name="me-assignments"),
    path(
        "me/assignments/<int:pk>/",
        api.MyAssignmentsViewSet.as_view({"get": "retrieve"}),
        name="me-assignment",
    ),
    path("me/assignments/<int:pk>/handout.pdf", api.MyHandoutView.as_view(), name="me-assignment-handout"),
    path("me/export/", privacy_views.MyExportView.as_view(), name="me-export"),
    path("me/erasure/", privacy_views.MyErasureView.as_view(), name="me-erasure"),
    path("me/adherence/", api.MyAdherenceView.as_view(), name="me-adherence"),
    path("me/today/", api.TodayView.as_view(), name="me-today"),
    path("me/completions/batch/", api.CompletionBatchView.as_view(), name="me-completions-batch"),
    path("me/completions/<uuid:completion_id>/", api.CompletionView.as_view(), name="me-completion"),
    path(
        "assignments/<int:pk>/handout.pdf",
        practitioner_api.AssignmentViewSet.as_view({"get": "handout"}),
        name="assignment-handout",
    ),
    *router.urls,
]
