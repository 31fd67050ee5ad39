"""Marks of partial periods and of denominators of another year, as one sentence.

``indicator_values.coverage`` holds the months of a partial year ('2017-01..2017-09')
and ``denominator_period`` the year of the population a rate was divided by; the map,
trends, profile and briefing say so next to the figures (``jan–sep 2017`` /
``Jan–Sep 2017``) instead of showing a partial year as if it were whole.
"""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import t

MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def coverage_label(coverage: str, lang: str) -> str:
    """'2017-01..2017-09' -> 'jan–sep 2017' (nl) or 'Jan–Sep 2017' (en)."""
    first, _, last = coverage.partition("..")
    names = MONTHS.get(lang, MONTHS["nl"])
    start, end = names[int(first[5:7]) - 1], names[int(last[5:7]) - 1]
    months = start if start == end else f"{start}–{end}"
    return f"{months} {last[:4]}"


def marks_text(marks: pd.DataFrame, lang: str) -> str:
    """One sentence from rows (period, coverage, denominator_periods); '' when none."""
    if marks.empty:
        return ""
    parts = []
    for row in marks.itertuples(index=False):
        if isinstance(row.coverage, str):
            label = coverage_label(row.coverage, lang)
            parts.append(t("mark_partial", lang, period=row.period, months=label))
    other = marks.dropna(subset=["denominator_periods"])
    for years, group in other.groupby("denominator_periods", sort=True):
        periods = ", ".join(sorted(group["period"]))
        parts.append(t("mark_denominator", lang, years=years, periods=periods))
    return " ".join(parts)
