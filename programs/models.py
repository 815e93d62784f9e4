from collections.abc import Mapping
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext, ngettext

from practice.models import Practice, practices_of

from .files import generated_name, private_storage


class Dosage(models.Model):
    """How much of an exercise: on a library exercise the default, on a program its prescription."""

    NO_SIDE = ""
    EACH_SIDE = "each"
    LEFT = "left"
    RIGHT = "right"
    ALTERNATING = "alternating"
    SIDES = [
        (NO_SIDE, "—"),
        (EACH_SIDE, "each side"),
        (LEFT, "left side"),
        (RIGHT, "right side"),
        (ALTERNATING, "alternating sides"),
    ]

    sets = models.PositiveSmallIntegerField(default=1)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    side = models.CharField(max_length=12, choices=SIDES, blank=True, default=NO_SIDE)

    class Meta:
        abstract = True

    def dosage_text(self) -> str:
        return dosage_words(self)

    def dosage_fields(self) -> dict:
        return {name: getattr(self, name) for name in DOSAGE_FIELDS}

    def clean(self):
        if errors := dosage_errors(self.dosage_fields()):
            raise ValidationError(errors)


DOSAGE_FIELDS = ("sets", "reps", "hold_seconds", "duration_seconds", "side")
COUNTED_FIELDS = ("reps", "hold_seconds", "duration_seconds")
NOTHING_TO_COUNT = "Give reps, a hold or a duration: with sets alone the client has nothing to count."


def dosage_errors(values: Mapping) -> dict[str, str]:
    """What a prescribed dosage lacks, by field: sets alone print as a dose with nothing to do.

    The rule of a prescription and of an exercise's default dosage, in the workspace's forms
    (`Dosage.clean`) and the practitioner API alike.
    0 reads as unset, as `dosage_words` reads it.
    """
    if any(values.get(name) for name in COUNTED_FIELDS):
        return {}
    return {"reps": NOTHING_TO_COUNT}


def dosage_words(dosage) -> str:
    """E.g. "3 sets of 10 · hold 5 s · each side", in the active language; `dosage` has the
    Dosage fields (a model or a handout's plain copy)."""
    if dosage.reps:
        sets = ngettext("%(sets)d set of %(reps)d", "%(sets)d sets of %(reps)d", dosage.sets)
    else:
        sets = ngettext("%(sets)d set", "%(sets)d sets", dosage.sets)
    parts = [sets % {"sets": dosage.sets, "reps": dosage.reps or 0}]
    if dosage.hold_seconds:
        parts.append(gettext("hold %(seconds)d s") % {"seconds": dosage.hold_seconds})
    if dosage.duration_seconds:
        parts.append(_duration_words(dosage.duration_seconds))
    if dosage.side:
        parts.append(_side_words(dosage.side))
    return " · ".join(parts)


def short_dosage_words(dosage) -> str:
    """The short form, e.g. "3 × 10", "3 × 20 s", "2 × 8 · hold 5 s · each side", in the active
    language; every field that differs reads differently (0 reads as unset)."""  # noqa: RUF002
    seconds = dosage.duration_seconds
    if dosage.reps:
        head = f"{dosage.sets} × {dosage.reps}"
    elif seconds:
        head = f"{dosage.sets} × " + gettext("%(seconds)d s") % {"seconds": seconds}
    else:
        head = ngettext("%(sets)d set", "%(sets)d sets", dosage.sets) % {"sets": dosage.sets}
    parts = [head]
    if dosage.reps and seconds:
        parts.append(gettext("%(seconds)d s") % {"seconds": seconds})
    if dosage.hold_seconds:
        parts.append(gettext("hold %(seconds)d s") % {"seconds": dosage.hold_seconds})
    if dosage.side:
        parts.append(_side_words(dosage.side))
    return " · ".join(parts)


def _side_words(side: str) -> str:
    return {
        Dosage.EACH_SIDE: gettext("each side"),
        Dosage.LEFT: gettext("left side"),
        Dosage.RIGHT: gettext("right side"),
        Dosage.ALTERNATING: gettext("alternating sides"),
    }.get(side, "")


