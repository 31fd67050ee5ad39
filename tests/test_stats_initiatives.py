"""Initiatives (etl.stats.initiatives): hand-computed cases and the demo's planted patterns."""

from __future__ import annotations

import json
import shutil
from math import sqrt

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import stats

from etl.db import connect
from etl.settings import Settings
from etl.stats import initiative_methods as m
from etl.stats import initiative_windows as iw
from etl.stats.initiatives import Inputs, coverage_rows, load_inputs, write_initiatives
from etl.stats.rate_ratio import cross_fitted, ratio_of_rate_ratios

Z95 = 1.959963984540054


# ---------------------------------------------------------------- hand-computed cases


def test_active_in_year_counts_any_day_of_the_year():
    start = pd.Series(pd.to_datetime(["2021-03-01", "2022-12-31", "2021-05-01", "2023-01-01"]))
    end = pd.Series(pd.to_datetime([None, None, "2022-01-01", None]))
    assert m.active_in_year(start, end, 2022).tolist() == [True, True, True, False]
    assert m.active_in_year(start, end, 2021).tolist() == [True, False, True, False]
    assert m.active_in_year(start, end, 2023).tolist() == [True, True, False, True]


def _tiny_inputs() -> Inputs:
    """Two buurten in one wijk; one initiative ends in 2022."""
    areas = pd.DataFrame(
        {
            "code": ["B1", "B2", "W1"],
            "level": ["buurt", "buurt", "wijk"],
            "is_water": [False, False, False],
        }
    )
    ancestors = pd.DataFrame(
        {
            "code": ["B1", "B1", "B2", "B2", "W1"],
            "ancestor_code": ["B1", "W1", "B2", "W1", "W1"],
            "ancestor_level": ["buurt", "wijk", "buurt", "wijk", "wijk"],
        }
    )
    population = pd.DataFrame(
        [(a, y, inh, inh) for y in (2022, 2023) for a, inh in (("B1", 2000), ("B2", 100))]
        + [("W1", y, 2100, 2100) for y in (2022, 2023)],
        columns=["area_code", "period", "inhabitants", "denominator"],
    )
    initiatives = pd.DataFrame(
        {
            "initiative_id": ["I1", "I2", "I3"],
            "type": ["surveillance", "contact", "surveillance"],
            "start_date": pd.to_datetime(["2021-03-01", "2021-05-01", "2023-01-01"]),
            "end_date": pd.to_datetime([None, "2022-06-30", None]),
            "area_code": ["B1", "B1", "B2"],
            "members": [40, None, 10],
            "key_persons": [2, 1, None],
        }
    )
    return Inputs(
        initiatives=initiatives,
        areas=areas,
        ancestors=ancestors,
        population=population,
        monthly={},
        survey=pd.DataFrame(),
        context=pd.DataFrame(),
        rings={},
        ring_method="contiguity (queen)",
    )


def test_coverage_per_thousand_with_an_initiative_that_ended():
    rows = coverage_rows(_tiny_inputs(), Settings())
    get = rows.set_index(["indicator", "area_code", "period"])
    # 2022: I1 and I2 (ends 30 June 2022) in B1 -> 2 / 2000 * 1000 = 1.0
    assert get.loc[("initiative_coverage.all", "B1", "2022"), "value"] == pytest.approx(1.0)
    assert get.loc[("initiative_coverage.all", "B1", "2022"), "n"] == 2
    # 2023: I2 has ended -> 1 / 2000 * 1000 = 0.5
    assert get.loc[("initiative_coverage.all", "B1", "2023"), "value"] == pytest.approx(0.5)
    assert get.loc[("initiative_coverage.contact", "B1", "2023"), "value"] == 0.0
    assert get.loc[("initiative_coverage.surveillance", "B1", "2023"), "n"] == 1
    # B2 has 100 inhabitants (< min_inhabitants 200): the count, no rate
    b2 = get.loc[("initiative_coverage.all", "B2", "2023")]
    assert b2["n"] == 1 and np.isnan(b2["value"]) and b2["flag"] == "no-denominator"
    # the wijk: I1 and I3 in 2023 -> 2 / 2100 * 1000
    assert get.loc[("initiative_coverage.all", "W1", "2023"), "value"] == pytest.approx(
        2 / 2100 * 1000
    )
    count = get.loc[("initiative_count.all", "B2", "2023")]
    assert count["value"] == 1 and count["flag"] == "ok"
    assert set(rows["source"]) == {"initiatives"}


