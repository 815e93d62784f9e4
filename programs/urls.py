from django.urls import path

from . import files, views

app_name = "programs"

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/exercises/new/", views.exercise_form, name="exercise-add"),
    path("library/exercises.json", views.library_export, name="library-export"),
    path("library/import/", views.library_import, name="library-import"),
    path("library/exercises/<int:pk>/", views.exercise_detail, name="exercise"),
    path("library/exercises/<int:pk>/edit/", views.exercise_form, name="exercise-edit"),
    path("library/templates/<int:pk>/", views.template_detail, name="template"),
    path("programs/<int:pk>/", views.program_detail, name="program"),
    path("programs/<int:pk>/delete/", views.template_delete, name="template-delete"),
    path("programs/<int:pk>/save-as-template/", views.program_save_as_template, name="save-as-template"),
    path("programs/<int:pk>/exercises/", views.exercise_results, name="exercise-results"),
    path("programs/<int:pk>/items/", views.item_add, name="item-add"),
    path("programs/items/<int:pk>/remove/", views.item_remove, name="item-remove"),
    path("programs/items/<int:pk>/move/", views.item_move, name="item-move"),
    path("programs/items/<int:pk>/dosage/", views.item_dosage, name="item-dosage"),
    path("programs/items/<int:pk>/swap/", views.item_swap, name="item-swap"),
    path("programs/<int:pk>/order/", views.items_reorder, name="items-reorder"),
    path("programs/<int:pk>/dosage/", views.program_dosage, name="program-dosage"),
    path("library/exercises/<int:pk>/favourite/", views.exercise_favourite, name="exercise-favourite"),
    path("files/<str:token>/", files.signed_file, name="private-file"),
]
