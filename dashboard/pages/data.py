"""The Data page: sources, rows loaded and rejected, hierarchy checks, skipped analyses,
definitions, settings, downloads."""

from __future__ import annotations

from dash import Dash, html

from dashboard import queries
from dashboard.i18n import t
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
            frame_table(sources, "sources-table"),
            html.H2(t("quarantine_title", lang)),
            frame_table(quarantine, "quarantine-table") if len(quarantine) else html.P("0"),
            html.H2(t("reconciliation_title", lang)),
            frame_table(reconciliation, "reconciliation-table")
            if len(reconciliation)
            else html.P("–"),
            *_checked_table(parents, "hierarchy", "area-parent-table", lang),
            *_checked_table(skips, "skips", "skips-table", lang),
            html.H2(t("definitions_title", lang)),
            frame_table(definitions, "definitions-table"),
            html.H2(t("settings_title", lang)),
            frame_table(settings, "settings-table"),
            html.P(t("downloads_note", lang), className="definition"),
        ]
    )


def _checked_table(frame, key: str, table_id: str, lang: str) -> list:
    """Title, note and the rows of a check of the build, or a line saying there are none."""
    return [
        html.H2(t(f"{key}_title", lang)),
        html.P(t(f"{key}_note", lang), className="definition"),
        frame_table(frame, table_id) if len(frame) else html.P(t(f"{key}_none", lang)),
    ]


def register_callbacks(app: Dash, store: Store) -> None:
    """Static page: nothing to update."""