def test_control_selection_is_nearest_standardised_and_ties_go_by_code():
    target = pd.Series({"context": 0.0, "baseline": 10.0})
    candidates = pd.DataFrame(
        {"context": [1.0, -1.0, 0.0, np.nan, 3.0], "baseline": [10.0, 10.0, 12.0, 10.0, 10.0]},
        index=["BU_B", "BU_A", "BU_C", "BU_D", "BU_E"],
    )
    # scaled distances: A 1, B 1, C 2/2 = 1 (a three-way tie), D missing, E 3
    scale = pd.Series({"context": 1.0, "baseline": 2.0})
    assert m.nearest_controls(target, candidates, scale, 2) == ["BU_A", "BU_B"]
    assert m.nearest_controls(target, candidates, scale, 10) == ["BU_A", "BU_B", "BU_C", "BU_E"]
    # the same answer whatever the order of the candidates
    shuffled = candidates.sample(frac=1.0, random_state=3)
    assert m.nearest_controls(target, shuffled, scale, 3) == ["BU_A", "BU_B", "BU_C"]
    # a wider spread of the baseline brings C nearer: 2 / 4 = 0.5
    wide = pd.Series({"context": 1.0, "baseline": 4.0})
    assert m.nearest_controls(target, candidates, wide, 1) == ["BU_C"]
    # a missing feature of the target is not used
    only_baseline = pd.Series({"context": np.nan, "baseline": 10.0})
    assert m.nearest_controls(only_baseline, candidates, scale, 2) == ["BU_A", "BU_B"]


def test_feature_scale_is_the_sample_sd_of_the_values_present():
    values = np.array([[1.0, 4.0], [3.0, np.nan], [np.nan, np.nan], [5.0, np.nan]])
    scale = m.feature_scale(values)
    assert scale[0] == pytest.approx(2.0)  # sd of 1, 3, 5
    assert np.isnan(scale[1])  # one value: no spread
    # as pandas' DataFrame.std, to the last digit (control choices depend on it)
    rng = np.random.default_rng(5)
    many = rng.normal(40, 12, (97, 2))
    many[rng.random((97, 2)) < 0.2] = np.nan
    assert m.feature_scale(many).tolist() == pd.DataFrame(many).std(ddof=1).tolist()


def test_difference_in_differences_by_hand():
    diff, low, high, mean_c, k = m.difference_in_differences(
        -10.0, 3.0, [2.0, 4.0, 0.0], [1.0, 1.0, 1.0], 0.95
    )
    assert (diff, mean_c, k) == (pytest.approx(-12.0), pytest.approx(2.0), 3)
    # controls' spread s^2 = 4 -> 4 / 3 beats their sampling variance 3 / 9
    se = sqrt(9 + 4 / 3)
    assert (low, high) == (pytest.approx(-12 - Z95 * se), pytest.approx(-12 + Z95 * se))
    # one control: its own sampling variance; missing controls are dropped
    diff, low, _, _, k = m.difference_in_differences(1.0, 0.0, [3.0, np.nan], [2.0, 1.0], 0.95)
    assert (diff, k) == (pytest.approx(-2.0), 1)
    assert low == pytest.approx(-2.0 - Z95 * 2.0)
    assert np.isnan(m.difference_in_differences(1.0, 0.0, [], [], 0.95)[0])


def _grid() -> tuple[list[str], list[shapely.Polygon]]:
    codes, polys = [], []
    for row in range(3):
        for col in range(3):
            codes.append(f"c{row}{col}")
            polys.append(shapely.box(col * 100, row * 100, (col + 1) * 100, (row + 1) * 100))
    return codes, polys


