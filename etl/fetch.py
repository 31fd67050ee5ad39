"""Download commands: CBS boundaries from PDOK and CBS OData tables, for one gemeente.

This module is the project's only network use, and it runs only when someone
asks for it (``unease fetch ...``).  A build never downloads anything.

Boundaries come from PDOK's OGC API Features service for the CBS Wijken en
Buurten (the Wijk- en Buurtkaart of CBS and Kadaster), one API per year::

    https://api.pdok.nl/cbs/wijken-en-buurten-<year>/ogc/v1/collections/<layer>/items

listed at https://www.pdok.nl/ogc-apis/-/article/cbs-wijken-en-buurten.  PDOK's
rules for these APIs (https://www.pdok.nl/features, https://www.pdok.nl/faq-ogc-api):
at most 1,000 features a request (``limit``), and paging to the next set, which
follows the ``links`` entry with ``rel="next"`` of each page.  The output CRS is
asked for with ``crs=http://www.opengis.net/def/crs/EPSG/0/28992`` (OGC API -
Features - Part 2, https://docs.ogc.org/is/18-058r1/18-058r1.html), and the
``Content-Crs`` response header says which CRS was served; a response without
it is GeoJSON's default CRS84 and is transformed to EPSG:28992.  The
collections ``gemeenten``, ``wijken`` and ``buurten`` are filtered with their
``gemeentecode`` query parameter, and the features are checked against the
code again after download.

Tables come from the CBS OData v3 services.  CBS describes them on
https://www.cbs.nl/nl-nl/onze-diensten/open-data/statline-als-open-data: the
standard API (``ODataApi``) is for small requests and has a limit of 10,000 per
request; the Feed (``ODataFeed``) is for bulk downloads and has no maximum
number of records.  The Feed returns the rows in pages, each pointing to the
next with ``odata.nextLink`` (OData v3 JSON).  Fetches use the Feed and follow
that link; a page of exactly 10,000 rows without a link (the ``ODataApi``
limit, when that service is chosen) continues with ``$skip``/``$top``.  Tables
of third parties such as the Politie (``47022NED``, registered crime per month
per wijk and buurt) are served from ``dataderden.cbs.nl``, CBS's own
(``85984NED``, Kerncijfers wijken en buurten) from ``opendata.cbs.nl``.  Rows
are selected with the OData v3 ``startswith`` function on the area dimension
(``GM0363``, ``WK0363..``, ``BU0363..``); the filter is kept on every page.

Every file is written under a temporary name and renamed into place at the
end, so a failed download leaves nothing behind.  A ``.PROVENANCE.txt``
sidecar records the source, the request, the date, the publisher and the
licence.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from email.message import Message
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

if TYPE_CHECKING:  # geopandas is imported when a download runs, not when the CLI starts
    import geopandas as gpd

#: PDOK OGC API Features for CBS Wijken en Buurten; ``{year}`` is the boundary year.
PDOK_WIJKEN_EN_BUURTEN = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1"
#: CBS OData v3 bulk service for CBS's own StatLine tables.
CBS_ODATA_FEED = "https://opendata.cbs.nl/ODataFeed/odata"
#: CBS OData v3 bulk service for tables CBS publishes for third parties (Politie: 470xx).
CBS_DATADERDEN_FEED = "https://dataderden.cbs.nl/ODataFeed/odata"

LAYERS = ("gemeenten", "wijken", "buurten")
RD_NEW = "EPSG:28992"
RD_NEW_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
PDOK_PAGE_LIMIT = 1000
ODATA_PAGE_ROWS = 10_000
DEFAULT_TIMEOUT = 60.0
MAX_PAGES = 10_000
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"

_GEMEENTE = re.compile(r"^GM\d{4}$")
_TABLE = re.compile(r"^[0-9]{4,5}[A-Za-z]{0,5}$")
_SAFE = "$',()"

Progress = Callable[[str], None]


class FetchError(Exception):
    """A download that did not complete; the message names the URL and, if any, the HTTP status."""


def _user_agent() -> str:
    try:
        version = metadata.version("unease-monitor")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"unease-monitor/{version} (neighbourhood unease monitor; unease fetch)"


USER_AGENT = _user_agent()


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _check_gemeente(gemeente: str) -> str:
    code = gemeente.strip().upper()
    if not _GEMEENTE.match(code):
        raise FetchError(f"gemeente {gemeente!r} is not a CBS code like GM0363")
    return code


def _query(params: Mapping[str, object]) -> str:
    return urlencode(params, quote_via=quote, safe=_SAFE)


def get_json(url: str, timeout: float = DEFAULT_TIMEOUT) -> tuple[Any, Message]:
    """GET a URL and parse its JSON body.

    Parameters
    ----------
    url : str
        The full request URL.
    timeout : float
        Seconds to wait for the connection and for each read.

    Returns
    -------
    tuple
        The parsed JSON document and the response headers.

    Raises
    ------
    FetchError
        On an HTTP error status, no answer within the timeout, or a body that is not JSON.
    """
    request = urllib.request.Request(
        url,
        headers={"User-Agent": USER_AGENT, "Accept": "application/geo+json, application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            headers = response.headers
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason} from {url}{_error_detail(exc)}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"no answer from {url}: {exc.reason}") from None
    except OSError as exc:  # timeouts and broken connections during the read
        raise FetchError(f"no answer from {url}: {exc}") from None
    try:
        return json.loads(body.decode("utf-8-sig")), headers
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"{url}: the response is not JSON ({exc})") from None


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(400).decode("utf-8", "replace")
    except OSError:
        return ""
    text = " ".join(text.split())
    return f": {text}" if text else ""


# --- boundaries -------------------------------------------------------------------------


def fetch_boundaries(
    gemeente: str,
    year: int,
    out_dir: Path,
    base_url: str = PDOK_WIJKEN_EN_BUURTEN,
    *,
    limit: int = PDOK_PAGE_LIMIT,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> Path:
    """Download the gemeente, wijken and buurten of one gemeente into a GeoPackage.

    Parameters
    ----------
    gemeente : str
        CBS gemeente code, e.g. ``"GM0363"``.
    year : int
        Boundary year (the Wijk- en Buurtkaart vintage).
    out_dir : Path
        Directory for ``cbs_wijkenbuurten_<year>_<gemeente>.gpkg`` and its
        ``.PROVENANCE.txt``; created when missing.
    base_url : str
        Landing page of the OGC API; ``{year}`` in it is replaced by `year`.
    limit : int
        Features asked for per page (PDOK serves at most 1,000).
    timeout : float
        Seconds allowed per request.
    progress : callable, optional
        Receives one line of text per page fetched and per file written.

    Returns
    -------
    Path
        The GeoPackage, with layers ``gemeenten``, ``wijken`` and ``buurten`` in
        EPSG:28992, the CBS column names as served and code columns stripped of
        space padding.

    Raises
    ------
    FetchError
        When a request fails or a layer has no features for the gemeente; no file
        is written then.
    """
    gemeente = _check_gemeente(gemeente)
    if not 1000 <= int(year) <= 9999:
        raise FetchError(f"year {year!r} is not a four-digit year")
    root = base_url.format(year=year).rstrip("/")
    frames: dict[str, gpd.GeoDataFrame] = {}
    requests: dict[str, str] = {}
    for layer in LAYERS:
        params = {"f": "json", "gemeentecode": gemeente, "crs": RD_NEW_URI, "limit": limit}
        url = f"{root}/collections/{layer}/items?{_query(params)}"
        requests[layer] = url
        frames[layer] = _download_layer(url, layer, gemeente, timeout, progress)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"cbs_wijkenbuurten_{year}_{gemeente}.gpkg"
    counts = ", ".join(f"{layer} {len(frame)}" for layer, frame in frames.items())
    provenance = _provenance(
        title=f"CBS Wijken en Buurten {year} (Wijk- en Buurtkaart), gemeente {gemeente}",
        publisher="CBS / Kadaster, distributed by PDOK",
        service=root,
        documentation="https://www.pdok.nl/ogc-apis/-/article/cbs-wijken-en-buurten",
        requests=[f"{layer}: {url}" for layer, url in requests.items()],
        contents=f"layers (features): {counts}; CRS {RD_NEW}",
    )

    def write(tmp: Path) -> None:
        import pyogrio

        for layer, frame in frames.items():
            pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG")

    _write_atomically(target, write, provenance, suffix=".gpkg")
    _say(progress, f"wrote {target}: {counts} features ({RD_NEW})")
    return target


def _download_layer(
    url: str, layer: str, gemeente: str, timeout: float, progress: Progress | None
) -> gpd.GeoDataFrame:
    import geopandas as gpd
    from pandas.api.types import is_numeric_dtype

    features: list[dict[str, Any]] = []
    crs: str | None = None
    for number, (page_url, doc, headers) in enumerate(_ogc_pages(url, timeout), start=1):
        page = doc.get("features") if isinstance(doc, dict) else None
        if not isinstance(page, list):
            raise FetchError(f"{page_url}: not a GeoJSON FeatureCollection (no 'features')")
        page_crs = _content_crs(headers, page_url)
        if crs is not None and page_crs != crs:
            raise FetchError(f"{page_url}: CRS {page_crs} differs from earlier pages ({crs})")
        crs = page_crs
        features.extend(page)
        _say(progress, f"{layer} page {number}: {len(page)} features")
    if not features:
        raise FetchError(f"{layer}: no features for {gemeente} at {url}")

    frame = gpd.GeoDataFrame.from_features(features, crs=crs)
    if frame.crs is None or not frame.crs.equals(RD_NEW):
        frame = frame.to_crs(RD_NEW)
    for column in frame.columns:
        if column.lower().endswith("code") and not is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) else v)
    if "gemeentecode" in frame.columns:
        frame = frame[frame["gemeentecode"] == gemeente].reset_index(drop=True)
        if frame.empty:
            raise FetchError(f"{layer}: no features with gemeentecode {gemeente} at {url}")
    return frame


def _ogc_pages(url: str, timeout: float) -> Iterator[tuple[str, Any, Message]]:
    seen: set[str] = set()
    next_url: str | None = url
    while next_url is not None:
        if next_url in seen or len(seen) >= MAX_PAGES:
            raise FetchError(f"paging does not end (next page {next_url})")
        seen.add(next_url)
        doc, headers = get_json(next_url, timeout)
        yield next_url, doc, headers
        next_url = _next_link(doc, next_url)


def _next_link(doc: Any, current: str) -> str | None:
    links = doc.get("links", []) if isinstance(doc, dict) else []
    for link in links:
        if isinstance(link, dict) and link.get("rel") == "next" and link.get("href"):
            return urljoin(current, str(link["href"]))
    return None


def _content_crs(headers: Message, url: str) -> str:
    """The CRS of a features response: its ``Content-Crs`` header, else GeoJSON's CRS84."""
    value = (headers.get("Content-Crs") or "").strip().strip("<>").strip()
    if not value:
        return "OGC:CRS84"
    match = re.search(r"/EPSG/0/(\d+)$", value)
    if match:
        return f"EPSG:{match.group(1)}"
    if value.endswith("/OGC/1.3/CRS84"):
        return "OGC:CRS84"
    raise FetchError(f"{url}: unknown Content-Crs {value!r}")


