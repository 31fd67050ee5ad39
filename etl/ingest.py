"""Point incidents of a CSV or a Parquet file read, checked, placed and loaded in DuckDB.

DuckDB's CSV reader (or its Parquet reader, every column made the text
``etl.extract.as_text`` makes of it: ``etl.ingest_parquet``) streams the file as text
(one column per column of the file) into one SQL pass
(``sql/ingest/incidents_checked.sql``) that types every row and marks it
passed when it passes every check of ``etl.validate`` in the forms that cover nearly
all of a police extract: a registration number and category, a date (and optional end
date) of the fixed-width forms ``etl.dates`` reads first, within the plausible range,
and two plain numbers as coordinates.  The table it writes keeps the file's order (its
rowid + 2 is the line of a CSV, header = line 1; rowid + 1 the row of a Parquet file)
and the typed values of the passed rows only.
A passed row whose registration number occurs once is clean.  The clean rows are
placed in their areas by ``geo.assign.assign_area_indices`` on coordinates fetched in
chunks, and inserted by SQL, chunk by chunk; they never become Python objects and no
reason string is built for them.  Of the polygons of the levels above the finest, only
a point that lies in another area than the one above its finest area is written
(``load_incident_levels``; the staging takes every other area from the ancestors).

Every other row (an empty, unreadable or implausible value, a date of another form, a
registration number that occurs twice, a point in no area, an area code instead of a
point) is handed as text, exactly as ``etl.extract`` reads it, to the
row-by-row path of ``etl.load_table``, so its quarantine reason, notes and bookkeeping
are the same as before: the first pass keeps the cells of the rows that did not pass
and of points near the border of the municipality or outside it (not in a cell of a
grid that lies wholly inside it: ``geo.interior``); the few others (a repeated number,
a point in a gap between areas) are read again from the file.  A file this path
cannot read the same way as pandas (not UTF-8, header names missing or repeated, a
quoted line break, rows longer than the header, anything DuckDB's reader refuses; a
Parquet column whose text ``etl.ingest_parquet`` cannot make the same), a source with
options or a ``date_format``, or a date column with Excel serial numbers
(decided over the whole column) goes wholly through the row-by-row path.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
from pyproj import Transformer
from pyproj.exceptions import ProjError

from etl.config import Source
from etl.dates import EXACT
from etl.ingest_parquet import parquet_reader
from etl.settings import Settings
from etl.sqlfiles import sql_root
from etl.validate import LINE, MISSING_TEXT, NUMBER_RANGE, SENTINEL_BELOW
from geo.assign import assign_area_indices
from geo.crs import RD, CRSError, resolve_crs, to_rd
from geo.interior import Grid, interior_grid

#: The characters Python's ``str.strip()`` removes (none lies above U+3000), as a class
#: of DuckDB's regular expressions (RE2); and white space at an edge of a value.
WHITESPACE = (
    "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace()) + "]"
)
WHITE_EDGE = f"^{WHITESPACE}|{WHITESPACE}$"
WHITE_ENDS = f"^{WHITESPACE}+|{WHITESPACE}+$"
#: Canonical fields this path reads; a source mapping others takes the row-by-row path.
FIELDS = ("incident_id", "category", "date", "date_end", "x", "y", "area_code")
REQUIRED = ("incident_id", "category", "date", "x", "y")
#: Points placed per chunk (memory: a few arrays of this length).
CHUNK = 500_000
#: The box round the municipality, in a CRS other than RD, widened by this share on
#: every side.
BOX_MARGIN = 0.01
#: One cell round every point there can be.
EVERYWHERE = Grid(-1e300, -1e300, 1e301, 1e301, 1, 1, np.array([True]))
#: Levels an area may have above it (as in sql/staging/02_area_ancestors.sql).
_MAX_DEPTH = 8
#: Names of the date forms, as etl.dates counts them for the load log.
ISO_FORM, COMPACT_FORM = EXACT[0][0], EXACT[4][0]
_TABLES = ("ingest_checked", "ingest_repeated", "ingest_codes", "ingest_rest", "ingest_again")


@dataclass
class CleanRows:
    """What the DuckDB path loaded, and the rows it leaves to the row-by-row path."""

    rest: pd.DataFrame  # the other rows as text, with their line in LINE
    loaded: int
    formats: dict[str, dict[str, int]] = field(default_factory=dict)  # date field -> form -> n


def eligible(source: Source) -> bool:
    """A source this path may load: incidents from a CSV or a Parquet file, no options,
    no date_format."""
    columns = set(source.columns)
    return (
        source.kind == "incidents"
        and source.path.suffix.lower() in (".csv", ".parquet")
        and not source.options
        and not source.date_format
        and columns <= set(FIELDS)
        and set(REQUIRED) <= columns
    )


def load_clean_rows(con, source: Source, index, settings: Settings) -> CleanRows | None:
    """Load the clean rows of ``source``; None when the whole source takes the pandas path."""
    if not eligible(source) or not source.path.is_file():
        return None  # etl.extract names a missing file
    if source.path.suffix.lower() == ".parquet":
        found = parquet_reader(con, source)
        offset = 1  # rows of a Parquet file are numbered from 1, as etl.validate does
    else:
        header = _header(source)
        found = header and (header[0], _reader(source, *header))
        offset = 2  # the line of a CSV: the header is line 1
    if not found:
        return None
    names, reader = found
    if any(column not in names for column in source.columns.values()):
        return None  # the row-by-row path names the missing column
    try:
        return _load(con, source, index, settings, names, reader, offset)
    finally:
        con.execute("drop view if exists ingest_text")
        for table in _TABLES:
            con.execute(f"drop table if exists {table}")


def _header(source: Source) -> tuple[list[str], str] | None:
    """Column names and delimiter, as etl.extract reads them; None when not plain UTF-8
    (DuckDB's reader refuses a file that is not UTF-8 further on: see _load)."""
    with source.path.open("rb") as fh:
        head = fh.read(1 << 16)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not a character cut off at the end of the block
            return None
        text = head[: exc.start].decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    if not first.strip() or "\n" not in text:
        return None
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    names = [name.strip() for name in next(csv.reader(io.StringIO(text), delimiter=delimiter))]
    if "" in names or len(set(names)) < len(names):
        return None  # pandas would rename them
    return names, delimiter


def _load(con, source, index, settings, names, reader, offset) -> CleanRows | None:
    position = {name: f"c{i}" for i, name in enumerate(names)}
    picked = ", ".join(
        f"{position[source.columns[f]] if f in source.columns else 'null'} as {f}" for f in FIELDS
    )
    con.execute(f"create or replace temp view ingest_text as select {picked}, * from {reader}")
    con.execute((sql_root() / "ingest" / "macros.sql").read_text(encoding="utf-8"))
    lo, hi = settings.date_range()
    try:
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
                **_grid(source, index),
            },
        )
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise  # a mistake in the SQL, not in the file
    except duckdb.Error:
        return None  # the row-by-row path reads the file, or names why it cannot
    serial, rows = con.execute(
        "select coalesce(bool_or(serial_like), false), count(*) from ingest_checked"
    ).fetchone()
    if serial:
        return None  # Excel serial numbers are decided over the whole column: pandas
    con.execute(
        "create or replace temp table ingest_repeated as select id_hash from ingest_checked "
        "where id_hash is not null group by id_hash having count(*) > 1"
    )
    loaded, formats, unplaced = _place_and_insert(con, source, index, rows, offset)
    return CleanRows(_rest(con, reader, names, unplaced, offset), loaded, formats)


