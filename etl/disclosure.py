"""Disclosure control for public outputs (methods §3, CBS-like project defaults).

The one gate every public value passes (the dashboard's query layer calls it):

* counts of 1 to 4 show as "<5"; other counts are rounded to a multiple of
  ``public_round_to``;
* a rate is computed from the *disclosed* count (and its exact Poisson interval
  from that count too), and withheld where the count is below 5, so that a rate
  times its denominator never gives back a small count;
* denominators (inhabitants, addresses, dwellings, populations) are shown rounded
  to a multiple of ``public_denominator_round_to``, as CBS rounds the numbers of
  inhabitants in its Kerncijfers wijken en buurten;
* a survey share is withheld where its share of the respondents (value x n) stands
  for 1 to 4 of them, so that a share times its n never gives back a small count;
* sensitive categories (sexual and domestic violence) are published at wijk level
  or above only; below it every figure of theirs is withheld;
* point-level incidents never reach a public output.

Professionals see exact figures; none of these functions is called for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

SMALL = "<5"
PUBLIC_LEVELS_FOR_SENSITIVE = ("wijk", "stadsdeel", "gemeente")
#: Flags of figures the gate withholds (texts in dashboard/i18n.py: flag_<name>).
SENSITIVE_FLAG = "sensitive"
SMALL_COUNT_FLAG = "small-count"
FEW_RESPONDENTS_FLAG = "few-respondents"
#: Composite indicators built from an area's incident index (methods §5): withheld
#: where the area's count of incidents is small, since the other parts are public.
INCIDENT_COMPOSITES = ("unease_index.overall", "unease_gap.perceived_minus_registered")
#: An index proportional to the area's incident rate (the count is its n).
PROPORTIONAL_INDICES = ("unease_index.incidents",)
#: Context variables that are denominators, rounded like the inhabitants.
DENOMINATOR_VARIABLES = ("inhabitants", "addresses", "dwellings")


@dataclass(frozen=True)
class Rules:
    """The disclosure settings of a build (see etl/settings.py)."""

    round_to: int = 5
    denominator_round_to: int = 5
    confidence: float = 0.95


def gate_kind(indicator: str, source_kind: str, unit: str = "") -> str:
    """How the gate treats an indicator's values for the public.

    ``rate``: value proportional to a count of incidents (its n), recomputed from the
    disclosed count; ``count``: a model estimate whose n is a count of incidents
    (withheld where that count is small); ``composite``: built from the incident index
    (withheld where the area's incident count is small); ``share``: a survey share in
    percent of its n respondents (withheld where value x n stands for 1-4 of them);
    ``plain``: unchanged.
    """
    family = indicator.partition(".")[0]
    if indicator in PROPORTIONAL_INDICES or (
        source_kind == "incidents" and family == "incident_rate"
    ):
        return "rate"
    if source_kind == "incidents":
        return "count"
    if indicator in INCIDENT_COMPOSITES:
        return "composite"
    if source_kind == "survey_responses" and unit == "%":
        return "share"
    return "plain"


def sensitive_hidden(sensitive: bool, level: str | None) -> bool:
    """True where a sensitive category may not be shown (below wijk level)."""
    return bool(sensitive) and level not in PUBLIC_LEVELS_FOR_SENSITIVE


def public_count(n: float | None, round_to: int = 5) -> str:
    """A count as the public may see it: '<5' for 1-4, rounded to ``round_to`` above.

    The text is language-neutral (digits only, ``"1235"``); the dashboard writes it with
    the page's thousands separator (dashboard.fmt.count_texts), a download keeps it as
    it is beside the count as a number."""
    if n is None or pd.isna(n):
        return "–"
    return public_counts(np.array([float(n)]), round_to)[0]


def disclosed_counts(n, round_to: int = 5) -> np.ndarray:
    """The counts the public sees, as numbers: 1-4 missing, others rounded."""
    n = np.asarray(n, dtype=float)
    rounded = round_to * np.floor(n / round_to + 0.5) if round_to > 1 else np.round(n)
    return np.where((n >= 0.5) & (n < 4.5), np.nan, rounded)


def is_small(n) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    return (n >= 0.5) & (n < 4.5)


def disclosed_length(n: float, round_to: int = 5) -> float:
    """A number to draw for a count the public sees disclosed (bar lengths, sizes).

    0 stays 0; 1-4 are all drawn as 2.5; others at their rounded value.
    """
    if n is None or pd.isna(n) or n == 0:
        return 0.0
    if n < 4.5:
        return 2.5
    return float(disclosed_counts([n], round_to)[0])


def public_denominators(values, rules: Rules) -> np.ndarray:
    """Inhabitants (or addresses, dwellings) as shown to the public: rounded as CBS does."""
    step = max(int(rules.denominator_round_to), 1)
    values = np.asarray(values, dtype=float)
    return step * np.floor(values / step + 0.5)


def poisson_interval(n, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson interval of counts ``n`` (as the rates mart computes it)."""
    n = np.asarray(n, dtype=float)
    shape = n.shape
    # once per distinct count (a map's disclosed counts are multiples of 5: few distinct)
    n, back = np.unique(n, return_inverse=True)
    alpha = 1 - confidence
    with np.errstate(invalid="ignore"):
        low = np.where(n > 0, chi2.ppf(alpha / 2, 2 * np.maximum(n, 1e-9)) / 2, 0.0)
        high = chi2.ppf(1 - alpha / 2, 2 * n + 2) / 2
    low = np.where(np.isnan(n), np.nan, low)
    return low[back].reshape(shape), high[back].reshape(shape)


def public_values(
    frame,
    sensitive: bool,
    level: str,
    rules: Rules | None = None,
    kind: str = "rate",
    incident_n=None,
    model_rows=None,
):
    """Rows of indicator_values fit for the public.

    ``frame`` is a data frame or a dict of columns (value, ci_low, ci_high, n, flag;
    the result is of the same kind).  Adds the text column ``n_public``.  ``kind`` is
    :func:`gate_kind`; ``incident_n`` the areas' counts of incidents for a composite;
    ``model_rows`` marks model-based estimates, which are no share of their respondents
    (a small-area model's value times n gives back no count), so the share rule skips them.
    Withheld rows lose value, interval and (for sensitive categories) n, and their
    flag tells why.  For counts and rates, ``n`` becomes the disclosed count (rounded,
    missing for 1-4), so nothing computed from it (an order) gives back more.
    """
    rules = rules or Rules()
    out = frame.copy()
    size = len(out["n"])
    n = np.asarray(out["n"], dtype=float)
    value = np.asarray(out["value"], dtype=float).copy()
    low = np.asarray(out["ci_low"], dtype=float).copy()
    high = np.asarray(out["ci_high"], dtype=float).copy()
    flag = np.asarray(out["flag"], dtype=object).copy()
    withheld = np.zeros(size, dtype=bool)
    if kind == "rate":
        shown = disclosed_counts(n, rules.round_to)
        per_count = np.divide(value, n, out=np.full(size, np.nan), where=n > 0)
        lo, hi = poisson_interval(shown, rules.confidence)
        scaled = np.isfinite(per_count) & np.isfinite(shown)
        value = np.where(scaled, shown * per_count, value)
        low = np.where(scaled & np.isfinite(low), lo * per_count, low)
        high = np.where(scaled & np.isfinite(high), hi * per_count, high)
        withheld = is_small(n)
    elif kind == "count":
        withheld = is_small(n)
    elif kind == "composite" and incident_n is not None:
        withheld = is_small(incident_n)
    elif kind == "share":
        withheld = is_small(value / 100 * n)
        if model_rows is not None:
            withheld &= ~np.asarray(model_rows, dtype=bool)
    had_value = ~np.isnan(value)
    value[withheld], low[withheld], high[withheld] = np.nan, np.nan, np.nan
    flag[withheld & had_value] = FEW_RESPONDENTS_FLAG if kind == "share" else SMALL_COUNT_FLAG
    if kind in ("rate", "count"):
        out["n_public"] = public_counts(n, rules.round_to)
        # the count kept as a number is the one shown (rounded, missing for 1-4): an
        # order by n (a sorted table) then says no more than the texts
        n = disclosed_counts(n, rules.round_to)
    else:
        out["n_public"] = each_distinct(n, _plain).tolist()
    if sensitive_hidden(sensitive, level):
        value[:], low[:], high[:] = np.nan, np.nan, np.nan
        n = np.full(size, np.nan)
        flag[:] = SENSITIVE_FLAG
        out["n_public"] = ["–"] * size
    out["value"], out["ci_low"], out["ci_high"], out["n"] = value, low, high, n
    if "se" in out:
        out["se"] = np.full(size, np.nan)
    out["flag"] = flag
    return out


def public_counts(n: np.ndarray, round_to: int = 5) -> list[str]:
    """:func:`public_count` for a whole column at once."""
    n = np.asarray(n, dtype=float)
    rounded = np.where(round_to > 1, round_to * np.floor(n / max(round_to, 1) + 0.5), np.round(n))
    text = each_distinct(rounded, lambda v: str(int(v)) if v == v else "–")
    return np.where(is_small(n), SMALL, np.where(n == 0, "0", text)).tolist()


def _plain(n: float) -> str:
    return "–" if n != n else str(int(round(n)))


def each_distinct(values: np.ndarray, text) -> np.ndarray:
    """``text(v)`` of every value (an object array), written once per distinct value: a
    map's 10,000 counts hold a few hundred distinct ones."""
    distinct, back = np.unique(np.asarray(values, dtype=float), return_inverse=True)
    return np.asarray([text(v) for v in distinct.tolist()], dtype=object)[back.reshape(-1)]


def public_rate_rows(
    frame: pd.DataFrame, rate: str, population: str, rules: Rules, per: float = 1000.0
) -> pd.DataFrame:
    """Rows with a rate per ``per`` and its population (the funnel plot) for the public:
    the rate from the disclosed count, small counts dropped, the population rounded."""
    count = frame[rate].to_numpy(dtype=float) * frame[population].to_numpy(dtype=float) / per
    shown = disclosed_counts(count, rules.round_to)
    keep = ~is_small(count)
    out = frame.loc[keep].copy()
    pop = out[population].to_numpy(dtype=float)
    out[rate] = shown[keep] / pop * per
    out[population] = public_denominators(pop, rules)
    return out


def public_change_rows(frame: pd.DataFrame, meta: dict, rules: Rules) -> pd.DataFrame:
    """Lists of significant changes for the public: no sensitive category below wijk
    level, and no change of a count-based figure whose count was small at either end
    (columns ``n_from``, ``n_to``); rates recomputed from the disclosed counts."""
    if frame.empty:
        return frame
    keep = np.ones(len(frame), dtype=bool)
    out = frame.copy()
    for i, rec in enumerate(frame.to_dict("records")):
        entry = meta.get(rec["indicator"])
        if entry is None or sensitive_hidden(entry.sensitive, rec["level"]):
            keep[i] = False
            continue
        kind = gate_kind(rec["indicator"], entry.source_kind, entry.unit)
        if kind == "plain":
            continue
        if kind == "share":
            answers = (
                np.array(
                    [
                        rec["value_from"] * rec.get("n_from", np.nan),
                        rec["value_to"] * rec.get("n_to", np.nan),
                    ],
                    dtype=float,
                )
                / 100
            )
            keep[i] = not (is_small(answers).any() or np.isnan(answers).any())
            continue
        counts = np.array([rec.get("n_from", np.nan), rec.get("n_to", np.nan)], dtype=float)
        if is_small(counts).any() or np.isnan(counts).any():
            keep[i] = False
        elif kind == "rate":
            shown = disclosed_counts(counts, rules.round_to)
            values = np.array([rec["value_from"], rec["value_to"]], dtype=float)
            values = np.where(counts > 0, values * shown / np.where(counts > 0, counts, 1), values)
            out.iloc[i, out.columns.get_loc("value_from")] = values[0]
            out.iloc[i, out.columns.get_loc("value_to")] = values[1]
            out.iloc[i, out.columns.get_loc("diff")] = values[1] - values[0]
    return out.loc[keep].drop(columns=["n_from", "n_to"], errors="ignore")


#: Counts of people in the reach of initiatives (members, key persons, participants
#: among the respondents) and the figure derived from each.
REACH_COUNTS = {"members": "members_per_1000", "key_persons": None, "n_participants": None}
REACH_SHARES = {"participants_share": "n_participants"}


def public_reach_rows(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The reach of initiatives for the public: counts of people disclosed (1-4 as '<5',
    others rounded), a rate per 1,000 from the disclosed count, and a share of
    participants withheld where fewer than 5 took part."""
    out = frame.copy()
    for column, rate in REACH_COUNTS.items():
        if column not in out:
            continue
        n = out[column].to_numpy(dtype=float)
        if rate and rate in out:
            value = out[rate].to_numpy(dtype=float)
            per_count = np.divide(value, n, out=np.full(len(n), np.nan), where=n > 0)
            shown = disclosed_counts(n, rules.round_to)
            out[rate] = np.where(np.isfinite(per_count), shown * per_count, value)
        out[column] = public_counts(n, rules.round_to)
    for share, count in REACH_SHARES.items():
        if share in out and count in frame:
            small = is_small(frame[count].to_numpy(dtype=float))
            out[share] = np.where(small, np.nan, out[share].to_numpy(dtype=float))
    return out


def window_months(window: object) -> float:
    """Months of a window written 'YYYY-MM/YYYY-MM' (both ends included); NaN otherwise."""
    try:
        start, end = str(window).split("/")
        (y1, m1), (y2, m2) = (map(int, start.split("-")), map(int, end.split("-")))
    except ValueError:
        return float("nan")
    return float((y2 * 12 + m2) - (y1 * 12 + m1) + 1)


def public_effect_rows(
    frame: pd.DataFrame, inhabitants: dict[str, float], meta: dict, rules: Rules
) -> pd.DataFrame:
    """Before/after comparisons of initiatives for the public.

    An incident outcome's rate per 1,000 inhabitants a year over a window of months
    times the inhabitants and the window gives back the count: each window's rate is
    that of the disclosed count, withheld where the count is below 5, and the change
    and the difference against the controls follow; the model's ratio and its interval
    stand (they are no count of one window).
    A sensitive outcome below wijk level is withheld whole."""
    out = frame.copy()
    for i, rec in enumerate(frame.to_dict("records")):
        outcome = str(rec.get("outcome", ""))
        entry = meta.get(outcome)
        if entry is None or gate_kind(outcome, entry.source_kind) != "rate":
            continue
        columns = ["before_area", "after_area", "change_area", "difference"]
        columns += ["estimate", "ci_low", "ci_high", "placebo_estimate"]
        columns += ["placebo_ci_low", "placebo_ci_high"]
        if sensitive_hidden(entry.sensitive, "buurt"):
            out.loc[out.index[i], [c for c in columns if c in out]] = np.nan
            continue
        rates = {}
        for side in ("before", "after"):
            rate = float(rec[f"{side}_area"])
            years = window_months(rec[f"{side}_period"]) / 12
            count = rate * inhabitants.get(rec["area_code"], np.nan) / 1000 * years
            shown = disclosed_counts([count], rules.round_to)[0]
            rates[side] = (
                np.nan if not np.isfinite(shown) else (rate if count <= 0 else shown * rate / count)
            )
            out.loc[out.index[i], f"{side}_area"] = rates[side]
        change = rates["after"] - rates["before"]
        shift = change - float(rec["change_area"])
        out.loc[out.index[i], "change_area"] = change
        # the ratio of rate ratios and its interval (estimate, ci_low, ci_high) come from
        # the model over the buurt and its controls, not from one window's count
        if "difference" in out:
            out.loc[out.index[i], "difference"] = float(rec["difference"]) + shift
    return out
