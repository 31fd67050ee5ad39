"""Indicator values of a view (through the gate), of an area over time, of several areas."""

import os
from functools import lru_cache

import numpy as np
import pandas as pd

from dashboard.queries.area_detail import area_info
from dashboard.queries.catalog import METHODS
from dashboard.queries.gate import disclose, view_cache
from dashboard.store import Store


def public_area_values(
    store: Store,
    indicator: str,
    level: str,
    period: str,
    role: str = "public",
    method: str = "direct",
) -> pd.DataFrame:
    """area_values as ``role`` may see them: for the public with disclosure control
    (counts of incidents 1-4 as '<5', rounded; sensitive categories only from wijk up),
    for professionals with exact counts (column n_public holds the text shown).

    Kept in memory per database file: a build never changes a file in place, so a view
    asked for again (the common case with many users) costs no query.  Do not modify
    the frame returned.
    """
    return _public_area_frame(store, store.version, indicator, level, period, role, method)


@view_cache(len)
def _public_area_frame(
    store: Store,
    version: tuple[int, int],
    indicator: str,
    level: str,
    period: str,
    role: str,
    method: str,
) -> pd.DataFrame:
    return pd.DataFrame(public_area_columns(store, indicator, level, period, role, method))


def public_area_columns(
    store: Store,
    indicator: str,
    level: str,
    period: str,
    role: str = "public",
    method: str = "direct",
) -> dict:
    """:func:`public_area_values` as plain columns (numpy arrays and lists), without
    building a data frame: the map's colours and hover texts need nothing more."""
    return _public_area_columns(store, store.version, indicator, level, period, role, method)


@view_cache(lambda columns: len(columns["area_code"]))
def _public_area_columns(
    store: Store,
    version: tuple[int, int],
    indicator: str,
    level: str,
    period: str,
    role: str,
    method: str,
) -> dict:
    columns = _area_columns(store, indicator, level, period, method)
    return disclose(store, columns, indicator, level, role, period=period, method=method)


#: indicator_values of the served file are held in memory up to this many rows
#: (UNEASE_PRELOAD_ROWS, about 37 bytes a row: 4M rows about 150 MB per web worker); a
#: larger file is queried view by view.
PRELOAD_ROWS = int(os.environ.get("UNEASE_PRELOAD_ROWS", "4000000"))
#: Rows read from DuckDB at a time when the values are loaded.
_BATCH_ROWS = 200_000


VALUE_COLUMNS = ["value", "ci_low", "ci_high", "n"]


def area_values(
    store: Store, indicator: str, level: str, period: str, method: str = "direct"
) -> pd.DataFrame:
    """Every area of a level with its value, interval, n and flag (missing rows included),
    and the city's (direct) value of the same indicator and period."""
    return pd.DataFrame(_area_columns(store, indicator, level, period, method))


def _area_columns(
    store: Store, indicator: str, level: str, period: str, method: str = "direct"
) -> dict:
    """area_values as a dict of columns: from memory when the file is held, else by SQL."""
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    held = _held_values(store, store.version)
    if held is None:
        frame = _area_values_sql(store, indicator, level, period, method)
        return {c: frame[c].to_numpy() for c in frame.columns}
    areas = held.areas.get(level, _NO_AREAS)
    size = len(areas["area_code"])
    columns = {"area_code": areas["area_code"], "name": areas["name"]}
    rows = held.rows(indicator, period, level, method)
    at = held.position[rows]
    for col in VALUE_COLUMNS:
        full = np.full(size, np.nan)
        full[at] = held.columns[col][rows]
        columns[col] = full
    flag = np.full(size, "no-data", dtype=object)
    flag[at] = held.flags[held.flag[rows]]
    columns["flag"] = flag
    city = held.rows(indicator, period, "gemeente", "direct")
    city_value = float(held.columns["value"][city.start]) if city.stop > city.start else np.nan
    columns["city_value"] = np.full(size, city_value)
    return columns


_NO_AREAS = {"area_code": np.array([], dtype=object), "name": np.array([], dtype=object)}


