"""What changed from one version of an assignment to the next: kept as data, put into words when read.

A change is a small dict stored in `AssignmentVersion.changes`, e.g. `{"kind": "new",
"exercise": 12, "occurrence": 1}` or `{"kind": "weeks", "weeks": 8}`; it names exercises by
id, so each reader gets it in their own language: the client in theirs, the practitioner's
workspace in English. Reading any number of versions costs one query, for the exercises named.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils import dateformat, translation
from django.utils.translation import gettext, ngettext, pgettext

from programs.handouts import day_names
from programs.models import DOSAGE_FIELDS, Exercise, short_dosage_words

NEW, REMOVED, DOSAGE, NOTE, ORDER = "new", "removed", "dosage", "note", "order"
START_DATE, WEEKS, DAYS, SESSIONS = "start_date", "weeks", "days", "sessions"
# A line kept word for word from before changes were data, where they could not be recomputed.
TEXT = "text"


@dataclass(frozen=True)
class Line:
    """One exercise as given: its identity (exercise and occurrence), dosage and note."""

    key: tuple[int, int]
    dosage: tuple
    note: str


@dataclass(frozen=True)
class Snapshot:
    lines: tuple[Line, ...]
    schedule: dict


def snapshot(items, schedule: dict) -> Snapshot:
    """`items` are ProgramExercises (or rows with their fields) in order."""
    seen: Counter = Counter()
    lines = []
    for item in items:
        seen[item.exercise_id] += 1
        lines.append(Line((item.exercise_id, seen[item.exercise_id]), _dosage_of(item), item.note.strip()))
    return Snapshot(tuple(lines), normal_schedule(schedule))


def _dosage_of(item) -> tuple:
    # 0 and unset read the same (no hold either way), so they are the same dosage.
    sets, reps, hold, duration, side = (getattr(item, name) for name in DOSAGE_FIELDS)
    return (sets, reps or None, hold or None, duration or None, side or "")


def normal_schedule(schedule: dict) -> dict:
    start = schedule["start_date"]
    return {
        "start_date": start.isoformat() if isinstance(start, date) else start,
        "weeks": int(schedule["weeks"]),
        "days_of_week": sorted(int(day) for day in schedule["days_of_week"]),
        "sessions_per_day": int(schedule["sessions_per_day"]),
    }


def diff(before: Snapshot, after: Snapshot) -> list[dict]:
    """New, removed and re-dosed exercises, new notes, a new order, then the schedule."""
    old = {line.key: line for line in before.lines}
    new = {line.key: line for line in after.lines}
    found = [_about(NEW, line) for line in after.lines if line.key not in old]
    found += [_about(REMOVED, line) for line in before.lines if line.key not in new]
    for line in after.lines:
        if line.key in old and old[line.key].dosage != line.dosage:
            found.append({**_about(DOSAGE, line), **dict(zip(DOSAGE_FIELDS, line.dosage, strict=True))})
        if line.key in old and old[line.key].note != line.note:
            found.append(_about(NOTE, line))
    kept_before = [line.key for line in before.lines if line.key in new]
    kept_after = [line.key for line in after.lines if line.key in old]
    if kept_before != kept_after:
        found.append({"kind": ORDER})
    return found + schedule_diff(before.schedule, after.schedule)


def _about(kind: str, line: Line) -> dict:
    exercise, occurrence = line.key
    return {"kind": kind, "exercise": exercise, "occurrence": occurrence}


def schedule_diff(before: dict, after: dict) -> list[dict]:
    found = []
    if before["start_date"] != after["start_date"]:
        found.append({"kind": START_DATE, "start_date": after["start_date"]})
    if before["weeks"] != after["weeks"]:
        found.append({"kind": WEEKS, "weeks": after["weeks"]})
    if before["days_of_week"] != after["days_of_week"]:
        found.append({"kind": DAYS, "days_of_week": after["days_of_week"]})
    if before["sessions_per_day"] != after["sessions_per_day"]:
        found.append({"kind": SESSIONS, "sessions_per_day": after["sessions_per_day"]})
    return found


# --- into words, in the reader's language ----------------------------------------------------


def exercises_named(change_lists: Iterable[list[dict]]) -> dict[int, Exercise]:
    """The exercises the changes name, in one query (none when no change names one)."""
    ids = {change["exercise"] for changes in change_lists for change in changes if "exercise" in change}
    if not ids:
        return {}
    return {exercise.pk: exercise for exercise in Exercise.objects.filter(pk__in=ids)}


def names_in(language: str, exercises: Mapping[int, Exercise]) -> dict[int, str]:
    return {pk: exercise.words_in(language)["name"] for pk, exercise in exercises.items()}


def said(changes: list[dict], *, language: str, names: Mapping[int, str]) -> list[str]:
    """The changes as the reader reads them, e.g. ["new: deep squat", "now 8 weeks"]; `names`
    holds each exercise's name in `language`."""
    with translation.override(language):
        return [_words(change, names) for change in changes]


def _words(change: dict, names: Mapping[int, str]) -> str:
    kind = change["kind"]
    if kind == TEXT:
        return change["text"]
    if "exercise" in change:
        return _exercise_words(kind, names[change["exercise"]].lower(), change)
    if kind == ORDER:
        return gettext("new order")
    return _schedule_words(kind, change)


def _exercise_words(kind: str, name: str, change: dict) -> str:
    if kind == NEW:
        return gettext("new: %(exercise)s") % {"exercise": name}
    if kind == REMOVED:
        return gettext("removed: %(exercise)s") % {"exercise": name}
    if kind == NOTE:
        return gettext("%(exercise)s: new note") % {"exercise": name}
    dosage = short_dosage_words(_Dosage(**{field: change[field] for field in DOSAGE_FIELDS}))
    return gettext("%(exercise)s now %(dosage)s") % {"exercise": name, "dosage": dosage}


@dataclass(frozen=True)
class _Dosage:
    sets: int
    reps: int | None
    hold_seconds: int | None
    duration_seconds: int | None
    side: str


def _schedule_words(kind: str, change: dict) -> str:
    if kind == START_DATE:
        start = dateformat.format(date.fromisoformat(change["start_date"]), pgettext("a start date", "j M Y"))
        return gettext("now starts %(date)s") % {"date": start}
    if kind == WEEKS:
        count = change["weeks"]
        return ngettext("now %(count)d week", "now %(count)d weeks", count) % {"count": count}
    if kind == DAYS:
        days = change["days_of_week"]
        if len(days) == 7:
            return gettext("now every day")
        return gettext("now on %(days)s") % {"days": day_names(days)}
    count = change["sessions_per_day"]
    return ngettext("now %(count)d session a day", "now %(count)d sessions a day", count) % {"count": count}


def word_versions(versions: Iterable, *, language: str | Callable[[object], str]) -> list:
    """Each version with `said`: its changes in `language`, or in `language(version)` where
    readers differ (reminders to clients of several languages); one query for all the exercises named."""
    versions = [version for version in versions if version is not None]
    language_of = language if callable(language) else lambda _version: language
    exercises = exercises_named(version.changes for version in versions)
    names: dict[str, dict[int, str]] = {}
    for version in versions:
        reader = language_of(version)
        if reader not in names:
            names[reader] = names_in(reader, exercises)
        version.said = said(version.changes, language=reader, names=names[reader])
    return versions
