"""No derived figure is more confident than its parts: smoothed rates, index parts and the
'all'-period hotspot input take the weakest flag of what they are made of (the overall index
and the gap: tests/test_composite.py)."""

from __future__ import annotations

import pandas as pd

from etl.settings import Settings
from etl.stats.flags import FLAG_ORDER, weakest_flag
from etl.stats.hotspots import hotspot_inputs
from etl.stats.rates import rate_inputs

RANK = {f: i for i, f in enumerate(FLAG_ORDER)}

#: derived indicator (LIKE pattern) -> its part ('' + the derived id's suffix for families)
PAIRS = (
    ("incident_rate_eb.%", "incident_rate."),
    ("index_part.incidents", "incident_rate.total"),
    ("index_part.perceived", "survey_share.unsafe_own_buurt"),
    ("index_part.nuisance", "survey_scale.nuisance"),
)


def test_weakest_flag_orders_by_confidence():
    assert weakest_flag(["ok", "synthetic", "indicative"]) == "synthetic"
    assert weakest_flag(["ok", "no-denominator"]) == "no-denominator"
    assert weakest_flag(["ok", "something new"]) == "something new"  # unknown = weakest


def test_derived_indicators_are_never_more_confident_than_their_part(demo_con):
    rows = []
    for derived, part in PAIRS:
        family = derived.endswith("%")
        rows.append(
            demo_con.execute(
                """
                select d.indicator, d.flag, p.flag as part_flag, d.n, p.n as part_n
                from indicator_values d
                join indicator_values p on p.area_code = d.area_code and p.level = d.level
                    and p.period = d.period
                    and p.indicator = case when ? then ? || split_part(d.indicator, '.', 2)
                        else ? end
                where d.indicator like ? and d.value is not null
                """,
                [family, part, part, derived],
            ).df()
        )
    frame = pd.concat(rows, ignore_index=True)
    # every pair is there: ten smoothed categories and three index parts
    assert frame["indicator"].nunique() >= 13
    assert len(frame) > 4000
    too_confident = frame[frame["flag"].map(RANK) < frame["part_flag"].map(RANK)]
    assert too_confident.empty, too_confident.head()
    # a smoothed rate counts the incidents of its raw rate
    eb = frame[frame["indicator"].str.startswith("incident_rate_eb.")]
    assert (eb["n"] == eb["part_n"]).all()


def test_all_period_hotspot_input_sums_the_years_with_a_rate(demo_con):
    """The 'all' map has a value exactly where some year has a rate; none (not 0) elsewhere."""
    settings = Settings()
    yearly = rate_inputs(demo_con, settings)
    overall = hotspot_inputs(demo_con, settings)
    overall = overall[(overall["period"] == "all") & (overall["category"] == "woninginbraak")]
    buurt = overall[overall["level"] == "buurt"].set_index("area_code")
    has = yearly[(yearly["category"] == "woninginbraak") & (yearly["flag"] == "ok")]
    summed = has.groupby("area_code")["n"].sum()
    with_rate = buurt["value"].dropna().index
    assert len(with_rate) > 80
    assert set(with_rate) == set(summed.index) & set(buurt.index)
    # no rate in any year: no 'all' value either (absent, not 0)
    never = set(yearly.loc[yearly["category"] == "woninginbraak", "area_code"]) - set(summed.index)
    assert buurt.reindex(sorted(never))["value"].isna().all()