# --- CBS OData tables -------------------------------------------------------------------


def default_odata_base(table: str) -> str:
    """The CBS OData v3 Feed that serves `table`.

    Parameters
    ----------
    table : str
        CBS table identifier, e.g. ``"47022NED"``.

    Returns
    -------
    str
        :data:`CBS_DATADERDEN_FEED` for the Politie tables (``470..``) that CBS
        publishes for third parties, else :data:`CBS_ODATA_FEED`.
    """
    return CBS_DATADERDEN_FEED if table.startswith("470") else CBS_ODATA_FEED


def gemeente_filter(gemeente: str, dimension: str = "WijkenEnBuurten") -> str:
    """OData v3 ``$filter`` that keeps a gemeente, its wijken and its buurten.

    Parameters
    ----------
    gemeente : str
        CBS gemeente code, e.g. ``"GM0363"``.
    dimension : str
        The table's area dimension (``WijkenEnBuurten`` in the wijk/buurt tables).

    Returns
    -------
    str
        E.g. ``startswith(WijkenEnBuurten,'GM0363') or startswith(WijkenEnBuurten,'WK0363')
        or startswith(WijkenEnBuurten,'BU0363')``.
    """
    digits = _check_gemeente(gemeente)[2:]
    return " or ".join(f"startswith({dimension},'{p}{digits}')" for p in ("GM", "WK", "BU"))


