"""Disclosure control: what the public sees of small counts and sensitive categories."""

import math

import numpy as np
import pandas as pd
import pytest

from etl.disclosure import (
    Rules,
    poisson_interval,
    public_count,
    public_denominators,
    public_rate_rows,
    public_values,
)


def test_small_counts_show_as_less_than_five_and_others_round_to_five():
    assert [public_count(n) for n in (0, 1, 4, 5, 7, 8, 12, 1234)] == [
        "0",
        "<5",
        "<5",
        "5",
        "5",
        "10",
        "10",
        "1235",
    ]
    assert public_count(7, round_to=1) == "7"
    assert public_count(None) == "–"


def test_sensitive_category_withheld_below_wijk_level():
    frame = pd.DataFrame(
        {"value": [3.2], "ci_low": [1.0], "ci_high": [6.0], "n": [3], "flag": ["ok"]}
    )
    buurt = public_values(frame, sensitive=True, level="buurt")
    assert buurt["value"].isna().all() and buurt["flag"].tolist() == ["sensitive"]
    assert buurt["n_public"].tolist() == ["–"]
    wijk = public_values(frame.assign(n=[12]), sensitive=True, level="wijk")
    assert wijk["n_public"].tolist() == ["10"]


def test_rate_of_a_small_count_is_withheld_and_others_follow_the_disclosed_count():
    # 3 incidents among 480 inhabitants: 6.25 per 1,000 would give the 3 back
    frame = pd.DataFrame(
        {
            "value": [3 / 480 * 1000, 12 / 600 * 1000, 0.0],
            "ci_low": [1.29, 10.3, 0.0],
            "ci_high": [18.3, 34.9, 6.1],
            "n": [3, 12, 0],
            "flag": ["ok", "ok", "ok"],
        }
    )
    out = public_values(frame, sensitive=False, level="buurt")
    assert math.isnan(out["value"][0]) and out["flag"][0] == "small-count"
    assert out["n_public"].tolist() == ["<5", "10", "0"]
    # the rate of 12 is shown as that of the 10 disclosed: 10 / 600 inhabitants
    assert out["value"][1] == pytest.approx(10 / 600 * 1000)
    low, high = poisson_interval(np.array([10.0]), 0.95)
    assert out["ci_low"][1] == pytest.approx(low[0] / 600 * 1000)
    assert out["ci_high"][1] == pytest.approx(high[0] / 600 * 1000)
    assert out["value"][2] == 0.0
    # the count kept as a number is the one shown: nothing sorted by it tells more
    assert math.isnan(out["n"][0]) and out["n"][1:].tolist() == [10, 0]


def test_public_denominators_are_rounded_to_five():
    assert public_denominators([482, 483, 1000, np.nan], Rules()).tolist()[:3] == [480, 485, 1000]


def test_funnel_rows_drop_small_counts_and_round_the_population():
    frame = pd.DataFrame({"rate": [3 / 483 * 1000, 17 / 611 * 1000], "population": [483.0, 611.0]})
    out = public_rate_rows(frame, "rate", "population", Rules())
    assert out["population"].tolist() == [610.0]
    assert out["rate"].iloc[0] == pytest.approx(15 / 611 * 1000)


def test_bar_lengths_do_not_reveal_small_counts():
    from etl.disclosure import disclosed_length

    assert [disclosed_length(n) for n in (0, 1, 3, 4, 7, 8, 12)] == [0, 2.5, 2.5, 2.5, 5, 10, 10]


def test_survey_share_standing_for_one_to_four_respondents_is_withheld():
    # 3 of 60 respondents (5%) and 12 of 60 (20%): the first share times its n gives 3
    frame = pd.DataFrame(
        {
            "value": [5.0, 20.0, 0.0],
            "ci_low": [1.7, 11.8, 0.0],
            "ci_high": [13.7, 31.9, 6.0],
            "n": [60, 60, 60],
            "flag": ["indicative", "indicative", "indicative"],
        }
    )
    out = public_values(frame, sensitive=False, level="buurt", kind="share")
    assert math.isnan(out["value"][0]) and math.isnan(out["ci_high"][0])
    assert out["flag"].tolist() == ["few-respondents", "indicative", "indicative"]
    # a share of 0 tells no small count; the others are shown as they are
    assert out["value"][1] == 20.0 and out["value"][2] == 0.0
    assert out["n_public"].tolist() == ["60", "60", "60"]


def test_survey_changes_of_a_share_of_few_respondents_are_left_out():
    from types import SimpleNamespace

    from etl.disclosure import public_change_rows

    meta = {
        "survey.unsafe": SimpleNamespace(sensitive=False, source_kind="survey_responses", unit="%")
    }
    frame = pd.DataFrame(
        {
            "indicator": ["survey.unsafe", "survey.unsafe"],
            "level": ["buurt", "buurt"],
            "value_from": [5.0, 25.0],
            "value_to": [30.0, 40.0],
            "diff": [25.0, 15.0],
            "n_from": [60, 60],
            "n_to": [70, 70],
        }
    )
    out = public_change_rows(frame, meta, Rules())
    assert out["value_from"].tolist() == [25.0]
    assert "n_from" not in out
