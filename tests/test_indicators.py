"""Indicator formulas against hand-computed values on tiny inputs (to 1e-6)."""

import math

import duckdb
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from etl.load import build
from tests.tiny import write_tiny

SETTINGS_ANY_N = "\n[settings]\nmin_survey_n = 1\nindicative_survey_n = 1\n"


def _value(con, indicator, area, period):
    return con.execute(
        "select value, ci_low, ci_high, se, n, flag from indicator_values "
        "where indicator = ? and area_code = ? and period = ?",
        [indicator, area, period],
    ).fetchone()


@pytest.fixture(scope="module")
def five(tmp_path_factory):
    """Five respondents in one buurt, with weights and nuisance items (one skips two)."""
    directory = tmp_path_factory.mktemp("five")
    survey = (
        "respondent_id,jaar,buurtcode,weegfactor,onveilig_buurt,oj,ob,od,odr\n"
        "A,2023,BU99980201,0.5,1,1,1,2,3\n"
        "B,2023,BU99980201,1.0,0,3,3,3,3\n"
        "C,2023,BU99980201,1.5,1,2,,,1\n"  # 2 of 4 items: below 2/3, not scored
        "D,2023,BU99980201,2.0,0,2,2,3,\n"  # 3 of 4 items: scored
        "E,2023,BU99980201,1.0,,1,2,1,2\n"  # unsafe item not answered
    )
    columns = (
        'nuisance_youth = "oj"\nnuisance_neighbours = "ob"\n'
        'nuisance_drunk = "od"\nnuisance_drugs = "odr"\n'
    )
    config = write_tiny(directory, SETTINGS_ANY_N, survey=survey, survey_columns=columns)
    build(config, directory / "five.duckdb")
    con = duckdb.connect(str(directory / "five.duckdb"), read_only=True)
    yield con
    con.close()


def test_weighted_share_and_effective_n_for_five_respondents(five):
    # answered: A (w .5, yes), B (1, no), C (1.5, yes), D (2, no)
    w = np.array([0.5, 1.0, 1.5, 2.0])
    y = np.array([1, 0, 1, 0])
    p = (w * y).sum() / w.sum()  # 2 / 5 = 0.4
    n_eff = w.sum() ** 2 / (w**2).sum()  # 25 / 7.5
    assert p == pytest.approx(0.4) and n_eff == pytest.approx(10 / 3)
    low, high = proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
    value, ci_low, ci_high, se, n, flag = _value(
        five, "survey_share.unsafe_own_buurt", "BU99980201", "2023"
    )
    assert value == pytest.approx(40.0, abs=1e-6)
    assert ci_low == pytest.approx(100 * low, abs=1e-6)
    assert ci_high == pytest.approx(100 * high, abs=1e-6)
    assert se == pytest.approx(100 * math.sqrt(p * (1 - p) / n_eff), abs=1e-6)
    assert n == 4


def test_scale_score_two_thirds_rule_and_t_interval(five):
    # nuisance recoded 3 - x (0..2), score = 10 * mean / 2; C answered 2 of 4 items: excluded
    scores = {
        "A": 10 * np.mean([2, 2, 1, 0]) / 2,
        "B": 10 * np.mean([0, 0, 0, 0]) / 2,
        "D": 10 * np.mean([1, 1, 0]) / 2,
        "E": 10 * np.mean([2, 1, 2, 1]) / 2,
    }
    w = np.array([0.5, 1.0, 2.0, 1.0])
    x = np.array(list(scores.values()))
    mean = (w * x).sum() / w.sum()
    n_eff = w.sum() ** 2 / (w**2).sum()
    s2 = (w * (x - mean) ** 2).sum() / w.sum() * n_eff / (n_eff - 1)
    se = math.sqrt(s2 / n_eff)
    half = stats.t.ppf(0.975, n_eff - 1) * se
    value, ci_low, ci_high, got_se, n, _ = _value(
        five, "survey_scale.nuisance", "BU99980201", "2023"
    )
    assert n == 4
    assert value == pytest.approx(mean, abs=1e-6)
    assert got_se == pytest.approx(se, abs=1e-6)
    assert ci_low == pytest.approx(max(mean - half, 0), abs=1e-6)
    assert ci_high == pytest.approx(min(mean + half, 10), abs=1e-6)


