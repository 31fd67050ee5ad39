"""Figures of the dashboard: plain functions from data frames to plotly figures (the map's
in dashboard.map_figure)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dcc

from dashboard import empty
from dashboard.fmt import count_texts, number, plotly_separators
from dashboard.fmt import unit as fmt_unit
from dashboard.i18n import t

#: Every chart's mode bar: download as image only (one Tab stop per chart instead of
#: eight tool buttons; zoom and pan stay on the mouse and the page's own controls), no
#: button that sends a chart off the server and no plotly logo.
GRAPH_CONFIG = {
    "modeBarButtons": [["toImage"]],
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
}


def graph(graph_id: str, figure=None, config: dict | None = None, **kwargs) -> dcc.Graph:
    """The one way the pages make a chart: a dcc.Graph with :data:`GRAPH_CONFIG`."""
    if figure is not None:
        kwargs["figure"] = figure
    return dcc.Graph(id=graph_id, config={**(config or {}), **GRAPH_CONFIG}, **kwargs)


def trend(
    frame: pd.DataFrame,
    city_frame: pd.DataFrame,
    area_name: str,
    city_name: str,
    label: str,
    unit: str,
    lang: str,
    survey: bool = False,
) -> go.Figure:
    """The indicator over time for one area beside the city, with interval error bars;
    an area without any value gets the empty state with why (``survey``: an indicator
    of a survey, so no rows at all means no survey there)."""
    title, unit = f"{t('trend', lang)}: {area_name}", fmt_unit(unit, lang)
    if not frame["value"].notna().any():
        reason = empty.reason_of(frame["value"], frame["flag"], survey)
        return empty_figure(lang, reason, title)
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
                error_y=interval_bars(data, color=colour, thickness=1.2),
                hovertemplate="%{x}: %{y:,.1f} " + unit + "<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": title},
        yaxis_title=unit,
        xaxis={"type": "category", "title": t("period", lang)},
        margin={"l": 50, "r": 10, "t": 50, "b": 40},
        height=340,
        legend={"orientation": "h", "y": -0.25},
        separators=plotly_separators(lang),
    )
    return fig


def interval_bars(data: pd.DataFrame, **style: object) -> dict:
    """Error bars from each value to its interval's ends (none where there is no interval)."""
    return {
        "type": "data",
        "symmetric": False,
        "array": (data["ci_high"] - data["value"]).fillna(0),
        "arrayminus": (data["value"] - data["ci_low"]).fillna(0),
        **style,
    }


def several_areas(frame: pd.DataFrame, label: str, unit: str, lang: str) -> go.Figure:
    """Several areas over time on one chart, with interval bars."""
    unit = fmt_unit(unit, lang)
    if frame.empty:
        return empty_figure(lang, "no-areas", label, 380)
    if not frame["value"].notna().any():
        return empty_figure(lang, empty.reason_of(frame["value"], frame["flag"]), label, 380)
    fig = go.Figure()
    for name, data in frame.groupby("name", sort=True):
        fig.add_trace(
            go.Scatter(
                x=data["period"],
                y=data["value"],
                mode="lines+markers",
                name=name,
                error_y=interval_bars(data, thickness=1),
            )
        )
    fig.update_layout(
        title={"text": label},
        yaxis_title=unit,
        xaxis={"type": "category"},
        height=380,
        margin={"l": 50, "r": 10, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.2},
        separators=plotly_separators(lang),
    )
    return fig


QUADRANT_COLOURS = {
    "high_fear_low_incidents": "#e66101",
    "high_fear_high_incidents": "#5e3c99",
    "low_fear_high_incidents": "#0072B2",
    "low_fear_low_incidents": "#7f7f7f",
    "not_distinguishable": "#c7c7c7",
}


