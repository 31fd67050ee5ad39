"""Model-based small-area estimates in the demo build, and their validation on truth."""

import json
import shutil

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from etl.db import connect
from etl.demo import survey_design
from etl.settings import Settings
from etl.stats.sae_validation import replicate, summarise
from etl.stats.small_area import covariate_frame, write_small_area_estimates

UNSAFE = "survey_share.unsafe_own_buurt"


def _buurt_rows(con, period):
    return con.execute(
        """
        select e.area_code, e.n, e.mean as p, e.n_eff_kish, e.variance_design,
            d.ci_low as d_low, d.ci_high as d_high,
            m.value, m.ci_low, m.ci_high, m.flag, m.model_share, m.n as m_n
        from survey_estimates e
        join indicator_values d on d.indicator = e.indicator and d.area_code = e.area_code
            and d.period = e.period and d.method = 'direct'
        left join indicator_values m on m.indicator = e.indicator
            and m.area_code = e.area_code and m.period = e.period and m.method = 'model'
        where e.indicator = ? and e.level = 'buurt' and e.period = ?
        order by e.area_code
        """,
        [UNSAFE, period],
    ).df()


@pytest.mark.parametrize("period", ["2021", "2024"])
def test_every_buurt_with_respondents_has_a_narrower_model_value(demo_con, period):
    rows = _buurt_rows(demo_con, period)
    assert len(rows) >= 90
    assert rows["value"].notna().all()
    assert (rows["flag"] != "synthetic").all() and (rows["m_n"] == rows["n"]).all()
    assert ((rows["model_share"] > 0) & (rows["model_share"] < 1)).all()
    assert ((rows["ci_low"] <= rows["value"]) & (rows["value"] <= rows["ci_high"])).all()
    # the direct interval of every buurt, also where it is withheld (n < 50): Wilson on the
    # design-based effective n, as the mart computes it for the buurten it shows
    n_eff = np.where(
        rows["variance_design"] > 0,
        rows["p"] * (1 - rows["p"]) / rows["variance_design"],
        rows["n_eff_kish"],
    )
    low, high = proportion_confint(rows["p"] * n_eff, n_eff, alpha=0.05, method="wilson")
    shown = rows["d_low"].notna()
    assert np.allclose(100 * low[shown], rows.loc[shown, "d_low"])
    narrower = (rows["ci_high"] - rows["ci_low"]) < 100 * (high - low)
    assert narrower.mean() >= 0.75
    assert narrower[shown].mean() >= 0.75


def test_model_checks_are_stored(demo_con):
    models = demo_con.execute(
        "select * from sae_models where indicator = ? order by level, period", [UNSAFE]
    ).df()
    buurt = models[models["level"] == "buurt"]
    assert list(buurt["period"]) == ["2021", "2022", "2023", "2024"]
    assert (buurt["converged"]).all() and (buurt["areas_in_model"] >= 90).all()
    coefficients = json.loads(buurt["coefficients"].iloc[-1])
    assert list(coefficients) == ["intercept", "incident_rate.total", "context_index.composite"]
    assert (buurt["sigma2_u"] > 0).all()
    assert (buurt["median_cv_model"] < buurt["median_cv_direct"]).all()
    # the demo's planted buurten (fear without incidents) are what the covariates miss
    assert (buurt["explained"] < 0.25).all()
    assert buurt["warnings"].str.contains("explains_little").all()
    assert not buurt["checks_passed"].any()
    wijk = models[models["level"] == "wijk"]
    assert (wijk["warnings"] == "too_few_areas").all() and (wijk["areas_in_model"] == 8).all()


def test_synthetic_estimates_only_from_models_that_pass(demo_con):
    found = demo_con.execute(
        """
        select v.indicator, v.period, v.n, v.model_share, s.checks_passed
        from indicator_values v
        join sae_models s on s.indicator = v.indicator and s.level = v.level
            and s.period = v.period
        where v.method = 'model' and v.flag = 'synthetic'
        """
    ).df()
    assert len(found) > 0
    assert found["checks_passed"].all()
    assert (found["n"] == 0).all() and (found["model_share"] == 1).all()


def test_switched_off_no_model_rows(demo_db, tmp_path):
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    con = connect(copy)
    before = con.execute("select count(*) from indicator_values").fetchone()[0]
    write_small_area_estimates(con, Settings(small_area=False))
    remaining = con.execute(
        "select count(*) filter (where method = 'model'), count(*) from indicator_values"
    ).fetchone()
    models = con.execute(
        "select count(*) from information_schema.tables where table_name = 'sae_models'"
    ).fetchone()[0]
    con.close()
    assert remaining[0] == 0 and 0 < remaining[1] < before and models == 0


def test_model_intervals_cover_the_truth_of_replicated_surveys(demo_con):
    """Repeated draws of the 2024 survey (the demo knows every buurt's true share): the 95%
    model intervals cover the truth in 90-98% of buurt-replications, and the model's
    RMSE is below the direct estimate's."""
    settings = Settings()
    covariates = covariate_frame(demo_con, settings.sae_covariate_list(), "buurt", "2024", settings)
    frame = replicate(survey_design(), covariates, settings, replications=100)
    result = summarise(frame)
    assert result["buurt_replications"] >= 100 * 90
    assert 0.90 <= result["coverage"] <= 0.98
    assert result["rmse_model"] < result["rmse_direct"]
    assert 0.90 <= result["coverage_n_below_50"] <= 0.98
    assert result["rmse_model_n_below_50"] < result["rmse_direct_n_below_50"]


@pytest.mark.parametrize(
    "lang, checks, little, few",
    [
        ("nl", "controles", "model verklaart weinig", "te weinig gebieden"),
        ("en", "checks", "model explains little", "too few areas"),
    ],
)
def test_data_page_shows_the_model_checks(demo_db, lang, checks, little, few):
    from dashboard.pages import data as data_page
    from dashboard.state import ViewState
    from dashboard.store import Store

    page = data_page.layout(Store(demo_db), ViewState(page="data", lang=lang))
    table = next(c for c in page.children if getattr(c, "id", None) == "sae-table")
    rows = [r for r in table.data if r["Periode" if lang == "nl" else "Period"] == "2024"]
    assert len(rows) == 2 * 12  # buurt and wijk, nine shares and three scales
    unsafe = [
        r
        for r in rows
        if "ever feels unsafe in own" in r["Indicator"]
        or "weleens onveilig in eigen" in r["Indicator"]
    ]
    assert len(unsafe) == 2 and {little, few} == {u[checks].split(", ")[0] for u in unsafe}
    assert sum(few in r[checks] for r in rows) == 12
    assert any("incident_rate.total" in r[next(k for k in r if "covaria" in k)] for r in rows)
