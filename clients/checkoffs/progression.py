"""Progression suggestions: from an exercise's last week of check-offs, "ready to progress" or
"consider easing", and what one click would change.

The week is the client's last seven days that have ended, from no earlier than the day the
exercise's current dose was given (a version that changed it, or brought it in): a dose just
changed is not judged on the old one's check-offs, while a version that changed another
exercise leaves this one's week whole. Which sessions were expected is
`scheduling.expected_terms`'s rule (through `expected_days`).

- Ready to progress: the current dose ran the whole week, every expected session of
  the exercise was checked off, and every pain and difficulty given was at most 2 (some given).
- Consider easing: any check-off of the week with pain 5 or more, difficulty 5, or pain 3 or
  more above the client's baseline (the pain at their latest held consultation).

One click gives the library's harder (or easier) variant of the exercise where it links one,
else one more set or a longer hold (one set fewer or a shorter hold).
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db.models import Count, Max, OuterRef, Q, Subquery

from programs.models import DOSAGE_FIELDS, Exercise, ProgramExercise

from ..models import Assignment, AssignmentVersion, Completion, Consultation
from ..scheduling import date_in, expected_days, with_schedules

WEEK = 7
PROGRESS, EASE = "progress", "ease"
READY_PAIN, READY_DIFFICULTY = 2, 2
EASE_PAIN, EASE_DIFFICULTY = 5, 5
EASE_PAIN_RISE = 3  # points over the client's baseline
HOLD_STEP = 5  # seconds


@dataclass(frozen=True)
class Week:
    """One exercise's last week of check-offs."""

    expected: int | None  # sessions expected on the days of the week under the current dose
    done: int
    top_pain: int | None  # the highest given, None when none was
    top_difficulty: int | None
    whole: bool  # the current dose (and the program) ran all seven days


@dataclass(frozen=True)
class Change:
    """What the one click gives instead of the item as it is."""

    exercise: Exercise
    dosage: dict
    words: str


@dataclass
class Suggestion:
    assignment: Assignment
    item: ProgramExercise
    direction: str
    week: Week
    change: Change | None = field(default=None)

    @property
    def ready(self) -> bool:
        return self.direction == PROGRESS


# --- the rules ---------------------------------------------------------------------------


def direction_of(week: Week, baseline: int | None) -> str | None:
    """PROGRESS, EASE or None for an exercise's week; easing wins when both could be said."""
    if week.done == 0:
        return None  # nothing to judge: missed days have their own alert
    if too_hard(week, baseline):
        return EASE
    if ready(week):
        return PROGRESS
    return None


def too_hard(week: Week, baseline: int | None) -> bool:
    pain, difficulty = week.top_pain, week.top_difficulty
    if pain is not None and (
        pain >= EASE_PAIN or (baseline is not None and pain >= baseline + EASE_PAIN_RISE)
    ):
        return True
    return difficulty is not None and difficulty >= EASE_DIFFICULTY


def ready(week: Week) -> bool:
    return felt_easy(week) and bool(week.expected) and week.done >= week.expected


def felt_easy(week: Week) -> bool:
    """All of a week under one dose, every pain and difficulty given at most 2 (ready, if every
    expected session was done: `ready`)."""
    if not week.whole or week.top_pain is None or week.top_difficulty is None:
        return False  # never said how it felt: no grounds to make it harder
    return week.top_pain <= READY_PAIN and week.top_difficulty <= READY_DIFFICULTY


def change_for(item: ProgramExercise, direction: str, variants: list[Exercise]) -> Change | None:
    """The nearest harder (easier) variant by level, else the dose one step up (down); None when
    nothing is left to ease."""
    level = item.exercise.level
    if direction == PROGRESS:
        candidates = sorted((v for v in variants if v.level > level), key=lambda v: (v.level, v.name))
    else:
        candidates = sorted((v for v in variants if v.level < level), key=lambda v: (-v.level, v.name))
    if candidates:
        variant = candidates[0]
        return Change(variant, variant.dosage_fields(), f"{item.exercise.name} → {variant.name}")
    return _dose_step(item, 1 if direction == PROGRESS else -1)