class _Held:
    """indicator_values held as whole columns, the rows of one view (indicator, period,
    level, method) one after another: per row its four numbers, a flag number (into
    ``flags``) and its position in its level's list of areas (ordered by code); about
    37 bytes a row, so a national file's millions of rows fit beside the views."""

    def __init__(self, columns: dict, views: list[tuple], starts: np.ndarray, flags, areas):
        self.areas = areas
        self.columns = {c: columns[c] for c in VALUE_COLUMNS}
        self.flag = columns["flag"]
        self.flags = np.asarray(flags, dtype=object)
        self.position = columns["position"]
        self._views = {view: i for i, view in enumerate(views)}
        self._starts = starts

    def rows(self, indicator: str, period: str, level: str, method: str) -> slice:
        """The rows of a view (an empty slice for a view without rows)."""
        i = self._views.get((indicator, period, level, method))
        return slice(0, 0) if i is None else slice(self._starts[i], self._starts[i + 1])


@lru_cache(maxsize=2)
def _held_values(store: Store, version: tuple[int, int]) -> _Held | None:
    """indicator_values in memory, when the file is small enough."""
    count = store.frame("select count(*) as n from indicator_values")["n"][0]
    if count > PRELOAD_ROWS:
        return None

    def distinct(column: str, table: str = "indicator_values") -> list[str]:
        sql = f"select distinct coalesce({column}, 'no-data') as x from {table} order by 1"
        return list(store.frame(sql)["x"])

    names = {
        "indicator": distinct("indicator"),
        "period": distinct("period"),
        "level": distinct("level", "areas"),
        "method": distinct("method"),
        "flag": distinct("flag"),
    }
    # every text as its place in a short list (no join on texts, no sort in DuckDB: a
    # join on the four texts of a view held half a gigabyte in DuckDB for a national file)
    reader = (
        store.cursor()
        .execute(
            """
        with positions as (
            select code, (list_position(?::varchar[], level) - 1)::utinyint as level,
                (row_number() over (partition by level order by code) - 1)::integer
                    as position
            from areas
        )
        select (list_position(?::varchar[], v.indicator) - 1)::integer as indicator,
            (list_position(?::varchar[], v.period) - 1)::integer as period,
            p.level,
            (list_position(?::varchar[], v.method) - 1)::utinyint as method,
            p.position, v.value, v.ci_low, v.ci_high, v.n,
            (list_position(?::varchar[], coalesce(v.flag, 'no-data')) - 1)::utinyint as flag
        from indicator_values v join positions p on p.code = v.area_code
        """,
            [names[c] for c in ("level", "indicator", "period", "method", "flag")],
        )
        .to_arrow_reader(_BATCH_ROWS)
    )
    # read in batches into arrays of the final size, then put each view's rows together
    kinds = {"position": np.int32, "flag": np.uint8}
    columns = {c: np.empty(count, dtype=kinds.get(c, float)) for c in VALUE_COLUMNS}
    columns.update({c: np.empty(count, dtype=t) for c, t in kinds.items()})
    view = np.empty(count, dtype=np.int64)
    sizes = [len(names[c]) for c in ("indicator", "period", "level", "method")]
    filled = 0
    for batch in reader:
        size, got = batch.num_rows, dict(zip(batch.schema.names, batch.columns))
        part = slice(filled, filled + size)
        for c in columns:
            columns[c][part] = got[c].to_numpy(zero_copy_only=False)
        number = np.zeros(size, dtype=np.int64)
        for c, k in zip(("indicator", "period", "level", "method"), sizes):
            number = number * k + got[c].to_numpy(zero_copy_only=False)
        view[part] = number
        filled += size
    view = view[:filled]
    order = np.argsort(view, kind="stable")
    view = view[order]
    starts = np.flatnonzero(np.r_[True, view[1:] != view[:-1], True])
    keys = []
    for number in view[starts[:-1]].tolist():
        parts = []
        for c, k in zip(("method", "level", "period", "indicator"), reversed(sizes)):
            number, i = divmod(number, k)
            parts.append(names[c][i])
        keys.append(tuple(reversed(parts)))
    del view
    columns = {c: a[:filled][order] for c, a in columns.items()}
    del order
    areas = store.frame("select code as area_code, name, level from areas order by code")
    by_level = {
        level: {
            "area_code": rows["area_code"].to_numpy(dtype=object),
            "name": rows["name"].to_numpy(dtype=object),
        }
        for level, rows in areas.groupby("level", sort=False)
    }
    return _Held(columns, keys, starts, names["flag"], by_level)