def quadrant_plot(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Perceived-unease index against registered-incident index (city base year = 100)."""
    if frame.empty:
        return empty_figure(lang, "no-data", t("quadrant_title", lang), 420)
    fig = go.Figure()
    for quadrant, data in frame.groupby("quadrant", sort=True):
        fig.add_trace(
            go.Scatter(
                x=data["incident_index"],
                y=data["perceived_index"],
                mode="markers",
                name=t(f"quadrant_{quadrant}", lang),
                text=data["name"],
                marker={"size": 9, "color": QUADRANT_COLOURS.get(quadrant, "#000")},
                hovertemplate="%{text}<br>x %{x:,.0f}, y %{y:,.0f}<extra></extra>",
            )
        )
    fig.add_hline(y=100, line_dash="dot", line_color="#7f7f7f")
    fig.add_vline(x=100, line_dash="dot", line_color="#7f7f7f")
    fig.update_layout(
        title={"text": t("quadrant_title", lang)},
        xaxis_title=t("incident_index", lang),
        yaxis_title=t("perceived_index", lang),
        xaxis_type="log",
        yaxis_type="log",
        height=420,
        margin={"l": 60, "r": 10, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.25},
        separators=plotly_separators(lang),
    )
    return fig


def funnel_plot(frame: pd.DataFrame, label: str, lang: str) -> go.Figure:
    """Rates against population with 95% and 99.8% control limits (overdispersion included).

    The funnel table holds rates and limits per 1,000 already."""
    if frame.empty:
        return empty_figure(lang, "no-data", label, 420)
    fig = go.Figure()
    per = 1
    per_1000 = f"per {number(1000, lang, 0)}"
    for col, dash, name in (("95", "dot", "95%"), ("998", "dash", f"{number(99.8, lang)}%")):
        for side in ("lo", "hi"):
            fig.add_trace(
                go.Scatter(
                    x=frame["population"],
                    y=frame[f"{side}{col}"] * per,
                    mode="lines",
                    line={"dash": dash, "color": "#7f7f7f", "width": 1},
                    name=name,
                    showlegend=side == "lo",
                    hoverinfo="skip",
                )
            )
    outside = frame["outside998"].fillna(False).astype(bool)
    fig.add_trace(
        go.Scatter(
            x=frame["population"],
            y=frame["rate"] * per,
            mode="markers",
            text=frame["name"],
            marker={"color": np.where(outside, "#e66101", "#0072B2"), "size": 8},
            name=t("areas", lang),
            hovertemplate="%{text}<br>%{y:,.1f} " + per_1000 + "<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": label},
        xaxis_title=t("population", lang),
        yaxis_title=per_1000,
        height=420,
        margin={"l": 60, "r": 10, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.25},
        separators=plotly_separators(lang),
    )
    return fig


def category_bars(frame: pd.DataFrame, labels: dict[str, str], lang: str) -> go.Figure:
    """Registered incidents of an area per category (the disclosed counts as labels)."""
    if frame.empty:
        return empty_figure(lang, "no-incidents", t("categories_title", lang), 320)
    fig = go.Figure(
        go.Bar(
            x=frame["n"],
            y=[labels.get(c, c) for c in frame["category"]],
            orientation="h",
            marker_color="#0072B2",
            text=count_texts(frame["n_public"], lang),
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    return labelled_bar_layout(fig, t("categories_title", lang), lang)


def labelled_bar_layout(fig: go.Figure, title: str, lang: str, **layout: object) -> go.Figure:
    """Layout of a horizontal bar chart with long labels, first bar on top."""
    fig.update_layout(
        title={"text": title},
        separators=plotly_separators(lang),
        height=320,
        margin={"l": 180, "r": 10, "t": 50, "b": 30},
        yaxis={"autorange": "reversed"},
        **layout,
    )
    return fig


#: Colours of a Gi* bar: a stable hotspot, hot at one level only, cold, neither.
HOTSPOT_COLOURS = {"stable": "#D55E00", "hot": "#E69F00", "cold": "#0072B2", "none": "#999999"}


def hotspot_bars(frame: pd.DataFrame, labels: dict[str, str], lang: str) -> go.Figure:
    """Gi* z of an area per incident category (period 'all'), coloured by hotspot status."""
    rows = frame[frame["period"] == "all"]
    status = [
        "stable" if stable else (kind if isinstance(kind, str) else "none")
        for kind, stable in zip(rows["kind"], rows["stable"])
    ]
    fig = go.Figure(
        go.Bar(
            x=rows["gi_z"],
            y=[labels.get(c, c) for c in rows["category"]],
            orientation="h",
            marker_color=[HOTSPOT_COLOURS[s] for s in status],
            text=[t(f"hotspot_{s}", lang) for s in status],
            hovertemplate="%{y}: Gi* z %{x:.2f}, %{text}<extra></extra>",
        )
    )
    return labelled_bar_layout(fig, t("hotspots_title", lang), lang, xaxis={"title": "Gi* z"})


def empty_figure(lang: str, reason: str | None = None, title: str = "", height: int = 340):
    """The one figure of a chart with nothing to draw: no axes, the empty-state sentence
    (dashboard.empty) in their place, with why when it is known."""
    fig = go.Figure()
    fig.add_annotation(
        text=empty.text(lang, reason),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 14, "color": "#333333"},
    )
    fig.update_layout(
        title={"text": title},
        xaxis={"visible": False},
        yaxis={"visible": False},
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        plot_bgcolor="white",
        separators=plotly_separators(lang),
        meta={"empty": reason or "no-data"},
    )
    return fig