def test_ring_by_contiguity_on_a_three_by_three_grid():
    codes, polys = _grid()
    ring = m.rings(codes, polys)
    assert ring["c11"] == sorted(c for c in codes if c != "c11")  # queen: all 8
    assert ring["c00"] == ["c01", "c10", "c11"]
    assert ring["c01"] == ["c00", "c02", "c10", "c11", "c12"]
    # a small buffer gives the same rings; 120 m reaches across one square, not diagonally
    assert m.rings(codes, polys, buffer_m=10) == ring
    assert m.rings(codes, polys, buffer_m=120)["c00"] == [
        "c01",
        "c02",
        "c10",
        "c11",
        "c12",
        "c20",
        "c21",
    ]


def test_displacement_flag_logic():
    flag = m.displacement_flag
    # area -30 %, ring +25 %, reference +5 %: both beyond 10 points
    assert flag(-0.30, 0.25, 0.05, 40, 80)
    # the ring rose, but no more than the reference
    assert not flag(-0.30, 0.12, 0.05, 40, 80)
    # the area fell, but only as much as the reference
    assert not flag(-0.08, 0.25, 0.0, 40, 80)
    # everything rose: the area's rise is below the reference, but it did not fall
    assert not flag(0.02, 0.40, 0.20, 40, 80)
    # too few incidents before in the area
    assert not flag(-0.30, 0.25, 0.05, 19, 80)
    assert not flag(-0.30, np.nan, 0.05, 40, 80)


def test_ratio_of_rate_ratios_by_hand():
    """One month a side, one control: the GLM is saturated and gives the 2 x 2 answer.

    Buurt 20 -> 10, control 40 -> 40: ratio (10/20) / (40/40) = 0.5; the log ratio's
    Poisson variance is 1/20 + 1/10 + 1/40 + 1/40 = 0.2.
    """
    counts = pd.DataFrame([[20, 10], [40, 40]], index=["a", "b"], columns=[1, 2])
    rr = ratio_of_rate_ratios(counts, "a", [2], 0.95)
    assert rr.ratio == pytest.approx(0.5)
    assert rr.ci_low == pytest.approx(0.5 * np.exp(-Z95 * sqrt(0.2)))
    assert rr.ci_high == pytest.approx(0.5 * np.exp(Z95 * sqrt(0.2)))
    assert not rr.excludes_no_change
    # a month that does not count for a buurt (NaN) is left out of the fit
    gappy = counts.copy()
    gappy[3] = [np.nan, 7.0]
    assert ratio_of_rate_ratios(gappy, "a", [2], 0.95).ratio == pytest.approx(0.5)
    # nothing after in the buurt: no finite ratio
    empty = counts.copy()
    empty[2] = [0, 40]
    assert np.isnan(ratio_of_rate_ratios(empty, "a", [2], 0.95).ratio)


def test_cross_fitted_folds_by_hand():
    """Two saturated folds (normal quantile): the mean log ratio, se = sqrt(v1 + v2) / 2.

    Fold 1: 20 -> 10 against 40 -> 40 (ratio 0.5, variance 0.2); fold 2: 30 -> 15
    against 30 -> 30 (ratio 0.5, variance 1/30 + 1/15 + 2/30 = 0.16667).
    """
    one = ratio_of_rate_ratios(
        pd.DataFrame([[20, 10], [40, 40]], index=["a", "b"], columns=[1, 3]), "a", [3], 0.95
    )
    two = ratio_of_rate_ratios(
        pd.DataFrame([[30, 15], [30, 30]], index=["a", "c"], columns=[2, 4]), "a", [4], 0.95
    )
    both = cross_fitted([one, two], 0.95)
    log_mean = np.log(0.5)
    se = sqrt(0.2 + 1 / 30 + 1 / 15 + 2 / 30) / 2
    assert both.ratio == pytest.approx(np.exp(log_mean))
    assert both.ci_low == pytest.approx(np.exp(log_mean - Z95 * se))
    assert both.ci_high == pytest.approx(np.exp(log_mean + Z95 * se))
    assert both.excludes_no_change  # 0.5 [0.28, 0.91]: each fold alone includes 1
    assert not one.excludes_no_change and not two.excludes_no_change
    # a fold without an estimate: no estimate
    nothing = ratio_of_rate_ratios(
        pd.DataFrame([[20, 0], [40, 40]], index=["a", "b"], columns=[1, 3]), "a", [3], 0.95
    )
    assert np.isnan(cross_fitted([one, nothing], 0.95).ratio)


