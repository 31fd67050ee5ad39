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
KEYS = ("area", "level", "indicator", "period", "lang", "areas", "method")


@dataclass(frozen=True)
class ViewState:
    page: str = "map"
    area: str | None = None
    level: str | None = None
    indicator: str | None = None
    period: str | None = None
    lang: str = "nl"
    areas: str | None = None  # comma-separated areas compared on the trends page
    method: str | None = None  # direct or model (indicator_values.method); None = direct

    def query(self) -> str:
        values = {k: v for k, v in asdict(self).items() if k in KEYS and v}
        return "?" + urlencode(values) if values else ""

    def href(self, page: str) -> str:
        return PATHS.get(page, "/") + replace(self, page=page).query()

    def with_values(self, **values: str | None) -> ViewState:
        known = {k: v for k, v in values.items() if k in KEYS}
        return replace(self, **known)


#: Longest value of the URL state kept (area lists included); longer ones are dropped.
MAX_VALUE = 2000


def url_value(value: object) -> str | None:
    """A control's value as it goes into the URL: text, or a list of texts joined by
    commas; anything else (or too long) as absent.  Pages check the value on use."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ",".join(value)
    if isinstance(value, str) and len(value) <= MAX_VALUE:
        return value
    return None


def parse(pathname: object, search: object) -> ViewState:
    """The view of a URL; unknown pages and languages fall back to the defaults, and
    anything but text (or text too long to be a value) counts as absent."""
    pathname = pathname if isinstance(pathname, str) else "/"
    search = search if isinstance(search, str) else ""
    page = PAGES.get(pathname.rstrip("/") or "/", "map")
    raw = parse_qs(search.lstrip("?"))
    values = {k: raw[k][0] for k in KEYS if k in raw and raw[k] and len(raw[k][0]) <= MAX_VALUE}
    if values.get("lang") not in LANGS:
        values.pop("lang", None)
    return ViewState(page=page, **values)


def shown_view(data: object) -> tuple[str, str, str] | None:
    """Page, language and query of the view the browser shows (the ``view`` store), or
    None when the store holds anything else."""
    if not isinstance(data, dict):
        return None
    parts = (data.get("page"), data.get("lang"), data.get("query"))
    return parts if all(isinstance(p, str) for p in parts) else None