def _grid(source: Source, index) -> dict:
    """The grid of cells inside the municipality, in the coordinates of the file, as the
    parameters of sql/ingest/incidents_checked.sql.  For a file in another CRS than RD,
    one cell: a box round the municipality; without a CRS or a municipality, one cell
    round everything (the placing names what is missing)."""
    shape = index.municipality
    try:
        crs = resolve_crs(None, source.crs, "")
    except CRSError:
        crs = None
    if crs is None or shape is None or shape.is_empty:
        grid = EVERYWHERE
    elif crs.equals(RD):
        grid = interior_grid(shape)
    else:
        try:
            xmin, ymin, xmax, ymax = Transformer.from_crs(RD, crs, always_xy=True).transform_bounds(
                *shape.bounds, densify_pts=21
            )
        except ProjError:
            xmin = ymin = xmax = ymax = np.nan
        if np.isfinite([xmin, ymin, xmax, ymax]).all():
            dx, dy = (xmax - xmin) * BOX_MARGIN, (ymax - ymin) * BOX_MARGIN
            box = (xmin - dx, ymin - dy, xmax - xmin + 2 * dx, ymax - ymin + 2 * dy)
            grid = Grid(*box, 1, 1, np.array([True]))
        else:
            grid = EVERYWHERE
    first, after = grid.runs()
    return {
        "x0": grid.x0,
        "y0": grid.y0,
        "width": grid.width,
        "height": grid.height,
        "ny": grid.ny,
        "first": first.tolist(),
        "after": after.tolist(),
    }


