"""The accessible table behind each chart: the same numbers as text.

A ``dash_table.DataTable`` (one component holding the rows as data) rather than
an ``html.Table`` of one component per cell: with hundreds of areas the latter
makes the browser spend seconds building the component tree.
"""

from __future__ import annotations

import pandas as pd
from dash import dash_table

from dashboard.fmt import P_COLUMNS, intervals, number, numbers, p_value
from dashboard.i18n import t


def _cell(value: object, digits: int = 1) -> str:
    return number(value, digits)


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
    flag_text = {f: t(f"flag_{f}", lang) for f in set(frame["flag"])}
    labels = frame["period"] if by_period else frame["name"]
    codes = frame["area_code"] if "area_code" in frame else [""] * len(frame)
    counts = frame["n_public"] if "n_public" in frame else numbers(frame["n"], 0)
    rows = [
        {"label": lab, "area_code": code, "value": val, "interval": ci, "n": n, "flag": fl}
        for lab, code, val, ci, n, fl in zip(
            labels,
            codes,
            numbers(frame["value"]),
            intervals(frame["ci_low"], frame["ci_high"]),
            counts,
            [flag_text[f] for f in frame["flag"]],
        )
    ]
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
        if col in P_COLUMNS:
            shown[col] = [p_value(v) for v in shown[col]]
        elif pd.api.types.is_float_dtype(shown[col]):
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
