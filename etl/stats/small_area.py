"""Model-based small-area estimates of the survey indicators (methods 6b).

For every survey share and scale, level (buurt, wijk) and period, a Fay–Herriot model
(:mod:`etl.stats.fay_herriot`) combines the direct estimate of each area with a
regression on registered and context figures.  It writes

- ``indicator_values`` rows with ``method = 'model'``: the EBLUP with its interval from
  the Prasad–Rao MSE, ``model_share`` = 1 - gamma (the part that comes from the
  regression), n = the area's respondents; areas without respondents get the synthetic
  estimate, flagged ``synthetic``, only when the model passes its checks;
- the table ``sae_models``: one row per model with its covariates, coefficients,
  variance component, residual diagnostics, the median CV direct vs model and the
  warnings (codes; the Data page words them).

Inputs (Rao & Molina 2015, 6.4): shares are modelled on the arcsine-square-root
scale with sampling variance ``f / (4 n_eff)``, scales on their own scale with
``f s2 / n_eff`` (s2 the within-area variance pooled over the map), where n_eff is
Kish's effective n and f the median design effect of the map's design-based
variances (1 without strata).  These are smoothed sampling variances: the direct
variance of a buurt with a handful of respondents is itself too noisy (0 when
everyone answered alike) to be taken as known.

Covariates (setting ``sae_covariates``): ``incident_rate.<category>`` is the log of
(count + 0.5) per 1,000 of the rate denominator, also below ``min_inhabitants`` (a
covariate is not a published figure); ``context.<variable>`` a variable of the context
table; any other name an indicator's direct value.  Each is taken from the survey's
period, else the latest earlier one, else the earliest later one, and standardised
over the map.  An area without every covariate stays out of the model.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from etl.settings import Settings
from etl.stats.fay_herriot import (
    FayHerriotFit,
    arcsine,
    arcsine_back,
    arcsine_mean,
    arcsine_variance,
    fit_fay_herriot,
)

LEVELS = ("buurt", "wijk")
#: Warning codes of sae_models (worded in dashboard/i18n.py).
WARNINGS = (
    "too_few_areas",
    "not_converged",
    "explains_little",
    "residuals_not_normal",
    "backtransform_bias",
)
#: Shapiro–Wilk p-value of the standardised residuals below which they count as not normal.
NORMALITY_P = 0.01
#: Mean minus median of the back-transformed estimate above which (in points) a warning.
BIAS_POINTS = 1.0


def write_small_area_estimates(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Fit every model and write its rows to indicator_values and sae_models."""
    con.execute("delete from indicator_values where method = 'model'")
    con.execute("drop table if exists sae_models")
    if not settings.small_area:
        return
    covariates = settings.sae_covariate_list()
    direct = direct_inputs(con)
    rows, models = [], []
    for (indicator, level, period), frame in direct.groupby(
        ["indicator", "level", "period"], sort=True
    ):
        areas = con.execute(
            "select code as area_code from areas where level = ? order by code", [level]
        ).df()
        cov = covariate_frame(con, covariates, level, str(period), settings)
        values, summary = model_map(frame, areas, cov, str(indicator), settings)
        summary.update(indicator=indicator, level=level, period=period)
        models.append(summary)
        rows.append(values.assign(indicator=indicator, level=level, period=period))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if len(out):
        out = out.assign(source="survey", method="model")
        con.register("sae_rows", out)
        con.execute("insert into indicator_values by name select * from sae_rows")
        con.unregister("sae_rows")
    table = pd.DataFrame(models, columns=list(MODEL_COLUMNS))
    con.register("sae_table", table)
    con.execute("create table sae_models as select * from sae_table")
    con.unregister("sae_table")


