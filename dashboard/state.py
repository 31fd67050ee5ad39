"""The view state in the URL: page, area, level, indicator, period and language.

A shared link reloads the same view.  Values from the URL are checked against
allow-lists (known pages, levels, languages; indicators and areas present in the
database) before any page uses them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from urllib.parse import parse_qs, urlencode

PAGES = {
    "/": "map",
    "/gebied": "profile",
    "/trends": "trends",
    "/initiatieven": "initiatives",
    "/data": "data",
}
PATHS = {page: path for path, page in PAGES.items()}
LANGS = ("nl", "en")
KEYS = ("area", "level", "indicator", "period", "lang", "areas")


@dataclass(frozen=True)
class ViewState:
    page: str = "map"
    area: str | None = None
    level: str | None = None
    indicator: str | None = None
    period: str | None = None
    lang: str = "nl"
    areas: str | None = None  # comma-separated areas compared on the trends page

    def query(self) -> str:
        values = {k: v for k, v in asdict(self).items() if k in KEYS and v}
        return "?" + urlencode(values) if values else ""

    def href(self, page: str) -> str:
        return PATHS.get(page, "/") + replace(self, page=page).query()

    def with_values(self, **values: str | None) -> ViewState:
        known = {k: v for k, v in values.items() if k in KEYS}
        return replace(self, **known)


def parse(pathname: str | None, search: str | None) -> ViewState:
    """The view of a URL; unknown pages and languages fall back to the defaults."""
    page = PAGES.get((pathname or "/").rstrip("/") or "/", "map")
    raw = parse_qs((search or "").lstrip("?"))
    values = {k: raw[k][0] for k in KEYS if k in raw and raw[k]}
    if values.get("lang") not in LANGS:
        values.pop("lang", None)
    return ViewState(page=page, **values)
