from django.urls import path

from . import attention, client_page, messages, privacy, questionnaires, views, webhooks

app_name = "workspace"

urlpatterns = [
    path("attention/", attention.attention, name="attention"),
    path("attention/alerts/<int:pk>/", attention.alert_detail, name="alert"),
    path("attention/alerts/<int:pk>/handle/", attention.alert_handle, name="alert-handle"),
    path(
        "assignments/<int:pk>/suggestions/<int:item_pk>/apply/",
        attention.suggestion_apply,
        name="suggestion-apply",
    ),
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.client_add, name="client-add"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client-edit"),
    path("clients/<int:pk>/invitation/", views.invitation_resend, name="invitation-resend"),
    path("clients/<int:pk>/assign/", views.assign, name="assign"),
    path("clients/<int:pk>/prescribe/", views.prescribe, name="prescribe"),
    path("clients/<int:pk>/prescribe/<int:program_pk>/", views.prescribe_draft, name="prescribe-draft"),
    path("clients/<int:pk>/consultations/new/", views.consultation_new, name="consultation-new"),
    path("clients/<int:pk>/consultations/past/", views.consultation_past, name="consultation-past"),
    path("clients/<int:pk>/checkoffs/", client_page.client_checkoffs, name="client-checkoffs"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/move/", views.consultation_move, name="consultation-move"),
    path("clients/<int:pk>/messages/", messages.client_messages, name="client-messages"),
    path(
        "clients/<int:pk>/questionnaires/", questionnaires.client_questionnaires, name="client-questionnaires"
    ),
    path("questionnaires/<int:pk>/stop/", questionnaires.questionnaire_stop, name="questionnaire-stop"),
    path("questionnaires/odi-wording/", questionnaires.odi_wording, name="odi-wording"),
    path("practice/webhooks/", webhooks.webhooks, name="webhooks"),
    path("practice/webhooks/<int:pk>/", webhooks.webhook, name="webhook"),
    path("practice/webhooks/<int:pk>/edit/", webhooks.webhook_edit, name="webhook-edit"),
    path("practice/webhooks/<int:pk>/rotate/", webhooks.webhook_rotate, name="webhook-rotate"),
    path("practice/webhooks/<int:pk>/toggle/", webhooks.webhook_toggle, name="webhook-toggle"),
    path("practice/webhooks/<int:pk>/delete/", webhooks.webhook_delete, name="webhook-delete"),
    path(
        "practice/webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        webhooks.webhook_redeliver,
        name="webhook-redeliver",
    ),
    path("clients/<int:pk>/reminders/", views.client_reminders, name="client-reminders"),
    path("assignments/<int:pk>/handout.pdf", views.handout, name="handout"),
    path("clients/<int:pk>/export.zip", privacy.client_export, name="client-export"),
    path("clients/<int:pk>/erase/", privacy.client_erase, name="client-erase"),
    path("clients/<int:pk>/audit/", privacy.client_audit, name="client-audit"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("assignments/<int:pk>/handout/email/", views.handout_email, name="handout-email"),
    path("handouts/batches/", views.handout_batches, name="handout-batches"),
    path("handouts/batches/<int:pk>/", views.handout_batch, name="handout-batch"),
    path("assignments/<int:pk>/pause/", views.assignment_pause, name="assignment-pause"),
    path("assignments/<int:pk>/resume/", views.assignment_resume, name="assignment-resume"),
    path("assignments/<int:pk>/breaks/", views.assignment_break, name="assignment-break"),
    path(
        "assignments/<int:pk>/breaks/<int:pause_pk>/cancel/",
        views.assignment_break_cancel,
        name="assignment-break-cancel",
    ),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment-end"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment-edit"),
    path("assignments/<int:pk>/edit/discard/", views.assignment_edit_discard, name="assignment-edit-discard"),
    path("assignments/<int:pk>/versions/<int:number>/", views.assignment_version, name="assignment-version"),
]
