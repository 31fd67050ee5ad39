"""The months and survey waves an initiative comparison looks at (methods §7).

Months are integers ``year * 12 + month - 1``
(:func:`etl.stats.initiative_methods.month_number`).  A comparison looks at up
to :data:`WINDOW_MONTHS` months before the start month and as many after it
(the start month counts as neither), never across a declared series break; a
placebo start lies :data:`PLACEBO_SHIFT_MONTHS` earlier.  The incident controls
are cross-fitted over :data:`FOLDS` folds of months (:func:`fold_months`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.stats import initiative_methods as m
from etl.stats.change import period_key

WINDOW_MONTHS = 24
MIN_WINDOW_MONTHS = 6
PLACEBO_SHIFT_MONTHS = 12
MIN_PLACEBO_MONTHS = 4
FOLDS = 2  # cross-fitting of the incident controls: months split by parity


def break_months(breaks) -> list[int]:
    """Month numbers at which a series starts: 'YYYY' -> January, 'YYYY-MM' -> that month."""
    out = []
    for b in map(str, breaks):
        year, _, month = b.partition("-")
        if year.isdigit():
            out.append(m.month_number(int(year), int(month) if month.isdigit() else 1))
    return sorted(out)


def series_bounds(month: int, breaks: list[int], lo: int, hi: int):
    """The series holding ``month`` within the data's months ``lo``..``hi``.

    Returns (first, last, previous break, next break): the first and last month
    of the series, and the break months that bound it (None where the data bound it).
    """
    earlier = [b for b in breaks if lo < b <= month]
    later = [b for b in breaks if month < b <= hi]
    first = max(earlier) if earlier else lo
    last = min(later) - 1 if later else hi
    return first, last, (max(earlier) if earlier else None), (min(later) if later else None)


def survey_waves_in_series(waves: list[int], year: int, breaks) -> tuple[list[int], list[int]]:
    """Survey waves before and after ``year`` within the series of ``year``."""
    keys = [period_key(str(b)) for b in breaks]

    def segment(w: int) -> int:
        return sum(k <= period_key(str(w)) for k in keys)

    same = [w for w in waves if segment(w) == segment(year)]
    return [w for w in same if w < year], [w for w in same if w > year]


@dataclass(frozen=True)
class Windows:
    """The months compared: before (without skipped months) and after the start."""

    before: list[int]
    after: list[int]

    @property
    def usable(self) -> bool:
        return min(len(self.before), len(self.after)) >= MIN_WINDOW_MONTHS


def initiative_months(
    initiatives: pd.DataFrame, rings: dict[str, list[str]], buurten, months
) -> pd.DataFrame:
    """Buurt x month: True where the buurt lies in the area or ring of an active initiative.

    An initiative is active from its start month to its end month (open-ended
    without an end date).  Such months do not count for a control buurt.
    """
    buurten, months = list(buurten), list(months)
    position = {c: i for i, c in enumerate(buurten)}
    out = np.zeros((len(buurten), len(months)), dtype=bool)
    columns = np.asarray(months, dtype=int)
    for ini in initiatives.itertuples(index=False):
        start = pd.Timestamp(ini.start_date)
        first = m.month_number(start.year, start.month)
        end = pd.Timestamp(ini.end_date) if pd.notna(ini.end_date) else None
        last = m.month_number(end.year, end.month) if end is not None else max(months, default=0)
        out[
            np.ix_(_rows(position, ini.area_code, rings), (columns >= first) & (columns <= last))
        ] = True
    return pd.DataFrame(out, index=buurten, columns=months)


def _rows(position: dict[str, int], code: str, rings: dict[str, list[str]]) -> list[int]:
    """Positions of ``code`` and its ring among the buurten (``position``: code -> row)."""
    return sorted({position[c] for c in (code, *rings.get(code, [])) if c in position})


def window_label(months: list[int]) -> str | None:
    """``'YYYY-MM/YYYY-MM'``, or None for an empty window."""
    return f"{m.month_label(min(months))}/{m.month_label(max(months))}" if months else None


def fold_months(months: list[int], fold: int) -> list[int]:
    """The months of ``months`` with ``month % FOLDS == fold``."""
    return [mo for mo in months if mo % FOLDS == fold]


def month_range(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def comparison_windows(monthly: dict[str, pd.DataFrame], breaks, start: int, skipped: list[int]):
    """Main and placebo windows inside the series of the start month, and the break that
    clipped one of them ('YYYY-MM'), if any.

    ``monthly``: the counts per category (buurt x month); ``breaks``: the declared
    series breaks; ``skipped``: months left out of the main before-window.
    """
    if not monthly:
        return Windows([], []), Windows([], []), None
    lo = min(f.columns.min() for f in monthly.values())
    hi = max(f.columns.max() for f in monthly.values())
    first, last, previous, following = series_bounds(start, break_months(breaks), lo, hi)
    before = month_range(max(start - WINDOW_MONTHS, first), start - 1)
    after = month_range(start + 1, min(start + WINDOW_MONTHS, last))
    fake = start - PLACEBO_SHIFT_MONTHS
    placebo = Windows(
        month_range(max(fake - WINDOW_MONTHS, first), fake - 1) if fake >= first else [],
        month_range(fake + 1, start - 1) if fake >= first else [],
    )
    clipped = [
        b
        for b, hit in (
            (previous, previous is not None and previous > fake - WINDOW_MONTHS),
            (following, following is not None and following <= start + WINDOW_MONTHS),
        )
        if hit
    ]
    label = ", ".join(m.month_label(b) for b in clipped) or None
    main = Windows([mo for mo in before if mo not in skipped], after)
    return main, placebo, label


def initiative_years(
    initiatives: pd.DataFrame, rings: dict[str, list[str]], buurten, years
) -> pd.DataFrame:
    """Buurt x year: True where the buurt lies in the area or ring of an initiative active
    at some moment of the year (:func:`etl.stats.initiative_methods.active_in_year`).  A
    survey wave of such a year does not count for a control buurt."""
    buurten, years = list(buurten), list(years)
    position = {c: i for i, c in enumerate(buurten)}
    out = np.zeros((len(buurten), len(years)), dtype=bool)
    for j, year in enumerate(years):
        active = initiatives[
            m.active_in_year(initiatives["start_date"], initiatives["end_date"], year)
        ]
        for code in active["area_code"]:
            out[_rows(position, code, rings), j] = True
    return pd.DataFrame(out, index=buurten, columns=years)
