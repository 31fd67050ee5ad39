"""The map of a view, shared by the map page and the Initiatives page: classes and hover
texts of every area (kept per view), and the whole figure with borders of the larger
areas, names, water, the layers asked for, the selected area and the zoom.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from dashboard import auth, basemap, map_figure, queries
from dashboard.compare import classify, map_classes
from dashboard.harmonised_marks import harmonised_text
from dashboard.i18n import category_label, t
from dashboard.period_marks import marks_text
from dashboard.store import Store


class MapView(NamedTuple):
    """What an indicator switch sends: colour index (class or kind of missing) and hover
    texts of every area, the water areas, and the note on the areas without a figure
    (made once per view: counting 10,000 flags is too slow for every switch)."""

    values: dict
    classes: list[int]
    custom: list[list[str]]
    hovertemplate: str
    water: list[bool]
    missing: list
    definition: str


@queries.view_cache(lambda view: len(view.classes))
def map_view(
    store: Store,
    version: tuple[int, int],
    indicator: str,
    level: str,
    period: str,
    role: str,
    lang: str,
    method: str = "direct",
) -> MapView:
    """The map's classes and hover texts of one view, kept per database file (a build
    never changes a file in place).  Built from plain columns, never a data frame, so
    a view nobody asked for before is still answered within the switch budget."""
    entry, values, classes, water = _classified(store, indicator, level, period, role, method)
    custom = map_figure.map_custom(values, classes, lang, water)
    if method == "model":  # every hover says the figure is model-based
        custom = [[*c[:-1], f"{c[-1]} · {t('method_model', lang)}"] for c in custom]
    return MapView(
        values,
        map_classes(classes, list(values["flag"]), water).tolist(),
        custom,
        map_figure.hover_template(entry.unit, lang),
        water,
        map_figure.missing_note(values, level, lang, water),
        definition_text(store, entry, indicator, period, method, lang),
    )


def _classified(store: Store, indicator: str, level: str, period: str, role: str, method: str):
    """The indicator's entry, the view's public columns (through the gate), each area's
    class against the municipality and which areas are water: what a whole map and a
    switch both start from."""
    entry = queries.indicator_meta(store)[indicator]
    values = queries.public_area_columns(store, indicator, level, period, role, method)
    city = values["city_value"][0] if len(values["area_code"]) else None
    classes = classify(values, city, entry.direction)
    return entry, values, classes, queries.area_points(store, level)["water"]


class MapSwitch(NamedTuple):
    """What an indicator switch that keeps the shapes sends (per view, like MapView):
    the view as numbers for the browser (map_figure.switch_data), the note on the areas
    without a figure, the definition, and whether any area has a figure.  No hover text
    is written here: a view nobody asked for before costs a few array operations."""

    data: dict
    missing: list
    definition: str
    any_value: bool


@queries.view_cache(lambda switch: len(switch.data["n"]) // 4)
def map_switch(
    store: Store,
    version: tuple[int, int],
    indicator: str,
    level: str,
    period: str,
    role: str,
    lang: str,
    method: str = "direct",
) -> MapSwitch:
    """:class:`MapSwitch` of one view, kept per database file."""
    entry, values, classes, water = _classified(store, indicator, level, period, role, method)
    index = map_classes(classes, list(values["flag"]), water)
    template = map_figure.hover_template(entry.unit, lang)
    return MapSwitch(
        map_figure.switch_data(values, index, lang, method, template),
        map_figure.missing_note(values, level, lang, water),
        definition_text(store, entry, indicator, period, method, lang),
        bool(np.isfinite(np.asarray(values["value"], dtype=float)).any()),
    )


def definition_text(store: Store, entry, indicator: str, period: str, method: str, lang: str):
    """What the figures are: definition (or the model's), partial periods, harmonised
    codes and the disclosure rules, as one sentence under the map."""
    parts = (
        t("model_definition", lang) if method == "model" else None,
        entry.definition[lang] if method == "direct" else None,
        marks_text(queries.period_marks(store, indicator, period), lang),
        harmonised_text(queries.harmonised_marks(store, indicator, period), lang),
        queries.rules_text(store, lang),
    )
    return " ".join(filter(None, parts))


def incident_category(indicator: str) -> str:
    """The incident category of an indicator (its hotspots and points), else all incidents."""
    for prefix in ("incident_rate.", "incident_rate_eb."):
        if indicator.startswith(prefix):
            return indicator[len(prefix) :]
    return "total"


#: Larger areas whose borders are drawn over a level's areas, and whose names are shown.
OUTLINED = {"buurt": ("wijk", "stadsdeel"), "wijk": ("stadsdeel",)}
LABELLED = {"buurt": "wijk", "wijk": "wijk"}
#: Names are drawn when there are at most this many (a city's wijken): the 2,529 wijken
#: of the whole country cannot be read at once, and drawing them as text took longer
#: than drawing the 9,949 buurten under them.
MAX_NAMES = 400


def draw_map(
    store: Store,
    view: MapView,
    level: str,
    layers: list[str],
    tiles: bool,
    selected: str | None,
    zoom: str | None,
    category: str,
    period: str,
    lang: str,
):
    """The whole map figure of a view: areas, borders of the larger areas, names, water,
    the layers asked for, the selected area outlined, zoomed to ``zoom`` (an area)."""
    template = basemap.tiles()
    background = basemap.layout(template, queries.level_bounds(store, level)) if tiles else None
    points = queries.initiative_points(store) if "initiatives" in layers else None
    figure = map_figure.class_map(
        queries.geojson_url(store, level),
        view.values["area_code"],
        view.classes,
        view.custom,
        view.hovertemplate,
        lang,
        None,
        background,
    )
    present = queries.levels(store)
    for larger in OUTLINED.get(level, ()):
        if larger in present:
            name = t("map_outlines", lang, level=t(larger, lang).lower())
            width = 2.6 if larger == "stadsdeel" else 1.6
            map_figure.add_outlines(
                figure, queries.area_outlines(store, larger), name, background, width
            )
    map_figure.add_water_marks(figure, queries.area_points(store, level), lang, background)
    labelled = LABELLED.get(level)
    if labelled in present and len(queries.area_points(store, labelled)["code"]) <= MAX_NAMES:
        name = t("map_labels", lang, level=t(labelled, lang).lower())
        map_figure.add_labels(figure, queries.area_points(store, labelled), name, background)
    if "hotspots" in layers:
        add_hotspot_layer(store, figure, category, level, lang, background)
    if points is not None and len(points):
        map_figure.add_initiatives(figure, points, lang, background)
    if "incidents" in layers:
        map_figure.add_incident_points(
            figure, queries.incident_points(store, category, period), lang, background
        )
    if selected:
        name = t("map_selected", lang, name=queries.area_name(store, selected))
        selected_level = queries.area_level(store, selected)
        lines = queries.area_outlines(store, selected_level, (selected,))
        map_figure.add_selected(figure, lines, name, background)
    if zoom:
        map_figure.zoom_to(figure, queries.area_bounds(store, zoom), background)
        figure.update_layout(uirevision=f"map {level} {zoom}")
    return figure


def whole_map(
    store: Store,
    view: tuple,
    drawn: dict,
    title: str,
    source: str,
) -> dict:
    """The whole map of ``view`` (indicator, level, period, role, lang, method) with the
    shapes ``drawn`` says (the map page's key: layers, background, selected area, zoom),
    titled, as plotly's JSON: kept for the last few asked for per database file, so a
    page opened again (everyone's first map) is only encoded, not built again."""
    key = json.dumps(drawn, sort_keys=True)
    return _whole_map(store, store.version, *view, key, title, source)


@lru_cache(maxsize=8)
def _whole_map(
    store: Store,
    version: tuple[int, int],
    indicator: str,
    level: str,
    period: str,
    role: str,
    lang: str,
    method: str,
    drawn: str,
    title: str,
    source: str,
) -> dict:
    key = json.loads(drawn)
    view = map_view(store, version, indicator, level, period, role, lang, method)
    figure = draw_map(
        store,
        view,
        level,
        key["layers"],
        key["basemap"],
        key["area"],
        key["zoom"],
        incident_category(indicator),
        period,
        lang,
    )
    figure.update_layout(meta=key, title_text=title, title_subtitle_text=source)
    return _listed(figure.to_plotly_json())


def _listed(node):
    """Plotly's JSON with its object arrays (texts, lines with gaps) as lists, once."""
    if isinstance(node, dict):
        return {k: _listed(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_listed(v) for v in node]
    if isinstance(node, np.ndarray) and node.dtype == object:
        return node.tolist()
    return node


def add_hotspot_layer(store: Store, figure, category: str, level: str, lang: str, background):
    """Stable hotspots of the category (all years) on ``level``, outlined, for the role."""
    hot = queries.stable_hotspots(store, category, level, auth.role())
    label = category_label(queries.indicator_meta(store), category, lang)
    if queries.hotspots_withheld(store, category, level, auth.role()):
        key = "hotspots_layer_withheld"  # not shown, which is not the same as none
    else:
        key = "hotspots_layer" if len(hot) else "hotspots_layer_none"
    name = t(key, lang, category=label)
    codes = tuple(hot["code"])
    every = queries.area_points(store, level)
    position = {c: i for i, c in enumerate(every["code"])}
    at = [position[c] for c in codes]
    map_figure.add_hotspots(
        figure,
        queries.area_outlines(store, level, codes),
        {"lon": [every["lon"][i] for i in at], "lat": [every["lat"][i] for i in at]},
        [f"{n}: {t('hotspot_holds', lang, category=label)}" for n in hot["name"]],
        name,
        background,
    )
    return figure