def _rest(con, reader: str, names: list[str], unplaced: np.ndarray, offset: int) -> pd.DataFrame:
    """The rows left to the row-by-row path, as text, in the order of the file: those
    that did not pass, repeated registration numbers, points in no area."""
    con.register("unplaced_in", pd.DataFrame({"r": unplaced}))
    con.execute(
        """
        create or replace temp table ingest_rest as
        select rowid + $offset as line, cells from ingest_checked
        where not passed
            or id_hash in (select id_hash from ingest_repeated)
            or rowid in (select r from unplaced_in)
        """,
        {"offset": offset},
    )
    con.unregister("unplaced_in")
    # rows whose cells were not kept are read again, numbered in the order of the file
    # (DuckDB's reader has no line numbers)
    again = con.execute("select count(*) from ingest_rest where cells is null").fetchone()[0]
    con.execute(
        f"""
        create or replace temp table ingest_again as
        select line, list_value(*columns('^c[0-9]+$')) as cells
        from (select row_number() over () + $offset - 1 as line, * from {reader})
        where line in (select line from ingest_rest where cells is null)
        """
        if again
        else "create or replace temp table ingest_again (line bigint, cells varchar[])",
        {"offset": offset} if again else None,
    )
    listed = ", ".join(f"coalesce(cells[{i + 1}], '') as \"{n}\"" for i, n in enumerate(names))
    return con.execute(
        f"""
        select {listed}, line as {LINE}
        from (
            select r.line, coalesce(r.cells, a.cells) as cells
            from ingest_rest r left join ingest_again a using (line)
        )
        order by line
        """
    ).df()