def _area_values_sql(
    store: Store, indicator: str, level: str, period: str, method: str = "direct"
) -> pd.DataFrame:
    return store.frame(
        """
        select a.code as area_code, a.name, v.value, v.ci_low, v.ci_high, v.n,
            coalesce(v.flag, 'no-data') as flag,
            (select c.value from indicator_values c join areas g on g.code = c.area_code
             where g.level = 'gemeente' and c.indicator = ? and c.period = ?
                and c.method = 'direct' limit 1)
                as city_value
        from areas a
        left join indicator_values v
            on v.area_code = a.code and v.indicator = ? and v.period = ? and v.method = ?
        where a.level = ?
        order by a.code
        """,
        [indicator, period, indicator, period, method, level],
    )


def area_trend(
    store: Store, indicator: str, area_code: str, role: str = "public", method: str = "direct"
) -> pd.DataFrame:
    """The indicator over all periods for one area, disclosure control applied for the public."""
    frame = store.frame(
        """
        select v.period, v.value, v.ci_low, v.ci_high, v.n, v.flag, a.level
        from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = ? and v.area_code = ? and v.method = ?
        order by v.period
        """,
        [indicator, area_code, method],
    )
    level = frame["level"].iloc[0] if len(frame) else "buurt"
    return disclose(store, frame, indicator, level, role, area_code=area_code, method=method)


def latest_values(
    store: Store,
    area_code: str,
    indicators: list[str],
    role: str = "public",
    method: str = "direct",
) -> pd.DataFrame:
    """Latest period's value of each indicator for an area, beside the city's (direct),
    through the gate."""
    if not indicators:
        return pd.DataFrame()
    frame = _latest_values(store, area_code, indicators, method)
    info = area_info(store, area_code, role)
    level = info["level"] if info else ""
    rows = [
        disclose(store, frame.iloc[[i]], ind, level, role, area_code=area_code, method=method)
        for i, ind in enumerate(frame["indicator"])
    ]
    return pd.concat(rows, ignore_index=True) if rows else frame


def _latest_values(
    store: Store, area_code: str, indicators: list[str], method: str
) -> pd.DataFrame:
    marks = ",".join("?" * len(indicators))
    return store.frame(
        f"""
        with latest as (
            select indicator, max(period) as period from indicator_values
            where area_code = ? and indicator in ({marks}) and method = ? group by indicator
        )
        select v.indicator, v.period, v.value, v.ci_low, v.ci_high, v.n, v.flag,
            c.value as city_value
        from latest l
        join indicator_values v on v.indicator = l.indicator and v.period = l.period
            and v.area_code = ? and v.method = ?
        left join indicator_values c on c.indicator = l.indicator and c.period = l.period
            and c.area_code = (select code from areas where level = 'gemeente' limit 1)
            and c.method = 'direct'
        order by v.indicator
        """,
        [area_code, *indicators, method, area_code, method],
    )


def trend_series(
    store: Store,
    indicator: str,
    codes: list[str],
    role: str = "public",
    method: str = "direct",
) -> pd.DataFrame:
    """The indicator over time for several areas (each level through the gate)."""
    marks = ",".join("?" * len(codes)) or "''"
    frame = store.frame(
        f"""
        select v.area_code, a.name, a.level, v.period, v.value, v.ci_low, v.ci_high, v.n,
            coalesce(v.flag, 'no-data') as flag
        from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = ? and v.area_code in ({marks}) and v.method = ?
        order by a.name, v.period
        """,
        [indicator, *codes, method],
    )
    if frame.empty:
        return frame
    parts = [
        disclose(store, rows, indicator, level, role, method=method)
        for level, rows in frame.groupby("level", sort=False)
    ]
    return pd.concat(parts).sort_values(["name", "period"], kind="stable")