def test_fold_months_split_by_parity():
    assert iw.fold_months([24260, 24261, 24262, 24263], 0) == [24260, 24262]
    assert iw.fold_months([24260, 24261, 24262, 24263], 1) == [24261, 24263]


def test_initiative_months_mark_area_and_ring_while_active():
    initiatives = pd.DataFrame(
        {
            "area_code": ["b1"],
            "start_date": [pd.Timestamp("2022-03-10")],
            "end_date": [pd.Timestamp("2022-05-01")],
        }
    )
    months = list(range(m.month_number(2022, 1), m.month_number(2022, 8)))
    covered = iw.initiative_months(initiatives, {"b1": ["b2"]}, ["b1", "b2", "b3"], months)
    active = [m.month_number(2022, k) for k in (3, 4, 5)]
    assert covered.loc["b1"].tolist() == [c in active for c in months]
    assert covered.loc["b2"].tolist() == covered.loc["b1"].tolist()
    assert not covered.loc["b3"].any()


def test_series_bounds_and_waves():
    start = m.month_number(2022, 6)
    first, last = m.month_number(2021, 1), m.month_number(2024, 12)
    assert m.month_label(start) == "2022-06"
    breaks = iw.break_months(["2023"])
    assert breaks == [m.month_number(2023, 1)]
    # a start in 2022: its series ends in December 2022; one in 2023 starts in January
    assert iw.series_bounds(start, breaks, first, last) == (
        first,
        m.month_number(2022, 12),
        None,
        breaks[0],
    )
    assert iw.series_bounds(m.month_number(2023, 4), breaks, first, last)[:2] == (breaks[0], last)
    assert iw.survey_waves_in_series([2021, 2022, 2023, 2024], 2022, ["2023"]) == ([2021], [])
    assert iw.survey_waves_in_series([2021, 2022, 2023, 2024], 2022, []) == ([2021], [2023, 2024])
    series = np.array([1.0] * 9 + [3.0, 3.0, 3.0] + [1.0] * 12)
    ratio, recent = m.wave_ratio(series, 12)
    assert (ratio, recent) == (pytest.approx(3.0), 9.0)
    assert np.isnan(m.wave_ratio(series, 2)[0])  # no 3 months before the start
    assert np.isnan(m.wave_ratio(series, 5)[0])  # nor 3 months before those
    # a fall after the start (the rate halves) does not make the months before a wave
    halved = np.array([2.0] * 15 + [1.0] * 25)
    assert m.wave_ratio(halved, 15) == (pytest.approx(1.0), 6.0)
    # 9 where 3 are usual: P(X >= 9 | 3) = 0.0038; 4 where 1.5 are usual: 0.066
    assert m.is_wave(3.0, 9.0)
    assert not m.is_wave(4 / 1.5, 4.0)
    assert not m.is_wave(1.4, 30.0)  # improbable, but not 1.5 times the mean
    assert stats.poisson.sf(8, 3.0) == pytest.approx(0.0038, abs=1e-4)


def test_shares_scales_and_flags():
    p, se, n = m.weighted_share([1, 0, 1, np.nan], [1.0, 1.0, 2.0, 5.0])
    # p = 3 / 4; n_eff = 16 / 6
    assert (p, n) == (pytest.approx(75.0), 3)
    assert se == pytest.approx(100 * sqrt(0.75 * 0.25 / (16 / 6)))
    items = pd.DataFrame(
        {
            "cohesion_know": [5, 1, 3],
            "cohesion_pleasant": [5, 1, np.nan],
            "cohesion_home": [5, 2, np.nan],
            "cohesion_contact": [5, np.nan, 3],
            "willing_act": [5, 1, 3],
        }
    )
    scores = m.resilience_scores(items)
    # 0-4 recoded: all 4 -> 10; (0, 0, 1, 0) -> 10 * 0.25 / 4; 3 of 5 answered < 2/3 -> none
    assert scores.iloc[0] == pytest.approx(10.0)
    assert scores.iloc[1] == pytest.approx(0.625)
    assert np.isnan(scores.iloc[2])
    mean, se, half, n = m.weighted_mean_t([2.0, 4.0, 6.0], [1.0, 1.0, 1.0], 0.95)
    # equal weights: the ordinary mean, sd 2, se 2 / sqrt(3), t with 2 df
    assert (mean, n) == (pytest.approx(4.0), 3)
    assert se == pytest.approx(2 / sqrt(3))
    assert half == pytest.approx(stats.t.ppf(0.975, 2) * 2 / sqrt(3))
    assert m.survey_flag(49, 0.1, 50, 100, 1.0) == "suppressed"
    assert m.survey_flag(99, 0.1, 50, 100, 1.0) == "indicative"
    assert m.survey_flag(150, 1.5, 50, 100, 1.0) == "indicative"
    assert m.survey_flag(150, 0.5, 50, 100, 1.0) == "ok"


