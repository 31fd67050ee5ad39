"""The Data page: sources, rows loaded and rejected, hierarchy checks, skipped analyses,
definitions, settings, downloads."""

from __future__ import annotations

import json
from pathlib import PurePath

import pandas as pd
from dash import Dash, html

from dashboard import queries
from dashboard.fmt import percent, significant
from dashboard.harmonised_marks import harmonised_text
from dashboard.i18n import DEPARTURES, t
from dashboard.state import ViewState
from dashboard.store import Store
from dashboard.tables import frame_table


def layout(store: Store, state: ViewState) -> html.Div:
    lang = state.lang
    sources = queries.table_rows(store, "sources").merge(
        queries.table_rows(store, "load_log")[
            [
                "source",
                "rows_read",
                "rows_loaded",
                "rows_quarantined",
                "rows_skipped",
                "rows_noted",
                "notes",
                "checksum",
            ]
        ],
        on="source",
        how="left",
    )
    # the file's name, never where it lies on the server
    sources["path"] = [PurePath(str(p)).name if isinstance(p, str) else p for p in sources["path"]]
    sources = sources.rename(columns={"path": "file"})
    meta = queries.table_rows(store, "indicator_meta")
    definitions = meta[
        [
            "indicator",
            f"name_{lang}",
            f"definition_{lang}",
            "unit",
            "direction",
            "formula",
            "min_n",
            "suppression",
        ]
    ]
    quarantine = queries.quarantine_summary(store)
    settings = queries.table_rows(store, "build_settings")
    reconciliation = queries.table_rows(store, "count_reconciliation")
    skips = queries.table_rows(store, "analysis_skips")
    parents = queries.table_rows(store, "area_parent_checks")
    return html.Div(
        [
            html.H2(t("sources_title", lang)),
            frame_table(sources, "sources-table", lang),
            html.H2(t("quarantine_title", lang)),
            frame_table(quarantine, "quarantine-table", lang, reason="no-rows"),
            html.H2(t("reconciliation_title", lang)),
            frame_table(reconciliation, "reconciliation-table", lang, reason="no-rows"),
            *_checked_table(parents, "hierarchy", "area-parent-table", lang),
            *_checked_table(skips, "skips", "skips-table", lang),
            html.H2(t("definitions_title", lang)),
            frame_table(definitions, "definitions-table", lang),
            *_model_checks(queries.table_rows(store, "sae_models"), store, lang),
            html.P(harmonised_text(queries.harmonised_marks(store), lang), id="harmonised-note"),
            html.H2(t("departures_title", lang)),
            frame_table(departures(lang), "departures-table", lang, departure_labels(lang)),
            html.H2(t("settings_title", lang)),
            frame_table(settings, "settings-table", lang),
            html.H2(t("disclosure_title", lang)),
            html.P(disclosure_rules(store, lang), id="disclosure-rules"),
            html.P(t("downloads_note", lang), className="definition"),
        ]
    )


def _checked_table(frame, key: str, table_id: str, lang: str) -> list:
    """Title, note and the rows of a check of the build, or a line saying there are none."""
    return [
        html.H2(t(f"{key}_title", lang)),
        html.P(t(f"{key}_note", lang), className="definition"),
        frame_table(frame, table_id, lang) if len(frame) else html.P(t(f"{key}_none", lang)),
    ]


def _model_checks(models: pd.DataFrame, store: Store, lang: str) -> list:
    """Title, note and one row per small-area model with its checks, in words."""
    title = [html.H2(t("sae_title", lang)), html.P(t("sae_note", lang), className="definition")]
    if not len(models):
        return [*title, html.P(t("sae_none", lang))]
    meta = queries.indicator_meta(store)
    names = {i: meta[i].label(lang) for i in set(models["indicator"]) if i in meta}
    rows = pd.DataFrame(
        {
            t("indicator", lang): [names.get(i, i) for i in models["indicator"]],
            t("level", lang): [t(lv, lang) for lv in models["level"]],
            t("period", lang): models["period"],
            t("sae_col_covariates", lang): [_coefficients(c, lang) for c in models["coefficients"]],
            t("sae_col_sigma2", lang): [significant(v, lang, 4) for v in models["sigma2_u"]],
            t("sae_col_explained", lang): [percent(v, lang) for v in models["explained"]],
            t("sae_col_areas", lang): [
                f"{a} ({s})" for a, s in zip(models["areas_in_model"], models["areas_synthetic"])
            ],
            t("sae_col_residuals", lang): [
                f"{significant(p, lang, 3)}; {significant(r, lang, 1)}"
                for p, r in zip(models["shapiro_p"], models["residual_max"])
            ],
            t("sae_col_cv", lang): [
                f"{significant(d, lang, 3)} → {significant(m, lang, 3)}"
                for d, m in zip(models["median_cv_direct"], models["median_cv_model"])
            ],
            t("sae_col_narrower", lang): [percent(v, lang) for v in models["narrower"]],
            t("sae_col_checks", lang): [_warnings(w, lang) for w in models["warnings"]],
        }
    )
    return [*title, frame_table(rows, "sae-table", lang)]


def _coefficients(text: object, lang: str) -> str:
    if not isinstance(text, str):
        return "–"
    return "; ".join(
        f"{k} {significant(b, lang, 3)} ({significant(s, lang, 3)})"
        for k, (b, s) in json.loads(text).items()
    )


def _warnings(codes: object, lang: str) -> str:
    found = [c for c in str(codes or "").split(",") if c]
    return ", ".join(t(f"sae_warn_{c}", lang) for c in found) or t("sae_passed", lang)


def disclosure_rules(store: Store, lang: str) -> str:
    """The disclosure rules of the served build, as a sentence (settings of etl/settings.py)."""
    rules = queries.rules(store)
    return t(
        "disclosure_rules",
        lang,
        round_to=rules.round_to,
        denominator_round_to=rules.denominator_round_to,
    )


def departures(lang: str) -> pd.DataFrame:
    """The departures from methods.md in ``lang``, one row each."""
    return pd.DataFrame(
        [
            {k: v if isinstance(v, str) else v[lang] for k, v in entry.items()}
            for entry in DEPARTURES
        ]
    )


def departure_labels(lang: str) -> dict[str, str]:
    return {c: t(f"departure_{c}", lang) for c in ("topic", "methods", "product", "why", "setting")}


def register_callbacks(app: Dash, store: Store) -> None:
    """Static page: nothing to update."""
