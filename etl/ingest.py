"""Point incidents of a CSV read, checked, placed and loaded in DuckDB.

DuckDB's CSV reader stages the file as text (one column per column of the file, the
line number from the row's position: header = line 1).  One SQL pass
(``sql/ingest/incidents_checked.sql``) types every row and marks it clean when it
passes every check of ``etl.validate`` in the forms that cover nearly all of a police
extract: a registration number and category, a date (and optional end date) of the
fixed-width forms ``etl.dates`` reads first, within the plausible range, and two plain
numbers as coordinates.  The clean rows are placed in their areas by
``geo.assign.assign_area_indices`` on arrays fetched in chunks, and inserted by SQL;
they never become Python objects and no reason string is built for them.

Every other row (an empty, unreadable or implausible value, a date of another form, a
registration number that occurs twice, a point in no area, an area code instead of a
point) is handed back as text, exactly as ``etl.extract.read_csv_text`` reads it, to
the row-by-row path of ``etl.load_table``, so its quarantine reason, notes and
bookkeeping are the same as before.  A file this path cannot read the same way as
pandas (not UTF-8, header names missing or repeated, a quoted line break, rows longer
than the header, anything DuckDB's reader refuses), a source with options or a
``date_format``, or a date column with Excel serial numbers (decided over the whole
column) goes wholly through the row-by-row path.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from etl.config import Source
from etl.dates import EXACT
from etl.settings import Settings
from etl.sqlfiles import sql_root
from etl.validate import LINE, MISSING_TEXT, NUMBER_RANGE, SENTINEL_BELOW
from geo.assign import assign_area_indices
from geo.crs import resolve_crs, to_rd

#: The characters Python's ``str.strip()`` removes (none lies above U+3000), as a class
#: of DuckDB's regular expressions (RE2); and white space at an edge of a value, where
#: values are joined by chr(0).
WHITESPACE = (
    "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace()) + "]"
)
WHITE_EDGE = f"(^|\\x00){WHITESPACE}|{WHITESPACE}(\\x00|$)"
WHITE_ENDS = f"^{WHITESPACE}+|{WHITESPACE}+$"
#: Canonical fields this path reads; a source mapping others takes the row-by-row path.
FIELDS = ("incident_id", "category", "date", "date_end", "x", "y", "area_code")
REQUIRED = ("incident_id", "category", "date", "x", "y")
#: Points placed per chunk (memory: a few arrays of this length).
CHUNK = 1_000_000
#: Names of the date forms, as etl.dates counts them for the load log.
ISO_FORM, COMPACT_FORM = EXACT[0][0], EXACT[4][0]
_TABLES = ("ingest_located", "ingest_levels", "ingest_codes", "ingest_checked", "ingest_raw")


@dataclass
class CleanRows:
    """What the DuckDB path loaded, and the rows it leaves to the row-by-row path."""

    rest: pd.DataFrame  # the other rows as text, with their line in LINE
    loaded: int
    formats: dict[str, dict[str, int]] = field(default_factory=dict)  # date field -> form -> n


def eligible(source: Source) -> bool:
    """A source this path may load: incidents from a CSV, no options, no date_format."""
    columns = set(source.columns)
    return (
        source.kind == "incidents"
        and source.path.suffix.lower() == ".csv"
        and not source.options
        and not source.date_format
        and columns <= set(FIELDS)
        and set(REQUIRED) <= columns
    )


def load_clean_rows(con, source: Source, index, settings: Settings) -> CleanRows | None:
    """Load the clean rows of ``source``; None when the whole source takes the pandas path."""
    if not eligible(source) or not source.path.is_file():
        return None  # etl.extract names a missing file
    header = _header(source)
    if header is None:
        return None
    names, delimiter = header
    if any(column not in names for column in source.columns.values()):
        return None  # the row-by-row path names the missing column
    try:
        return _load(con, source, index, settings, names, delimiter)
    finally:
        con.execute("drop view if exists ingest_text")
        for table in _TABLES:
            con.execute(f"drop table if exists {table}")


def _header(source: Source) -> tuple[list[str], str] | None:
    """Column names and delimiter, as etl.extract reads them; None when not plain UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = b""
    with source.path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 23), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return None
            if len(head) < 1 << 16:
                head += block[: 1 << 16]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    text = head.decode("utf-8-sig", errors="ignore")
    first = text.split("\n", 1)[0]
    if not first.strip() or "\n" not in text:
        return None
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    names = [name.strip() for name in next(csv.reader(io.StringIO(text), delimiter=delimiter))]
    if "" in names or len(set(names)) < len(names):
        return None  # pandas would rename them
    return names, delimiter


