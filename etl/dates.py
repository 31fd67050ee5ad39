"""Dates as police and municipal files write them, recognised per column.

Recognised without configuration:

* ISO dates and datetimes: ``2017-09-20``, ``2017-09-20T17:30:00+02:00`` (the clock
  time is kept, the offset ignored), also with ``/`` or ``.`` between the parts;
* compact police timestamps: ``20170920`` and ``20170920173000`` (``YYYYMMDDhhmmss``,
  also ``YYYYMMDDhhmm``); a second 60 rolls over to the next minute;
* day first: ``20-09-2017``, ``20/09/2017 17:30``, ``20.09.2017``.  Whether the first
  number is the day or the month is decided once for the whole column: the day when
  any first number exceeds 12 or none does (the Dutch order), the month only when a
  second number exceeds 12 and no first one does.  Rows are never guessed one by one;
* Excel serial day numbers (``42998``), only when every value of the column is one
  and all of them fall inside the plausible range.

A source's ``date_format`` (strptime codes such as ``%d-%m-%y``) overrides the
detection; values it cannot read are still tried as ISO and compact timestamps.
Dates outside the plausible range (settings ``min_date`` and ``max_date``) are
reported apart from unreadable ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

#: Day 0 of Excel's (1900, Lotus-compatible) serial day numbers.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_TIME = r"(?:[T ]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,]\d+)?)?)?"
_ZONE = r"(?:Z|[+-]\d{2}(?::?\d{2})?)?"
#: (label, pattern with named groups Y m d H M S, or a b for day/month in either order)
PATTERNS = (
    (
        "ISO (yyyy-mm-dd)",
        rf"(?P<Y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}{_ZONE}",
    ),
    (
        "YYYYMMDD[hhmm[ss]]",
        r"(?P<Y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[T ]?(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?",
    ),
    ("dd-mm-yyyy", rf"(?P<a>\d{{1,2}})[-/.](?P<b>\d{{1,2}})[-/.](?P<Y>\d{{4}}){_TIME}"),
)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
#: Candidate formats tried on unreadable values to suggest a ``date_format``.
SUGGESTIONS = (
    "%d-%m-%y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d-%m-%y %H:%M",
    "%d/%m/%y %H:%M",
    "%Y%m%d %H:%M",
    "%d%m%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d, %Y",
    "%Y-%m-%d %H.%M",
    "%d-%b-%Y",
    "%d-%b-%y",
)


@dataclass
class ParsedDates:
    """One column of dates: values, what could not be read, what lies out of range."""

    values: pd.Series  # datetime64; NaT where missing, unreadable or implausible
    unreadable: pd.Series  # bool
    implausible: pd.Series  # bool: read, but outside [lo, hi]
    formats: dict[str, int] = field(default_factory=dict)  # label -> values read so
    rolled_over: int = 0  # values with second 60 (or 24:00) moved on


def parse_dates(
    text: pd.Series,
    missing: pd.Series,
    lo: pd.Timestamp,
    hi: pd.Timestamp,
    date_format: str | None = None,
) -> ParsedDates:
    """Read a column of date texts; ``missing`` marks empty cells (neither read nor bad)."""
    text = text.astype(str).str.strip()
    values = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    implausible = pd.Series(False, index=text.index)
    todo = ~missing
    result = ParsedDates(values, todo.copy(), implausible)
    if date_format:
        _with_format(text, todo, date_format, lo, hi, result)
        todo = result.unreadable & ~result.implausible
        patterns = PATTERNS[:2]
    elif todo.any() and text[todo].str.match(_SERIAL).all():
        if _serials(text, todo, lo, hi, result):
            return result
        patterns = PATTERNS
    else:
        patterns = PATTERNS
    todo = _exact_widths(text, todo, lo, hi, result)
    for label, pattern in patterns:
        if not todo.any():
            break
        parts = text[todo].str.extract(f"^{pattern}$")
        hit = parts["Y"].notna()
        if not hit.any():
            continue
        parts = parts[hit]
        if "a" in parts:
            parts, label = _day_month(parts)
        _from_parts(parts, label, lo, hi, result)
        todo = todo & ~todo.index.isin(parts.index)
    return result


#: Fixed-width forms read by pandas' C parser before any regex: (label, width, format).
EXACT = (
    (PATTERNS[0][0], 10, "%Y-%m-%d"),
    (PATTERNS[0][0], 19, "%Y-%m-%d %H:%M:%S"),
    (PATTERNS[0][0], 19, "%Y-%m-%dT%H:%M:%S"),
    (PATTERNS[0][0], 16, "%Y-%m-%d %H:%M"),
    (PATTERNS[1][0], 8, "%Y%m%d"),
    (PATTERNS[1][0], 14, "%Y%m%d%H%M%S"),
    (PATTERNS[1][0], 12, "%Y%m%d%H%M"),
)


def _exact_widths(
    text: pd.Series, todo: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp, result: ParsedDates
) -> pd.Series:
    """The common fixed-width forms, fast; what is left (second 60, other forms) goes on."""
    width = text.str.len()
    for label, size, fmt in EXACT:
        candidates = todo & (width == size)
        if not candidates.any():
            continue
        stamps = pd.to_datetime(text[candidates], format=fmt, errors="coerce")
        read = stamps.notna()
        if not read.any():
            continue
        out = read & ((stamps < lo) | (stamps > hi + pd.Timedelta(days=1)))
        good = read & ~out
        done = read[read].index
        result.values.loc[good[good].index] = stamps[good]
        result.unreadable.loc[done] = False
        result.implausible.loc[out[out].index] = True
        if good.any():
            result.formats[label] = result.formats.get(label, 0) + int(good.sum())
        if fmt.endswith("%S"):  # the parser rolls second 60 over itself
            result.rolled_over += int((text[good[good].index].str[-2:] == "60").sum())
        todo = todo & ~todo.index.isin(done)
    return todo


def _day_month(parts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The day and month of the day-first pattern, in one order for the whole column."""
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    month_first = bool((b > 12).any()) and not bool((a > 12).any())
    day, month = (b, a) if month_first else (a, b)
    return parts.assign(d=day, m=month), "mm-dd-yyyy" if month_first else "dd-mm-yyyy"


