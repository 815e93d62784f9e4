"""Finding exercises in the library: by words, region, position, equipment, level, tag and star."""

from django.db.models import Case, Prefetch, Value, When

from .models import REGIONS, Exercise

# What a list of exercises shows: the rest (steps, poses, translations) is large and not shown.
LISTED_FIELDS = (
    "id",
    "practice_id",
    "name",
    "region",
    "position",
    "level",
    "equipment",
    "tags",
    "illustration",
    "image",
)


def exercise_search(
    exercises,
    *,
    q: str = "",
    region: str = "",
    position: str = "",
    equipment: str = "",
    level: int | None = None,
    tag: str = "",
    favourites_of=None,
):
    """The matches by name, those that start with the words first ("Squat" before "Mini squat").

    Names only: a summary's words ("keep the knee soft") match far more than the practitioner
    means, and searching them cost 3-8x the time (bench/library.py). `icontains` is served by
    a trigram index on PostgreSQL (migration 0010) where the planner finds it cheaper.
    """
    q, equipment, tag = q.strip(), equipment.strip(), tag.strip().lower()
    if q:
        exercises = exercises.filter(name__icontains=q)
        exercises = exercises.annotate(rank=Case(When(name__istartswith=q, then=Value(0)), default=Value(1)))
        exercises = exercises.order_by("rank", "name")
    if region:
        exercises = exercises.filter(region=region)
    if position:
        exercises = exercises.filter(position=position)
    if equipment:
        exercises = exercises.filter(equipment__icontains=equipment)
    if level:
        exercises = exercises.filter(level=level)
    if tag:
        # JSON "contains" is not available on SQLite; the quoted tag inside the list text works on both.
        exercises = exercises.filter(tags__icontains=f'"{tag}"')
    if favourites_of is not None:
        exercises = exercises.filter(favourites__user=favourites_of)
    return exercises


def exercises_listed(exercises, *, user, filters: dict):
    """What the builder and the library list for `filters` (as ExerciseFilterForm gives them):
    the listed fields only, each exercise saying whether `user` starred it, in one query."""
    words = {name: value for name, value in filters.items() if name != "favourites"}
    listed = exercises.only(*LISTED_FIELDS).with_favourite(user)
    return exercise_search(listed, **words, favourites_of=user if filters["favourites"] else None)


def tags_of(exercises) -> list[str]:
    return sorted({tag for tags in exercises.values_list("tags", flat=True) for tag in tags})


def equipment_of(exercises) -> list[str]:
    return list(
        exercises.exclude(equipment="").order_by("equipment").values_list("equipment", flat=True).distinct()
    )


def region_choices():
    return REGIONS


def with_visible_variants(exercises, visible, *, through: str = "variants"):
    """Prefetch each exercise's variants, only those the caller may see: a practice's own exercise
    linked to a library one must not show through the library to other practices."""
    return exercises.prefetch_related(Prefetch(through, queryset=visible.order_by("level", "name")))


def easier_and_harder(exercise: Exercise) -> tuple[Exercise | None, Exercise | None]:
    """The nearest easier and the nearest harder of its (prefetched) variants, by level; a variant
    of the same level counts as neither."""
    variants = list(exercise.variants.all())
    easier = [v for v in variants if v.level < exercise.level]
    harder = [v for v in variants if v.level > exercise.level]
    return (easier[-1] if easier else None, harder[0] if harder else None)


def alike(exercise: Exercise) -> list[Exercise]:
    """Its (prefetched) variants of the same level: another way to do it, neither easier nor harder."""
    return [v for v in exercise.variants.all() if v.level == exercise.level and v.pk != exercise.pk]
