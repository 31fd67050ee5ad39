"""The map: areas coloured against the city, every kind of missing in its own colour,
outlines of the larger areas, names, the selected area, hotspots and initiatives.

Plain functions from columns to a plotly figure.  The first trace holds every area
(its colour index from :func:`dashboard.compare.map_classes`), so an indicator switch
patches only its ``z``, ``customdata`` and the title; every other trace is a layer
drawn over it, in a fixed order after :data:`LEGEND_TRACES` legend entries.

Without ``basemap`` the map is SVG (no WebGL, no network); with it (the ``layout.map``
of dashboard.basemap) the same traces lie on tiles.
"""

from __future__ import annotations

import base64
from collections import Counter

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard.compare import (
    CLASSES,
    MISSING_COLOURS,
    MISSING_KINDS,
    NONE,
    discrete_colorscale,
    map_colours,
    missing_kind,
)
from dashboard.fmt import count, count_texts, intervals, numbers, plotly_separators
from dashboard.fmt import unit as fmt_unit
from dashboard.i18n import t

#: Legend entries after the areas: the five classes, then the four kinds of missing.
LEGEND_TRACES = len(CLASSES) - 1 + len(MISSING_KINDS)
#: Lines over the areas: larger areas, the selected area, stable hotspots.
OUTLINE_COLOUR = "#252525"
SELECTED_COLOUR = "#000000"
HOTSPOT_COLOUR = "#D55E00"
#: A mark on every water area, so water reads as water without its colour too.
WATER_MARK = "≈"
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
MAP_HEIGHT = 600


def map_custom(values, classes: np.ndarray, lang: str, water=None) -> list[list[str]]:
    """Hover texts per area: name, value, interval, n, comparison, status.

    ``values`` is a data frame or a dict of columns (see queries.public_area_columns);
    an area without a figure says which kind of missing it is and why."""
    class_text = {i: t(f"class_{c}", lang) for i, c in enumerate(CLASSES)}
    flags = list(values["flag"])
    flag_text = {f: t(f"flag_{f}", lang) for f in set(flags)}
    counts = (
        count_texts(values["n_public"], lang)
        if "n_public" in values
        else numbers(values["n"], lang, 0)
    )
    water = [False] * len(flags) if water is None else list(water)
    return [
        [
            name,
            value,
            interval,
            n,
            class_text[c] if c != NONE else t(f"missing_{missing_kind(f, w)}", lang),
            flag_text[f],
        ]
        for name, value, interval, n, c, f, w in zip(
            list(values["name"]),
            numbers(values["value"], lang),
            intervals(values["ci_low"], values["ci_high"], lang),
            counts,
            np.asarray(classes).tolist(),
            flags,
            water,
        )
    ]


def listed(values) -> np.ndarray:
    """A trace's column as an object array: it travels as the same JSON list, but plotly
    checks it as one array instead of item by item (10,000 areas: milliseconds, not a
    second); numbers stay plain JSON numbers, not a binary array."""
    return np.array(values if isinstance(values, list) else list(values), dtype=object)


def switch_data(values, colour_index, lang: str, method: str, hovertemplate: str) -> dict:
    """What an indicator switch that keeps the shapes sends to the browser, which writes
    the same hover texts as :func:`map_custom` from it (``assets/map_switch.js``): the
    colour index, value and interval as numbers (binary, as plotly sends arrays), the
    gate's count texts, a flag number per area with the texts of the flags and of the
    colour indices.  Names never travel again: the browser keeps those of the map drawn.
    ``values`` are public_area_columns, after the gate."""
    flag_index, flags = pd.factorize(np.asarray(values["flag"], dtype=object))
    suffix = f" · {t('method_model', lang)}" if method == "model" else ""
    return {
        "z": packed(colour_index, "u1"),
        "value": packed(values["value"], "f8"),
        "low": packed(values["ci_low"], "f8"),
        "high": packed(values["ci_high"], "f8"),
        "n": list(values["n_public"]),  # the gate's texts
        "flag": packed(flag_index, "u1"),
        "flags": [t(f"flag_{f}", lang) + suffix for f in list(flags)],
        "classes": [t(f"class_{c}", lang) for c in CLASSES[:NONE]]
        + [t(f"missing_{k}", lang) for k in MISSING_KINDS],
        "lang": lang,
        "hovertemplate": hovertemplate,
    }