#: Columns of sae_models, in order.
MODEL_COLUMNS = {
    "indicator": "indicator modelled",
    "level": "buurt or wijk",
    "period": "survey period",
    "transformation": "arcsine (shares) or none (scales)",
    "covariates": "covariates used, comma-separated",
    "coefficients": "JSON: covariate -> [estimate, standard error] on the model scale",
    "sigma2_u": "between-area variance (REML) on the model scale",
    "sigma2_u_se": "its asymptotic standard error",
    "explained": "share of the between-area variance the covariates explain",
    "areas_in_model": "areas with respondents and every covariate",
    "areas_synthetic": "areas without respondents given a synthetic estimate",
    "areas_without_covariates": "areas with respondents left out for a missing covariate",
    "design_factor": "median design effect applied to the sampling variances",
    "iterations": "Fisher-scoring iterations",
    "converged": "REML converged",
    "shapiro_p": "Shapiro-Wilk p of the standardised residuals",
    "residual_skew": "skewness of the standardised residuals",
    "residual_max": "largest absolute standardised residual",
    "median_cv_direct": "median coefficient of variation of the direct estimates",
    "median_cv_model": "median coefficient of variation of the model estimates",
    "narrower": "share of areas whose model interval is narrower than the direct normal one",
    "bias_max": "largest mean-minus-median of the back-transformed estimate (points)",
    "checks_passed": "converged, enough areas, explains enough, normal residuals",
    "warnings": "warning codes, comma-separated",
}


