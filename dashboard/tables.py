"""The accessible table behind each chart: the same numbers as text.

A ``dash_table.DataTable`` (one component holding the rows as data) rather than
an ``html.Table`` of one component per cell: with hundreds of areas the latter
makes the browser spend seconds building the component tree.  Every cell is
written by dashboard.fmt in the page's language; a table without rows is a
sentence saying so and why (:func:`empty_state`), never an empty grid.
"""

from __future__ import annotations

import pandas as pd
from dash import dash_table, html

from dashboard import empty
from dashboard.fmt import column_cells, count_texts, intervals, numbers
from dashboard.fmt import unit as fmt_unit
from dashboard.i18n import t


def data_table(frame: pd.DataFrame, unit: str, lang: str, table_id: str):
    """Area (or period), value, interval, n and status, one row per shape or point."""
    if frame.empty:
        return empty_state(lang, "no-data", f"{table_id}-data-table")
    by_period = "period" in frame.columns
    first = t("period", lang) if by_period else t("area", lang)
    columns = [
        {"name": first, "id": "label"},
        {"name": f"{t('value', lang)} ({fmt_unit(unit, lang)})", "id": "value"},
        {"name": t("interval", lang), "id": "interval"},
        {"name": t("n", lang), "id": "n"},
        {"name": t("flag", lang), "id": "flag"},
    ]
    flag_text = {f: t(f"flag_{f}", lang) for f in set(frame["flag"])}
    labels = frame["period"] if by_period else frame["name"]
    codes = frame["area_code"] if "area_code" in frame else [""] * len(frame)
    counts = (
        count_texts(frame["n_public"], lang)
        if "n_public" in frame
        else numbers(frame["n"], lang, 0)
    )
    rows = [
        {"label": lab, "area_code": code, "value": val, "interval": ci, "n": n, "flag": fl}
        for lab, code, val, ci, n, fl in zip(
            labels,
            codes,
            numbers(frame["value"], lang),
            intervals(frame["ci_low"], frame["ci_high"], lang),
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


def frame_table(
    frame: pd.DataFrame,
    table_id: str,
    lang: str,
    labels: dict[str, str] | None = None,
    reason: str | None = None,
):
    """Any small frame as an accessible, sortable table (column names translated by
    labels, cells by dashboard.fmt); without rows the empty-state sentence with
    ``reason`` (one of :data:`dashboard.empty.REASONS`)."""
    if frame.empty:
        return empty_state(lang, reason, table_id)
    labels = labels or {}
    shown = pd.DataFrame({c: column_cells(frame[c], lang) for c in frame.columns})
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


def empty_state(lang: str, reason: str | None = None, table_id: str | None = None) -> html.P:
    """The empty-state sentence (dashboard.empty) in place of a table without rows."""
    props = {"id": table_id} if table_id else {}
    return html.P(empty.text(lang, reason), className="empty-state", role="status", **props)
