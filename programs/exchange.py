"""A practice's own exercises as a JSON file, and back: to move them to another practice.

The file holds the words (steps, cues, translations), the default dosage, region, position,
level, equipment, tags, poses and variants (by slug). Photos are not in it: they stay in the
practice that took them. Importing is all or nothing: one bad row refuses the whole file, each
error naming the row and the field. An exercise whose slug the practice already has is updated,
so importing the same file twice changes nothing the second time.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers

from practice.models import Practice

from .models import DOSAGE_FIELDS, REGIONS, Dosage, Exercise, dosage_errors

FORMAT = "rehabit.exercises"
VERSION = 1
MAX_EXERCISES = 500
MAX_BYTES = 2 * 1024 * 1024
FIELDS = (
    "slug",
    "name",
    "summary",
    "steps",
    "cues",
    "region",
    "position",
    "level",
    "equipment",
    "tags",
    *DOSAGE_FIELDS,
    "video_url",
    "poses",
    "translations",
)


def exercises_export(*, practice: Practice) -> dict:
    """The practice's own exercises; a variant is named by its slug (its own or the library's)."""
    own = Exercise.objects.filter(practice=practice).order_by("slug").prefetch_related("variants")
    rows = []
    for exercise in own:
        row = {name: getattr(exercise, name) for name in FIELDS}
        variants = [v for v in exercise.variants.all() if v.practice_id in (None, practice.pk)]
        row["variants"] = sorted({v.slug for v in variants})
        rows.append(row)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "exercises": rows,
    }


class ExchangedExercise(serializers.ModelSerializer):
    """One row of the file, checked as the practitioner API checks an exercise."""

    slug = serializers.SlugField(max_length=50)
    region = serializers.ChoiceField(choices=REGIONS)
    steps = serializers.ListField(child=serializers.CharField(max_length=500), max_length=30, required=False)
    cues = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20, required=False)
    sets = serializers.IntegerField(min_value=1, max_value=20, required=False)
    reps = serializers.IntegerField(min_value=1, max_value=200, required=False, allow_null=True)
    hold_seconds = serializers.IntegerField(min_value=1, max_value=600, required=False, allow_null=True)
    duration_seconds = serializers.IntegerField(min_value=1, max_value=3600, required=False, allow_null=True)
    side = serializers.ChoiceField(choices=Dosage.SIDES, required=False)
    poses = serializers.DictField(required=False)
    translations = serializers.DictField(child=serializers.DictField(), required=False)
    variants = serializers.ListField(child=serializers.SlugField(), max_length=20, required=False)

    class Meta:
        model = Exercise
        fields = [*FIELDS, "variants"]
        validators = []

    def validate(self, attrs):
        if errors := dosage_errors(attrs):
            raise serializers.ValidationError(errors)
        return attrs


def read_exercises(data) -> list[dict]:
    """The file's rows, valid; else a ValidationError listing every error by row and field."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(f"This is not an exercise file of Rehabit (its “format” must be “{FORMAT}”).")
    if data.get("version") != VERSION:
        raise ValidationError(f"This file's “version” is not one this Rehabit reads ({VERSION}).")
    rows = data.get("exercises")
    if not isinstance(rows, list) or not rows:
        raise ValidationError("“exercises” must be a list of at least one exercise.")
    if len(rows) > MAX_EXERCISES:
        raise ValidationError(f"At most {MAX_EXERCISES} exercises a file; this one has {len(rows)}.")
    checked = ExchangedExercise(data=rows, many=True)
    if not checked.is_valid():
        raise ValidationError(_row_errors(rows, checked.errors))
    _refuse_repeated_slugs(checked.validated_data)
    return checked.validated_data


def _row_errors(rows: list, errors) -> list[str]:
    """ "Exercise 3 (knee-drill), region: …" for each error; DRF gives the rows' errors as a list, or
    by index for the rows that have some."""
    by_index = errors.items() if isinstance(errors, dict) else enumerate(errors)
    messages = []
    for index, row_errors in sorted(by_index):
        for field, problems in row_errors.items():
            for problem in _flat(problems):
                messages.append(f"{_row_name(index + 1, rows[index])}, {_field_name(field)}: {problem}")
    return messages


def _flat(problems):
    if isinstance(problems, dict):
        for inner in problems.values():
            yield from _flat(inner)
    elif isinstance(problems, list):
        for inner in problems:
            yield from _flat(inner)
    else:
        yield str(problems)


def _row_name(number: int, row) -> str:
    slug = row.get("slug") if isinstance(row, dict) else None
    return f"Exercise {number} ({slug})" if isinstance(slug, str) and slug else f"Exercise {number}"


def _field_name(field: str) -> str:
    return "the row" if field == "non_field_errors" else field


def _refuse_repeated_slugs(rows: list[dict]) -> None:
    seen = set()
    for number, row in enumerate(rows, start=1):
        if row["slug"] in seen:
            raise ValidationError([f"{_row_name(number, row)}, slug: given twice in the file."])
        seen.add(row["slug"])


@transaction.atomic
def exercises_import(*, practice: Practice, data) -> tuple[int, int]:
    """Create or update the file's exercises in `practice`, then link their variants; (created,
    updated). Nothing is written if any row, or any variant it names, is wrong."""
    rows = read_exercises(data)
    variants = _resolve_variants(practice, rows)
    created = updated = 0
    imported = {}
    for row in rows:
        fields = {name: value for name, value in row.items() if name not in ("slug", "variants")}
        exercise, new = Exercise.objects.update_or_create(
            practice=practice, slug=row["slug"], defaults=fields
        )
        imported[row["slug"]] = exercise
        created, updated = created + new, updated + (not new)
    for slug, links in variants.items():
        imported[slug].variants.set([imported.get(name) or stored for name, stored in links])
    return created, updated


def _resolve_variants(practice: Practice, rows: list[dict]) -> dict[str, list]:
    """Each row's variants as (slug, the stored exercise or None when it is in the file). A slug is
    looked for in the file, then the practice's own exercises, then the shared library."""
    in_file = {row["slug"] for row in rows}
    wanted = {slug for row in rows for slug in row.get("variants", [])} - in_file
    stored = {}
    for exercise in Exercise.objects.filter(Q(practice=practice) | Q(practice=None), slug__in=wanted):
        if exercise.slug not in stored or exercise.practice_id:  # the practice's own before the library's
            stored[exercise.slug] = exercise
    resolved, errors = {}, []
    for number, row in enumerate(rows, start=1):
        names = row.get("variants", [])
        missing = [slug for slug in names if slug not in in_file and slug not in stored]
        if missing:
            names_missing = "”, “".join(missing)
            errors.append(
                f"{_row_name(number, row)}, variants: no exercise “{names_missing}” in the file, "
                "your practice or the library."
            )
        resolved[row["slug"]] = [(slug, stored.get(slug)) for slug in names]
    if errors:
        raise ValidationError(errors)
    return resolved
