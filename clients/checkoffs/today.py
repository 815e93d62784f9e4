"""A client's exercise slots for one day: one per exercise and session of each program due."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db import connection

from practice import rows
from programs.models import Exercise, ProgramExercise

from ..models import Assignment, AssignmentPause, Client, Completion
from ..scheduling import date_in, expected_terms, expected_under, own_terms, version_terms


@dataclass(frozen=True)
class CheckOff:
    """A check-off as a slot needs it: its id, its exercise item and that item's exercise."""

    pk: UUID
    item: int
    exercise: int


@dataclass(frozen=True)
class Slot:
    assignment: Assignment
    item: ProgramExercise
    session: int
    completion: CheckOff | None

    @property
    def done(self) -> bool:
        return self.completion is not None


def done_by_slot(completions) -> dict:
    """Check-offs by (assignment, date, session), as `day_slots` reads them; load each with
    `select_related("assignment_exercise")`."""
    done = defaultdict(list)
    for c in completions:
        check_off = CheckOff(c.pk, c.assignment_exercise_id, c.assignment_exercise.exercise_id)
        done[c.assignment_id, c.date, c.session].append(check_off)
    return done


def day_slots(assignments, day: date, done: dict) -> list[Slot]:
    """The slots of the client's today (or a day after) for assignments loaded with items and
    pauses, each with its check-off if any.

    A check-off made against an older version of the program (on a phone that had it) counts
    for the same exercise in the current one.
    """
    return _slots(_plans(assignments, day, _with_newest(assignments)), day, done)


@dataclass(frozen=True)
class _Plan:
    """What an assignment asked on a day it expected exercise: its exercises, so many times."""

    assignment: Assignment
    items: list[ProgramExercise]
    sessions: int


def _plans(assignments, day: date, objects: dict[int, ProgramExercise]) -> list[_Plan]:
    """A plan for each assignment expecting exercise on `day`, as `scheduling.expected_terms` says:
    the exercises and sessions of the version in force; `objects` are those exercises by id."""
    plans = []
    for assignment in assignments:
        terms = expected_terms(assignment, day)
        if terms is not None and terms.items:
            items = [objects[item] for item, _ in terms.items]
            plans.append(_Plan(assignment, items, terms.sessions_per_day))
    return plans


def _with_newest(assignments) -> dict[int, ProgramExercise]:
    """Give each assignment the terms of its current version alone, with its exercises: enough from
    the client's today on (`scheduling.own_terms`)."""
    objects = {}
    for assignment in assignments:
        items = list(assignment.program.items.all())
        objects.update((item.pk, item) for item in items)
        mine = [(item.pk, item.exercise_id) for item in items]
        assignment.terms = own_terms(assignment, mine)
    return objects


def _with_history(revised: list[Assignment], zone: str, terms: dict) -> dict[int, dict]:
    """Put in `terms` the terms of every version of the revised assignments, with its exercises
    (one query for them all); by assignment, the exercises of its versions by id."""
    items = ProgramExercise.objects.filter(program__version__assignment__in=revised).select_related(
        "exercise", "program__version"
    )
    objects = defaultdict(dict)
    history = defaultdict(dict)  # {assignment: {number: (published at, schedule, items)}}
    for item in items:
        version = item.program.version
        objects[version.assignment_id][item.pk] = item
        by_number = history[version.assignment_id]
        by_number.setdefault(version.number, (version.created_at, version.schedule, []))[2].append(item)
    for assignment in revised:
        if assignment.pk in history:
            terms[assignment.pk] = _terms_of_history(assignment, zone, history[assignment.pk])
    return objects


def _terms_of_history(assignment: Assignment, zone: str, by_number: dict):
    if 1 not in by_number:  # the first version had no exercises (an empty template): it asked nothing
        nothing = {"start_date": assignment.start_date, "weeks": 0, "days_of_week": [], "sessions_per_day": 0}
        by_number = {1: (None, nothing, []), **by_number}
    history = [
        (number, published_at, schedule, [(item.pk, item.exercise_id) for item in items])
        for number, (published_at, schedule, items) in by_number.items()
    ]
    return version_terms(assignment, zone, history)


