"""Citizen initiatives: first a map of the initiatives by form over the chosen indicator
and the stable hotspots, then coverage by form, then each initiative's before/after
comparison with its interval, then the register, displacement and reach."""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import auth, figures, initiative_figures, initiative_tables, inputs, queries
from dashboard.controls import ctl, radio
from dashboard.i18n import category_label, t
from dashboard.map_view import draw_map, incident_category, map_view
from dashboard.pages.map import (
    indicator_period_controls,
    level_options,
    register_period_choices,
    resolve,
)
from dashboard.state import ViewState
from dashboard.store import Store
from dashboard.tables import empty_state, frame_table

PAGE = "initiatives"


def outcome_options(store: Store, lang: str) -> list[dict]:
    """The outcomes of the before/after comparisons, by their indicator's name."""
    frame = queries.table_rows(store, "initiative_effects", auth.role())
    if frame.empty:
        return []
    meta = queries.indicator_meta(store)
    options = []
    for outcome in sorted(set(frame["outcome"])):
        entry = meta.get(outcome) or meta.get(f"survey_share.{outcome}")
        options.append({"label": entry.label(lang) if entry else outcome, "value": outcome})
    return options


def layout(store: Store, state: ViewState) -> html.Div:
    state = resolve(store, state)
    lang = state.lang
    outcomes = outcome_options(store, lang)
    preferred = [o["value"] for o in outcomes if "woninginbraak" in o["value"]]
    outcome = (preferred or [o["value"] for o in outcomes] or [None])[0]
    return html.Div(
        [
            html.Div(
                [
                    *indicator_period_controls(store, state, PAGE),
                    radio("level", PAGE, t("level", lang), level_options(store, lang), state.level),
                    dcc.Checklist(
                        id="initiatives-hotspots",
                        options=[{"label": t("show_hotspots_initiatives", lang), "value": "on"}],
                        value=["on"],
                        className="control",
                    ),
                ],
                className="controls",
                role="group",
            ),
            html.Div(id="initiatives-map-body"),
            html.Div(id="initiatives-body"),
            html.H2(t("effects_title", lang)),
            html.Div(
                [
                    html.Label(t("effects_outcome", lang), htmlFor="effects-outcome"),
                    dcc.Dropdown(
                        id="effects-outcome",
                        options=outcomes,
                        value=outcome,
                        clearable=False,
                    ),
                ],
                className="control control-wide",
            ),
            html.Div(id="initiatives-effects"),
            html.Div(more(store, lang), id="initiatives-more"),
        ]
    )


def map_body(
    store: Store, indicator: str, period: str, level: str, hotspots: bool, lang: str
) -> list:
    """The map of initiatives by form over the indicator (and the stable hotspots)."""
    view = map_view(store, store.version, indicator, level, period, auth.role(), lang)
    layers = ["initiatives"] + (["hotspots"] if hotspots else [])
    category = incident_category(indicator)
    fig = draw_map(store, view, level, layers, False, None, None, category, period, lang)
    entry = queries.indicator_meta(store)[indicator]
    fig.update_layout(title_text=f"{entry.label(lang)} · {t(level, lang)} · {period}")
    fig.update_layout(title_subtitle_text=queries.attribution(store, lang, indicator))
    intro = t("initiatives_map_intro", lang)
    if hotspots:
        label = category_label(queries.indicator_meta(store), category, lang)
        intro += f" ({t('hotspots_layer', lang, category=label)})"
    return [
        html.H2(t("initiatives_map_title", lang, indicator=entry.label(lang))),
        html.P(intro, className="definition"),
        figures.graph(
            "initiatives-map", fig, {"topojsonURL": "/assets/topojson/", "scrollZoom": True}
        ),
    ]


def body(store: Store, level: str, lang: str) -> list:
    """Coverage: active initiatives by form, and per area of the level."""
    points = queries.initiative_points(store)
    coverage = initiative_tables.coverage(
        queries.initiative_coverage(store, level, auth.role()), lang
    )
    return [
        html.H2(t("coverage_title", lang)),
        figures.graph("initiatives-coverage", initiative_figures.coverage_bars(points, lang))
        if len(points)
        else empty_state(lang, "no-initiatives", "initiatives-coverage"),
        _table(coverage, "coverage-table", lang),
    ]