def fetch_cbs_table(
    table: str,
    gemeente: str,
    out: Path,
    base_url: str | None = None,
    *,
    dimension: str = "WijkenEnBuurten",
    page_rows: int = ODATA_PAGE_ROWS,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> Path:
    """Download the rows of one gemeente from a CBS OData v3 table into a CSV.

    Parameters
    ----------
    table : str
        CBS table identifier, e.g. ``"47022NED"`` or ``"85984NED"``.
    gemeente : str
        CBS gemeente code, e.g. ``"GM0363"``; rows whose area code is the gemeente,
        one of its wijken or one of its buurten are kept.
    out : Path
        The CSV to write (UTF-8, ``,``), with a ``.PROVENANCE.txt`` beside it.
    base_url : str, optional
        The OData root (``.../ODataFeed/odata``); by default the catalogue that
        serves the table (see :func:`default_odata_base`).
    dimension : str
        The area dimension to filter on.
    page_rows : int
        The service's page size; a page of exactly this many rows without an
        ``odata.nextLink`` is followed up with ``$skip``/``$top``.
    timeout : float
        Seconds allowed per request.
    progress : callable, optional
        Receives one line of text per page fetched and for the file written.

    Returns
    -------
    Path
        `out`, holding every row with the columns and values exactly as served:
        space padding of codes kept, missing values as ``.`` or empty as they came.

    Raises
    ------
    FetchError
        When a request fails or the filter selects no rows; no file is written then.
    """
    if not _TABLE.match(table):
        raise FetchError(f"table {table!r} is not a CBS table identifier like 47022NED")
    gemeente = _check_gemeente(gemeente)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", dimension):
        raise FetchError(f"dimension {dimension!r} is not a column name")
    root = (base_url or default_odata_base(table)).rstrip("/")
    entity = f"{root}/{table}/TypedDataSet"
    params = {"$format": "json", "$filter": gemeente_filter(gemeente, dimension)}
    first = f"{entity}?{_query(params)}"

    rows: list[dict[str, Any]] = []
    columns: list[str] = []
    seen: set[str] = set()
    url: str | None = first
    while url is not None:
        if url in seen or len(seen) >= MAX_PAGES:
            raise FetchError(f"paging does not end (next page {url})")
        seen.add(url)
        doc, _ = get_json(url, timeout)
        values = doc.get("value") if isinstance(doc, dict) else None
        if not isinstance(values, list):
            raise FetchError(f"{url}: not an OData result (no 'value' list)")
        for row in values:
            for key in row:
                if key not in columns and not _is_annotation(key):
                    columns.append(key)
        rows.extend(values)
        _say(progress, f"{table} page {len(seen)}: {len(values)} rows")
        link = doc.get("odata.nextLink") or doc.get("@odata.nextLink")
        if link:
            url = _with_params(urljoin(url, str(link)), params)
        elif len(values) == page_rows:
            url = f"{entity}?{_query({**params, '$skip': len(rows), '$top': page_rows})}"
        else:
            url = None
    if not rows:
        raise FetchError(f"{table}: no rows for {gemeente} ({dimension}) at {first}")

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    provenance = _provenance(
        title=f"CBS table {table}, rows of gemeente {gemeente} and its wijken and buurten",
        publisher=_odata_publisher(root),
        service=entity,
        documentation="https://www.cbs.nl/nl-nl/onze-diensten/open-data/statline-als-open-data",
        requests=[first],
        contents=f"{len(rows)} rows, {len(columns)} columns; values as served",
    )

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in columns])

    _write_atomically(out, write, provenance, suffix=out.suffix)
    _say(progress, f"wrote {out}: {len(rows)} rows, {len(columns)} columns")
    return out


