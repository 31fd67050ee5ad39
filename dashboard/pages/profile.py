"""The area profile: key figures against the city and similar areas, trends, incidents,
context, initiatives in and around the area, and significant changes."""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import area_choice, auth, figures, inputs, queries
from dashboard.compare import CLASSES, classify
from dashboard.controls import ctl, dropdown, radio
from dashboard.fmt import count, interval, number
from dashboard.i18n import category_label, t
from dashboard.pages import notes_panel
from dashboard.period_marks import marks_text
from dashboard.significance import flag_words, significance_list
from dashboard.state import ViewState
from dashboard.store import Store
from dashboard.tables import frame_table

KEY_INDICATORS = (
    "survey_share.unsafe_own_buurt",
    "survey_share.unsafe_often_buurt",
    "survey_scale.nuisance",
    "survey_scale.decay",
    "survey_scale.cohesion",
    "incident_rate.total",
    "incident_rate_eb.total",
    "index_part.perceived",
    "index_part.incidents",
    "index_part.nuisance",
    "unease_index.overall",
    "unease_gap.perceived_minus_registered",
    "context_index.composite",
)


def layout(store: Store, state: ViewState) -> html.Div:
    lang = state.lang
    area = area_choice.default_area(store, state.area)
    options = area_choice.chosen(store, area, lang)  # more as one types: area_choice
    return html.Div(
        [
            html.Div(
                [
                    dropdown("area", "profile", t("area", lang), options, area, wide=True),
                    radio(
                        "method",
                        "profile",
                        t("method", lang),
                        [{"label": t(f"method_{m}", lang), "value": m} for m in queries.METHODS],
                        inputs.method(state.method) or "direct",
                    ),
                ],
                className="controls",
                role="group",
            ),
            dcc.Loading(html.Div(id="profile-body")),
        ]
    )


def key_values(
    store: Store, area_code: str, indicators: list[str], role: str, method: str
) -> pd.DataFrame:
    """Latest values of the key indicators; with ``method`` model, the model-based value
    where there is one (column ``method`` says which each row is)."""
    key = queries.latest_values(store, area_code, indicators, role).assign(method="direct")
    if method != "model" or not len(key):
        return key
    model = queries.latest_values(store, area_code, indicators, role, "model")
    model = model[model["value"].notna()].assign(method="model")
    kept = key[~key["indicator"].isin(model["indicator"])]
    order = {i: k for k, i in enumerate(indicators)}
    return (
        pd.concat([kept, model], ignore_index=True)
        .sort_values("indicator", key=lambda s: s.map(order))
        .reset_index(drop=True)
    )


