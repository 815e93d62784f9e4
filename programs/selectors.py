"""Finding exercises in the library: by name, region, equipment and tag."""

from django.db.models import Q

from .models import REGIONS


def exercise_search(exercises, *, q: str = "", region: str = "", equipment: str = "", tag: str = ""):
    q, equipment, tag = q.strip(), equipment.strip(), tag.strip().lower()
    if q:
        exercises = exercises.filter(Q(name__icontains=q) | Q(summary__icontains=q))
    if region:
        exercises = exercises.filter(region=region)
    if equipment:
        exercises = exercises.filter(equipment__icontains=equipment)
    if tag:
        # JSON "contains" is not available on SQLite; the quoted tag inside the list text works on both.
        exercises = exercises.filter(tags__icontains=f'"{tag}"')
    return exercises


def tags_of(exercises) -> list[str]:
    return sorted({tag for tags in exercises.values_list("tags", flat=True) for tag in tags})


def equipment_of(exercises) -> list[str]:
    return sorted(set(exercises.exclude(equipment="").values_list("equipment", flat=True)))


def region_choices():
    return REGIONS
