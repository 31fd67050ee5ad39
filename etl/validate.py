"""Row-by-row validation of a source against its kind's canonical fields.

Every rejected row keeps its row number (the line in a CSV, header = line 1; the
feature number in a spatial file), the field(s) at fault, the reason and the raw
values, so it can go to the ``quarantine`` table and nothing is lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl.config import Source
from etl.dates import parse_dates
from etl.extract import as_text
from etl.schema import FIELDS, ID_FIELD, Field
from etl.settings import Settings
from geo.boundaries import CODE_PATTERNS

MISSING_TEXT = ("", ".", "-", "NA", "N/A", "nan", "NaN", "None", "null", "NULL")
#: CBS writes missing numbers as large negative sentinels (-99999999, -99999997, ...).
SENTINEL_BELOW = -99999990


PERIOD = r"^\d{4}(JJ00|MM\d{2}|KW\d{2}|-Q\d|[-_]\d{1,2})?$"
#: The plausible range of dates when no settings are given (see etl.settings).
DEFAULT_DATES = Settings().date_range()
#: Years a period may name; months 1-12 and quarters 1-4 within them.
PERIOD_YEARS = (1900, 2100)
#: Numbers are refused outside these magnitudes: sums of squares of larger or smaller
#: values overflow or vanish in the intervals, and no count, weight or coordinate is so.
NUMBER_RANGE = (1e-12, 1e15)


def normalise_period(text: str) -> str:
    """CBS period codes to the project's.

    2024JJ00 -> 2024, 2024MM03 -> 2024-03, 2024KW01 -> 2024-Q1, 2024-3 -> 2024-03.
    """
    year, rest = text[:4], text[4:]
    if rest in ("", "JJ00"):
        return year
    if rest.startswith("MM"):
        return f"{year}-{rest[2:]}"
    if rest.startswith("KW"):
        return f"{year}-Q{int(rest[2:])}"
    if rest.startswith("-") and rest[1:].isdigit():
        return f"{year}-{int(rest[1:]):02d}"
    return text


def valid_period(text: str) -> bool:
    """A period code of the PERIOD form whose year, month or quarter exists."""
    if not re.match(PERIOD, text):
        return False
    if not PERIOD_YEARS[0] <= int(text[:4]) <= PERIOD_YEARS[1]:
        return False
    rest = text[4:]
    if rest.startswith("MM") or (rest.startswith("-") and rest[1:].isdigit()):
        return 1 <= int(rest.lstrip("-M")) <= 12
    if rest.startswith("KW") or rest.startswith("-Q"):
        return 1 <= int(rest[2:]) <= 4
    return True


class MappingError(ValueError):
    """A column named in the config is not in the file."""


@dataclass
class Checked:
    """The outcome of validating one source."""

    rows: pd.DataFrame  # canonical columns + row_number, only rows that passed
    rejected: pd.DataFrame  # row_number, field, reason, raw
    rows_read: int
    notes: list[str] = field(default_factory=list)


class Problems:
    """Accumulates (field, reason) per row index."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.by_row: dict[int, list[tuple[str, str]]] = {}
        self.notes: dict[int, list[tuple[str, str]]] = {}
        self.formats: dict[str, dict[str, int]] = {}  # date field -> format -> values
        self.rolled_over: dict[str, int] = {}  # date field -> values with second 60

    def add(self, mask: pd.Series | np.ndarray, name: str, reasons: pd.Series | str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = self.index[mask]
        texts = reasons[mask] if isinstance(reasons, pd.Series) else [reasons] * len(idx)
        for i, text in zip(idx, texts):
            self.by_row.setdefault(int(i), []).append((name, str(text)))

    def note(self, mask: pd.Series | np.ndarray, name: str, reasons: pd.Series | str) -> None:
        """A problem that does not reject the row: an optional value left empty."""
        mask = np.asarray(mask, dtype=bool)
        idx = self.index[mask]
        texts = reasons[mask] if isinstance(reasons, pd.Series) else [reasons] * len(idx)
        for i, text in zip(idx, texts):
            self.notes.setdefault(int(i), []).append((name, str(text)))

    def rejected_mask(self) -> np.ndarray:
        return self.index.isin(list(self.by_row))


LINE = "_line"
#: Options that map foreign area codes (see etl.harmonise).
MAPPED_CODES = {"gemeente_rows", "code_map", "match_names"}


def row_numbers(frame: pd.DataFrame, is_csv: bool) -> pd.Series:
    """Line numbers for CSV (header is line 1), feature numbers (from 1) otherwise.

    A frame that was reshaped or filtered carries its original numbers in ``_line``.
    """
    if LINE in frame:
        return frame[LINE].astype(int)
    offset = 2 if is_csv else 1
    return pd.Series(np.arange(len(frame)) + offset, index=frame.index)


def mapped_text(source: Source, frame: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    """The canonical columns named in the config, as stripped text; missing columns raise."""
    columns = {**source.columns}
    absent = [
        f"{columns[c]!r} (for {c})" for c in wanted if c in columns and columns[c] not in frame
    ]
    if absent:
        raise MappingError(
            f"{source.path}: source '{source.name}': column {', '.join(absent)} not in the file; "
            f"its columns are: {', '.join(str(c) for c in frame.columns if c != LINE)}"
        )
    return pd.DataFrame(
        {c: frame[columns[c]].astype(str).str.strip() for c in wanted if c in columns},
        index=frame.index,
    )


def parse_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from text: decimal commas, CBS missing markers and sentinels; (values, bad)."""
    missing = text.isin(MISSING_TEXT)
    has_comma = text.str.contains(",", regex=False)
    normal = text.where(
        ~has_comma, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    values = pd.to_numeric(normal.where(~missing), errors="coerce")
    values = values.where(np.isfinite(values))  # inf, -inf, 1e999: not a number either
    bad = values.isna() & ~missing
    values = values.where(values > SENTINEL_BELOW)
    return values.astype(float), bad


def check_fields(
    source: Source,
    text: pd.DataFrame,
    fields: list[Field],
    problems: Problems,
    dates: tuple[pd.Timestamp, pd.Timestamp] = DEFAULT_DATES,
) -> pd.DataFrame:
    """Type every canonical column; register a problem for each bad cell.

    ``dates`` is the plausible range of dates (settings min_date, max_date).  An
    unreadable or implausible *optional* date is left empty with a note; the row is kept.
    """
    out = pd.DataFrame(index=text.index)
    missing_codes = {str(v) for v in source.options.get("missing_codes", [])}
    type_map = {str(k).lower(): str(v) for k, v in source.options.get("type_map", {}).items()}
    for f in fields:
        if f.name not in text:
            out[f.name] = np.nan if f.type in ("int", "float", "item") else None
            continue
        col = text[f.name]
        empty = col.isin(MISSING_TEXT)
        if f.required:
            problems.add(empty, f.name, "required value is empty")
        if f.type in ("int", "float", "item"):
            out[f.name] = _check_numbers(f, col, empty, missing_codes, problems)
        elif f.type == "date":
            out[f.name] = _check_dates(source, f, col, empty, problems, dates)
        elif f.type == "code" and source.options.keys() & MAPPED_CODES:
            # foreign codes are mapped before validation: what is left is checked
            # against the loaded areas, with the name that did not match
            out[f.name] = col.str.upper().where(~empty, None)
        elif f.type == "code":
            code = col.str.upper()
            known = pd.Series(False, index=col.index)
            for pattern in CODE_PATTERNS.values():
                known |= code.str.match(pattern)
            problems.add(~empty & ~known, f.name, "not a CBS area code: " + col.str.slice(0, 40))
            out[f.name] = code.where(~empty, None)
        elif f.type == "enum":
            value = col.str.lower().map(lambda v: type_map.get(v, v))
            bad = ~empty & ~value.isin(f.choices)
            problems.add(bad, f.name, f"not one of {', '.join(f.choices)}: " + col.str.slice(0, 40))
            out[f.name] = value.where(~empty, None)
        elif f.type == "period":
            bad = ~empty & ~col.map(valid_period)
            problems.add(
                bad, f.name, "not a period like 2023, 2023-03 or 2019_2: " + col.str.slice(0, 40)
            )
            year = pd.to_numeric(col.str.slice(0, 4).where(~empty & ~bad), errors="coerce")
            lo, hi = dates
            problems.add(
                year.notna() & ~year.between(lo.year, hi.year),
                f.name,
                f"period outside the plausible range {lo.year} to {hi.year} "
                "(settings min_date, max_date): " + col.str.slice(0, 40),
            )
            out[f.name] = col.where(~empty, None).map(normalise_period, na_action="ignore")
        else:
            out[f.name] = col.where(~empty, None)
    return out


#: Optional numbers that still reject their row when unreadable: a point needs both.
LOCATION = ("x", "y")


def _check_numbers(
    f: Field, col: pd.Series, empty: pd.Series, missing_codes: set[str], problems: Problems
) -> pd.Series:
    """Numbers of one field; a bad optional value is left empty with a note, the row kept."""
    if missing_codes:
        col = col.where(~col.isin(missing_codes), "")
    values, bad = parse_numbers(col)
    shown = col.str.slice(0, 40)
    found = [(bad, "not a number: " + shown)]
    if f.required:  # a CBS missing marker or a missing code is no value either
        marker = ~empty & ~bad & values.isna()
        found.append((marker, "required value is missing: " + shown))
    size = values.abs()
    extreme = (size > NUMBER_RANGE[1]) | ((size > 0) & (size < NUMBER_RANGE[0]))
    limits = f"out of range (magnitude {NUMBER_RANGE[0]:g} to {NUMBER_RANGE[1]:g}): "
    found.append((extreme, limits + shown))
    values = values.where(~extreme)
    if f.type in ("int", "item"):
        found.append((values.notna() & (values != values.round()), "not a whole number: " + shown))
    if f.lo is not None:
        low = values <= f.lo if f.above_lo else values < f.lo
        what = f"must be > {f.lo:g}" if f.above_lo else f"below {f.lo:g}"
        found.append((low, f"{what}: " + shown))
    if f.hi is not None:
        found.append((values > f.hi, f"above {f.hi:g}: " + shown))
    if f.required or f.name in LOCATION:
        for mask, reason in found:
            problems.add(mask, f.name, reason)
        return values
    for mask, reason in found:
        problems.note(mask, f.name, f"{f.name} left empty, row kept: " + reason)
        values = values.where(~mask)
    return values


def _check_dates(
    source: Source,
    f: Field,
    col: pd.Series,
    empty: pd.Series,
    problems: Problems,
    dates: tuple[pd.Timestamp, pd.Timestamp],
) -> pd.Series:
    lo, hi = dates
    parsed = parse_dates(col, empty, lo, hi, source.date_format)
    unreadable = "not a valid date: " + col.str.slice(0, 40)
    implausible = (
        f"date outside the plausible range {lo:%Y-%m-%d} to {hi:%Y-%m-%d} "
        "(settings min_date, max_date): " + col.str.slice(0, 40)
    )
    if f.required:
        problems.add(parsed.unreadable, f.name, unreadable)
        problems.add(parsed.implausible, f.name, implausible)
    else:
        kept = f"{f.name} left empty, row kept: "
        problems.note(parsed.unreadable, f.name, kept + unreadable)
        problems.note(parsed.implausible, f.name, kept + implausible)
    problems.formats[f.name] = parsed.formats
    problems.rolled_over[f.name] = parsed.rolled_over
    return parsed.values


def check_duplicates(kind: str, typed: pd.DataFrame, problems: Problems) -> None:
    key = ID_FIELD.get(kind)
    if key and key in typed:
        dupe = typed[key].notna() & typed[key].duplicated(keep="first")
        problems.add(dupe, key, "duplicate " + key + ": " + typed[key].astype(str).str.slice(0, 40))


def raw_json(frame: pd.DataFrame, index: list[int]) -> list[str]:
    """The row's raw values as JSON (each value cut at 200 characters)."""
    cols = [c for c in frame.columns if c != "geometry" and not str(c).startswith("_")]
    rows = frame.loc[index, cols]
    return [
        json.dumps({str(k): str(v)[:200] for k, v in rec.items()}, ensure_ascii=False)
        for rec in rows.to_dict("records")
    ]


def rejected_frame(frame: pd.DataFrame, problems: Problems, numbers: pd.Series) -> pd.DataFrame:
    """The rejected rows (with any notes of theirs), for the quarantine."""
    found = {i: [*p, *problems.notes.get(i, [])] for i, p in problems.by_row.items()}
    return _problem_frame(frame, found, numbers)


def noted_frame(frame: pd.DataFrame, problems: Problems, numbers: pd.Series) -> pd.DataFrame:
    """The rows kept with a note (an optional value left empty), for the quarantine."""
    found = {i: p for i, p in problems.notes.items() if i not in problems.by_row}
    return _problem_frame(frame, found, numbers)


def _problem_frame(
    frame: pd.DataFrame, found: dict[int, list[tuple[str, str]]], numbers: pd.Series
) -> pd.DataFrame:
    index = sorted(found)
    return pd.DataFrame(
        {
            "row_number": [int(numbers[i]) for i in index],
            "field": ["; ".join(dict.fromkeys(f for f, _ in found[i])) for i in index],
            "reason": ["; ".join(r for _, r in found[i]) for i in index],
            "raw": raw_json(frame, index),
        },
        columns=["row_number", "field", "reason", "raw"],
    )


def validate_table(
    source: Source,
    frame: pd.DataFrame,
    is_csv: bool,
    dates: tuple[pd.Timestamp, pd.Timestamp] = DEFAULT_DATES,
) -> tuple[pd.DataFrame, Problems]:
    """Type and check the canonical fields of a non-boundary source."""
    attrs = frame.drop(columns="geometry") if "geometry" in frame else frame
    if not is_csv:
        attrs = as_text(attrs)
    fields = list(FIELDS[source.kind])
    wanted = [f.name for f in fields]
    text = mapped_text(source, attrs, wanted)
    problems = Problems(frame.index)
    typed = check_fields(source, text, fields, problems, dates)
    if source.kind == "context":
        var_source = Source(
            name=source.name,
            kind=source.kind,
            path=source.path,
            columns=source.variables,
            options=source.options,
        )
        var_fields = [Field(v, "float") for v in source.variables]
        var_text = mapped_text(var_source, attrs, list(source.variables))
        typed = typed.join(check_fields(var_source, var_text, var_fields, problems))
    check_duplicates(source.kind, typed, problems)
    typed["row_number"] = row_numbers(frame, is_csv)
    return typed, problems