def direct_inputs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Direct estimates of every survey share and scale at buurt and wijk level.

    Columns ``indicator, area_code, level, period, n, estimate, n_eff, s2, variance_design``
    (estimate is a share 0-1 or a 0-10 score).
    """
    return con.execute(
        """
        select indicator, area_code, level, period, n, mean as estimate, n_eff_kish as n_eff,
            s2, variance_design
        from survey_estimates where level in ?
        order by indicator, level, period, area_code
        """,
        [list(LEVELS)],
    ).df()


def covariate_frame(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    level: str,
    period: str,
    settings: Settings,
) -> pd.DataFrame:
    """One row per area of ``level``: ``area_code`` and a column per covariate."""
    frame = con.execute(
        "select code as area_code from areas where level = ? order by code", [level]
    ).df()
    for name in names:
        long = _covariate_long(con, name, level, settings)
        frame[name] = frame["area_code"].map(_at_period(long, period))
    return frame


def _covariate_long(
    con: duckdb.DuckDBPyConnection, name: str, level: str, settings: Settings
) -> pd.DataFrame:
    """``area_code, period, value`` of one covariate at one level (all periods)."""
    if name.startswith("incident_rate."):
        column = {"addresses": "addresses", "dwellings": "dwellings"}.get(
            settings.rate_denominator, "inhabitants"
        )
        return con.execute(
            f"""
            select v.area_code, v.period, ln((v.n + 0.5) / p.{column} * 1000) as value
            from indicator_values v
            join area_population p on p.area_code = v.area_code and p.period = v.period
            where v.indicator = ? and v.level = ? and v.method = 'direct'
                and v.n is not null and p.{column} > 0
            """,
            [name, level],
        ).df()
    if name.startswith("context."):
        return con.execute(
            """
            select c.area_code, c.period, c.value from context c
            join areas a on a.code = c.area_code
            where c.variable = ? and a.level = ? and c.value is not null
            """,
            [name.removeprefix("context."), level],
        ).df()
    return con.execute(
        """
        select area_code, period, value from indicator_values
        where indicator = ? and level = ? and method = 'direct' and value is not null
        """,
        [name, level],
    ).df()


def _at_period(long: pd.DataFrame, period: str) -> pd.Series:
    """Per area the value of ``period``, else of the latest earlier, else the earliest later."""
    if long.empty:
        return pd.Series(dtype=float)
    long = long.assign(period=long["period"].astype(str)).sort_values("period")
    up_to = long[long["period"] <= period].drop_duplicates("area_code", keep="last")
    later = long[long["period"] > period].drop_duplicates("area_code", keep="first")
    chosen = pd.concat([up_to, later]).drop_duplicates("area_code", keep="first")
    return chosen.set_index("area_code")["value"].astype(float)


def model_map(
    direct: pd.DataFrame,
    areas: pd.DataFrame,
    covariates: pd.DataFrame,
    indicator: str,
    settings: Settings,
) -> tuple[pd.DataFrame, dict]:
    """The model of one map (indicator, level, period).

    Parameters
    ----------
    direct : pandas.DataFrame
        ``area_code, n, estimate, n_eff, s2, variance_design`` of the areas with respondents.
    areas : pandas.DataFrame
        ``area_code`` of every area of the level.
    covariates : pandas.DataFrame
        ``area_code`` and one column per covariate.
    indicator : str
        ``survey_share.*`` (arcsine scale, values in %) or ``survey_scale.*`` (0-10).

    Returns
    -------
    (rows, summary)
        The indicator_values columns of the model rows, and the sae_models fields.
    """
    share = indicator.startswith("survey_share.")
    names = [c for c in covariates.columns if c != "area_code"]
    data = areas.merge(covariates, on="area_code", how="left").merge(
        direct, on="area_code", how="left"
    )
    has_cov = data[names].notna().all(axis=1).to_numpy()
    sampled = (data["n"].fillna(0) > 0).to_numpy()
    inside = sampled & has_cov
    summary = {
        "transformation": "arcsine" if share else "none",
        "covariates": ",".join(names),
        "areas_in_model": int(inside.sum()),
        "areas_without_covariates": int((sampled & ~has_cov).sum()),
        "areas_synthetic": 0,
        "converged": False,
        "checks_passed": False,
    }
    empty = pd.DataFrame(columns=[*ROW_COLUMNS])
    if inside.sum() < max(settings.sae_min_areas, len(names) + 3):
        summary["warnings"] = "too_few_areas"
        return empty, summary

    x_all = _design_matrix(data[names].to_numpy(dtype=float), has_cov)
    y, d, factor = _model_scale(data, share)
    fit = fit_fay_herriot(y[inside], d[inside], x_all[inside])
    null = fit_fay_herriot(y[inside], d[inside], np.ones((inside.sum(), 1)))
    summary.update(_diagnostics(fit, null, names, factor))
    if not fit.converged:
        summary["warnings"] = "not_converged"
        return empty, summary

    z = stats.norm.ppf(0.5 + settings.confidence / 2)
    theta = np.full(len(data), np.nan)
    mse = np.full(len(data), np.nan)
    model_share = np.full(len(data), np.nan)
    theta[inside], mse[inside], model_share[inside] = fit.eblup, fit.mse, 1.0 - fit.gamma
    if share:
        bias = 100 * np.abs(arcsine_mean(fit.eblup, fit.mse) - arcsine_back(fit.eblup))
        summary["bias_max"] = float(bias.max())
    warnings = _warnings(summary, settings)
    outside = ~sampled & has_cov
    if not warnings and outside.any():
        theta[outside], mse[outside] = fit.predict_synthetic(x_all[outside])
        model_share[outside] = 1.0
    summary["areas_synthetic"] = int((~sampled & ~np.isnan(theta)).sum())

    value, low, high, se = _back(theta, mse, z, share)
    direct_se = _direct_se(data, d, share)
    keep = ~np.isnan(theta)
    direct_half = z * direct_se
    model_half = (high - low) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        cv_direct = direct_se / data["estimate"].to_numpy(dtype=float)
        cv_model = se / value
    narrower = model_half[inside] < direct_half[inside]
    summary.update(
        median_cv_direct=_median(cv_direct[inside]),
        median_cv_model=_median(cv_model[inside]),
        narrower=float(narrower.mean()),
        checks_passed=not warnings,
        warnings=",".join(warnings),
    )
    scale = 100.0 if share else 1.0
    max_half = settings.indicative_halfwidth * (100.0 if share else 10.0)
    rows = pd.DataFrame(
        {
            "area_code": data["area_code"],
            "value": scale * value,
            "ci_low": scale * low,
            "ci_high": scale * high,
            "se": scale * se,
            "n": data["n"].fillna(0.0),
            "flag": np.where(
                ~sampled, "synthetic", np.where(scale * model_half > max_half, "indicative", "ok")
            ),
            "model_share": model_share,
        }
    )[keep]
    return rows.reset_index(drop=True), summary


ROW_COLUMNS = ("area_code", "value", "ci_low", "ci_high", "se", "n", "flag", "model_share")


def _design_matrix(values: np.ndarray, has_cov: np.ndarray) -> np.ndarray:
    """An intercept and the covariates standardised over the areas that have them all."""
    known = values[has_cov]
    mean = known.mean(axis=0)
    sd = known.std(axis=0)
    sd[~(sd > 0)] = 1.0
    return np.column_stack([np.ones(len(values)), (values - mean) / sd])


def _model_scale(data: pd.DataFrame, share: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """Direct estimates and smoothed sampling variances on the model's scale, and the
    median design effect f applied to them."""
    estimate = data["estimate"].to_numpy(dtype=float)
    n_eff = data["n_eff"].to_numpy(dtype=float)
    if share:
        srs = estimate * (1 - estimate) / n_eff
    else:
        pooled = np.nansum(data["s2"] * data["n"]) / np.nansum(data["n"].where(data["s2"].notna()))
        srs = pooled / n_eff
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = data["variance_design"].to_numpy(dtype=float) / srs
    ratio = ratio[np.isfinite(ratio) & (ratio > 0)]
    factor = float(np.median(ratio)) if ratio.size else 1.0
    if share:
        return arcsine(estimate), factor * arcsine_variance(n_eff), factor
    return estimate, factor * pooled / n_eff, factor


def _back(theta: np.ndarray, mse: np.ndarray, z: float, share: bool) -> tuple[np.ndarray, ...]:
    """Value, interval and standard error on the indicator's own scale (0-1 or 0-10)."""
    root = np.sqrt(mse)
    if share:
        value = arcsine_back(theta)
        low, high = arcsine_back(theta - z * root), arcsine_back(theta + z * root)
        # delta method: dp/dtheta = sin(2 theta)
        return value, low, high, root * np.sin(2 * np.clip(theta, 0, np.pi / 2))
    value = np.clip(theta, 0, 10)
    return value, np.clip(theta - z * root, 0, value), np.clip(theta + z * root, value, 10), root


