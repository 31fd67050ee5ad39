"""Getis-Ord Gi* hotspots with FDR control at buurt and wijk level (etl.stats.hotspots)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from etl.db import connect
from etl.demo.incidents import CATEGORIES, SENSITIVE_RATES
from etl.stats.fdr import bh
from etl.stats.hotspots import (
    classify,
    directional_p,
    getis_ord,
    gi_scale,
    mark_stable,
    queen_weights,
)

#: A 3 x 3 grid of 100 m squares, row by row from the top left, plus a far-away island.
GRID = [f"c{r}{c}" for r in range(3) for c in range(3)]
SQUARES = [
    box(100 * c, -100 * r, 100 * (c + 1), -100 * (r - 1)) for r in range(3) for c in range(3)
]


def grid_weights(island: bool = False):
    codes, geoms = list(GRID), list(SQUARES)
    if island:
        codes.append("island")
        geoms.append(box(5000, 5000, 5100, 5100))
    return queen_weights(codes, geoms)


def test_queen_weights_on_a_grid():
    w = grid_weights(island=True)
    assert w.cardinalities["c00"] == 3  # corner: right, below, diagonal
    assert w.cardinalities["c01"] == 5
    assert w.cardinalities["c11"] == 8
    assert sorted(w.neighbors["c00"]) == ["c01", "c10", "c11"]
    assert w.islands == ["island"]
    with pytest.raises(ValueError):
        queen_weights(["a"], [])


def test_gi_star_is_highest_at_a_high_corner_cluster():
    values = [10, 9, 1, 9, 8, 1, 1, 1, 1]  # high values around the top-left corner
    out = getis_ord(values, grid_weights(), permutations=999, seed=1)
    assert out["gi_z"].idxmax() == "c00"
    assert out["gi_z"]["c00"] > 0 > out["gi_z"]["c22"]
    assert out["p_sim"]["c00"] == out["p_sim"].min()
    assert out["p_sim"].between(1 / 1000, 1).all()


def test_gi_star_z_is_the_textbook_statistic_on_a_grid_by_hand():
    """Getis & Ord (1995) Gi* with binary weights, the area itself included.

    z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((N W_i - W_i^2) / (N - 1)))

    Values, row by row:   10  9  1
                           9  8  1
                           1  1  1
    N = 9, sum x = 41, xbar = 41/9, sum x^2 = 331,
    S^2 = 331/9 - (41/9)^2 = (2979 - 1681)/81 = 1298/81, so S = sqrt(1298)/9.

    c00 (corner): itself, c01, c10, c11 -> W = 4, sum = 10 + 9 + 9 + 8 = 36;
      numerator 36 - 4*41/9 = 160/9; denominator S sqrt((36 - 16)/8) = S sqrt(2.5);
      z = 160 / sqrt(1298 * 2.5) = 160 / sqrt(3245) = 2.80875.
    c01 (edge): itself, c00, c02, c10, c11, c12 -> W = 6, sum = 10+9+1+9+8+1 = 38;
      numerator 38 - 6*41/9 = 96/9; denominator S sqrt((54 - 36)/8) = 1.5 S;
      z = 96 / (1.5 sqrt(1298)) = 64 / sqrt(1298) = 1.77641.
    Row-standardised weights (esda's transform='R') would give 2.80875 / sqrt(3*8/6)
    = 1.404 for c00: too small by sqrt(k(N-1)/(N-k)).
    """
    values = [10, 9, 1, 9, 8, 1, 1, 1, 1]
    out = getis_ord(values, grid_weights(), permutations=0, seed=1)
    assert out.loc["c00", "gi_z"] == pytest.approx(160 / np.sqrt(3245))
    assert out.loc["c00", "gi_z"] == pytest.approx(2.80875, abs=1e-5)
    assert out.loc["c01", "gi_z"] == pytest.approx(64 / np.sqrt(1298))
    # the centre's neighbourhood is the whole grid (W = N): variance 0, z undefined
    assert np.isnan(out.loc["c11", "gi_z"])


def test_gi_star_reproducible_and_skips_missing_and_islands():
    values = [10, 9, 1, 9, np.nan, 1, 1, 1, 1, 5]
    w = grid_weights(island=True)
    a = getis_ord(values, w, permutations=199, seed=5)
    b = getis_ord(values, w, permutations=199, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[["c11", "island"]].isna().all().all()
    assert a.drop(["c11", "island"]).notna().all().all()
    with pytest.raises(ValueError):
        getis_ord([-1] + [1] * 9, w, permutations=9, seed=1)


def test_directional_p_counts_ties_on_both_sides():
    observed = np.array([1.0, 1.0, 5.0])
    simulated = np.array([[1.0] * 9, [0.0] * 4 + [2.0] * 5, [1.0] * 8 + [6.0]])
    p = directional_p(observed, simulated, z=np.array([-1.0, 1.0, 1.0]))
    # all permutations tie with the observed value: nothing is extreme, p = 1
    assert p[0] == pytest.approx(1.0)
    assert p[1] == pytest.approx((5 + 1) / 10)
    assert p[2] == pytest.approx((1 + 1) / 10)


def test_fdr_by_hand():
    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, np.nan]
    # Benjamini-Hochberg at 0.05 over 8 tests: p_(k) <= k * 0.05 / 8 holds up to k = 2;
    # q_(k) = min over j >= k of p_(j) * 8 / j: q_(1) = 0.008, q_(2) = 0.032, q_(3) = 0.0672
    q = bh(pd.Series(p))
    assert q[:3].tolist() == pytest.approx([0.008, 0.032, 0.042 * 8 / 5])
    assert (q < 0.05).tolist() == [True, True] + [False] * 7
    assert np.isnan(q[8])
    assert not (bh(pd.Series([np.nan, np.nan])) < 0.05).any()


def test_gi_scale():
    np.testing.assert_array_equal(gi_scale([5, np.nan, 1, 5], "rank"), [2.5, np.nan, 1, 2.5])
    np.testing.assert_allclose(gi_scale([0, np.e - 1], "log"), [0, 1])
    with pytest.raises(ValueError):
        gi_scale([1], "sqrt")


def kinds(frame: pd.DataFrame) -> list:
    return [k if isinstance(k, str) else None for k in frame["kind"]]


def test_classify_formal_and_descriptive():
    gi = pd.DataFrame(
        {"gi_z": [2.0, 2.0, -2.0, 0.5, np.nan], "p_sim": [0.001, 0.001, 0.001, 0.4, np.nan]},
        index=list("abcde"),
    )
    values = [30.0, 5.0, 2.0, 20.0, np.nan]
    formal = classify(gi, values, pooled=10.0, alpha=0.05, formal=True)
    assert formal["significant"].tolist() == [True, True, True, False, False]
    # b is significant through its neighbours only (its own rate is low): no hotspot
    assert kinds(formal) == ["hot", None, "cold", None, None]
    check = classify(gi, values, pooled=10.0, alpha=0.05, formal=False)
    assert kinds(check) == ["hot", "cold", "cold", "hot", None]


def test_mark_stable():
    table = pd.DataFrame(
        {
            "indicator": ["x"] * 6,
            "period": ["all"] * 5 + ["2024"],
            "level": ["buurt", "buurt", "buurt", "wijk", "wijk", "wijk"],
            "area_code": ["b1", "b2", "b3", "w1", "w2", "w1"],
            "kind": ["hot", "hot", None, "hot", "hot", "hot"],
        }
    )
    wijk_of = {"b1": "w1", "b2": "w2", "b3": "w2"}
    table.loc[4, "kind"] = None  # w2 not hot at wijk level
    assert mark_stable(table, wijk_of).tolist() == [True, False, False, True, False, False]


@pytest.fixture(scope="module")
def planted(demo_dir):
    return json.loads((demo_dir / "planted.json").read_text(encoding="utf-8"))["hotspot"]


@pytest.fixture(scope="module")
def hot_run(demo_db):
    """The demo build's connection (the build runs both steps)."""
    con = connect(demo_db, read_only=True)
    yield (con,)
    con.close()


@pytest.fixture()
def hot_con(hot_run):
    return hot_run[0]


def test_demo_hotspot_table_shape(hot_con):
    rows = hot_con.execute(
        """
        select level, count(distinct indicator), count(distinct period), count(*)
        from hotspots group by level order by level
        """
    ).fetchall()
    # every demo category, the sensitive ones included, and the total
    maps = len(CATEGORIES) + len(SENSITIVE_RATES) + 1
    assert rows == [("buurt", maps, 5, maps * 5 * 97), ("wijk", maps, 5, maps * 5 * 8)]
    bad = hot_con.execute(
        """
        select count(*) from hotspots
        where (value is null and (gi_z is not null or kind is not null or significant))
            or (stable and kind is distinct from 'hot')
            or (level = 'buurt' and kind is not null and not significant)
            or p_sim not between 0.001 and 1
        """
    ).fetchone()[0]
    assert bad == 0
    # water buurten have no rate and take no part
    water = hot_con.execute(
        """
        select count(*) from hotspots h join areas a on a.code = h.area_code
        where a.is_water and h.value is not null
        """
    ).fetchone()[0]
    assert water == 0


def test_demo_planted_hotspot_is_found_at_both_levels(hot_con, planted):
    indicator = f"incident_rate_eb.{planted['category']}"
    buurten = hot_con.execute(
        """
        select area_code, kind, stable from hotspots
        where indicator = ? and period = 'all' and level = 'buurt'
            and list_contains(?, area_code)
        """,
        [indicator, planted["buurten"]],
    ).fetchall()
    assert len(buurten) == len(planted["buurten"])
    found = [code for code, kind, stable in buurten if kind == "hot" and stable]
    assert len(found) > len(planted["buurten"]) / 2, buurten
    wijk = hot_con.execute(
        """
        select kind, stable from hotspots
        where indicator = ? and period = 'all' and area_code = ?
        """,
        [indicator, planted["wijk"]],
    ).fetchone()
    assert wijk == ("hot", True)


def test_demo_no_geweld_hotspot_in_quiet_wijken(hot_con, planted):
    """Stable geweld hotspots lie only in the planted wijk and the city centre."""
    indicator = f"incident_rate_eb.{planted['category']}"
    wijken = hot_con.execute(
        """
        select distinct anc.ancestor_code
        from hotspots h
        join area_ancestors anc on anc.code = h.area_code and anc.ancestor_level = 'wijk'
        where h.indicator = ? and h.period = 'all' and h.level = 'buurt' and h.stable
        """,
        [indicator],
    ).fetchall()
    centre = hot_con.execute(
        """
        select area_code from indicator_values
        where indicator = 'incident_rate.total' and level = 'wijk' and period = '2024'
        order by value desc limit 1
        """
    ).fetchone()[0]
    assert {w for (w,) in wijken} <= {planted["wijk"], centre}
