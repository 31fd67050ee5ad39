"""Empty states: the sentence a chart or table shows when it has nothing to draw.

"Geen gegevens voor dit gebied en deze periode / No data for this area and period",
followed by why when it is known: no survey there or then, withheld by the disclosure
gate, too few inhabitants, a sensitive category, a chart for rates only.  The
reason is read from the flags of the rows that have no value (:func:`reason_of`), so
absence is explained by the same flags the tables and hover texts show.
"""

from __future__ import annotations

import numpy as np

from dashboard.i18n import t
from etl.disclosure import FEW_RESPONDENTS_FLAG, SENSITIVE_FLAG, SMALL_COUNT_FLAG

#: Reasons with a text (i18n key ``empty_<reason>``), most telling first.
REASONS = (
    "sensitive",
    "withheld",
    "few-inhabitants",
    "no-survey",
    "no-data",
    "no-areas",
    "rates-only",
    "no-incidents",
    "no-initiatives",
    "no-rows",
)
#: The flag of a row without a value -> the reason it has none.
FLAG_REASONS = {
    SENSITIVE_FLAG: "sensitive",
    SMALL_COUNT_FLAG: "withheld",
    FEW_RESPONDENTS_FLAG: "withheld",
    "suppressed": "withheld",
    "no-denominator": "few-inhabitants",
    "no-data": "no-data",
}


def reason_of(values, flags, survey: bool = False) -> str:
    """Why rows have no value: the most telling reason among the flags of the rows
    without one; 'no-survey' for a survey indicator with no rows at all."""
    values = np.asarray(values, dtype=float)
    if not len(values):
        return "no-survey" if survey else "no-data"
    found = {FLAG_REASONS.get(f, "no-data") for f, v in zip(flags, values.tolist()) if v != v}
    return next((r for r in REASONS if r in found), "no-data")


def text(lang: str, reason: str | None = None) -> str:
    """The empty-state sentence, with the reason in words when there is one."""
    head = t("empty_state", lang)
    if reason is None:
        return f"{head}."
    if reason not in REASONS:
        raise ValueError(f"unknown empty-state reason {reason!r}: use one of {REASONS}")
    return f"{head}: {t(f'empty_{reason}', lang)}."
