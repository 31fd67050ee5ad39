"""The declarative source config (TOML) that drives a build.

A config names the municipality and lists its sources.  Each source says what
kind of data it holds, where the file is, how its columns map onto the
project's canonical names and, for spatial data, its CRS.  Adapting a new
municipality or a new supplier means writing a config, not code.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = (
    "boundaries",
    "incidents",
    "survey_responses",
    "indicator_table",
    "context",
    "initiatives",
    "incident_counts",
)
LEVELS = ("gemeente", "stadsdeel", "wijk", "buurt")
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


_SOURCE_KEYS = {
    "name",
    "kind",
    "path",
    "columns",
    "layer",
    "level",
    "vintage",
    "crs",
    "publisher",
    "licence",
    "year",
    "date_format",
    "variables",
    "options",
}


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
    unknown = set(entry) - _SOURCE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    for key in ("name", "kind", "path"):
        if key not in entry:
            raise ConfigError(f"{where}: '{key}' is required")
    name = str(entry["name"])
    if not _NAME.match(name):
        raise ConfigError(f"{where}: name must be lowercase letters, digits and _")
    kind = entry["kind"]
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    level = entry.get("level")
    if kind == "boundaries":
        if level not in LEVELS:
            raise ConfigError(f"{where}: boundaries need a level, one of {', '.join(LEVELS)}")
        if "vintage" not in entry:
            raise ConfigError(f"{where}: boundaries need a vintage (the boundary year)")
    if kind == "indicator_table":
        direction = entry.get("options", {}).get("direction")
        if direction not in ("higher_worse", "higher_better"):
            raise ConfigError(
                f"{where}: published indicators must declare [sources.options] direction = "
                "'higher_worse' or 'higher_better'"
            )
    file = Path(expand_path(str(entry["path"]), where))
    if not file.is_absolute():
        file = (path.parent / file).resolve()
    columns = entry.get("columns", {})
    if not isinstance(columns, dict):
        raise ConfigError(f"{where}: [sources.columns] must map canonical names to columns")
    return Source(
        name=name,
        kind=kind,
        path=file,
        columns={str(k): str(v) for k, v in columns.items()},
        layer=entry.get("layer"),
        level=level,
        vintage=int(entry["vintage"]) if "vintage" in entry else None,
        crs=entry.get("crs"),
        publisher=entry.get("publisher"),
        licence=entry.get("licence"),
        year=int(entry["year"]) if "year" in entry else None,
        date_format=entry.get("date_format"),
        variables={str(k): str(v) for k, v in entry.get("variables", {}).items()},
        options=dict(entry.get("options", {})),
    )
