"""The map page: an indicator per area on a choropleth, and the trend of a chosen area."""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import figures, queries
from dashboard.i18n import t
from dashboard.store import Store
from dashboard.tables import data_table


def layout(store: Store, lang: str = "nl") -> html.Div:
    ids = queries.indicator_ids(store)
    meta = queries.indicator_meta(store)
    first = ids[0] if ids else None
    periods = queries.periods(store, first) if first else []
    level_values = queries.levels(store)
    return html.Div(
        className="map-page",
        children=[
            html.Div(
                className="controls",
                role="group",
                children=[
                    html.Div(
                        [
                            html.Label(
                                t("indicator", lang), htmlFor="indicator", id="indicator-label"
                            ),
                            dcc.Dropdown(
                                id="indicator",
                                options=_indicator_options(ids, meta, lang),
                                value=first,
                                clearable=False,
                            ),
                        ],
                        className="control control-wide",
                    ),
                    html.Div(
                        [
                            html.Label(t("period", lang), htmlFor="period", id="period-label"),
                            dcc.Dropdown(
                                id="period",
                                options=periods,
                                value=periods[-1] if periods else None,
                                clearable=False,
                            ),
                        ],
                        className="control",
                    ),
                    html.Fieldset(
                        [
                            html.Legend(t("level", lang), id="level-label"),
                            dcc.RadioItems(
                                id="level",
                                options=_level_options(level_values, lang),
                                value=level_values[0] if level_values else None,
                                inline=True,
                            ),
                        ],
                        className="control",
                    ),
                ],
            ),
            html.Div(
                className="panels",
                children=[
                    html.Section(
                        className="map-panel",
                        children=[
                            dcc.Graph(
                                id="map",
                                config={
                                    "displaylogo": False,
                                    "scrollZoom": False,
                                    "topojsonURL": "/assets/topojson/",
                                },
                                style={"height": "560px"},
                            ),
                            html.P(id="map-missing", className="map-missing"),
                            html.P(id="map-definition", className="definition"),
                            html.P(id="map-attribution", className="attribution"),
                            html.Details(
                                [
                                    html.Summary(t("table_map", lang), id="map-table-summary"),
                                    html.Div(id="map-table"),
                                ]
                            ),
                        ],
                    ),
                    html.Section(
                        className="trend-panel",
                        children=[
                            html.P(t("pick_area", lang), id="pick-area-hint"),
                            html.Label(t("area", lang), htmlFor="area", id="area-label"),
                            dcc.Dropdown(id="area", clearable=False),
                            dcc.Graph(id="trend", config={"displaylogo": False}),
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


def _indicator_options(ids: list[str], meta: dict, lang: str) -> list[dict]:
    return [{"label": meta[i].label(lang), "value": i} for i in ids]


def _level_options(levels: list[str], lang: str) -> list[dict]:
    return [{"label": t(lv, lang), "value": lv} for lv in levels]


def register_callbacks(app: Dash, store: Store) -> None:
    @app.callback(
        Output("lang-label", "children"),
        Output("page-title", "children"),
        Output("indicator-label", "children"),
        Output("period-label", "children"),
        Output("level-label", "children"),
        Output("area-label", "children"),
        Output("pick-area-hint", "children"),
        Output("map-table-summary", "children"),
        Output("trend-table-summary", "children"),
        Output("indicator", "options"),
        Output("level", "options"),
        Input("lang", "value"),
    )
    def relabel(lang):
        keys = (
            "language",
            "title",
            "indicator",
            "period",
            "level",
            "area",
            "pick_area",
            "table_map",
            "table_trend",
        )
        return (
            *[t(k, lang) for k in keys],
            _indicator_options(queries.indicator_ids(store), queries.indicator_meta(store), lang),
            _level_options(queries.levels(store), lang),
        )

    @app.callback(
        Output("period", "options"),
        Output("period", "value"),
        Input("indicator", "value"),
        State("period", "value"),
    )
    def period_choices(indicator, current):
        periods = queries.periods(store, indicator) if indicator else []
        value = current if current in periods else (periods[-1] if periods else None)
        return periods, value

    @app.callback(
        Output("area", "options"),
        Output("area", "value"),
        Input("level", "value"),
        Input("map", "clickData"),
        State("area", "value"),
    )
    def area_choice(level, click, current):
        frame = queries.areas(store, level)
        options = [{"label": n, "value": c} for c, n in zip(frame["code"], frame["name"])]
        codes = set(frame["code"])
        clicked = (click or {}).get("points", [{}])[0].get("location")
        if clicked in codes:
            return options, clicked
        if current in codes:
            return options, current
        return options, (frame["code"].iloc[0] if len(frame) else None)

    @app.callback(
        Output("map", "figure"),
        Output("map-table", "children"),
        Output("map-missing", "children"),
        Output("map-definition", "children"),
        Output("map-attribution", "children"),
        Input("indicator", "value"),
        Input("level", "value"),
        Input("period", "value"),
        Input("lang", "value"),
    )
    def update_map(indicator, level, period, lang):
        if not (indicator and level and period):
            return no_update, no_update, no_update, no_update, no_update
        entry = queries.indicator_meta(store)[indicator]
        values = queries.public_area_values(store, indicator, level, period)
        fig = figures.choropleth(
            queries.area_geojson(store, level),
            values,
            entry.label(lang),
            entry.unit,
            entry.direction,
            lang,
        )
        table = data_table(values, entry.unit, lang, "map")
        missing = figures.missing_note(values, level, lang)
        definition = f"{entry.definition[lang]} {queries.rules_text(store, lang)}"
        return fig, table, missing, definition, queries.attribution(store, lang, indicator)

    @app.callback(
        Output("trend", "figure"),
        Output("trend-table", "children"),
        Input("area", "value"),
        Input("indicator", "value"),
        Input("lang", "value"),
    )
    def update_trend(area_code, indicator, lang):
        if not (area_code and indicator):
            return no_update, no_update
        entry = queries.indicator_meta(store)[indicator]
        name = queries.area_name(store, area_code)
        city_code, city_name = queries.city(store)
        frame = queries.area_trend(store, indicator, area_code)
        city_frame = queries.area_trend(store, indicator, city_code)
        fig = figures.trend(frame, city_frame, name, city_name, entry.label(lang), entry.unit, lang)
        table = data_table(frame.assign(area_code=area_code, name=name), entry.unit, lang, "trend")
        return fig, table