def packed(values, dtype: str) -> dict:
    """A column as plotly's binary array (``{"dtype", "bdata"}``, little-endian)."""
    array = np.ascontiguousarray(np.asarray(values, dtype=np.dtype(dtype).newbyteorder("<")))
    return {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def hover_template(unit: str, lang: str) -> str:
    interval, unit = t("interval", lang), fmt_unit(unit, lang)
    return (
        "<b>%{customdata[0]}</b><br>%{customdata[1]} "
        + unit
        + "<br>"
        + interval
        + ": %{customdata[2]}<br>n = %{customdata[3]}<br>%{customdata[4]}"
        + "<br>%{customdata[5]}<extra></extra>"
    )


def points_trace(basemap: dict | None):
    """The plotly trace type for points and lines on the map drawn (SVG geo or tiles)."""
    return go.Scattermap if basemap else go.Scattergeo


def class_map(
    geojson_url: str,
    codes,
    colour_index,
    custom: list[list[str]],
    hovertemplate: str,
    lang: str,
    initiatives: pd.DataFrame | None = None,
    basemap: dict | None = None,
    title: str = "",
    source: str = "",
) -> go.Figure:
    """Every area coloured by ``colour_index`` (a class against the city, or a kind of
    missing, see :func:`dashboard.compare.map_classes`), with hover texts ``custom``,
    a legend entry per class and per kind of missing, a title and the source as its
    subtitle (so an
    exported image says what it shows), and the initiatives by form.

    The geometry is a URL (served once by /geo/<level>.geojson), so the figure is
    small and an indicator switch patches only ``z``, ``customdata`` and the texts.
    """
    colours = map_colours()
    common = {
        "geojson": geojson_url,
        "featureidkey": "id",
        "locations": listed(codes),
        "z": listed(np.asarray(colour_index).tolist()),
        "zmin": -0.5,
        "zmax": len(colours) - 0.5,
        "colorscale": discrete_colorscale(colours),
        "showscale": False,
        "marker_line_color": "#636363",
        "marker_line_width": 0.5,
        "customdata": listed(custom),
        "hovertemplate": hovertemplate,
        "name": "areas",
        "showlegend": False,
    }
    if basemap:
        fig = go.Figure(go.Choroplethmap(**common, marker_opacity=0.8))
    else:
        fig = go.Figure(go.Choropleth(**common))
    for entry, colour in zip(legend_entries(lang), colours):
        fig.add_trace(_legend_swatch(entry, colour, basemap))
    if initiatives is not None and len(initiatives):
        add_initiatives(fig, initiatives, lang, basemap)
    if basemap:
        fig.update_layout(map=basemap)
    else:
        fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 54, "b": 8},
        height=MAP_HEIGHT,
        dragmode="pan",
        uirevision="map",
        separators=plotly_separators(lang),
        showlegend=True,
        legend={"orientation": "h", "y": -0.02, "yanchor": "top", "font": {"size": 11}},
        title={
            "text": title,
            "x": 0.01,
            "font": {"size": 14},
            "subtitle": {"text": source, "font": {"size": 10, "color": "#444444"}},
        },
    )
    return fig


def legend_entries(lang: str) -> list[str]:
    """The legend's texts: the five classes, then the four kinds of missing."""
    return [t(f"class_{c}", lang) for c in CLASSES[:NONE]] + [
        t(f"missing_{k}", lang) for k in MISSING_KINDS
    ]


