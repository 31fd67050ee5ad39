"""A Parquet file of incidents as DuckDB reads it for ``etl.ingest``: every column as the
text ``etl.extract.as_text`` makes of it after ``pandas.read_parquet``.

Each column becomes text by an SQL expression that gives, value for value, the text of
the row-by-row path: a text column as it is; an integer as its digits; a float whole
number as the digits of the integer, any other float as its shortest repr (as Python's
``repr``), NaN as missing; a date as yyyy-mm-dd; a timestamp as its day (yyyy-mm-dd,
the time dropped, as ``as_text`` does).  A file with a column whose text this cannot
give the same way goes wholly through the row-by-row path: a column of another type
(decimal, boolean, a timestamp with a time zone, binary, nested), a timestamp column
with a missing value (pandas makes that NaN, not an empty text) or a year outside
1000-9999, a date outside the years 1-9999, integers beyond 2**53 in a column with
missing values (pandas makes them floats), floats beyond 1.7e38 (DuckDB's widest
integer), an index that pandas
restores from the file's metadata, or repeated column names.
"""

from __future__ import annotations

import pyarrow.parquet as pq

INTEGERS = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
}
FLOATS = {"FLOAT", "DOUBLE"}
TIMESTAMPS = {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"}
#: The largest integer a float64 holds exactly.
EXACT_IN_FLOAT = 2**53


def parquet_path(source) -> str:
    return str(source.path).replace("'", "''")


def parquet_reader(con, source) -> tuple[list[str], str] | None:
    """Column names and DuckDB's reader of the file (every column as text, named c0,
    c1, ... in file order); None when the file takes the row-by-row path."""
    path = parquet_path(source)
    try:
        schema = pq.read_schema(source.path)
        described = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
    except Exception:  # the row-by-row path names why the file cannot be read
        return None
    names = [row[0] for row in described]
    meta = schema.pandas_metadata or {}
    if any(isinstance(c, str) for c in meta.get("index_columns", [])):
        return None  # pandas makes such a column the index
    if len(set(names)) < len(names) or names != list(schema.names):
        return None
    texts = []
    checks = []
    for name, kind in ((row[0], row[1]) for row in described):
        column = '"' + name.replace('"', '""') + '"'
        text, check = _as_text(column, kind)
        if text is None:
            return None
        texts.append(text)
        if check:
            checks.append(check)
    if checks and not all(
        con.execute(f"select {', '.join(checks)} from read_parquet('{path}')").fetchone()
    ):
        return None
    listed = ", ".join(f"{text} as c{i}" for i, text in enumerate(texts))
    return names, f"(select {listed} from read_parquet('{path}'))"


def _as_text(column: str, kind: str) -> tuple[str | None, str | None]:
    """The text of a column as ``as_text`` gives it, and a condition over the whole
    column (an aggregate, true when it holds) under which that text is the same."""
    if kind == "VARCHAR":
        return column, None
    if kind in INTEGERS:
        # with a missing value pandas reads the column as floats: exact up to 2**53
        return f"cast({column} as varchar)", (
            f"coalesce(count({column}) = count(*) "
            f"or max(abs({column}::double)) <= {EXACT_IN_FLOAT}, true)"
        )
    if kind in FLOATS:
        value = f"{column}::double"
        return (
            f"case when isnan({value}) then null "
            f"when not isinf({value}) and {value} = trunc({value}) "
            f"then cast(cast({value} as hugeint) as varchar) "
            f"else cast({value} as varchar) end",
            f"coalesce(max(abs({value})) filter (where not isinf({value}) and not isnan({value}))"
            " < 1.7e38, true)",
        )
    if kind == "DATE":
        return (
            f"cast({column} as varchar)",
            f"coalesce(min(year({column})) >= 1 and max(year({column})) <= 9999, true)",
        )
    if kind in TIMESTAMPS:
        return (
            f"strftime({column}, '%Y-%m-%d')",
            f"count({column}) = count(*) and coalesce("
            f"min(year({column})) >= 1000 and max(year({column})) <= 9999, true)",
        )
    return None, None
