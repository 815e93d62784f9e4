"""The library and the program builder; every object comes through a practice-scoped queryset."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from practice.access import current_practice, practitioner_required

from . import exchange, selectors, services
from .forms import (
    BulkDosageForm,
    DosageForm,
    ExerciseFilterForm,
    ExerciseForm,
    ImportForm,
    TemplateDetailsForm,
    TemplateForm,
)
from .models import Exercise, Program, ProgramExercise
from .services import program_clone


def _exercises(request):
    """The shared library and the current practice's exercises, through the one gate."""
    return Exercise.objects.visible_to(request.user, practice=current_practice(request))


def _programs(request):
    return Program.objects.visible_to(request.user, practice=current_practice(request))


def _editable(request):
    """The current practice's own templates and drafts: what may be changed, not only read."""
    return Program.objects.editable_by(request.user, practice=current_practice(request))


def _filter_form(request) -> ExerciseFilterForm:
    form = ExerciseFilterForm(request.GET)
    form.is_valid()
    return form


def _filter_context(request, filters, *, tags: bool = False) -> dict:
    """The filters' choices; tags only on the library page (the builder filters by level instead)."""
    visible = _exercises(request)
    return {
        "filters": filters,
        "regions": selectors.region_choices(),
        "positions": Exercise.POSITIONS,
        "levels": Exercise.LEVELS,
        "equipment": selectors.equipment_of(visible),
        "tags": selectors.tags_of(visible) if tags else [],
    }


def _search(request, filters: dict):
    """The builder's and the library's search: one query, each exercise saying if it is starred."""
    return selectors.exercises_listed(_exercises(request), user=request.user, filters=filters)


@practitioner_required
def library(request):
    form = _filter_form(request)
    filters = form.filters()
    exercises = _search(request, filters)
    templates = _programs(request).templates().select_related("practice")
    context = {
        "exercises": exercises,
        "templates": templates,
        "filter_form": form,
        **_filter_context(request, filters, tags=True),
    }
    template = "programs/_exercise_results.html" if request.htmx else "programs/library.html"
    return render(request, template, context, status=400 if form.errors else 200)


@practitioner_required
def exercise_detail(request, pk):
    exercise = get_object_or_404(_exercises(request), pk=pk)
    return render(request, "programs/exercise.html", {"exercise": exercise})


@practitioner_required
def exercise_form(request, pk=None):
    exercise = None
    if pk is not None:
        exercise = get_object_or_404(
            Exercise.objects.editable_by(request.user, practice=current_practice(request)), pk=pk
        )
    form = ExerciseForm(request.POST or None, request.FILES or None, instance=exercise)
    if request.method == "POST" and form.is_valid():
        exercise = _save_exercise(form, current_practice(request))
        messages.success(request, f"{exercise.name} saved to your practice's library.")
        return redirect("programs:exercise", pk=exercise.pk)
    status = 400 if form.errors else 200
    return render(request, "programs/exercise_form.html", {"form": form, "exercise": exercise}, status=status)


def _save_exercise(form, practice) -> Exercise:
    exercise = form.save(commit=False)
    if exercise.practice_id is None:
        exercise.practice = practice
        exercise.slug = _free_slug(exercise)
    exercise.save()
    return exercise