def _legend_swatch(name: str, colour: str, basemap: dict | None):
    """A legend entry only (no point drawn): a square in the colour of its areas."""
    marker = {"size": 12, "color": colour}
    if not basemap:  # tile maps draw circles only, without an edge
        marker.update(symbol="square", line={"color": "#636363", "width": 1})
    return points_trace(basemap)(
        lon=[None], lat=[None], mode="markers", marker=marker, name=name, hoverinfo="skip"
    )


def map_title(indicator_label: str, level_label: str, period: str) -> str:
    return f"{indicator_label} · {level_label} · {period}"


def export_config(filename: str) -> dict:
    """The chart toolbar's image download: a PNG named after the view, twice the size."""
    return {"toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def add_water_marks(fig: go.Figure, points: dict, lang: str, basemap: dict | None) -> go.Figure:
    """A wave mark on every water area (``points`` from queries.area_points)."""
    water = np.asarray(points["water"], dtype=bool)
    if not water.any():
        return fig
    trace = points_trace(basemap)(
        lon=np.asarray(points["lon"])[water].tolist(),
        lat=np.asarray(points["lat"])[water].tolist(),
        mode="text",
        text=[WATER_MARK] * int(water.sum()),
        textfont={"size": 16, "color": "#08519c"},
        name=t("missing_water", lang),
        showlegend=False,
        hoverinfo="skip",
    )
    fig.add_trace(trace)
    return fig


def add_outlines(
    fig: go.Figure,
    lines: tuple[list, list],
    name: str,
    basemap: dict | None,
    width: float = 1.6,
    colour: str = OUTLINE_COLOUR,
    **legend: object,
) -> go.Figure:
    """Borders drawn over the areas (a wijk, a stadsdeel, a selection, hotspots); without
    ``legend`` (showlegend, legendgroup, meta) no legend entry."""
    lon, lat = lines
    fig.add_trace(
        points_trace(basemap)(
            lon=listed(lon or [None]),
            lat=listed(lat or [None]),
            mode="lines",
            line={"color": colour, "width": width},
            name=name,
            hoverinfo="skip",
            **{"showlegend": False, **legend},
        )
    )
    return fig


def add_labels(
    fig: go.Figure, points: dict, name: str, basemap: dict | None, size: int = 11
) -> go.Figure:
    """Area names at a point inside each area (``points`` from queries.area_points)."""
    keep = ~np.asarray(points["water"], dtype=bool)
    trace = points_trace(basemap)(
        lon=listed(np.asarray(points["lon"])[keep].tolist()),
        lat=listed(np.asarray(points["lat"])[keep].tolist()),
        mode="text",
        text=listed(np.asarray(points["name"], dtype=object)[keep].tolist()),
        textfont={"size": size, "color": "#111111"},
        name=name,
        showlegend=False,
        hoverinfo="skip",
    )
    if not basemap:  # a light halo keeps a name readable on a dark area
        trace.update(textfont={"shadow": "1px 1px 2px white, -1px -1px 2px white"})
    fig.add_trace(trace)
    return fig


def add_selected(
    fig: go.Figure, lines: tuple[list, list], name: str, basemap: dict | None
) -> go.Figure:
    """The selected area outlined in a thick dark line (legend: its name)."""
    return add_outlines(
        fig, lines, name, basemap, 3.5, SELECTED_COLOUR, showlegend=True, meta="selected"
    )


def zoom_to(
    fig: go.Figure, bounds: tuple[float, float, float, float], basemap: dict | None
) -> go.Figure:
    """Show ``bounds`` (west, south, east, north) whole, with a small margin."""
    west, south, east, north = bounds
    pad_x, pad_y = (east - west) * 0.05, (north - south) * 0.05
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    if basemap:
        from dashboard.basemap import fit

        centre, zoom = fit((west, south, east, north))
        fig.update_layout(map={"center": centre, "zoom": zoom})
    else:
        fig.update_geos(fitbounds=False, lonaxis_range=[west, east], lataxis_range=[south, north])
    return fig


def add_hotspots(
    fig: go.Figure,
    lines: tuple[list, list],
    points: dict,
    hover: list[str],
    name: str,
    basemap: dict | None,
) -> go.Figure:
    """Stable hotspots (hot at buurt and wijk level) outlined in orange, with a hover
    text at a point inside each (``points``: lon, lat of those areas)."""
    add_outlines(
        fig,
        lines,
        name,
        basemap,
        3,
        HOTSPOT_COLOUR,
        showlegend=True,
        legendgroup="hotspots",
        meta="hotspots",
    )
    marker = {"size": 10, "color": HOTSPOT_COLOUR}
    if not basemap:
        marker["symbol"] = "triangle-up"
    fig.add_trace(_markers(basemap, points["lon"], points["lat"], marker, name, hover, ""))
    fig.data[-1].update(showlegend=False, legendgroup="hotspots")
    return fig


def _markers(basemap, lon, lat, marker: dict, name: str, text, extra: str):
    """Points with a hover text each (``extra``: the trace's name beside it)."""
    return points_trace(basemap)(
        lon=lon,
        lat=lat,
        mode="markers",
        marker=marker,
        name=name,
        text=text,
        hovertemplate="%{text}<extra>" + extra + "</extra>",
    )


def add_initiatives(
    fig: go.Figure, initiatives: pd.DataFrame, lang: str, basemap: dict | None
) -> go.Figure:
    """Initiatives as points, one legend entry per form (Okabe-Ito colours, symbols)."""
    for kind, group in initiatives.groupby("type", sort=True):
        marker = {"size": 9, "color": INITIATIVE_COLOURS.get(kind, "#000000")}
        if not basemap:  # tile maps draw circles only (symbols need a sprite sheet)
            marker["symbol"] = INITIATIVE_SYMBOLS.get(kind, "circle")
            marker["line"] = {"color": "white", "width": 1}
        label = t(f"type_{kind}", lang)
        fig.add_trace(
            _markers(basemap, group["lon"], group["lat"], marker, label, group["name"], label)
        )
    return fig


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
    return fig


def missing_note(values, level: str, lang: str, water=None) -> list:
    """A legend line per kind of missing: its colour, how many areas, and why.

    ``values`` is a data frame or a dict of columns."""
    missing = np.isnan(np.asarray(values["value"], dtype=float))
    if not missing.any():
        return []
    flags = np.asarray(values["flag"], dtype=object)[missing].tolist()
    water = [False] * len(flags) if water is None else np.asarray(water, bool)[missing].tolist()
    total = count(int(missing.sum()), lang)
    parts: list = [t("missing_note", lang, n=total, level=t(level, lang).lower())]
    # one pass over the areas without a figure (a national map has thousands)
    kind_of_flag = {f: missing_kind(f, False) for f in set(flags)}
    reasons_of = {kind: Counter() for kind in MISSING_KINDS}
    for f, w in zip(flags, water):
        reasons_of["water" if w else kind_of_flag[f]][f] += 1
    for kind in MISSING_KINDS:
        reasons = reasons_of[kind]
        if not reasons:
            continue
        why = "; ".join(
            f"{count(k, lang)} × {t(f'flag_{flag}', lang)}" for flag, k in reasons.most_common()
        )
        if kind == "water":
            why = count(sum(reasons.values()), lang)
        parts.append(
            html.Span(
                [
                    html.Span(className="swatch", style={"background": MISSING_COLOURS[kind]}),
                    f" {t(f'missing_{kind}', lang)}: {why}",
                ],
                className="missing-kind",
            )
        )
    return [parts[0], ": ", *_joined(parts[1:])]


def _joined(parts: list) -> list:
    out: list = []
    for i, part in enumerate(parts):
        out += ([" · "] if i else []) + [part]
    return out
