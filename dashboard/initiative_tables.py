"""The initiatives page's tables as a person writes them: names instead of ids and codes,
dates as dates, counts as whole numbers, translated column names, no internal columns.

Every function takes frames that already passed the disclosure gate (dashboard.queries)
and reads their columns at run time: a column the analysis does not (yet) write is
simply not shown.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from dashboard.fmt import MISSING, count, count_texts, number
from dashboard.i18n import t
from etl.schema import INITIATIVE_TYPES

MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def written_date(value: object, lang: str) -> str:
    """A date as a person writes it (1 mrt 2021 / 1 Mar 2021); '–' when there is none."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {MONTHS[lang][stamp.month - 1]} {stamp.year}"


def whole(value: object, lang: str) -> str:
    """A count as a whole number in the language ('–' when missing; the gate's texts such
    as '<5' as they are)."""
    if isinstance(value, str):
        return count_texts([value], lang)[0]
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return count(round(float(value)), lang)


def _names(store_names: dict[str, str], codes: object) -> list[str]:
    return [store_names.get(c, c) for c in str(codes or "").split(",") if c]


def register(points: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Every initiative: name, form, start, end ('ongoing') and area.  (Member counts
    are shown only through the gate, in the reach table.)"""
    if points.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "name": points["name"].tolist(),
            "form": [t(f"type_{k}", lang) for k in points["type"]],
            "start": [written_date(d, lang) for d in points["start_date"]],
            "end": [
                t("running", lang) if pd.isna(d) else written_date(d, lang)
                for d in points["end_date"]
            ],
            "area": [names.get(c, c) for c in points["area_code"]],
        }
    )


def coverage(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Active initiatives per area and form (rows of queries.initiative_coverage), with the
    area's inhabitants and initiatives per 1,000 inhabitants."""
    if frame.empty:
        return pd.DataFrame()
    wide = frame.pivot_table(
        index=["name", "inhabitants"], columns="type", values="n", fill_value=0, dropna=False
    ).reset_index()
    for kind in INITIATIVE_TYPES:
        if kind not in wide:
            wide[kind] = 0
    total = wide[list(INITIATIVE_TYPES)].sum(axis=1)
    per_1000 = (total / wide["inhabitants"] * 1000).where(wide["inhabitants"] > 0)
    out = pd.DataFrame(
        {
            "area": wide["name"],
            "inhabitants": [whole(v, lang) for v in wide["inhabitants"]],
            **{k: [whole(v, lang) for v in wide[k]] for k in INITIATIVE_TYPES},
            "total": [whole(v, lang) for v in total],
            "per_1000": [number(v, lang, 1) for v in per_1000],
        }
    )
    return out.iloc[np.argsort(-total.to_numpy(), kind="stable")].reset_index(drop=True)


def displacement(
    frame: pd.DataFrame, initiatives: dict[str, str], categories: dict[str, str], lang: str
) -> pd.DataFrame:
    """Change in the initiative's area beside its ring of surrounding buurten, per category."""
    if frame.empty:
        return pd.DataFrame()
    columns = {
        "name": [initiatives.get(i, i) for i in frame["initiative_id"]],
        "category": [categories.get(c, c) for c in frame["category"]],
    }
    for column, key in (
        ("change_area", "area_change"),
        ("change_ring", "ring_change"),
        ("change_controls", "controls_change"),
    ):
        if column in frame:
            columns[key] = [number(v, lang, 1) for v in frame[column]]
    if "ring" in frame:
        columns["ring_size"] = [
            whole(len([c for c in str(r or "").split(",") if c]), lang) for r in frame["ring"]
        ]
    if "flag_displacement" in frame:
        columns["displacement"] = [
            MISSING if pd.isna(f) else t("yes" if f else "no", lang)
            for f in frame["flag_displacement"]
        ]
    return pd.DataFrame(columns)


def reach(frame: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Members and survey participants per area and year (rows through the gate)."""
    if frame.empty:
        return pd.DataFrame()
    columns = {
        "area": [names.get(c, c) for c in frame["area_code"]],
        "period": [str(p) for p in frame["period"]],
    }
    for column, key in (
        ("initiatives", "initiatives"),
        ("members", "members"),
        ("key_persons", "key_persons"),
        ("n_respondents", "respondents"),
        ("n_participants", "participants"),
    ):
        if column in frame:
            columns[key] = [whole(v, lang) for v in frame[column]]
    for column, key in (
        ("members_per_1000", "members_per_1000"),
        ("participants_share", "participants_share"),
    ):
        if column in frame:
            columns[key] = [number(v, lang, 1) for v in frame[column]]
    if "flag" in frame:
        columns["status"] = [MISSING if pd.isna(f) else t(f"flag_{f}", lang) for f in frame["flag"]]
    return pd.DataFrame(columns)


def column_labels(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """Each column's name as the page shows it (a form by its name, others from col_<id>)."""
    return {
        c: t(f"type_{c}", lang) if c in INITIATIVE_TYPES else t(f"col_{c}", lang)
        for c in frame.columns
    }


def control_names(codes: object, names: dict[str, str]) -> list[str]:
    """The comparison buurten of an effect row (a comma-separated column) by name."""
    return _names(names, codes)


def is_ratio(rows: pd.DataFrame) -> bool:
    """Whether the estimates are ratios (incident counts) rather than differences (shares)."""
    measure = " ".join(str(m) for m in rows.get("measure", pd.Series(dtype=object)))
    return "ratio" in measure or all(str(o).startswith("incident") for o in rows["outcome"])


def effect_change(estimate: float, ratio: bool, lang: str) -> str:
    """An estimate in words: '31% less', '4.2 percentage points higher'."""
    if ratio:
        pct = (estimate - 1) * 100
        return t("effect_more" if pct >= 0 else "effect_less", lang, x=number(abs(pct), lang, 0))
    key = "effect_points_up" if estimate >= 0 else "effect_points_down"
    return t(key, lang, x=number(abs(estimate), lang, 1))


def effect_bound(value: float, ratio: bool, lang: str) -> str:
    if ratio:
        pct = (value - 1) * 100
        return f"{'+' if pct >= 0 else '−'}{number(abs(pct), lang, 0)}%"
    return f"{'+' if value >= 0 else '−'}{number(abs(value), lang, 1)}"


def effect_sentence(row: dict, name: str, ratio: bool, lang: str) -> str:
    """One initiative's before/after comparison in plain language, with its interval, whether
    the interval excludes no difference, and the placebo check where there is one."""
    estimate = row.get("estimate")
    if estimate is None or not np.isfinite(float(estimate)):
        return t("effect_no_estimate", lang, name=name)
    low, high = float(row["ci_low"]), float(row["ci_high"])
    text = t(
        "effect_sentence",
        lang,
        name=name,
        change=effect_change(float(estimate), ratio, lang),
        k=whole(row.get("n_controls"), lang),
        low=effect_bound(low, ratio, lang),
        high=effect_bound(high, ratio, lang),
    )
    reference = 1.0 if ratio else 0.0
    clear = low > reference or high < reference
    text += " " + t("effect_clear" if clear else "effect_unclear", lang)
    if row.get("pre_trend") is True or row.get("pre_trend") == 1:
        text += " " + t("effect_pretrend", lang)
    return text