def _is_annotation(key: str) -> bool:
    return key.startswith(("odata.", "@odata.", "__metadata"))


def _with_params(url: str, params: Mapping[str, str]) -> str:
    """`url` with those of `params` that it lacks appended (a next link keeps its own)."""
    present = {key for key, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    missing = {k: v for k, v in params.items() if k not in present}
    if not missing:
        return url
    return f"{url}{'&' if urlsplit(url).query else '?'}{_query(missing)}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _odata_publisher(root: str) -> str:
    host = urlsplit(root).hostname or root
    if host.startswith("dataderden."):
        return (
            f"CBS open data for third parties ({host}); "
            "the table owner (e.g. Politie) is named in its TableInfos"
        )
    return f"CBS, Statistics Netherlands ({host})"


# --- writing ----------------------------------------------------------------------------


def _provenance(
    *,
    title: str,
    publisher: str,
    service: str,
    documentation: str,
    requests: list[str],
    contents: str,
) -> str:
    retrieved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        title,
        "",
        f"Publisher: {publisher}",
        f"Licence: {LICENCE}; credit the publisher",
        f"Service: {service}",
        f"Documentation: {documentation}",
        f"Retrieved: {retrieved} (UTC), by {USER_AGENT}",
        "Requests (first page; further pages followed from the responses):",
        *(f"  {r}" for r in requests),
        f"Contents: {contents}",
    ]
    return "\n".join(lines) + "\n"


