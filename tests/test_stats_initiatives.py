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
from etl.stats.initiatives import Inputs, coverage_rows, write_initiatives

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
    assert m.relative_change(30, 20, 12, 10) == pytest.approx((20 / 10) / (30 / 12) - 1)


def test_windows_rates_and_waves():
    start = m.month_number(2022, 6)
    first, last = m.month_number(2021, 1), m.month_number(2024, 12)
    assert m.window(start, "before", first, last) == (m.month_number(2021, 6), start - 1)
    assert m.window(start, "after", first, last) == (start + 1, m.month_number(2023, 6))
    late = m.month_number(2024, 6)
    assert m.window(late, "after", first, last) == (late + 1, last)  # clipped: 6 months
    assert m.month_label(start) == "2022-06"
    rate, se = m.window_rate(30, 12, 2000)
    assert (float(rate), float(se)) == (pytest.approx(15.0), pytest.approx(sqrt(30) / 2))
    assert float(m.window_rate(15, 6, 2000)[0]) == pytest.approx(15.0)  # annualised
    series = np.array([1.0] * 9 + [3.0, 3.0, 3.0] + [1.0] * 12)
    ratio, recent = m.wave_ratio(series, 12)
    assert (ratio, recent) == (pytest.approx(3.0), 9.0)
    assert np.isnan(m.wave_ratio(series, 2)[0])  # no 3 months before the start
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
    assert unsafe["difference"] < 0 and unsafe["ci_high"] < 0
    burglary = rows.loc["incident_rate.woninginbraak"]
    assert burglary["change_area"] < 0 and burglary["difference"] < 0
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


def test_null_effect_interval_contains_zero(run, planted):
    con, _ = run
    rows = _effects(con, planted["null_effect"]["initiative"])
    assert len(rows) == 3
    for outcome, row in rows.iterrows():
        assert row["ci_low"] <= 0 <= row["ci_high"], outcome
    assert "burglary wave" not in rows.iloc[0]["caveat"]


def test_controls_listed_reproducible_and_without_the_same_type(run, planted):
    con, first = run
    again = con.execute("select * from initiative_effects order by all").df()
    pd.testing.assert_series_equal(first["controls"], again["controls"])
    effects = again.set_index(["initiative_id", "outcome"])
    for tag in ("effect", "null_effect"):
        row = effects.loc[(planted[tag]["initiative"], "incident_rate.total")]
        assert row["n_controls"] == 5 and len(row["controls"].split(",")) == 5
    ring = set(planted["effect"]["ring"])
    row = effects.loc[(planted["effect"]["initiative"], "incident_rate.woninginbraak")]
    assert not ring & set(row["controls"].split(","))
    initiatives = con.execute("select * from initiatives").df()
    for r in again[again["controls"] != ""].itertuples():
        start = pd.Timestamp(r.start_date)
        same = initiatives[initiatives["type"] == r.type]
        busy = same[
            m.active_between(
                same["start_date"],
                same["end_date"],
                start - pd.DateOffset(months=12),
                start + pd.DateOffset(months=12),
            )
        ]
        controls = set(r.controls.split(","))
        assert r.area_code not in controls
        assert not controls & set(busy["area_code"]), (r.initiative_id, r.outcome)
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
    assert effects["difference"].isna().all() and (effects["n_controls"] == 0).all()
    assert pd.isna(effects["before_period"].iloc[0])  # no months with data before
    reach = con.execute(
        "select initiatives, members from initiative_reach where area_code = ?", [buurt]
    ).fetchall()
    assert reach == [(1, 30.0)]
    con.close()
