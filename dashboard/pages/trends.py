"""Trends and comparison: several areas over time, perceived against registered,
the funnel plot, and the significant changes and alerts of the latest period."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html

from dashboard import area_choice, auth, figures, inputs, queries
from dashboard.controls import ctl, dropdown, radio
from dashboard.harmonised_marks import harmonised_text
from dashboard.i18n import t
from dashboard.pages.map import indicator_options, level_options, resolve
from dashboard.period_marks import marks_text
from dashboard.significance import significance_list
from dashboard.state import ViewState
from dashboard.store import Store
from dashboard.tables import empty_state, frame_table
from etl.disclosure import sensitive_hidden


def layout(store: Store, state: ViewState) -> html.Div:
    state = resolve(store, state)
    lang = state.lang
    codes = queries.area_codes(store)
    chosen = [c for c in (state.areas or "").split(",") if c in codes]
    if not chosen:
        city_code, _ = queries.city(store)
        wijken = queries.areas(store, "wijk")["code"].head(3).tolist()
        chosen = [city_code, *wijken]
    options = area_choice.chosen(store, chosen, lang)  # more as one types: area_choice
    return html.Div(
        [
            html.Div(
                [
                    dropdown(
                        "indicator",
                        "trends",
                        t("indicator", lang),
                        indicator_options(store, lang),
                        state.indicator,
                        wide=True,
                    ),
                    radio(
                        "level", "trends", t("level", lang), level_options(store, lang), state.level
                    ),
                ],
                className="controls",
                role="group",
            ),
            html.Div(
                dropdown(
                    "areas",
                    "trends",
                    t("compare_areas", lang),
                    options,
                    chosen,
                    wide=True,
                    multi=True,
                ),
                className="controls",
            ),
            figures.graph("trends-several"),
            html.Details([html.Summary(t("table_trend", lang)), html.Div(id="trends-table")]),
            html.Div(
                className="panels",
                children=[
                    html.Section([figures.graph("trends-quadrant"), html.Div(id="quadrant-table")]),
                    html.Section([figures.graph("trends-funnel"), html.P(id="funnel-note")]),
                ],
            ),
            html.H3(t("changes_title", lang)),
            html.Div(id="changes-list"),
            html.H3(t("alerts_title", lang)),
            html.Div(id="alerts-list"),
        ]
    )


def register_callbacks(app: Dash, store: Store) -> None:
    area_choice.register_search(app, store, "trends", "areas")

    @app.callback(
        Output("trends-several", "figure"),
        Output("trends-table", "children"),
        Input(ctl("indicator", "trends"), "value"),
        Input(ctl("areas", "trends"), "value"),
        State("page-lang", "data"),
    )
    def several(indicator, codes, lang):
        indicator, codes = inputs.indicator(store, indicator), inputs.areas(store, codes)
        inputs.require(indicator, codes, inputs.lang(lang))
        entry = queries.indicator_meta(store)[indicator]
        frame = queries.trend_series(store, indicator, codes, auth.role())
        table = frame_table(
            frame[["name", "period", "value", "ci_low", "ci_high", "flag"]],
            "several-table",
            lang,
            reason="no-areas",
        )
        return figures.several_areas(frame, entry.label(lang), entry.unit, lang), table

    @app.callback(
        Output("trends-quadrant", "figure"),
        Output("quadrant-table", "children"),
        Output("trends-funnel", "figure"),
        Output("funnel-note", "children"),
        Output("changes-list", "children"),
        Output("alerts-list", "children"),
        Input(ctl("indicator", "trends"), "value"),
        Input(ctl("level", "trends"), "value"),
        State("page-lang", "data"),
    )
    def comparison(indicator, level, lang):
        indicator, level = inputs.indicator(store, indicator), inputs.level(store, level)
        inputs.require(indicator, level, inputs.lang(lang))
        meta = queries.indicator_meta(store)
        role = auth.role()
        gap = queries.perception_gap(store, level, None, role)
        quadrant = figures.quadrant_plot(gap, lang)
        gap_table = (
            frame_table(
                gap.assign(quadrant=[t(f"quadrant_{q}", lang) for q in gap["quadrant"]])[
                    [
                        "name",
                        "period",
                        "perceived_index",
                        "incident_index",
                        "gap",
                        "ci_low",
                        "ci_high",
                        "quadrant",
                    ]
                ],
                "quadrant-data",
                lang,
            )
            if len(gap)
            else empty_state(lang, "no-data")
        )
        funnel_title = f"{t('funnel_title', lang)}: {meta[indicator].label(lang)}"
        funnel_fig = figures.empty_figure(lang, "rates-only", funnel_title, 420)
        note = t("funnel_only_rates", lang)
        if indicator.startswith("incident_rate."):
            period = queries.periods(store, indicator)[-1]
            frame = queries.funnel(store, indicator, level, period, role)
            note = ""
            if len(frame):
                funnel_fig = figures.funnel_plot(frame, f"{funnel_title}, {period}", lang)
            elif sensitive_hidden(meta[indicator].sensitive, level) and queries.is_public(role):
                funnel_fig = figures.empty_figure(lang, "sensitive", funnel_title, 420)
            else:
                funnel_fig = figures.empty_figure(lang, "no-data", funnel_title, 420)
        note = " ".join(
            filter(
                None,
                (
                    note,
                    marks_text(queries.period_marks(store, indicator), lang),
                    harmonised_text(queries.harmonised_marks(store, indicator), lang),
                ),
            )
        )
        changes = queries.significant_changes(store, role=role)
        if len(changes):
            changes = changes.assign(indicator=[meta[i].label(lang) for i in changes["indicator"]])
        alerts = queries.alerts(store, role)
        return (
            quadrant,
            gap_table,
            funnel_fig,
            note,
            significance_list(changes, "changes-table", lang)
            if len(changes)
            else t("no_changes", lang),
            significance_list(alerts, "alerts-table", lang)
            if len(alerts)
            else t("no_alerts", lang),
        )
