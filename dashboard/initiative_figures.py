"""Charts of the initiatives page: initiatives by form, and the before/after comparison
of each initiative with its interval (and its placebo start one year earlier)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import labelled_bar_layout
from dashboard.fmt import plotly_separators
from dashboard.i18n import t
from dashboard.map_figure import INITIATIVE_COLOURS
from etl.schema import INITIATIVE_TYPES

#: Ticks of a ratio axis (log scale): halving and doubling read at a glance.
RATIO_TICKS = {
    "tickvals": [0.125, 0.25, 0.5, 1, 2, 4, 8],
    "ticktext": ["⅛", "¼", "½", "1", "2", "4", "8"],
}


def coverage_bars(points: pd.DataFrame, lang: str) -> go.Figure:
    """Active initiatives (no end date, or one still to come) per form, in each form's colour."""
    today = pd.Timestamp.today().normalize()
    active = points[points["end_date"].isna() | (pd.to_datetime(points["end_date"]) >= today)]
    counts = active["type"].value_counts()
    kinds = [k for k in INITIATIVE_TYPES]
    fig = go.Figure(
        go.Bar(
            x=[int(counts.get(k, 0)) for k in kinds],
            y=[t(f"type_{k}", lang) for k in kinds],
            orientation="h",
            marker_color=[INITIATIVE_COLOURS[k] for k in kinds],
            text=[str(int(counts.get(k, 0))) for k in kinds],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    return labelled_bar_layout(
        fig, t("coverage_by_type", lang), lang, xaxis={"title": t("initiatives_count", lang)}
    )


def effects_chart(rows: pd.DataFrame, names: list[str], ratio: bool, lang: str) -> go.Figure:
    """One row per initiative: the estimate with its 95% interval against the comparison
    buurten, the line of no difference, and the placebo estimate where there is one."""
    estimate = rows["estimate"].to_numpy(dtype=float)
    low = rows["ci_low"].to_numpy(dtype=float)
    high = rows["ci_high"].to_numpy(dtype=float)
    fig = go.Figure(
        go.Scatter(
            x=estimate.tolist(),
            y=names,
            mode="markers",
            marker={"size": 10, "color": "#0072B2", "symbol": "diamond"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (high - estimate).tolist(),
                "arrayminus": (estimate - low).tolist(),
                "color": "#0072B2",
                "thickness": 2,
            },
            name=t("effect_estimate", lang),
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    if "placebo_estimate" in rows and np.isfinite(rows["placebo_estimate"].astype(float)).any():
        fig.add_trace(
            go.Scatter(
                x=rows["placebo_estimate"].astype(float).tolist(),
                y=names,
                mode="markers",
                marker={"size": 9, "color": "#7f7f7f", "symbol": "circle-open"},
                name=t("effect_placebo", lang),
                hovertemplate="%{y}: %{x:.2f}<extra>placebo</extra>",
            )
        )
    reference = 1 if ratio else 0
    fig.add_vline(x=reference, line_dash="dot", line_color="#444444")
    fig.update_layout(
        separators=plotly_separators(lang),
        height=max(260, 34 * len(names) + 120),
        margin={"l": 220, "r": 20, "t": 30, "b": 60},
        xaxis={
            "title": t("effect_ratio_axis" if ratio else "effect_difference_axis", lang),
            "type": "log" if ratio else "linear",
            **(RATIO_TICKS if ratio else {}),
        },
        yaxis={"autorange": "reversed", "type": "category"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