def _dose_step(item: ProgramExercise, step: int) -> Change | None:
    dosage = item.dosage_fields()
    sets, hold = dosage["sets"], dosage["hold_seconds"]
    if hold and (step > 0 or hold > HOLD_STEP):
        dosage["hold_seconds"] = hold + step * HOLD_STEP
        return Change(item.exercise, dosage, f"hold {hold} → {dosage['hold_seconds']} s")
    if step > 0 or sets > 1:
        dosage["sets"] = sets + step
        return Change(
            item.exercise, dosage, f"{sets} → {dosage['sets']} set{'s' if dosage['sets'] != 1 else ''}"
        )
    return None


# --- reading many assignments at once ------------------------------------------------------

# The kinds of `AssignmentVersion.changes` that give an exercise a new dose (clients/assignments/
# changes.py: NEW, DOSAGE; TEXT is a line kept from before changes were data, and may be either).
NEW_DOSE = {"new", "dosage"}
UNKNOWN = "text"
# What a suggestion shows and its change needs, of items and exercises read by the thousand.
ITEM_FIELDS = ("program", "position", *DOSAGE_FIELDS)
EXERCISE_FIELDS = (
    "exercise__name",
    "exercise__level",
    "exercise__practice",
    *(f"exercise__{f}" for f in DOSAGE_FIELDS),
)
VARIANT_FIELDS = tuple(f"to_exercise__{f}" for f in ("name", "level", "practice", *DOSAGE_FIELDS))


class Active(NamedTuple):
    """What the pass over every active assignment reads of each: a practice's hundreds are read
    as rows, and as assignments only where a suggestion is shown or its sessions owed counted."""

    pk: int
    client_id: int
    program_id: int
    start_date: date
    version: int
    client_name: str
    timezone: str
    baseline: int | None  # the client's pain at their latest held consultation


class Found(NamedTuple):
    suggestions: list[Suggestion]
    total: int


def suggestions(assignments, *, now: datetime, limit: int | None = None) -> Found:
    """The suggestions for the active ones of `assignments` (a queryset), easing first, then
    by client and the program's order: the first `limit` of them (all without one) and how
    many there are, in a dozen queries at most whatever their number.

    A practice of hundreds may have thousands, so the week's check-offs are read first, in
    the database; the schedules (which sessions were owed) only for the exercises that could
    be ready to progress and the easing ones shown; the exercises and variants only for the
    suggestions shown. The other rows are read through subqueries of `assignments`, never a
    list of their ids: a practice's hundreds of ids cost more to send than to read."""
    in_force = assignments.filter(status=Assignment.ACTIVE)
    rows = in_force.annotate(baseline=_baseline(now))
    active = [
        Active(*row)
        for row in rows.values_list(*Active._fields[:5], "client__name", "client__timezone", "baseline")
    ]
    current = _current_items(in_force)
    plans = _plans(active, current, now)
    done = _checkoffs(plans, active, current, in_force)
    easing, maybe_ready = [], []
    for row in active:
        start, _, since = plans[row.pk]
        baseline = row.baseline
        for place, exercise in enumerate(current[row.program_id]):
            figures = done.get((row.pk, exercise))
            if figures is None:
                continue  # nothing checked off: nothing to judge (`direction_of`)
            week = Week(None, *figures, whole=since.get(exercise, row.start_date) <= start)
            found = ((row.client_name, row.client_id, place), row, exercise, week)
            if direction_of(week, baseline) == EASE:  # the sessions owed never change that
                easing.append(found)
            elif felt_easy(week):  # ready, if it was done as often as owed
                maybe_ready.append((*found, baseline))
    easing.sort(key=lambda found: found[0])
    weighed = _assignments({found[1].pk for found in [*easing[:limit], *maybe_ready]})
    owed = _owed([*easing[:limit], *maybe_ready], weighed, plans, current)
    progressing = sorted(
        (
            (order, row, exercise, week)
            for order, row, exercise, week, baseline in maybe_ready
            if direction_of(replace(week, expected=owed[row.pk, exercise]), baseline) == PROGRESS
        ),
        key=lambda found: found[0],
    )
    wanted = [(EASE, *found) for found in easing] + [(PROGRESS, *found) for found in progressing]
    shown = wanted[:limit] if limit is not None else wanted
    return Found(_suggestions_of(shown, owed, current, weighed), len(wanted))


