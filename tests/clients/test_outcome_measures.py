"""A change is flagged against the MCID only between like measures; exercise pain is its own series."""

from dataclasses import replace
from datetime import UTC, date, datetime

from clients.checkoffs import charts
from clients.consultations import outcomes
from clients.consultations.outcomes import MEASURES, Measure, Observation, compare


class Held:
    def __init__(self, day, pain=None, odi=None):
        self.scheduled_at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        self.pain, self.odi_percent = pain, odi


def test_resting_pain_is_compared_with_resting_pain_and_odi_with_odi():
    timeline = compare(
        outcomes.consultation_observations(
            [Held(date(2026, 1, 1), pain=7, odi=42), Held(date(2026, 2, 1), pain=4, odi=30)]
        )
    )

    assert [(o.measure, o.value, o.change, o.important, o.better) for o in timeline] == [
        ("odi", 42, None, False, False),
        ("pain", 7, None, False, False),
        ("odi", 30, -12, True, True),
        ("pain", 4, -3, True, True),
    ]


def test_exercise_pain_is_never_compared_with_a_resting_baseline():
    # The case: 6/10 at rest at the consultation, 3/10 at a check-off minutes later.
    resting = outcomes.consultation_observations([Held(date(2026, 12, 1), pain=6)])
    exercise = outcomes.exercise_pain_observations(charts.weekly_pain([(date(2026, 12, 1), 3)]))

    timeline = compare(resting + exercise)

    assert [(o.measure, o.change, o.important) for o in timeline] == [
        ("exercise_pain", None, False),
        ("pain", None, False),
    ]


def test_exercise_pain_shows_its_own_changes_without_an_mcid_mark():
    weeks = {date(2026, 1, 4): 6.0, date(2026, 1, 11): 2.5}

    timeline = compare(outcomes.exercise_pain_observations(weeks))

    assert [(o.change, o.important) for o in timeline] == [(None, False), (-3.5, False)]


def test_a_change_just_under_the_mcid_is_not_flagged():
    timeline = compare(
        outcomes.consultation_observations([Held(date(2026, 1, 1), odi=40), Held(date(2026, 2, 1), odi=31)])
    )

    assert [o.important for o in timeline] == [False, False]


def test_a_change_of_exactly_the_mcid_is_flagged():
    timeline = compare(
        outcomes.consultation_observations([Held(date(2026, 1, 1), pain=5), Held(date(2026, 2, 1), pain=7)])
    )

    assert [(o.change, o.important, o.better) for o in timeline] == [(None, False, False), (2, True, False)]


def test_a_new_measure_slots_in_as_data_with_its_own_direction(monkeypatch):
    # The Patient-Specific Functional Scale: 0-10, higher is better, MCID 2 points.
    psfs = Measure("psfs", "Patient-Specific Functional Scale", "/10", 0, 10, mcid=2, higher_is_better=True)
    monkeypatch.setitem(MEASURES, "psfs", psfs)
    seen = [
        Observation(date(2026, 1, 1), "psfs", 3.0, "questionnaire"),
        Observation(date(2026, 1, 15), "pain", 6, "consultation"),
        Observation(date(2026, 2, 1), "psfs", 5.4, "questionnaire"),
    ]

    timeline = compare(seen)

    assert [(o.measure, o.change, o.important, o.better) for o in timeline] == [
        ("psfs", None, False, False),
        ("pain", None, False, False),
        ("psfs", 2.4, True, True),
    ]
    assert list(outcomes.by_measure(timeline)) == ["pain", "psfs"]


def test_a_measure_without_an_mcid_never_flags_however_large_the_change(monkeypatch):
    monkeypatch.setitem(MEASURES, "odi", replace(MEASURES["odi"], mcid=None))

    timeline = compare(
        outcomes.consultation_observations([Held(date(2026, 1, 1), odi=80), Held(date(2026, 2, 1), odi=10)])
    )

    assert not any(o.important for o in timeline)


def test_each_measure_is_charted_on_its_own_scale_with_its_mcid_marks():
    timeline = compare(
        outcomes.consultation_observations([Held(date(2026, 1, 1), odi=50), Held(date(2026, 1, 29), odi=30)])
    )

    chart = outcomes.chart(outcomes.by_measure(timeline)["odi"])

    first, second = chart.marks
    assert (first.y, second.y) == (80.0, 108.0)  # 50 % halfway down 140 px from 10, 30 % lower
    assert first.x < second.x
    assert "reaches the MCID" in second.title and "first measure" in first.title
    assert [label for _, label in chart.ticks] == ["100", "50", "0"]


class Answered:
    def __init__(self, day, questionnaire, score):
        self.answered_on, self.questionnaire, self.score = day, questionnaire, score


def test_a_pain_questionnaire_is_compared_with_the_consultations_resting_pain():
    resting = outcomes.consultation_observations([Held(date(2026, 1, 1), pain=7)])
    answered = outcomes.questionnaire_observations([Answered(date(2026, 1, 15), "nprs", 4)])

    (_resting, answered_pain) = compare(resting + answered)

    assert (answered_pain.measure, answered_pain.change, answered_pain.important, answered_pain.better) == (
        "pain",
        -3,
        True,
        True,
    )


def test_psfs_answers_form_their_own_series_where_higher_is_better():
    answered = outcomes.questionnaire_observations(
        [Answered(date(2026, 1, 1), "psfs", 3.5), Answered(date(2026, 1, 15), "psfs", 6)]
    )

    assert [(o.measure, o.change, o.important, o.better) for o in compare(answered)] == [
        ("psfs", None, False, False),
        ("psfs", 2.5, True, True),
    ]


def test_a_global_rating_of_change_meets_the_mcid_by_its_own_value():
    answered = outcomes.questionnaire_observations(
        [Answered(date(2026, 1, 1), "groc", 2), Answered(date(2026, 1, 15), "groc", 4)]
    )

    assert [(o.change, o.important) for o in compare(answered)] == [(2, False), (4, True)]


def test_a_lone_measure_stands_in_the_middle_with_its_value_written_beside_it():
    (mark,) = outcomes.chart(compare([Observation(date(2026, 1, 1), "psfs", 3.5, "questionnaire")])).marks

    assert mark.x == round(outcomes.LEFT + (outcomes.WIDTH - outcomes.LEFT - 14) / 2, 1)
    assert mark.label_y < mark.y  # written above the dot


def test_measures_of_one_day_stand_side_by_side_and_two_days_make_a_line():
    same_day = [Observation(date(2026, 1, 1), "psfs", value, "questionnaire") for value in (3, 5)]
    two_days = [Observation(date(2026, 1, d), "psfs", 4, "questionnaire") for d in (1, 15)]

    side_by_side = outcomes.chart(compare(same_day)).marks
    line = outcomes.chart(compare(two_days))

    assert side_by_side[0].x < side_by_side[1].x
    assert len(line.line.split()) == 2