# ---------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def run(demo_db, tmp_path_factory):
    """The demo build with the step run twice (the second run must replace the first)."""
    path = tmp_path_factory.mktemp("initiatives") / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = connect(path)
    write_initiatives(con, Settings())
    first = con.execute("select * from initiative_effects order by all").df()
    write_initiatives(con, Settings())
    yield con, first
    con.close()


@pytest.fixture(scope="module")
def planted(demo_dir):
    return json.loads((demo_dir / "planted.json").read_text())


def _effects(con, initiative: str) -> pd.DataFrame:
    return (
        con.execute("select * from initiative_effects where initiative_id = ?", [initiative])
        .df()
        .set_index("outcome")
    )


def test_planted_effect_lowers_unsafety_and_burglary_with_displacement(run, planted):
    con, _ = run
    effect = planted["effect"]
    rows = _effects(con, effect["initiative"])
    assert set(rows.index) == {
        "unsafe_own_buurt",
        "incident_rate.total",
        "incident_rate.woninginbraak",
    }
    unsafe = rows.loc["unsafe_own_buurt"]
    assert unsafe["area_code"] == effect["buurt"]
    assert unsafe["before_period"] == "2021" and unsafe["after_period"] == "2023,2024"
    assert unsafe["change_area"] < -10  # planted: 35 % -> 20 %
    assert unsafe["estimate"] < 0 and unsafe["ci_high"] < 0
    burglary = rows.loc["incident_rate.woninginbraak"]
    assert burglary["measure"].startswith("ratio of rate ratios")
    # planted: the rate halves; found, with an interval that excludes no change (1)
    assert burglary["estimate"] < 0.65
    assert burglary["ci_low"] < 0.5 < burglary["ci_high"] < 1
    assert "Interval from the model: quasi-Poisson GLM" in burglary["inference"]
    assert "controls cross-fitted" in burglary["inference"]
    # the placebo start a year earlier shows no departure from the controls
    assert burglary["placebo_ci_low"] <= 1 <= burglary["placebo_ci_high"]
    assert not burglary["pre_trend"]
    moved = con.execute(
        "select * from initiative_displacement where initiative_id = ? "
        "and category = 'woninginbraak'",
        [effect["initiative"]],
    ).df()
    assert len(moved) == 1
    row = moved.iloc[0]
    assert row["ring"].split(",") == effect["ring"]
    assert row["ring_method"] == "contiguity (queen)"
    assert row["relative_area"] < 0 < row["relative_ring"]
    assert bool(row["flag_displacement"])


def test_at_most_one_displacement_flag_is_not_planted(run, planted):
    """Waves before a start no longer read as displacement: their months leave the baseline."""
    con, _ = run
    flagged = con.execute(
        "select initiative_id, category from initiative_displacement where flag_displacement"
    ).fetchall()
    assert (planted["effect"]["initiative"], "woninginbraak") in flagged
    assert len(flagged) - 1 <= 1, flagged
    waves = {w["initiative"] for w in planted["burglary_waves"]}
    excluded = con.execute(
        "select initiative_id, baseline_excludes from initiative_displacement "
        "where baseline_excludes is not null"
    ).fetchall()
    assert waves <= {i for i, _ in excluded}


def test_null_effect_is_null(run, planted):
    con, _ = run
    rows = _effects(con, planted["null_effect"]["initiative"])
    assert len(rows) == 3
    for outcome, row in rows.iterrows():
        no_change = 0 if outcome == "unsafe_own_buurt" else 1
        assert row["ci_low"] <= no_change <= row["ci_high"], outcome
    assert "burglary wave" not in rows.iloc[0]["caveat"]


