"""The declarative source config (TOML) that drives a build.

A config names the municipality and lists its sources.  Each source says what
kind of data it holds, where the file is, how its columns map onto the
project's canonical names and, for spatial data, its CRS.  Adapting a new
municipality or a new supplier means writing a config, not code.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.schema import (
    DIRECTIONS,
    FIELDS,
    INDICATOR_OPTIONS,
    KIND_DOCS,
    LOCATED,
    options_of,
    source_keys_of,
)

KINDS = tuple(KIND_DOCS)
LEVELS = ("gemeente", "stadsdeel", "wijk", "buurt")
#: Files read as spatial data (with their own geometry and CRS).
SPATIAL_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".zip"}
#: The value column of each kind, filled by the unpivot of options wide / wide_indicators.
WIDE_VALUE = {"incident_counts": "count", "indicator_table": "value"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ConfigError(Exception):
    """A config that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Source:
    """One entry of ``[[sources]]``."""

    name: str
    kind: str
    path: Path
    columns: dict[str, str]
    layer: str | None = None
    level: str | None = None
    vintage: int | None = None
    crs: str | None = None
    publisher: str | None = None
    licence: str | None = None
    year: int | None = None
    date_format: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """A parsed source config."""

    path: Path
    gemeente_code: str
    gemeente_name: str
    sources: tuple[Source, ...]
    series_breaks: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Source]:
        return [s for s in self.sources if s.kind == kind]


def did_you_mean(name: str, known) -> str:
    """``; did you mean 'date'?`` when a known name is close to ``name``, else ''."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown(where: str, what: str, name: str, known, hint: str = "") -> ConfigError:
    listed = ", ".join(known) if known else "none"
    return ConfigError(
        f"{where}: {what} {name!r} is not known{did_you_mean(name, known)} (valid: {listed}){hint}"
    )


def load_config(path: str | Path) -> Config:
    """Read and check a source config; raise :class:`ConfigError` naming what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a valid TOML file ({exc})") from None

    muni = raw.get("municipality")
    if not isinstance(muni, dict) or "code" not in muni:
        raise ConfigError(f"{path}: [municipality] with a code (e.g. GM0363) is required")
    code = str(muni["code"]).strip()
    if not re.fullmatch(r"GM\d{4}", code):
        raise ConfigError(f"{path}: [municipality] code {code!r} is not a CBS code like GM0363")

    entries = raw.get("sources")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: at least one [[sources]] entry is required")
    sources = tuple(_source(path, i, e) for i, e in enumerate(entries, start=1))
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{path}: source names must be unique; repeated: {', '.join(dupes)}")
    if not any(s.kind == "boundaries" for s in sources):
        raise ConfigError(f"{path}: a build needs at least one source of kind 'boundaries'")

    periods = raw.get("periods", {})
    return Config(
        path=path,
        gemeente_code=code,
        gemeente_name=str(muni.get("name", code)),
        sources=sources,
        series_breaks=tuple(str(p) for p in periods.get("series_breaks", [])),
        settings=dict(raw.get("settings", {})),
    )


_VARIABLE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def expand_path(text: str, where: str) -> str:
    """Expand ``${NAME}`` and ``${NAME:-default}`` from the environment in a source path.

    Real data lives outside the project; a config names its location through a
    variable such as ``${UNEASE_REAL_DATA:-../shared/data/real}``.
    """

    def value(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        found = os.environ.get(name, default)
        if found is None:
            raise ConfigError(f"{where}: path uses ${{{name}}}, which is not set")
        return found

    return _VARIABLE.sub(value, text)


def _source(path: Path, index: int, entry: Any) -> Source:
    where = f"{path}: source #{index}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table")
    if "name" in entry:
        where = f"{path}: source {entry['name']!r}"
    for key in ("name", "kind", "path"):
        if key not in entry:
            raise ConfigError(f"{where}: '{key}' is required")
    name = str(entry["name"])
    if not _NAME.match(name):
        raise ConfigError(f"{where}: name must be lowercase letters, digits and _")
    kind = entry["kind"]
    if kind not in KINDS:
        raise ConfigError(
            f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}{did_you_mean(kind, KINDS)}"
        )
    keys = source_keys_of(kind)
    for key in entry:
        if key not in keys:
            raise _unknown(where, f"key of a {kind} source", key, list(keys))
    level = entry.get("level")
    if kind == "boundaries":
        if level not in LEVELS:
            raise ConfigError(f"{where}: boundaries need a level, one of {', '.join(LEVELS)}")
        if "vintage" not in entry:
            raise ConfigError(f"{where}: boundaries need a vintage (the boundary year)")
    file = Path(expand_path(str(entry["path"]), where))
    if not file.is_absolute():
        file = (path.parent / file).resolve()
    columns = entry.get("columns", {})
    if not isinstance(columns, dict):
        raise ConfigError(f"{where}: [sources.columns] must map canonical names to columns")
    options = entry.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(f"{where}: [sources.options] must be a table of options")
    columns = {str(k): str(v) for k, v in columns.items()}
    _check_options(where, kind, options)
    columns = _check_columns(where, kind, file, columns, options)
    return Source(
        name=name,
        kind=kind,
        path=file,
        columns=columns,
        layer=entry.get("layer"),
        level=level,
        vintage=int(entry["vintage"]) if "vintage" in entry else None,
        crs=entry.get("crs"),
        publisher=entry.get("publisher"),
        licence=entry.get("licence"),
        year=int(entry["year"]) if "year" in entry else None,
        date_format=entry.get("date_format"),
        variables={str(k): str(v) for k, v in entry.get("variables", {}).items()},
        options=dict(options),
    )