def _slots(plans: list[_Plan], day: date, done: dict) -> list[Slot]:
    slots = []
    for plan in plans:
        for session in range(1, plan.sessions + 1):
            matched = _match(plan.items, done.get((plan.assignment.pk, day, session), []))
            slots += [Slot(plan.assignment, item, session, matched.get(item.pk)) for item in plan.items]
    return slots


def _match(items: list[ProgramExercise], check_offs: list[CheckOff]) -> dict[int, CheckOff]:
    """Each item's check-off: its own, else one of an older version's item of the same exercise."""
    matched = {c.item: c for c in check_offs}
    current = {item.pk for item in items}
    older = [c for c in check_offs if c.item not in current]
    for item in items:
        if item.pk in matched:
            continue
        same = next((c for c in older if c.exercise == item.exercise_id), None)
        if same is not None:
            matched[item.pk] = same
            older.remove(same)
    return matched


# --- the signed-in client's list, as the API answers it: two statements, hand-written --------
# The phone asks for its list on every open and after every check-off. Building these queries
# with the ORM (compiling the SQL of a select_related and two prefetches on every request) cost
# more than the rest of the request; the statements below are written once, and the objects made
# from their rows directly, without the ORM's per-row work.


@dataclass(frozen=True)
class DayList:
    """A client's slots for one day, with the language to word them in."""

    day: date
    language: str
    slots: list[Slot]


def client_day_list(user, *, day: date | None, now: datetime) -> DayList | None:
    """The slots of the client signed in as `user` for `day` (their today when None), or None
    when the user is no client. Two statements: the client with their assignments and pauses;
    the exercises of the assignments due that day with the day's check-offs of them. A day before
    the client's today is shown under the version that governed it (`scheduling.expected_terms`
    tells which): for a program revised since, one query reads the exercises of its versions and
    one the day's check-offs."""
    client_rows = _fetch(_CLIENT_SQL, [user.pk])
    if not client_rows:
        return None
    zone, language = client_rows[0][:2]
    today = date_in(zone, now)
    day = day or today
    assignments = _assignments_with_pauses(client_rows)
    # From the client's today on, the newest version governs: its own schedule, its own items.
    terms = {assignment.pk: own_terms(assignment) for assignment, _ in assignments}
    revised = [assignment for assignment, _ in assignments if assignment.version > 1]
    past = _with_history(revised, zone, terms) if day < today and revised else {}
    due = []
    for assignment, pauses in assignments:
        governing = expected_under(terms[assignment.pk], pauses, day)
        if governing is not None:
            due.append((assignment, governing))
    newest, done = _items_with_check_offs([a.pk for a, _ in due if a.pk not in past], day)
    plans = []
    for assignment, governing in due:
        if assignment.pk in past:
            items = [past[assignment.pk][item] for item, _ in governing.items]
        else:
            items = newest.get(assignment.pk, [])
        if items:
            plans.append(_Plan(assignment, items, governing.sessions_per_day))
    done.update(_check_offs([plan.assignment.pk for plan in plans if plan.assignment.pk in past], day))
    return DayList(day, language, _slots(plans, day, done))


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_ASSIGNMENT = rows.fields_of(
    Assignment,
    (
        "id",
        "program_id",
        "start_date",
        "weeks",
        "days_of_week",
        "sessions_per_day",
        "status",
        "ended_on",
        "version",
    ),
)
_CLIENT_SQL = (
    f"SELECT c.timezone, c.language, {rows.select_list('a', _ASSIGNMENT)}, p.id, p.start_date, p.end_date"  # noqa: S608
    f" FROM {Client._meta.db_table} c"
    f" LEFT JOIN {Assignment._meta.db_table} a ON a.client_id = c.id"
    f" LEFT JOIN {AssignmentPause._meta.db_table} p ON p.assignment_id = a.id"
    " WHERE c.user_id = %s ORDER BY a.start_date DESC, a.id DESC, p.start_date"
)


