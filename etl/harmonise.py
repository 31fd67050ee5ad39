"""Bringing official tables onto the loaded areas before validation.

* Wide tables (a column per year, e.g. ``crime_total_2021`` ... ``crime_total_2025``)
  become long rows.
* Rows of other municipalities in national tables are skipped (counted, not lost
  silently, and not quarantined: they are not wrong, only not ours).
* Area codes of other systems or vintages are mapped to the loaded areas: rows
  meaning the whole municipality, a supplied code table (``code_map``), or, as a
  last resort, names matched within a level (``match_names``).  Each mapped row
  says how it was mapped (harmonised = table or name); a code that cannot be
  mapped stays as it is and is quarantined as unknown, so every unmatched code is
  reported.
* CBS category codes (SoortMisdrijf ``1.1.1 ``) become project categories.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from etl.config import ConfigError, Source
from etl.extract import read_csv_text
from etl.registry import cbs_category

_CBS_CODE = re.compile(r"^\d+\.\d+\.\d+$")


def melt_wide(frame: pd.DataFrame, pattern: str, where: str) -> pd.DataFrame:
    """Columns matching ``pattern`` (with a named group ``period``) into rows: period, value."""
    regex = re.compile(pattern)
    if "period" not in regex.groupindex:
        raise ConfigError(f"{where}: option wide needs a named group (?P<period>...)")
    parts = {}
    for column in frame.columns:
        found = regex.fullmatch(str(column))
        if found:
            parts[column] = {"period": found.group("period")}
    if not parts:
        raise ConfigError(f"{where}: no column matches wide = {pattern!r}")
    return _melt(frame, parts, where)


def melt_indicators(frame: pd.DataFrame, spec: str | list, where: str) -> pd.DataFrame:
    """One column per indicator into rows: indicator, value (option ``wide_indicators``).

    ``spec`` is a list of columns (each column's name is the indicator) or a regex that
    columns match whole; its named groups ``indicator`` and ``period``, when present,
    give the indicator id and the period, otherwise the column's name is the indicator.
    """
    parts = {}
    if isinstance(spec, list):
        absent = [str(c) for c in spec if str(c) not in frame.columns]
        if absent:
            raise ConfigError(
                f"{where}: wide_indicators names columns not in the file: {', '.join(absent)}; "
                f"its columns are: {', '.join(str(c) for c in frame.columns)}"
            )
        parts = {str(c): {"indicator": str(c)} for c in spec}
    else:
        regex = re.compile(str(spec))
        for column in frame.columns:
            found = regex.fullmatch(str(column))
            if found:
                groups = {k: v for k, v in found.groupdict().items() if v is not None}
                parts[column] = {"indicator": str(column), **groups}
    if not parts:
        raise ConfigError(
            f"{where}: no column matches wide_indicators = {spec!r}; "
            f"its columns are: {', '.join(str(c) for c in frame.columns)}"
        )
    return _melt(frame, parts, where)


def _melt(frame: pd.DataFrame, parts: dict[str, dict[str, str]], where: str) -> pd.DataFrame:
    """The columns of ``parts`` into rows with a ``value`` and a column per part name.

    ``_row`` keeps the row's position in the file; rows come in file order.
    """
    value_columns = list(parts)
    ids = [c for c in frame.columns if c not in value_columns]
    names = sorted({k for p in parts.values() for k in p} | {"value"})
    clash = [n for n in names if n in ids]
    if clash:
        raise ConfigError(
            f"{where}: the file already has a column {clash[0]!r}, which the unpivot would "
            "write; rename that column or leave it out of [sources.columns]"
        )
    long = frame.reset_index(names="_row").melt(
        id_vars=["_row", *ids], value_vars=value_columns, var_name="_column", value_name="value"
    )
    for name in names:
        if name != "value":
            long[name] = [parts[c].get(name) for c in long["_column"]]
    long["_order"] = long["_column"].map({c: i for i, c in enumerate(value_columns)})
    long = long.sort_values(["_row", "_order"], kind="stable").reset_index(drop=True)
    return long.drop(columns=["_column", "_order"])


def keep_rows(frame: pd.DataFrame, keep: dict) -> pd.Series:
    """Rows whose columns hold one of the listed values (option ``keep``)."""
    mask = pd.Series(True, index=frame.index)
    for column, allowed in keep.items():
        if column not in frame:
            raise ConfigError(f"option keep names column {column!r}, which is not in the file")
        mask &= frame[column].astype(str).str.strip().isin([str(v) for v in allowed])
    return mask


def gemeente_of_code(code: str) -> str | None:
    """GM code of a CBS area code (GM0363, WK0363AA, BU0363AA01 -> GM0363); None otherwise."""
    if not isinstance(code, str):  # a missing cell
        return None
    if len(code) >= 6 and code[:2] in ("GM", "WK", "BU") and code[2:6].isdigit():
        return "GM" + code[2:6]
    return None


def other_municipality(codes: pd.Series, gemeente_code: str) -> pd.Series:
    """True for codes that belong to another municipality."""
    owner = codes.astype(str).str.strip().str.upper().map(gemeente_of_code)
    return owner.notna() & (owner != gemeente_code)


def normalise_name(name: str) -> str:
    """Lowercase letters and digits only: accents, spaces, hyphens and punctuation removed."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def map_area_codes(
    codes: pd.Series,
    names: pd.Series | None,
    source: Source,
    areas: pd.DataFrame,
    gemeente_code: str,
) -> tuple[pd.Series, pd.Series]:
    """Codes mapped onto the loaded areas, and how each was mapped (None if native).

    ``areas`` has columns code, name, level.  Options of the source:
    ``gemeente_rows`` (values meaning the whole municipality), ``code_map`` (a CSV
    with from_code,to_code), ``match_names`` (a level whose area names are matched).
    """
    opts = source.options
    codes = codes.astype(str).str.strip()
    mapped = codes.copy()
    how = pd.Series(None, index=codes.index, dtype=object)
    known = set(areas["code"])

    city = {str(v) for v in opts.get("gemeente_rows", [])}
    if city:
        is_city = codes.isin(city)
        if names is not None:
            is_city |= names.astype(str).str.strip().isin(city)
        mapped[is_city] = gemeente_code
        how[is_city] = "table"

    if "code_map" in opts:
        table = _code_map(source, opts["code_map"])
        hit = ~mapped.isin(known) & mapped.isin(table.index)
        mapped[hit] = mapped[hit].map(table)
        how[hit] = "table"

    level = opts.get("match_names")
    if level:
        if names is None:
            raise ConfigError(
                f"{source.path}: source '{source.name}': match_names needs an area_name column"
            )
        at_level = areas[areas["level"] == level]
        by_name = {}
        for code, name in zip(at_level["code"], at_level["name"]):
            by_name.setdefault(normalise_name(name), []).append(code)
        unique = {k: v[0] for k, v in by_name.items() if len(v) == 1}
        todo = ~mapped.isin(known)
        found = names[todo].map(lambda n: unique.get(normalise_name(n)))
        hit = found.notna()
        mapped[found[hit].index] = found[hit]
        how[found[hit].index] = "name"
    return mapped, how


def _code_map(source: Source, path_text: str) -> pd.Series:
    path = Path(path_text)
    if not path.is_absolute():
        path = source.path.parent / path
    if not path.is_file():
        raise ConfigError(f"{path}: code_map of source '{source.name}' not found")
    table = read_csv_text(path)
    if not {"from_code", "to_code"} <= set(table.columns):
        raise ConfigError(f"{path}: a code_map needs the columns from_code and to_code")
    return table.set_index(table["from_code"].str.strip())["to_code"].str.strip()


def categories(values: pd.Series, source: Source) -> pd.Series:
    """Project categories: 'total' when absent, CBS codes mapped, then the config's category_map."""
    custom = {str(k): str(v) for k, v in source.options.get("category_map", {}).items()}
    text = values.fillna("").astype(str).str.strip()
    out = text.where(text != "", "total")
    own = out.isin(custom)
    cbs = ~own & out.str.match(_CBS_CODE)
    out[cbs] = out[cbs].map(cbs_category)
    out[own] = out[own].map(custom)
    return out
