from django.urls import path
from rest_framework.routers import SimpleRouter

from programs import api as programs_api

from . import attention, exports, fhir, me, practitioner, privacy, push, talk, webhooks

router = SimpleRouter()
router.register("exercises", programs_api.ExerciseViewSet, basename="exercise")
router.register("programs", programs_api.ProgramViewSet, basename="program")
router.register("clients", practitioner.ClientViewSet, basename="client")
router.register("consultations", practitioner.ConsultationViewSet, basename="consultation")
router.register("assignments", practitioner.AssignmentViewSet, basename="assignment")
router.register("webhooks", webhooks.WebhookEndpointViewSet, basename="webhook")

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
    path("me/fhir/", fhir.MyFhirView.as_view(), name="me-fhir"),
    path("me/erasure/", privacy.MyErasureView.as_view(), name="me-erasure"),
    path("me/adherence/", me.MyAdherenceView.as_view(), name="me-adherence"),
    path("me/push-subscriptions/", push.MyPushSubscriptionsView.as_view(), name="me-push-subscriptions"),
    path(
        "me/push-subscriptions/<int:pk>/",
        push.MyPushSubscriptionView.as_view(),
        name="me-push-subscription",
    ),
    path("me/today/", me.TodayView.as_view(), name="me-today"),
    path("me/completions/batch/", me.CompletionBatchView.as_view(), name="me-completions-batch"),
    path("me/completions/<uuid:completion_id>/", me.CompletionView.as_view(), name="me-completion"),
    path("me/messages/", talk.MyMessagesView.as_view(), name="me-messages"),
    path("me/messages/read/", talk.MyMessagesReadView.as_view(), name="me-messages-read"),
    path("me/questionnaires/", talk.MyQuestionnairesView.as_view(), name="me-questionnaires"),
    path(
        "me/questionnaires/<int:pk>/responses/",
        talk.MyQuestionnaireResponsesView.as_view(),
        name="me-questionnaire-responses",
    ),
    path("checkoffs.csv", exports.PracticeCheckoffsCsv.as_view(), name="checkoffs-csv"),
    path("adherence.csv", exports.PracticeAdherenceCsv.as_view(), name="adherence-csv"),
    path("clients/<int:pk>/checkoffs.csv", exports.ClientCheckoffsCsv.as_view(), name="client-checkoffs-csv"),
    path("clients/<int:pk>/adherence.csv", exports.ClientAdherenceCsv.as_view(), name="client-adherence-csv"),
    # Any segment: an id that is not a number is the view's 404, an OperationOutcome like its others.
    path("clients/<str:pk>/fhir/", fhir.ClientFhirView.as_view(), name="client-fhir"),
    path("clients/<int:pk>/messages/", talk.ClientMessagesView.as_view(), name="client-messages"),
    path(
        "clients/<int:pk>/messages/read/", talk.ClientMessagesReadView.as_view(), name="client-messages-read"
    ),
    path(
        "assignments/<int:pk>/handout.pdf",
        practitioner.AssignmentViewSet.as_view({"get": "handout"}),
        name="assignment-handout",
    ),
    *router.urls,
]