def _assignments_with_pauses(client_rows) -> list[tuple[Assignment, list[AssignmentPause]]]:
    """Each assignment of the client's rows once, in the assignments' order, with its pauses."""
    assignments = {}
    width = len(_ASSIGNMENT)
    for row in client_rows:
        fields, pause = row[2 : 2 + width], row[2 + width :]
        if fields[0] is None:  # a client without any assignment
            continue
        if fields[0] not in assignments:
            assignments[fields[0]] = (rows.instance(Assignment, _ASSIGNMENT, fields), [])
        if pause[0] is not None:
            assignments[fields[0]][1].append(
                AssignmentPause.from_db(
                    connection.alias,
                    ["id", "assignment_id", "start_date", "end_date"],
                    [pause[0], fields[0], *pause[1:]],
                )
            )
    return list(assignments.values())


_ITEM = rows.fields_of(
    ProgramExercise,
    (
        "id",
        "sets",
        "reps",
        "hold_seconds",
        "duration_seconds",
        "side",
        "program_id",
        "exercise_id",
        "position",
        "note",
    ),
)
_EXERCISE = rows.fields_of(
    Exercise,
    (
        "id",
        "slug",
        "name",
        "summary",
        "region",
        "position",
        "level",
        "equipment",
        "illustration",
        "illustration_alt",
        "illustration_end",
        "illustration_end_alt",
        "video_url",
        "video",
        "steps",
        "cues",
        "tags",
        "translations",
    ),
)


def _items_with_check_offs(assignments: list[int], day: date) -> tuple[dict[int, list], dict]:
    """The exercises of the assignments' current programs in program order, each with its
    exercise, by assignment; and the day's check-offs of those exercises, keyed as `done_by_slot`
    keys them: each exercise's own, or an older version's item of the same exercise (`_match`)."""
    if not assignments:
        return {}, {}
    item, completion = ProgramExercise._meta.db_table, Completion._meta.db_table
    sql = (
        f"SELECT a.id, {rows.select_list('i', _ITEM)}, {rows.select_list('e', _EXERCISE)}, c.id, c.session, c.assignment_exercise_id"  # noqa: S608
        f" FROM {Assignment._meta.db_table} a JOIN {item} i ON i.program_id = a.program_id"
        f" JOIN {Exercise._meta.db_table} e ON e.id = i.exercise_id"
        f" LEFT JOIN ({completion} c JOIN {item} ci ON ci.id = c.assignment_exercise_id)"
        "  ON c.assignment_id = a.id AND c.date = %s AND ci.exercise_id = i.exercise_id"
        f" WHERE a.id IN ({', '.join(['%s'] * len(assignments))}) ORDER BY i.position, i.id"
    )
    items, done, seen = defaultdict(dict), defaultdict(list), set()
    width = 1 + len(_ITEM)
    for row in _fetch(sql, [day, *assignments]):
        assignment, mine = row[0], items[row[0]]
        if row[1] not in mine:  # an exercise comes once per check-off of it
            mine[row[1]] = rows.instance(ProgramExercise, _ITEM, row[1:width])
            mine[row[1]].exercise = rows.instance(Exercise, _EXERCISE, row[width:-3])
        check_off, session, checked_item = row[-3:]
        if check_off is not None and check_off not in seen:
            seen.add(check_off)
            exercise = mine[row[1]].exercise_id
            done[assignment, day, session].append(CheckOff(_uuid(check_off), checked_item, exercise))
    return {assignment: list(mine.values()) for assignment, mine in items.items()}, done


def _uuid(value) -> UUID:
    return Completion._meta.pk.to_python(value)  # a UUID from PostgreSQL, its hex from SQLite


def _check_offs(assignments: list[int], day: date) -> dict:
    """The assignments' check-offs of `day`, keyed as `done_by_slot` keys them."""
    if not assignments:
        return {}
    sql = (
        "SELECT c.id, c.assignment_id, c.session, c.assignment_exercise_id, i.exercise_id"  # noqa: S608
        f" FROM {Completion._meta.db_table} c JOIN {ProgramExercise._meta.db_table} i"
        " ON i.id = c.assignment_exercise_id"
        f" WHERE c.assignment_id IN ({', '.join(['%s'] * len(assignments))}) AND c.date = %s"
    )
    done = defaultdict(list)
    for pk, assignment, session, item, exercise in _fetch(sql, [*assignments, day]):
        done[assignment, day, session].append(CheckOff(_uuid(pk), item, exercise))
    return done
