"""Download commands against a local HTTP server that answers like PDOK and CBS OData.

No test touches the internet: a server on 127.0.0.1 serves small recorded-style
responses in each service's documented format (OGC API Features pages linked
by ``rel="next"``, CBS OData v3 pages linked by ``odata.nextLink`` or read with
``$skip``/``$top``), and records every request it gets.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import geopandas as gpd
import pyogrio
import pytest

from etl.fetch import (
    FetchError,
    add_fetch_parser,
    fetch_boundaries,
    fetch_cbs_table,
    gemeente_filter,
    provenance_path,
    run_fetch,
)

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class FakeService:
    """A local HTTP server; `answer(path, query)` decides each response."""

    answer: Callable[[str, dict[str, list[str]]], Answer]
    requests: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    base: str = ""


@pytest.fixture()
def service() -> Iterator[FakeService]:
    fake = FakeService(answer=lambda path, query: (404, {}, b"not found"))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            fake.requests.append(self.path)
            fake.user_agents.add(self.headers.get("User-Agent", ""))
            parts = urlsplit(self.path)
            status, headers, body = fake.answer(parts.path, parse_qs(parts.query))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


def _json(doc: object, status: int = 200, **headers: str) -> Answer:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(doc).encode()


# --- PDOK OGC API Features: CBS Wijken en Buurten ----------------------------------------

RD_HEADER = "<http://www.opengis.net/def/crs/EPSG/0/28992>"


def _square(x: float, y: float, size: float = 500.0) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _feature(fid: int, geometry: dict, **properties) -> dict:
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": properties}


GEMEENTEN = [
    _feature(
        1,
        _square(120000, 485000, 1500),
        gemeentecode="GM0363  ",
        gemeentenaam="Amsterdam",
        water="NEE",
        aantal_inwoners=931298,
    )
]
WIJKEN = [
    _feature(
        10 + i,
        _square(120000 + 500 * i, 485000, 500),
        wijkcode=f"WK0363A{letter}  ",
        wijknaam=f"Wijk {letter}",
        gemeentecode="GM0363  ",
        gemeentenaam="Amsterdam",
        water="JA" if letter == "C" else "NEE",
        aantal_inwoners=-99999999 if letter == "C" else 5000 + i,
    )
    for i, letter in enumerate("ABC")
]
BUURTEN = [
    _feature(
        100 + i,
        _square(120000 + 250 * i, 485000, 250),
        buurtcode=f"BU0363AA0{i}  ",
        buurtnaam=f"Buurt {i}",
        wijkcode="WK0363AA  ",
        gemeentecode="GM0363  ",
        gemeentenaam="Amsterdam",
        water="NEE",
        aantal_inwoners=700 + i,
    )
    for i in range(5)
] + [
    _feature(
        200,
        _square(92000, 437000, 250),
        buurtcode="BU05990110  ",
        buurtnaam="Stadsdriehoek",
        wijkcode="WK059901  ",
        gemeentecode="GM0599  ",
        gemeentenaam="Rotterdam",
        water="NEE",
        aantal_inwoners=5000,
    )
]
COLLECTIONS = {"gemeenten": GEMEENTEN, "wijken": WIJKEN, "buurten": BUURTEN}
PDOK_PAGE_CAP = 2  # the fake serves at most 2 features a page, whatever `limit` says


def pdok_answer(
    base: str, *, content_crs: str | None = RD_HEADER, fail: tuple[str, int] | None = None
) -> Callable[[str, dict[str, list[str]]], Answer]:
    """Answer like ``/cbs/wijken-en-buurten-2024/ogc/v1/collections/<c>/items``."""

    def answer(path: str, query: dict[str, list[str]]) -> Answer:
        match = re.fullmatch(r"/cbs/wijken-en-buurten-2024/ogc/v1/collections/(\w+)/items", path)
        if not match or match.group(1) not in COLLECTIONS:
            return _json({"code": "NotFound", "description": path}, status=404)
        collection = match.group(1)
        cursor = int(query.get("cursor", ["0"])[0])
        if fail == (collection, cursor):
            return 500, {"Content-Type": "text/plain"}, b"Internal Server Error"
        wanted = query["gemeentecode"][0]
        features = [
            f for f in COLLECTIONS[collection] if f["properties"]["gemeentecode"].strip() == wanted
        ]
        limit = min(int(query.get("limit", ["10"])[0]), PDOK_PAGE_CAP)
        page = features[cursor : cursor + limit]
        if content_crs is None:  # a server that ignores `crs`: GeoJSON in lon/lat
            page = [
                dict(f, geometry=_square(4.9 + 0.01 * n, 52.37, 0.005)) for n, f in enumerate(page)
            ]
        items = f"{base}{path}"
        keep = {k: v[0] for k, v in query.items() if k != "cursor"}
        links = [
            {
                "rel": "self",
                "type": "application/geo+json",
                "href": f"{items}?{urlencode(query, doseq=True)}",
            }
        ]
        if cursor + limit < len(features):
            nxt = urlencode({**keep, "cursor": cursor + limit})
            links.append(
                {
                    "rel": "next",
                    "type": "application/geo+json",
                    "title": "Next page",
                    "href": f"{items}?{nxt}",
                }
            )
        doc = {
            "type": "FeatureCollection",
            "timeStamp": "2025-01-15T10:00:00Z",
            "links": links,
            "numberReturned": len(page),
            "features": page,
        }
        headers = {"Content-Type": "application/geo+json"}
        if content_crs:
            headers["Content-Crs"] = content_crs
        return 200, headers, json.dumps(doc).encode()

    return answer


def _pdok_base(service: FakeService) -> str:
    return f"{service.base}/cbs/wijken-en-buurten-{{year}}/ogc/v1"


def test_boundaries_pages_layers_crs_and_stripped_codes(service, tmp_path):
    service.answer = pdok_answer(service.base)
    lines: list[str] = []
    out = fetch_boundaries(
        "GM0363", 2024, tmp_path / "cache", _pdok_base(service), progress=lines.append
    )

    assert out == tmp_path / "cache" / "cbs_wijkenbuurten_2024_GM0363.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert layers == {"gemeenten", "wijken", "buurten"}
    frames = {name: gpd.read_file(out, layer=name) for name in layers}
    # every page was fetched: 1 + (2 + 1) + (2 + 2 + 1) features; Rotterdam is not in it
    assert {k: len(v) for k, v in frames.items()} == {"gemeenten": 1, "wijken": 3, "buurten": 5}
    for frame in frames.values():
        assert frame.crs.to_epsg() == 28992
        assert frame.total_bounds[0] == pytest.approx(120000)
    buurten = frames["buurten"]
    for column in (
        "buurtcode",
        "buurtnaam",
        "wijkcode",
        "gemeentecode",
        "water",
        "aantal_inwoners",
    ):
        assert column in buurten.columns
    assert buurten["buurtcode"].tolist() == [f"BU0363AA0{i}" for i in range(5)]
    assert set(buurten["wijkcode"]) == {"WK0363AA"} and set(buurten["gemeentecode"]) == {"GM0363"}
    assert frames["wijken"]["wijkcode"].tolist() == ["WK0363AA", "WK0363AB", "WK0363AC"]
    assert frames["wijken"]["aantal_inwoners"].tolist()[2] == -99999999  # as served
    assert frames["gemeenten"]["gemeentecode"].tolist() == ["GM0363"]

    # one request per page, each asking for the gemeente in RD New
    paths = [urlsplit(r).path.rsplit("/", 2)[1] for r in service.requests]
    assert paths == ["gemeenten", "wijken", "wijken", "buurten", "buurten", "buurten"]
    for request in service.requests:
        query = parse_qs(urlsplit(request).query)
        assert query["gemeentecode"] == ["GM0363"]
        assert query["crs"] == ["http://www.opengis.net/def/crs/EPSG/0/28992"]
        assert query["f"] == ["json"]
    assert "buurten page 3: 1 features" in lines
    assert all(ua.startswith("unease-monitor/") for ua in service.user_agents)

    sidecar = provenance_path(out).read_text(encoding="utf-8")
    assert "CBS / Kadaster" in sidecar and "CC BY 4.0" in sidecar
    assert f"{service.base}/cbs/wijken-en-buurten-2024/ogc/v1" in sidecar
    assert "Retrieved: 20" in sidecar
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "cbs_wijkenbuurten_2024_GM0363.PROVENANCE.txt",
        "cbs_wijkenbuurten_2024_GM0363.gpkg",
    ]


def test_boundaries_in_lon_lat_are_transformed_to_rd(service, tmp_path):
    service.answer = pdok_answer(service.base, content_crs=None)
    out = fetch_boundaries("GM0363", 2024, tmp_path, _pdok_base(service))
    buurten = gpd.read_file(out, layer="buurten")
    assert buurten.crs.to_epsg() == 28992
    minx, miny, maxx, maxy = buurten.total_bounds
    assert 115000 < minx < maxx < 130000 and 480000 < miny < maxy < 495000  # central Amsterdam


def test_boundaries_error_exits_2_names_url_and_writes_nothing(service, tmp_path, capsys):
    service.answer = pdok_answer(service.base, fail=("buurten", 2))
    out_dir = tmp_path / "cache"
    code = _cli(
        ["fetch", "boundaries", "--gemeente", "GM0363", "--year", "2024", "--out", str(out_dir)]
        + ["--base-url", _pdok_base(service)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "HTTP 500" in err
    assert f"{service.base}/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items?" in err
    assert "cursor=2" in err
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_boundaries_without_features_is_an_error(service, tmp_path):
    service.answer = pdok_answer(service.base)
    with pytest.raises(FetchError, match="no features for GM0344"):
        fetch_boundaries("GM0344", 2024, tmp_path, _pdok_base(service))
    assert not any(tmp_path.iterdir())


# --- CBS OData v3: 47022NED (Politie, registered crime per month per wijk/buurt) --------

COLUMNS_47022 = ["ID", "SoortMisdrijf", "WijkenEnBuurten", "Perioden", "GeregistreerdeMisdrijven_1"]


def _rows_47022() -> list[dict]:
    areas = ["GM0363    ", "WK0363AA  ", "BU03630000  ", "BU0363AA01  ", "GM0599    "]
    counts = [812, 97, None, ".", 640, 3, 12, 0, ".", 5, 77, 1]
    rows = []
    for n, (area, period) in enumerate((a, p) for a in areas for p in ("2024MM02", "2024MM03")):
        soort = "0.0.0 " if n % 2 == 0 else "1.1.1 "
        count = counts[n % len(counts)]
        rows.append(dict(zip(COLUMNS_47022, [n, soort, area, period, count])))
    return rows


ROWS_47022 = _rows_47022()
AMSTERDAM = [r for r in ROWS_47022 if not r["WijkenEnBuurten"].startswith("GM0599")]


def _odata_rows(query: dict[str, list[str]]) -> list[dict] | None:
    """Rows matching the ``$filter`` of `query` (None when it has no filter)."""
    if "$filter" not in query:
        return None
    prefixes = re.findall(r"startswith\(WijkenEnBuurten,'(\w+)'\)", query["$filter"][0])
    return [r for r in ROWS_47022 if r["WijkenEnBuurten"].startswith(tuple(prefixes))]


def feed_answer(
    base: str, page: int = 4, fail_at: int | None = None
) -> Callable[[str, dict[str, list[str]]], Answer]:
    """Answer like the ODataFeed: `page` rows at a time, then an ``odata.nextLink``."""

    def answer(path: str, query: dict[str, list[str]]) -> Answer:
        if path != "/ODataFeed/odata/47022NED/TypedDataSet":
            return _json({"odata.error": {"message": {"value": "Resource not found"}}}, 404)
        rows = _odata_rows(query)
        if rows is None or query.get("$format") != ["json"]:
            return _json({"odata.error": {"message": {"value": "filter and format required"}}}, 400)
        skip = int(query.get("$skip", ["0"])[0])
        if fail_at == skip:
            return 500, {"Content-Type": "text/html"}, b"<html>Runtime Error</html>"
        doc: dict = {
            "odata.metadata": f"{base}/ODataFeed/odata/47022NED/$metadata#TypedDataSet",
            "value": rows[skip : skip + page],
        }
        if skip + page < len(rows):  # the next link carries only the position
            doc["odata.nextLink"] = f"{base}{path}?$skip={skip + page}"
        return _json(doc)

    return answer


def api_answer(cap: int = 4) -> Callable[[str, dict[str, list[str]]], Answer]:
    """Answer like the ODataApi: at most `cap` rows a request, no next link, honours $skip/$top."""

    def answer(path: str, query: dict[str, list[str]]) -> Answer:
        rows = _odata_rows(query) or []
        skip = int(query.get("$skip", ["0"])[0])
        top = min(int(query.get("$top", [str(cap)])[0]), cap)
        return _json({"odata.metadata": "...", "value": rows[skip : skip + top]})

    return answer


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    return header, rows


def _expected_cells(row: dict) -> list[str]:
    return ["" if row[c] is None else str(row[c]) for c in COLUMNS_47022]


def test_cbs_table_follows_next_links_and_keeps_values_as_served(service, tmp_path):
    service.answer = feed_answer(service.base, page=4)
    lines: list[str] = []
    out = fetch_cbs_table(
        "47022NED",
        "GM0363",
        tmp_path / "47022NED_GM0363.csv",
        f"{service.base}/ODataFeed/odata",
        progress=lines.append,
    )

    header, rows = _read_csv(out)
    assert header == COLUMNS_47022
    assert len(AMSTERDAM) == 8 and len(rows) == 8  # 4 + 4 rows; Rotterdam filtered out
    assert rows == [_expected_cells(r) for r in AMSTERDAM]
    assert ["1", "1.1.1 ", "GM0363    ", "2024MM03", "97"] in rows  # padding kept
    assert [r[4] for r in rows].count(".") == 1 and [r[4] for r in rows].count("") == 1
    assert "BU03630000  " in [r[2] for r in rows]
    assert lines[:2] == ["47022NED page 1: 4 rows", "47022NED page 2: 4 rows"]

    # the gemeente's filter is in every request, also where the next link left it out
    assert len(service.requests) == 2
    for request in service.requests:
        query = parse_qs(urlsplit(request).query)
        assert query["$filter"] == [gemeente_filter("GM0363")]
        assert "startswith(WijkenEnBuurten,'BU0363')" in query["$filter"][0]
    assert "$skip=4" in service.requests[1]

    sidecar = provenance_path(out).read_text(encoding="utf-8")
    assert "47022NED" in sidecar and "CC BY 4.0" in sidecar and "8 rows" in sidecar


def test_cbs_table_three_pages_sum_to_every_row(service, tmp_path):
    service.answer = feed_answer(service.base, page=3)
    out = fetch_cbs_table(
        "47022NED", "GM0363", tmp_path / "t.csv", f"{service.base}/ODataFeed/odata"
    )
    _, rows = _read_csv(out)
    assert len(service.requests) == 3  # 3 + 3 + 2
    assert len(rows) == 8 == len(AMSTERDAM)
    assert [r[0] for r in rows] == [str(r["ID"]) for r in AMSTERDAM]


def test_cbs_table_pages_with_skip_top_when_a_full_page_has_no_link(service, tmp_path):
    service.answer = api_answer(cap=3)
    out = fetch_cbs_table(
        "47022NED", "GM0363", tmp_path / "t.csv", f"{service.base}/ODataApi/odata", page_rows=3
    )
    _, rows = _read_csv(out)
    assert rows == [_expected_cells(r) for r in AMSTERDAM]
    skips = [parse_qs(urlsplit(r).query).get("$skip", ["0"])[0] for r in service.requests]
    assert skips == ["0", "3", "6"]
    assert all(
        parse_qs(urlsplit(r).query)["$filter"] == [gemeente_filter("GM0363")]
        for r in service.requests
    )


def test_cbs_error_exits_2_names_url_and_keeps_the_old_file(service, tmp_path, capsys):
    service.answer = feed_answer(service.base, page=4, fail_at=4)
    out = tmp_path / "47022NED_GM0363.csv"
    out.write_text("previous download\n", encoding="utf-8")
    code = _cli(
        ["fetch", "cbs", "47022NED", "--gemeente", "GM0363", "--out", str(out)]
        + ["--base-url", f"{service.base}/ODataFeed/odata"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "HTTP 500" in err
    assert f"{service.base}/ODataFeed/odata/47022NED/TypedDataSet?$skip=4" in err
    assert out.read_text(encoding="utf-8") == "previous download\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["47022NED_GM0363.csv"]


def test_cli_prints_pages_and_file(service, tmp_path, capsys):
    service.answer = feed_answer(service.base, page=3)
    out = tmp_path / "crime.csv"
    code = _cli(
        ["fetch", "cbs", "47022NED", "--gemeente", "GM0363", "--out", str(out)]
        + ["--base-url", f"{service.base}/ODataFeed/odata", "--timeout", "5"]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "47022NED page 3: 2 rows" in printed
    assert f"wrote {out}: 8 rows, 5 columns" in printed


def test_bad_gemeente_code_is_refused_before_any_request(service, tmp_path, capsys):
    service.answer = feed_answer(service.base)
    code = _cli(
        ["fetch", "cbs", "47022NED", "--gemeente", "Amsterdam", "--out", str(tmp_path / "x.csv")]
    )
    assert code == 2
    assert "not a CBS code like GM0363" in capsys.readouterr().err
    assert service.requests == [] and not any(tmp_path.iterdir())


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="unease")
    add_fetch_parser(parser.add_subparsers(dest="command", required=True))
    return run_fetch(parser.parse_args(argv))
