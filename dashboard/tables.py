"""The accessible table behind each chart: the same numbers as text.

A ``dash_table.DataTable`` (one component holding the rows as data) rather than
an ``html.Table`` of one component per cell: with hundreds of areas the latter
makes the browser spend seconds building the component tree.
"""

from __future__ import annotations

import pandas as pd
from dash import dash_table

from dashboard.i18n import t


def _cell(value: object, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else str(value)


def data_table(frame: pd.DataFrame, unit: str, lang: str, table_id: str) -> dash_table.DataTable:
    """Area (or period), value, interval, n and status, one row per shape or point."""
    by_period = "period" in frame.columns
    first = t("period", lang) if by_period else t("area", lang)
    columns = [
        {"name": first, "id": "label"},
        {"name": f"{t('value', lang)} ({unit})", "id": "value"},
        {"name": t("interval", lang), "id": "interval"},
        {"name": t("n", lang), "id": "n"},
        {"name": t("flag", lang), "id": "flag"},
    ]
    rows = []
    for rec in frame.to_dict("records"):
        has_interval = pd.notna(rec.get("ci_low"))
        rows.append(
            {
                "label": rec["period"] if by_period else rec["name"],
                "area_code": rec.get("area_code", ""),
                "value": _cell(rec["value"]),
                "interval": f"{_cell(rec['ci_low'])} – {_cell(rec['ci_high'])}"
                if has_interval
                else "–",
                "n": rec["n_public"] if "n_public" in rec else _cell(rec["n"], 0),
                "flag": t(f"flag_{rec['flag']}", lang),
            }
        )
    return dash_table.DataTable(
        id=f"{table_id}-data-table",
        columns=columns,
        data=rows,
        sort_action="native",
        page_action="none",
        style_table={"maxHeight": "24rem", "overflowY": "auto"},
        style_cell={"textAlign": "left", "fontFamily": "inherit", "fontSize": "0.85rem"},
        style_header={"fontWeight": "bold"},
        cell_selectable=False,
    )


def frame_table(frame: pd.DataFrame, table_id: str, labels: dict[str, str] | None = None):
    """Any small frame as an accessible, sortable table (column names translated by labels)."""
    labels = labels or {}
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = [_cell(v) for v in shown[col]]
        else:
            shown[col] = shown[col].map(lambda v: "–" if v is None or v is pd.NaT else str(v))
    return dash_table.DataTable(
        id=table_id,
        columns=[{"name": labels.get(c, c), "id": c} for c in shown.columns],
        data=shown.to_dict("records"),
        sort_action="native",
        page_action="none",
        style_table={"maxHeight": "28rem", "overflowY": "auto", "overflowX": "auto"},
        style_cell={
            "textAlign": "left",
            "fontFamily": "inherit",
            "fontSize": "0.85rem",
            "whiteSpace": "normal",
            "height": "auto",
            "maxWidth": "28rem",
        },
        style_header={"fontWeight": "bold"},
        cell_selectable=False,
    )
