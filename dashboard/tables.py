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

#: Rows per page of a table that is paged on the server (the map's: every area of a level).
PAGE_SIZE = 25
#: The column of the frame each column of :func:`data_table` sorts by.
SORT_COLUMNS = {"label": "name", "value": "value", "interval": "ci_low", "n": "n", "flag": "flag"}


def data_table(
    frame: pd.DataFrame, unit: str, lang: str, table_id: str, page_size: int | None = None
):
    """Area (or period), value, interval, n and status, one row per shape or point.

    With ``page_size`` only the first page travels with the table; the browser asks for
    another page (or another order) by ``page_current`` and ``sort_by``, answered with
    :func:`table_page`, so a level of 10,000 buurten never ships all its rows."""
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
    if page_size:
        paging = {
            "data": table_rows(frame.iloc[:page_size], lang),
            "page_action": "custom",
            "page_current": 0,
            "page_size": page_size,
            "page_count": max(1, -(-len(frame) // page_size)),
            "sort_action": "custom",
            "sort_mode": "single",
            "sort_by": [],
        }
    else:
        paging = {"data": table_rows(frame, lang), "page_action": "none", "sort_action": "native"}
    return dash_table.DataTable(
        id=f"{table_id}-data-table",
        columns=columns,
        **paging,
        style_table={"maxHeight": "24rem", "overflowY": "auto"},
        style_cell={"textAlign": "left", "fontFamily": "inherit", "fontSize": "0.85rem"},
        style_header={"fontWeight": "bold"},
        cell_selectable=False,
    )


def table_page(
    frame: pd.DataFrame, lang: str, page: int, page_size: int, sort: tuple[str, bool] | None
) -> list[dict]:
    """The rows of one page of a paged :func:`data_table`, in the order asked for:
    ``sort`` is a column id of the table and whether ascending (areas without a figure
    last either way)."""
    if sort:
        frame = frame.sort_values(
            SORT_COLUMNS[sort[0]], ascending=sort[1], na_position="last", kind="stable"
        )
    return table_rows(frame.iloc[page * page_size : (page + 1) * page_size], lang)


def table_rows(frame: pd.DataFrame, lang: str) -> list[dict]:
    """The rows of :func:`data_table` as text, as a person reads them."""
    by_period = "period" in frame.columns
    flag_text = {f: t(f"flag_{f}", lang) for f in set(frame["flag"])}
    labels = frame["period"] if by_period else frame["name"]
    codes = frame["area_code"] if "area_code" in frame else [""] * len(frame)
    counts = (
        count_texts(frame["n_public"], lang)
        if "n_public" in frame
        else numbers(frame["n"], lang, 0)
    )
    return [
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