def _direct_se(data: pd.DataFrame, d: np.ndarray, share: bool) -> np.ndarray:
    """Standard error of the direct estimate on the indicator's scale (model's variances)."""
    if share:
        theta = arcsine(data["estimate"].to_numpy(dtype=float))
        # at p = 0 or 1 the delta method gives 0: use the variance of p = 1/(n_eff+1)
        return np.sqrt(d) * np.maximum(np.sin(2 * theta), 2 * np.sqrt(d))
    return np.sqrt(d)


def _diagnostics(fit: FayHerriotFit, null: FayHerriotFit, names: list[str], factor: float):
    se = np.sqrt(np.diag(fit.beta_cov))
    labels = ["intercept", *names]
    residuals = fit.residuals
    explained = (
        1.0 - fit.sigma2_u / null.sigma2_u if null.sigma2_u > 0 else None
    )  # None: no between-area variance to explain
    return {
        "coefficients": json.dumps(
            {k: [round(float(b), 6), round(float(s), 6)] for k, b, s in zip(labels, fit.beta, se)}
        ),
        "sigma2_u": fit.sigma2_u,
        "sigma2_u_se": float(np.sqrt(fit.sigma2_u_var)),
        "explained": explained,
        "design_factor": factor,
        "iterations": fit.iterations,
        "converged": fit.converged,
        "shapiro_p": float(stats.shapiro(residuals).pvalue) if len(residuals) >= 3 else None,
        "residual_skew": float(stats.skew(residuals)),
        "residual_max": float(np.abs(residuals).max()),
    }


def _warnings(summary: dict, settings: Settings) -> list[str]:
    found = []
    if summary["explained"] is not None and summary["explained"] < settings.sae_min_explained:
        found.append("explains_little")
    if summary["shapiro_p"] is not None and summary["shapiro_p"] < NORMALITY_P:
        found.append("residuals_not_normal")
    if summary.get("bias_max", 0.0) > BIAS_POINTS:
        found.append("backtransform_bias")
    return found


def _median(values: np.ndarray) -> float | None:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else None
