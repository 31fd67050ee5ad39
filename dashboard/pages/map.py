"""The map page: any indicator per area against the city, with its trend and table.

The map outlines the area of the area control (``ctl("area", "map")``, any level) and
shows one area whole (:func:`focus`): the one chosen in the area control (a search over
every level, dashboard.area_choice, or the address), or the value of ``map-zoom`` when
that control is used ("" is the whole municipality); a click on the map only outlines.
:func:`dashboard.map_view.whole_map` draws it (draw_map; dashboard.map_figure.add_selected
and zoom_to).
"""

from __future__ import annotations

import numpy as np
from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import area_choice, auth, basemap, figures, inputs, map_figure, queries
from dashboard.controls import ctl, dropdown, radio
from dashboard.i18n import t
from dashboard.map_view import incident_category, map_switch, map_view, whole_map
from dashboard.map_zoom import zoom_control
from dashboard.state import ViewState
from dashboard.store import Store
from dashboard.tables import PAGE_SIZE, SORT_COLUMNS, data_table, table_page

#: The controls that make a view of the map: what the colours and the table show.
VIEW = ("indicator", "level", "period", "method")


def resolve(store: Store, state: ViewState) -> ViewState:
    """The view with every value checked against the database (defaults for the rest)."""
    ids = queries.indicator_ids(store)
    indicator = state.indicator if state.indicator in ids else (ids[0] if ids else None)
    periods = queries.periods(store, indicator) if indicator else []
    period = state.period if state.period in periods else (periods[-1] if periods else None)
    levels = queries.levels(store)
    level = state.level if state.level in levels else (levels[0] if levels else None)
    area = state.area if state.area and queries.area_info(store, state.area) else None
    return state.with_values(indicator=indicator, period=period, level=level, area=area)


def indicator_options(store: Store, lang: str) -> list[dict]:
    meta = queries.indicator_meta(store)
    return [{"label": meta[i].label(lang), "value": i} for i in queries.indicator_ids(store)]


def level_options(store: Store, lang: str) -> list[dict]:
    return [{"label": t(lv, lang), "value": lv} for lv in queries.levels(store)]


def method_options(lang: str) -> list[dict]:
    """Direct survey figures or model-based (small-area) estimates."""
    return [{"label": t(f"method_{m}", lang), "value": m} for m in queries.METHODS]


def layer_options(lang: str) -> list[dict]:
    """Map layers; point-level incidents only for signed-in professionals."""
    options = [
        {"label": t("show_initiatives", lang), "value": "initiatives"},
        {"label": t("show_hotspots", lang), "value": "hotspots"},
    ]
    if auth.at_least("professional"):
        options.append({"label": t("show_incidents", lang), "value": "incidents"})
    return options


def basemap_control(lang: str) -> list:
    """The background-map switch (when tiles are configured) and its state.

    The switch starts on: the browser asks for one test tile as the page opens, and
    the background appears only when it arrives (otherwise the switch goes off with a
    message and the map stays without tiles).  The store holds whether the background
    is on, the test tile and that message."""
    template = basemap.tiles()
    data = {"on": False, "probe": basemap.probe_url(template) if template else None}
    data["offline"] = t("basemap_offline", lang)
    parts: list = [dcc.Store(id="basemap", data=data)]
    if template:
        parts += [
            dcc.Checklist(
                id="basemap-toggle",
                options=[{"label": t("basemap", lang), "value": "on"}],
                value=["on"],
                className="control",
            ),
            html.P(id="basemap-status", role="status", className="status"),
        ]
    return parts


#: Switching the background on (also as the page opens, the switch starting on): the
#: browser first fetches one test tile; when that fails (offline, blocked, no
#: cross-origin access) the switch goes back off with a message.
BASEMAP_SWITCH = """
async function(value, data) {
    const no = window.dash_clientside.no_update;
    const on = (value || []).includes("on");
    if (!on) {
        return data.on ? [Object.assign({}, data, {on: false}), "", no] : [no, "", no];
    }
    // fetched as the map fetches its tiles (cross-origin, so a server that does not allow
    // that fails here too, not in the map), given up after 5 s
    const abort = new AbortController();
    const timer = setTimeout(function () { abort.abort(); }, 5000);
    let ok = false;
    try {
        const answer = await fetch(data.probe, {mode: "cors", signal: abort.signal});
        ok = answer.ok && (answer.headers.get("content-type") || "").startsWith("image/");
    } catch (error) {
        ok = false;
    }
    clearTimeout(timer);
    if (ok) {
        return [Object.assign({}, data, {on: true}), "", no];
    }
    return [data.on ? Object.assign({}, data, {on: false}) : no, data.offline, []];
}
"""


