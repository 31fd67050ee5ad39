"""Perceived unsafety as an outcome of an initiative comparison (methods §7).

The waves before the start year are pooled against those after it (the start
year's wave counts as neither); the row reports the difference in differences of
the weighted shares in points, with a normal interval on the shares' sampling
errors (respondents; the controls' spread when larger).  Its placebo compares the
waves before the year before the start with the wave of that year.  A control
counts only in its clean waves (no initiative with it in its area or ring active
that year), the initiative's own buurt in all its waves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl.stats import initiative_methods as m
from etl.stats.initiative_matching import Comparison, controls
from etl.stats.initiative_panel import Buurten
from etl.stats.initiative_rows import (
    PRE_TREND_CAVEAT,
    SHARE_INFERENCE,
    SHARE_MEASURE,
    effect_row,
    placebo_skip,
)
from etl.stats.initiative_windows import Windows, survey_waves_in_series

_COLUMNS = ("before_value", "after_value", "change", "se", "n_min")


def survey_changes(sums: pd.DataFrame, before: list[int], after: list[int]) -> pd.DataFrame:
    """Pooled weighted share (%) per buurt over the waves before and after, and the change."""
    out = pd.DataFrame(index=sums.index.get_level_values(0).unique())
    for side, waves in (("before", before), ("after", after)):
        pooled = sums[sums.index.get_level_values(1).isin(waves)].groupby(level=0).sum()
        pooled = pooled.reindex(out.index)
        value, se = m.share_from_sums(pooled["sw"], pooled["swy"], pooled["sw2"])
        out[f"{side}_value"], out[f"{side}_se"] = value, se
        out[f"{side}_n"] = pooled["n"].fillna(0).to_numpy()
    out["change"] = out["after_value"] - out["before_value"]
    out["se"] = np.sqrt(out["before_se"] ** 2 + out["after_se"] ** 2)
    out["n_min"] = out[["before_n", "after_n"]].min(axis=1)
    return out


@dataclass(frozen=True)
class ShareChanges:
    """The changes of one pair of windows: of a buurt over all its waves (its own row)
    and, per buurt, over its clean waves (as a control)."""

    changes: pd.DataFrame
    clean: dict[str, np.ndarray]  # per column of _COLUMNS, per buurt
    _own: dict = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, changes: pd.DataFrame, clean: pd.DataFrame, buurten: Buurten) -> ShareChanges:
        aligned = clean.reindex(index=buurten.codes, columns=list(_COLUMNS))
        return cls(changes, {c: aligned[c].to_numpy(dtype=float) for c in _COLUMNS})

    def own(self, code: str) -> dict[str, float]:
        """The buurt's own row (over all its waves); NaN when it has none."""
        if not self._own:
            rows = self.changes.reindex(columns=list(_COLUMNS))
            self._own.update(zip(rows.index, rows.to_dict("records"), strict=True))
        return self._own.get(code, dict.fromkeys(_COLUMNS, np.nan))


@dataclass(frozen=True)
class SurveyWaves:
    """Survey changes per buurt over the waves compared, for the start and the placebo start."""

    main: ShareChanges
    waves: tuple[list[int], list[int]]
    placebo: ShareChanges
    placebo_waves: tuple[list[int], list[int]]


def survey_waves(
    sums: pd.DataFrame, clean_sums: pd.DataFrame, waves: list[int], year: int, breaks, buurten
) -> SurveyWaves:
    """The waves before and after a start in ``year`` and those of a placebo start a year
    earlier: the waves before that (within the start's series) against the wave of that year.

    ``clean_sums`` holds only the waves in which a buurt lay outside the area and ring of
    every active initiative (the waves that count for a control)."""
    before, after = survey_waves_in_series(waves, year, breaks)
    placebo = ([w for w in before if w < year - 1], [w for w in before if w == year - 1])
    return SurveyWaves(
        ShareChanges.of(
            survey_changes(sums, before, after), survey_changes(clean_sums, before, after), buurten
        ),
        (before, after),
        ShareChanges.of(
            survey_changes(sums, *placebo), survey_changes(clean_sums, *placebo), buurten
        ),
        placebo,
    )


def survey_effect(s: Comparison, sw: SurveyWaves, labels, min_n: int) -> dict:
    """Effect row of perceived unsafety: difference in differences of shares, and its placebo."""
    own = dict(sw.main.own(s.ini.area_code))
    clean = sw.main.clean
    extra = []
    if not own["n_min"] >= min_n:
        own["change"] = own["se"] = np.nan
        extra.append(
            f"Geen meting voor of na, of minder dan {min_n} respondenten. "
            f"No survey wave before or after, or fewer than {min_n} respondents."
        )
    chosen = controls(s, clean["before_value"], clean["n_min"] >= min_n, own["before_value"])
    row = effect_row(
        s,
        "unsafe_own_buurt",
        labels,
        chosen,
        (own["before_value"], own["after_value"], own["change"]),
        clean["change"][s.buurten.rows(chosen)],
        extra,
    )
    diff, low, high = share_difference(s, sw.main, chosen, min_n)
    row.update(
        {
            "measure": SHARE_MEASURE,
            "inference": SHARE_INFERENCE,
            "estimate": diff,
            "ci_low": low,
            "ci_high": high,
            "baseline_excludes": None,
        }
    )
    placebo = Windows(*sw.placebo_waves)
    p_diff, p_low, p_high = share_difference(s, sw.placebo, chosen, min_n)
    if not (placebo.before and placebo.after):
        row["placebo_skip"] = placebo_skip(placebo, 1, "waves")
    elif not np.isfinite(p_diff):
        row["placebo_skip"] = (
            f"Placebo-start een jaar eerder: minder dan {min_n} respondenten in de buurt of "
            f"geen controlebuurt met {min_n}. Placebo start one year earlier: fewer than "
            f"{min_n} respondents in the buurt, or no control buurt with {min_n}."
        )
    else:
        row.update(
            {
                "placebo_estimate": p_diff,
                "placebo_ci_low": p_low,
                "placebo_ci_high": p_high,
                "pre_trend": bool(p_low > 0 or p_high < 0),
            }
        )
        if row["pre_trend"]:
            row["caveat"].append(PRE_TREND_CAVEAT)
    return row


def share_difference(s: Comparison, changes: ShareChanges, chosen: list[str], min_n: int):
    """Difference in differences of the buurt's share with its controls' (those with
    ``min_n`` respondents a side); NaN when the buurt itself has fewer."""
    own = changes.own(s.ini.area_code)
    if not own["n_min"] >= min_n:
        return np.nan, np.nan, np.nan
    rows = s.buurten.rows(chosen)
    rows = rows[changes.clean["n_min"][rows] >= min_n]
    diff, low, high, _, _ = m.difference_in_differences(
        own["change"],
        own["se"],
        changes.clean["change"][rows],
        changes.clean["se"][rows],
        s.confidence,
    )
    return diff, low, high
