"""Numbers as a person reads them, in the page's language: the one number formatter.

Dutch writes ``1.234,5`` and English ``1,234.5``; every number the dashboard puts on
screen (tables, hover texts, the profile, trends, the briefing, the Data page) goes
through this module, and plotly formats axes and hover values with
:func:`plotly_separators`.  Years, periods and codes are no numbers: they are written
as they are (``2024``, never ``2.024,0``), see :func:`label` and :func:`column_cells`.

Counts the disclosure gate lets through arrive as language-neutral text (``"1068"``,
``"<5"``, ``"–"``); :func:`count_texts` writes the numbers among them in the
language and leaves the gate's words alone.  Functions work on whole columns without
a pandas call per cell.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

MISSING = "–"
LANGS = ("nl", "en")
#: English separators written as Dutch ones: the thousands comma and the decimal point swap.
_DUTCH = str.maketrans({",": ".", ".": ","})
#: Columns that hold p- or q-values (printed by :func:`p_value`, never rounded to 0.0).
P_COLUMNS = frozenset({"p_value", "q_value", "p_sim", "mk_p", "mk_q"})
#: Columns of counts as the disclosure gate shows them (text: a number, '<5' or '–').
COUNT_TEXT_COLUMNS = frozenset({"n_public", "observed", "members", "key_persons", "n_participants"})
#: Columns that hold years, periods, codes or versions: written as they are, never as numbers.
LABEL_COLUMNS = frozenset(
    {"period", "year", "vintage", "code", "month", "version", "checksum", "id", "row", "first_row"}
)
LABEL_SUFFIXES = ("_code", "_year", "_period", "_vintage", "_id", "_from", "_to")


def _localise(text: str, lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return text.translate(_DUTCH) if lang == "nl" else text


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def number(value: object, lang: str, digits: int = 1) -> str:
    """One number with the language's separators (``1.234,5`` / ``1,234.5``); '–' for missing."""
    if _is_missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        return str(value)
    return _localise(f"{value:,.{digits}f}", lang)


def numbers(values, lang: str, digits: int = 1) -> list[str]:
    """A column of numbers as text (see :func:`number`)."""
    array = np.asarray(values, dtype=float).tolist()
    return [MISSING if math.isnan(v) else _localise(f"{v:,.{digits}f}", lang) for v in array]


def interval(low: object, high: object, lang: str, digits: int = 1) -> str:
    """``low – high``; '–' when there is no interval."""
    if _is_missing(low) or _is_missing(high):
        return MISSING
    return f"{number(float(low), lang, digits)} – {number(float(high), lang, digits)}"


def intervals(low, high, lang: str, digits: int = 1) -> list[str]:
    lo = numbers(low, lang, digits)
    hi = numbers(high, lang, digits)
    return [MISSING if a == MISSING or b == MISSING else f"{a} – {b}" for a, b in zip(lo, hi)]


def count(value: object, lang: str) -> str:
    """A whole number (inhabitants, respondents, rows) with the thousands separator."""
    return number(None if _is_missing(value) else float(value), lang, 0)


def count_texts(texts, lang: str) -> list[str]:
    """The disclosure gate's counts (``"1068"``, ``"<5"``, ``"–"``) in the language:
    numbers get the thousands separator, the gate's marks stay as they are."""
    return [
        _localise(f"{int(s):,}", lang) if isinstance(s, str) and s.isdigit() else str(s)
        for s in texts
    ]


def percent(share: object, lang: str, digits: int = 0) -> str:
    """A share of 1 as a percentage (``0.125`` -> ``13%``, ``12,5%`` with one digit in nl)."""
    if _is_missing(share):
        return MISSING
    return f"{number(100 * float(share), lang, digits)}%"


def significant(value: object, lang: str, digits: int) -> str:
    """A number to ``digits`` significant digits (model coefficients, variances)."""
    if _is_missing(value):
        return MISSING
    return _localise(f"{float(value):.{digits}g}", lang)


def p_value(value: object, lang: str) -> str:
    """A p- or q-value: '< 0.001' below 0.001, else three decimals; '–' for missing."""
    if _is_missing(value):
        return MISSING
    v = float(value)
    if math.isnan(v):
        return MISSING
    return _localise("< 0.001" if v < 0.001 else f"{v:.3f}", lang)


def label(value: object) -> str:
    """A year, period or code as written (``2024.0`` read from a table -> ``2024``)."""
    if _is_missing(value):
        return MISSING
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def unit(text: str, lang: str) -> str:
    """A unit with the language's separators in its number (``per 1,000`` -> ``per 1.000``)."""
    return re.sub(r"\d[\d,.]*\d", lambda m: _localise(m.group(), lang), str(text or ""))


def plotly_separators(lang: str) -> str:
    """plotly's ``layout.separators`` (decimal mark, then thousands mark) of the language."""
    return _localise(".,", lang)


def is_label_column(name: str) -> bool:
    return name in LABEL_COLUMNS or name.endswith(LABEL_SUFFIXES)


def column_cells(column: pd.Series, lang: str) -> list[str]:
    """A table column as text: p-values, the gate's counts, labels (years, periods,
    codes), whole numbers without and other numbers with one decimal, dates without a
    midnight time; anything else as it is, '–' where missing."""
    name = str(column.name)
    if name in P_COLUMNS:
        return [p_value(v, lang) for v in column]
    if name in COUNT_TEXT_COLUMNS and not pd.api.types.is_numeric_dtype(column):
        return count_texts(column.fillna(MISSING), lang)
    if is_label_column(name):
        return [label(v) for v in column]
    if pd.api.types.is_bool_dtype(column):
        return [MISSING if _is_missing(v) else str(v) for v in column]
    if pd.api.types.is_integer_dtype(column):
        return numbers(column, lang, 0)
    if pd.api.types.is_float_dtype(column):
        present = column.dropna().to_numpy(dtype=float)
        whole = len(present) > 0 and bool(np.all(present == np.round(present)))
        return numbers(column, lang, 0 if whole else 1)
    if pd.api.types.is_datetime64_any_dtype(column):
        midnight = bool((column.dropna() == column.dropna().dt.normalize()).all())
        pattern = "%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M"
        return [MISSING if _is_missing(v) else v.strftime(pattern) for v in column]
    return [_object_cell(v, lang) for v in column]


def _object_cell(value: object, lang: str) -> str:
    if _is_missing(value):
        return MISSING
    if isinstance(value, float | np.floating):
        return number(value, lang, 0 if float(value).is_integer() else 1)
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return number(value, lang, 0)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
    return str(value)
