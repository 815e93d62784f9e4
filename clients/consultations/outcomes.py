"""Outcome measures, and the one rule that flags a change as clinically important.

A change is compared with the minimal clinically important difference (MCID) only between like
measures: resting pain with resting pain, ODI with ODI. Pain reported at check-offs is pain
during exercise, a series of its own: never compared with a resting baseline (3/10 while doing a
side plank says nothing against 6/10 at rest), and, being a weekly average of self-reports rather
than a validated instrument, it shows its changes without an MCID mark.

A measure is data: a key, a scale, an MCID and which way is better. A new instrument (PSFS, GROC,
an NPRS questionnaire) is one more `Measure` in `MEASURES`; its observations carry its key, and
`compare` does the rest. An NPRS questionnaire of pain at rest takes the key "pain", so that it
is compared with the consultations' resting baseline, as like with like.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str  # as printed after a value: "/10", " %"
    low: float
    high: float
    mcid: float | None  # None: changes are shown, never flagged
    higher_is_better: bool = False
    rates_change: bool = False  # the value is itself a change since the start (GROC)


MEASURES = {
    measure.key: measure
    for measure in (
        Measure("pain", "Pain at rest (NPRS)", "/10", 0, 10, mcid=2),
        Measure("odi", "Oswestry Disability Index", " %", 0, 100, mcid=10),
        Measure("psfs", "Patient-Specific Functional Scale", "/10", 0, 10, mcid=2, higher_is_better=True),
        Measure(
            "groc", "Global rating of change", "", -7, 7, mcid=3, higher_is_better=True, rates_change=True
        ),
        Measure(
            "exercise_pain", "Pain during exercise (check-offs, weekly average)", "/10", 0, 10, mcid=None
        ),
    )
}

# A questionnaire's key to its measure: the NPRS asks for pain at rest, like the consultation's.
MEASURE_OF_QUESTIONNAIRE = {"nprs": "pain", "odi": "odi", "psfs": "psfs", "groc": "groc"}


@dataclass(frozen=True)
class Observation:
    day: date
    measure: str  # a key of MEASURES
    value: float
    source: str


@dataclass(frozen=True)
class Outcome:
    day: date
    measure: str
    value: float
    source: str
    change: float | None  # from the previous observation of the same measure
    important: bool  # the change reaches that measure's MCID

    @property
    def scale(self) -> Measure:
        return MEASURES[self.measure]

    @property
    def better(self) -> bool:
        if not self.change:
            return False
        return (self.change > 0) == self.scale.higher_is_better


def compare(observations) -> list[Outcome]:
    """Each observation with its change from the last earlier one of the same measure, oldest
    first; flagged where the change reaches that measure's MCID. Measures never meet."""
    last: dict[str, float] = {}
    timeline = []
    for seen in sorted(observations, key=lambda o: (o.day, o.measure)):
        measure = MEASURES[seen.measure]
        if measure.rates_change:
            change = seen.value
        else:
            change = round(seen.value - last[seen.measure], 1) if seen.measure in last else None
        mcid = measure.mcid
        important = change is not None and mcid is not None and abs(change) >= mcid
        timeline.append(Outcome(seen.day, seen.measure, seen.value, seen.source, change, important))
        last[seen.measure] = seen.value
    return timeline


def by_measure(timeline: list[Outcome]) -> dict[str, list[Outcome]]:
    """The timeline as one series per measure, in the order of `MEASURES`."""
    series = defaultdict(list)
    for outcome in timeline:
        series[outcome.measure].append(outcome)
    return {key: series[key] for key in MEASURES if series[key]}


def consultation_observations(consultations) -> list[Observation]:
    """Resting pain and ODI of consultations that were held (`Consultation.objects.held`)."""
    observations = []
    for c in consultations:
        if c.pain is not None:
            observations.append(Observation(c.scheduled_at.date(), "pain", c.pain, "consultation"))
        if c.odi_percent is not None:
            observations.append(Observation(c.scheduled_at.date(), "odi", c.odi_percent, "consultation"))
    return observations


def questionnaire_observations(responses) -> list[Observation]:
    """The client's scored answers (`QuestionnaireResponse`), each under its like measure."""
    return [
        Observation(r.answered_on, MEASURE_OF_QUESTIONNAIRE[r.questionnaire], r.score, "questionnaire")
        for r in responses
        if r.questionnaire in MEASURE_OF_QUESTIONNAIRE and r.score is not None
    ]


def exercise_pain_observations(weekly_pain: dict) -> list[Observation]:
    """{day: average pain at that week's check-offs} (`charts.weekly_pain`) as its own series."""
    return [
        Observation(day, "exercise_pain", value, "check-offs that week") for day, value in weekly_pain.items()
    ]


# --- a chart per measure: coordinates only, the template draws them ---------------------

WIDTH, HEIGHT, LEFT, TOP = 600, 140, 44, 10


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    outcome: Outcome

    @property
    def label_y(self) -> float:
        """Where the value is written: above the mark, or below it near the top of the scale."""
        return round(self.y - 12 if self.y > TOP + 16 else self.y + 20, 1)

    @property
    def title(self) -> str:
        o, unit = self.outcome, self.outcome.scale.unit
        said = f"{o.day:%-d %b %Y}: {o.value:g}{unit} ({o.source})"
        if o.scale.rates_change:
            return said + (", reaches the MCID" if o.important else "")
        if o.change is None:
            return said + ", first measure"
        said += f", {o.change:+g} since the last"
        return said + (", reaches the MCID" if o.important else "")


@dataclass(frozen=True)
class Chart:
    measure: Measure
    marks: list[Mark]
    first: date
    last: date

    @property
    def line(self) -> str:
        return " ".join(f"{m.x},{m.y}" for m in self.marks)

    @property
    def ticks(self) -> list[tuple[float, str]]:
        top, middle = self.measure.high, (self.measure.low + self.measure.high) / 2
        return [(_y(self.measure, value), f"{value:g}") for value in (top, middle, self.measure.low)]


def chart(series: list[Outcome]) -> Chart:
    """One measure's series on its own scale, spread over the days it spans; measures all of one
    day stand side by side in their order, and a lone one in the middle (the template writes its
    value beside it: one dot says nothing on its own)."""
    measure = series[0].scale
    first, last = series[0].day, series[-1].day
    span = (last - first).days
    if span:
        shares = [(o.day - first).days / span for o in series]
    else:
        shares = [n / (len(series) - 1) for n in range(len(series))] if len(series) > 1 else [0.5]
    marks = [
        Mark(x=round(LEFT + share * (WIDTH - LEFT - 14), 1), y=_y(measure, o.value), outcome=o)
        for share, o in zip(shares, series, strict=True)
    ]
    return Chart(measure, marks, first, last)


def _y(measure: Measure, value: float) -> float:
    share = (value - measure.low) / (measure.high - measure.low)
    return round(TOP + (1 - share) * HEIGHT, 1)
