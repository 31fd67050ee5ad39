"""How the dashboard words significance and completeness: one rule, one wording, everywhere.

A change, trend or alert is "significant after correction for N comparisons":
Benjamini–Hochberg at ``fdr_alpha`` within its family (for changes: one indicator,
level and pair of periods over all areas), N the size of that family.  p and q
print as '< 0.001' or with three decimals (:func:`dashboard.fmt.p_value`).
"""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.fmt import count
from dashboard.i18n import t
from dashboard.tables import frame_table


def flag_words(flag: str, missing_parts: list[str] | None, lang: str) -> str:
    """A flag in words; 'incomplete' names the missing parts of the unease index."""
    if flag == "incomplete" and missing_parts:
        parts = ", ".join(t(f"part_{p}", lang) for p in missing_parts)
        return t("flag_incomplete_parts", lang, parts=parts)
    return t(f"flag_{flag}", lang)


def significance_words(family_sizes, lang: str) -> list[str]:
    """'significant after correction for N comparisons' per row."""
    return [t("significant_after", lang, n=count(n, lang)) for n in family_sizes]


def significance_list(frame: pd.DataFrame, table_id: str, lang: str):
    """A list of significant rows (changes or alerts) with its wording and correction note.

    ``frame`` holds ``family_size``; it becomes the column 'significance' in words.
    """
    shown = frame.copy()
    if "family_size" in shown:
        shown.insert(
            len(shown.columns) - 1,
            "significance",
            significance_words(shown.pop("family_size"), lang),
        )
    return html.Div(
        [frame_table(shown, table_id, lang), html.P(t("fdr_note", lang), className="definition")]
    )