def body(store: Store, area_code: str, lang: str, method: str = "direct") -> list:
    role = auth.role()
    info = queries.area_info(store, area_code, role)
    if info is None:
        return [html.P(t("flag_no-data", lang))]
    meta = queries.indicator_meta(store)
    present = [i for i in KEY_INDICATORS if i in meta]
    key = key_values(store, area_code, present, role, method)
    similar = queries.similar_areas(store, area_code)
    missing_parts = queries.index_parts_missing(store, area_code)
    rows = []
    for rec in key.to_dict("records"):
        entry = meta[rec["indicator"]]
        cls = classify(pd.DataFrame([rec]), rec["city_value"], entry.direction)[0]
        sim = _similar_mean(store, rec["indicator"], rec["period"], list(similar["code"]), role)
        rows.append(
            {
                "indicator": entry.label(lang),
                "period": rec["period"],
                "method": t(f"method_{rec['method']}", lang),
                "value": number(rec["value"], lang),
                "interval": interval(rec["ci_low"], rec["ci_high"], lang),
                "status": flag_words(rec["flag"], missing_parts.get(str(rec["period"])), lang),
                "city": number(rec["city_value"], lang),
                "similar": number(sim, lang),
                "comparison": t(f"class_{CLASSES[cls]}", lang),
            }
        )
    labels = {
        "indicator": t("indicator", lang),
        "period": t("period", lang),
        "method": t("method", lang),
        "value": t("value", lang),
        "interval": t("interval", lang),
        "status": t("flag", lang),
        "city": t("city", lang),
        "similar": t("similar_areas", lang),
        "comparison": t("legend_title", lang),
    }
    city_code, city_name = queries.city(store)
    trends = []
    for indicator in ("survey_share.unsafe_own_buurt", "incident_rate.total"):
        if indicator in meta:
            entry = meta[indicator]
            modelled = set(key.loc[key["method"] == "model", "indicator"])
            trend_method = "model" if indicator in modelled else "direct"
            trends.append(
                figures.graph(
                    f"profile-trend-{indicator.replace('.', '-')}",
                    figures.trend(
                        queries.area_trend(store, indicator, area_code, role, trend_method),
                        queries.area_trend(store, indicator, city_code, role),
                        info["name"],
                        city_name,
                        entry.label(lang),
                        entry.unit,
                        lang,
                        survey=entry.source_kind == "survey_responses",
                    ).update_layout(title={"text": entry.label(lang)}),
                )
            )
    # for the public the bars follow the disclosed counts (see queries.category_counts)
    cats = queries.category_counts(store, area_code, role)
    cat_labels = {
        i.partition(".")[2]: category_label(meta, i.partition(".")[2], lang)
        for i in meta
        if i.startswith("incident_rate.")
    }
    context = queries.context_values(store, area_code, role)
    initiatives = queries.initiatives_near(store, area_code)
    if len(initiatives):
        initiatives = initiatives.assign(
            type=[t(f"type_{k}", lang) for k in initiatives["type"]],
            where=[t(f"where_{w}", lang) for w in initiatives["where"]],
        )
    hotspots = queries.area_hotspots(store, area_code, role)
    changes = queries.significant_changes(store, area_code, role=role)
    if len(changes):
        changes = changes.assign(indicator=[meta[i].label(lang) for i in changes["indicator"]])
    # the municipality has no parent (its parent_code is absent, read as NaN)
    has_parent = isinstance(info["parent_code"], str) and info["parent_code"]
    parent = queries.area_info(store, info["parent_code"]) if has_parent else None
    return [
        html.H2(f"{info['name']} ({info['code']})", id="profile-title"),
        html.P(
            [
                html.A(
                    t("briefing_pdf", lang),
                    href=f"/briefing/{area_code}.pdf?lang={lang}&method={method}",
                    id="briefing-link",
                ),
                " · ",
                html.A(
                    t("briefing_html", lang),
                    href=f"/briefing/{area_code}.html?lang={lang}&method={method}",
                ),
            ],
            className="downloads",
        ),
        html.P(
            f"{t(info['level'], lang)}"
            + (f" · {parent['name']}" if parent else "")
            + (
                f" · {count(info['inhabitants'], lang)} {t('population', lang)}"
                if pd.notna(info["inhabitants"])
                else ""
            )
        ),
        html.H3(t("key_figures", lang)),
        html.P(
            t("shown_model_where" if method == "model" else "shown_direct", lang),
            id="profile-method",
            className="method-note",
        ),
        frame_table(pd.DataFrame(rows), "profile-key-figures", lang, labels),
        html.P(marks_text(queries.period_marks(store), lang), id="profile-period-marks"),
        html.P(
            t("similar_note", lang) + ", ".join(similar["name"]) if len(similar) else "",
            className="definition",
        ),
        html.H3(t("trend", lang)),
        html.Div(trends, className="profile-trends"),
        html.H3(t("categories_title", lang)),
        figures.graph("profile-categories", figures.category_bars(cats.head(10), cat_labels, lang)),
        *hotspot_section(hotspots, cat_labels, lang),
        html.H3(t("context_title", lang)),
        frame_table(context, "profile-context", lang),
        html.H3(t("nav_initiatives", lang)),
        frame_table(initiatives, "profile-initiatives", lang, reason="no-initiatives"),
        html.H3(t("changes_title", lang)),
        significance_list(changes, "profile-changes", lang)
        if len(changes)
        else html.P(t("no_changes", lang)),
        *notes_panel.panel(store, area_code, _latest_period(store), lang),
    ]


def hotspot_section(frame: pd.DataFrame, labels: dict[str, str], lang: str) -> list:
    """Gi* of the area per category: a bar chart, its table and how to read it."""
    if frame.empty:
        return []
    shown = frame.assign(category=[labels.get(c, c) for c in frame["category"]])
    return [
        html.H3(t("hotspots_title", lang)),
        figures.graph("profile-hotspots", figures.hotspot_bars(frame, labels, lang)),
        frame_table(shown, "profile-hotspots-table", lang),
        html.P(t("hotspot_note", lang), className="definition"),
    ]


def _latest_period(store: Store) -> str:
    periods = queries.periods(store, "incident_rate.total") or queries.periods(
        store, "survey_share.unsafe_own_buurt"
    )
    return periods[-1] if periods else ""


def _similar_mean(
    store: Store, indicator: str, period: str, codes: list[str], role: str
) -> float | None:
    if not codes:
        return None
    frame = queries.trend_series(store, indicator, codes, role)
    values = frame.loc[frame["period"] == period, "value"].dropna()
    return float(values.mean()) if len(values) else None


def register_callbacks(app: Dash, store: Store) -> None:
    notes_panel.register_callbacks(app, store)
    area_choice.register_search(app, store, "profile")

    @app.callback(
        Output("profile-body", "children"),
        Input(ctl("area", "profile"), "value"),
        Input(ctl("method", "profile"), "value"),
        State("page-lang", "data"),
        State("url", "pathname"),
    )
    def show(area_code, method, lang, pathname):
        area_code, lang = inputs.area(store, area_code), inputs.lang(lang)
        method = inputs.method(method)
        if pathname != "/gebied":
            raise PreventUpdate
        inputs.require(area_code, lang, method)
        return body(store, area_code, lang, method)