def _reader(source: Source, names: list[str], delimiter: str) -> str:
    """DuckDB's reader of the file: every column as text, named c0, c1, ... in file order."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names)))
    path = str(source.path).replace("'", "''")
    quote = delimiter.replace("'", "''")
    return (
        f"read_csv('{path}', delim = '{quote}', quote = '\"', escape = '\"', header = true, "
        f"skip = 0, columns = {{{columns}}}, auto_detect = false, null_padding = true, "
        "strict_mode = true, encoding = 'utf-8')"
    )


def _place_and_insert(con, source: Source, index, rows: int, offset: int):
    """Place the clean rows in chunks and insert those inside an area into
    ``load_incidents`` (and ``load_incident_levels``: points that lie, at a level above
    the finest, in another area than the ancestor of their finest area).

    Returns the number loaded, the forms of their dates and the rowids of the clean
    rows that lie in no area (left to the row-by-row path).
    """
    finest, levels = _levels(con, index)
    crs = None
    loaded, unplaced = 0, []
    forms = {"date": np.zeros(2, dtype=np.int64), "date_end": np.zeros(2, dtype=np.int64)}
    for start in range(0, rows, CHUNK):
        bounds = {"lo": start, "hi": start + CHUNK}
        points = con.execute(
            """
            select rowid as r, x, y, date_iso::tinyint as date,
                coalesce(date_end_iso::tinyint, -1) as date_end
            from ingest_checked
            where rowid >= $lo and rowid < $hi
                and passed and id_hash not in (select id_hash from ingest_repeated)
            """,
            bounds,
        ).fetchnumpy()
        if not len(points["r"]):
            continue
        if crs is None:
            crs = resolve_crs(None, source.crs, f"{source.path}: source '{source.name}'")
        x, y = to_rd(points["x"], points["y"], crs)
        area = assign_area_indices(x, y, finest)
        inside = area >= 0
        unplaced.append(points["r"][~inside])
        r, x, y, area = points["r"][inside], x[inside], y[inside], area[inside]
        for name, counted in forms.items():  # ISO forms, compact forms
            counted += [np.count_nonzero(points[name][inside] == v) for v in (1, 0)]
        con.register("located_in", pd.DataFrame({"r": r, "x_rd": x, "y_rd": y, "area": area}))
        con.execute(
            """
            insert into load_incidents by name
            select $source as source, l.r + $offset as row_number, c.incident_id, c.category,
                c.date, c.date_end, l.x_rd, l.y_rd, k.code as area_code
            from located_in l
            join ingest_checked c on c.rowid = l.r
            join ingest_codes k on k.level = $finest and k.idx = l.area
            where c.rowid >= $lo and c.rowid < $hi
            """,
            {"source": source.name, "finest": index.finest_level, "offset": offset, **bounds},
        )
        con.unregister("located_in")
        loaded += len(r)
        for level, (geoms, ancestor) in levels.items():
            found = assign_area_indices(x, y, geoms)
            moved = (found >= 0) & (found != ancestor[area])
            if not moved.any():
                continue
            con.register(
                "moved_in", pd.DataFrame({"r": r[moved], "level": level, "area": found[moved]})
            )
            con.execute(
                """
                insert into load_incident_levels by name
                select c.incident_id, m.level, k.code as area_code
                from moved_in m
                join ingest_checked c on c.rowid = m.r
                join ingest_codes k on k.level = m.level and k.idx = m.area
                """
            )
            con.unregister("moved_in")
    return loaded, _formats(forms), np.concatenate(unplaced or [np.array([], dtype=np.int64)])


def _levels(con, index) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The finest polygons in code order (ties: the smallest code), and for every level
    between the finest and the gemeente its polygons in code order with, for each finest
    area, the index of its ancestor at that level (-1: none).  Their codes go to
    ``ingest_codes`` (level, idx, code)."""
    ordered = {}
    for level, (codes, geoms) in index.by_level.items():
        if level == index.finest_level or level != "gemeente":
            codes = np.asarray(codes).astype(str)
            order = np.argsort(codes, kind="stable")
            ordered[level] = (codes[order], np.asarray(geoms, dtype=object)[order])
    con.execute("create or replace temp table ingest_codes (level text, idx integer, code text)")
    for level, (codes, _) in ordered.items():
        frame = pd.DataFrame({"level": level, "idx": np.arange(len(codes)), "code": codes})
        con.register("codes_in", frame)
        con.execute("insert into ingest_codes select * from codes_in")
        con.unregister("codes_in")
    parents = dict(con.execute("select code, parent_code from load_areas").fetchall())
    finest_codes, finest = ordered[index.finest_level]
    levels = {}
    for level, (codes, geoms) in ordered.items():
        if level == index.finest_level:
            continue
        position = {code: i for i, code in enumerate(codes)}
        ancestor = np.full(len(finest_codes), -1, dtype=np.int64)
        for i, code in enumerate(finest_codes):
            for _ in range(_MAX_DEPTH):  # as sql/staging/02_area_ancestors.sql
                code = parents.get(code)
                if code is None:
                    break
                if code in position:
                    ancestor[i] = position[code]
                    break
        levels[level] = (geoms, ancestor)
    return finest, levels


def _formats(counted: dict[str, np.ndarray]) -> dict[str, dict[str, int]]:
    """How many of the loaded dates were read in each form, per date field (forms with
    none left out)."""
    formats: dict[str, dict[str, int]] = {}
    for name, (iso, compact) in counted.items():
        found = {ISO_FORM: int(iso), COMPACT_FORM: int(compact)}
        if any(found.values()):
            formats[name] = {form: n for form, n in found.items() if n}
    return formats
