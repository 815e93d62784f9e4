from django.urls import path

from . import privacy_views, views

app_name = "workspace"

urlpatterns = [
    path("clients/", views.client_list, name="clients"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
    path("clients/<int:pk>/assign/", views.assign, name="assign"),
    path("assignments/<int:pk>/handout.pdf", views.handout, name="handout"),
    path("clients/<int:pk>/export.zip", privacy_views.client_export, name="client-export"),
    path("clients/<int:pk>/erase/", privacy_views.client_erase, name="client-erase"),
    path("clients/<int:pk>/audit/", privacy_views.client_audit, name="client-audit"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("assignments/<int:pk>/handout/email/", views.handout_email, name="handout-email"),
    path("handouts/batches/", views.handout_batches, name="handout-batches"),
    path("handouts/batches/<int:pk>/", views.handout_batch, name="handout-batch"),
]
