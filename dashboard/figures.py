"""Figures of the dashboard: plain functions from data frames to plotly figures."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.compare import CLASSES, discrete_colorscale
from dashboard.fmt import intervals, number, numbers
from dashboard.i18n import t

NO_VALUE_GREY = "#bdbdbd"
#: Every chart's mode bar: no button sends a chart off the server (plotly's cloud,
#: share and editor links off) and no plotly logo.
GRAPH_CONFIG = {
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


def _fmt(value: float | None, digits: int = 1) -> str:
    return number(value, digits)


def map_custom(values, classes: np.ndarray, lang: str) -> list[list[str]]:
    """Hover texts per area: name, value, interval, n, comparison, status.

    ``values`` is a data frame or a dict of columns (see queries.public_area_columns)."""
    class_text = {i: t(f"class_{c}", lang) for i, c in enumerate(CLASSES)}
    flags = list(values["flag"])
    flag_text = {f: t(f"flag_{f}", lang) for f in set(flags)}
    counts = list(values["n_public"]) if "n_public" in values else numbers(values["n"], 0)
    return [
        [name, value, interval, n, class_text[c], flag_text[f]]
        for name, value, interval, n, c, f in zip(
            list(values["name"]),
            numbers(values["value"]),
            intervals(values["ci_low"], values["ci_high"]),
            counts,
            np.asarray(classes).tolist(),
            flags,
        )
    ]


def hover_template(unit: str, lang: str) -> str:
    interval = t("interval", lang)
    return (
        "<b>%{customdata[0]}</b><br>%{customdata[1]} "
        + unit
        + "<br>"
        + interval
        + ": %{customdata[2]}<br>n = %{customdata[3]}<br>%{customdata[4]}"
        + "<br>%{customdata[5]}<extra></extra>"
    )


def class_map(
    geojson_url: str,
    codes,
    classes,
    custom: list[list[str]],
    hovertemplate: str,
    lang: str,
    initiatives: pd.DataFrame | None = None,
    basemap: dict | None = None,
) -> go.Figure:
    """One choropleth trace of every area, coloured by its class against the city, with
    hover texts ``custom`` (see :func:`map_custom` and :func:`hover_template`).

    The geometry is a URL (served once by /geo/<level>.geojson), so the figure is
    small and an indicator switch patches only ``z`` and ``customdata``.  Areas
    without a figure are grey with the reason on hover, never a zero.  Without
    ``basemap`` the map is drawn as SVG (no WebGL, no network); with it (the
    ``layout.map`` of dashboard.basemap) on tiles, slightly transparent.
    """
    common = {
        "geojson": geojson_url,
        "featureidkey": "id",
        "locations": list(codes),
        "z": classes,
        "zmin": -0.5,
        "zmax": len(CLASSES) - 0.5,
        "colorscale": discrete_colorscale(),
        "marker_line_color": "#636363",
        "marker_line_width": 0.5,
        "customdata": custom,
        "hovertemplate": hovertemplate,
        "colorbar": {
            "title": {"text": t("legend_title", lang)},
            "tickvals": list(range(len(CLASSES))),
            "ticktext": [t(f"class_{c}", lang) for c in CLASSES],
            "thickness": 14,
            "len": 0.8,
        },
        "name": "areas",
    }
    if basemap:
        fig = go.Figure(go.Choroplethmap(**common, marker_opacity=0.8))
    else:
        fig = go.Figure(go.Choropleth(**common))
    if initiatives is not None and len(initiatives):
        for kind, group in initiatives.groupby("type", sort=True):
            marker = {"size": 9, "color": INITIATIVE_COLOURS.get(kind, "#000000")}
            if not basemap:  # tile maps draw circles only (symbols need a sprite sheet)
                marker["symbol"] = INITIATIVE_SYMBOLS.get(kind, "circle")
                marker["line"] = {"color": "white", "width": 1}
            fig.add_trace(
                points_trace(basemap)(
                    lon=group["lon"],
                    lat=group["lat"],
                    mode="markers",
                    marker=marker,
                    name=t(f"type_{kind}", lang),
                    text=group["name"],
                    hovertemplate="%{text}<extra>" + t(f"type_{kind}", lang) + "</extra>",
                )
            )
    if basemap:
        fig.update_layout(map=basemap)
    else:
        fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=560,
        dragmode=False if not basemap else "pan",
        uirevision="map",
        showlegend=initiatives is not None and len(initiatives) > 0,
        legend={"orientation": "h", "y": -0.02},
    )
    return fig


def points_trace(basemap: dict | None):
    """The plotly trace type for points on the map drawn (SVG geo or tiles)."""
    return go.Scattermap if basemap else go.Scattergeo


def add_incident_points(
    fig: go.Figure, points: pd.DataFrame, lang: str, basemap: dict | None = None
) -> go.Figure:
    """Point-level incidents as small dots (only ever drawn for the professional role)."""
    fig.add_trace(
        points_trace(basemap)(
            lon=points["lon"],
            lat=points["lat"],
            mode="markers",
            marker={"size": 3, "color": "#252525", "opacity": 0.6},
            name=t("incidents_layer", lang),
            text=points["date"].astype(str),
            hovertemplate="%{text}<extra>" + t("incidents_layer", lang) + "</extra>",
        )
    )
    fig.update_layout(showlegend=True)
    return fig


#: Okabe-Ito colours (colour-blind safe) and symbols for the seven forms.
INITIATIVE_COLOURS = {
    "surveillance": "#0072B2",
    "investigation": "#D55E00",
    "public_space": "#009E73",
    "mediation": "#CC79A7",
    "contact": "#E69F00",
    "information": "#56B4E9",
    "policy": "#000000",
}
INITIATIVE_SYMBOLS = {
    "surveillance": "circle",
    "investigation": "diamond",
    "public_space": "square",
    "mediation": "triangle-up",
    "contact": "star",
    "information": "cross",
    "policy": "x",
}


def missing_note(values, level: str, lang: str) -> list:
    """A legend line for the grey areas: how many, and why they have no figure.

    ``values`` is a data frame or a dict of columns."""
    missing = np.isnan(np.asarray(values["value"], dtype=float))
    if not missing.any():
        return []
    reasons = Counter(f for f, m in zip(values["flag"], missing.tolist()) if m)
    parts = [f"{count} × {t(f'flag_{flag}', lang)}" for flag, count in reasons.most_common()]
    swatch = html.Span(className="swatch", style={"background": NO_VALUE_GREY})
    text = t("missing_note", lang, n=int(missing.sum()), level=t(level, lang).lower())
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
                error_y=interval_bars(data, color=colour, thickness=1.2),
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
                hovertemplate="%{text}<br>x %{x:.0f}, y %{y:.0f}<extra></extra>",
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
    )
    return fig


def funnel_plot(frame: pd.DataFrame, label: str, lang: str) -> go.Figure:
    """Rates against population with 95% and 99.8% control limits (overdispersion included).

    The funnel table holds rates and limits per 1,000 already."""
    fig = go.Figure()
    per = 1
    for col, dash, name in (("95", "dot", "95%"), ("998", "dash", "99,8%")):
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
            hovertemplate="%{text}<br>%{y:.1f} per 1.000<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": label},
        xaxis_title=t("population", lang),
        yaxis_title="per 1.000",
        height=420,
        margin={"l": 60, "r": 10, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def category_bars(frame: pd.DataFrame, labels: dict[str, str], lang: str) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=frame["n"],
            y=[labels.get(c, c) for c in frame["category"]],
            orientation="h",
            marker_color="#0072B2",
            text=frame["n_public"],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    return labelled_bar_layout(fig, t("categories_title", lang))


def labelled_bar_layout(fig: go.Figure, title: str, **layout: object) -> go.Figure:
    """Layout of a horizontal bar chart with long labels, first bar on top."""
    fig.update_layout(
        title={"text": title},
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
    return labelled_bar_layout(fig, t("hotspots_title", lang), xaxis={"title": "Gi* z"})
