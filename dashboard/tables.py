"""The accessible table behind each chart: the same numbers as text."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.i18n import t


def _cell(value: object, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else str(value)


def data_table(frame: pd.DataFrame, unit: str, lang: str, table_id: str) -> html.Table:
    """Area (or period), value, interval, n and status, one row per shape or point."""
    by_period = "period" in frame.columns
    first = t("period", lang) if by_period else t("area", lang)
    head = html.Thead(
        html.Tr(
            [
                html.Th(first, scope="col"),
                html.Th(f"{t('value', lang)} ({unit})", scope="col"),
                html.Th(t("interval", lang), scope="col"),
                html.Th(t("n", lang), scope="col"),
                html.Th(t("flag", lang), scope="col"),
            ]
        )
    )
    rows = []
    for rec in frame.to_dict("records"):
        interval = (
            f"{_cell(rec['ci_low'])} – {_cell(rec['ci_high'])}" if pd.notna(rec["ci_low"]) else "–"
        )
        rows.append(
            html.Tr(
                [
                    html.Th(rec["period"] if by_period else rec["name"], scope="row"),
                    html.Td(_cell(rec["value"])),
                    html.Td(interval),
                    html.Td(rec["n_public"] if "n_public" in rec else _cell(rec["n"], 0)),
                    html.Td(t(f"flag_{rec['flag']}", lang)),
                ],
                **{"data-area": rec.get("area_code", "")},
            )
        )
    return html.Table([head, html.Tbody(rows)], id=f"{table_id}-data-table", className="data-table")