def _duration_words(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return gettext("%(seconds)d s") % {"seconds": seconds}
    if not rest:
        return gettext("%(minutes)d min") % {"minutes": minutes}
    return gettext("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}


class ExerciseQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        """The shared library plus the exercises of the user's practices, or of `practice` alone
        (one of them: it narrows, never widens)."""
        return self.filter(Q(practice__isnull=True) | Q(practice__in=practices_of(user, practice)))

    def editable_by(self, user, practice: Practice | None = None):
        """Who may write, a rule apart from who may read: only the practice's own exercises; the
        shared library is read by every practice and changed by none."""
        return self.filter(practice__in=practices_of(user, practice))

    def with_favourite(self, user):
        """Each exercise says `is_favourite` for `user`, in the same query."""
        starred = Favourite.objects.filter(user=user, exercise=OuterRef("pk"))
        return self.annotate(is_favourite=Exists(starred))


REGIONS = [
    ("neck", "Neck"),
    ("shoulder", "Shoulder"),
    ("upper-back", "Upper back"),
    ("lower-back", "Lower back"),
    ("hip", "Hip"),
    ("knee", "Knee"),
    ("ankle-foot", "Ankle and foot"),
    ("balance", "Balance and whole body"),
]


def photo_name(exercise, filename: str) -> str:
    return generated_name("exercises", ".jpg")  # uploads are re-encoded to JPEG (images.py)


def video_name(exercise, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return generated_name("videos", suffix if suffix in (".mp4", ".webm") else "")


class Exercise(Dosage):
    POSITIONS = [
        ("standing", "Standing"),
        ("sitting", "Sitting"),
        ("lying-back", "Lying on the back"),
        ("lying-front", "Lying face down"),
        ("lying-side", "Lying on the side"),
        ("kneeling", "Kneeling"),
        ("hands-knees", "On hands and knees"),
    ]
    LEVELS = [(1, "Gentle"), (2, "Moderate"), (3, "Challenging")]

    practice = models.ForeignKey(
        Practice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exercises",
        help_text="Empty for the shared, read-only library.",
    )
    slug = models.SlugField()
    name = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    steps = models.JSONField(default=list, blank=True)
    cues = models.JSONField(default=list, blank=True)
    region = models.CharField(max_length=20, choices=REGIONS)
    position = models.CharField(max_length=20, choices=POSITIONS, blank=True)
    level = models.PositiveSmallIntegerField(choices=LEVELS, default=1)
    variants = models.ManyToManyField(
        "self", blank=True, help_text="Easier and harder versions; the link goes both ways."
    )
    poses = models.JSONField(
        default=dict,
        blank=True,
        help_text='Start and end poses for the figure renderer: {"start": ..., "end": ...}',
    )
    equipment = models.CharField(max_length=120, blank=True)
    tags = models.JSONField(default=list, blank=True)
    illustration = models.CharField(
        max_length=200, blank=True, help_text="Path of an SVG under the static files."
    )
    illustration_alt = models.CharField(max_length=400, blank=True)
    illustration_end = models.CharField(
        max_length=200, blank=True, help_text="Path of an SVG of the end position under the static files."
    )
    illustration_end_alt = models.CharField(max_length=400, blank=True)
    video_url = models.URLField(blank=True)
    video = models.FileField(
        upload_to=video_name,
        storage=private_storage,
        blank=True,
        help_text="An MP4 or WebM of the practice's own, shown to its clients through signed links.",
    )
    image = models.ImageField(upload_to=photo_name, storage=private_storage, blank=True)
    image_alt = models.CharField(max_length=300, blank=True)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='The words in other languages, e.g. {"es": {"name": ..., "steps": [...]}}',
    )

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "slug"], name="exercise_slug_unique_per_practice"),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(practice__isnull=True),
                name="exercise_slug_unique_in_library",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def words_in(self, language: str) -> dict:
        """Name, summary, steps, cues and picture text in `language` where translated, else as written."""
        translated = self.translations.get(language) or {}
        return {name: translated.get(name) or getattr(self, name) for name in TRANSLATED_FIELDS}


TRANSLATED_FIELDS = ("name", "summary", "steps", "cues", "illustration_alt", "illustration_end_alt")


class Favourite(models.Model):
    """An exercise a practitioner starred, to find it again in the builder; theirs alone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "exercise"], name="favourite_once_per_user")]

    def __str__(self) -> str:
        return f"{self.exercise} ★"


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user, practice: Practice | None = None):
        """Who may read: the shared library plus the programs of the user's practices, or of
        `practice` alone (one of them: it narrows, never widens)."""
        return self.filter(Q(practice__isnull=True) | Q(practice__in=practices_of(user, practice)))

    def editable_by(self, user, practice: Practice | None = None):
        """Who may write, a rule apart from who may read: only the practice's own templates and
        drafts. The shared library is read by every practice and changed by none (copy it first),
        and a program given to a client is a record, changed only by publishing a new version."""
        own = self.filter(practice__in=practices_of(user, practice))
        return own.filter(Q(is_template=True) | Q(is_draft=True))

    def templates(self):
        return self.filter(is_template=True)


class Program(models.Model):
    """An ordered list of dosed exercises; a template when flagged, else a client's private copy."""

    practice = models.ForeignKey(
        Practice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="programs",
        help_text="Empty for the shared library's templates.",
    )
    slug = models.SlugField(blank=True)
    title = models.CharField(max_length=150)
    summary = models.TextField(blank=True)
    is_template = models.BooleanField(default=False)
    is_draft = models.BooleanField(
        default=False, help_text="Being built for a client: editable until it is assigned."
    )
    source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    safety = models.JSONField(
        default=list,
        blank=True,
        help_text="The handout's safety box, one point a line; empty: the general points.",
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Title, summary and safety in other languages, e.g. {"es": {"title": ..., "summary": ...}}',
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "slug"],
                condition=~Q(slug=""),
                name="program_slug_unique_per_practice",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(practice__isnull=True) & ~Q(slug=""),
                name="program_slug_unique_in_library",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def words_in(self, language: str) -> dict:
        """Title, summary and safety points in `language` where translated, else as written."""
        translated = self.translations.get(language) or {}
        return {name: translated.get(name) or getattr(self, name) for name in ("title", "summary", "safety")}


class ProgramExercise(Dosage):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True, max_length=1000)
    translations = models.JSONField(
        default=dict, blank=True, help_text='The note in other languages, e.g. {"es": {"note": ...}}'
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.dosage_text()})"

    def note_in(self, language: str) -> str:
        return (self.translations.get(language) or {}).get("note") or self.note
