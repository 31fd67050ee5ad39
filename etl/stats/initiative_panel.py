"""Monthly incident counts of the initiative comparisons as arrays (methods §7).

The comparisons of every initiative look at the same buurten and months, so the
counts are held once as one array per category, buurten (rows, in the order of
the build's buurten) by month (columns, consecutive month numbers), and each
comparison takes rows and columns by position instead of labels.  A count is a
float; NaN is a month that does not count for that buurt (it lay in the area or
ring of an active initiative).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl.stats.initiative_windows import MIN_WINDOW_MONTHS, Windows
from etl.stats.rates import empirical_bayes


@dataclass(frozen=True)
class Buurten:
    """The buurten compared, in order: each buurt's row in the arrays."""

    codes: list[str]
    row: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "row", {c: i for i, c in enumerate(self.codes)})

    def rows(self, codes: Sequence[str]) -> np.ndarray:
        """Rows of ``codes`` that are buurten, in the order given (others left out)."""
        return np.array([self.row[c] for c in codes if c in self.row], dtype=int)

    def mask(self, codes) -> np.ndarray:
        """True in the rows of ``codes``."""
        out = np.zeros(len(self.codes), dtype=bool)
        out[self.rows(list(codes))] = True
        return out

    def align(self, values: pd.Series) -> np.ndarray:
        """``values`` (indexed by code) per buurt; NaN where it has none."""
        return values.reindex(self.codes).to_numpy(dtype=float)

    def codes_of(self, mask: np.ndarray) -> list[str]:
        return [self.codes[i] for i in np.flatnonzero(mask)]


@dataclass(frozen=True)
class MonthlyCounts:
    """Counts per buurt (rows) and month (columns ``first``, ``first + 1``, ...)."""

    values: np.ndarray
    first: int

    @classmethod
    def of(cls, frame: pd.DataFrame, buurten: Buurten) -> MonthlyCounts:
        """A buurt x month-number frame on the rows of ``buurten`` (NaN for a buurt it lacks)."""
        if not len(frame.columns):
            return cls(np.empty((len(buurten.codes), 0)), 0)
        first, last = int(min(frame.columns)), int(max(frame.columns))
        aligned = frame.reindex(index=buurten.codes, columns=range(first, last + 1))
        return cls(aligned.to_numpy(dtype=float), first)

    @property
    def months(self) -> list[int]:
        return list(range(self.first, self.first + self.values.shape[1]))

    def window(self, months: Sequence[int], fill: float = np.nan, rows=None) -> np.ndarray:
        """The counts of ``months`` of every buurt, or of ``rows`` in that order (``fill``
        for a month outside the counts)."""
        values = self.values if rows is None else self.values[np.asarray(rows, dtype=int)]
        positions = np.asarray(months, dtype=int) - self.first
        inside = (positions >= 0) & (positions < self.values.shape[1])
        out = np.full((values.shape[0], len(positions)), fill)
        out[:, inside] = values[:, positions[inside]]
        return out

    def without(self, covered: np.ndarray) -> MonthlyCounts:
        """NaN where ``covered`` (buurt x month) is True."""
        return MonthlyCounts(np.where(covered, np.nan, self.values), self.first)

    def with_rows_of(self, other: MonthlyCounts, rows: np.ndarray) -> MonthlyCounts:
        """These counts with the ``rows`` of ``other`` (the same months)."""
        values = self.values.copy()
        values[rows] = other.values[rows]
        return MonthlyCounts(values, self.first)


@dataclass(frozen=True)
class RateTable:
    """Per buurt: counts, counted months and annualised rates per 1,000 before and after,
    and the change of the rate."""

    before_count: np.ndarray
    before_months: np.ndarray
    before_value: np.ndarray
    after_count: np.ndarray
    after_months: np.ndarray
    after_value: np.ndarray

    @property
    def change(self) -> np.ndarray:
        return self.after_value - self.before_value


def rate_table(counts: MonthlyCounts, w: Windows, den: np.ndarray) -> RateTable:
    """Counts, annualised rates per 1,000 and their change over the windows, per buurt.

    NaN counts (months that do not count for a buurt) are left out, and each buurt's
    rate uses its own number of counted months; fewer than ``MIN_WINDOW_MONTHS`` on
    a side, or a main window that is too short, gives no rate.
    """
    sides = {}
    for side, months in (("before", w.before), ("after", w.after)):
        window = counts.window(months)
        c = np.nansum(window, axis=1)
        n = (~np.isnan(window)).sum(axis=1).astype(float)
        enough = (n >= MIN_WINDOW_MONTHS) & w.usable & np.isfinite(den) & (den > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(
                enough, c * 12.0 / np.maximum(n, 1) / np.where(den > 0, den, 1) * 1000, np.nan
            )
        sides[side] = (c, n, rate)
    return RateTable(*sides["before"], *sides["after"])


def smoothed_baseline(
    counts: MonthlyCounts, months: list[int], den: np.ndarray, min_months: int
) -> np.ndarray:
    """The rate per 1,000 a year over ``months`` per buurt, smoothed by empirical Bayes.

    Months that do not count for a buurt (NaN) are left out; a buurt with fewer
    than ``min_months`` counted months has no baseline.  The smoothed rate
    (:func:`etl.stats.rates.empirical_bayes`, exposure = denominator x months / 12)
    shrinks the rate of a small buurt towards the city's, so a few incidents do
    not make it look like a high-rate buurt.
    """
    window = counts.window(months)
    present = ~np.isnan(window)
    n = present.sum(axis=1)
    count = np.where(present.any(axis=1), np.nansum(window, axis=1), np.nan)
    exposure = den * n / 12
    with np.errstate(invalid="ignore"):
        ok = ~np.isnan(count) & (n >= min_months) & (exposure > 0)
    out = np.full(len(count), np.nan)
    if ok.sum() >= 2:
        out[ok] = empirical_bayes(count[ok], exposure[ok]) * 1000
    return out