def test_suppression_boundary_49_withheld_50_shown(tmp_path):
    rows = [f"A{i},2023,BU99980101,1,{i % 3 == 0:d}" for i in range(49)]
    rows += [f"B{i},2023,BU99980201,1,{i % 3 == 0:d}" for i in range(50)]
    survey = "respondent_id,jaar,buurtcode,weegfactor,onveilig_buurt\n" + "\n".join(rows) + "\n"
    build(write_tiny(tmp_path, survey=survey), tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    withheld = _value(con, "survey_share.unsafe_own_buurt", "BU99980101", "2023")
    shown = _value(con, "survey_share.unsafe_own_buurt", "BU99980201", "2023")
    assert withheld[0] is None and withheld[4:] == (49, "suppressed")
    assert shown[0] == pytest.approx(100 * 17 / 50) and shown[4:] == (50, "indicative")


def test_exact_poisson_bounds_for_counts_0_1_and_10(tmp_path):
    # 1,000 inhabitants, so the rate per 1,000 equals the count
    lines = ["registratienummer,soort,begindatum,einddatum,x_rd,y_rd"]
    lines += [f"T{i},geweld,2023-05-01,,101500,400500" for i in range(10)]  # BU99980201: 10
    lines += ["U1,geweld,2023-05-01,,100500,400500"]  # BU99980101: 1; BU99980202: 0
    config = write_tiny(
        tmp_path,
        incidents="\n".join(lines) + "\n",
        inhabitants={"BU99980101": 1000, "BU99980201": 1000, "BU99980202": 1000},
    )
    build(config, tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    # published exact 95% limits (Garwood): 0 -> (0, 3.688879), 1 -> (0.025318, 5.571643),
    # 10 -> (4.795389, 18.390356)
    expected = {
        "BU99980202": (0.0, 0.0, 3.688879),
        "BU99980101": (1.0, 0.025318, 5.571643),
        "BU99980201": (10.0, 4.795389, 18.390356),
    }
    for area, (count, low, high) in expected.items():
        value, ci_low, ci_high, _, n, flag = _value(con, "incident_rate.geweld", area, "2023")
        assert (value, n, flag) == (count, count, "ok")
        assert ci_low == pytest.approx(low, abs=1e-6)
        assert ci_high == pytest.approx(high, abs=1e-6)


def test_published_table_loads_with_its_declared_direction(tmp_path):
    (tmp_path / "index.csv").write_text(
        "gebied;indicator;periode;waarde;n\n"
        "BU99980101;VI_totaal;2019_2;112,5;300\n"
        "WK999801;VI_totaal;2019_2;98;800\n"
        "BU99989999;VI_totaal;2019_2;80;100\n"
    )
    extra = (
        '\n[[sources]]\nname = "vi"\nkind = "indicator_table"\npath = "index.csv"\n'
        'publisher = "Gemeente Kleindorp"\n'
        '[sources.columns]\narea_code = "gebied"\nindicator = "indicator"\nperiod = "periode"\n'
        'value = "waarde"\nn = "n"\n[sources.options]\ndirection = "higher_worse"\n'
        'unit = "index"\nname_nl = "Veiligheidsindex"\nname_en = "Safety index"\n'
    )
    build(write_tiny(tmp_path, extra), tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    assert _value(con, "vi.vi_totaal", "BU99980101", "2019_2")[0] == 112.5
    assert _value(con, "vi.vi_totaal", "WK999801", "2019_2")[4] == 800
    meta = con.execute(
        "select name_en, direction, unit from indicator_meta where indicator = 'vi.vi_totaal'"
    ).fetchone()
    assert meta == ("Safety index", "higher_worse", "index")
    assert con.execute("select reason from quarantine where source = 'vi'").fetchall() == [
        ("unknown area code: BU99989999",)
    ]


def test_every_indicator_has_registry_labels(tiny_con):
    missing = tiny_con.execute(
        "select distinct v.indicator from indicator_values v "
        "left join indicator_meta m using (indicator) where m.name_nl is null"
    ).fetchall()
    assert missing == []
    directions = dict(
        tiny_con.execute("select indicator, direction from indicator_meta").fetchall()
    )
    assert directions["survey_share.unsafe_own_buurt"] == "higher_worse"
    assert set(directions.values()) <= {"higher_worse", "higher_better"}