def test_every_comparison_has_a_placebo_or_says_why_not(run, planted):
    """The pre-trend check beside every estimate, survey shares included, or a stored reason."""
    con, _ = run
    rows = con.execute("select * from initiative_effects where estimate is not null").df()
    has = rows["placebo_estimate"].notna()
    assert (has ^ rows["placebo_skip"].notna()).all()
    assert (has == rows["pre_trend"].notna()).all()
    # survey waves 2021-2024: a start in 2023 compares 2021 with 2022 as its placebo
    wave = next(w for w in planted["burglary_waves"] if w["initiative_start"][:4] == "2023")
    survey = _effects(con, wave["initiative"]).loc["unsafe_own_buurt"]
    if np.isfinite(survey["estimate"]):
        assert np.isfinite(survey["placebo_estimate"]) or "respondents" in survey["placebo_skip"]
    # a start in 2022 has no wave before 2021: the reason is stored
    effect = _effects(con, planted["effect"]["initiative"]).loc["unsafe_own_buurt"]
    assert np.isnan(effect["placebo_estimate"])
    assert "0 waves before" in effect["placebo_skip"]
    assert (
        rows["inference"].str.contains("quasi-Poisson") == rows["outcome"].ne("unsafe_own_buurt")
    ).all()


def test_controls_matched_reproducible_and_outside_every_initiative(run, planted):
    con, first = run
    again = con.execute("select * from initiative_effects order by all").df()
    pd.testing.assert_series_equal(first["controls"], again["controls"])
    effects = again.set_index(["initiative_id", "outcome"])
    for tag in ("effect", "null_effect"):
        row = effects.loc[(planted[tag]["initiative"], "incident_rate.total")]
        # two matched sets of 10 (one per fold of months), stored as their union
        assert 10 <= row["n_controls"] <= 20
        assert len(set(row["controls"].split(","))) == row["n_controls"]
    ring = set(planted["effect"]["ring"])
    row = effects.loc[(planted["effect"]["initiative"], "incident_rate.woninginbraak")]
    assert not ring & set(row["controls"].split(","))
    # survey controls: only waves in which they lay outside the area and ring of every
    # active initiative count, and those hold at least min_survey_n respondents a side
    initiatives = con.execute("select * from initiatives").df()
    rings = {
        r["area_code"]: set(r["ring"].split(","))
        for r in con.execute(
            "select distinct e.area_code, d.ring from initiative_displacement d "
            "join initiative_effects e using (initiative_id)"
        )
        .df()
        .to_dict("records")
    }
    respondents = (
        con.execute(
            "select area_code, cast(period as integer) as wave, count(*) as n "
            "from survey_responses where unsafe_own_buurt is not null "
            "and weight is not null group by all"
        )
        .df()
        .set_index(["area_code", "wave"])["n"]
    )

    def busy(wave: int) -> set:
        active = initiatives[
            m.active_in_year(initiatives["start_date"], initiatives["end_date"], wave)
        ]
        return set(active["area_code"]).union(*(rings.get(a, set()) for a in active["area_code"]))

    survey = again[(again["outcome"] == "unsafe_own_buurt") & (again["controls"] != "")]
    assert len(survey) > 20
    min_n = Settings().min_survey_n
    for r in survey.itertuples():
        for control in r.controls.split(","):
            for waves in (r.before_period, r.after_period):
                clean = [int(w) for w in waves.split(",") if control not in busy(int(w))]
                assert clean, (r.initiative_id, control)
                assert sum(respondents.get((control, w), 0) for w in clean) >= min_n
    # the table is replaced on a second run, not appended to
    assert len(again) == len(first)
    assert again["caveat"].str.contains("not a causal effect").all()


def test_burglary_wave_initiatives_carry_the_wave_caveat(run, planted):
    con, _ = run
    for wave in planted["burglary_waves"]:
        rows = _effects(con, wave["initiative"])
        assert rows["area_code"].eq(wave["buurt"]).all()
        assert rows["caveat"].str.contains("burglary wave").all(), wave
        assert rows["caveat"].str.contains("inbraakgolf").all()
    effect = _effects(con, planted["effect"]["initiative"])
    assert not effect["caveat"].str.contains("burglary wave").any()