def effects(store: Store, outcome: str, lang: str) -> list:
    """Each initiative's before/after estimate for one outcome: a chart with intervals,
    one sentence per initiative, and its comparison buurten on demand."""
    frame = queries.table_rows(store, "initiative_effects", auth.role())
    rows = frame[frame["outcome"] == outcome] if len(frame) else frame
    meta = queries.indicator_meta(store)
    entry = meta.get(outcome) or meta.get(f"survey_share.{outcome}")
    label = entry.label(lang) if entry else outcome
    intro = html.P(t("effects_intro", lang, outcome=label.lower()), className="definition")
    if rows.empty:
        return [intro, html.P(t("effects_none", lang))]
    names = _initiative_names(store)
    area_names = _area_names(store)
    ratio = initiative_tables.is_ratio(rows)
    shown = rows[pd.to_numeric(rows["estimate"], errors="coerce").notna()]
    row_names = [names.get(i, i) for i in shown["initiative_id"]]
    parts: list = [intro]
    if len(shown):
        parts.append(
            figures.graph(
                "effects-chart",
                initiative_figures.effects_chart(shown, row_names, ratio, lang),
            )
        )
    else:
        parts.append(html.P(t("effects_none", lang)))
    sentences, details = [], []
    for row in rows.to_dict("records"):
        name = names.get(row["initiative_id"], row["initiative_id"])
        sentences.append(html.Li(initiative_tables.effect_sentence(row, name, ratio, lang)))
        controls = initiative_tables.control_names(row.get("controls"), area_names)
        if controls:
            details.append(
                html.Details(
                    [
                        html.Summary(t("effect_controls", lang, name=name, n=len(controls))),
                        html.P(", ".join(controls)),
                    ]
                )
            )
    parts += [
        html.Ul(sentences, id="effects-sentences"),
        html.P(
            t("effects_inference_ratio" if ratio else "effects_inference_share", lang),
            id="effects-inference",
            className="definition",
        ),
    ]
    if details:
        parts += [html.H3(t("effects_controls_title", lang)), html.Div(details)]
    return parts


def more(store: Store, lang: str) -> list:
    """The register of initiatives, displacement to the surrounding buurten, and reach."""
    points = queries.initiative_points(store)
    area_names = _area_names(store)
    register = initiative_tables.register(points, area_names, lang)
    displacement = initiative_tables.displacement(
        queries.table_rows(store, "initiative_displacement", auth.role()),
        _initiative_names(store),
        _category_labels(store, lang),
        lang,
    )
    reach = initiative_tables.reach(
        queries.table_rows(store, "initiative_reach", auth.role()), area_names, lang
    )
    sections = [
        html.H2(t("initiatives_table", lang)),
        _table(register, "initiatives-register", lang),
    ]
    for frame, title, table_id in (
        (displacement, "displacement_title", "initiative_displacement-table"),
        (reach, "reach_title", "initiative_reach-table"),
    ):
        if len(frame):
            sections += [html.H2(t(title, lang)), _table(frame, table_id, lang)]
    return sections


def _table(frame: pd.DataFrame, table_id: str, lang: str):
    """A table with its columns named for the page, or the empty state when it has no rows."""
    labels = initiative_tables.column_labels(frame, lang)
    return frame_table(frame, table_id, lang, labels, reason="no-initiatives")


def _initiative_names(store: Store) -> dict[str, str]:
    points = queries.initiative_points(store)
    return dict(zip(points["initiative_id"], points["name"]))


def _area_names(store: Store) -> dict[str, str]:
    frame = queries.areas(store)
    return dict(zip(frame["code"], frame["name"]))


def _category_labels(store: Store, lang: str) -> dict[str, str]:
    meta = queries.indicator_meta(store)
    return {
        i.partition(".")[2]: category_label(meta, i.partition(".")[2], lang)
        for i in meta
        if i.startswith("incident_rate.")
    }


def register_callbacks(app: Dash, store: Store) -> None:
    register_period_choices(app, store, PAGE)

    @app.callback(
        Output("initiatives-map-body", "children"),
        Input(ctl("indicator", PAGE), "value"),
        Input(ctl("period", PAGE), "value"),
        Input(ctl("level", PAGE), "value"),
        Input("initiatives-hotspots", "value"),
        State("page-lang", "data"),
    )
    def show_map(indicator, period, level, hotspots, lang):
        indicator = inputs.indicator(store, indicator)
        level, lang = inputs.level(store, level), inputs.lang(lang)
        inputs.require(indicator, level, lang)
        period = inputs.period(store, indicator, period)
        inputs.require(period)
        return map_body(store, indicator, period, level, hotspots == ["on"], lang)

    @app.callback(
        Output("initiatives-body", "children"),
        Input(ctl("level", PAGE), "value"),
        State("page-lang", "data"),
        State("url", "pathname"),
    )
    def show(level, lang, pathname):
        level, lang = inputs.level(store, level), inputs.lang(lang)
        if pathname != "/initiatieven":
            raise PreventUpdate
        inputs.require(level, lang)
        return body(store, level, lang)

    @app.callback(
        Output("initiatives-effects", "children"),
        Input("effects-outcome", "value"),
        State("page-lang", "data"),
    )
    def show_effects(outcome, lang):
        lang = inputs.lang(lang)
        inputs.require(lang)
        known = {o["value"] for o in outcome_options(store, lang)}
        if not isinstance(outcome, str) or outcome not in known:
            return [html.P(t("effects_none", lang))]
        return effects(store, outcome, lang)