def _assignments(ids: set[int]) -> dict[int, Assignment]:
    """The assignments whose suggestions are shown or could be, as `scheduling` reads them."""
    return Assignment.objects.select_related("client").in_bulk(ids) if ids else {}


def _suggestions_of(
    shown: list[tuple], owed: dict, current: dict, assignments: dict[int, Assignment]
) -> list[Suggestion]:
    """Each suggestion shown, with its item, exercise and the change one click makes."""
    first_item = {(row.pk, x): current[row.program_id][x][0] for _, _, row, x, _ in shown}
    given = ProgramExercise.objects.select_related("exercise").only(*ITEM_FIELDS, *EXERCISE_FIELDS)
    items = given.in_bulk(list(first_item.values()))
    practices = {assignments[row.pk].client.practice_id for _, _, row, _, _ in shown}
    variants = _variants({i.exercise_id for i in items.values()}, practices)
    found = []
    for direction, _, row, exercise, week in shown:
        assignment, item = assignments[row.pk], items[first_item[row.pk, exercise]]
        practice = assignment.client.practice_id
        usable = [v for v in variants[item.exercise_id] if v.practice_id in (None, practice)]
        week = replace(week, expected=owed[row.pk, exercise])
        found.append(Suggestion(assignment, item, direction, week, change_for(item, direction, usable)))
    return found


def _current_items(in_force) -> dict[int, dict[int, list[int]]]:
    """{program: {exercise: [its items, in order]}} of the current versions, in one query."""
    found = defaultdict(lambda: defaultdict(list))
    rows = ProgramExercise.objects.filter(program__in=in_force.values("program")).order_by(
        "program_id",
        "position",
        "pk",  # not "program": that orders by its title, through a join
    )
    for program, item, exercise in rows.values_list("program_id", "pk", "exercise_id"):
        found[program][exercise].append(item)
    return found


def _plans(active: list[Active], current: dict, now: datetime) -> dict[int, tuple]:
    """{assignment: (first day of the week, last, {exercise: day its current dose was given})},
    the exercises left out given theirs on the assignment's first day.

    An exercise's week starts no earlier than the day its current dose was given: every day
    from then has had it in the program, as it is now (a removal and a return is a new dose).
    A version that changed another exercise leaves this one's week whole."""
    dosed = _dosed_since([row for row in active if row.version > 1])
    today_in = {zone: date_in(zone, now) for zone in {row.timezone for row in active}}
    plans = {}
    for row in active:
        today = today_in[row.timezone]
        since = {
            exercise: max([row.start_date, *dosed[row.pk, exercise], *dosed[row.pk, None]])
            for exercise in current[row.program_id]
            if (row.pk, exercise) in dosed or (row.pk, None) in dosed
        }
        plans[row.pk] = (today - timedelta(days=WEEK), today - timedelta(days=1), since)
    return plans


def _owed(weeks: list[tuple], assignments: dict[int, Assignment], plans: dict, current: dict) -> dict:
    """{(assignment, exercise): sessions expected in its week} for the weeks asked: what each
    day since the dose expected (`expected_days`, its schedule's sessions) times the exercise's
    places in the program."""
    owed = {}
    for assignment in with_schedules([assignments[pk] for pk in {found[1].pk for found in weeks}]):
        start, end, since = plans[assignment.pk]
        places = {exercise: len(items) for exercise, items in current[assignment.program_id].items()}
        counts = dict.fromkeys(places, 0)
        for day, terms in expected_days(assignment, start, end):
            for exercise, times in places.items():
                if day >= since.get(exercise, assignment.start_date):
                    counts[exercise] += terms.sessions_per_day * times
        owed.update({(assignment.pk, exercise): count for exercise, count in counts.items()})
    return owed


def _dosed_since(revised: list[Active]) -> dict[tuple, list[date]]:
    """{(assignment, exercise): [the days a version gave it a new dose]}; (assignment, None) for
    versions whose changes cannot be read, taken as touching every exercise."""
    found = defaultdict(list)
    zones = {row.pk: row.timezone for row in revised}
    versions = AssignmentVersion.objects.filter(assignment__in=zones, number__gt=1)
    for assignment, published, changes in versions.values_list("assignment_id", "created_at", "changes"):
        day = date_in(zones[assignment], published)
        for change in changes:
            if change.get("kind") in NEW_DOSE:
                found[assignment, change["exercise"]].append(day)
            elif change.get("kind") == UNKNOWN:
                found[assignment, None].append(day)
    return found