def test_monthly_counts_count_every_located_incident_once(run):
    con, _ = run
    data = load_inputs(con, Settings())
    total = data.monthly["total"]
    in_buurten = con.execute(
        "select count(*) from incidents where month is not null and area_code in "
        "(select code from areas where level = 'buurt')"
    ).fetchone()[0]
    assert total.to_numpy().sum() == in_buurten
    categories = sum(f.to_numpy().sum() for c, f in data.monthly.items() if c != "total")
    with_category = con.execute(
        "select count(*) from incidents where month is not null and category is not null "
        "and area_code in (select code from areas where level = 'buurt')"
    ).fetchone()[0]
    assert categories == with_category
    code, month = con.execute(
        "select area_code, month from incidents where category = 'woninginbraak' "
        "and area_code is not null group by all order by count(*) desc, area_code, month limit 1"
    ).fetchone()
    n = con.execute(
        "select count(*) from incidents where category = 'woninginbraak' "
        "and area_code = ? and month = ?",
        [code, month],
    ).fetchone()[0]
    number = m.month_number(int(month[:4]), int(month[5:]))
    assert data.monthly["woninginbraak"].at[code, number] == n
    # every month from the first to the last is a column, months without incidents 0
    assert list(total.columns) == list(range(min(total.columns), max(total.columns) + 1))


def test_coverage_counts_match_the_register(run):
    con, _ = run
    got = con.execute(
        "select period, n, value from indicator_values "
        "where indicator = 'initiative_coverage.all' and level = 'gemeente' order by period"
    ).df()
    expected = con.execute(
        "select y::text as period, count(*) as n from initiatives, range(2021, 2025) t(y) "
        "where start_date <= make_date(y, 12, 31) "
        "and (end_date is null or end_date >= make_date(y, 1, 1)) group by y order by y"
    ).df()
    assert got["n"].tolist() == expected["n"].tolist()
    pop = con.execute(
        "select period, inhabitants from area_population where level = 'gemeente' order by period"
    ).df()
    np.testing.assert_allclose(got["value"], got["n"] / pop["inhabitants"] * 1000)
    by_type = con.execute(
        "select area_code, period, sum(n) from indicator_values "
        "where indicator like 'initiative_coverage.%' and indicator <> 'initiative_coverage.all' "
        "group by all except "
        "select area_code, period, n from indicator_values "
        "where indicator = 'initiative_coverage.all'"
    ).fetchall()
    assert by_type == []
    flags = con.execute(
        "select distinct flag from indicator_values where indicator like 'initiative_%'"
    ).fetchall()
    assert {f[0] for f in flags} <= {"ok", "no-denominator"}


def test_reach_matches_the_survey_share_and_profiles_add_up(run):
    con, _ = run
    joined = con.execute(
        "select r.participants_share, v.value, r.participants_profile, r.population_profile, "
        "r.level, r.flag from initiative_reach r join indicator_values v "
        "on v.area_code = r.area_code and v.period = r.period "
        "and v.indicator = 'survey_share.participates_initiative' and v.method = 'direct' "
        "where r.flag <> 'suppressed'"
    ).df()
    assert {"buurt", "wijk", "gemeente"} <= set(joined["level"])
    np.testing.assert_allclose(joined["participants_share"], joined["value"], atol=1e-9)
    for text in joined["population_profile"]:
        profile = json.loads(text)
        assert sum(profile["age_group"].values()) == pytest.approx(1, abs=0.01)
        assert sum(profile["sex"].values()) == pytest.approx(1, abs=0.01)
    assert joined["participants_profile"].notna().any()
    city = con.execute(
        "select initiatives, members from initiative_reach "
        "where level = 'gemeente' and period = '2024'"
    ).fetchone()
    assert city[0] > 20 and city[1] > 0