def _from_parts(
    parts: pd.DataFrame, label: str, lo: pd.Timestamp, hi: pd.Timestamp, result: ParsedDates
) -> None:
    """Timestamps from year, month, day, hour, minute, second columns (text or numbers)."""
    num = {k: parts[k].astype(float) for k in ("Y", "m", "d", "H", "M", "S")}
    hour, minute, second = (num[k].fillna(0) for k in ("H", "M", "S"))
    clock_ok = (hour <= 23) & (minute <= 59) & (second <= 60)
    clock_ok |= (hour == 24) & (minute == 0) & (second == 0)  # 24:00 is the next midnight
    year = num["Y"]
    in_years = year.between(lo.year, hi.year)
    day = pd.to_datetime(
        pd.DataFrame({"year": year.where(in_years, 2000), "month": num["m"], "day": num["d"]}),
        errors="coerce",
    )
    stamp = day + pd.to_timedelta(hour * 3600 + minute * 60 + second, unit="s")
    readable = day.notna() & clock_ok
    # a year far outside the range is implausible, whatever its month and day
    out = (~in_years & num["m"].between(1, 12) & num["d"].between(1, 31) & clock_ok) | (
        readable & in_years & ((stamp < lo) | (stamp > hi + pd.Timedelta(days=1)))
    )
    good = readable & in_years & ~out
    index = parts.index
    result.values.loc[index[good.to_numpy()]] = stamp[good]
    result.unreadable.loc[index[(good | out).to_numpy()]] = False
    result.implausible.loc[index[out.to_numpy()]] = True
    if good.any():
        result.formats[label] = result.formats.get(label, 0) + int(good.sum())
    result.rolled_over += int((good & ((second == 60) | (hour == 24))).sum())


def _serials(
    text: pd.Series, todo: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp, result: ParsedDates
) -> bool:
    """Excel serial day numbers, when all of them fall in the plausible range."""
    days = pd.to_numeric(text[todo], errors="coerce")
    stamps = EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    if not (stamps.between(lo, hi + pd.Timedelta(days=1))).all():
        return False
    result.values.loc[stamps.index] = stamps
    result.unreadable.loc[stamps.index] = False
    result.formats["Excel serial day number"] = len(stamps)
    return True


def _with_format(
    text: pd.Series,
    todo: pd.Series,
    date_format: str,
    lo: pd.Timestamp,
    hi: pd.Timestamp,
    result: ParsedDates,
) -> None:
    stamps = pd.to_datetime(text[todo], format=date_format, errors="coerce")
    read = stamps.notna()
    out = read & ((stamps < lo) | (stamps > hi + pd.Timedelta(days=1)))
    good = read & ~out
    result.values.loc[good[good].index] = stamps[good]
    result.unreadable.loc[read[read].index] = False
    result.implausible.loc[out[out].index] = True
    if good.any():
        result.formats[f"date_format {date_format}"] = int(good.sum())


def suggest_format(samples: list[str]) -> str | None:
    """A strptime format that reads every sample, to suggest as ``date_format``."""
    samples = [s.strip() for s in samples if s.strip()]
    if not samples:
        return None
    for fmt in SUGGESTIONS:
        parsed = pd.to_datetime(pd.Series(samples), format=fmt, errors="coerce")
        if parsed.notna().all():
            return fmt
    return None


def shape(value: str) -> str:
    """The shape of a text, digits as 9 and letters as a: ``20-9-17`` -> ``99-9-99``."""
    return re.sub(r"[^\W\d_]", "a", re.sub(r"\d", "9", value))