def _check_options(where: str, kind: str, options: dict) -> None:
    """Every option known for the kind, with a value it can use."""
    known = options_of(kind)
    hint = f"; `unease fields {kind}` explains those of {kind}"
    for key in options:
        if key not in known:
            raise _unknown(where, "[sources.options] option", key, list(known), hint)
    for key in ("wide", "wide_indicators"):
        if isinstance(options.get(key), str):
            try:
                re.compile(options[key])
            except re.error as exc:
                raise ConfigError(f"{where}: option {key} is not a valid regex ({exc})") from None
    if "wide" in options and "period" not in re.compile(str(options["wide"])).groupindex:
        raise ConfigError(f"{where}: option wide needs a named group (?P<period>...)")
    if kind != "indicator_table":
        return
    per_indicator = options.get("indicators", {})
    if not isinstance(per_indicator, dict) or not all(
        isinstance(v, dict) for v in per_indicator.values()
    ):
        raise ConfigError(
            f"{where}: option indicators must hold one table per indicator, "
            "[sources.options.indicators.<id>]"
        )
    for indicator, own in per_indicator.items():
        for key in own:
            if key not in INDICATOR_OPTIONS:
                raise _unknown(
                    f"{where}: indicators.{indicator}",
                    "indicator option",
                    key,
                    list(INDICATOR_OPTIONS),
                )
    declared = [("direction", options.get("direction"))] + [
        (f"indicators.{i}.direction", o["direction"])
        for i, o in per_indicator.items()
        if "direction" in o
    ]
    for key, value in declared:
        if value is not None and value not in DIRECTIONS:
            raise ConfigError(f"{where}: option {key} must be 'higher_worse' or 'higher_better'")
    if options.get("direction") is None and not per_indicator:
        raise ConfigError(
            f"{where}: published indicators must declare [sources.options] direction = "
            "'higher_worse' or 'higher_better' (or one per indicator under "
            "[sources.options.indicators.<id>])"
        )


def _check_columns(where: str, kind: str, file: Path, columns: dict, options: dict) -> dict:
    """Known canonical fields only; the required ones mapped or supplied by an option.

    The unpivot options supply fields themselves: ``wide`` the period and the value,
    ``wide_indicators`` the indicator, the value and (with a period group) the period.
    """
    fields = {f.name: f for f in FIELDS[kind]}
    hint = f"; `unease fields {kind}` explains those of {kind}"
    for name in columns:
        if name not in fields:
            raise _unknown(where, "[sources.columns] field", name, list(fields), hint)
    columns = dict(columns)
    supplied = {"period"} if "period" in options else set()
    if "wide" in options:
        supplied |= {"period", WIDE_VALUE.get(kind, "value")}
        columns.setdefault("period", "period")
        columns.setdefault(WIDE_VALUE.get(kind, "value"), "value")
    if "wide_indicators" in options:
        supplied |= {"indicator", "value"}
        columns.setdefault("indicator", "indicator")
        columns.setdefault("value", "value")
        pattern = options["wide_indicators"]
        if isinstance(pattern, str) and "period" in re.compile(pattern).groupindex:
            supplied.add("period")
            columns.setdefault("period", "period")
    missing = [f for f in fields.values() if f.required and f.name not in set(columns) | supplied]
    if missing:
        first = missing[0]
        raise ConfigError(
            f"{where}: required field{'s' if len(missing) > 1 else ''} "
            f"{', '.join(f.name for f in missing)} not mapped in [sources.columns] "
            f'(e.g. {first.name} = "<column in the file>"; {first.name}: {first.doc}){hint}'
        )
    if kind in LOCATED:
        has_point = file.suffix.lower() in SPATIAL_SUFFIXES or {"x", "y"} <= set(columns)
        if ("x" in columns) != ("y" in columns):
            raise ConfigError(f"{where}: x and y must both be mapped in [sources.columns]")
        if not has_point and "area_code" not in columns:
            raise ConfigError(
                f"{where}: a {kind} source needs a location: map x and y (with crs) "
                "or area_code in [sources.columns]"
            )
    return columns
