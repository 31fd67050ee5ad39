"""Context index, unease index, gap and quadrants: small hand examples and the demo's plants."""

import json

import numpy as np
import pandas as pd
import pytest

from etl.stats.composite import (
    composite_index,
    first_component,
    index_to_base,
    median_bases,
    oriented_z_scores,
    overall_index,
    quadrant,
    series_base_periods,
)
from etl.stats.flags import FLAG_ORDER, weakest_flag


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


def test_index_to_base_and_quadrants_only_where_intervals_exclude_the_city():
    frame = pd.DataFrame({"value": [30.0], "ci_low": [24.0], "ci_high": [36.0], "se": [3.0]})
    indexed = index_to_base(frame, 20.0)
    assert indexed.iloc[0].tolist() == [150.0, 120.0, 180.0, 15.0]
    # perceived interval 120-180 above its city value 100, incidents 60-90 below 100
    assert quadrant(120, 180, 100, 60, 90, 100) == "high_fear_low_incidents"
    assert quadrant(60, 90, 100, 110, 150, 100) == "low_fear_high_incidents"
    # the incident interval 90-130 holds the city value: no quadrant
    assert quadrant(120, 180, 100, 90, 130, 100) == "not_distinguishable"
    assert quadrant(np.nan, np.nan, 100, 110, 130, 100) is None


def test_weakest_flag_and_series_bases():
    assert weakest_flag(["ok", "indicative"]) == "indicative"
    assert weakest_flag(["ok", "ok"]) == "ok"
    assert weakest_flag(["suppressed", "indicative"]) == "suppressed"
    bases = series_base_periods(["2021", "2022", "2023", "2024"], ["2023"])
    assert bases == {"2021": "2021", "2022": "2021", "2023": "2023", "2024": "2023"}


def test_index_base_is_the_median_buurt_of_the_series_base_year():
    rows = pd.DataFrame(
        {
            "level": ["buurt"] * 6 + ["gemeente"],
            "period": ["2021"] * 3 + ["2022"] * 3 + ["2021"],
            # a centre buurt at 400 drags the city value (120) but not the median (20)
            "value": [10.0, 20.0, 400.0, 30.0, 40.0, 50.0, 120.0],
        }
    )
    assert median_bases(rows, []) == {"2021": 20.0, "2022": 20.0}
    assert median_bases(rows, ["2022"]) == {"2021": 20.0, "2022": 40.0}


def test_overall_index_only_with_all_parts_and_flags_from_parts():
    shown = pd.DataFrame(
        {
            "area_code": ["a", "a", "a", "b", "b"],
            "level": "buurt",
            "period": "2024",
            "part": ["perceived", "incidents", "nuisance", "perceived", "incidents"],
            "value": [120.0, 90.0, 110.0, 130.0, 80.0],
            "se": [5.0, 4.0, 3.0, 5.0, 4.0],
            "n": [180.0, 40.0, 170.0, 80.0, 30.0],
            "flag": ["ok", "ok", "indicative", "indicative", "ok"],
        }
    )
    out = overall_index(shown, 1.96).set_index("area_code")
    assert out.loc["a", "value"] == pytest.approx((120 + 90 + 110) / 3)
    assert out.loc["a", "flag"] == "indicative" and out.loc["a", "n"] == 40
    assert np.isnan(out.loc["b", "value"]) and out.loc["b", "flag"] == "incomplete"
    assert out.loc["b", "missing"] == "nuisance"


def test_no_overall_index_without_all_parts(demo_con):
    bad = demo_con.execute(
        """
        select count(*) from indicator_values v
        join unease_index_parts p using (area_code, level, period)
        where v.indicator = 'unease_index.overall'
            and (v.value is not null) <> (p.parts_missing = '')
        """
    ).fetchone()[0]
    assert bad == 0
    incomplete = demo_con.execute(
        "select count(*) from indicator_values where indicator = 'unease_index.overall' "
        "and flag = 'incomplete' and value is null"
    ).fetchone()[0]
    assert incomplete > 0  # small buurten without a survey figure are shown as incomplete
    # the city's median buurt of the base year is 100, for every part
    medians = demo_con.execute(
        """
        select indicator, median(value) from indicator_values
        where indicator like 'index_part.%' and level = 'buurt' and period = '2021'
        group by indicator
        """
    ).fetchall()
    assert {i: round(v, 6) for i, v in medians} == {
        "index_part.perceived": 100.0,
        "index_part.incidents": 100.0,
        "index_part.nuisance": 100.0,
    }


def test_no_derived_flag_is_more_confident_than_its_weakest_part(demo_con):
    """The overall index and the gap take the weakest flag and the smallest n of their parts."""
    order = {f: i for i, f in enumerate(FLAG_ORDER)}
    derived = demo_con.execute(
        """
        select d.indicator, d.area_code, d.period, d.flag, d.n,
            list(p.flag) as part_flags, min(p.n) as part_n
        from indicator_values d
        join indicator_values p on p.area_code = d.area_code and p.period = d.period
            and p.value is not null
            and (
                (d.indicator = 'unease_index.overall' and p.indicator like 'index_part.%')
                or (d.indicator = 'unease_gap.perceived_minus_registered'
                    and p.indicator in ('index_part.perceived', 'index_part.incidents'))
            )
        where d.value is not null
        group by all
        """
    ).fetchall()
    assert len(derived) > 100
    too_confident = [
        r for r in derived if order[r[3]] < max(order[f] for f in r[5]) or r[4] != r[6]
    ]
    assert too_confident == []
    kinds = {r[0] for r in derived}
    assert kinds == {"unease_index.overall", "unease_gap.perceived_minus_registered"}


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
