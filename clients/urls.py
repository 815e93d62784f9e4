from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("clients/", views.client_list, name="clients"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
    path("clients/<int:pk>/assign/", views.assign, name="assign"),
    path("clients/<int:pk>/reminders/", views.client_reminders, name="client-reminders"),
    path("assignments/<int:pk>/handout.pdf", views.handout, name="handout"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
