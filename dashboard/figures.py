"""Figures of the dashboard: plain functions from data frames to plotly figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard.i18n import t

#: Colour-blind-safe sequential scales (ColorBrewer), light = better.
SCALE_WORSE_HIGH = "YlOrRd"
SCALE_BETTER_HIGH = "YlOrRd_r"
NO_VALUE_GREY = "#bdbdbd"


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"


def choropleth(
    geojson: dict, values: pd.DataFrame, label: str, unit: str, direction: str, lang: str
) -> go.Figure:
    """Choropleth of one indicator: coloured areas with a value, grey ones without.

    The grey trace carries the reason (withheld, no denominator, no data) on hover,
    so an area without a figure never looks like a zero.
    """
    shown = values[values["value"].notna()]
    missing = values[values["value"].isna()]
    fig = go.Figure()
    fig.add_trace(
        go.Choropleth(
            geojson=_subset(geojson, missing["area_code"]),
            featureidkey="id",
            locations=missing["area_code"],
            z=np.zeros(len(missing)),
            colorscale=[[0, NO_VALUE_GREY], [1, NO_VALUE_GREY]],
            showscale=False,
            marker_line_color="white",
            marker_line_width=0.6,
            customdata=np.stack(
                [missing["name"], [t(f"flag_{f}", lang) for f in missing["flag"]]], axis=-1
            )
            if len(missing)
            else None,
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
            name=t("flag_no-data", lang),
        )
    )
    custom = (
        np.stack(
            [
                shown["name"],
                [_fmt(v) for v in shown["ci_low"]],
                [_fmt(v) for v in shown["ci_high"]],
                shown["n_public"] if "n_public" in shown else [_fmt(v, 0) for v in shown["n"]],
                [t(f"flag_{f}", lang) for f in shown["flag"]],
            ],
            axis=-1,
        )
        if len(shown)
        else None
    )
    fig.add_trace(
        go.Choropleth(
            geojson=_subset(geojson, shown["area_code"]),
            featureidkey="id",
            locations=shown["area_code"],
            z=shown["value"],
            colorscale=SCALE_WORSE_HIGH if direction == "higher_worse" else SCALE_BETTER_HIGH,
            marker_line_color="white",
            marker_line_width=0.6,
            colorbar={"title": {"text": unit}, "thickness": 14},
            customdata=custom,
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>%{z:.1f} "
                + unit
                + " (%{customdata[1]} – %{customdata[2]})<br>n = %{customdata[3]}"
                + "<br>%{customdata[4]}<extra></extra>"
            ),
            name=label,
        )
    )
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=560,
        dragmode=False,
        uirevision="map",
        showlegend=False,
    )
    return fig


def _subset(geojson: dict, codes: pd.Series) -> dict:
    """The features of these areas only, so each trace carries just its own shapes."""
    wanted = set(codes)
    return {
        "type": "FeatureCollection",
        "features": [f for f in geojson["features"] if f["id"] in wanted],
    }


def missing_note(values: pd.DataFrame, level: str, lang: str) -> list:
    """A legend line for the grey areas: how many, and why they have no figure."""
    missing = values[values["value"].isna()]
    if missing.empty:
        return []
    reasons = missing["flag"].value_counts()
    parts = [f"{count} × {t(f'flag_{flag}', lang)}" for flag, count in reasons.items()]
    swatch = html.Span(className="swatch", style={"background": NO_VALUE_GREY})
    text = t("missing_note", lang, n=len(missing), level=t(level, lang).lower())
    return [swatch, f" {text}: {'; '.join(parts)}"]


def trend(
    frame: pd.DataFrame,
    city_frame: pd.DataFrame,
    area_name: str,
    city_name: str,
    label: str,
    unit: str,
    lang: str,
) -> go.Figure:
    """The indicator over time for one area beside the city, with interval error bars."""
    fig = go.Figure()
    for data, name, colour in ((city_frame, city_name, "#7f7f7f"), (frame, area_name, "#08519c")):
        if data.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=data["period"],
                y=data["value"],
                mode="lines+markers",
                name=name,
                line={"color": colour, "dash": "dot" if data is city_frame else "solid"},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (data["ci_high"] - data["value"]).fillna(0),
                    "arrayminus": (data["value"] - data["ci_low"]).fillna(0),
                    "color": colour,
                    "thickness": 1.2,
                },
                hovertemplate="%{x}: %{y:.1f} " + unit + "<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": f"{t('trend', lang)}: {area_name}"},
        yaxis_title=unit,
        xaxis={"type": "category", "title": t("period", lang)},
        margin={"l": 50, "r": 10, "t": 50, "b": 40},
        height=340,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