def indicator_period_controls(store: Store, state: ViewState, page: str) -> list:
    """The indicator and period dropdowns of a page (URL state)."""
    lang = state.lang
    return [
        dropdown(
            "indicator",
            page,
            t("indicator", lang),
            indicator_options(store, lang),
            state.indicator,
            wide=True,
        ),
        dropdown(
            "period",
            page,
            t("period", lang),
            queries.periods(store, state.indicator) if state.indicator else [],
            state.period,
        ),
    ]


def layout(store: Store, state: ViewState) -> html.Div:
    state = resolve(store, state)
    lang = state.lang
    area = area_choice.default_area(store, state.area)
    return html.Div(
        className="map-page",
        children=[
            html.H2(t("nav_map", lang), className="visually-hidden"),
            html.Div(
                className="controls",
                role="group",
                children=[
                    *indicator_period_controls(store, state, "map"),
                    radio(
                        "level", "map", t("level", lang), level_options(store, lang), state.level
                    ),
                    radio(
                        "method",
                        "map",
                        t("method", lang),
                        method_options(lang),
                        inputs.method(state.method) or "direct",
                    ),
                    dcc.Checklist(
                        id="layers",
                        options=layer_options(lang),
                        value=[],
                        className="control",
                    ),
                    zoom_control(store, lang),
                    *basemap_control(lang),
                ],
            ),
            html.Div(
                className="panels",
                children=[
                    html.Section(
                        className="map-panel",
                        **{"aria-labelledby": "indicator-label"},
                        children=[
                            html.P(id="map-method", className="method-note", role="status"),
                            dcc.Store(id="map-drawn", data=None),  # what the figure draws
                            dcc.Store(id="map-switch", data=None),  # a view, as numbers
                            figures.graph(
                                "map",
                                config={
                                    "scrollZoom": True,
                                    "topojsonURL": "/assets/topojson/",
                                    **map_figure.export_config(
                                        f"{state.indicator}_{state.level}_{state.period}"
                                    ),
                                },
                                style={"height": f"{map_figure.MAP_HEIGHT}px"},
                            ),
                            html.P(id="map-missing", className="map-missing"),
                            html.P(id="map-definition", className="definition"),
                            html.P(id="map-attribution", className="attribution"),
                            html.P(
                                [
                                    html.A(t("download_csv", lang), id="download-csv", href="#"),
                                    " · ",
                                    html.A(t("download_xlsx", lang), id="download-xlsx", href="#"),
                                    " · ",
                                    html.A(
                                        t("download_parquet", lang), id="download-parquet", href="#"
                                    ),
                                ],
                                className="downloads",
                            ),
                            html.Details(
                                [
                                    html.Summary(t("table_map", lang), id="map-table-summary"),
                                    html.Div(id="map-table"),
                                ],
                                id="map-table-details",
                                open=False,
                            ),
                        ],
                    ),
                    html.Section(
                        className="trend-panel",
                        children=[
                            html.P(t("pick_area", lang), id="pick-area-hint"),
                            dropdown(
                                "area",
                                "map",
                                t("area", lang),
                                area_choice.chosen(store, area, lang),  # more as one types
                                area,
                            ),
                            dcc.Link(t("open_profile", lang), id="profile-link", href="#"),
                            figures.graph("trend"),
                            html.Details(
                                [
                                    html.Summary(t("table_trend", lang), id="trend-table-summary"),
                                    html.Div(id="trend-table"),
                                ]
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )


def focus(
    store: Store, selected: str | None, zoom: str | None, drawn: dict, clicked: str | None
) -> str | None:
    """The area the map zooms to (None: every area).  The zoom control decides when it
    is used; an area chosen in the area chooser (a search) is zoomed to, one clicked on
    the map only outlined; otherwise the map keeps the zoom it has.  A first draw zooms
    to the area of the address (the municipality: every area)."""
    city = queries.city(store)[0]
    if ctx.triggered_id == "map-zoom":
        return zoom
    if ctx.triggered_id == ctl("area", "map") and selected != clicked:
        return None if selected in (None, city) else selected
    if "zoom" in drawn:
        return inputs.area(store, drawn["zoom"])
    return zoom or (None if selected in (None, city) else selected)


def method_note(any_value: bool, method: str, lang: str) -> str:
    """Which figures the map shows, always said; for a view without model values, why not."""
    if method == "model" and not any_value:
        return f"{t('shown_model', lang)} {t('model_none', lang)}"
    return t(f"shown_{method}", lang)


def register_period_choices(app: Dash, store: Store, page: str) -> None:
    """A page's periods follow its indicator; the period chosen stays when it exists.
    Not called as the page opens: its layout holds the periods and the period already
    (indicator_period_controls), and the map's first request would wait for this one."""

    @app.callback(
        Output(ctl("period", page), "options"),
        Output(ctl("period", page), "value"),
        Input(ctl("indicator", page), "value"),
        State(ctl("period", page), "value"),
        prevent_initial_call=True,
    )
    def period_choices(indicator, current):
        indicator = inputs.indicator(store, indicator)
        inputs.require(indicator)
        periods = queries.periods(store, indicator)
        value = current if current in periods else (periods[-1] if periods else None)
        return periods, value


def register_callbacks(app: Dash, store: Store) -> None:
    app.clientside_callback(
        BASEMAP_SWITCH,
        Output("basemap", "data"),
        Output("basemap-status", "children"),
        Output("basemap-toggle", "value"),
        Input("basemap-toggle", "value"),
        State("basemap", "data"),
    )

    app.clientside_callback(
        ClientsideFunction(namespace="unease_map", function_name="switch_view"),
        Output("map", "figure", allow_duplicate=True),
        Input("map-switch", "data"),
        State("map", "figure"),
        prevent_initial_call=True,
    )

    register_period_choices(app, store, "map")

    area_choice.register_search(app, store, "map")

    @app.callback(
        Output(ctl("area", "map"), "options"),
        Output(ctl("area", "map"), "value"),
        Input(ctl("level", "map"), "value"),
        Input("map", "clickData"),
        State(ctl("area", "map"), "value"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def area_for_level(level, click, current, lang):
        """A click chooses the area clicked; a new level keeps the place: the area chosen
        becomes its parent (or its most populous child) at that level.  The municipality
        stays chosen at every level."""
        level, lang = inputs.level(store, level), inputs.lang(lang)
        inputs.require(level, lang)
        if ctx.triggered_id == "map":
            area = inputs.clicked_area(store, click)
        else:
            current = inputs.area(store, current)
            inputs.require(current)
            if current == queries.city(store)[0]:
                raise PreventUpdate
            area = queries.counterpart(store, current, level)
        inputs.require(area)
        if area == current:
            raise PreventUpdate
        return area_choice.chosen(store, area, lang), area

    @app.callback(
        Output("map", "figure"),
        Output("map-switch", "data"),
        Output("map-method", "children"),
        Output("map-missing", "children"),
        Output("map-definition", "children"),
        Output("map-attribution", "children"),
        Output("download-csv", "href"),
        Output("download-xlsx", "href"),
        Output("download-parquet", "href"),
        Output("map-drawn", "data"),
        *[Input(ctl(name, "map"), "value") for name in VIEW],
        Input("layers", "value"),
        Input("basemap", "data"),
        Input(ctl("area", "map"), "value"),
        Input("map-zoom", "value"),
        State("map-drawn", "data"),
        State("map", "clickData"),
        State("page-lang", "data"),
    )
    def update_map(
        indicator, level, period, method, layers, background, selected, zoom, drawn, click, lang
    ):
        """Colours and hover texts of a view.  The figure drawn never comes back from the
        browser: the small ``map-drawn`` store says what it holds, so a switch that keeps
        the shapes sends only the view as numbers (``map-switch``), from which the
        browser writes colours, hover texts and titles (assets/map_switch.js)."""
        indicator, level = inputs.indicator(store, indicator), inputs.level(store, level)
        inputs.require(indicator, level)
        period, lang = inputs.period(store, indicator, period), inputs.lang(lang)
        layers, method = inputs.layers(layers), inputs.method(method)
        background, drawn = inputs.mapping(background), inputs.mapping(drawn)
        inputs.require(period, lang, layers, background, drawn, method)
        # an unknown area or zoom is no outline and the whole municipality
        selected, zoom = inputs.area(store, selected), inputs.area(store, zoom)
        zoom = focus(store, selected, zoom, drawn, inputs.clicked_area(store, click))
        role = auth.role()
        entry = queries.indicator_meta(store)[indicator]
        # point-level incidents only for professionals, whatever the browser asks
        if "incidents" in layers and not auth.at_least("professional"):
            layers.remove("incidents")
        category = incident_category(indicator)
        if (
            "incidents" in layers
            and category == "total"
            and not indicator.startswith("incident_rate")
        ):
            layers.remove("incidents")
        template = basemap.tiles()
        tiles = bool(template and (background or {}).get("on"))
        # the shapes drawn stay when level, layers, background, selected area and zoom do
        # (and, with incidents as points or hotspots, their category and period)
        drawn_key = {
            "level": level,
            "layers": layers,
            "basemap": tiles,
            "area": selected,
            "zoom": zoom,
        }
        if "incidents" in layers:
            drawn_key.update(category=category, period=period)
        if "hotspots" in layers:
            drawn_key.update(category=category)
        title = map_figure.map_title(entry.label(lang), t(level, lang), period)
        source = queries.attribution(store, lang, indicator)
        view = (store, store.version, indicator, level, period, role, lang, method)
        if drawn == drawn_key:
            # same shapes: the view as numbers; the browser writes colours, hover texts
            # and titles into the map it holds (assets/map_switch.js)
            switch = map_switch(*view)
            figure, data = no_update, {**switch.data, "title": title, "source": source}
            missing, definition, any_value = switch.missing, switch.definition, switch.any_value
        else:
            drawn_view = map_view(*view)
            figure = whole_map(store, view[2:], drawn_key, title, source)
            data, missing, definition = no_update, drawn_view.missing, drawn_view.definition
            any_value = bool(np.isfinite(np.asarray(drawn_view.values["value"], float)).any())
        query = f"?indicator={indicator}&level={level}&period={period}&lang={lang}"
        query += f"&method={method}"
        return (
            figure,
            data,
            method_note(any_value, method, lang),
            missing,
            definition,
            source + (f". {t('basemap_credit', lang)}: {basemap.attribution()}" if tiles else ""),
            f"/download/view.csv{query}",
            f"/download/view.xlsx{query}",
            f"/download/view.parquet{query}",
            drawn_key,
        )

    def table_values(indicator, level, period, method, lang):
        """The values behind the table of a view, with the view's indicator entry."""
        indicator, level, lang = (
            inputs.indicator(store, indicator),
            inputs.level(store, level),
            inputs.lang(lang),
        )
        inputs.require(indicator, level, lang)
        period, method = inputs.period(store, indicator, period), inputs.method(method)
        inputs.require(period, method)
        values = queries.public_area_values(store, indicator, level, period, auth.role(), method)
        return values, queries.indicator_meta(store)[indicator]

    @app.callback(
        Output("map-table", "children"),
        *[Input(ctl(name, "map"), "value") for name in VIEW],
        State("page-lang", "data"),
    )
    def update_table(indicator, level, period, method, lang):
        """The table behind the map: its own request, so the map's colours never wait for
        it; one page travels with it (tables.data_table)."""
        values, entry = table_values(indicator, level, period, method, lang)
        return data_table(values, entry.unit, lang, "map", page_size=PAGE_SIZE)

    @app.callback(
        Output("map-data-table", "data"),
        Input("map-data-table", "page_current"),
        Input("map-data-table", "sort_by"),
        *[State(ctl(name, "map"), "value") for name in VIEW],
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def page_of_table(page, sort_by, indicator, level, period, method, lang):
        """One page of the table behind the map, in the order asked for."""
        values, _ = table_values(indicator, level, period, method, lang)
        page, sort = inputs.page_number(page), inputs.table_sort(sort_by, SORT_COLUMNS)
        inputs.require(page)
        if sort is False:
            raise PreventUpdate
        return table_page(values, lang, page, PAGE_SIZE, sort)

    @app.callback(
        Output("trend", "figure"),
        Output("trend-table", "children"),
        Output("profile-link", "href"),
        Input(ctl("area", "map"), "value"),
        Input(ctl("indicator", "map"), "value"),
        Input(ctl("method", "map"), "value"),
        State("page-lang", "data"),
        State("url", "search"),
    )
    def update_trend(area_code, indicator, method, lang, search):
        area_code, indicator = inputs.area(store, area_code), inputs.indicator(store, indicator)
        method = inputs.method(method)
        inputs.require(area_code, indicator, inputs.lang(lang), method)
        entry = queries.indicator_meta(store)[indicator]
        name = queries.area_name(store, area_code)
        city_code, city_name = queries.city(store)
        role = auth.role()
        frame = queries.area_trend(store, indicator, area_code, role, method)
        city_frame = queries.area_trend(store, indicator, city_code, role)  # the city: direct
        survey = entry.source_kind == "survey_responses"
        fig = figures.trend(
            frame, city_frame, name, city_name, entry.label(lang), entry.unit, lang, survey
        )
        table = data_table(frame.assign(area_code=area_code, name=name), entry.unit, lang, "trend")
        href = f"/gebied?area={area_code}&indicator={indicator}&lang={lang}&method={method}"
        return fig, table, href