def _checkoffs(plans: dict[int, tuple], active: list[Active], current: dict, in_force) -> dict[tuple, tuple]:
    """{(assignment, exercise): (check-offs, top pain, top difficulty)} over each exercise's
    week, in one query (two with revised programs), by assignment and day (the index
    `completion_by_assignment_day`), not by scanning each assignment's whole history nor
    naming every exercise given. Assignments sharing a week (clients in one timezone) share
    one condition; the check-offs of an older dose, before an exercise's `since`, are left out.
    Grouped by item, not joined to each item's exercise: the join costs the database more
    than the mapping costs here."""
    given = _given_items(active, current)  # item: (assignment, exercise)
    zones_by_window, older_dose = defaultdict(set), Q()
    for row in active:
        start, end, _ = plans[row.pk]
        zones_by_window[start, end].add(row.timezone)
    for item, (assignment, exercise) in given.items():
        start, _, since = plans[assignment]
        if since.get(exercise, start) > start:
            older_dose |= Q(assignment_exercise=item, date__lt=since[exercise])
    if not zones_by_window:
        return {}
    within = Q()
    for (start, end), zones in zones_by_window.items():
        # The week is the clients' own: with several, each zone's assignments keep theirs.
        ones = in_force if len(zones_by_window) == 1 else in_force.filter(client__timezone__in=zones)
        within |= Q(assignment__in=ones.values("pk"), date__gte=start, date__lte=end)
    rows = Completion.objects.filter(within)
    if older_dose:
        rows = rows.exclude(older_dose)
    rows = (
        rows.order_by()
        .values_list("assignment_exercise_id")
        .annotate(done=Count("pk"), pain=Max("pain"), difficulty=Max("difficulty"))
    )
    found = {}
    for item, done, pain, difficulty in rows:
        key = given.get(item)
        if key is None:
            continue  # an exercise of no version of the program: not one this week asked for
        before = found.get(key)
        found[key] = (
            (done, pain, difficulty)
            if before is None
            else (before[0] + done, _top(before[1], pain), _top(before[2], difficulty))
        )
    return found


def _top(a: int | None, b: int | None) -> int | None:
    return max((x for x in (a, b) if x is not None), default=None)


def _given_items(active: list[Active], current: dict) -> dict[int, tuple[int, int]]:
    """{item: (assignment, exercise)} for the current programs, and every earlier version's of
    the revised ones (a check-off is made against the version in force that day)."""
    given = {}
    for row in active:
        for exercise, items in current[row.program_id].items():
            given.update(dict.fromkeys(items, (row.pk, exercise)))
    revised = [row.pk for row in active if row.version > 1]
    if revised:
        earlier = ProgramExercise.objects.filter(program__version__assignment__in=revised)
        for item, exercise, assignment in earlier.values_list(
            "pk", "exercise_id", "program__version__assignment"
        ):
            given.setdefault(item, (assignment, exercise))
    return given


def _baseline(now: datetime) -> Subquery:
    """The client's baseline pain, read with each assignment: their latest held consultation's."""
    held = Consultation.objects.filter(client=OuterRef("client")).baseline_pains(now=now)
    return Subquery(held.values("pain")[:1])


def _variants(exercise_ids: set[int], practice_ids: set[int]) -> dict[int, list[Exercise]]:
    """Each exercise's linked variants from the library or the practices at hand: a variant
    another practice linked to a library exercise is theirs, not to be given."""
    links = Exercise.variants.through.objects.filter(from_exercise__in=exercise_ids).filter(
        Q(to_exercise__practice__isnull=True) | Q(to_exercise__practice__in=practice_ids)
    )
    found = defaultdict(list)
    for link in links.select_related("to_exercise").only("from_exercise", *VARIANT_FIELDS):
        found[link.from_exercise_id].append(link.to_exercise)
    return found
