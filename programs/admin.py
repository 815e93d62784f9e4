from django.contrib import admin

from .models import Exercise, Program, ProgramExercise


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "practice", "region", "equipment"]
    list_filter = ["region", "practice"]
    search_fields = ["name", "slug"]


class ProgramExerciseInline(admin.TabularInline):
    model = ProgramExercise
    extra = 0
    raw_id_fields = ["exercise"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "practice", "is_template", "created_at"]
    list_filter = ["is_template"]
    search_fields = ["title"]
    inlines = [ProgramExerciseInline]
