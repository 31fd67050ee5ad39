"""Reading source files into data frames: CSV, Parquet, GeoJSON, GeoPackage, shapefile.

Tabular files are read as text, so that validation sees exactly what the file
says and can quote it in the quarantine.  Dutch spreadsheet habits are handled:
``;`` delimiters, UTF-8 with a byte-order mark, latin-1.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from etl.config import SPATIAL_SUFFIXES, Source


class SourceError(Exception):
    """A source file that cannot be read at all; the message names the file."""


def checksum(path: Path) -> str:
    """SHA-256 of a file, recorded in the load log."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_source(source: Source) -> pd.DataFrame | gpd.GeoDataFrame:
    """Read a source's file; a spatial file comes back as a GeoDataFrame with its CRS."""
    path = source.path
    if not path.is_file():
        raise SourceError(f"{path}: file not found (source '{source.name}')")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json" and _is_odata(path):
            return read_odata_json(path)
        if suffix in SPATIAL_SUFFIXES:
            return pyogrio.read_dataframe(path, layer=source.layer)
        if suffix == ".parquet":
            return as_text(_numbered(pd.read_parquet(path)))
        return read_csv_text(path)
    except SourceError:
        raise
    except Exception as exc:  # the reader's own message, with the file named
        raise SourceError(f"{path}: cannot be read (source '{source.name}'): {exc}") from None


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows numbered 0, 1, 2, ... as every reader gives them (a row's number in the
    quarantine is its place in the file).  An index pandas stored in a Parquet file
    becomes a column again when it has a name (what the file's schema shows), and is
    dropped when it has none."""
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1:
        return frame
    named = any(name is not None for name in frame.index.names)
    return frame.reset_index(drop=not named)


def _is_odata(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", "ignore")
    return '"value"' in head and '"FeatureCollection"' not in head


def read_odata_json(path: Path) -> pd.DataFrame:
    """An OData response saved as JSON (``{"value": [...]}``, CBS style) as text cells.

    A file may also hold a list of such pages (``[{"value": [...]}, ...]``).
    """
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    pages = data if isinstance(data, list) else [data]
    rows = [row for page in pages for row in page.get("value", [])]
    frame = pd.DataFrame(rows)
    return as_text(frame) if len(frame) else frame


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV as text: every cell a string, empty cells as ''."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    if not first.strip():
        raise SourceError(f"{path}: the file is empty or has no header line")
    csv.field_size_limit(1 << 24)
    with warnings.catch_warnings():
        # more fields in the first row than in the header: pandas would take the first
        # column as the index (or, with index_col=False, drop the last) and warn
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                pd.io.common.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                engine="python" if len(text) < 1 << 16 else "c",
                skipinitialspace=False,
                on_bad_lines="error",
                index_col=False,
            )
        except pd.errors.ParserWarning:
            raise SourceError(
                f"{path}: the first data row has more fields than the header line"
            ) from None
        except pd.errors.ParserError:
            unclosed = unclosed_quote(text, delimiter)
            if unclosed is None:
                raise
            line, column = unclosed
            raise SourceError(
                f'{path}: line {line}, field {column!r}: a quote (") opens a value that is '
                "never closed; the rest of the file would be read as that one value"
            ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("")  # short rows: the missing cells are empty, as in a spreadsheet


def unclosed_quote(text: str, delimiter: str) -> tuple[int, str] | None:
    """Line (header = line 1) and column of a quote that opens a value never closed."""
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=delimiter))
    quoted, opened, line, field = False, None, 1, 0
    for char in text:
        if char == '"':
            quoted = not quoted  # a doubled quote inside a value toggles twice
            if quoted:
                opened = (line, field)
        elif char == "\n":
            line += 1
            if not quoted:
                field = 0
        elif char == delimiter and not quoted:
            field += 1
    if not quoted or opened is None:
        return None
    line, field = opened
    return line, header[field].strip() if field < len(header) else f"column {field + 1}"


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            text = series.dt.strftime("%Y-%m-%d")
        else:
            text = series.astype(object).where(series.notna(), "")
            text = text.map(_cell_text)
        out[str(col)] = text
    return out


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
