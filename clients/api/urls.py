from django.urls import path
from rest_framework.routers import SimpleRouter

from programs import api as programs_api

from . import attention, me, practitioner, privacy

router = SimpleRouter()
router.register("exercises", programs_api.ExerciseViewSet, basename="exercise")
router.register("programs", programs_api.ProgramViewSet, basename="program")
router.register("clients", practitioner.ClientViewSet, basename="client")
router.register("consultations", practitioner.ConsultationViewSet, basename="consultation")
router.register("assignments", practitioner.AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("attention/", attention.AttentionView.as_view(), name="attention"),
    path("alerts/<int:pk>/handle/", attention.AlertHandleView.as_view(), name="alert-handle"),
    path("me/", me.MeView.as_view(), name="me"),
    path("me/assignments/", me.MyAssignmentsViewSet.as_view({"get": "list"}), name="me-assignments"),
    path(
        "me/assignments/<int:pk>/",
        me.MyAssignmentsViewSet.as_view({"get": "retrieve"}),
        name="me-assignment",
    ),
    path("me/assignments/<int:pk>/handout.pdf", me.MyHandoutView.as_view(), name="me-assignment-handout"),
    path("me/export/", privacy.MyExportView.as_view(), name="me-export"),
    path("me/erasure/", privacy.MyErasureView.as_view(), name="me-erasure"),
    path("me/adherence/", me.MyAdherenceView.as_view(), name="me-adherence"),
    path("me/today/", me.TodayView.as_view(), name="me-today"),
    path("me/completions/batch/", me.CompletionBatchView.as_view(), name="me-completions-batch"),
    path("me/completions/<uuid:completion_id>/", me.CompletionView.as_view(), name="me-completion"),
    path(
        "assignments/<int:pk>/handout.pdf",
        practitioner.AssignmentViewSet.as_view({"get": "handout"}),
        name="assignment-handout",
    ),
    *router.urls,
]
