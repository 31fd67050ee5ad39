"""Context index, unease index, gap and quadrants: small hand examples and the demo's plants."""

import json

import numpy as np
import pandas as pd
import pytest

from etl.stats.composite import (
    composite_index,
    first_component,
    index_to_base,
    oriented_z_scores,
    quadrant,
)


def test_oriented_z_scores_against_the_base_year():
    base = pd.DataFrame({"income": [20.0, 30.0, 40.0], "share_rental": [10.0, 30.0, 50.0]})
    later = pd.DataFrame({"income": [25.0], "share_rental": [70.0]})
    z = oriented_z_scores(later, base, {"income": -1, "share_rental": 1})
    # income: mean 30, sd 10 -> (25 - 30) / 10 = -0.5, oriented: +0.5
    # rental: mean 30, sd 20 -> (70 - 30) / 20 = 2.0
    assert z.iloc[0].tolist() == pytest.approx([0.5, 2.0])
    assert composite_index(z).iloc[0] == pytest.approx(1.25)


def test_composite_needs_half_of_the_factors():
    z = pd.DataFrame({"a": [1.0, np.nan], "b": [3.0, np.nan], "c": [np.nan, 2.0]})
    result = composite_index(z)
    assert result.iloc[0] == pytest.approx(2.0)  # 2 of 3 present
    assert np.isnan(result.iloc[1])  # 1 of 3 present


def test_first_component_of_perfectly_correlated_factors_explains_everything():
    z = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 4.0, 6.0, 8.0]})
    loadings, explained, n = first_component(z)
    assert explained == pytest.approx(1.0)
    assert loadings.tolist() == pytest.approx([1 / np.sqrt(2), 1 / np.sqrt(2)])
    assert n == 4


def test_index_to_base_and_quadrants():
    frame = pd.DataFrame({"value": [30.0], "ci_low": [24.0], "ci_high": [36.0], "se": [3.0]})
    indexed = index_to_base(frame, 20.0)
    assert indexed.iloc[0].tolist() == [150.0, 120.0, 180.0, 15.0]
    assert quadrant(150, 80) == "high_fear_low_incidents"
    assert quadrant(90, 130) == "low_fear_high_incidents"
    assert quadrant(np.nan, 130) is None


def test_city_base_year_is_100_and_overall_lists_missing_parts(demo_con):
    city = demo_con.execute(
        "select indicator, value from indicator_values where area_code = 'GM9999' "
        "and period = '2021' and indicator like 'unease_index.%' and indicator <> "
        "'unease_index.overall'"
    ).fetchall()
    assert {i: round(v, 6) for i, v in city} == {
        "unease_index.perceived": 100.0,
        "unease_index.incidents": 100.0,
        "unease_index.nuisance": 100.0,
    }
    # a buurt with a suppressed survey has only the incident part
    row = demo_con.execute(
        """
        select p.parts_present, p.parts_missing, v.flag, v.value, i.value
        from unease_index_parts p
        join indicator_values v on v.area_code = p.area_code and v.period = p.period
            and v.indicator = 'unease_index.overall'
        join indicator_values i on i.area_code = p.area_code and i.period = p.period
            and i.indicator = 'unease_index.incidents'
        where p.parts_missing = 'nuisance,perceived' limit 1
        """
    ).fetchone()
    assert row[0] == "incidents" and row[2] == "indicative"
    assert row[3] == pytest.approx(row[4])


def test_planted_gaps_land_in_their_quadrants(demo_con, demo_dir):
    planted = json.loads((demo_dir / "planted.json").read_text())
    for key, expected in (
        ("high_fear_low_crime", "high_fear_low_incidents"),
        ("low_fear_high_crime", "low_fear_high_incidents"),
    ):
        rows = demo_con.execute(
            "select area_code, quadrant, ci_low from perception_gap "
            "where period = '2024' and area_code in (select unnest(?))",
            [planted[key]],
        ).fetchall()
        assert len(rows) == len(planted[key])
        assert {q for _, q, _ in rows} == {expected}, key
    gaps = demo_con.execute(
        "select min(ci_low) from perception_gap where period = '2024' "
        "and area_code in (select unnest(?))",
        [planted["high_fear_low_crime"]],
    ).fetchone()[0]
    assert gaps > 0  # more fear than the figures suggest, beyond the interval