def test_collective_resilience_follows_the_survey_scale_rules(run):
    con, _ = run
    rows = con.execute(
        "select * from indicator_values where indicator = 'collective_resilience.index'"
    ).df()
    assert {"buurt", "wijk", "gemeente"} <= set(rows["level"])
    shown = rows[rows["value"].notna()]
    assert shown["value"].between(0, 10).all()
    assert (shown["ci_low"] <= shown["value"]).all() and (shown["value"] <= shown["ci_high"]).all()
    assert (rows.loc[rows["n"] < 50, "flag"] == "suppressed").all()
    assert rows.loc[rows["n"] < 50, "value"].isna().all()
    assert (rows.loc[rows["n"].between(50, 99), "flag"] == "indicative").all()
    # the same computation on the four cohesion items alone is the SQL cohesion scale
    survey = con.execute(
        "select s.*, a.ancestor_code from survey_responses s "
        "join area_ancestors a on a.code = s.area_code where a.ancestor_level = 'wijk'"
    ).df()
    cohesion = ["cohesion_know", "cohesion_pleasant", "cohesion_home", "cohesion_contact"]
    survey["score"] = m.resilience_scores(survey[cohesion])
    # (the mart's Kish half-width; the shown interval is design-based where the survey
    # carries strata, as the demo's does)
    sql = con.execute(
        "select area_code, period, mean as value, "
        "mean + t_ppf(0.975, n_eff_kish - 1) * sqrt(s2 / (n_eff_kish - 1)) as ci_high "
        "from survey_estimates where indicator = 'survey_scale.cohesion' and level = 'wijk'"
    ).df()
    for r in sql.itertuples():
        g = survey[(survey["ancestor_code"] == r.area_code) & (survey["period"] == r.period)]
        mean, _, half, _ = m.weighted_mean_t(g["score"], g["weight"], 0.95)
        assert mean == pytest.approx(r.value) and mean + half == pytest.approx(r.ci_high)


def test_runs_on_a_municipality_with_little_data(tiny_db, tmp_path):
    """Three months of incidents, one survey wave, one initiative: rows without figures."""
    path = tmp_path / "tiny.duckdb"
    shutil.copy(tiny_db, path)
    con = connect(path)
    buurt = con.execute("select min(code) from areas where level = 'buurt'").fetchone()[0]
    con.execute(
        "insert into initiatives (initiative_id, name, type, start_date, area_code, members) "
        "values ('X1', 'Buurtpreventie', 'surveillance', date '2022-03-01', ?, 30)",
        [buurt],
    )
    write_initiatives(con, Settings())
    effects = con.execute("select * from initiative_effects order by outcome").df()
    assert effects["outcome"].tolist() == [
        "incident_rate.total",
        "incident_rate.woninginbraak",
        "unsafe_own_buurt",
    ]
    assert effects["estimate"].isna().all() and (effects["n_controls"] == 0).all()
    assert pd.isna(effects["before_period"].iloc[0])  # no months with data before
    reach = con.execute(
        "select initiatives, members from initiative_reach where area_code = ?", [buurt]
    ).fetchall()
    assert reach == [(1, 30.0)]
    con.close()


def test_no_control_buurt_says_so_instead_of_too_few_months(tiny_db, tmp_path):
    """Every buurt has an initiative: no controls; the placebo windows are long enough."""
    path = tmp_path / "tiny.duckdb"
    shutil.copy(tiny_db, path)
    con = connect(path)
    for i, (buurt,) in enumerate(
        con.execute("select code from areas where level = 'buurt' order by code").fetchall()
    ):
        con.execute(
            "insert into initiatives (initiative_id, name, type, start_date, area_code, members) "
            "values (?, 'Buurtpreventie', 'surveillance', date '2024-07-01', ?, 30)",
            [f"X{i}", buurt],
        )
    write_initiatives(con, Settings())
    rates = con.execute(
        "select estimate, n_controls, placebo_skip from initiative_effects "
        "where outcome like 'incident_rate.%'"
    ).fetchall()
    skips = con.execute(
        "select area_code, period, reason from analysis_skips "
        "where step = 'initiatives' and reason like 'initiative X%' order by all"
    ).fetchall()
    con.close()
    assert len(rates) == 8
    assert len(skips) == 4 and {s[1] for s in skips} == {"2024-07-01"}
    assert "no outcome could be compared" in skips[0][2]
    for estimate, n_controls, skip in rates:
        assert estimate is None and n_controls == 0
        assert "no estimate (no control buurt or too few incidents)" in skip
        assert "needed" not in skip
