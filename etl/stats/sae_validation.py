"""Validation of the small-area models where the truth is known: replicated demo surveys.

The demo generator knows each buurt's true share of residents who feel unsafe in their
own buurt (:meth:`etl.demo.survey.SurveyDesign.true_share`).  Each replication draws the
survey wave again with new respondents (the buurten, their latent levels and the
registered figures stay), computes the direct estimates as the survey mart does
(weighted share, Kish's effective n) and fits the model of the build
(:func:`etl.stats.small_area.model_map`).  Over all replications it reports how often
the model's interval covers the truth and the root mean squared error of the direct
and the model estimates, over the buurt-replications with respondents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.demo.survey import SurveyDesign
from etl.settings import Settings
from etl.stats.small_area import model_map

#: The item validated (its demo column and its indicator).
ITEM, INDICATOR = "onveilig_buurt", "survey_share.unsafe_own_buurt"


def direct_shares(wave: pd.DataFrame, item: str = ITEM) -> pd.DataFrame:
    """Per buurt the unweighted n, weighted share and Kish's n_eff of one item."""
    answered = wave.dropna(subset=[item])
    w = answered["weegfactor"].to_numpy(dtype=float)
    grouped = pd.DataFrame(
        {
            "area_code": answered["buurtcode"].to_numpy(),
            "w": w,
            "w2": w * w,
            "wy": w * answered[item].to_numpy(dtype=float),
        }
    ).groupby("area_code")
    sums = grouped.sum()
    return pd.DataFrame(
        {
            "area_code": sums.index,
            "n": grouped.size().to_numpy(dtype=float),
            "estimate": (sums["wy"] / sums["w"]).to_numpy(),
            "n_eff": (sums["w"] ** 2 / sums["w2"]).to_numpy(),
            "s2": np.nan,
            "variance_design": np.nan,
        }
    )


def replicate(
    design: SurveyDesign,
    covariates: pd.DataFrame,
    settings: Settings,
    replications: int,
    wave: int = -1,
    seed: int = 1,
) -> pd.DataFrame:
    """One row per buurt and replication with respondents: ``replication, area_code, n,
    truth, direct, model, ci_low, ci_high, model_share`` (shares 0-1).

    ``covariates`` is :func:`etl.stats.small_area.covariate_frame` of the demo's build.
    """
    t = wave % len(design.latents["fear"][0])
    truth = pd.Series(design.true_share(t), index=list(design.geo.buurtcode))
    areas = covariates[["area_code"]]
    out = []
    for k in range(replications):
        rng = np.random.default_rng([seed, k])
        direct = direct_shares(design.draw_wave(rng, t))
        direct = direct[direct["area_code"].isin(areas["area_code"])]
        rows, _ = model_map(direct, areas, covariates, INDICATOR, settings)
        frame = direct.merge(rows[rows["flag"] != "synthetic"], on="area_code", suffixes=("", "_m"))
        out.append(
            pd.DataFrame(
                {
                    "replication": k,
                    "area_code": frame["area_code"],
                    "n": frame["n"],
                    "truth": frame["area_code"].map(truth).to_numpy(),
                    "direct": frame["estimate"],
                    "model": frame["value"] / 100,
                    "ci_low": frame["ci_low"] / 100,
                    "ci_high": frame["ci_high"] / 100,
                    "model_share": frame["model_share"],
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def summarise(frame: pd.DataFrame) -> dict[str, float]:
    """Coverage of the model intervals, RMSE (points) of direct and model, and counts."""
    covered = (frame["ci_low"] <= frame["truth"]) & (frame["truth"] <= frame["ci_high"])
    small = frame["n"] < 50
    per_buurt = covered.groupby(frame["area_code"]).mean()
    return {
        "replications": int(frame["replication"].nunique()),
        "buurt_replications": len(frame),
        "coverage": float(covered.mean()),
        "coverage_n_below_50": float(covered[small].mean()),
        "coverage_worst_buurt": float(per_buurt.min()),
        "buurten_below_80": int((per_buurt < 0.8).sum()),
        "rmse_direct": _rmse(frame["direct"] - frame["truth"]),
        "rmse_model": _rmse(frame["model"] - frame["truth"]),
        "rmse_direct_n_below_50": _rmse((frame["direct"] - frame["truth"])[small]),
        "rmse_model_n_below_50": _rmse((frame["model"] - frame["truth"])[small]),
        "bias_model": float(100 * (frame["model"] - frame["truth"]).mean()),
        "median_model_share": float(frame["model_share"].median()),
    }


def _rmse(errors: pd.Series) -> float:
    return float(100 * np.sqrt(np.mean(np.square(errors))))