def _free_slug(exercise: Exercise) -> str:
    base = slugify(exercise.name)[:40] or "exercise"
    taken = set(Exercise.objects.filter(practice=exercise.practice).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@practitioner_required
def library_export(request):
    """The current practice's own exercises as a JSON file, for another practice to import."""
    practice = current_practice(request)
    response = JsonResponse(exchange.exercises_export(practice=practice), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="exercises-{practice.slug}.json"'
    return response


@practitioner_required
def library_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, updated = exchange.exercises_import(
                practice=current_practice(request), data=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, f"Imported: {created} new exercises, {updated} updated.")
            return redirect("programs:library")
    status = 400 if form.errors else 200
    return render(request, "programs/library_import.html", {"form": form}, status=status)


@practitioner_required
def template_detail(request, pk):
    """Any template the practice may use, read as a client would be given it."""
    template = get_object_or_404(_programs(request).templates(), pk=pk)
    items = template.items.select_related("exercise")
    return render(request, "programs/template.html", {"template": template, "items": items})


@practitioner_required
def program_detail(request, pk):
    """A practice template (or draft) on its own page: the builder, and nothing to assign."""
    program = get_object_or_404(_editable(request), pk=pk)
    form = None
    if program.is_template:
        form = TemplateDetailsForm(request.POST or None, instance=program)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "Template details saved.")
            return redirect("programs:program", pk=program.pk)
    context = {**builder_context(request, program), "return_to": request.path, "details_form": form}
    return render(request, "programs/program.html", context, status=400 if form and form.errors else 200)


@practitioner_required
def template_delete(request, pk):
    """Programs already given keep their own copy: deleting a template takes nothing from a client.
    It cannot be undone, so the page asks first and the POST deletes."""
    template = get_object_or_404(_editable(request).templates(), pk=pk)
    if request.method != "POST":
        return render(request, "programs/template_delete.html", {"template": template})
    template.delete()
    messages.success(request, f"Template “{template.title}” deleted. Programs given from it are unchanged.")
    return redirect("programs:library")


@practitioner_required
@require_POST
def program_save_as_template(request, pk):
    practice = current_practice(request)
    program = get_object_or_404(_programs(request), pk=pk)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the template a title.")
        return redirect(_back(request))
    template = program_clone(program=program, practice=practice, is_template=True)
    Program.objects.filter(pk=template.pk).update(title=form.cleaned_data["title"])
    messages.success(request, f"Saved as the template “{form.cleaned_data['title']}”.")
    return redirect("programs:program", pk=template.pk)


# --- the builder: partial updates through htmx, full page redirects without it ---------------

RESULTS_SHOWN = 30


@dataclass
class Row:
    """A program's item as the builder shows it: its dosage form and where it can be swapped to."""

    item: ProgramExercise
    form: DosageForm
    easier: Exercise | None
    harder: Exercise | None
    alike: list[Exercise] = field(default_factory=list)  # variants of the same level
    first: bool = False
    last: bool = False


def builder_context(request, program: Program, *, bound: dict | None = None) -> dict:
    filters = _filter_form(request).filters()
    rows = item_rows(request, program, bound=bound)
    return {
        "program": program,
        "rows": rows,
        "results": _search(request, filters)[:RESULTS_SHOWN],
        "in_program": {row.item.exercise_id for row in rows},
        "bulk_form": BulkDosageForm(prefix="all"),
        **_filter_context(request, filters),
    }


def item_rows(request, program: Program, *, bound: dict | None = None) -> list[Row]:
    """The rows in order; an exercise given a second time is marked `repeated`."""
    bound = bound or {}
    items = selectors.with_visible_variants(
        program.items.select_related("exercise"), _exercises(request), through="exercise__variants"
    )
    rows, seen = [], set()
    for item in items:
        item.repeated = item.exercise_id in seen
        seen.add(item.exercise_id)
        form = bound.get(item.pk) or DosageForm(instance=item, prefix=f"item-{item.pk}")
        easier, harder = selectors.easier_and_harder(item.exercise)
        rows.append(Row(item, form, easier, harder, selectors.alike(item.exercise)))
    if rows:
        rows[0].first, rows[-1].last = True, True
    return rows


def _back(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _items_response(request, program: Program, *, bound: dict | None = None, extra: dict | None = None):
    if request.htmx:
        context = {
            "program": program,
            "rows": item_rows(request, program, bound=bound),
            "next": _back(request),
            "bulk_form": BulkDosageForm(prefix="all"),
        }
        return render(request, "programs/_items.html", {**context, **(extra or {})})
    if bound or extra:
        context = {
            **builder_context(request, program, bound=bound),
            "return_to": _back(request),
            **(extra or {}),
        }
        return render(request, "programs/program.html", context, status=400)
    return redirect(_back(request))


def _exercises_changed(response):
    """Tell the search to refresh: which results are already in the program has changed."""
    response["HX-Trigger"] = "program-changed"
    return response


def _editable_item(request, pk) -> ProgramExercise:
    items = ProgramExercise.objects.filter(program__in=_editable(request))
    return get_object_or_404(items.select_related("program"), pk=pk)


@practitioner_required
def exercise_results(request, pk):
    """Search as you type: only the results, in as few queries as the page's own."""
    program = get_object_or_404(_editable(request), pk=pk)
    filters = _filter_form(request).filters()
    context = {
        "program": program,
        "results": _search(request, filters)[:RESULTS_SHOWN],
        "in_program": set(program.items.values_list("exercise_id", flat=True)),
        "filters": filters,
        "next": _back(request),
    }
    return render(request, "programs/_search_results.html", context)


@practitioner_required
@require_POST
def item_add(request, pk):
    program = get_object_or_404(_editable(request), pk=pk)
    chosen = request.POST.get("exercise", "")
    exercise = _exercises(request).filter(pk=chosen).first() if chosen.isdigit() else None
    if exercise is None:
        raise Http404
    last = program.items.aggregate(last=Max("position"))["last"]
    ProgramExercise.objects.create(
        program=program, exercise=exercise, position=(last or 0) + 1, **exercise.dosage_fields()
    )
    return _exercises_changed(_items_response(request, program))


@practitioner_required
@require_POST
def item_remove(request, pk):
    item = _editable_item(request, pk)
    item.delete()
    return _exercises_changed(_items_response(request, item.program))


@practitioner_required
@require_POST
def item_move(request, pk):
    item = _editable_item(request, pk)
    direction = request.POST.get("direction")
    if direction in services.MOVES:
        services.item_move(item=item, direction=direction)
    return _items_response(request, item.program)


@practitioner_required
@require_POST
def items_reorder(request, pk):
    """Drag and drop: the whole order at once."""
    program = get_object_or_404(_editable(request), pk=pk)
    order = [int(part) for part in request.POST.get("order", "").split(",") if part.strip().isdigit()]
    try:
        services.program_reorder(program=program, item_ids=order)
    except ValidationError:
        return _items_response(request, program, extra={"notice": REORDER_REFUSED})
    return _items_response(request, program)


REORDER_REFUSED = (
    "The program changed on another page meanwhile: here it is as saved. Move the exercise again."
)


@practitioner_required
@require_POST
def item_dosage(request, pk):
    """One row's dosage, saved as it is typed; with htmx only the row comes back, so the field
    being typed in keeps its focus."""
    item = _editable_item(request, pk)
    form = DosageForm(request.POST, instance=item, prefix=f"item-{item.pk}")
    valid = form.is_valid()
    if valid:
        form.save()
    if not request.htmx:
        return _items_response(request, item.program, bound=None if valid else {item.pk: form})
    row = next(row for row in item_rows(request, item.program) if row.item.pk == item.pk)
    if not valid:
        row.form = form
    return render(request, "programs/_item.html", {"row": row, "next": _back(request), "saved": valid})


@practitioner_required
@require_POST
def program_dosage(request, pk):
    """The whole program's dosage at once, e.g. every hold 20 s."""
    program = get_object_or_404(_editable(request), pk=pk)
    form = BulkDosageForm(request.POST, prefix="all")
    if not form.is_valid():
        return _items_response(request, program, extra={"bulk_form": form})
    changed = services.program_set_dosage(program=program, changes=form.cleaned_data)
    notice = ngettext("%(n)d exercise changed.", "%(n)d exercises changed.", changed) % {"n": changed}
    if not changed:
        notice = "Nothing changed: no exercise has what you set (a hold is set only where there is one)."
    if not request.htmx:
        messages.success(request, notice)
    return _items_response(request, program, extra={"notice": notice} if request.htmx else None)


@practitioner_required
@require_POST
def item_swap(request, pk):
    """Swap an item for its easier or harder variant, or one of the same level, in its place."""
    item = _editable_item(request, pk)
    row = next(row for row in item_rows(request, item.program) if row.item.pk == item.pk)
    chosen = request.POST.get("variant")
    same_level = next((v for v in row.alike if str(v.pk) == chosen), None)
    variant = {"easier": row.easier, "harder": row.harder, "alike": same_level}.get(
        request.POST.get("direction")
    )
    if variant is None:
        raise Http404
    services.item_swap(item=item, variant=variant)
    return _exercises_changed(_items_response(request, item.program))


@practitioner_required
@require_POST
def exercise_favourite(request, pk):
    """Star (or unstar) an exercise for oneself; it then shows under the Favourites filter."""
    exercise = get_object_or_404(_exercises(request), pk=pk)
    starred = request.POST.get("starred") == "1"
    services.favourite_set(user=request.user, exercise=exercise, starred=starred)
    if request.htmx:
        exercise.is_favourite = starred
        return render(request, "programs/_star.html", {"exercise": exercise, "next": _back(request)})
    return redirect(_back(request))
