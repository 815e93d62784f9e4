"""The client page's figures: an adherence heat map and a pain trend (outcomes: `consultations.outcomes`).

Only numbers and coordinates are computed here; templates draw the SVG, each mark with a
<title>, so the charts read without JavaScript and to a screen reader.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

from .adherence import day_figures

WEEKS = 12
CELL, GAP = 16, 3


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    day: date
    scheduled: int
    done: int
    today: bool = False

    @property
    def level(self) -> str:
        if not self.scheduled:
            return "none"
        if self.today and not self.done:
            return "today"  # the day is not over: nothing is missed yet
        share = self.done / self.scheduled
        return "full" if share >= 1 else "most" if share >= 0.5 else "some" if share > 0 else "missed"

    @property
    def title(self) -> str:
        if not self.scheduled:
            return f"{self.day:%a %-d %b}: nothing scheduled"
        return f"{self.day:%a %-d %b}: {self.done} of {self.scheduled} done"


def window(today: date) -> tuple[date, date]:
    """Twelve whole weeks, Monday to Sunday, ending with this week."""
    end = today + timedelta(days=6 - today.weekday())
    return end - timedelta(weeks=WEEKS, days=-1), end


def heat_map(assignments, checks, *, today: date) -> list[Cell]:
    """`assignments` are loaded `adherence.with_versions`; `checks` are `adherence.CHECK_FIELDS` rows.

    Each day is counted under the version of the program that governed it.
    """
    start, end = window(today)
    scheduled, done = defaultdict(int), defaultdict(int)
    for (_, day), (owed, did) in day_figures(assignments, checks, start=start, end=min(end, today)).items():
        scheduled[day] += owed
        done[day] += did
    cells = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        x, y = 40 + week * (CELL + GAP), 4 + weekday * (CELL + GAP)
        cells.append(Cell(x, y, day, scheduled[day], done[day], day == today))
    return cells


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    value: float
    source: str

    @property
    def title(self) -> str:
        return f"{self.day:%-d %b}: pain {self.value:g}/10 ({self.source})"


PAIN_WIDTH, PAIN_HEIGHT, PAIN_LEFT, PAIN_TOP = 600, 160, 40, 10


def pain_points(pains, consultations, *, today: date) -> list[Point]:
    """Daily mean pain from check-offs, plus each consultation's baseline, on a 0-10 scale.

    `consultations` are the held ones (`Consultation.objects.held`): only they measured anything."""
    start, end = window(today)
    by_day = defaultdict(list)
    for day, pain in pains:
        by_day[day].append(pain)
    values = [(day, round(mean(p), 1), "check-offs") for day, p in by_day.items()]
    values += [(c.scheduled_at.date(), c.pain, "consultation") for c in consultations if c.pain is not None]
    span = (end - start).days or 1
    return [
        Point(
            x=_pain_x(day, start, span),
            y=round(PAIN_TOP + (10 - value) / 10 * PAIN_HEIGHT, 1),
            day=day,
            value=value,
            source=source,
        )
        for day, value, source in sorted(values)
        if start <= day <= end
    ]


def pain_ticks(today: date) -> list[tuple[float, str]]:
    """Dates under the pain chart's x axis: the Monday of every third week, and the last day."""
    start, end = window(today)
    span = (end - start).days
    days = [start + timedelta(weeks=week) for week in range(0, WEEKS, 3)] + [end]
    return [(_pain_x(day, start, span), f"{day:%-d %b}") for day in days]


def _pain_x(day: date, start: date, span: int) -> float:
    return round(PAIN_LEFT + (day - start).days / span * (PAIN_WIDTH - PAIN_LEFT - 10), 1)


def polyline(points: list[Point]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points if p.source == "check-offs")


def weekly_pain(pains) -> dict:
    """Each week's average pain reported at check-offs, dated by the week's last report."""
    weeks = defaultdict(list)
    for day, pain in pains:
        weeks[day - timedelta(days=day.weekday())].append((day, pain))
    return {
        max(day for day, _ in reports): round(mean(pain for _, pain in reports), 1)
        for reports in weeks.values()
    }