def provenance_path(path: Path) -> Path:
    """The provenance sidecar of a downloaded file: ``<stem>.PROVENANCE.txt`` beside it."""
    return path.with_name(f"{path.stem}.PROVENANCE.txt")


def _write_atomically(
    target: Path, write: Callable[[Path], None], provenance: str, *, suffix: str
) -> None:
    tmp = target.with_name(f".{target.stem}.partial{suffix}")
    sidecar = provenance_path(target)
    tmp_sidecar = sidecar.with_name(f".{sidecar.name}.partial")
    try:
        tmp.unlink(missing_ok=True)
        write(tmp)
        tmp_sidecar.write_text(provenance, encoding="utf-8")
        os.replace(tmp, target)
        os.replace(tmp_sidecar, sidecar)
    except Exception as exc:
        raise FetchError(f"{target}: cannot be written: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
        tmp_sidecar.unlink(missing_ok=True)


# --- command line -----------------------------------------------------------------------


def add_fetch_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add ``unease fetch boundaries`` and ``unease fetch cbs`` to the ``unease`` parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The object returned by ``parser.add_subparsers()`` of the ``unease`` command.
    """
    p = subparsers.add_parser(
        "fetch", help="download CBS boundaries or a CBS table for one gemeente (uses the network)"
    )
    what = p.add_subparsers(dest="fetch_what", required=True)

    b = what.add_parser("boundaries", help="CBS gemeente, wijken and buurten from PDOK")
    b.add_argument("--gemeente", required=True, help="CBS code, e.g. GM0363")
    b.add_argument("--year", type=int, required=True, help="boundary year, e.g. 2024")
    b.add_argument("--out", type=Path, default=Path("shapefiles/cache"), help="output directory")
    b.add_argument("--base-url", default=PDOK_WIJKEN_EN_BUURTEN, help="OGC API landing page")
    b.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per request")

    c = what.add_parser("cbs", help="a CBS OData table, rows of one gemeente")
    c.add_argument("table", help="CBS table identifier, e.g. 47022NED or 85984NED")
    c.add_argument("--gemeente", required=True, help="CBS code, e.g. GM0363")
    c.add_argument("--out", type=Path, help="CSV to write (default data/cbs/TABLE_GEMEENTE.csv)")
    c.add_argument("--dimension", default="WijkenEnBuurten", help="area dimension to filter on")
    c.add_argument("--base-url", help="OData root; default the Feed that serves the table")
    c.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per request")


def run_fetch(args: argparse.Namespace) -> int:
    """Run a parsed ``unease fetch`` command.

    Parameters
    ----------
    args : argparse.Namespace
        Arguments parsed by a parser set up with :func:`add_fetch_parser`.

    Returns
    -------
    int
        0 when the file was written; 2 when the download failed, after printing
        the reason (HTTP status and URL) to stderr; nothing is written then.
    """
    try:
        if args.fetch_what == "boundaries":
            fetch_boundaries(
                args.gemeente,
                args.year,
                args.out,
                args.base_url,
                timeout=args.timeout,
                progress=print,
            )
        else:
            out = args.out or Path("data/cbs") / f"{args.table}_{args.gemeente.strip().upper()}.csv"
            fetch_cbs_table(
                args.table,
                args.gemeente,
                out,
                args.base_url,
                dimension=args.dimension,
                timeout=args.timeout,
                progress=print,
            )
    except FetchError as exc:
        print(f"unease fetch: {exc}", file=sys.stderr)
        print("unease fetch: nothing written", file=sys.stderr)
        return 2
    return 0
