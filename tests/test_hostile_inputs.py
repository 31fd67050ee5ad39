"""Hostile source files through the real build: random and broken CSV and GeoJSON.

Whatever a file holds, the build either succeeds or stops with one of the project's
own errors naming the file (never a bare KeyError, UnicodeError or pandas error), and
a failed build leaves the previous database byte for byte as it was.  After a build
that succeeds, every source's rows read equal loaded + quarantined + skipped, and
every quarantined row names its row number and field and keeps its raw values.

The examples are derandomized so a run takes the same (bounded) time; each
``@example`` is a file that once crashed the build.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import shutil
import tempfile
from pathlib import Path

import pyogrio
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from etl.config import ConfigError
from etl.db import connect
from etl.extract import SourceError, read_csv_text, read_source
from etl.load import BuildError, build
from etl.settings import Settings
from etl.validate import MappingError, Problems, rejected_frame, row_numbers, validate_table
from geo.boundaries import BoundaryError
from geo.crs import CRSError
from tests.tiny import SURVEY_HEADER, X0, Y0, buurt_frame, write_tiny

PROJECT_ERRORS = (ConfigError, SourceError, MappingError, BuildError, BoundaryError, CRSError)
#: Few permutations: the hotspots are not what is tested here.
FAST = Settings.from_env({"hotspot_permutations": 19})
BUILDS = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HUGE = "x" * 100_000
#: Cells that spreadsheets, exports and people produce.
HOSTILE = [
    "",
    " ",
    ".",
    "-",
    "NA",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "1e-320",
    "-99999999",
    "0",
    "-0",
    "1,5",
    "100.500,25",
    "1.234.567",
    "0x1A",
    '"',
    '""',
    'a "quoted" word',
    "line\nbreak",
    "cr\rlf\r\n",
    "a;b",
    "a,b",
    "tab\there",
    "é ü ß",
    "\u00a0",
    "\ufeff",
    "null",
    "None",
    "2023-02-30",
    "0000-01-01",
    "9999-12-31",
    "2023-13-01",
    "31-12-2023",
    "2023MM13",
    "0000",
    "9999_99",
    "BU99980101",
    "bu99980201  ",
    "WK999801",
    "GM9998",
    "BU03630000",
    "1e300",
    "1e-300",
    HUGE,
]

INCIDENT_COLUMNS = ["registratienummer", "soort", "begindatum", "einddatum", "x_rd", "y_rd"]
SURVEY_COLUMNS = SURVEY_HEADER.strip().split(",")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def previous_db(tmp_path_factory) -> Path:
    """A database built from the untouched tiny sources: what a failed build must keep."""
    directory = tmp_path_factory.mktemp("previous")
    db = directory / "previous.duckdb"
    build(write_tiny(directory / "src"), db, FAST)
    return db


def _build_checked(config: Path, previous: Path, hostile: list[Path]):
    """Build over a copy of ``previous``; check the properties; the summary or None."""
    directory = config.parent
    db = directory / "served.duckdb"
    shutil.copyfile(previous, db)
    before = _sha(db)
    try:
        summary = build(config, db, FAST)
    except PROJECT_ERRORS as exc:
        event(f"stopped: {type(exc).__name__}")
        message = str(exc)
        assert any(p.name in message for p in hostile), f"error does not name the file: {message}"
        assert _sha(db) == before, "a failed build changed the previous database"
        assert not list(directory.glob("served.duckdb.tmp-*")), "temporary file left behind"
        return None
    event("built")
    _check_database(db)
    return summary


def _check_database(db: Path) -> None:
    con = connect(db, read_only=True)
    try:
        log = con.execute(
            "select source, path, rows_read, rows_loaded, rows_quarantined, rows_skipped, "
            "rows_noted from load_log"
        ).fetchall()
        for source, path, read, loaded, quarantined, skipped, noted in log:
            assert read == loaded + quarantined + skipped, (source, read, loaded, quarantined)
            rows = con.execute(
                "select row_number, field, reason, raw from quarantine "
                "where source = ? and severity = 'rejected'",
                [source],
            ).fetchall()
            assert len(rows) == quarantined, source
            notes = con.execute(
                "select row_number, field, reason, raw from quarantine "
                "where source = ? and severity = 'note'",
                [source],
            ).fetchall()
            assert len(notes) == noted <= loaded, source  # rows kept with a note are loaded
            _check_quarantine(Path(path), rows + notes)
    finally:
        con.close()


def _check_quarantine(path: Path, rows: list[tuple]) -> None:
    """Row number and field named; raw values those of that row in the file (cut at 200)."""
    if path.suffix == ".csv":  # line numbers, the header is line 1
        cells, first = read_csv_text(path), 2
    else:  # feature numbers from 1
        cells, first = pyogrio.read_dataframe(path).drop(columns="geometry"), 1
    for row_number, field, reason, raw in rows:
        assert row_number is not None and row_number >= 1, (row_number, reason)
        assert field and field.strip(), reason
        assert reason, row_number
        values = json.loads(raw)
        assert isinstance(values, dict) and values, raw
        record = cells.iloc[row_number - first]
        expected = {str(k): str(v)[:200] for k, v in record.items() if not str(k).startswith("_")}
        assert values == expected, (path.name, row_number, raw)


# ---------------------------------------------------------------- CSV files


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode(encoding, errors="replace")


@st.composite
def csv_files(draw, columns: list[str], valid_row) -> bytes:
    """A CSV as a Dutch spreadsheet or a broken export might write it."""
    shape = draw(st.sampled_from(["normal", "normal", "normal", "empty", "header-only"]))
    if shape == "empty":
        return draw(st.sampled_from([b"", b"\n", b"\r\n\r\n", b"\xef\xbb\xbf"]))
    header = list(columns)
    if draw(st.integers(0, 3)) == 0:
        edit = draw(st.sampled_from(["drop", "duplicate", "extra", "case", "pad"]))
        k = draw(st.integers(0, len(header) - 1))
        if edit == "drop":
            del header[k]
        elif edit == "duplicate":
            header.insert(k, header[k])
        elif edit == "extra":
            header.append(draw(st.sampled_from(["", "opmerking", HUGE[:300]])))
        elif edit == "case":
            header[k] = header[k].upper()
        else:
            header[k] = f" {header[k]} "
    dutch = draw(st.booleans())
    delimiter = ";" if dutch else draw(st.sampled_from([",", ",", "\t", "|"]))
    rows = []
    ragged = draw(st.integers(0, 4)) == 0
    if shape == "normal":
        n = draw(st.integers(1, 8))
        ids = draw(
            st.lists(st.sampled_from(["A", "B", "A ", "a", "1", "1.0"]), min_size=n, max_size=n)
        )
        for i in range(n):
            row = valid_row(i, ids[i], dutch)
            for j in range(len(row)):
                if draw(st.integers(0, 3)) == 0:
                    row[j] = draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)))
            width = len(header)
            if ragged:
                width += draw(st.sampled_from([-1, 0, 1]))
            rows.append((row + [""] * width)[: max(width, 1)])
    buffer = io.StringIO()
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.integers(0, 7)) == 0:  # cut off mid-file, as a failed download
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252"]))
    return _encode(text, encoding)


def _incident_row(i: int, ident: str, dutch: bool) -> list[str]:
    x, y = X0 + 137.5 + 100 * i, Y0 + 512.25 + 50 * i
    coords = [f"{x:.2f}", f"{y:.2f}"]
    if dutch:
        coords = [c.replace(".", ",") for c in coords]
    return [ident, "woninginbraak", f"2023-0{1 + i % 9}-1{i % 9}", "", *coords]


def _survey_row(i: int, ident: str, dutch: bool) -> list[str]:
    weight = "1,25" if dutch else "1.25"
    return [f"R{ident}", "2023", "BU99980201", weight, str(i % 2)]


# Regressions: each of these once ended the build with something else than a project error.
RAGGED_FIRST_ROW = (
    b"registratienummer,soort,begindatum,einddatum,x_rd,y_rd\n"
    b"I1,woninginbraak,2023-01-10,,100500,400500,extra\n"
)  # the first column became the index: ValueError "invalid literal for int()"
INFINITE_AND_CUT = (
    "registratienummer;soort;begindatum;einddatum;x_rd;y_rd\r\n"
    "A;geweld;2023-01-10;;inf;400500,5\r\nB;gew"
).encode("cp1252")


@given(data=csv_files(INCIDENT_COLUMNS, _incident_row))
@example(data=RAGGED_FIRST_ROW)
@example(data=INFINITE_AND_CUT)
@example(data=("\ufeff" + ",".join(INCIDENT_COLUMNS) + "\n").encode())  # header only, BOM
@BUILDS
def test_hostile_incident_csv(previous_db, data):
    with tempfile.TemporaryDirectory() as tmp:
        config = write_tiny(Path(tmp))
        (Path(tmp) / "incidents.csv").write_bytes(data)
        _build_checked(config, previous_db, [Path(tmp) / "incidents.csv"])


def _survey(rows: list[str]) -> bytes:
    return (SURVEY_HEADER + "\n".join(rows) + "\n").encode()


SENTINEL_WEIGHT = _survey(
    [f"R{i},2023,BU99980201,1,{i % 2}" for i in range(60)] + ["X,2023,BU99980201,-99999999,1"]
)
"""A CBS missing marker in a required number: NOT NULL constraint failed in DuckDB."""
HUGE_WEIGHTS = _survey([f"R{i},2023,BU99980201,1e300,{i % 2}" for i in range(60)])
"""Weights whose squares overflow: KeyError ('se', 'perceived') in the unease index."""
YEAR_ZERO = _survey([f"R{i},0000,BU99980201,1,{i % 2}" for i in range(60)])
"""Survey wave 0000: 'year 0 is out of range' in the initiatives analysis."""


@given(data=csv_files(SURVEY_COLUMNS, _survey_row))
@example(data=SENTINEL_WEIGHT)
@example(data=HUGE_WEIGHTS)
@example(data=YEAR_ZERO)
@BUILDS
def test_hostile_survey_csv(previous_db, data):
    with tempfile.TemporaryDirectory() as tmp:
        config = write_tiny(Path(tmp))
        (Path(tmp) / "survey.csv").write_bytes(data)
        _build_checked(config, previous_db, [Path(tmp) / "survey.csv"])


# ---------------------------------------------------------------- GeoJSON files

RD_CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
BUURT_FEATURES = json.loads(buurt_frame().to_json())["features"]
NAN = float("nan")
BAD_GEOMETRIES = [
    None,
    {"type": "Polygon", "coordinates": []},
    {"type": "Point", "coordinates": [X0 + 500, Y0 + 500]},
    {"type": "Point", "coordinates": [str(X0 + 500), str(Y0 + 500)]},
    {"type": "Point", "coordinates": []},
    {"type": "GeometryCollection", "geometries": []},
    {"type": "MultiPoint", "coordinates": [[X0 + 500, Y0 + 500]]},
    {  # bow tie: invalid, repaired
        "type": "Polygon",
        "coordinates": [
            [[X0, Y0], [X0 + 1000, Y0 + 1000], [X0 + 1000, Y0], [X0, Y0 + 1000], [X0, Y0]]
        ],
    },
    {"type": "Polygon", "coordinates": [[[X0, Y0], [NAN, Y0], [X0, Y0 + 9], [X0, Y0]]]},
    {"type": "Polygon", "coordinates": [[[1e300, 1e300], [-1e300, 0], [0, 1e300], [1e300, 1e300]]]},
    {"type": "Polygon", "coordinates": [[[X0, Y0], [X0, Y0 + 10], [X0 + 10, Y0]]]},  # unclosed
]
BAD_PROPERTIES = {
    "buurtcode": [12345, None, "", "BU99980101", "WK999801", HUGE, "BU0363AA01"],
    "buurtnaam": [None, "", HUGE, 7, "Zuid;west\n"],
    "wijkcode": [None, "WK999899", "GM9998", 1.5],
    "aantal_inwoners": ["veel", NAN, 1e300, -5, "1.500", "1,5", None, True],
}


def _collection(features: list[dict], crs: dict | None = RD_CRS) -> str:
    body = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        body["crs"] = crs
    return json.dumps(body, allow_nan=True)


@st.composite
def boundary_files(draw) -> str:
    features = copy.deepcopy(BUURT_FEATURES)
    for feature in features:
        if draw(st.integers(0, 4)) == 0:
            feature["geometry"] = copy.deepcopy(draw(st.sampled_from(BAD_GEOMETRIES)))
        if draw(st.integers(0, 4)) == 0:
            key = draw(st.sampled_from(sorted(BAD_PROPERTIES)))
            feature["properties"][key] = draw(st.sampled_from(BAD_PROPERTIES[key]))
    keep = draw(st.sampled_from([len(features)] * 3 + [0, 1, 2, 3]))
    features = draw(st.permutations(features))[:keep]
    crs = draw(st.sampled_from([RD_CRS, RD_CRS, None]))
    return _collection(features, crs)


def _use_geojson_boundaries(config: Path) -> None:
    text = config.read_text()
    text = text.replace('path = "kleindorp.gpkg"\nlayer = "buurten"', 'path = "buurten.geojson"')
    config.write_text(text)


NO_CRS_RD_COORDINATES = _collection(BUURT_FEATURES, None)
"""RD coordinates read as WGS84 (no crs member): non-finite shapes made shapely raise."""
ALL_GEOMETRIES_NULL = _collection([dict(f, geometry=None) for f in BUURT_FEATURES])
"""Every row quarantined: StopIteration when choosing the finest level."""
HUGE_INHABITANTS = _collection(
    [copy.deepcopy(BUURT_FEATURES[0])]
    + [
        dict(f, properties={**f["properties"], "aantal_inwoners": 1e300})
        for f in BUURT_FEATURES[1:]
    ]
)
"""1e300 inhabitants: 'cannot safely cast non-equivalent float64 to int64'."""


@given(text=boundary_files())
@example(text=NO_CRS_RD_COORDINATES)
@example(text=ALL_GEOMETRIES_NULL)
@example(text=HUGE_INHABITANTS)
@BUILDS
def test_hostile_boundary_geojson(previous_db, text):
    with tempfile.TemporaryDirectory() as tmp:
        config = write_tiny(Path(tmp))
        _use_geojson_boundaries(config)
        (Path(tmp) / "buurten.geojson").write_text(text, encoding="utf-8")
        _build_checked(config, previous_db, [Path(tmp) / "buurten.geojson"])


def _incident_feature(i: int, geometry: dict | None, **properties) -> dict:
    values = {
        "registratienummer": f"G{i}",
        "soort": "geweld",
        "begindatum": "2023-04-01",
        "einddatum": "",
        **properties,
    }
    return {"type": "Feature", "properties": values, "geometry": geometry}


def _point(i: int) -> dict:
    return {"type": "Point", "coordinates": [X0 + 100 + 150 * i, Y0 + 300 + 90 * i]}


@st.composite
def incident_point_files(draw) -> str:
    features = []
    for i in range(draw(st.integers(0, 8))):
        geometry = _point(i)
        if draw(st.integers(0, 2)) == 0:
            geometry = copy.deepcopy(draw(st.sampled_from(BAD_GEOMETRIES)))
        properties = {}
        if draw(st.integers(0, 3)) == 0:
            key = draw(st.sampled_from(["registratienummer", "soort", "begindatum"]))
            properties[key] = draw(
                st.one_of(st.sampled_from(HOSTILE[:-1]), st.integers(), st.none())
            )
        features.append(_incident_feature(i, geometry, **properties))
    return _collection(features, draw(st.sampled_from([RD_CRS, None])))


def _use_geojson_incidents(config: Path) -> None:
    text = config.read_text()
    text = text.replace('path = "incidents.csv"\ncrs = "EPSG:28992"', 'path = "incidents.geojson"')
    config.write_text(text.replace('x = "x_rd"\ny = "y_rd"\n', ""))


NOT_A_POINT = _collection(
    [_incident_feature(0, _point(0)), _incident_feature(1, BAD_GEOMETRIES[7])]
)
"""A polygon among the incident points: 'x attribute access only provided for Point'."""


@given(text=incident_point_files())
@example(text=NOT_A_POINT)
@BUILDS
def test_hostile_incident_geojson(previous_db, text):
    with tempfile.TemporaryDirectory() as tmp:
        config = write_tiny(Path(tmp))
        _use_geojson_incidents(config)
        (Path(tmp) / "incidents.geojson").write_text(text, encoding="utf-8")
        _build_checked(config, previous_db, [Path(tmp) / "incidents.geojson"])


# ------------------------------------------------- reading and validation alone, many examples


@given(
    data=st.one_of(
        csv_files(INCIDENT_COLUMNS, _incident_row),
        st.binary(max_size=300),
        incident_point_files().map(str.encode),
    ),
    suffix=st.sampled_from([".csv", ".geojson"]),
)
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_reading_and_validating_raise_only_project_errors(data, suffix):
    """The first two steps of every load, on many more files than full builds allow."""
    from etl.config import Source

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"incidents{suffix}"
        path.write_bytes(data)
        columns = dict(zip(["incident_id", "category", "date", "date_end"], INCIDENT_COLUMNS))
        if suffix == ".csv":
            columns.update(x="x_rd", y="y_rd")
        source = Source("incidents", "incidents", path, columns, crs="EPSG:28992")
        try:
            frame = read_source(source)
            is_csv = suffix == ".csv"
            typed, problems = validate_table(source, frame.reset_index(drop=True), is_csv)
        except (SourceError, MappingError) as exc:
            assert path.name in str(exc)
            return
        assert isinstance(problems, Problems)
        assert len(typed) == len(frame)
        rejected = rejected_frame(frame, problems, row_numbers(frame, is_csv))
        assert rejected["row_number"].between(1, len(frame) + 1).all()
        assert all(isinstance(f, str) and f for f in rejected["field"])
