"""Citizen initiatives: coverage by the seven forms, a map, the register, and the
before/after, displacement and reach analyses."""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard import auth, figures, inputs, map_figure, queries
from dashboard.controls import ctl, radio
from dashboard.i18n import t
from dashboard.pages.map import level_options, resolve
from dashboard.state import ViewState
from dashboard.store import Store
from dashboard.tables import frame_table
from etl.schema import INITIATIVE_TYPES


def layout(store: Store, state: ViewState) -> html.Div:
    state = resolve(store, state)
    return html.Div(
        [
            html.Div(
                radio(
                    "level",
                    "initiatives",
                    t("level", state.lang),
                    level_options(store, state.lang),
                    state.level,
                ),
                className="controls",
            ),
            html.Div(id="initiatives-body"),
        ]
    )


def body(store: Store, level: str, lang: str) -> list:
    points = queries.initiative_points(store)
    coverage = _coverage(store, points, level, lang)
    register = (
        points.assign(type=[t(f"type_{k}", lang) for k in points["type"]])[
            ["name", "type", "start_date", "end_date", "area_code"]
        ]
        if len(points)
        else pd.DataFrame()
    )
    areas = queries.areas(store, level).rename(columns={"code": "area_code"})
    base = areas.assign(
        value=float("nan"),
        ci_low=float("nan"),
        ci_high=float("nan"),
        n=float("nan"),
        flag="no-data",
    )
    classes = [5] * len(base)
    fig = map_figure.class_map(
        queries.geojson_url(store, level),
        base["area_code"],
        classes,
        map_figure.map_custom(base, classes, lang),
        map_figure.hover_template("", lang),
        lang,
        points if len(points) else None,
    )
    fig.update_traces(showscale=False, selector={"type": "choropleth"})
    sections = [
        html.H2(t("coverage_title", lang)),
        frame_table(coverage, "coverage-table", lang, reason="no-initiatives"),
        figures.graph("initiatives-map", fig, {"topojsonURL": "/assets/topojson/"}),
        html.H2(t("initiatives_table", lang)),
        frame_table(register, "initiatives-register", lang, reason="no-initiatives"),
    ]
    for table, title in (
        ("initiative_effects", "effects_title"),
        ("initiative_displacement", "displacement_title"),
        ("initiative_reach", "reach_title"),
    ):
        frame = queries.table_rows(store, table, auth.role())
        if len(frame):
            sections += [html.H2(t(title, lang)), frame_table(frame, f"{table}-table", lang)]
    return sections


def _coverage(store: Store, points: pd.DataFrame, level: str, lang: str) -> pd.DataFrame:
    """Active initiatives per area of the level and form (counts), with inhabitants."""
    if points.empty:
        return pd.DataFrame()
    frame = queries.initiative_coverage(store, level, auth.role())
    if frame.empty:
        return frame
    wide = frame.pivot_table(
        index=["code", "name", "inhabitants"], columns="type", values="n", fill_value=0
    ).reset_index()
    for kind in INITIATIVE_TYPES:
        if kind not in wide:
            wide[kind] = 0
    wide["total"] = wide[list(INITIATIVE_TYPES)].sum(axis=1)
    wide["per_1000"] = (wide["total"] / wide["inhabitants"] * 1000).where(wide["inhabitants"] > 0)
    wide = wide.rename(columns={k: t(f"type_{k}", lang) for k in INITIATIVE_TYPES})
    return wide.sort_values("total", ascending=False)


def register_callbacks(app: Dash, store: Store) -> None:
    @app.callback(
        Output("initiatives-body", "children"),
        Input(ctl("level", "initiatives"), "value"),
        State("page-lang", "data"),
        State("url", "pathname"),
    )
    def show(level, lang, pathname):
        level, lang = inputs.level(store, level), inputs.lang(lang)
        if pathname != "/initiatieven":
            raise PreventUpdate
        inputs.require(level, lang)
        return body(store, level, lang)