def _load(con, source, index, settings, names, delimiter) -> CleanRows | None:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names)))
    path = str(source.path).replace("'", "''")
    quote = delimiter.replace("'", "''")
    try:
        con.execute(
            f"""
            create or replace temp table ingest_raw as
            select * from read_csv('{path}', delim = '{quote}', quote = '"', escape = '"',
                header = true, skip = 0, columns = {{{columns}}}, auto_detect = false,
                null_padding = true, strict_mode = true, encoding = 'utf-8')
            """
        )
    except duckdb.Error:
        return None
    position = {name: f"c{i}" for i, name in enumerate(names)}
    picked = ", ".join(
        f"{position[source.columns[f]] if f in source.columns else 'null'} as {f}" for f in FIELDS
    )
    con.execute(
        "create or replace temp view ingest_text as "
        f"select rowid + 2 as line, {picked} from ingest_raw"
    )
    con.execute((sql_root() / "ingest" / "macros.sql").read_text(encoding="utf-8"))
    lo, hi = settings.date_range()
    con.execute(
        (sql_root() / "ingest" / "incidents_checked.sql").read_text(encoding="utf-8"),
        {
            "white_edge": WHITE_EDGE,
            "white_ends": WHITE_ENDS,
            "missing": list(MISSING_TEXT),
            "lo": lo.to_pydatetime(),
            "hi": hi.to_pydatetime(),
            "sentinel": float(SENTINEL_BELOW),
            "smallest": NUMBER_RANGE[0],
            "largest": NUMBER_RANGE[1],
            "iso_form": ISO_FORM,
            "compact_form": COMPACT_FORM,
        },
    )
    serial, clean, last = con.execute(
        "select bool_or(serial_like), count(*) filter (where clean), max(line) from ingest_checked"
    ).fetchone()
    if serial:
        return None  # Excel serial numbers are decided over the whole column: pandas
    if clean:
        where = f"{source.path}: source '{source.name}'"
        _place(con, index, resolve_crs(None, source.crs, where), last)
        loaded = _insert(con, source, index)
        formats = _formats(con)
    else:
        con.execute("create temp table ingest_located (line bigint)")
        loaded, formats = 0, {}
    listed = ", ".join(f"coalesce(c{i}, '') as \"{n}\"" for i, n in enumerate(names))
    rest = con.execute(
        f"""
        select {listed}, rowid + 2 as {LINE} from ingest_raw
        where rowid + 2 not in (select line from ingest_located)
        order by rowid
        """
    ).df()
    return CleanRows(rest, loaded, formats)


def _place(con, index, crs, last: int) -> None:
    """Area indices of the clean points at the finest level and every level between."""
    levels = {index.finest_level: (index.finest_codes, index.finest_geoms)}
    for level, (codes, geoms) in index.by_level.items():
        if level not in (index.finest_level, "gemeente"):
            levels[level] = (codes, geoms)
    ordered = {}
    for level, (codes, geoms) in levels.items():
        order = np.argsort(np.asarray(codes).astype(str), kind="stable")  # ties: smallest code
        ordered[level] = np.asarray(geoms, dtype=object)[order]
        codes_frame = pd.DataFrame(
            {"level": level, "idx": np.arange(len(order)), "code": np.asarray(codes)[order]}
        )
        con.register("codes_in", codes_frame)
        con.execute(
            "create temp table if not exists ingest_codes as select * from codes_in limit 0"
        )
        con.execute("insert into ingest_codes select * from codes_in")
        con.unregister("codes_in")
    con.execute(
        "create temp table ingest_located (line bigint, x_rd double, y_rd double, area integer)"
    )
    con.execute("create temp table ingest_levels (line bigint, level text, area integer)")
    for start in range(0, last + 1, CHUNK):
        points = con.execute(
            "select line, x, y from ingest_checked where clean and line >= ? and line < ?",
            [start, start + CHUNK],
        ).fetchnumpy()
        if not len(points["line"]):
            continue
        x, y = to_rd(points["x"], points["y"], crs)
        area = assign_area_indices(x, y, ordered[index.finest_level])
        inside = area >= 0
        line = points["line"][inside]
        x, y = x[inside], y[inside]
        located = pd.DataFrame({"line": line, "x_rd": x, "y_rd": y, "area": area[inside]})
        con.register("located_in", located)
        con.execute("insert into ingest_located select * from located_in")
        con.unregister("located_in")
        for level, geoms in list(ordered.items())[1:]:
            found = assign_area_indices(x, y, geoms)
            placed = pd.DataFrame({"line": line, "level": level, "area": found})[found >= 0]
            con.register("levels_in", placed)
            con.execute("insert into ingest_levels select * from levels_in")
            con.unregister("levels_in")


def _insert(con, source: Source, index) -> int:
    """The located clean rows into load_incidents and load_incident_levels; their number."""
    con.execute(
        """
        insert into load_incidents by name
        select $source as source, c.line as row_number, c.incident_id, c.category,
            c.date, c.date_end, l.x_rd, l.y_rd, k.code as area_code
        from ingest_checked c
        join ingest_located l using (line)
        join ingest_codes k on k.level = $finest and k.idx = l.area
        """,
        {"source": source.name, "finest": index.finest_level},
    )
    con.execute(
        """
        insert into load_incident_levels by name
        select c.incident_id, v.level, k.code as area_code
        from ingest_levels v
        join ingest_checked c using (line)
        join ingest_codes k on k.level = v.level and k.idx = v.area
        """
    )
    return con.execute("select count(*) from ingest_located").fetchone()[0]


def _formats(con) -> dict[str, dict[str, int]]:
    """How many of the loaded dates were read in each form, per date field."""
    rows = con.execute(
        """
        select 'date' as name, date_form as form, count(*) as n
        from ingest_checked join ingest_located using (line) group by all
        union all
        select 'date_end', date_end_form, count(*)
        from ingest_checked join ingest_located using (line)
        where date_end_form is not null group by all
        """
    ).fetchall()
    formats: dict[str, dict[str, int]] = {}
    for name, form, n in sorted(rows, key=lambda r: (r[0], r[1] != ISO_FORM)):
        formats.setdefault(name, {})[form] = n
    return formats
