"""Tables written for spreadsheets: CSV in the dialect of the page's language, and .xlsx.

* Dutch (``nl``): ``;`` between fields and a decimal comma, as Dutch Excel reads a CSV
  opened with a double click (a comma-separated file lands in one column there);
  English: ``,`` and a decimal point.  Both UTF-8 with a byte-order mark, so Excel
  reads the names with their accents, and without thousands separators, so every
  number column reads as numbers (``pandas.read_csv(sep=";", decimal=",")`` for the
  Dutch file, ``pandas.read_csv`` for the English one).
* ``.xlsx`` through XlsxWriter with text written as text: no cell becomes a formula.
* A text cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return) gets a leading apostrophe in CSV (:func:`spreadsheet_safe`), the
  one rule the notes export uses too.
"""

from __future__ import annotations

import io

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Field separator and decimal mark of a CSV per language.
CSV_DIALECTS = {"nl": (";", ","), "en": (",", ".")}


def spreadsheet_safe(value):
    """``value`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made :func:`spreadsheet_safe`; numbers untouched."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(spreadsheet_safe)
    return out


def csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    """``frame`` as CSV in the dialect of ``lang`` (see the module), UTF-8 with BOM."""
    if lang not in CSV_DIALECTS:
        raise ValueError(f"no CSV dialect for language {lang!r}: use one of {list(CSV_DIALECTS)}")
    sep, decimal = CSV_DIALECTS[lang]
    text = _text_safe(frame).to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """``frame`` as one sheet of an .xlsx workbook: numbers as numbers, text as text
    (never a formula or a link), the header row frozen."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as xl:
        frame.to_excel(xl, sheet_name=sheet[:31], index=False, freeze_panes=(1, 0))
    return buffer.getvalue()
